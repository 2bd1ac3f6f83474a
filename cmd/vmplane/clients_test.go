package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	"github.com/vmplane/vmplane/ncloud"
	"github.com/vmplane/vmplane/zenlayer"
)

const (
	testAK      = "E2EACCESSKEY00000001"
	testSK      = "e2e-secret-key-0000000000000000000000001"
	testProject = "fedcba9876543210fedcba9876543210"
)

// The shipped binary, started as a user starts it, answers real clients
// over a real socket: the official Huawei SDK through a whole resize, and
// requests signed as the NCP and Zenlayer SDKs sign them.
func TestRealClientsDriveTheBinary(t *testing.T) {
	c := startChild(t, t.TempDir(), "--access-key", testAK, "--secret-key", testSK, "--project-id", testProject)
	if err := c.admin("POST", "clock/freeze", "", nil); err != nil {
		t.Fatal(err)
	}
	advance := func(d string) {
		t.Helper()
		if err := c.admin("POST", "clock/advance", `{"duration":"`+d+`"}`, nil); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("HuaweiSDK", func(t *testing.T) {
		cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithProjectId(testProject).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{c.url}).WithCredential(cred).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		client := ecs.NewEcsClient(hc)
		flavors, err := client.ListFlavors(&model.ListFlavorsRequest{})
		if err != nil || len(*flavors.Flavors) < 2 {
			t.Fatalf("ListFlavors: %v", err)
		}
		flavor := (*flavors.Flavors)[0].Id
		subnet, count := "8a1c2d3e-4f50-4617-a829-3b4c5d6e7f80", int32(1)
		created, err := client.CreatePostPaidServers(&model.CreatePostPaidServersRequest{Body: &model.CreatePostPaidServersRequestBody{
			Server: &model.PostPaidServer{Name: "e2e", FlavorRef: flavor, ImageRef: firstImage(t, c), Vpcid: "3e5b1f0c-7a52-4c0e-9f6e-2b8d41c7a9e1", Count: &count,
				Nics:       []model.PostPaidServerNic{{SubnetId: &subnet}},
				RootVolume: &model.PostPaidServerRootVolume{Volumetype: model.GetPostPaidServerRootVolumeVolumetypeEnum().SSD}},
		}})
		if err != nil {
			t.Fatalf("CreatePostPaidServers: %v", err)
		}
		id := (*created.ServerIds)[0]
		advance("1m")
		if job, err := client.ShowJob(&model.ShowJobRequest{JobId: *created.JobId}); err != nil || job.Status.Value() != "SUCCESS" {
			t.Fatalf("create job: %+v %v", job, err)
		}
		targets, err := client.ListResizeFlavors(&model.ListResizeFlavorsRequest{InstanceUuid: &id})
		if err != nil || len(*targets.Flavors) == 0 {
			t.Fatalf("ListResizeFlavors: %v", err)
		}
		target := (*targets.Flavors)[0].Id
		mode := "withStopServer"
		resized, err := client.ResizePostPaidServer(&model.ResizePostPaidServerRequest{ServerId: id,
			Body: &model.ResizePostPaidServerRequestBody{Resize: &model.ResizePostPaidServerOption{FlavorRef: target, Mode: &mode}}})
		if err != nil {
			t.Fatalf("ResizePostPaidServer: %v", err)
		}
		advance("1m")
		if job, err := client.ShowJob(&model.ShowJobRequest{JobId: *resized.JobId}); err != nil || job.Status.Value() != "SUCCESS" {
			t.Fatalf("resize job: %+v %v", job, err)
		}
		shown, err := client.ShowServer(&model.ShowServerRequest{ServerId: id})
		if err != nil || shown.Server.Flavor.Id != target || shown.Server.Status != "ACTIVE" {
			t.Fatalf("ShowServer: %+v %v", shown, err)
		}
	})

	t.Run("NCPSignedRequest", func(t *testing.T) {
		form := url.Values{"responseFormatType": {"json"}, "regionCode": {"KR"}}
		req, _ := http.NewRequest("POST", c.url+"/vserver/v2/getRegionList", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ncloud.Sign(req, testAK, testSK, time.Now())
		body := c.do(t, req)
		var out struct {
			GetRegionListResponse struct {
				ReturnCode string `json:"returnCode"`
				RegionList []struct {
					RegionCode string `json:"regionCode"`
				} `json:"regionList"`
			} `json:"getRegionListResponse"`
		}
		if err := json.Unmarshal(body, &out); err != nil || out.GetRegionListResponse.ReturnCode != "0" || len(out.GetRegionListResponse.RegionList) == 0 {
			t.Fatalf("getRegionList: %s %v", body, err)
		}
	})

	t.Run("ZenlayerSignedRequest", func(t *testing.T) {
		body := c.describeZenlayerZones(t)
		var out struct {
			Response struct {
				ZoneSet []struct {
					ZoneID string `json:"zoneId"`
				} `json:"zoneSet"`
			} `json:"response"`
		}
		if err := json.Unmarshal(body, &out); err != nil || len(out.Response.ZoneSet) == 0 {
			t.Fatalf("DescribeZones: %s %v", body, err)
		}
	})
}

// describeZenlayerZones calls DescribeZones signed as Zenlayer's SDK
// signs, and returns the answer's body.
func (c *child) describeZenlayerZones(t *testing.T) []byte {
	t.Helper()
	payload := []byte(`{}`)
	req, _ := http.NewRequest("POST", c.url+"/api/v2/vm", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-ZC-Action", "DescribeZones")
	req.Header.Set("X-ZC-Version", "2023-03-13")
	zenlayer.Sign(req, payload, testAK, testSK, time.Now())
	return c.do(t, req)
}

// do sends req and returns the body of its 200 answer.
func (c *child) do(t *testing.T, req *http.Request) []byte {
	t.Helper()
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return body
}

// firstImage is an image of the Huawei catalog, read through the admin API.
func firstImage(t *testing.T, c *child) string {
	t.Helper()
	var cat struct {
		Images []struct {
			ID string `json:"id"`
		} `json:"images"`
	}
	if err := c.admin("GET", "catalog/huawei", "", &cat); err != nil || len(cat.Images) == 0 {
		t.Fatalf("huawei catalog: %v", err)
	}
	return cat.Images[0].ID
}

// trusting is a client that trusts the certificates in file, as a user's
// client given the file (SSL_CERT_FILE, a CA bundle option) does.
func trusting(t *testing.T, file string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", file)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}

// Clients that speak only HTTPS (Zenlayer's CLI, Huawei's SDK given its
// IAM endpoint in the environment) are served: with -tls-self-signed the
// binary makes a certificate of its own, which the official Huawei SDK,
// trusting the file, accepts; requests signed as the Zenlayer SDK signs
// them are answered; a client that does not trust it is refused; and a
// restart serves the same certificate, so that trust given once lasts.
func TestRealClientsSpeakHTTPSWithTheServersOwnCertificate(t *testing.T) {
	dir := t.TempDir()
	c := startChild(t, dir, "--tls-self-signed", "--access-key", testAK, "--secret-key", testSK, "--project-id", testProject)
	if !strings.HasPrefix(c.url, "https://") {
		t.Fatalf("listening on %s, want https", c.url)
	}

	cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithProjectId(testProject).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	trust := config.DefaultHttpConfig().WithHttpTransport(c.client.Transport.(*http.Transport))
	hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{c.url}).WithCredential(cred).WithHttpConfig(trust).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	if flavors, err := ecs.NewEcsClient(hc).ListFlavors(&model.ListFlavorsRequest{}); err != nil || len(*flavors.Flavors) == 0 {
		t.Fatalf("ListFlavors over HTTPS: %v", err)
	}
	// A client built with a region and no project finds its project
	// through IAM, over HTTPS too.
	byRegion, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithIamEndpointOverride(c.url).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err = ecs.EcsClientBuilder().WithRegion(region.NewRegion("cn-north-4", c.url)).WithCredential(byRegion).WithHttpConfig(trust).SafeBuild()
	if err != nil {
		t.Fatalf("the project through IAM over HTTPS: %v", err)
	}
	if _, err := ecs.NewEcsClient(hc).ListFlavors(&model.ListFlavorsRequest{}); err != nil {
		t.Fatalf("ListFlavors with the project found through IAM: %v", err)
	}

	if body := c.describeZenlayerZones(t); !bytes.Contains(body, []byte(`"zoneSet"`)) {
		t.Fatalf("DescribeZones over HTTPS: %s", body)
	}

	var unknown *tls.CertificateVerificationError
	if _, err := http.Get(c.url + "/healthz"); !errors.As(err, &unknown) {
		t.Fatalf("a client that does not trust the certificate: %v, want a verification error", err)
	}

	served := func(c *child) []byte {
		resp, err := c.client.Get(c.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0].Raw
	}
	before := served(c)
	c.kill()
	if after := served(startChild(t, dir, "--tls-self-signed")); !bytes.Equal(before, after) {
		t.Fatal("a restart serves another certificate")
	}
}
