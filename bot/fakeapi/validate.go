package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"
)

// typeError is a schema mismatch found at path (e.g.
// reply_markup.inline_keyboard[0][0].callback_data). depth counts how far
// into the value the check got before failing; among the candidates of a
// union the deepest failure is the most useful one to report.
type typeError struct {
	path    string
	depth   int
	msg     string
	shallow bool // the value at path is not even of the right kind
}

func (e *typeError) Error() string { return e.msg }

func mismatch(path string, depth int, types []typeExpr) *typeError {
	return &typeError{path: path, depth: depth, shallow: true, msg: "field \"" + path + "\" must be of type " + typeList(types)}
}

func typeList(types []typeExpr) string {
	var b strings.Builder
	for i, t := range types {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(t.String())
	}
	return b.String()
}

// validator checks values against the spec. files are the uploaded parts of
// the request, which attach://name references may point to.
type validator struct {
	spec  *Spec
	files map[string]*FileParam
}

// checkValue validates a decoded JSON value (numbers as json.Number) against
// a union of types: any one fitting is enough.
func (v *validator) checkValue(path string, depth int, val any, types []typeExpr) *typeError {
	if len(types) == 1 {
		return v.checkOne(path, depth, val, types[0])
	}
	var best *typeError
	for _, t := range types {
		err := v.checkOne(path, depth, val, t)
		if err == nil {
			return nil
		}
		if best == nil || err.depth > best.depth {
			best = err
		}
	}
	if best != nil && best.shallow && best.path == path {
		// nothing matched even superficially: name the whole union
		return mismatch(path, depth, types)
	}
	return best
}

func (v *validator) checkOne(path string, depth int, val any, t typeExpr) *typeError {
	if t.depth > 0 {
		arr, ok := val.([]any)
		if !ok {
			return mismatch(path, depth, []typeExpr{t})
		}
		et := t
		et.depth--
		for i, e := range arr {
			if err := v.checkOne(path+"["+strconv.Itoa(i)+"]", depth+1, e, et); err != nil {
				return err
			}
		}
		return nil
	}
	switch t.kind {
	case kindInteger:
		if n, ok := val.(json.Number); ok && isInteger(string(n)) {
			return nil
		}
	case kindFloat:
		if _, ok := val.(json.Number); ok {
			return nil
		}
	case kindBoolean:
		if _, ok := val.(bool); ok {
			return nil
		}
	case kindString:
		if _, ok := val.(string); ok {
			return nil
		}
	case kindInputFile:
		if s, ok := val.(string); ok && v.isAttachment(s) {
			return nil
		}
		return &typeError{path: path, depth: depth, shallow: true, msg: "field \"" + path + "\" must be an InputFile: \"attach://<name>\" naming an uploaded file part"}
	case kindNamed:
		return v.checkNamed(path, depth, val, v.spec.types[t.name])
	}
	return mismatch(path, depth, []typeExpr{t})
}

func (v *validator) isAttachment(s string) bool {
	name, ok := strings.CutPrefix(s, "attach://")
	return ok && v.files[name] != nil
}

func (v *validator) checkNamed(path string, depth int, val any, ts *typeSpec) *typeError {
	if ts.discKey != "" {
		if obj, ok := val.(map[string]any); ok {
			tag, _ := obj[ts.discKey].(string)
			sub := ts.bySubtype[tag]
			if sub == nil {
				return &typeError{path: path + "." + ts.discKey, depth: depth + 1, msg: "field \"" + path + "." + ts.discKey + "\" must be one of " + ts.tagList() + " for " + ts.name}
			}
			return v.checkNamed(path, depth, val, sub)
		}
	}
	if len(ts.subtypes) > 0 {
		return v.checkValue(path, depth, val, ts.subtypes)
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return &typeError{path: path, depth: depth, shallow: true, msg: "field \"" + path + "\" must be of type " + ts.name + " (a JSON object)"}
	}
	if !ts.hasFields {
		return nil // placeholder types such as CallbackGame
	}
	var first *typeError
	firstKey := ""
	for k, fv := range obj {
		var err *typeError
		f := ts.fields[k]
		switch {
		case f == nil:
			err = &typeError{path: path, depth: depth + 1, msg: "unknown field \"" + path + "." + k + "\": " + ts.name + " has no such field"}
		case fv == nil:
			// JSON null: treated as absent, required ones are caught below
		default:
			err = v.checkValue(path+"."+k, depth+1, fv, f.types)
			if err == nil && f.constant != "" {
				if s, _ := fv.(string); s != f.constant {
					err = &typeError{path: path, depth: depth + 1, msg: "field \"" + path + "." + k + "\" must be \"" + f.constant + "\" for " + ts.name}
				}
			}
		}
		if err != nil && (first == nil || k < firstKey) {
			first, firstKey = err, k
		}
	}
	if first != nil {
		return first
	}
	for _, f := range ts.required {
		if obj[f.name] == nil {
			return &typeError{path: path, depth: depth + 1, msg: "field \"" + path + "." + f.name + "\" is required in " + ts.name}
		}
	}
	return nil
}

