package ncloud

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

// Login keys are RSA key pairs. createLoginKey answers the private key once,
// as NCP does, and vmplane keeps only the public half: its OpenSSH form and
// fingerprint. A server created with a key remembers the key's fingerprint,
// so getRootPassword can check the private key it is given even after the
// key itself was deleted.

// loginKeyBits is the size of the keys createLoginKey makes, NCP's.
const loginKeyBits = 2048

// namePattern is NCP's rule for the names of login keys, ACGs, init scripts
// and member server images: 3 to 30 lower-case letters, digits and hyphens,
// starting with a letter and not ending with a hyphen.
var namePattern = serverNamePattern

// createLoginKey makes a key pair and answers its private key.
func (c *call) createLoginKey() (result, error) {
	name := c.p.str("keyName")
	switch {
	case name == "" && c.api.classic:
		return result{}, missingParam("keyName")
	case name == "":
		name = c.autoName("key")
	case !namePattern.MatchString(name):
		return result{}, invalidParam("keyName")
	}
	key, err := rsa.GenerateKey(rand.Reader, loginKeyBits)
	if err != nil {
		return result{}, err
	}
	pub := sshPublicKey(&key.PublicKey)
	_, err = c.svc.CreateResource(c.ctx, vmplane.ResourceCreate{Scope: c.scope, Kind: kindLoginKey, Name: name, UniqueName: true,
		Attrs: map[string]string{"fingerprint": fingerprint(pub), "publicKey": "ssh-rsa " + base64.StdEncoding.EncodeToString(pub) + " " + name}})
	if vmplane.ErrorCode(err) == vmplane.EEXISTS {
		return result{}, badRequest(codeKeyNameTaken, msgKeyNameTaken)
	}
	if err != nil {
		return result{}, err
	}
	private := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	if c.api.classic {
		return result{fields: obj{{"privateKey", str(private)}}}, nil
	}
	return result{fields: obj{{"keyName", str(name)}, {"privateKey", str(private)}}}, nil
}

// autoName names an object the caller left unnamed, as NCP does: a prefix
// and the creation time in hexadecimal milliseconds, made unique.
func (c *call) autoName(prefix string) string {
	return prefix + "-" + fmt.Sprintf("%x", c.svc.Now().UnixMilli()+c.h.autoNames.Add(1))
}

func (c *call) renderLoginKey(r *vmplane.Resource) obj {
	if c.api.classic {
		return obj{{"fingerprint", str(r.Attr("fingerprint"))}, {"keyName", str(r.Name)}, {"createDate", date(r.CreatedAt)}}
	}
	return obj{{"keyName", str(r.Name)}, {"fingerprint", str(r.Attr("fingerprint"))}, {"publicKey", str(r.Attr("publicKey"))}, {"createDate", date(r.CreatedAt)}}
}

// getLoginKeyList lists the caller's login keys, optionally one by name.
func (c *call) getLoginKeyList() (result, error) {
	var items []obj
	for _, r := range c.svc.FindResources(c.ctx, c.scope, kindLoginKey) {
		if matches(c.p, "keyName", r.Name) {
			items = append(items, c.renderLoginKey(&r))
		}
	}
	return c.paged("loginKeyList", items)
}

// deleteLoginKeys deletes the keys of keyNameList, all or none.
func (c *call) deleteLoginKeys() (result, error) {
	names, err := c.p.requiredList("keyNameList")
	if err != nil {
		return result{}, err
	}
	return result{}, c.deleteLoginKeysNamed("keyNameList", names)
}

// deleteLoginKey is Classic's: one key, by keyName.
func (c *call) deleteLoginKey() (result, error) {
	name, err := c.p.required("keyName")
	if err != nil {
		return result{}, err
	}
	return result{}, c.deleteLoginKeysNamed("keyName", []string{name})
}

func (c *call) deleteLoginKeysNamed(param string, names []string) error {
	keys := make([]*vmplane.Resource, len(names))
	for i, name := range names {
		k, err := c.resourceNamed(kindLoginKey, param, name)
		if err != nil {
			return badRequest(codeNoKey, msgNoKey)
		}
		keys[i] = k
	}
	for _, k := range keys {
		if err := c.svc.DeleteResource(c.ctx, c.scope, kindLoginKey, k.ID); err != nil && vmplane.ErrorCode(err) != vmplane.ENOTFOUND {
			return err
		}
	}
	return nil
}

