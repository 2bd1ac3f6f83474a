// Command vmplane runs the control plane: `vmplane serve`.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/access"
	"github.com/vmplane/vmplane/loadtest"
	"github.com/vmplane/vmplane/qemu"
	"github.com/vmplane/vmplane/server"
)

const usage = `vmplane serves the server-instance APIs of NAVER Cloud, Huawei Cloud ECS and
Zenlayer Cloud, on the wire, over simulated or real machines.

Usage:
  vmplane serve [flags]   run the control plane
  vmplane bench [flags]   measure a server under load, next to the machine's ceilings
  vmplane help [command]  explain a command

Run "vmplane serve --help" for the flags. Each flag can also be set in the
environment as VMPLANE_<NAME>, e.g. VMPLANE_LISTEN=127.0.0.1:9090.
"vmplane bench --help" lists the load tool's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if code := exitCode(err); code != 0 {
		if !errors.Is(err, errNoCommand) {
			fmt.Fprintln(os.Stderr, "vmplane:", err)
		}
		stop()
		os.Exit(code)
	}
}

// exitCode is 0 for a run that succeeded or printed the help it was asked
// for, 2 for any other.
func exitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// errNoCommand is a run without a command: the usage is printed.
var errNoCommand = errors.New("no command")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errNoCommand
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		m := NewMain(stdout, stderr)
		if err := m.ParseFlags(rest, os.Getenv); err != nil {
			return err
		}
		return m.Run(ctx)
	case "bench":
		return bench(ctx, rest, stdout, stderr)
	case loadtest.CeilingCommand: // hidden: the HTTP ceiling bench runs in a process of its own
		return benchCeiling(ctx, rest, stderr, stdout)
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] == "serve" {
			m := NewMain(stdout, stdout)
			return m.ParseFlags([]string{"-help"}, os.Getenv)
		}
		if len(rest) > 0 && rest[0] == "bench" {
			return bench(ctx, []string{"-help"}, stdout, stdout)
		}
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// Main is the serve command: its flags, and the server they build.
type Main struct {
	Options   server.Options
	Listen    string
	LogLevel  slog.Level
	LogFormat string
	// Driver is "sim" or "qemu"; QEMU configures the latter (its Dir
	// defaults to "vms" in the data directory).
	Driver string
	QEMU   qemu.Config
	// DriverCleanup stops every machine when the server stops.
	DriverCleanup bool
	// TLS: serve HTTPS with the pair in TLSCert and TLSKey, or with a
	// certificate of vmplane's own (TLSSelfSigned) for TLSHosts too.
	TLSCert, TLSKey string
	TLSSelfSigned   bool
	TLSHosts        []string

	stdout, stderr io.Writer
	Server         *server.Server
	listener       net.Listener
	certFile       string // the self-signed certificate's
}

// NewMain returns a Main with the defaults of a fresh machine.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{stdout: stdout, stderr: stderr}
}

// ParseFlags reads flags and, for flags not given, VMPLANE_* variables.
func (m *Main) ParseFlags(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("vmplane serve", flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	o := &m.Options
	fs.StringVar(&m.Listen, "listen", "127.0.0.1:8080", "address to serve the APIs on")
	fs.StringVar(&o.DataDir, "data", "./vmplane-data", "directory for the database (created if missing)")
	fs.StringVar(&o.AccessKey, "access-key", "", "the default account's access key id, for all three clouds (generated once if empty)")
	fs.StringVar(&o.SecretKey, "secret-key", "", "the default account's secret key (generated once if empty)")
	fs.StringVar(&o.ProjectID, "project-id", "", "the default account's Huawei project id (generated once if empty)")
	fs.Float64Var(&o.TimeScale, "time-scale", 1, "multiplies every operation's duration; 0 completes operations on the worker's next tick")
	fs.StringVar(&o.AdminToken, "admin-token", "", "token the admin API requires; without one it serves loopback clients only")
	fs.StringVar(&o.CatalogFile, "catalog", "", "YAML or JSON file that extends or replaces the embedded catalogs")
	fs.StringVar(&o.FixtureFile, "fixture", "", "YAML or JSON file of accounts and instances to seed at start into a data directory that has no instances yet")
	durations := fs.String("durations", "", "per-kind operation durations at time scale 1, e.g. stop=10s,resize=30s (with the qemu driver: 0, the VMs' real progress decides)")
	fs.StringVar(&m.Driver, "driver", "sim", "what runs instances: sim (simulated) or qemu (a real QEMU virtual machine per instance)")
	q := &m.QEMU
	fs.StringVar(&q.Dir, "vm-dir", "", "qemu driver: directory of the machines' files (default vms in the data directory)")
	fs.StringVar(&q.Guest, "vm-guest", qemu.DefaultGuestDir(), "qemu driver: guest built by qemu/guest/mkguest.sh")
	fs.StringVar(&q.QEMU, "vm-qemu", "qemu-system-x86_64", "qemu driver: the emulator binary")
	fs.StringVar(&q.Accel, "vm-accel", qemu.AccelAuto, "qemu driver: auto (KVM if a probe boot works, else TCG), kvm or tcg")
	fs.IntVar(&q.MaxMachines, "vm-limit", 4, "qemu driver: most VMs running at once (0: no limit); beyond it, creates and starts are refused")
	fs.Float64Var(&q.MemoryScale, "vm-memory-scale", 0.125, "qemu driver: a guest gets its spec's memory times this...")
	fs.IntVar(&q.MemoryFloorMiB, "vm-memory-floor", 256, "qemu driver: ...and at least this many MiB")
	fs.BoolVar(&m.DriverCleanup, "driver-cleanup", false, "stop every VM (and remove its files) when vmplane stops; without it VMs outlive vmplane")
	fs.StringVar(&m.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (and -tls-key)")
	fs.StringVar(&m.TLSKey, "tls-key", "", "the PEM private key of -tls-cert")
	fs.BoolVar(&m.TLSSelfSigned, "tls-self-signed", false, "serve HTTPS with a certificate vmplane makes once, in tls in the data directory, for localhost, 127.0.0.1, ::1, the -listen host and -tls-hosts (made again when it no longer names them)")
	tlsHosts := fs.String("tls-hosts", "", "-tls-self-signed: more host names or addresses for the certificate, comma-separated")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	fs.StringVar(&m.LogFormat, "log-format", "text", "text or json")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: vmplane serve [flags]\n\nRuns the control plane. Flags (each also VMPLANE_<NAME>, e.g. VMPLANE_TIME_SCALE):\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := fromEnv(fs, getenv); err != nil {
		return err
	}
	if err := m.LogLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	if m.LogFormat != "text" && m.LogFormat != "json" {
		return fmt.Errorf("-log-format must be text or json")
	}
	if (m.TLSCert == "") != (m.TLSKey == "") {
		return fmt.Errorf("-tls-cert and -tls-key go together")
	}
	if m.TLSSelfSigned && m.TLSCert != "" {
		return fmt.Errorf("-tls-self-signed or -tls-cert, not both")
	}
	for _, h := range strings.Split(*tlsHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			m.TLSHosts = append(m.TLSHosts, h)
		}
	}
	d, err := parseDurations(*durations)
	if err != nil {
		return fmt.Errorf("-durations: %w", err)
	}
	o.Durations = d
	switch m.Driver {
	case "sim":
	case "qemu":
		// A real machine's progress decides when an operation completes;
		// durations given explicitly still add to it.
		for k := range vmplane.DefaultDurations {
			if _, ok := o.Durations[k]; !ok {
				o.Durations[k] = 0
			}
		}
		if q.Dir == "" {
			q.Dir = filepath.Join(o.DataDir, "vms")
		}
	default:
		return fmt.Errorf("-driver must be sim or qemu, not %q", m.Driver)
	}
	return nil
}

// fromEnv sets every flag not given on the command line from VMPLANE_<NAME>.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := "VMPLANE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" && !set[f.Name] && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
	})
	return err
}

func parseDurations(s string) (map[vmplane.Kind]time.Duration, error) {
	out := make(map[vmplane.Kind]time.Duration)
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		d, err := time.ParseDuration(v)
		if _, known := vmplane.DefaultDurations[vmplane.Kind(k)]; !ok || err != nil || !known || d < 0 {
			return nil, fmt.Errorf("bad entry %q: want kind=duration with kind one of create, start, stop, reboot, resize, terminate", kv)
		}
		out[vmplane.Kind(k)] = d
	}
	return out, nil
}

// Run starts the server, prints where it listens and its credentials, and
// serves until ctx is done; then it drains requests and closes the store.
func (m *Main) Run(ctx context.Context) error {
	var h slog.Handler = slog.NewTextHandler(m.stderr, &slog.HandlerOptions{Level: m.LogLevel})
	if m.LogFormat == "json" {
		h = slog.NewJSONHandler(m.stderr, &slog.HandlerOptions{Level: m.LogLevel})
	}
	m.Options.Logger = slog.New(access.LogHandler(h))
	l, err := m.listen()
	if err != nil {
		return err
	}
	m.listener = l
	server.LoadingGC()
	if m.Driver == "qemu" {
		m.QEMU.Logger = m.Options.Logger.With("driver", "qemu")
		drv, err := qemu.New(ctx, m.QEMU)
		if err != nil {
			l.Close()
			return err
		}
		defer m.closeDriver(drv)
		m.Options.Driver = drv
	}
	srv, err := server.New(ctx, m.Options)
	if err != nil {
		l.Close()
		return err
	}
	m.Server = srv
	gcCtx, stopGC := context.WithCancel(ctx)
	defer stopGC()
	go server.TuneGC(gcCtx)
	m.printBanner()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		m.Options.Logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
		<-errc
	}
	return errors.Join(err, srv.Close())
}

// listen opens the listener, with TLS if asked.
func (m *Main) listen() (net.Listener, error) {
	var cert tls.Certificate
	var err error
	switch {
	case m.TLSCert != "":
		cert, err = tls.LoadX509KeyPair(m.TLSCert, m.TLSKey)
	case m.TLSSelfSigned:
		cert, m.certFile, err = server.SelfSignedCertificate(filepath.Join(m.Options.DataDir, "tls"), m.tlsHosts(), time.Now())
	}
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", m.Listen)
	if err != nil || len(cert.Certificate) == 0 {
		return l, err
	}
	return tls.NewListener(l, server.TLSConfig(cert)), nil
}

// tlsHosts are the names a self-signed certificate is made for: the
// loopback's, the host vmplane listens on, and those asked for.
func (m *Main) tlsHosts() []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, _, err := net.SplitHostPort(m.Listen); err == nil && h != "" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, h)
		}
	}
	return append(hosts, m.TLSHosts...)
}

// closeDriver lets go of the VMs, or stops them all with -driver-cleanup.
func (m *Main) closeDriver(drv *qemu.Driver) {
	if m.DriverCleanup {
		m.Options.Logger.Info("stopping every VM (-driver-cleanup)")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := drv.Cleanup(ctx); err != nil {
			m.Options.Logger.Error("driver cleanup", "err", err)
		}
		cancel()
	}
	drv.Close()
}

func (m *Main) printBanner() {
	acct, err := m.Server.Service.FindAccountByID(vmplane.DefaultAccountID)
	if err != nil || len(acct.Keys) == 0 {
		return
	}
	addr, scheme := m.listener.Addr().String(), "http"
	if m.TLSCert != "" || m.TLSSelfSigned {
		scheme = "https"
	}
	// A secret vmplane made is shown, since nothing else tells it; one the
	// operator gave is theirs already, and output often ends in a log.
	secret := acct.Keys[0].SecretKey
	if m.Options.SecretKey != "" {
		secret = "(the one given by --secret-key or VMPLANE_SECRET_KEY)"
	}
	fmt.Fprintf(m.stdout, `vmplane listening on %[1]s://%[2]s (data: %[3]s)
  access key: %[4]s
  secret key: %[5]s
  project id: %[6]s
  NCP:      NCLOUD_API_GW=%[1]s://%[2]s
  Huawei:   endpoint %[1]s://%[2]s, project %[6]s
  Zenlayer: Domain=%[2]s Scheme=%[1]s
  admin:    %[1]s://%[2]s/_vmplane/v1/
`, scheme, addr, m.Options.DataDir, acct.Keys[0].AccessKey, secret, acct.ProjectID)
	if m.certFile != "" {
		fmt.Fprintf(m.stdout, "  TLS:      self-signed certificate %s; trust it, e.g. SSL_CERT_FILE=%s\n", m.certFile, m.certFile)
	}
}
