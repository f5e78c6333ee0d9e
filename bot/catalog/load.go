package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadFile reads the catalog YAML file at path and parses it with Parse. Error
// messages name the file as path was given.
func LoadFile(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a catalog from YAML and validates it. name is the file name
// used in error messages ("catalog.yaml").
//
// Decoding is strict: a key the catalog does not know, a key given twice, or
// a value of the wrong type is an error. On failure the error is a
// ValidationErrors holding every problem found, each with its line, in the
// order of the file; a YAML syntax error stops decoding and is the only
// problem reported.
func Parse(name string, data []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ValidationErrors{{File: name, Line: 1, Msg: "file is empty; a catalog needs a forums list"}}
		}
		return nil, ValidationErrors{yamlSyntaxError(name, data, err)}
	}
	d := &yamlDecoder{file: name, lines: map[string]int{}, bad: map[string]bool{}}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.failf(extra.Line, "", "a catalog file holds one YAML document; found another one here")
	case !errors.Is(err, io.EOF):
		return nil, ValidationErrors{yamlSyntaxError(name, data, err)}
	}

	var c Catalog
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, ValidationErrors{{File: name, Line: 1, Msg: "file is empty; a catalog needs a forums list"}}
		}
		root = root.Content[0]
	}
	d.lines[""] = root.Line
	d.decode(root, reflect.ValueOf(&c).Elem(), "", 0)

	v := &catalogValidator{file: name, lineOf: d.lineOf}
	v.catalog(&c)
	for _, e := range v.errs {
		if !d.isBad(e.Field) {
			d.errs = append(d.errs, e)
		}
	}
	if err := d.errs.sorted(); err != nil {
		return nil, err
	}
	return &c, nil
}

// yamlLineErr matches the "yaml: line N: message" form of yaml.v3's syntax
// errors.
var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlSyntaxError turns a yaml.v3 parse error into a FieldError with its line.
//
// yaml.v3 reports a scanner error at its line but a parser error at the line
// before the construct it was parsing (a 0-based line), and some errors at no
// line at all. So the line is found again: it is the first line whose prefix
// of the file fails with the same message.
func yamlSyntaxError(file string, data []byte, err error) FieldError {
	msg, line := err.Error(), 0
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if l := locateSyntaxError(data, msg, max(line, 1)); l > 0 {
		line = l
	}
	return FieldError{File: file, Line: line, Msg: "syntax error: " + msg}
}

// locateSyntaxError returns the first line n >= from such that the first n
// lines of data fail to parse with msg, or 0 if there is none.
func locateSyntaxError(data []byte, msg string, from int) int {
	line, end := 1, 0
	for end < len(data) {
		i := bytes.IndexByte(data[end:], '\n')
		if i < 0 {
			end = len(data)
		} else {
			end += i + 1
		}
		if line >= from {
			if err := parseAllYAML(data[:end]); err != nil && strings.HasSuffix(err.Error(), msg) {
				return line
			}
		}
		line++
	}
	return 0
}

