package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/vmplane/vmplane"
	"golang.org/x/sync/errgroup"
)

// adminClient speaks to vmplane's admin API, to seed instances and read
// the credentials and catalogs the workloads need.
type adminClient struct {
	url   string // the server's base URL
	token string
	hc    *http.Client
}

func (a *adminClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.url+"/_vmplane/v1/"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("admin %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(msg))
	}
	switch out := out.(type) {
	case nil:
		_, err = io.Copy(io.Discard, resp.Body)
	case *bytes.Buffer:
		_, err = out.ReadFrom(resp.Body)
	default:
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	return err
}

// account returns the default account, keys included.
func (a *adminClient) account(ctx context.Context) (vmplane.Account, error) {
	var out struct {
		Accounts []vmplane.Account `json:"accounts"`
	}
	if err := a.do(ctx, "GET", "accounts", nil, &out); err != nil {
		return vmplane.Account{}, err
	}
	for _, acct := range out.Accounts {
		if acct.ID == vmplane.DefaultAccountID && len(acct.Keys) > 0 {
			return acct, nil
		}
	}
	return vmplane.Account{}, fmt.Errorf("the server has no default account with a key")
}

func (a *adminClient) catalog(ctx context.Context, cloud string) (*vmplane.Catalog, error) {
	var c vmplane.Catalog
	return &c, a.do(ctx, "GET", "catalog/"+cloud, nil, &c)
}

// seedChunk is how many instances one admin request seeds: one commit.
const seedChunk = 10_000

// seed creates n running instances of spec in zone, in chunks, two in
// flight (one decoded while the other commits), and returns their ids.
func (a *adminClient) seed(ctx context.Context, cloud, spec, zone string, n int) ([]string, error) {
	chunks := make([][]string, (n+seedChunk-1)/seedChunk)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for c := range chunks {
		g.Go(func() error {
			seeds := make([]vmplane.InstanceSeed, min(seedChunk, n-c*seedChunk))
			for i := range seeds {
				seeds[i] = vmplane.InstanceSeed{Cloud: cloud, SpecID: spec, Zone: zone,
					Name: fmt.Sprintf("load-%s-%d", strings.ReplaceAll(cloud, "-", ""), c*seedChunk+i)}
			}
			var out struct {
				Instances []struct {
					ID string `json:"id"`
				} `json:"instances"`
			}
			if err := a.do(ctx, "POST", "instances", map[string]any{"instances": seeds}, &out); err != nil {
				return err
			}
			if len(out.Instances) != len(seeds) {
				return fmt.Errorf("admin seeded %d instances of %d", len(out.Instances), len(seeds))
			}
			for _, in := range out.Instances {
				chunks[c] = append(chunks[c], in.ID)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(chunks...), nil
}

// download saves what GET path answers (a profile) to file.
func (a *adminClient) download(ctx context.Context, path, file string) error {
	var body bytes.Buffer
	if err := a.do(ctx, "GET", path, nil, &body); err != nil {
		return err
	}
	return os.WriteFile(file, body.Bytes(), 0o644)
}