// resourceNamed returns the caller's resource of kind named name, which
// the parameter param gave.
func (c *call) resourceNamed(kind, param, name string) (*vmplane.Resource, error) {
	for _, r := range c.svc.FindResources(c.ctx, c.scope, kind) {
		if r.Name == name {
			return &r, nil
		}
	}
	return nil, notFoundParam(param)
}

// serverLoginKey reads a creation's loginKeyName, which must name one of
// the caller's keys, into the server's attributes.
func (c *call) serverLoginKey(attrs map[string]string) error {
	name := c.p.str("loginKeyName")
	if name == "" {
		return nil
	}
	k, err := c.resourceNamed(kindLoginKey, "loginKeyName", name)
	if err != nil {
		return err
	}
	attrs["loginKeyName"] = name
	attrs["loginKeyFingerprint"] = k.Attr("fingerprint")
	return nil
}

// getRootPassword answers a server's administrator password to the holder
// of its login key's private key.
func (c *call) getRootPassword() (result, error) {
	id, err := c.p.required("serverInstanceNo")
	if err != nil {
		return result{}, err
	}
	in, err := c.find(id)
	if err != nil {
		return result{}, err
	}
	want := in.Attrs["loginKeyFingerprint"]
	if want == "" {
		return result{}, badRequest(codeInvalidValue, msgNoLoginKey)
	}
	private, err := c.p.required("privateKey")
	if err != nil {
		return result{}, err
	}
	if got, ok := privateKeyFingerprint(private); !ok || got != want {
		return result{}, badRequest(codeWrongKey, msgWrongKey)
	}
	return result{fields: obj{{"totalRows", num(1)}, {"rootPassword", str(rootPassword(in))}}}, nil
}

// rootPassword is a server's administrator password: derived from its
// number and creation time, so that it is stable, differs from server to
// server and needs no storage. A simulated server has no secret to keep;
// a real VM (the qemu driver) does not use it.
func rootPassword(in *vmplane.Instance) string {
	const (
		letters = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
		digits  = "23456789"
		special = "!@#$%^*"
	)
	sum := sha256.Sum256([]byte(in.Cloud + "/" + in.ID + "@" + in.CreatedAt.UTC().Format(time.RFC3339Nano)))
	// Ten letters, then a digit and a character NCP's password rules ask for.
	var b strings.Builder
	for _, x := range sum[:10] {
		b.WriteByte(letters[int(x)%len(letters)])
	}
	b.WriteByte(digits[int(sum[10])%len(digits)])
	b.WriteByte(special[int(sum[11])%len(special)])
	return b.String()
}

// sshPublicKey is an RSA public key in SSH's wire format (RFC 4253 6.6).
func sshPublicKey(k *rsa.PublicKey) []byte {
	var b []byte
	b = appendSSHString(b, []byte("ssh-rsa"))
	b = appendSSHString(b, mpint(big.NewInt(int64(k.E))))
	return appendSSHString(b, mpint(k.N))
}

func appendSSHString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// mpint is a positive number as SSH writes it: big-endian, with a leading
// zero byte when the high bit is set.
func mpint(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// fingerprint is a public key's MD5 fingerprint, as NCP lists it:
// 16 hexadecimal bytes separated by colons.
func fingerprint(sshKey []byte) string {
	sum := md5.Sum(sshKey)
	var b strings.Builder
	for i, x := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02x", x)
	}
	return b.String()
}

// privateKeyFingerprint reads an RSA private key in PEM (PKCS #1, as
// createLoginKey answers it, or PKCS #8) and returns the fingerprint of its
// public key.
func privateKeyFingerprint(text string) (string, bool) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil {
		return "", false
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		k, err8 := x509.ParsePKCS8PrivateKey(block.Bytes)
		rsaKey, ok := k.(*rsa.PrivateKey)
		if err8 != nil || !ok {
			return "", false
		}
		key = rsaKey
	}
	return fingerprint(sshPublicKey(&key.PublicKey)), true
}
