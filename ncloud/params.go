package ncloud

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// params are a request's parameters: the query string and, for a form
// body, the body, merged. NCP documents GET with a query string; the
// official SDK sends POST with a form body, and other clients POST with a
// query string, so every action reads both.
//
// Lists are numbered from 1: serverInstanceNoList.1=a&serverInstanceNoList.2=b,
// and lists of objects nest: networkInterfaceList.1.accessControlGroupNoList.1=99.
type params struct {
	vals url.Values
}

// decodeParams merges a raw query string and a form body. Where both give a
// parameter, the query string wins.
func decodeParams(query, body string) (params, error) {
	vals, err := url.ParseQuery(query)
	if err != nil {
		return params{}, err
	}
	form, err := url.ParseQuery(body)
	if err != nil {
		return params{}, err
	}
	if len(vals) == 0 { // the SDK's request: a body, no query
		return params{vals: form}, nil
	}
	for k, v := range form {
		vals[k] = append(vals[k], v...)
	}
	return params{vals: vals}, nil
}

// str returns a parameter's value, "" when absent.
func (p params) str(name string) string { return p.vals.Get(name) }

// has reports whether a parameter is present with a non-empty value.
func (p params) has(name string) bool { return p.str(name) != "" }

// strings returns the list name.1, name.2, ... in index order.
func (p params) strings(name string) ([]string, error) {
	items, err := p.indexed(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if len(it.keys) != 1 || it.keys[0] != "" {
			return nil, invalidParam(name)
		}
		out = append(out, p.vals.Get(it.prefix))
	}
	return out, nil
}

// objects returns the list of objects name.1.field, name.2.field, ... in
// index order, each with its fields' names relative to the item.
func (p params) objects(name string) ([]params, error) {
	items, err := p.indexed(name)
	if err != nil {
		return nil, err
	}
	out := make([]params, 0, len(items))
	for _, it := range items {
		sub := params{vals: make(url.Values, len(it.keys))}
		for _, k := range it.keys {
			if k == "" {
				return nil, invalidParam(name)
			}
			sub.vals[k] = p.vals[it.prefix+"."+k]
		}
		out = append(out, sub)
	}
	return out, nil
}

type indexedItem struct {
	index  int
	prefix string   // name.N
	keys   []string // what follows name.N.; "" for name.N itself
}

// indexed groups the parameters under name. by their index. An index that
// is not a canonical positive number (name.0, name.01, name.x) is invalid:
// accepting it would make name.1 and name.01 two spellings of one item.
func (p params) indexed(name string) ([]indexedItem, error) {
	byIndex := make(map[int]*indexedItem)
	for k := range p.vals {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok {
			continue
		}
		num, sub, nested := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || strconv.Itoa(n) != num || (nested && sub == "") {
			return nil, invalidParam(name)
		}
		it := byIndex[n]
		if it == nil {
			it = &indexedItem{index: n, prefix: name + "." + num}
			byIndex[n] = it
		}
		it.keys = append(it.keys, sub)
	}
	out := make([]indexedItem, 0, len(byIndex))
	for _, it := range byIndex {
		slices.Sort(it.keys)
		out = append(out, *it)
	}
	slices.SortFunc(out, func(a, b indexedItem) int { return a.index - b.index })
	return out, nil
}

// required returns a parameter that must be present.
func (p params) required(name string) (string, error) {
	v := p.str(name)
	if v == "" {
		return "", missingParam(name)
	}
	return v, nil
}

// requiredList returns a list that must have at least one item and no
// duplicates (NCP: "It can't be duplicated").
func (p params) requiredList(name string) ([]string, error) {
	list, err := p.strings(name)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, missingParam(name)
	}
	seen := make(map[string]bool, len(list))
	for _, v := range list {
		if v == "" {
			return nil, invalidParam(name)
		}
		if seen[v] {
			return nil, duplicateParam(name, v)
		}
		seen[v] = true
	}
	return list, nil
}

// int returns an integer parameter within [lo, hi], or def when absent.
func (p params) int(name string, lo, hi, def int) (int, error) {
	v := p.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalidParam(name)
	}
	return n, nil
}

// bool returns a boolean parameter ("true" or "false"), or def when absent.
func (p params) bool(name string, def bool) (bool, error) {
	switch strings.ToLower(p.str(name)) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, invalidParam(name)
}

// oneOf returns a parameter that must be one of values (compared without
// case), canonicalised to the spelling in values; "" when absent.
func (p params) oneOf(name string, values ...string) (string, error) {
	v := p.str(name)
	if v == "" {
		return "", nil
	}
	for _, ok := range values {
		if strings.EqualFold(v, ok) {
			return ok, nil
		}
	}
	return "", invalidParam(name)
}
