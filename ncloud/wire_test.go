package ncloud

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"testing"
	"time"
)

// FuzzJSONString checks the string escaper against encoding/json's, and
// that whole documents stay valid JSON and XML whatever a name holds.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "web-1", `"quoted" \\ back`, "tab\there\nnew\rline\x00\x1f", "가산 zone", "\u2028\u2029", "\xff\xfe bad", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got buffer
		writeJSONString(&got, s)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		if string(got)+"\n" != want.String() {
			t.Fatalf("%q: got %s, want %s", s, got, want.String())
		}
		body := obj{{"name", str(s)}, {"list", strs(s)}, {"items", objs([]obj{{{"code", object(code(s, s))}}})}}
		if doc := encode(formatJSON, "xResponse", body); !json.Valid(doc) {
			t.Fatalf("invalid JSON for %q:\n%s", s, doc)
		}
		var v struct{ Name string }
		if err := xml.Unmarshal(encode(formatXML, "xResponse", body), &v); err != nil {
			t.Fatalf("invalid XML for %q: %v", s, err)
		}
	})
}

func TestEncodeLayout(t *testing.T) {
	body := obj{{"totalRows", num(1)}, {"regionList", objs([]obj{{{"regionCode", str("KR")}}})}, {"eventList", strs()}, {"empty", object(obj{})}}
	wantJSON := `{
  "getRegionListResponse": {
    "totalRows": 1,
    "regionList": [
      {
        "regionCode": "KR"
      }
    ],
    "eventList": [],
    "empty": {}
  }
}`
	if got := string(encode(formatJSON, "getRegionListResponse", body)); got != wantJSON {
		t.Errorf("JSON:\n%s\nwant\n%s", got, wantJSON)
	}
	wantXML := `<?xml version="1.0" encoding="UTF-8"?>
<getRegionListResponse>
  <totalRows>1</totalRows>
  <regionList>
    <region>
      <regionCode>KR</regionCode>
    </region>
  </regionList>
  <eventList/>
  <empty/>
</getRegionListResponse>
`
	if got := string(encode(formatXML, "getRegionListResponse", body)); got != wantXML {
		t.Errorf("XML:\n%s\nwant\n%s", got, wantXML)
	}
}

// FuzzDate checks the date writer against the layout it spells out.
func FuzzDate(f *testing.F) {
	for _, t := range []time.Time{time.Unix(1750000000, 0), {}, time.Date(9999, 12, 31, 14, 59, 59, 0, time.UTC),
		time.Date(9999, 12, 31, 15, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, 0)} {
		f.Add(t.Unix())
	}
	f.Fuzz(func(t *testing.T, unix int64) {
		var got buffer
		writeDate(&got, unix)
		if want := time.Unix(unix, 0).In(kst).Format(dateLayout); string(got) != want {
			t.Fatalf("%d: got %s, want %s", unix, got, want)
		}
	})
}

// FuzzXMLText checks the XML text writer against encoding/xml's escaper.
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"", "web-1", `"quoted" 'single' & <tag>`, "tab\there\nnew\rline\x00\x1f", "가산 zone", "\xff\xfe bad", "\ufffd\ufffe\U0010ffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want buffer
		writeXMLText(&got, s)
		_ = xml.EscapeText(&want, []byte(s))
		if string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
