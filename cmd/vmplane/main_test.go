package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/ncloud"
)

// binary is the vmplane command built once for the tests that run it as a
// user would: a child process on a real socket.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vmplane-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "vmplane")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// child is a running `vmplane serve`.
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	// banner is what it printed on stdout once listening, up to its admin line.
	banner string
	// client trusts the child's self-signed certificate when it serves HTTPS.
	client *http.Client
}

// startChild runs `vmplane serve` on a free port with data in dir, and
// returns once it answers /healthz.
func startChild(t *testing.T, dir string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", dir, "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "VMPLANE_TIME_SCALE=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{t: t, cmd: cmd, logs: logs, client: http.DefaultClient}
	t.Cleanup(func() { c.kill() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "vmplane listening on "); ok {
			c.url = strings.Fields(addr)[0]
		}
		if c.url != "" {
			c.banner += sc.Text() + "\n"
		}
		if strings.HasPrefix(sc.Text(), "  admin:") {
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if c.url == "" {
		t.Fatalf("vmplane did not start: %s", logs)
	}
	if strings.HasPrefix(c.url, "https://") {
		c.client = trusting(t, filepath.Join(dir, "tls", "cert.pem"))
	}
	resp, err := c.client.Get(c.url + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	return c
}

func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Signal(syscall.SIGKILL)
		c.cmd.Wait()
	}
}

// admin calls the admin API and decodes the answer into out.
func (c *child) admin(method, path, body string, out any) error {
	req, _ := http.NewRequest(method, c.url+"/_vmplane/v1/"+path, strings.NewReader(body))
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

type instanceList struct {
	Total     int                `json:"total"`
	Instances []vmplane.Instance `json:"instances"`
}

// Accepted operations survive a SIGKILL at any moment: acknowledged seeds
// with operations in flight are all there after a restart, with the same
// ids, and every operation completes.
func TestAcceptedOperationsCompleteAfterSIGKILL(t *testing.T) {
	dir := t.TempDir()
	// A spec of our own, through --catalog, so the test needs no cloud's catalog.
	catalog := filepath.Join(dir, "catalog.yaml")
	os.WriteFile(catalog, []byte("ncloud:\n  specs: [{id: kill-test, vcpu: 1, memoryMiB: 1024}]\n"), 0o644)
	c := startChild(t, dir, "--catalog", catalog)
	if err := c.admin("POST", "clock/freeze", "", nil); err != nil {
		t.Fatal(err)
	}
	// Writers seed instances mid-operation as fast as they can; the test
	// kills the server in the middle of it.
	kinds := []string{
		`{cloud: ncloud, spec: %s, power: running, operation: {kind: stop}}`,
		`{cloud: ncloud, spec: %s, power: stopped, operation: {kind: start}}`,
		`{cloud: ncloud, spec: %s, power: running, operation: {kind: reboot}}`,
		`{cloud: ncloud, spec: %s, power: stopped, operation: {kind: terminate}}`,
		`{cloud: ncloud, spec: %s, power: building, operation: {kind: create}}`,
	}
	spec := "kill-test"
	var mu sync.Mutex
	acked := map[string]vmplane.Instance{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body := "instances:\n  - " + fmt.Sprintf(kinds[(w+i)%len(kinds)], spec)
				var got instanceList
				if err := c.admin("POST", "instances", body, &got); err != nil {
					return // the server is gone
				}
				mu.Lock()
				for _, in := range got.Instances {
					acked[in.ID] = in
				}
				n := len(acked)
				mu.Unlock()
				if n >= 60 {
					stop()
				}
			}
		}()
	}
	<-ctx.Done()
	c.kill() // while the writers still write
	wg.Wait()
	t.Logf("killed with %d acknowledged instances", len(acked))

	c = startChild(t, dir, "--catalog", catalog)
	var after instanceList
	if err := c.admin("GET", "instances?cloud=ncloud", "", &after); err != nil {
		t.Fatal(err)
	}
	byID := map[string]vmplane.Instance{}
	for _, in := range after.Instances {
		byID[in.ID] = in
	}
	for id, in := range acked {
		got, ok := byID[id]
		if !ok {
			t.Fatalf("acknowledged instance %s is lost", id)
		}
		if got.Seq != in.Seq || got.Name != in.Name || (in.Op != nil && (got.Op == nil || got.Op.ID != in.Op.ID)) {
			t.Fatalf("instance %s changed across the restart: %+v, was %+v", id, got, in)
		}
	}
	if err := c.admin("POST", "clock/advance", `{"duration":"1h"}`, nil); err != nil {
		t.Fatal(err)
	}
	var settled instanceList
	if err := c.admin("GET", "instances?cloud=ncloud", "", &settled); err != nil {
		t.Fatal(err)
	}
	for _, in := range settled.Instances {
		if in.Op != nil || in.Power == vmplane.PowerBuilding {
			t.Fatalf("instance %s still in transition after the operations' time: %+v", in.ID, in)
		}
	}
	for id, in := range acked {
		if in.Op.Kind == vmplane.KindTerminate {
			for _, a := range settled.Instances {
				if a.ID == id {
					t.Fatalf("terminated instance %s is still listed", id)
				}
			}
		}
	}
}

