package qemu

import "testing"

func TestParseConsoleReadsTheGuestsReport(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  string
		want Report
	}{
		{"empty", "", Report{}},
		{"booting", "VMPROBE nproc=2 MemTotal: 468168 kB\n", Report{VCPU: 2, MemTotalKiB: 468168}},
		{"ready", "VMPROBE nproc=4 MemTotal: 2013656 kB\r\nVMPROBE ready\r\n", Report{VCPU: 4, MemTotalKiB: 2013656, Ready: true}},
		{"amid kernel noise", "[    1.2] x\x1b[6n VMPROBE nproc=1 MemTotal: 223388 kB\n/ # VMPROBE ready", Report{VCPU: 1, MemTotalKiB: 223388, Ready: true}},
		{"power off line is not ready", "VMPROBE acpi power button -> poweroff\n", Report{}},
		{"garbage numbers", "VMPROBE nproc=-3 MemTotal: lots kB\nVMPROBE nproc=99999999999999999999\n", Report{}},
		{"truncated", "VMPROBE nproc=2 MemTotal:", Report{VCPU: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseConsole([]byte(tc.log)); got != tc.want {
				t.Errorf("parseConsole(%q) = %+v, want %+v", tc.log, got, tc.want)
			}
		})
	}
}

func FuzzParseConsole(f *testing.F) {
	f.Add([]byte("VMPROBE nproc=2 MemTotal: 468168 kB\nVMPROBE ready\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := parseConsole(b)
		if r.VCPU < 0 || r.MemTotalKiB < 0 {
			t.Fatalf("negative report %+v", r)
		}
	})
}
