package loadtest

import (
	"net/http"
	"time"

	"github.com/vmplane/vmplane/huawei"
)

// huaweiShow is workload (c): ECS ShowServer of a random seeded server, sent
// and signed as the official Go SDK sends it.
var huaweiShow = Workload{
	Name:  "huawei-show",
	Title: "Huawei ECS ShowServer (GET /v1/{project_id}/cloudservers/{server_id}) of a random server",
	Cloud: "huawei",
	NewClient: func(f *Fleet, base string, i int) Client {
		ids, rng, key := f.Seeded("huawei").IDs, f.Rand(i), f.Key()
		project := f.Account.ProjectID
		return func() (Call, error) {
			id := ids[rng.IntN(len(ids))]
			req, err := http.NewRequest("GET", base+"/v1/"+project+"/cloudservers/"+id, nil)
			if err != nil {
				return Call{}, err
			}
			// The headers the SDK sends on a GET; it signs all but Content-Type.
			req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
			req.Header.Set("X-Project-Id", project)
			req.Header.Set("Content-Type", "application/json")
			huawei.Sign(req, nil, key.AccessKey, key.SecretKey, time.Now())
			// The server's own id comes first: {"server":{"id":...
			return Call{Req: req, Check: checkContains(`{"server":{"id":"` + id + `"`)}, nil
		}
	},
}
