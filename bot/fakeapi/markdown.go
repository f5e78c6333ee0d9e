package fakeapi

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

type mdError struct{ msg string }

func (e *mdError) Error() string { return e.msg }

func reservedChar(c byte) error {
	return &mdError{msg: "Character '" + string(c) + "' is reserved and must be escaped with the preceding '\\'"}
}

// markdown entity kinds while parsing MarkdownV2, named as Telegram names
// them in its error messages.
const (
	mdBold          = "Bold"
	mdItalic        = "Italic"
	mdUnderline     = "Underline"
	mdStrikethrough = "Strikethrough"
	mdSpoiler       = "Spoiler"
	mdCode          = "Code"
	mdPre           = "Pre"
	mdPreCode       = "PreCode"
	mdTextURL       = "TextUrl"
	mdCustomEmoji   = "CustomEmoji"
)

type mdOpen struct {
	kind      string
	language  string
	start     int // UTF-16 offset in the output
	byteStart int // byte offset in the input, for error messages
	outStart  int // byte offset in the output
}

// mdWriter accumulates output text while counting UTF-16 code units.
type mdWriter struct {
	b   strings.Builder
	u16 int
}

func (w *mdWriter) rune(s string, i int) int {
	r, size := utf8.DecodeRuneInString(s[i:])
	w.b.WriteString(s[i : i+size])
	w.u16 += runeUTF16(r)
	return size
}

