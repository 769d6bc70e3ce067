package indicator

import "strings"

// valueTails are the message parts after which cel-go writes a value
// unquoted (no such key: Alice). Everything after them is dropped.
var valueTails = []string{
	"no such key: ",
	"insert failed: key ",
	"timestamp overflow: ",
	"out of range [-23, 23]: ",
	"out of range [0, 59]: ",
	"unsupported index value ",
}

// redactValues removes from an evaluation error message the values it
// quotes, which may be read from the record (a name, a date, a code): a
// span in double quotes or backquotes becomes "…", and the value after one
// of valueTails is cut. What is left names the functions, fields and types
// involved, and list indices and sizes. Single quotes are kept: cel-go
// writes type and field names in them ('string' to 'int').
func redactValues(msg string) string {
	for _, tail := range valueTails {
		if i := strings.Index(msg, tail); i >= 0 {
			msg = msg[:i+len(tail)] + "…"
		}
	}
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '"' && c != '`' {
			b.WriteByte(c)
			continue
		}
		end := closingQuote(msg, i)
		if end < 0 { // unbalanced: the rest may be a value
			b.WriteString(`"…"`)
			break
		}
		b.WriteString(`"…"`)
		i = end
	}
	return b.String()
}

// closingQuote returns the index of the quote closing the one at open, or
// -1. A double-quoted span may escape its quote with a backslash, as %q
// writes it; a backquoted one cannot.
func closingQuote(s string, open int) int {
	q := s[open]
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return i
		}
	}
	return -1
}
