// Package textvalue parses the text form of hpi's scalar types, so that a
// CSV cell, a JSON string and a parameter value written in YAML follow one
// set of rules:
//
//	int        base-10 integer
//	double     a finite number (NaN and infinities are refused)
//	bool       true, false, 1 or 0, ASCII case ignored
//	timestamp  RFC 3339 (converted to UTC) or YYYY-MM-DD (UTC midnight),
//	           within the years 1678-2261 (held as Unix nanoseconds)
//	duration   Go syntax, e.g. 36h or 1h30m
//
// Surrounding spaces are ignored. Errors say why the text is not such a
// value; callers add where it was. Every error is an *Error, whose message
// quotes the text; a caller whose text may be patient data reports
// Error.Problem instead, which does not.
package textvalue

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The years a timestamp may fall in: Unix nanoseconds in an int64.
const (
	MinYear = 1678
	MaxYear = 2261
)

// Error is why a text is not a value of a type.
type Error struct {
	// Text is the text parsed.
	Text string
	// Problem says what is wrong without quoting Text, e.g. "not an int"
	// or "outside the years 1678-2261".
	Problem string
}

// Error returns the text, quoted and shortened if long, and the problem,
// e.g. `"6x5" is not an int`.
func (e *Error) Error() string { return Quote(e.Text) + " is " + e.Problem }

func newError(s, format string, args ...any) error {
	return &Error{Text: s, Problem: fmt.Sprintf(format, args...)}
}

// Int parses a base-10 integer.
func Int(s string) (int64, error) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, numberError(s, "an int", err)
	}
	return v, nil
}

// Double parses a finite number: NaN and infinities would silently poison
// sums and means, and no clinical value is one.
func Double(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, numberError(s, "a double", err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, newError(s, "not a finite number")
	}
	return v, nil
}

func numberError(s, what string, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return newError(s, "out of range for %s", what)
	}
	return newError(s, "not %s", what)
}

// Bool parses true, false, 1 or 0, ignoring ASCII case only:
// strings.EqualFold would also take "falſe" (with a long s) for false.
func Bool(s string) (bool, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "1" || asciiEqualFold(t, "true"):
		return true, nil
	case t == "0" || asciiEqualFold(t, "false"):
		return false, nil
	}
	return false, newError(s, "not a bool (want true, false, 1 or 0)")
}

// asciiEqualFold compares s with a lower-case ASCII word ignoring ASCII case.
func asciiEqualFold(s, word string) bool {
	if len(s) != len(word) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

// Timestamp parses RFC 3339 (any offset, converted to UTC) or a plain date
// (UTC midnight) within the years MinYear to MaxYear.
func Timestamp(s string) (time.Time, error) {
	t := strings.TrimSpace(s)
	// Try the layout that fits the length first: a failed Parse allocates
	// its error, which would cost more than the parse itself.
	first, second := time.RFC3339Nano, time.DateOnly
	if len(t) == len(time.DateOnly) {
		first, second = second, first
	}
	v, err := time.Parse(first, t)
	if err != nil {
		v, err = time.Parse(second, t)
	}
	if err != nil {
		return time.Time{}, newError(s, "not a timestamp (want RFC 3339 or YYYY-MM-DD)")
	}
	v = v.UTC()
	if y := v.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, newError(s, "outside the years %d-%d", MinYear, MaxYear)
	}
	return v, nil
}

// Duration parses Go's duration syntax.
func Duration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, newError(s, "not a duration (want Go syntax such as 36h or 1h30m)")
	}
	return v, nil
}

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 64

// Quote formats a value for an error message, shortened if long.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// Shorten bounds unquoted ASCII text (a number) in an error message.
func Shorten(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	return s[:maxQuoted] + "…"
}
