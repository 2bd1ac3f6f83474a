package ncloud

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// obj is one response object with its fields in wire order. NCP's bodies
// are read by byte-sensitive clients, so the order and the formatting are
// part of the contract; maps would lose both.
//
// A field's value is a string, an int, an int64, a bool, an obj, a []obj or
// a []string. In XML a list wraps one element per item, named after the list
// with its "List" suffix dropped (serverInstanceList/serverInstance,
// networkInterfaceNoList/networkInterfaceNo, ...).
type obj []field

type field struct {
	key string
	val any
}

// slab lends the objects of one answer their fields, and lends them again
// to a later answer: the servers of a page were half of every byte a list
// call allocated. An object too big for what is left gets its own.
type slab struct{ fields []field }

var slabs = sync.Pool{New: func() any { return &slab{fields: make([]field, 0, 1024)} }}

// keep copies o into the slab (a nil slab lends nothing); o itself can
// then live on the stack.
func (s *slab) keep(o obj) obj {
	if s == nil || len(s.fields)+len(o) > cap(s.fields) {
		return append(obj(nil), o...)
	}
	i := len(s.fields)
	s.fields = append(s.fields, o...)
	return s.fields[i : i+len(o) : i+len(o)]
}

// release clears what the slab lent, so that it holds on to nothing, and
// gives it back.
func (s *slab) release() {
	clear(s.fields)
	s.fields = s.fields[:0]
	slabs.Put(s)
}

// code is NCP's CommonCode: {"code": ..., "codeName": ...}.
func code(c, name string) obj { return obj{{"code", c}, {"codeName", name}} }

// format is a response format: responseFormatType.
type format int

const (
	formatXML format = iota // NCP's default
	formatJSON
)

func (f format) contentType() string {
	if f == formatJSON {
		return "application/json;charset=UTF-8"
	}
	return "application/xml;charset=UTF-8"
}

// textWriter is what the encoders write to: a concrete buffer, whose small
// methods the compiler inlines (each field is several writes).
type textWriter = *bytes.Buffer

// encode renders {root: body} in format f.
//
// JSON is indented by two spaces with "key": value, and ends with the outer
// "}" and no newline: the official Go SDK strips the outer object by slicing
// the body from the byte before the inner "{" (which must be whitespace) to
// the byte before the last one (which must be the outer "}").
func encode(f format, root string, body obj) []byte {
	var b bytes.Buffer
	writeDoc(&b, f, root, body)
	return b.Bytes()
}

func writeDoc(b textWriter, f format, root string, body obj) {
	if f == formatJSON {
		b.WriteString("{\n  ")
		writeJSONString(b, root)
		b.WriteString(": ")
		writeJSONObj(b, body, 1)
		b.WriteString("\n}")
		return
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeXMLField(b, root, body, 0)
}

func writeJSONObj(b textWriter, o obj, depth int) {
	if len(o) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteString("{")
	for i, f := range o {
		if i > 0 {
			b.WriteString(",")
		}
		newline(b, depth+1)
		writeJSONString(b, f.key)
		b.WriteString(": ")
		writeJSONValue(b, f.val, depth+1)
	}
	newline(b, depth)
	b.WriteString("}")
}

func writeJSONValue(b textWriter, v any, depth int) {
	switch v := v.(type) {
	case string:
		writeJSONString(b, v)
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case obj:
		writeJSONObj(b, v, depth)
	case []obj:
		writeJSONList(b, len(v), depth, func(i int) { writeJSONObj(b, v[i], depth+1) })
	case []string:
		writeJSONList(b, len(v), depth, func(i int) { writeJSONString(b, v[i]) })
	default:
		panic(fmt.Sprintf("ncloud: cannot encode a %T", v)) // a programming error, caught by the golden tests
	}
}

func writeJSONList(b textWriter, n, depth int, item func(int)) {
	if n == 0 {
		b.WriteString("[]")
		return
	}
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		newline(b, depth+1)
		item(i)
	}
	newline(b, depth)
	b.WriteString("]")
}

// writeJSONString writes s as a JSON string, escaped as encoding/json does
// without HTML escaping: quotes, backslashes and control characters, the
// line separators U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func writeJSONString(b textWriter, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
				b.WriteString(s[start:i])
				if r == utf8.RuneError {
					b.WriteString(`\ufffd`)
				} else {
					b.WriteString(`\u202`)
					b.WriteByte(hex[r&0xf])
				}
				start = i + size
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		i++
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

func newline(b textWriter, depth int) {
	if n := 1 + 2*depth; n <= len(newlines) {
		b.WriteString(newlines[:n]) // one call: this runs for every field
		return
	}
	b.WriteByte('\n')
	indent(b, depth)
}

// newlines is a newline and the indentation of the deepest usual field.
var newlines = "\n" + strings.Repeat(" ", 32)

func writeXMLField(b textWriter, key string, v any, depth int) {
	indent(b, depth)
	switch v := v.(type) {
	case obj:
		if len(v) == 0 {
			b.WriteString("<" + key + "/>\n")
			return
		}
		b.WriteString("<" + key + ">\n")
		for _, f := range v {
			writeXMLField(b, f.key, f.val, depth+1)
		}
		indent(b, depth)
		b.WriteString("</" + key + ">\n")
	case []obj:
		writeXMLList(b, key, len(v), depth, func(item string, i int) { writeXMLField(b, item, v[i], depth+1) })
	case []string:
		writeXMLList(b, key, len(v), depth, func(item string, i int) { writeXMLField(b, item, v[i], depth+1) })
	default:
		b.WriteString("<" + key + ">")
		switch v := v.(type) {
		case string:
			_ = xml.EscapeText(b, []byte(v))
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case bool:
			b.WriteString(strconv.FormatBool(v))
		default:
			panic(fmt.Sprintf("ncloud: cannot encode a %T", v))
		}
		b.WriteString("</" + key + ">\n")
	}
}

func writeXMLList(b textWriter, key string, n, depth int, item func(string, int)) {
	if n == 0 {
		b.WriteString("<" + key + "/>\n")
		return
	}
	b.WriteString("<" + key + ">\n")
	name := strings.TrimSuffix(key, "List")
	for i := range n {
		item(name, i)
	}
	indent(b, depth)
	b.WriteString("</" + key + ">\n")
}

func indent(b textWriter, depth int) {
	if n := 2 * depth; n < len(newlines) {
		b.WriteString(newlines[1 : 1+n])
		return
	}
	for range depth {
		b.WriteString("  ")
	}
}