func (w *mdWriter) byte(c byte) {
	w.b.WriteByte(c)
	w.u16++
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// parseMarkdownV2 implements Telegram's parse_mode=MarkdownV2, including its
// rule that every reserved character outside an entity is escaped.
func parseMarkdownV2(text string) (string, []models.MessageEntity, error) {
	var w mdWriter
	var ents []models.MessageEntity
	var stack []mdOpen
	quoteStart, quoteExpandable, inQuote := 0, false, false
	n := len(text)
	for i := 0; i < n; i++ {
		c := text[i]
		inCode := len(stack) > 0 && (stack[len(stack)-1].kind == mdCode || stack[len(stack)-1].kind == mdPre || stack[len(stack)-1].kind == mdPreCode)
		if !inCode && (i == 0 || text[i-1] == '\n') {
			// block quotes: lines starting with '>' ("**>" for an expandable one)
			switch {
			case c == '>':
				if !inQuote {
					inQuote, quoteStart, quoteExpandable = true, w.u16, false
				}
				continue
			case strings.HasPrefix(text[i:], "**>"):
				if !inQuote {
					inQuote, quoteStart, quoteExpandable = true, w.u16, true
				}
				i += 2
				continue
			case inQuote:
				ents = closeQuote(ents, quoteStart, w.u16, quoteExpandable, w.b.String())
				inQuote = false
			}
		}
		if c == '\\' && i+1 < n && text[i+1] > 0 && text[i+1] <= 126 {
			i++
			w.byte(text[i])
			continue
		}
		reserved := "_*[]()~`>#+-=|{}.!"
		if inCode {
			reserved = "`"
		}
		if inQuote && quoteExpandable && c == '|' && at(text, i+1) == '|' && (i+2 == n || text[i+2] == '\n') && !inCode {
			// "||" closing an expandable block quote
			ents = closeQuote(ents, quoteStart, w.u16, true, w.b.String())
			inQuote = false
			i++
			continue
		}
		if strings.IndexByte(reserved, c) < 0 {
			i += w.rune(text, i) - 1
			continue
		}
		end := false
		if len(stack) > 0 {
			switch stack[len(stack)-1].kind {
			case mdBold:
				end = c == '*'
			case mdItalic:
				end = c == '_' && at(text, i+1) != '_'
			case mdCode:
				end = c == '`'
			case mdPre, mdPreCode:
				end = c == '`' && at(text, i+1) == '`' && at(text, i+2) == '`'
			case mdTextURL, mdCustomEmoji:
				end = c == ']'
			case mdUnderline:
				end = c == '_' && at(text, i+1) == '_'
			case mdStrikethrough:
				end = c == '~'
			case mdSpoiler:
				end = c == '|' && at(text, i+1) == '|'
			}
		}
		if !end {
			open := mdOpen{start: w.u16, byteStart: i, outStart: w.b.Len()}
			switch c {
			case '_':
				open.kind = mdItalic
				if at(text, i+1) == '_' {
					open.kind = mdUnderline
					i++
				}
			case '*':
				open.kind = mdBold
			case '~':
				open.kind = mdStrikethrough
			case '|':
				if at(text, i+1) != '|' {
					return "", nil, reservedChar(c)
				}
				open.kind = mdSpoiler
				i++
			case '[':
				open.kind = mdTextURL
			case '`':
				if at(text, i+1) == '`' && at(text, i+2) == '`' {
					i += 3
					open.kind = mdPre
					langEnd := i
					for langEnd < n && !isHTMLSpace(text[langEnd]) && text[langEnd] != '`' {
						langEnd++
					}
					if i != langEnd && langEnd < n && text[langEnd] != '`' {
						open.kind = mdPreCode
						open.language = text[i:langEnd]
						i = langEnd
					}
					if at(text, i) == '\n' || at(text, i) == '\r' {
						if (at(text, i+1) == '\n' || at(text, i+1) == '\r') && text[i] != text[i+1] {
							i += 2
						} else {
							i++
						}
					}
					i--
					open.start = w.u16
					open.outStart = w.b.Len()
				} else {
					open.kind = mdCode
				}
			case '!':
				if at(text, i+1) != '[' {
					return "", nil, reservedChar(c)
				}
				open.kind = mdCustomEmoji
				i++
			default:
				return "", nil, reservedChar(c)
			}
			stack = append(stack, open)
			continue
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		e := models.MessageEntity{Offset: top.start, Length: w.u16 - top.start}
		skip := e.Length == 0
		switch top.kind {
		case mdBold:
			e.Type = models.MessageEntityTypeBold
		case mdItalic:
			e.Type = models.MessageEntityTypeItalic
		case mdCode:
			e.Type = models.MessageEntityTypeCode
		case mdStrikethrough:
			e.Type = models.MessageEntityTypeStrikethrough
		case mdUnderline:
			e.Type = models.MessageEntityTypeUnderline
			i++
		case mdSpoiler:
			e.Type = models.MessageEntityTypeSpoiler
			i++
		case mdPre, mdPreCode:
			e.Type = models.MessageEntityTypePre
			e.Language = top.language
			i += 2
		case mdTextURL, mdCustomEmoji:
			var target string
			if at(text, i+1) != '(' {
				if top.kind == mdCustomEmoji {
					return "", nil, &mdError{msg: "Custom emoji entity must contain a tg://emoji URL"}
				}
				target = w.b.String()[top.outStart:]
			} else {
				i += 2
				urlBegin := i
				var u strings.Builder
				for i < n && text[i] != ')' {
					if text[i] == '\\' && i+1 < n && text[i+1] > 0 && text[i+1] <= 126 {
						u.WriteByte(text[i+1])
						i += 2
						continue
					}
					u.WriteByte(text[i])
					i++
				}
				if i >= n {
					return "", nil, &mdError{msg: "Can't find end of a URL at byte offset " + strconv.Itoa(urlBegin)}
				}
				target = u.String()
			}
			if top.kind == mdCustomEmoji {
				id, ok := strings.CutPrefix(target, "tg://emoji?id=")
				if !ok || id == "" {
					return "", nil, &mdError{msg: "Custom emoji URL must have scheme tg and host emoji"}
				}
				e.Type, e.CustomEmojiID = models.MessageEntityTypeCustomEmoji, id
			} else {
				e.Type, e.URL = models.MessageEntityTypeTextLink, target
				if !validButtonURL(target) {
					skip = true
				}
			}
		}
		if !skip {
			ents = append(ents, e)
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return "", nil, &mdError{msg: "Can't find end of " + top.kind + " entity at byte offset " + strconv.Itoa(top.byteStart)}
	}
	if inQuote {
		ents = closeQuote(ents, quoteStart, w.u16, quoteExpandable, w.b.String())
	}
	sortEntities(ents)
	return w.b.String(), ents, nil
}

// closeQuote ends a block quote at end, not counting a final newline.
func closeQuote(ents []models.MessageEntity, start, end int, expandable bool, out string) []models.MessageEntity {
	if strings.HasSuffix(out, "\n") && end > start {
		end--
	}
	if end <= start {
		return ents
	}
	t := models.MessageEntityTypeBlockquote
	if expandable {
		t = models.MessageEntityTypeExpandableBlockquote
	}
	return append(ents, models.MessageEntity{Type: t, Offset: start, Length: end - start})
}

// parseMarkdown implements Telegram's legacy parse_mode=Markdown: *bold*,
// _italic_, `code`, ```pre```, [text](url), with '\' escaping _ * ` [.
func parseMarkdown(text string) (string, []models.MessageEntity, error) {
	var w mdWriter
	var ents []models.MessageEntity
	n := len(text)
	for i := 0; i < n; i++ {
		c := text[i]
		if c == '\\' && (at(text, i+1) == '_' || at(text, i+1) == '*' || at(text, i+1) == '`' || at(text, i+1) == '[') {
			i++
			w.byte(text[i])
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			i += w.rune(text, i) - 1
			continue
		}
		begin := i
		endChar := c
		if c == '[' {
			endChar = ']'
		}
		i++
		isPre := false
		language := ""
		if c == '`' && at(text, i) == '`' && at(text, i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for langEnd < n && !isHTMLSpace(text[langEnd]) && text[langEnd] != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < n && text[langEnd] != '`' {
				language = text[i:langEnd]
				i = langEnd
			}
			if at(text, i) == '\n' || at(text, i) == '\r' {
				if (at(text, i+1) == '\n' || at(text, i+1) == '\r') && text[i] != text[i+1] {
					i += 2
				} else {
					i++
				}
			}
		}
		start := w.u16
		outStart := w.b.Len()
		for i < n && (text[i] != endChar || isPre && !(at(text, i+1) == '`' && at(text, i+2) == '`')) {
			i += w.rune(text, i)
		}
		if i >= n {
			return "", nil, &mdError{msg: "Can't find end of the entity starting at byte offset " + strconv.Itoa(begin)}
		}
		if length := w.u16 - start; length > 0 {
			e := models.MessageEntity{Offset: start, Length: length}
			switch c {
			case '_':
				e.Type = models.MessageEntityTypeItalic
			case '*':
				e.Type = models.MessageEntityTypeBold
			case '`':
				e.Type = models.MessageEntityTypeCode
				if isPre {
					e.Type, e.Language = models.MessageEntityTypePre, language
				}
			case '[':
				target := w.b.String()[outStart:]
				if at(text, i+1) == '(' {
					i += 2
					var u strings.Builder
					for i < n && text[i] != ')' {
						u.WriteByte(text[i])
						i++
					}
					target = u.String()
				}
				e.Type, e.URL = models.MessageEntityTypeTextLink, target
				if !validButtonURL(target) {
					e.Type = ""
				}
			}
			if e.Type != "" {
				ents = append(ents, e)
			}
		}
		if isPre {
			i += 2
		}
	}
	sortEntities(ents)
	return w.b.String(), ents, nil
}
