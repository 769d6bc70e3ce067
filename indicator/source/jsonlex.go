package source

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// The JSON Lines reader validates each line with encoding/json (json.Valid)
// and then walks it with this lexer, which can therefore stay small: the
// grammar is already checked, so it only splits tokens. It still checks
// every index, so that it can never panic or loop even if the two
// disagreed; a surprise is reported as invalid JSON.

// tokKind is the kind of a JSON token.
type tokKind uint8

const (
	tokObject tokKind = iota + 1 // '{'
	tokArray                     // '['
	tokString
	tokNumber
	tokTrue
	tokFalse
	tokNull
)

// token is one JSON value's start: a delimiter, or a whole scalar with its
// text (a string's decoded value, a number's digits).
type token struct {
	kind tokKind
	text string
}

var errLexer = errors.New("unexpected character")

// lexer splits a valid JSON text held in a string; strings and numbers it
// returns are substrings of it where no decoding is needed.
type lexer struct {
	s string
	i int
}

// peek skips white space and returns the next byte, or 0 at the end.
func (l *lexer) peek() byte {
	for l.i < len(l.s) {
		switch c := l.s[l.i]; c {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return c
		}
	}
	return 0
}

// more reports whether another member or element follows in the object or
// array being read, consuming the comma before it or the closing
// delimiter after the last one.
func (l *lexer) more(closing byte) bool {
	switch l.peek() {
	case closing:
		l.i++
		return false
	case ',':
		l.i++
	case 0:
		return false // only if json.Valid was wrong; token() reports it
	}
	return true
}

// colon consumes the ':' after an object key.
func (l *lexer) colon() error {
	if l.peek() != ':' {
		return errLexer
	}
	l.i++
	return nil
}

// token reads the next value's first token: an opening delimiter, which it
// consumes, or a whole scalar.
func (l *lexer) token() (token, error) {
	switch c := l.peek(); {
	case c == '{':
		l.i++
		return token{kind: tokObject}, nil
	case c == '[':
		l.i++
		return token{kind: tokArray}, nil
	case c == '"':
		s, err := l.str()
		return token{kind: tokString, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		start := l.i
		for l.i < len(l.s) && strings.IndexByte("+-.eE0123456789", l.s[l.i]) >= 0 {
			l.i++
		}
		return token{kind: tokNumber, text: l.s[start:l.i]}, nil
	case strings.HasPrefix(l.s[l.i:], "true"):
		l.i += 4
		return token{kind: tokTrue}, nil
	case strings.HasPrefix(l.s[l.i:], "false"):
		l.i += 5
		return token{kind: tokFalse}, nil
	case strings.HasPrefix(l.s[l.i:], "null"):
		l.i += 4
		return token{kind: tokNull}, nil
	}
	return token{}, errLexer
}

// str reads a string whose opening quote is next. Plain strings (no
// escapes, valid UTF-8: nearly all) are substrings; the others are decoded
// by encoding/json, so that escapes and invalid UTF-8 (replaced by U+FFFD)
// mean exactly what they mean there.
func (l *lexer) str() (string, error) {
	if l.peek() != '"' {
		return "", errLexer
	}
	start := l.i
	l.i++
	plain := true
	for l.i < len(l.s) {
		switch c := l.s[l.i]; {
		case c == '"':
			l.i++
			raw := l.s[start:l.i]
			if plain {
				return raw[1 : len(raw)-1], nil
			}
			var s string
			err := json.Unmarshal([]byte(raw), &s)
			return s, err
		case c == '\\':
			plain = false
			l.i += 2
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(l.s[l.i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			l.i += size
		default:
			l.i++
		}
	}
	return "", errLexer
}

// skip reads past one whole value of any kind.
func (l *lexer) skip() error {
	depth := 0
	for {
		switch l.peek() {
		case '{', '[':
			depth++
			l.i++
			continue
		case '}', ']':
			depth--
			l.i++
		case ',', ':':
			l.i++
			continue
		case 0:
			return errLexer
		default:
			if _, err := l.token(); err != nil {
				return err
			}
		}
		if depth <= 0 {
			return nil
		}
	}
}
