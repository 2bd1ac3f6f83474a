package loadtest

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane/ncloud"
)

// The NCP workloads speak VPC (/vserver/v2) as the official Go SDK does:
// POST, a form body that starts with responseFormatType=json, signed with
// the access key, a timestamp and the method and path.
const ncpCloud = "ncloud"

// ncpList is workload (a): getServerInstanceList, a random page of 10.
var ncpList = Workload{
	Name:  "ncp-list",
	Title: "NCP getServerInstanceList (POST /vserver/v2/getServerInstanceList, JSON), a random page of 10",
	Cloud: ncpCloud,
	NewClient: func(f *Fleet, base string, i int) Client {
		s, rng := f.Seeded(ncpCloud), f.Rand(i)
		pages := pageCount(len(s.IDs), 10)
		return func() (Call, error) {
			return ncpCall(f, base, "getServerInstanceList", "regionCode="+s.Region+"&pageNo="+strconv.Itoa(1+rng.IntN(pages))+"&pageSize=10")
		}
	},
}

// ncpCycle is workload (b): each client stops, changes the spec of, and
// starts its own servers in turn; every call is a durable change.
var ncpCycle = Workload{
	Name:   "ncp-cycle",
	Title:  "NCP stopServerInstances, changeServerInstanceSpec, startServerInstances in turn, each client on its own servers",
	Cloud:  ncpCloud,
	Writes: true,
	NewClient: func(f *Fleet, base string, i int) Client {
		r := f.Rotation(ncpCloud, i)
		return func() (Call, error) { return ncpChange(f, base, r) }
	},
}

// ncpMix is workload (e): nine reads of workload (a) to one change of
// workload (b).
var ncpMix = Workload{
	Name:   "ncp-mix",
	Title:  "90% ncp-list, 10% ncp-cycle",
	Cloud:  ncpCloud,
	Writes: true,
	NewClient: func(f *Fleet, base string, i int) Client {
		read, r := ncpList.NewClient(f, base, i), f.Rotation(ncpCloud, i)
		n := 0
		return func() (Call, error) {
			if n++; n%10 == 0 {
				return ncpChange(f, base, r)
			}
			return read()
		}
	},
}

// ncpChange makes the next change of a client's rotation: stop, change
// spec (to the other of the two specs), start. A change moves its server on
// only once it was accepted, so a refused one is tried again next time.
func ncpChange(f *Fleet, base string, r *Rotation) (Call, error) {
	s := f.Seeded(ncpCloud)
	i := r.Next()
	id := r.IDs[i]
	var action, form string
	switch r.Steps[i] {
	case 0:
		action, form = "stopServerInstances", "serverInstanceNoList.1="+id
	case 1:
		spec := s.AltSpec
		if r.Alt[i] {
			spec = s.Spec
		}
		action, form = "changeServerInstanceSpec", "serverInstanceNo="+id+"&serverSpecCode="+url.QueryEscape(spec)
	default:
		action, form = "startServerInstances", "serverInstanceNoList.1="+id
	}
	call, err := ncpCall(f, base, action, "regionCode="+s.Region+"&"+form)
	if err != nil {
		return call, err
	}
	accepted := call.Check
	call.Check = func(resp *http.Response, body []byte) error {
		if err := accepted(resp, body); err != nil {
			return err
		}
		if r.Steps[i] == 1 {
			r.Alt[i] = !r.Alt[i]
		}
		r.Steps[i] = (r.Steps[i] + 1) % 3
		return nil
	}
	return call, nil
}

// ncpCall is one signed VPC call that must answer returnCode 0.
func ncpCall(f *Fleet, base, action, form string) (Call, error) {
	req, err := http.NewRequest("POST", base+"/vserver/v2/"+action, strings.NewReader("responseFormatType=json&"+form))
	if err != nil {
		return Call{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "vserver/1.0.7/go")
	key := f.Key()
	ncloud.Sign(req, key.AccessKey, key.SecretKey, time.Now())
	return Call{Req: req, Check: checkContains(`"returnCode": "0"`)}, nil
}
