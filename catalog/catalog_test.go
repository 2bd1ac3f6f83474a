package catalog_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vmplane/vmplane"
	"github.com/vmplane/vmplane/catalog"
)

func clouds() []*vmplane.Cloud {
	base := catalog.MustParse([]byte(`
zones: [{id: z1, region: r1}]
specs:
  - {id: a, vcpu: 1, memoryMiB: 1024, resizeGroup: g}
  - {id: b, vcpu: 2, memoryMiB: 2048, resizeGroup: g}
`))
	other := catalog.MustParse([]byte(`specs: [{id: x, vcpu: 1, memoryMiB: 512}]`))
	return []*vmplane.Cloud{{Name: "one", Catalog: base}, {Name: "two", Catalog: other}}
}

func write(t *testing.T, body string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestCatalogFileExtendsAndReplaces(t *testing.T) {
	f, err := catalog.ReadFile(write(t, `
one:
  specs:
    - {id: b, vcpu: 4, memoryMiB: 4096, resizeGroup: g}
    - {id: c, vcpu: 8, memoryMiB: 8192, resizeGroup: g}
two:
  replace: true
  specs: [{id: y2, vcpu: 2, memoryMiB: 1024}]
`))
	if err != nil {
		t.Fatal(err)
	}
	cs := clouds()
	if err := f.Apply(cs); err != nil {
		t.Fatal(err)
	}
	one, two := cs[0].Catalog, cs[1].Catalog
	if len(one.Specs) != 3 || one.FindSpec("b").VCPU != 4 || one.FindSpec("c") == nil || one.FindZone("z1") == nil {
		t.Fatalf("extended catalog: %+v", one)
	}
	if len(two.Specs) != 1 || two.FindSpec("x") != nil || two.FindSpec("y2") == nil {
		t.Fatalf("replaced catalog: %+v", two)
	}
}

func TestCatalogFileErrors(t *testing.T) {
	if _, err := catalog.ReadFile(write(t, "one:\n  specz: []\n")); err == nil {
		t.Error("an unknown field was accepted")
	}
	f, err := catalog.ReadFile(write(t, "three:\n  specs: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(clouds()); err == nil {
		t.Error("a catalog for a cloud that is not served was accepted")
	}
	if _, err := catalog.ReadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestResizeTargetsStayInTheGroupAndZone(t *testing.T) {
	c := catalog.MustParse([]byte(`
specs:
  - {id: a, vcpu: 1, memoryMiB: 1024, resizeGroup: g, price: 10}
  - {id: b, vcpu: 2, memoryMiB: 2048, resizeGroup: g, price: 20}
  - {id: c, vcpu: 4, memoryMiB: 4096, resizeGroup: g, price: 15, zones: [z2]}
  - {id: d, vcpu: 4, memoryMiB: 4096, resizeGroup: h}
`))
	got := c.ResizeTargets(c.FindSpec("a"), "z1")
	if len(got) != 1 || got[0].ID != "b" {
		t.Fatalf("targets in z1: %+v", got)
	}
	got = c.ResizeTargets(c.FindSpec("a"), "z2")
	if len(got) != 2 || got[0].ID != "c" || got[1].ID != "b" {
		t.Fatalf("targets in z2, cheapest first: %+v", got)
	}
}
