// Package yamlpos finds where in its input an error of the YAML library
// (go.yaml.in/yaml/v3) is, for loaders that report file:line:column.
//
// The library names the line in most messages ("line 7: did not find
// expected key") but omits it in two cases, both placed here: an error on
// the first line, and a reader error (invalid UTF-8, a control character),
// whose offending byte this package finds in the input itself.
package yamlpos

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Problem is one message of a YAML error and where it is. Column is 0
// when the library gives only the line.
type Problem struct {
	Line, Column int
	Message      string // without the "yaml: " prefix and the line
}

var lineRE = regexp.MustCompile(`^line (\d+): `)

// Problems splits err, an error of yaml.Unmarshal or a Decoder over data,
// into its messages with their positions. Every problem has a line.
func Problems(data []byte, err error) []Problem {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		p := Problem{Line: 1, Message: strings.TrimPrefix(m, "yaml: ")}
		if sub := lineRE.FindStringSubmatch(p.Message); sub != nil {
			p.Line, _ = strconv.Atoi(sub[1])
			p.Message = p.Message[len(sub[0]):] // the position says it
		} else if readerError(p.Message) {
			if line, col, ok := badCharacter(data); ok {
				p.Line, p.Column = line, col
			}
		}
		out = append(out, p)
	}
	return out
}

// readerError reports whether msg is one of the reader's, which are about
// the encoding of a character.
func readerError(msg string) bool {
	for _, s := range []string{"UTF-8", "UTF-16", "surrogate", "Unicode character", "control characters"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// badCharacter returns the position of the first byte of data that the
// YAML reader refuses: invalid UTF-8 or a character outside YAML's
// printable set. Input in UTF-16 (a byte order mark) is not examined.
func badCharacter(data []byte) (line, col int, ok bool) {
	if len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE) {
		return 0, 0, false
	}
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || !printable(r) {
			return line, col, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0, false
}

// printable reports whether YAML 1.1 allows r in a stream (the set the
// library's reader checks).
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}
