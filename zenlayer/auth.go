package zenlayer

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmplane/vmplane"
)

const algorithm = "ZC2-HMAC-SHA256"

// DefaultTimestampTolerance is how far X-ZC-Timestamp may be from the wall
// clock. The real service's window is not documented (UNVERIFIED).
const DefaultTimestampTolerance = 5 * time.Minute

// authenticate checks a request's credentials and returns the account it
// acts for. Two forms are accepted: a ZC2-HMAC-SHA256 signature, and a
// bearer token, which vmplane defines as "<accessKeyId>:<secretKey>" since
// how the real service issues tokens is not public.
func (h *Handler) authenticate(r *http.Request, body []byte) (*vmplane.Account, error) {
	auth := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		return h.authenticateToken(strings.TrimSpace(token))
	}
	cred, err := parseAuthorization(auth)
	if err != nil {
		return nil, err
	}
	acct, key, err := h.svc.FindAccountByKey(cred.accessKey)
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, codeAccessKey, "The access key id `%s` does not exist.", cred.accessKey)
	}
	ts := r.Header.Get("X-Zc-Timestamp")
	if err := h.checkTimestamp(ts); err != nil {
		return nil, err
	}
	values := make([]string, len(cred.signedHeaders))
	for i, name := range cred.signedHeaders {
		if name == "host" {
			values[i] = strings.TrimSpace(r.Host)
		} else {
			values[i] = strings.TrimSpace(r.Header.Get(name))
		}
	}
	want := signature(key.SecretKey, ts, canonicalRequest(cred.signedHeaders, values, body))
	if !hmac.Equal(cred.signature, want) {
		// The documentation asks signers to lower-case header values; the
		// SDKs sign them as sent. Either is accepted.
		lowered := false
		for i, v := range values {
			if l := strings.ToLower(v); l != v {
				values[i], lowered = l, true
			}
		}
		if !lowered || !hmac.Equal(cred.signature, signature(key.SecretKey, ts, canonicalRequest(cred.signedHeaders, values, body))) {
			return nil, errorf(http.StatusUnauthorized, codeSignature, "The request signature does not match. Check the secret key and how the request is signed.")
		}
	}
	return acct, nil
}

func (h *Handler) authenticateToken(token string) (*vmplane.Account, error) {
	ak, sk, _ := strings.Cut(token, ":")
	acct, key, err := h.svc.FindAccountByKey(ak)
	if err != nil || subtle.ConstantTimeCompare([]byte(sk), []byte(key.SecretKey)) != 1 {
		return nil, errorf(http.StatusUnauthorized, codeAccessKey, "The bearer token is not valid.")
	}
	return acct, nil
}

func (h *Handler) checkTimestamp(ts string) error {
	if ts == "" {
		return errorf(http.StatusUnauthorized, codeTimestamp, "The header X-ZC-Timestamp is required.")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errorf(http.StatusUnauthorized, codeTimestamp, "The header X-ZC-Timestamp must be a Unix time in seconds.")
	}
	skew := h.now().Sub(time.Unix(sec, 0))
	if skew < -h.tolerance || skew > h.tolerance {
		return errorf(http.StatusUnauthorized, codeTimestamp, "The request timestamp %s is more than %s away from the server time.", ts, h.tolerance)
	}
	return nil
}

// credential is what an Authorization header carries.
type credential struct {
	accessKey     string
	signedHeaders []string
	signature     []byte
}

// parseAuthorization reads
// "ZC2-HMAC-SHA256 Credential=<id>, SignedHeaders=content-type;host, Signature=<hex>".
func parseAuthorization(auth string) (credential, error) {
	var c credential
	if auth == "" {
		return c, errorf(http.StatusUnauthorized, codeAuthorization, "The Authorization header is required.")
	}
	alg, rest, _ := strings.Cut(strings.TrimSpace(auth), " ")
	if alg != algorithm {
		return c, errorf(http.StatusUnauthorized, codeAuthorization, "The Authorization header must use %s or Bearer.", algorithm)
	}
	var signed, sig string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			c.accessKey = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	if c.accessKey == "" || signed == "" || sig == "" {
		return c, errorf(http.StatusUnauthorized, codeAuthorization, "The Authorization header needs Credential, SignedHeaders and Signature.")
	}
	c.signedHeaders = strings.Split(strings.ToLower(signed), ";")
	if len(c.signedHeaders) > 32 || !slices.Contains(c.signedHeaders, "content-type") || !slices.Contains(c.signedHeaders, "host") ||
		slices.Contains(c.signedHeaders, "") {
		return c, errorf(http.StatusUnauthorized, codeAuthorization, "SignedHeaders must list content-type and host.")
	}
	b, err := hex.DecodeString(sig)
	if err != nil || len(b) != sha256.Size {
		return c, errorf(http.StatusUnauthorized, codeAuthorization, "The Signature must be 64 hexadecimal digits.")
	}
	c.signature = b
	return c, nil
}

// canonicalRequest is what a ZC2 signature covers. The URI is always "/"
// and there is no query string: a signature binds the body, the signed
// headers and (through the string to sign) the timestamp, not the path.
func canonicalRequest(names, values []string, body []byte) string {
	var b strings.Builder
	b.WriteString("POST\n/\n\n")
	for i, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(values[i])
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	sum := sha256.Sum256(body)
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.String()
}

// Sign signs r with its body as the official SDKs do: a ZC2-HMAC-SHA256
// signature over its Content-Type, its host and body, at time t (in
// X-ZC-Timestamp). It is for vmplane's own clients, such as its load tool;
// the handler checks what Sign makes with the same code.
func Sign(r *http.Request, body []byte, accessKeyID, accessKeyPassword string, t time.Time) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	names := []string{"content-type", "host"}
	values := []string{strings.TrimSpace(r.Header.Get("Content-Type")), host}
	ts := strconv.FormatInt(t.Unix(), 10)
	sig := signature(accessKeyPassword, ts, canonicalRequest(names, values, body))
	r.Header.Set("X-Zc-Signature-Method", algorithm)
	r.Header.Set("X-Zc-Timestamp", ts)
	r.Header.Set("Authorization", algorithm+" Credential="+accessKeyID+", SignedHeaders="+strings.Join(names, ";")+", Signature="+hex.EncodeToString(sig))
}

// signature is HMAC-SHA256(secret, "ZC2-HMAC-SHA256\n<timestamp>\n<hex sha256(canonical)>").
func signature(secret, timestamp, canonical string) []byte {
	sum := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(algorithm + "\n" + timestamp + "\n" + hex.EncodeToString(sum[:])))
	return mac.Sum(nil)
}