// parseAllYAML parses every YAML document in data and returns the first error.
func parseAllYAML(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// yamlDecoder maps a yaml.Node tree onto the catalog types by their yaml
// tags, remembering the line of every field so that validation can point at
// it.
type yamlDecoder struct {
	file string
	errs ValidationErrors
	// lines maps a field path ("forums[2].start.month") to the line of its
	// key, or of the list item for an index path.
	lines map[string]int
	// bad holds the paths whose value could not be decoded; validation
	// problems at or below them are not reported twice.
	bad map[string]bool
}

// maxYAMLDepth bounds the nesting the decoder follows, as a guard against
// alias loops; the catalog types nest five deep.
const maxYAMLDepth = 32

func (d *yamlDecoder) failf(line int, path, format string, args ...any) {
	d.errs = append(d.errs, FieldError{File: d.file, Line: line, Field: path, Msg: fmt.Sprintf(format, args...)})
}

// badValue reports a value of the wrong shape at path and marks the path.
func (d *yamlDecoder) badValue(n *yaml.Node, path, format string, args ...any) {
	d.bad[path] = true
	line := n.Line
	if l, ok := d.lines[path]; ok {
		line = l
	}
	d.failf(line, path, format, args...)
}

// lineOf returns the line of path, or of its nearest ancestor the file has
// (the line of "title:" for a missing "title.en"); 0 when none is known.
func (d *yamlDecoder) lineOf(path string) int {
	for {
		if l, ok := d.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		path = parentFieldPath(path)
	}
}

// isBad reports whether path, one of its ancestors or one of its descendants
// failed to decode: a problem found there by validation is a consequence of
// the decoding error already reported ("needs a contest" after "contest: must
// be a mapping").
func (d *yamlDecoder) isBad(path string) bool {
	for p := path; ; p = parentFieldPath(p) {
		if d.bad[p] {
			return true
		}
		if p == "" {
			break
		}
	}
	for b := range d.bad {
		if strings.HasPrefix(b, path+".") || strings.HasPrefix(b, path+"[") {
			return true
		}
	}
	return false
}

// parentFieldPath strips the last ".field" or "[i]" from path.
func parentFieldPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func joinFieldPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var textReflectType = reflect.TypeFor[Text]()

// decode stores n into v, which is settable.
func (d *yamlDecoder) decode(n *yaml.Node, v reflect.Value, path string, depth int) {
	if depth > maxYAMLDepth {
		d.badValue(n, path, "nested too deeply (an alias loop?)")
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			d.badValue(n, path, "unresolved alias")
			return
		}
		d.decode(n.Alias, v, path, depth+1)
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // absent: the zero value
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), path, depth+1)
		v.Set(elem)
	case reflect.Struct:
		d.decodeStruct(n, v, path, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.badValue(n, path, "must be a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = item.Line
			d.decode(item, s.Index(i), p, depth+1)
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.badValue(n, path, "must be a plain value, not a %s", yamlKindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		var i int
		if n.Kind != yaml.ScalarNode || n.Decode(&i) != nil {
			d.badValue(n, path, "must be a whole number (got %s)", yamlValueDesc(n))
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
			d.badValue(n, path, "must be true or false (got %s)", yamlValueDesc(n))
			return
		}
		v.SetBool(b)
	default:
		// The catalog types use only the kinds above; a new field of
		// another kind in forum.go needs a case here.
		panic(fmt.Sprintf("catalog: cannot decode into %s at %s", v.Type(), path))
	}
}

func (d *yamlDecoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		switch {
		case path == "":
			d.badValue(n, path, "the top level must be a mapping with a forums list (got %s)", yamlValueDesc(n))
		case v.Type() == textReflectType:
			d.badValue(n, path, "must be a mapping with kk, ru and en (got %s)", yamlValueDesc(n))
		default:
			d.badValue(n, path, "must be a mapping (got %s)", yamlValueDesc(n))
		}
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.failf(k.Line, path, "keys must be plain names (got a %s)", yamlKindName(k))
			continue
		}
		key := k.Value
		p := joinFieldPath(path, key)
		if key == "<<" {
			// The merged fields are unknown, so what looks missing here
			// may not be: no further problems are reported below path.
			d.bad[path] = true
			d.failf(k.Line, path, "merge keys (<<) are not supported; write the fields out")
			continue
		}
		if first, dup := seen[key]; dup {
			d.failf(k.Line, p, "given twice (first at line %d)", first)
			continue
		}
		seen[key] = k.Line
		idx, ok := fields[key]
		if !ok {
			msg := "unknown field"
			if s := suggestYAMLField(key, fields); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.failf(k.Line, p, "%s", msg)
			continue
		}
		d.lines[p] = k.Line
		d.decode(val, v.Field(idx), p, depth+1)
	}
}

// yamlFields maps the yaml names of t's fields to their indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = i
	}
	return m
}

// suggestYAMLField returns the known field closest to key, if it is a likely typo.
func suggestYAMLField(key string, fields map[string]int) string {
	best, bestDist := "", 3
	for name := range fields {
		if dist := keyEditDistance(strings.ToLower(key), name); dist < bestDist || dist == bestDist && name < best {
			best, bestDist = name, dist
		}
	}
	if bestDist > 2 {
		return ""
	}
	return best
}

// keyEditDistance is the Levenshtein distance between a and b, by bytes (field
// names are ASCII).
func keyEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func yamlKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "plain value"
}

// yamlValueDesc names a node for an error message: its value when it is a
// scalar, its kind otherwise.
func yamlValueDesc(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		v := []rune(n.Value)
		if len(v) > 40 {
			v = append(v[:37], []rune("...")...)
		}
		return strconv.Quote(string(v))
	}
	return "a " + yamlKindName(n)
}
