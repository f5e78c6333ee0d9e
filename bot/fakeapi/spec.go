package fakeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Spec is the machine-readable Bot API description (shared/botapi/api.json),
// parsed once into maps so that every request can be checked cheaply.
type Spec struct {
	Version string
	methods map[string]*methodSpec // keyed by lower-case method name
	types   map[string]*typeSpec
}

type primKind int

const (
	kindNamed primKind = iota // a type from Spec.types
	kindInteger
	kindFloat
	kindBoolean
	kindString
	kindInputFile
)

// typeExpr is one entry of a field's "types": a primitive or named type
// wrapped in depth levels of "Array of".
type typeExpr struct {
	depth int
	kind  primKind
	name  string // base name as written in the spec
}

func (t typeExpr) String() string {
	return strings.Repeat("Array of ", t.depth) + t.name
}

type fieldSpec struct {
	name     string
	types    []typeExpr
	required bool
	constant string // discriminator value ("type" must be "chat"), "" when free
}

type methodSpec struct {
	name     string
	returns  []typeExpr
	fields   map[string]*fieldSpec
	order    []*fieldSpec // as listed in the spec, for deterministic error reports
	required []*fieldSpec
}

type typeSpec struct {
	name      string
	hasFields bool
	fields    map[string]*fieldSpec
	required  []*fieldSpec
	subtypes  []typeExpr
	// when every subtype is tagged by a constant field (BotCommandScope by
	// "type"), discKey names it and bySubtype maps each constant to its
	// subtype, so a value is checked against the one subtype it claims
	discKey   string
	bySubtype map[string]*typeSpec
}

type rawField struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
	Desc     string   `json:"description"`
}

type rawSpec struct {
	Version string `json:"version"`
	Methods map[string]struct {
		Name    string     `json:"name"`
		Returns []string   `json:"returns"`
		Fields  []rawField `json:"fields"`
	} `json:"methods"`
	Types map[string]struct {
		Name      string     `json:"name"`
		Fields    []rawField `json:"fields"`
		Subtypes  []string   `json:"subtypes"`
		SubtypeOf []string   `json:"subtype_of"`
	} `json:"types"`
}

// LoadSpec reads and indexes an api.json file.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fakeapi: read spec: %w", err)
	}
	return parseSpec(data)
}

func parseSpec(data []byte) (*Spec, error) {
	var raw rawSpec
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("fakeapi: parse spec: %w", err)
	}
	if len(raw.Methods) == 0 || len(raw.Types) == 0 {
		return nil, fmt.Errorf("fakeapi: spec has no methods or types")
	}
	s := &Spec{
		Version: raw.Version,
		methods: make(map[string]*methodSpec, len(raw.Methods)),
		types:   make(map[string]*typeSpec, len(raw.Types)),
	}
	for key, rt := range raw.Types {
		name := rt.Name
		if name == "" {
			name = key
		}
		ts := &typeSpec{name: name, hasFields: len(rt.Fields) > 0}
		ts.fields, ts.required = indexFields(rt.Fields, len(rt.SubtypeOf) > 0)
		for _, st := range rt.Subtypes {
			ts.subtypes = append(ts.subtypes, parseTypeExpr(st))
		}
		s.types[name] = ts
	}
	for key, rm := range raw.Methods {
		name := rm.Name
		if name == "" {
			name = key
		}
		ms := &methodSpec{name: name}
		ms.fields, ms.required = indexFields(rm.Fields, false)
		for _, rf := range rm.Fields {
			ms.order = append(ms.order, ms.fields[rf.Name])
		}
		for _, r := range rm.Returns {
			ms.returns = append(ms.returns, parseTypeExpr(r))
		}
		s.methods[strings.ToLower(name)] = ms
	}
	for _, ts := range s.types {
		ts.indexSubtypes(s.types)
	}
	// every named type used must exist, otherwise validation would be lax
	for _, ms := range s.methods {
		for _, f := range ms.fields {
			if err := s.checkKnown(f.types); err != nil {
				return nil, fmt.Errorf("fakeapi: method %s field %s: %w", ms.name, f.name, err)
			}
		}
	}
	for _, ts := range s.types {
		for _, f := range ts.fields {
			if err := s.checkKnown(f.types); err != nil {
				return nil, fmt.Errorf("fakeapi: type %s field %s: %w", ts.name, f.name, err)
			}
		}
		if err := s.checkKnown(ts.subtypes); err != nil {
			return nil, fmt.Errorf("fakeapi: type %s subtypes: %w", ts.name, err)
		}
	}
	return s, nil
}

