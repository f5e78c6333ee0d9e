package catalog

import (
	_ "embed"
	"sync"
)

// builtinYAML is the catalog shipped with the bot: the forums told about in
// the seed news reports, in Kazakh, Russian and English.
//
//go:embed builtin.yaml
var builtinYAML []byte

var builtin = sync.OnceValue(func() *Catalog {
	c, err := Parse("builtin.yaml", builtinYAML)
	if err != nil {
		// A test parses the embedded file, so this cannot ship.
		panic("catalog: the embedded builtin.yaml is invalid:\n" + err.Error())
	}
	return c
})

// Builtin returns the catalog embedded in the binary. It is parsed once, on
// the first call; every call returns the same Catalog, which callers must
// treat as read-only.
func Builtin() *Catalog { return builtin() }

// BuiltinYAML returns a copy of the embedded catalog file, for an operator who
// wants to start a catalog of their own from it.
func BuiltinYAML() []byte { return append([]byte(nil), builtinYAML...) }
