package huawei

import (
	"net/http"

	"github.com/vmplane/vmplane"
)

// projectView is an IAM project, as GET /v3/projects lists it.
type projectView struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	DomainID    string       `json:"domain_id"`
	ParentID    string       `json:"parent_id"`
	IsDomain    bool         `json:"is_domain"`
	Enabled     bool         `json:"enabled"`
	Description string       `json:"description"`
	Links       projectLinks `json:"links"`
}

type projectLinks struct {
	Self     string  `json:"self"`
	Previous *string `json:"previous"`
	Next     *string `json:"next"`
}

// listProjects serves IAM's GET /v3/projects, which the SDK calls when a
// client names a region but no project id (?name=<region>), and Terraform
// to find its project. An account has one project, named after whichever
// region of the catalog the client asks for: vmplane serves every region
// of its catalog under the account's one project id.
func (h *Handler) listProjects(w http.ResponseWriter, c *call) error {
	cat := h.svc.Catalog(cloudName)
	name := c.r.URL.Query().Get("name")
	if name == "" && len(cat.Regions) > 0 {
		name = cat.Regions[0].ID
	}
	projects := []projectView{}
	if cat.FindRegion(name) != nil {
		projects = append(projects, projectOf(c, c.account, name))
	}
	return reply(w, c, http.StatusOK, struct {
		Projects []projectView `json:"projects"`
		Links    projectLinks  `json:"links"`
	}{projects, projectLinks{Self: baseURL(c.r) + "/v3/projects"}})
}

func projectOf(c *call, acct *vmplane.Account, name string) projectView {
	domain := hexOf(32, acct.ID, "domain")
	return projectView{
		ID: acct.ProjectID, Name: name, DomainID: domain, ParentID: domain, Enabled: true,
		Links: projectLinks{Self: baseURL(c.r) + "/v3/projects/" + acct.ProjectID},
	}
}
