package ncloud

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// encode renders {root: body} in format f into b.
//
// JSON is indented by two spaces with "key": value, and ends with the outer
// "}" and no newline: the official Go SDK strips the outer object by slicing
// the body from the byte before the inner "{" (which must be whitespace) to
// the byte before the last one (which must be the outer "}").
func encode(b *bytes.Buffer, f format, root string, body obj) {
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

// buffers keeps encoding buffers between calls: a page of servers is
// tens of kilobytes, and growing a new buffer to that each time cost more
// than what is written into it.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeJSONObj(b *bytes.Buffer, o obj, depth int) {
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

func writeJSONValue(b *bytes.Buffer, v any, depth int) {
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

func writeJSONList(b *bytes.Buffer, n, depth int, item func(int)) {
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

// writeJSONString writes s quoted as encoding/json quotes it without HTML
// escaping. Most strings need no escape at all and are copied as they are:
// an encoder per string made encoding most of a call's cost.
func writeJSONString(b *bytes.Buffer, s string) {
	if plain(s, &jsonPlain) {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// jsonPlain and xmlPlain are the bytes JSON and XML write as they are:
// printable ASCII but for the few each escapes.
var jsonPlain, xmlPlain = plainBytes(`"\\`), plainBytes(`"'&<>`)

func plainBytes(special string) (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = !strings.ContainsRune(special, rune(c))
	}
	return t
}

// plain reports whether every byte of s is in t.
func plain(s string, t *[256]bool) bool {
	for i := 0; i < len(s); i++ {
		if !t[s[i]] {
			return false
		}
	}
	return true
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("  ")
	}
}

func writeXMLField(b *bytes.Buffer, key string, v any, depth int) {
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
			if plain(v, &xmlPlain) {
				b.WriteString(v)
			} else {
				_ = xml.EscapeText(b, []byte(v))
			}
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

func writeXMLList(b *bytes.Buffer, key string, n, depth int, item func(string, int)) {
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

func indent(b *bytes.Buffer, depth int) {
	for range depth {
		b.WriteString("  ")
	}
}
