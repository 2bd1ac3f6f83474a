package ncloud

import (
	"slices"
	"strings"
	"testing"
)

func TestDecodeParamsMergesQueryAndForm(t *testing.T) {
	p, err := decodeParams("regionCode=KR&serverInstanceNoList.2=b", "responseFormatType=json&serverInstanceNoList.1=a&regionCode=JPN")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.str("regionCode"); got != "KR" {
		t.Errorf("regionCode = %q, want the query's KR", got)
	}
	if got := p.str("responseFormatType"); got != "json" {
		t.Errorf("responseFormatType = %q", got)
	}
	list, err := p.strings("serverInstanceNoList")
	if err != nil || !slices.Equal(list, []string{"a", "b"}) {
		t.Errorf("serverInstanceNoList = %q, %v; want [a b]", list, err)
	}
}

func TestListsAreOrderedByIndexNotByPosition(t *testing.T) {
	p, _ := decodeParams("l.10=ten&l.2=two&l.1=one", "")
	list, err := p.strings("l")
	if err != nil || !slices.Equal(list, []string{"one", "two", "ten"}) {
		t.Errorf("l = %q, %v", list, err)
	}
}

func TestNestedObjectLists(t *testing.T) {
	p, _ := decodeParams("networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=99"+
		"&networkInterfaceList.1.accessControlGroupNoList.2=98&networkInterfaceList.2.networkInterfaceOrder=1&networkInterfaceList.2.networkInterfaceNo=7", "")
	nics, err := p.objects("networkInterfaceList")
	if err != nil || len(nics) != 2 {
		t.Fatalf("objects = %v, %v", nics, err)
	}
	acgs, err := nics[0].strings("accessControlGroupNoList")
	if err != nil || !slices.Equal(acgs, []string{"99", "98"}) || nics[0].str("networkInterfaceOrder") != "0" {
		t.Errorf("first interface: %v %q %v", nics[0], acgs, err)
	}
	if nics[1].str("networkInterfaceNo") != "7" || nics[1].str("networkInterfaceOrder") != "1" {
		t.Errorf("second interface: %v", nics[1])
	}
}

func TestMalformedListsAreRefused(t *testing.T) {
	for _, q := range []string{"l.0=a", "l.01=a", "l.x=a", "l.+1=a", "l.1.=a", "l.-1=a", "l.1.f=a"} {
		p, err := decodeParams(q, "")
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if _, err := p.strings("l"); err == nil {
			t.Errorf("strings(%s) accepted", q)
		}
	}
	for _, q := range []string{"o.1=a", "o.0.f=a", "o.1.=a"} {
		p, _ := decodeParams(q, "")
		if _, err := p.objects("o"); err == nil {
			t.Errorf("objects(%s) accepted", q)
		}
	}
}

func TestRequiredListRefusesDuplicatesAndEmpties(t *testing.T) {
	for q, code := range map[string]string{
		"":                        codeRequired,
		"l.1=a&l.2=a":             codeInvalidValue,
		"l.1=a&l.2=":              codeInvalidValue,
		"l.1=a&l.2=b&l.3=c&l.4=a": codeInvalidValue,
	} {
		p, _ := decodeParams(q, "")
		_, err := p.requiredList("l")
		if e, ok := err.(*apiError); !ok || e.code != code {
			t.Errorf("requiredList(%q) = %v, want code %s", q, err, code)
		}
	}
}

func TestScalarParsers(t *testing.T) {
	p, _ := decodeParams("n=5&big=99999999999999999999&b=TRUE&bad=yes&e=desc", "")
	if n, err := p.int("n", 0, 10, 1); n != 5 || err != nil {
		t.Errorf("int n = %d, %v", n, err)
	}
	if n, err := p.int("absent", 0, 10, 3); n != 3 || err != nil {
		t.Errorf("int absent = %d, %v", n, err)
	}
	if _, err := p.int("n", 6, 10, 0); err == nil {
		t.Error("int out of range accepted")
	}
	if _, err := p.int("big", 0, 1<<31, 0); err == nil {
		t.Error("overflowing int accepted")
	}
	if b, err := p.bool("b", false); !b || err != nil {
		t.Errorf("bool b = %v, %v", b, err)
	}
	if _, err := p.bool("bad", false); err == nil {
		t.Error("bool yes accepted")
	}
	if v, err := p.oneOf("e", "ASC", "DESC"); v != "DESC" || err != nil {
		t.Errorf("oneOf = %q, %v", v, err)
	}
}

// FuzzDecodeParams feeds the decoder what a network peer can send: any
// query string and form body. Decoding and every list reading must return
// values or an error, never panic, and a list never has more items than
// the request has parameters.
func FuzzDecodeParams(f *testing.F) {
	f.Add("regionCode=KR&serverInstanceNoList.1=1", "responseFormatType=json")
	f.Add("", "networkInterfaceList.1.networkInterfaceOrder=0&networkInterfaceList.1.accessControlGroupNoList.1=99")
	f.Add("a.1.b.2=x&a.1=y", "a.999999999999999999999=z")
	f.Add("%zz", "")
	f.Add("l.1=a&l.1=b&l.2=", "l.01=c;d")
	f.Fuzz(func(t *testing.T, query, body string) {
		p, err := decodeParams(query, body)
		if err != nil {
			return
		}
		for k := range p.vals {
			name, _, _ := strings.Cut(k, ".")
			if list, err := p.strings(name); err == nil && len(list) > len(p.vals) {
				t.Fatalf("strings(%q): %d items from %d parameters", name, len(list), len(p.vals))
			}
			if objs, err := p.objects(name); err == nil {
				for _, o := range objs {
					for sub := range o.vals {
						n, _, _ := strings.Cut(sub, ".")
						_, _ = o.strings(n)
						_, _ = o.objects(n)
					}
				}
			}
			_, _ = p.requiredList(name)
			_, _ = p.int(name, 0, 100, 0)
			_, _ = p.bool(name, false)
		}
	})
}
