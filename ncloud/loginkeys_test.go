package ncloud

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"regexp"
	"strings"
	"testing"
)

var fingerprintForm = regexp.MustCompile(`^([0-9a-f]{2}:){15}[0-9a-f]{2}$`)

func TestPrivateKeyFingerprintIsThePublicKeys(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	want := fingerprint(sshPublicKey(&key.PublicKey))
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	for name, text := range map[string]string{
		"PKCS #1":               string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		"PKCS #8":               string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"with blanks around it": "\n  " + string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})) + "\n",
	} {
		got, ok := privateKeyFingerprint(text)
		if !ok || got != want {
			t.Errorf("%s: %q, %v; want %q", name, got, ok, want)
		}
	}
	if !fingerprintForm.MatchString(want) {
		t.Errorf("fingerprint %q is not NCP's form", want)
	}
}

// FuzzPrivateKeyFingerprint feeds getRootPassword's privateKey parser any
// text: it answers a fingerprint or false, never panics.
func FuzzPrivateKeyFingerprint(f *testing.F) {
	f.Add("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
	f.Add("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----")
	f.Add("ssh-rsa AAAAB3NzaC1yc2E web-key")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		if fp, ok := privateKeyFingerprint(text); ok && !fingerprintForm.MatchString(fp) {
			t.Fatalf("%q: fingerprint %q", text, fp)
		}
	})
}

// FuzzReadRule feeds an ACG rule parameter of any values to readRule: it
// answers a valid rule or NCP's error, never panics.
func FuzzReadRule(f *testing.F) {
	f.Add("TCP", "0.0.0.0/0", "", "22")
	f.Add("icmp", "10.0.0.0/8", "", "")
	f.Add("UDP", "", "20000001", "1-65535")
	f.Add("TCP", "1.2.3.4/33", "", "0-70000")
	f.Fuzz(func(t *testing.T, proto, block, source, ports string) {
		p := params{vals: map[string][]string{"protocolTypeCode": {proto}, "ipBlock": {block},
			"accessControlGroupSequence": {source}, "portRange": {ports}}}
		r, err := readRule(p, "accessControlGroupRuleList.1.")
		if err != nil {
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("not NCP's error: %v", err)
			}
			return
		}
		if r.Protocol == "" || (r.IPBlock == "") == (r.Source == "") || (r.Protocol != "ICMP" && !validPorts(r.Ports)) ||
			strings.ContainsAny(r.IPBlock, " \n") {
			t.Fatalf("accepted a bad rule: %+v", r)
		}
	})
}
