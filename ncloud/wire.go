package ncloud

import (
	"encoding/xml"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// obj is one response object with its fields in wire order. NCP's bodies
// are read by byte-sensitive clients, so the order and the formatting are
// part of the contract; maps would lose both.
//
// In XML a list wraps one element per item, named after the list with its
// "List" suffix dropped (serverInstanceList/serverInstance,
// networkInterfaceNoList/networkInterfaceNo, ...).
type obj []field

type field struct {
	key string // one of this package's names: written as it is, unescaped
	val value
}

// value is a field's value: a string, an integer, a boolean, a date, an
// object, or a list of objects or of strings; str, num, boolean, date,
// object, objs and strs make one. It is a small tagged union rather than
// an interface: boxing every number and string of a page of servers cost
// an allocation per field, and the encoders a type switch.
type value struct {
	kind kind
	n    int64  // kindInt; kindBool: 1 for true
	s    string // kindString
	o    obj    // kindObject: its fields; kindList: its items, as fields without keys
}

type kind uint8

const (
	kindString kind = iota // the zero value is the empty string
	kindInt
	kindBool
	kindObject
	kindList
	kindDate // n: Unix seconds, written as date writes them
)

func str(s string) value { return value{s: s} }

func num[T ~int | ~int64](n T) value { return value{kind: kindInt, n: int64(n)} }

func boolean(b bool) value {
	if b {
		return value{kind: kindBool, n: 1}
	}
	return value{kind: kindBool}
}

func object(o obj) value { return value{kind: kindObject, o: o} }

// objs is a list of objects, and strs a list of strings: their items are
// allocated together. A call's slab lends them instead (slab.objs,
// slab.strs).
func objs(items []obj) value { return (*slab)(nil).objs(items) }

func strs(items ...string) value { return (*slab)(nil).strs(items...) }

// slab lends the objects of one answer their fields, and lends them again
// to a later answer: the servers of a page were half of every byte a list
// call allocated. When it runs out, it takes a new chunk for what follows;
// what it already lent keeps the old one. A nil slab lends nothing: what it
// is asked for is allocated.
type slab struct{ fields []field }

const slabSize = 1024 // fields: a page of 10 VPC servers takes about 500

var slabs = sync.Pool{New: func() any { return &slab{fields: make([]field, 0, slabSize)} }}

// take lends n empty fields.
func (s *slab) take(n int) obj {
	if s == nil {
		return make(obj, n)
	}
	if len(s.fields)+n > cap(s.fields) {
		s.fields = make([]field, 0, max(slabSize, n))
	}
	i := len(s.fields)
	s.fields = s.fields[:i+n] // zero: release clears what was used
	return s.fields[i : i+n : i+n]
}

// keep copies o into the slab; o itself can then live on the stack.
func (s *slab) keep(o obj) obj {
	l := s.take(len(o))
	copy(l, o)
	return l
}

// object is o as a value, its fields kept in the slab.
func (s *slab) object(o obj) value { return object(s.keep(o)) }

func (s *slab) objs(items []obj) value {
	l := s.take(len(items))
	for i, o := range items {
		l[i].val = object(o)
	}
	return value{kind: kindList, o: l}
}

func (s *slab) strs(items ...string) value {
	l := s.take(len(items))
	for i, v := range items {
		l[i].val = str(v)
	}
	return value{kind: kindList, o: l}
}

// release clears what the slab lent, so that it holds on to nothing, and
// gives it back, unless one huge object made it huge.
func (s *slab) release() {
	clear(s.fields)
	s.fields = s.fields[:0]
	if cap(s.fields) == slabSize {
		slabs.Put(s)
	}
}

// code is NCP's CommonCode: {"code": ..., "codeName": ...}.
func code(c, name string) obj { return obj{{"code", str(c)}, {"codeName", str(name)}} }

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

// buffer is what the encoders write to: a byte slice they append to. Each
// field is several writes; bytes.Buffer's are calls, these are inlined.
type buffer []byte

func (b *buffer) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}

func (b *buffer) WriteString(s string) (int, error) {
	*b = append(*b, s...)
	return len(s), nil
}

func (b *buffer) WriteByte(c byte) error {
	*b = append(*b, c)
	return nil
}

// encode renders {root: body} in format f.
//
// JSON is indented by two spaces with "key": value, and ends with the outer
// "}" and no newline: the official Go SDK strips the outer object by slicing
// the body from the byte before the inner "{" (which must be whitespace) to
// the byte before the last one (which must be the outer "}").
func encode(f format, root string, body obj) []byte {
	var b buffer
	writeDoc(&b, f, root, body)
	return b
}

