package fakeapi

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// utf16Len counts UTF-16 code units, the unit Telegram uses for entity
// offsets and text limits.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func runeUTF16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

type htmlError struct{ msg string }

func (e *htmlError) Error() string { return e.msg }

func htmlErr(msg string) *htmlError { return &htmlError{msg: msg} }

type openTag struct {
	name     string
	start    int // UTF-16 offset in the output
	url      string
	language string
	emojiID  string
	expand   bool
}

// parseHTML implements Telegram's parse_mode=HTML: it returns the text with
// tags removed and entities decoded, plus the resulting message entities.
// Errors use Telegram's wording after "can't parse entities: ". It is
// stricter than Telegram in one place, as the Bot API docs demand: a '&'
// that does not start a valid entity is rejected.
func parseHTML(text string) (string, []models.MessageEntity, error) {
	var out strings.Builder
	out.Grow(len(text))
	var ents []models.MessageEntity
	var stack []openTag
	u16 := 0
	n := len(text)
	for i := 0; i < n; {
		c := text[i]
		if c == '&' {
			r, size := decodeHTMLEntity(text[i:])
			if size == 0 {
				return "", nil, htmlErr("Character '&' at byte offset " + strconv.Itoa(i) + " does not start an HTML entity: write it as &amp;")
			}
			out.WriteRune(r)
			u16 += runeUTF16(r)
			i += size
			continue
		}
		if c != '<' {
			r, size := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+size])
			u16 += runeUTF16(r)
			i += size
			continue
		}
		begin := i
		i++
		if i < n && text[i] == '/' {
			// end tag
			if len(stack) == 0 {
				return "", nil, htmlErr("Unexpected end tag at byte offset " + strconv.Itoa(begin))
			}
			j := i + 1
			for j < n && !isHTMLSpace(text[j]) && text[j] != '>' {
				j++
			}
			endName := strings.ToLower(text[i+1 : j])
			for j < n && isHTMLSpace(text[j]) {
				j++
			}
			if j >= n || text[j] != '>' {
				return "", nil, htmlErr("Unclosed end tag at byte offset " + strconv.Itoa(begin))
			}
			top := stack[len(stack)-1]
			if endName != "" && endName != top.name {
				return "", nil, htmlErr("Unmatched end tag at byte offset " + strconv.Itoa(begin) + ", expected \"</" + top.name + ">\", found \"</" + endName + ">\"")
			}
			stack = stack[:len(stack)-1]
			ents = closeTag(ents, stack, top, u16)
			i = j + 1
			continue
		}
		// start tag
		j := i
		for j < n && !isHTMLSpace(text[j]) && text[j] != '>' {
			j++
		}
		if j >= n {
			return "", nil, htmlErr("Unclosed start tag at byte offset " + strconv.Itoa(begin))
		}
		name := strings.ToLower(text[i:j])
		if !supportedTag(name) {
			return "", nil, htmlErr("Unsupported start tag \"" + name + "\" at byte offset " + strconv.Itoa(begin))
		}
		tag := openTag{name: name, start: u16}
		spanClass := ""
		i = j
		for {
			for i < n && isHTMLSpace(text[i]) {
				i++
			}
			if i >= n {
				return "", nil, htmlErr("Unclosed start tag at byte offset " + strconv.Itoa(begin))
			}
			if text[i] == '>' {
				i++
				break
			}
			attrBegin := i
			for i < n && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
				i++
			}
			attr := strings.ToLower(text[attrBegin:i])
			if attr == "" {
				return "", nil, htmlErr("Empty attribute name in the tag \"" + name + "\" at byte offset " + strconv.Itoa(begin))
			}
			for i < n && isHTMLSpace(text[i]) {
				i++
			}
			if i >= n || text[i] != '=' {
				if name == "blockquote" && attr == "expandable" {
					tag.expand = true
					continue
				}
				return "", nil, htmlErr("Expected equal sign in declaration of an attribute of the tag \"" + name + "\" at byte offset " + strconv.Itoa(begin))
			}
			i++
			for i < n && isHTMLSpace(text[i]) {
				i++
			}
			if i >= n {
				return "", nil, htmlErr("Unclosed start tag \"" + name + "\" at byte offset " + strconv.Itoa(begin))
			}
			var value strings.Builder
			if q := text[i]; q == '"' || q == '\'' {
				i++
				for i < n && text[i] != q {
					if text[i] == '&' {
						if r, size := decodeHTMLEntity(text[i:]); size > 0 {
							value.WriteRune(r)
							i += size
							continue
						}
					}
					value.WriteByte(text[i])
					i++
				}
				if i >= n {
					return "", nil, htmlErr("Unclosed start tag at byte offset " + strconv.Itoa(begin))
				}
				i++
			} else {
				tokBegin := i
				for i < n && (isASCIIAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
					i++
				}
				if i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
					return "", nil, htmlErr("Unexpected end of name token at byte offset " + strconv.Itoa(tokBegin))
				}
				value.WriteString(strings.ToLower(text[tokBegin:i]))
			}
			switch {
			case name == "a" && attr == "href":
				tag.url = value.String()
			case (name == "code" || name == "pre") && attr == "class":
				tag.language, _ = strings.CutPrefix(value.String(), "language-")
			case name == "span" && attr == "class":
				spanClass = value.String()
			case name == "tg-emoji" && attr == "emoji-id":
				tag.emojiID = value.String()
			}
		}
		if name == "span" && spanClass != "tg-spoiler" {
			return "", nil, htmlErr("Tag \"span\" must have class \"tg-spoiler\" at byte offset " + strconv.Itoa(begin))
		}
		if name == "tg-emoji" && tag.emojiID == "" {
			return "", nil, htmlErr("Tag \"tg-emoji\" must have attribute \"emoji-id\" at byte offset " + strconv.Itoa(begin))
		}
		stack = append(stack, tag)
	}
	if len(stack) > 0 {
		return "", nil, htmlErr("Can't find end tag corresponding to start tag \"" + stack[len(stack)-1].name + "\"")
	}
	sortEntities(ents)
	return out.String(), ents, nil
}

func supportedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
		"a", "code", "pre", "blockquote", "tg-emoji":
		return true
	}
	return false
}

func closeTag(ents []models.MessageEntity, stack []openTag, t openTag, end int) []models.MessageEntity {
	length := end - t.start
	if length <= 0 {
		return ents
	}
	e := models.MessageEntity{Offset: t.start, Length: length}
	switch t.name {
	case "b", "strong":
		e.Type = models.MessageEntityTypeBold
	case "i", "em":
		e.Type = models.MessageEntityTypeItalic
	case "u", "ins":
		e.Type = models.MessageEntityTypeUnderline
	case "s", "strike", "del":
		e.Type = models.MessageEntityTypeStrikethrough
	case "span", "tg-spoiler":
		e.Type = models.MessageEntityTypeSpoiler
	case "a":
		if t.url == "" {
			return ents
		}
		e.Type = models.MessageEntityTypeTextLink
		e.URL = t.url
	case "code":
		if len(stack) > 0 && stack[len(stack)-1].name == "pre" && t.language != "" {
			// <pre><code class="language-x"> gives the enclosing pre block
			// its language instead of adding a code entity
			stack[len(stack)-1].language = t.language
			return ents
		}
		e.Type = models.MessageEntityTypeCode
	case "pre":
		e.Type = models.MessageEntityTypePre
		e.Language = t.language
	case "blockquote":
		e.Type = models.MessageEntityTypeBlockquote
		if t.expand {
			e.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "tg-emoji":
		e.Type = models.MessageEntityTypeCustomEmoji
		e.CustomEmojiID = t.emojiID
	}
	return append(ents, e)
}

func sortEntities(ents []models.MessageEntity) {
	sort.SliceStable(ents, func(a, b int) bool {
		if ents[a].Offset != ents[b].Offset {
			return ents[a].Offset < ents[b].Offset
		}
		return ents[a].Length > ents[b].Length
	})
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// decodeHTMLEntity decodes &lt; &gt; &amp; &quot; and numeric references at
// the start of s; size is 0 when s does not start with a valid one.
func decodeHTMLEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 12 {
		return 0, 0
	}
	body := s[1:end]
	switch body {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	if body[0] != '#' || len(body) < 2 {
		return 0, 0
	}
	var v uint64
	var err error
	if body[1] == 'x' || body[1] == 'X' {
		v, err = strconv.ParseUint(body[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(body[1:], 10, 32)
	}
	if err != nil || v == 0 || v > unicode.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, 0
	}
	return rune(v), end + 1
}

// trimEntities strips leading and trailing white space as Telegram does
// for message texts, moving and clipping entities accordingly.
func trimEntities(text string, ents []models.MessageEntity) (string, []models.MessageEntity) {
	trimmedLeft := strings.TrimLeftFunc(text, unicode.IsSpace)
	lead := utf16Len(text[:len(text)-len(trimmedLeft)])
	out := strings.TrimRightFunc(trimmedLeft, unicode.IsSpace)
	if lead == 0 && len(out) == len(text) {
		return text, ents
	}
	total := utf16Len(out)
	kept := ents[:0:0]
	for _, e := range ents {
		start := e.Offset - lead
		end := e.Offset + e.Length - lead
		if start < 0 {
			start = 0
		}
		if end > total {
			end = total
		}
		if end <= start {
			continue
		}
		e.Offset, e.Length = start, end-start
		kept = append(kept, e)
	}
	return out, kept
}