func (ts *typeSpec) tagList() string {
	tags := make([]string, 0, len(ts.bySubtype))
	for tag := range ts.bySubtype {
		tags = append(tags, strconv.Quote(tag))
	}
	sort.Strings(tags)
	return strings.Join(tags, ", ")
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// checkFormValue validates a top-level multipart/urlencoded value, which is
// always text: scalars are parsed, objects and arrays are JSON-decoded. It
// returns the decoded JSON when the value matched an object or array type.
func (v *validator) checkFormValue(f *fieldSpec, raw string) (any, *typeError) {
	var decoded any
	decodedOK, triedDecode := false, false
	var best *typeError
	for _, t := range f.types {
		var err *typeError
		if t.depth > 0 || t.kind == kindNamed {
			if !triedDecode {
				triedDecode = true
				decoded, decodedOK = decodeJSON(raw)
			}
			if !decodedOK {
				err = &typeError{path: f.name, depth: 2, msg: "can't parse parameter \"" + f.name + "\" as JSON (expected " + t.String() + ")"}
			} else if err = v.checkOne(f.name, 1, decoded, t); err == nil {
				return decoded, nil
			}
		} else if scalarFits(t.kind, raw, v) {
			return nil, nil
		}
		if err != nil && (best == nil || err.depth > best.depth) {
			best = err
		}
	}
	if best == nil || best.shallow && best.path == f.name {
		return nil, &typeError{path: f.name, msg: "parameter \"" + f.name + "\" must be of type " + typeList(f.types) + ", got " + strconv.Quote(clip(raw, 40))}
	}
	return nil, best
}

func scalarFits(k primKind, raw string, v *validator) bool {
	switch k {
	case kindInteger:
		return isInteger(raw)
	case kindFloat:
		_, err := strconv.ParseFloat(raw, 64)
		return err == nil
	case kindBoolean:
		switch raw {
		case "true", "false", "True", "False", "1", "0":
			return true
		}
		return false
	case kindString:
		return true
	case kindInputFile:
		return v.isAttachment(raw)
	}
	return false
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// decodeJSON decodes a single JSON value keeping numbers exact.
func decodeJSON(raw string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // trailing data
	}
	return out, true
}

func decodeJSONBytes(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return out, true
}

// looseDecode is used without a spec: values that look like JSON objects or
// arrays are decoded, everything else stays text.
func looseDecode(raw string) any {
	if raw != "" && (raw[0] == '{' || raw[0] == '[') {
		if v, ok := decodeJSON(raw); ok {
			return v
		}
	}
	return raw
}

// scalarText renders a JSON-body scalar the way a form would carry it.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	case nil:
		return "", true
	}
	return "", false
}

// decodeParams turns a parsed request into Call.Params, checking it against
// the method's schema when spec is non-nil.
func decodeParams(spec *Spec, ms *methodSpec, req *request) (map[string]any, *APIError) {
	params := make(map[string]any, len(req.form)+len(req.json)+len(req.files))
	if spec == nil || ms == nil {
		for k, raw := range req.form {
			params[k] = looseDecode(raw)
		}
		for k, val := range req.json {
			if s, ok := scalarText(val); ok {
				params[k] = s
			} else {
				params[k] = val
			}
		}
		for k, f := range req.files {
			params[k] = *f
		}
		return params, nil
	}
	v := validator{spec: spec, files: req.files}

	// unknown parameters, reported in sorted order
	known := 0
	for _, f := range ms.order {
		if _, ok := req.form[f.name]; ok {
			known++
		} else if _, ok := req.json[f.name]; ok {
			known++
		}
	}
	if known != len(req.form)+len(req.json) {
		var unknown []string
		for k := range req.form {
			if ms.fields[k] == nil {
				unknown = append(unknown, k)
			}
		}
		for k := range req.json {
			if ms.fields[k] == nil {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		return nil, badRequest("unknown parameter \"" + unknown[0] + "\" for method " + ms.name)
	}
	for name := range req.files {
		if ms.fields[name] == nil && !req.referencesAttachment(name) {
			return nil, badRequest("unexpected file part \"" + name + "\" for method " + ms.name + ": not a parameter and not referenced as attach://" + name)
		}
	}

	for _, f := range ms.order {
		if file, ok := req.files[f.name]; ok {
			if !acceptsUpload(f) {
				return nil, badRequest("parameter \"" + f.name + "\" must be of type " + typeList(f.types) + ", got a file upload")
			}
			params[f.name] = *file
			continue
		}
		if raw, ok := req.form[f.name]; ok {
			decoded, err := v.checkFormValue(f, raw)
			if err != nil {
				return nil, badRequest(err.msg)
			}
			if decoded != nil {
				params[f.name] = decoded
			} else {
				params[f.name] = raw
			}
			continue
		}
		if val, ok := req.json[f.name]; ok && val != nil {
			if err := v.checkValue(f.name, 1, val, f.types); err != nil {
				return nil, badRequest(err.msg)
			}
			if s, ok := scalarText(val); ok {
				params[f.name] = s
			} else {
				params[f.name] = val
			}
			continue
		}
		if f.required {
			return nil, badRequest("parameter \"" + f.name + "\" is required")
		}
	}
	for name, file := range req.files {
		if _, done := params[name]; !done {
			params[name] = *file
		}
	}
	return params, nil
}

func acceptsUpload(f *fieldSpec) bool {
	for _, t := range f.types {
		if t.depth == 0 && t.kind == kindInputFile {
			return true
		}
	}
	return false
}