func writeDoc(b *buffer, f format, root string, body obj) {
	if f == formatJSON {
		b.WriteString("{\n  ")
		writeJSONString(b, root)
		b.WriteString(": ")
		writeJSONObj(b, body, 1)
		b.WriteString("\n}")
		return
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	v := object(body)
	writeXMLField(b, root, &v, 0)
}

func writeJSONObj(b *buffer, o obj, depth int) {
	if len(o) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteByte('{')
	for i := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		newline(b, depth+1)
		// Keys are this package's own names: nothing in them to escape.
		b.WriteByte('"')
		b.WriteString(o[i].key)
		b.WriteString(`": `)
		writeJSONValue(b, &o[i].val, depth+1)
	}
	newline(b, depth)
	b.WriteByte('}')
}

func writeJSONValue(b *buffer, v *value, depth int) {
	switch v.kind {
	case kindString:
		writeJSONString(b, v.s)
	case kindDate:
		b.WriteByte('"')
		writeScalar(b, v)
		b.WriteByte('"')
	case kindInt, kindBool:
		writeScalar(b, v)
	case kindObject:
		writeJSONObj(b, v.o, depth)
	case kindList:
		if len(v.o) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i := range v.o {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(b, depth+1)
			writeJSONValue(b, &v.o[i].val, depth+1)
		}
		newline(b, depth)
		b.WriteByte(']')
	}
}

// writeScalar writes a number, a boolean or a date as XML and JSON both
// have them (JSON quotes a date).
func writeScalar(b *buffer, v *value) {
	switch v.kind {
	case kindInt:
		*b = strconv.AppendInt(*b, v.n, 10)
	case kindBool:
		if v.n != 0 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case kindDate:
		writeDate(b, v.n)
	}
}

// writeJSONString writes s as a JSON string, escaped as encoding/json does
// without HTML escaping: quotes, backslashes and control characters, the
// line separators U+2028 and U+2029, and invalid UTF-8 as U+FFFD.
func writeJSONString(b *buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
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

// jsonSafe tells the bytes a JSON string holds as they are: ASCII but
// control characters, quotes and backslashes. One look-up a byte, as
// encoding/json does.
var jsonSafe = func() (safe [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\'
	}
	return safe
}()

func newline(b *buffer, depth int) {
	if n := 1 + 2*depth; n <= len(newlines) {
		b.WriteString(newlines[:n]) // one call: this runs for every field
		return
	}
	b.WriteByte('\n')
	indent(b, depth)
}

// newlines is a newline and the indentation of the deepest usual field.
var newlines = "\n" + strings.Repeat(" ", 32)

func writeXMLField(b *buffer, key string, v *value, depth int) {
	indent(b, depth)
	switch v.kind {
	case kindObject, kindList:
		if len(v.o) == 0 {
			writeXMLTag(b, "<", key, "/>\n")
			return
		}
		writeXMLTag(b, "<", key, ">\n")
		item := strings.TrimSuffix(key, "List")
		for i := range v.o {
			f := &v.o[i]
			if v.kind == kindObject {
				writeXMLField(b, f.key, &f.val, depth+1)
			} else {
				writeXMLField(b, item, &f.val, depth+1)
			}
		}
		indent(b, depth)
		writeXMLTag(b, "</", key, ">\n")
		return
	}
	writeXMLTag(b, "<", key, ">")
	if v.kind == kindString {
		writeXMLText(b, v.s)
	} else {
		writeScalar(b, v)
	}
	writeXMLTag(b, "</", key, ">\n")
}

// writeXMLTag writes a tag in pieces: concatenating them cost an
// allocation per field.
func writeXMLTag(b *buffer, open, key, end string) {
	b.WriteString(open)
	b.WriteString(key)
	b.WriteString(end)
}

// writeXMLText writes s escaped as encoding/xml's EscapeText does; text
// with nothing to escape, nearly all of it, is written as it is.
func writeXMLText(b *buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			_ = xml.EscapeText(b, []byte(s))
			return
		}
	}
	b.WriteString(s)
}

func indent(b *buffer, depth int) {
	if n := 2 * depth; n < len(newlines) {
		b.WriteString(newlines[1 : 1+n])
		return
	}
	for range depth {
		b.WriteString("  ")
	}
}
