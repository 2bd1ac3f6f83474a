package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Some clients only speak HTTPS (Zenlayer's CLI; Huawei's SDK when its IAM
// endpoint comes from the environment). For them vmplane makes its own
// certificate, once, and keeps it in the data directory, where a client
// finds the file to trust (Go clients: SSL_CERT_FILE).
const (
	certFile = "cert.pem"
	keyFile  = "key.pem"
	// A certificate this close to its end is made again at start-up.
	certRenewBefore = 30 * 24 * time.Hour
	certLifetime    = 2 * 365 * 24 * time.Hour
)

// SelfSignedCertificate returns the certificate kept in dir for hosts (DNS
// names or IP addresses), and the file that holds it. It makes a new one,
// replacing what dir had, when there is none, when the one there does not
// name every host, ends within 30 days of now, or is damaged (or does not
// match its key: a crash while one was written). The certificate is its
// own issuer: a client trusts it by adding the file to its roots.
func SelfSignedCertificate(dir string, hosts []string, now time.Time) (tls.Certificate, string, error) {
	certPath, keyPath := filepath.Join(dir, certFile), filepath.Join(dir, keyFile)
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err == nil && covers(cert.Leaf, hosts, now) {
		return cert, certPath, nil
	}
	// A file that cannot be read (rather than one that is not there, or
	// holds no valid pair) is the operator's to look at.
	if pathErr := (*fs.PathError)(nil); errors.As(err, &pathErr) && !errors.Is(err, fs.ErrNotExist) {
		return tls.Certificate{}, "", fmt.Errorf("tls: %w", err)
	}
	certPEM, keyPEM, err := newCertificate(hosts, now)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, "", err
	}
	// The key readable by its owner only.
	if err := writeFile(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, "", err
	}
	if err := writeFile(certPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, "", err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPath, err
}

// covers reports whether c names every host and is valid long enough.
func covers(c *x509.Certificate, hosts []string, now time.Time) bool {
	if c == nil || now.Before(c.NotBefore) || now.Add(certRenewBefore).After(c.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if c.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

func newCertificate(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"vmplane"}, CommonName: "vmplane self-signed"},
		NotBefore:    now.Add(-time.Hour), // clients whose clocks run a little behind
		NotAfter:     now.Add(certLifetime),
		// A CA as well as a server certificate: clients that accept a root
		// only if it is a CA (OpenSSL's) then trust it as Go's do.
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip == nil {
			if !slices.Contains(tmpl.DNSNames, h) {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		} else if !slices.ContainsFunc(tmpl.IPAddresses, ip.Equal) {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// writeFile replaces name with data through a temporary file, so that a
// crash leaves the old file or the new one, never half of one.
func writeFile(name string, data []byte, perm os.FileMode) error {
	tmp := name + ".tmp"
	os.Remove(tmp) // one a crash left, perhaps with other permissions
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// TLSConfig is how vmplane serves HTTPS with cert: HTTP/1.1, which every
// cloud's clients speak, and TLS 1.2 or later.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
}
