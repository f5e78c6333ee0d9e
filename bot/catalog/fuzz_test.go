package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: an import of arbitrary bytes never panics, and a refused one
// says where: every problem carries the file and a line of it.
func FuzzParse(f *testing.F) {
	f.Add(builtinYAML)
	paths, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"", "forums:", "forums: []", "---\n---\n", "forums:\n  - id: x\n    dates: [", "\xff\xfe", "a: &a [*a]", "forums: !!binary AAAA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("catalog.yaml", data)
		if err == nil {
			if c == nil {
				t.Fatal("no catalog and no error")
			}
			return
		}
		var ve ValidationErrors
		if !errors.As(err, &ve) || len(ve) == 0 {
			t.Fatalf("the error is not a list of problems: %T %v", err, err)
		}
		for _, e := range ve {
			if e.File != "catalog.yaml" || e.Line < 1 {
				t.Fatalf("a problem without its place: %+v (input %q)", e, data)
			}
			if e.Line > 1+countLines(data) {
				t.Fatalf("a problem on line %d of a %d-line file: %+v", e.Line, countLines(data), e)
			}
		}
	})
}

// countLines counts lines as YAML does: a line ends at LF, CR LF or a lone
// CR (old Mac files), and an editor shows such a file the same way.
func countLines(data []byte) int {
	n := 1
	for i, b := range data {
		if b == '\n' || b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			n++
		}
	}
	return n
}
