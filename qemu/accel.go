package qemu

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// probeFile caches the outcome of the KVM probe under Config.Dir.
const probeFile = "accel-probe.json"

type probeResult struct {
	Fingerprint string `json:"fingerprint"`
	Accel       string `json:"accel"`
}

// chooseAccel settles the accelerator. /dev/kvm is not proof that KVM
// works: nested without VMX (kvm_pvm), it opens fine and cannot run an
// ordinary guest kernel. So AccelAuto boots the guest under KVM once and
// uses KVM only if the guest reports ready in time; the outcome is kept
// until the host kernel, QEMU or the guest changes.
func (d *Driver) chooseAccel(ctx context.Context) (string, error) {
	if d.cfg.Accel != AccelAuto {
		return d.cfg.Accel, nil
	}
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		d.log.Info("accelerator: tcg", "reason", "no usable /dev/kvm", "err", err)
		return AccelTCG, nil
	}
	f.Close()
	fp := d.fingerprint()
	cache := filepath.Join(d.cfg.Dir, probeFile)
	var cached probeResult
	if b, err := os.ReadFile(cache); err == nil && json.Unmarshal(b, &cached) == nil && cached.Fingerprint == fp {
		d.log.Info("accelerator: "+cached.Accel, "reason", "earlier probe", "cache", cache)
		return cached.Accel, nil
	}
	accel := AccelTCG
	start := time.Now()
	if err := d.probe(ctx, AccelKVM); err != nil {
		d.log.Info("accelerator: tcg", "reason", "KVM probe boot failed", "err", err, "took", time.Since(start).Round(time.Millisecond))
	} else {
		accel = AccelKVM
		d.log.Info("accelerator: kvm", "reason", "KVM probe boot succeeded", "took", time.Since(start).Round(time.Millisecond))
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	b, _ := json.Marshal(probeResult{Fingerprint: fp, Accel: accel})
	if err := os.WriteFile(cache, b, 0o644); err != nil {
		return "", err
	}
	return accel, nil
}

// fingerprint names what the probe's outcome depends on.
func (d *Driver) fingerprint() string {
	parts := []string{}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		parts = append(parts, strings.TrimSpace(string(b)))
	}
	for _, f := range []string{d.cfg.QEMU, filepath.Join(d.cfg.Guest, kernelFile)} {
		if st, err := os.Stat(f); err == nil {
			parts = append(parts, fmt.Sprintf("%s:%d:%d", f, st.Size(), st.ModTime().Unix()))
		}
	}
	return strings.Join(parts, " ")
}

// probe boots the guest under accel, with one vCPU and the least memory,
// and reports whether it got ready within ProbeTimeout.
func (d *Driver) probe(ctx context.Context, accel string) error {
	m := &machine{key: "accel-probe", dir: filepath.Join(d.cfg.Dir, "accel-probe")}
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(m.dir)
	p, err := d.start(m, d.args("vmplane accel probe", accel, 1, d.cfg.MemoryFloorMiB))
	if err != nil {
		return err
	}
	defer d.kill(context.WithoutCancel(ctx), &machine{key: m.key, dir: m.dir, proc: p})
	ctx, cancel := context.WithTimeout(ctx, d.cfg.ProbeTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if readConsole(m.path(consoleFile)).Ready {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("QEMU exited: %s", strings.TrimSpace(tail(m.path(logFile))))
		case <-ctx.Done():
			return fmt.Errorf("no ready line within %s", d.cfg.ProbeTimeout)
		case <-tick.C:
		}
	}
}
