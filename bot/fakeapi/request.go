package fakeapi

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// uploadLimits: Telegram lets bots upload 50 MB per file; the body cap
// keeps a runaway client from exhausting memory.
type uploadLimits struct {
	file, body, field int64
}

var defaultLimits = uploadLimits{file: 50 << 20, body: 64 << 20, field: 1 << 20}

// request is a parsed Bot API call: text form values (multipart or
// urlencoded), or typed values from a JSON body, plus uploaded files.
type request struct {
	form  map[string]string
	json  map[string]any
	files map[string]*FileParam
}

var errTooLarge = errors.New("request entity too large")

func readRequest(r *http.Request, lim uploadLimits) (*request, *APIError) {
	req := &request{form: map[string]string{}}
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			req.form[k] = vs[0]
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
			return req, nil
		}
		return nil, badRequest("a request body needs a Content-Type: multipart/form-data, application/x-www-form-urlencoded or application/json")
	}
	mt, mtParams, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, badRequest("can't parse Content-Type " + ct)
	}
	body := http.MaxBytesReader(nil, r.Body, lim.body)
	// Reading the body to its end lets net/http watch the connection, so
	// the request context is cancelled when the client goes away (a
	// multipart reader stops at the closing boundary, before a chunked
	// body's terminator).
	defer io.Copy(io.Discard, body)
	switch mt {
	case "multipart/form-data":
		if err := req.readMultipart(body, mtParams["boundary"], lim); err != nil {
			if errors.Is(err, errTooLarge) || isMaxBytes(err) {
				return nil, &APIError{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large", violation: true}
			}
			aerr := badRequest("can't parse multipart/form-data: " + err.Error())
			if errors.Is(err, io.ErrUnexpectedEOF) {
				// The body ended mid-part: the client gave up on the request
				// (its context was cancelled while go-telegram/bot was still
				// streaming the form). Nothing the bot sent was malformed.
				aerr.violation = false
			}
			return nil, aerr
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, tooLargeOr(err)
		}
		vals, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, badRequest("can't parse urlencoded body: " + err.Error())
		}
		for k, vs := range vals {
			req.form[k] = vs[0]
		}
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			return nil, tooLargeOr(err)
		}
		if len(strings.TrimSpace(string(data))) == 0 {
			return req, nil
		}
		v, ok := decodeJSONBytes(data)
		obj, isObj := v.(map[string]any)
		if !ok || !isObj {
			return nil, badRequest("can't parse JSON object in request body")
		}
		req.json = obj
		for k := range obj {
			delete(req.form, k) // the body wins over the query string
		}
	default:
		return nil, badRequest("unsupported Content-Type " + mt)
	}
	return req, nil
}

func isMaxBytes(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func tooLargeOr(err error) *APIError {
	if isMaxBytes(err) {
		return &APIError{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large", violation: true}
	}
	return badRequest("can't read request body: " + err.Error())
}

func (req *request) readMultipart(body io.Reader, boundary string, lim uploadLimits) error {
	if boundary == "" {
		return errors.New("no boundary")
	}
	mr := multipart.NewReader(body, boundary)
	for first := true; ; first = false {
		part, err := mr.NextPart()
		if err == io.EOF || first && errors.Is(err, io.EOF) {
			// an empty body is how go-telegram/bot sends a call without parameters
			return nil
		}
		if err != nil {
			return err
		}
		name := part.FormName()
		fileName, isFile := partFileName(part)
		limit := lim.field
		if isFile {
			limit = lim.file
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		part.Close()
		if err != nil {
			return err
		}
		if int64(len(data)) > limit {
			return errTooLarge
		}
		if name == "" {
			continue
		}
		if isFile {
			if req.files == nil {
				req.files = map[string]*FileParam{}
			}
			req.files[name] = &FileParam{Name: fileName, Size: int64(len(data)), Content: data}
			delete(req.form, name)
		} else {
			req.form[name] = string(data)
		}
	}
}

// partFileName reports whether the part is a file upload: its
// Content-Disposition has a filename parameter, even an empty one.
func partFileName(p *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	if !ok {
		return "", false
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return name, true
}

// referencesAttachment reports whether some text value mentions
// attach://name (the whole name), which makes an extra file part legitimate.
func (req *request) referencesAttachment(name string) bool {
	ref := "attach://" + name
	for _, v := range req.form {
		for rest := v; ; {
			i := strings.Index(rest, ref)
			if i < 0 {
				break
			}
			rest = rest[i+len(ref):]
			if rest == "" || !isAttachNameByte(rest[0]) {
				return true
			}
		}
	}
	return false
}

func isAttachNameByte(c byte) bool {
	return isCommandByte(c) || c == '-' || c == '.'
}