func (ts *typeSpec) indexSubtypes(types map[string]*typeSpec) {
	if len(ts.subtypes) == 0 {
		return
	}
	key := ""
	by := map[string]*typeSpec{}
	for _, st := range ts.subtypes {
		sub := types[st.name]
		if st.depth != 0 || st.kind != kindNamed || sub == nil {
			return
		}
		var tag *fieldSpec
		for _, f := range sub.fields {
			if f.constant != "" {
				tag = f
			}
		}
		if tag == nil || key != "" && tag.name != key || by[tag.constant] != nil {
			return
		}
		key = tag.name
		by[tag.constant] = sub
	}
	ts.discKey, ts.bySubtype = key, by
}

func (s *Spec) checkKnown(ts []typeExpr) error {
	for _, t := range ts {
		if t.kind == kindNamed && s.types[t.name] == nil {
			return fmt.Errorf("unknown type %q", t.name)
		}
	}
	return nil
}

func indexFields(raw []rawField, isSubtype bool) (map[string]*fieldSpec, []*fieldSpec) {
	fields := make(map[string]*fieldSpec, len(raw))
	var required []*fieldSpec
	for _, rf := range raw {
		f := &fieldSpec{name: rf.Name, required: rf.Required}
		for _, t := range rf.Types {
			f.types = append(f.types, parseTypeExpr(t))
		}
		if isSubtype && (rf.Name == "type" || rf.Name == "source" || rf.Name == "status") {
			f.constant = discriminator(rf.Desc)
		}
		fields[rf.Name] = f
		if rf.Required {
			required = append(required, f)
		}
	}
	return fields, required
}

// discriminator extracts X from descriptions like `..., always "X"` or
// `..., must be X` that subtypes use for their tag field.
func discriminator(desc string) string {
	if i := strings.LastIndex(desc, `always "`); i >= 0 {
		rest := desc[i+len(`always "`):]
		if j := strings.IndexByte(rest, '"'); j > 0 {
			return rest[:j]
		}
	}
	if i := strings.LastIndex(desc, "must be "); i >= 0 {
		rest := strings.TrimRight(desc[i+len("must be "):], ".")
		if rest != "" && isIdent(rest) {
			return rest
		}
	}
	return ""
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func parseTypeExpr(s string) typeExpr {
	var t typeExpr
	for strings.HasPrefix(s, "Array of ") {
		t.depth++
		s = s[len("Array of "):]
	}
	t.name = s
	switch s {
	case "Integer":
		t.kind = kindInteger
	case "Float":
		t.kind = kindFloat
	case "Boolean", "True":
		t.kind = kindBoolean
	case "String":
		t.kind = kindString
	case "InputFile":
		t.kind = kindInputFile
	default:
		t.kind = kindNamed
	}
	return t
}

// HasMethod reports whether the spec defines the method (case-insensitive).
func (s *Spec) HasMethod(name string) bool {
	_, ok := s.methods[strings.ToLower(name)]
	return ok
}

func (s *Spec) method(name string) *methodSpec { return s.methods[strings.ToLower(name)] }

const specRel = "shared/botapi/api.json"

// FindSpec walks up from the working directory looking for
// shared/botapi/api.json (the shared/ folder lives beside the repository, so
// from the repo root it is ../shared/botapi/api.json). It returns "" when no
// such file exists.
func FindSpec() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, specRel)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// testSpecs caches parsed specs by path for SpecForTest: a Spec is
// immutable, so tests (and servers) may share one.
var testSpecs struct {
	sync.Mutex
	byPath map[string]*Spec
}

// SpecForTest loads the spec found by FindSpec (parsed once per process),
// or skips the test when the shared/ folder is not there. A spec that
// exists but does not parse fails the test.
func SpecForTest(t testing.TB) *Spec {
	t.Helper()
	p := FindSpec()
	if p == "" {
		t.Skip("../shared/botapi/api.json not found: the strict Bot API double needs the shared/ folder beside the repo")
	}
	testSpecs.Lock()
	defer testSpecs.Unlock()
	if s := testSpecs.byPath[p]; s != nil {
		return s
	}
	s, err := LoadSpec(p)
	if err != nil {
		t.Fatalf("fakeapi: %v", err)
	}
	if testSpecs.byPath == nil {
		testSpecs.byPath = map[string]*Spec{}
	}
	testSpecs.byPath[p] = s
	return s
}
