package huawei

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
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

// maxSignedHeaders bounds SignedHeaders: a request's canonical form, built
// before its signature can be checked, holds each signed header's values,
// so a name listed twice, or a list without end, would make a small
// request cost the server without bound. (A client signs a few headers,
// each once.)
const maxSignedHeaders = 64

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
	if a.AccessKey == "" || a.Signature == "" || len(a.SignedHeaders) == 0 || len(a.SignedHeaders) > maxSignedHeaders ||
		slices.Contains(a.SignedHeaders, "") || repeats(a.SignedHeaders) {
		return authorization{}, errMalformedAuth
	}
	return a, nil
}

// repeats reports whether a name is listed twice. It runs for every
// request, on a few names (at most maxSignedHeaders): no map is made.
func repeats(names []string) bool {
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			return true
		}
	}
	return false
}

// canonicalRequest is what the client hashed: method, path, query, signed
// headers and body hash, one per line. It is built in one buffer, escaping
// in place: it runs for every request.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	var b strings.Builder
	b.Grow(256 + len(r.URL.Path) + len(r.URL.RawQuery))
	b.WriteString(r.Method)
	b.WriteByte('\n')
	writeCanonicalURI(&b, r.URL.Path)
	b.WriteByte('\n')
	writeCanonicalQuery(&b, r)
	b.WriteByte('\n')
	for _, name := range signed {
		values := r.Header.Values(name)
		if name == "host" {
			values = []string{r.Host}
		}
		if len(values) > 1 {
			values = slices.Sorted(slices.Values(values))
		}
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	for i, name := range signed {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(name)
	}
	b.WriteByte('\n')
	if r.Header.Get("X-Sdk-Content-Sha256") == unsignedPayload {
		b.WriteString(unsignedPayload)
	} else {
		sum := sha256.Sum256(body)
		var hexSum [2 * sha256.Size]byte
		hex.Encode(hexSum[:], sum[:])
		b.Write(hexSum[:])
	}
	return b.String()
}

// writeCanonicalURI escapes each segment of the unescaped path and ends it
// with a slash, as the SDK does.
func writeCanonicalURI(b *strings.Builder, path string) {
	first, slashEnd := true, false
	for seg := range strings.SplitSeq(path, "/") {
		if !first {
			b.WriteByte('/')
			slashEnd = true
		}
		first = false
		if seg != "" {
			writeEscaped(b, seg) // never ends in a slash: '/' is escaped
			slashEnd = false
		}
	}
	if !slashEnd {
		b.WriteByte('/')
	}
}

// canonicalQuery re-encodes the parsed query with keys and values sorted:
// the client signed its parameters, not the bytes it put on the wire.
func canonicalQuery(r *http.Request) string {
	var b strings.Builder
	writeCanonicalQuery(&b, r)
	return b.String()
}

func writeCanonicalQuery(b *strings.Builder, r *http.Request) {
	if r.URL.RawQuery == "" {
		return
	}
	q := r.URL.Query()
	for i, k := range slices.Sorted(maps.Keys(q)) {
		values := q[k]
		if len(values) > 1 {
			values = slices.Sorted(slices.Values(values))
		}
		for j, v := range values {
			if i > 0 || j > 0 {
				b.WriteByte('&')
			}
			writeEscaped(b, k)
			b.WriteByte('=')
			writeEscaped(b, v)
		}
	}
}

// escape percent-encodes everything but A-Z a-z 0-9 - _ . ~, upper-case hex.
func escape(s string) string {
	var b strings.Builder
	writeEscaped(&b, s)
	return b.String()
}

func writeEscaped(b *strings.Builder, s string) {
	const hexDigits = "0123456789ABCDEF"
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
