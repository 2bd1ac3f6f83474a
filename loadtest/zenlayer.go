package loadtest

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/vmplane/vmplane/zenlayer"
)

// zenlayerDescribe is workload (d): DescribeInstances, a random page of 10,
// sent and signed as the official Go SDK sends it.
var zenlayerDescribe = Workload{
	Name:  "zenlayer-describe",
	Title: "Zenlayer DescribeInstances (POST /api/v2/vm), a random page of 10",
	Cloud: "zenlayer",
	NewClient: func(f *Fleet, base string, i int) Client {
		pages, rng, key := pageCount(len(f.Seeded("zenlayer").IDs), 10), f.Rand(i), f.Key()
		return func() (Call, error) {
			body := []byte(`{"pageSize":10,"pageNum":` + strconv.Itoa(1+rng.IntN(pages)) + `}`)
			req, err := http.NewRequest("POST", base+"/api/v2/vm", bytes.NewReader(body))
			if err != nil {
				return Call{}, err
			}
			h := req.Header
			h.Set("Content-Type", "application/json")
			h.Set("X-Zc-Action", "DescribeInstances")
			h.Set("X-Zc-Version", "2023-03-13")
			h.Set("X-Zc-Service", "vm")
			h.Set("X-Zc-Sdk-Lang", "go")
			h.Set("X-Zc-Sdk-Version", "0.2.45")
			zenlayer.Sign(req, body, key.AccessKey, key.SecretKey, time.Now())
			return Call{Req: req, Check: checkContains(`"dataSet":[{`)}, nil
		}
	},
}

// pageCount is how many pages of size n items fill.
func pageCount(items, size int) int { return max(1, (items+size-1)/size) }

// checkContains accepts an answer whose body holds s. What it looks for
// sits near one end of the body (a return code last, a list's start
// first): both ends are searched first, since searching twenty kilobytes
// of JSON for a string that starts with a quote costs the client tens of
// microseconds, which its run against the ceiling does not spend.
func checkContains(s string) func(*http.Response, []byte) error {
	b := []byte(s)
	const end = 512
	return func(_ *http.Response, body []byte) error {
		if bytes.Contains(body[max(0, len(body)-end):], b) || bytes.Contains(body[:min(len(body), end)], b) || bytes.Contains(body, b) {
			return nil
		}
		return errors.New("the answer lacks " + s)
	}
}
