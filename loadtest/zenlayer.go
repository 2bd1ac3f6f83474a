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

// checkContains accepts an answer whose body holds s.
func checkContains(s string) func(*http.Response, []byte) error {
	b := []byte(s)
	return func(_ *http.Response, body []byte) error {
		if !bytes.Contains(body, b) {
			return errors.New("the answer lacks " + s)
		}
		return nil
	}
}