// What a cloud API acknowledged survives a SIGKILL too: NCP clients stop
// servers while the server is killed under them; after a restart, every
// stop that was answered is still in flight and completes, and nothing is
// left half done.
func TestCloudOperationsAcknowledgedBeforeSIGKILLComplete(t *testing.T) {
	dir := t.TempDir()
	c := startChild(t, dir, "--access-key", testAK, "--secret-key", testSK)
	if err := c.admin("POST", "clock/freeze", "", nil); err != nil {
		t.Fatal(err)
	}
	var seeded instanceList
	if err := c.admin("POST", "instances", `{"instances":[`+strings.Repeat(`{"cloud":"ncloud","spec":"c2-g3"},`, 79)+`{"cloud":"ncloud","spec":"c2-g3"}]}`, &seeded); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	const clients = 4
	for w := range clients {
		wg.Go(func() {
			for i := w; i < len(seeded.Instances) && ctx.Err() == nil; i += clients {
				id := seeded.Instances[i].ID
				form := url.Values{"responseFormatType": {"json"}, "serverInstanceNoList.1": {id}}
				req, _ := http.NewRequest("POST", c.url+"/vserver/v2/stopServerInstances", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				ncloud.Sign(req, testAK, testSK, time.Now())
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					return
				}
				if !strings.Contains(string(body), `"returnCode": "0"`) {
					t.Errorf("stop %s: %s", id, body)
					return
				}
				mu.Lock()
				acked[id] = true
				if len(acked) >= len(seeded.Instances)/2 {
					stop()
				}
				mu.Unlock()
			}
		})
	}
	<-ctx.Done()
	c.kill() // while the other clients' stops are in flight
	wg.Wait()
	t.Logf("killed with %d stops acknowledged", len(acked))

	c = startChild(t, dir, "--access-key", testAK, "--secret-key", testSK)
	var after instanceList
	if err := c.admin("GET", "instances?cloud=ncloud", "", &after); err != nil {
		t.Fatal(err)
	}
	for _, in := range after.Instances {
		if acked[in.ID] && (in.Op == nil || in.Op.Kind != vmplane.KindStop) {
			t.Errorf("instance %s: its acknowledged stop is not in flight after the restart: %+v", in.ID, in.Op)
		}
	}
	if err := c.admin("POST", "clock/advance", `{"duration":"1h"}`, nil); err != nil {
		t.Fatal(err)
	}
	var settled instanceList
	if err := c.admin("GET", "instances?cloud=ncloud", "", &settled); err != nil {
		t.Fatal(err)
	}
	if len(settled.Instances) != len(seeded.Instances) {
		t.Fatalf("%d instances after the restart, %d seeded", len(settled.Instances), len(seeded.Instances))
	}
	for _, in := range settled.Instances {
		switch {
		case in.Op != nil:
			t.Errorf("instance %s still in transition: %+v", in.ID, in.Op)
		case acked[in.ID] && in.Power != vmplane.PowerStopped:
			t.Errorf("instance %s: acknowledged stop, but it is %s", in.ID, in.Power)
		case in.Power != vmplane.PowerStopped && in.Power != vmplane.PowerRunning:
			t.Errorf("instance %s is %s", in.ID, in.Power)
		}
	}
}

func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	c := startChild(t, dir)
	c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, c.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit within 30s of SIGTERM")
	}
	// The store was closed cleanly: the data directory opens again.
	startChild(t, dir)
}

// The banner shows the default account's secret only when vmplane made it,
// since nothing else tells it; one the operator gave is not printed where
// a log collector may pick it up.
func TestBannerShowsASecretOnlyWhenVmplaneMadeIt(t *testing.T) {
	given := startChild(t, t.TempDir(), "--access-key", testAK, "--secret-key", testSK)
	if strings.Contains(given.banner, testSK) || !strings.Contains(given.banner, "access key: "+testAK) {
		t.Errorf("given --secret-key, the banner:\n%s", given.banner)
	}
	made := startChild(t, t.TempDir())
	var out struct{ Accounts []vmplane.Account }
	if err := made.admin("GET", "accounts", "", &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Accounts) != 1 || len(out.Accounts[0].Keys) != 1 {
		t.Fatalf("accounts: %+v", out.Accounts)
	}
	if secret := out.Accounts[0].Keys[0].SecretKey; !strings.Contains(made.banner, "secret key: "+secret+"\n") {
		t.Errorf("the banner does not show the secret vmplane made (%s):\n%s", secret, made.banner)
	}
}

