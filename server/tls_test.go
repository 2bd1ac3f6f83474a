package server

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A client that trusts the file SelfSignedCertificate names accepts the
// certificate for every host it was made for, and for no other.
func TestSelfSignedCertificateIsTrustedThroughItsFileForItsHosts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Now()
	cert, file, err := SelfSignedCertificate(dir, []string{"localhost", "127.0.0.1", "::1", "vm.example"}, now)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("%s holds no certificate", file)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "vm.example"} {
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: now}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "other.example", Roots: roots, CurrentTime: now}); err == nil {
		t.Error("the certificate is accepted for a host it was not made for")
	}
	if info, err := os.Stat(filepath.Join(dir, keyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("private key file: %v, mode %v; want 0600", err, info.Mode().Perm())
	}
}

// The certificate is made once: a restart serves the same one, so that
// clients that trust it keep working. It is made again only when it no
// longer names every host, or is about to end.
func TestSelfSignedCertificateIsKeptUntilItNoLongerServes(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	hosts := []string{"localhost", "127.0.0.1"}
	first, _, err := SelfSignedCertificate(dir, hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := SelfSignedCertificate(dir, hosts, now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Leaf.Raw, again.Leaf.Raw) {
		t.Fatal("a second start made a new certificate for the same hosts")
	}

	more, _, err := SelfSignedCertificate(dir, append(hosts, "10.0.0.7"), now)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first.Leaf.Raw, more.Leaf.Raw) || more.Leaf.VerifyHostname("10.0.0.7") != nil || more.Leaf.VerifyHostname("localhost") != nil {
		t.Fatal("a new host did not get a certificate naming it and the others")
	}

	late := more.Leaf.NotAfter.Add(-certRenewBefore / 2)
	renewed, _, err := SelfSignedCertificate(dir, hosts, late)
	if err != nil {
		t.Fatal(err)
	}
	if !renewed.Leaf.NotAfter.After(more.Leaf.NotAfter) {
		t.Fatalf("a certificate ending %v was not renewed at %v", more.Leaf.NotAfter, late)
	}
}

// A pair that does not load (a damaged file, or a crash between writing
// the key and the certificate) is made again, not a server that cannot
// start.
func TestSelfSignedCertificateReplacesAPairThatDoesNotLoad(t *testing.T) {
	dir := t.TempDir()
	hosts := []string{"localhost"}
	prev, _, err := SelfSignedCertificate(dir, hosts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if _, _, err := SelfSignedCertificate(other, hosts, time.Now()); err != nil {
		t.Fatal(err)
	}
	key, _ := os.ReadFile(filepath.Join(other, keyFile))
	for name, damage := range map[string]func(){
		"a key of another certificate": func() { os.WriteFile(filepath.Join(dir, keyFile), key, 0o600) },
		"a damaged certificate":        func() { os.WriteFile(filepath.Join(dir, certFile), []byte("not a certificate"), 0o644) },
	} {
		damage()
		cert, _, err := SelfSignedCertificate(dir, hosts, time.Now())
		if err != nil || bytes.Equal(cert.Leaf.Raw, prev.Leaf.Raw) {
			t.Fatalf("%s: %v; want a new certificate", name, err)
		}
		prev = cert
		if _, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), filepath.Join(dir, keyFile)); err != nil {
			t.Fatalf("%s: the pair made again does not load: %v", name, err)
		}
	}
}

func TestSelfSignedCertificateNamesEachHostOnce(t *testing.T) {
	cert, _, err := SelfSignedCertificate(t.TempDir(), []string{"localhost", "127.0.0.1", "::1", "127.0.0.1", "localhost", "0:0:0:0:0:0:0:1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.Leaf.DNSNames) != 1 || len(cert.Leaf.IPAddresses) != 2 {
		t.Fatalf("names %v, addresses %v: want localhost, 127.0.0.1 and ::1 once each", cert.Leaf.DNSNames, cert.Leaf.IPAddresses)
	}
}
