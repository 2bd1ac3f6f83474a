package huawei

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Request signing: SDK-HMAC-SHA256, the scheme of Huawei Cloud's API
// gateway (reference §1.2). The key is the raw secret key; the signature
// covers the method, path, query, the headers the client chose to sign and
// the body.

const (
	signAlgorithm = "SDK-HMAC-SHA256"
	dateLayout    = "20060102T150405Z"
	// maxSkew is how far X-Sdk-Date may be from the gateway's clock.
	maxSkew = 15 * time.Minute
	// unsignedPayload replaces the body hash when X-Sdk-Content-Sha256 says so.
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// authorization is a parsed Authorization header:
// "SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<h1;h2>, Signature=<hex>".
type authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

var errMalformedAuth = errors.New("malformed Authorization header")

func parseAuthorization(h string) (authorization, error) {
	rest, ok := strings.CutPrefix(h, signAlgorithm+" ")
	if !ok {
		return authorization{}, errMalformedAuth
	}
	var a authorization
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authorization{}, errMalformedAuth
		}
		switch k {
		case "Access":
			a.AccessKey = v
		case "SignedHeaders":
			for name := range strings.SplitSeq(v, ";") {
				a.SignedHeaders = append(a.SignedHeaders, strings.ToLower(name))
			}
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKey == "" || a.Signature == "" || len(a.SignedHeaders) == 0 || slices.Contains(a.SignedHeaders, "") {
		return authorization{}, errMalformedAuth
	}
	return a, nil
}

// canonicalRequest is what the client hashed: method, path, query, signed
// headers and body hash, one per line.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL.Path))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r))
	b.WriteByte('\n')
	for _, name := range signed {
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		values = slices.Clone(values)
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	if r.Header.Get("X-Sdk-Content-Sha256") == unsignedPayload {
		b.WriteString(unsignedPayload)
	} else {
		b.WriteString(hexSHA256(body))
	}
	return b.String()
}

// canonicalURI escapes each segment of the unescaped path and ends it with
// a slash, as the SDK does.
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery re-encodes the parsed query with keys and values sorted:
// the client signed its parameters, not the bytes it put on the wire.
func canonicalQuery(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var pairs []string
	for _, k := range keys {
		values := slices.Clone(q[k])
		slices.Sort(values)
		for _, v := range values {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&")
}

// escape percent-encodes everything but A-Z a-z 0-9 - _ . ~, upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// Sign signs r with its body as the official Go SDK does: it sets
// X-Sdk-Date to t, then an Authorization header whose signature covers the
// method, path, query and body, and every header r carries except
// Content-Type (the SDK's choice). It is for vmplane's own clients, such as
// its load tool; the gateway checks what Sign makes with the same code.
func Sign(r *http.Request, body []byte, accessKey, secretKey string, t time.Time) {
	date := t.UTC().Format(dateLayout)
	r.Header.Set("X-Sdk-Date", date)
	r.Header.Del("Authorization")
	signed := make([]string, 0, len(r.Header))
	for name := range r.Header {
		name = strings.ToLower(name)
		if !strings.HasPrefix(name, "content-type") && !strings.Contains(name, "_") {
			signed = append(signed, name)
		}
	}
	slices.Sort(signed)
	sig := signature(secretKey, date, canonicalRequest(r, body, signed))
	r.Header.Set("Authorization", signAlgorithm+" Access="+accessKey+", SignedHeaders="+strings.Join(signed, ";")+", Signature="+sig)
}

// signature is hex(HMAC-SHA256(secret, string to sign)).
func signature(secret, date, canonical string) string {
	sts := signAlgorithm + "\n" + date + "\n" + hexSHA256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