func TestHelpExplainsEveryFlag(t *testing.T) {
	out, _ := exec.Command(binary, "serve", "--help").CombinedOutput()
	for _, flag := range []string{"-listen", "-data", "-access-key", "-secret-key", "-project-id", "-time-scale", "-admin-token", "-catalog"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("serve --help does not mention %s:\n%s", flag, out)
		}
	}
	out, _ = exec.Command(binary, "--help").CombinedOutput()
	if !strings.Contains(string(out), "vmplane serve") {
		t.Errorf("--help does not name the serve command:\n%s", out)
	}
}

// Help asked for, of any command, exits 0; no command, an unknown one or a
// bad flag exits 2.
func TestHelpExitsZeroAndMisuseTwo(t *testing.T) {
	for _, tt := range []struct {
		args string
		code int
	}{
		{"--help", 0}, {"help", 0}, {"help serve", 0}, {"help bench", 0}, {"serve --help", 0}, {"serve -h", 0}, {"bench --help", 0},
		{"", 2}, {"bogus", 2}, {"serve --nope", 2}, {"bench --nope", 2},
	} {
		err := run(t.Context(), strings.Fields(tt.args), io.Discard, io.Discard)
		if got := exitCode(err); got != tt.code {
			t.Errorf("vmplane %s: exit %d (%v), want %d", tt.args, got, err, tt.code)
		}
	}
}

func TestFlagsFallBackToEnvironment(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	env := map[string]string{"VMPLANE_LISTEN": "127.0.0.1:9999", "VMPLANE_TIME_SCALE": "0.5", "VMPLANE_ADMIN_TOKEN": "env-token"}
	if err := m.ParseFlags([]string{"--admin-token", "flag-token"}, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if m.Listen != "127.0.0.1:9999" || m.Options.TimeScale != 0.5 || m.Options.AdminToken != "flag-token" {
		t.Fatalf("listen %s scale %v token %s", m.Listen, m.Options.TimeScale, m.Options.AdminToken)
	}
	if err := m.ParseFlags([]string{"--durations", "stop=10s,resize=1m"}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if m.Options.Durations[vmplane.KindStop] != 10*time.Second || m.Options.Durations[vmplane.KindResize] != time.Minute {
		t.Fatalf("durations = %v", m.Options.Durations)
	}
	if err := m.ParseFlags([]string{"--durations", "nap=1s"}, func(string) string { return "" }); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestFixtureIsSeededAtStart(t *testing.T) {
	dir := t.TempDir()
	fixture := filepath.Join(dir, "fixture.yaml")
	os.WriteFile(fixture, []byte(`
accounts:
  - {id: team-b, keys: [{accessKey: TEAMBKEY, secretKey: team-b-secret}]}
instances:
  - {cloud: ncloud, account: team-b, spec: fixture-spec, name: web-1, power: stopped}
  - {cloud: ncloud, account: team-b, spec: fixture-spec, name: web-2, power: running, operation: {kind: reboot}}
`), 0o644)
	catalog := filepath.Join(dir, "catalog.yaml")
	os.WriteFile(catalog, []byte("ncloud:\n  specs: [{id: fixture-spec, vcpu: 1, memoryMiB: 1024}]\n"), 0o644)
	c := startChild(t, filepath.Join(dir, "data"), "--fixture", fixture, "--catalog", catalog)
	var list instanceList
	if err := c.admin("GET", "instances?account=team-b", "", &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || list.Instances[0].Name != "web-1" || list.Instances[1].Op == nil {
		t.Fatalf("seeded: %+v", list)
	}
	// A restart with the same flags does not seed the fixture again.
	c.kill()
	c = startChild(t, filepath.Join(dir, "data"), "--fixture", fixture, "--catalog", catalog)
	var again instanceList
	if err := c.admin("GET", "instances?account=team-b", "", &again); err != nil {
		t.Fatal(err)
	}
	if again.Total != 2 {
		t.Fatalf("after a restart: %d instances, want the fixture's 2", again.Total)
	}
}

func TestTLSFlagsThatCannotGoTogetherAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"--tls-cert", "c.pem"},
		{"--tls-key", "k.pem"},
		{"--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
	} {
		if err := NewMain(io.Discard, io.Discard).ParseFlags(args, func(string) string { return "" }); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	m := NewMain(io.Discard, io.Discard)
	if err := m.ParseFlags([]string{"--listen", "192.0.2.7:8443", "--tls-self-signed", "--tls-hosts", "vm.example, 10.0.0.7"}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if got, want := m.tlsHosts(), []string{"localhost", "127.0.0.1", "::1", "192.0.2.7", "vm.example", "10.0.0.7"}; !slices.Equal(got, want) {
		t.Errorf("certificate hosts %v, want %v", got, want)
	}
}
