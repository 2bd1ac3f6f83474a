// Package catalog reads catalogs: each cloud's embedded one, and the
// operator's file that extends or replaces them. Both are YAML or JSON.
package catalog

import (
	"fmt"
	"os"

	"github.com/vmplane/vmplane"
	"sigs.k8s.io/yaml"
)

// Parse reads one cloud's catalog.
func Parse(data []byte) (*vmplane.Catalog, error) {
	var c vmplane.Catalog
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return &c, nil
}

// MustParse is Parse for embedded catalogs, which are tested.
func MustParse(data []byte) *vmplane.Catalog {
	c, err := Parse(data)
	if err != nil {
		panic(err)
	}
	return c
}

// Override is one cloud's part of an operator's catalog file.
type Override struct {
	// Replace discards the embedded catalog instead of extending it.
	Replace bool `json:"replace,omitempty"`
	vmplane.Catalog
}

// File is an operator's catalog file: cloud name → override.
//
//	ncloud:
//	  specs:
//	    - {id: s2-g3, vcpu: 2, memoryMiB: 8192, ...}
//	zenlayer:
//	  replace: true
//	  zones: [...]
type File map[string]Override

// ReadFile reads an operator's catalog file.
func ReadFile(name string) (File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var f File
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", name, err)
	}
	return f, nil
}

// Apply changes the clouds' catalogs as f says. A cloud f names that is not
// served is an error, so that a typo does not go unnoticed.
func (f File) Apply(clouds []*vmplane.Cloud) error {
	byName := make(map[string]*vmplane.Cloud, len(clouds))
	for _, c := range clouds {
		byName[c.Name] = c
	}
	for name, o := range f {
		c, ok := byName[name]
		if !ok {
			return fmt.Errorf("catalog: no cloud named %q", name)
		}
		if o.Replace || c.Catalog == nil {
			cat := o.Catalog
			c.Catalog = &cat
		} else {
			c.Catalog = c.Catalog.Merge(&o.Catalog)
		}
	}
	return nil
}
