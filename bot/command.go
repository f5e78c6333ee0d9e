package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Command is a bot command found in a message: "/Past@forumbot 2018" gives
// Name "past", Args "2018", Mention "forumbot".
type Command struct {
	Name    string // lower case, without the slash
	Args    string // the text after the command, trimmed
	Mention string // the @username it was addressed to, without "@", or ""
}

// maxCommandLen is Telegram's limit on a command's name.
const maxCommandLen = 32

// ParseCommand finds the first command in text. A command is a "/" at the
// start of the text or after white space, followed by 1 to 32 Latin
// letters, digits or underscores, and optionally "@botname"; text in any
// script may stand around it. It works on runes and byte offsets of its own
// rather than on Telegram's entities, whose offsets count UTF-16 code units
// (go-telegram/bot's MatchTypeCommand mixes the two up when Cyrillic comes
// first).
//
// ok is false when there is no command, or when the command is addressed to
// another bot (its Mention differs from botUsername, compared without case).
func ParseCommand(text, botUsername string) (cmd Command, ok bool) {
	prevSpace := true
	for i, r := range text {
		if r == '/' && prevSpace {
			if c, found := parseAt(text[i+1:]); found {
				if c.Mention != "" && botUsername != "" && !strings.EqualFold(c.Mention, botUsername) {
					return c, false
				}
				return c, true
			}
		}
		prevSpace = unicode.IsSpace(r)
	}
	return Command{}, false
}

// parseAt reads a command name (and mention) at the start of s, which
// follows a "/".
func parseAt(s string) (Command, bool) {
	n := 0
	for n < len(s) && isCommandByte(s[n]) {
		n++
	}
	if n == 0 || n > maxCommandLen {
		return Command{}, false
	}
	c := Command{Name: strings.ToLower(s[:n])}
	rest := s[n:]
	if strings.HasPrefix(rest, "@") {
		m := 1
		for m < len(rest) && isCommandByte(rest[m]) {
			m++
		}
		c.Mention = rest[1:m]
		rest = rest[m:]
	}
	// The command must end at a word boundary: "/start," is a command,
	// "/startпривет" is not.
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && !unicode.IsSpace(r) && !unicode.IsPunct(r) {
		return Command{}, false
	}
	c.Args = strings.TrimSpace(strings.TrimLeftFunc(rest, unicode.IsPunct))
	return c, true
}

func isCommandByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
