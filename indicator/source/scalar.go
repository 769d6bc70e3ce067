package source

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openhpi/hpi/indicator"
)

// Timestamps are held as Unix nanoseconds, so BatchBuilder accepts only
// these years; checking them here gives an error that names the cell.
const (
	minYear = 1678
	maxYear = 2261
)

// shareLimit is the longest input line (or CSV record) whose string values
// are kept as substrings of it. Sharing saves an allocation per value, but
// keeps the whole line alive as long as the batch: past this size a stray
// long field (an ignored column, say) would cost more memory than the
// copies save, so values are copied instead.
const shareLimit = 4 << 10

// appendText parses s as a value of kind k and appends it to cb. The
// error, if any, says why s is not such a value; the caller adds where.
// Surrounding spaces are ignored except for strings, which are verbatim,
// and copied when clone is set (see shareLimit).
func appendText(cb indicator.ColumnBuilder, k indicator.Kind, s string, clone bool) error {
	if k == indicator.KindString {
		if clone {
			s = strings.Clone(s)
		}
		cb.AppendString(s)
		return nil
	}
	t := strings.TrimSpace(s)
	switch k {
	case indicator.KindInt:
		v, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return numberError(s, "an int", err)
		}
		cb.AppendInt(v)
	case indicator.KindDouble:
		v, err := parseDouble(s, t)
		if err != nil {
			return err
		}
		cb.AppendDouble(v)
	case indicator.KindBool:
		v, err := parseBool(s, t)
		if err != nil {
			return err
		}
		cb.AppendBool(v)
	case indicator.KindTimestamp:
		v, err := parseTimestamp(s, t)
		if err != nil {
			return err
		}
		cb.AppendTime(v)
	case indicator.KindDuration:
		v, err := time.ParseDuration(t)
		if err != nil {
			return fmt.Errorf("%s is not a duration (want Go syntax such as 36h or 1h30m)", quote(s))
		}
		cb.AppendDuration(v)
	default:
		return fmt.Errorf("unsupported kind %s", k)
	}
	return nil
}

func numberError(s, what string, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%s is out of range for %s", quote(s), what)
	}
	return fmt.Errorf("%s is not %s", quote(s), what)
}

// parseDouble rejects NaN and infinities: they would silently poison sums
// and means, and no clinical value is one.
func parseDouble(s, t string) (float64, error) {
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, numberError(s, "a double", err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s is not a finite number", quote(s))
	}
	return v, nil
}

func parseBool(s, t string) (bool, error) {
	switch {
	case t == "1" || asciiEqualFold(t, "true"):
		return true, nil
	case t == "0" || asciiEqualFold(t, "false"):
		return false, nil
	}
	return false, fmt.Errorf("%s is not a bool (want true, false, 1 or 0)", quote(s))
}

// asciiEqualFold compares s with lower-case ASCII word ignoring ASCII case
// only: strings.EqualFold would also take "falſe" (with a long s) for false.
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

// parseTimestamp accepts RFC 3339 (any offset, converted to UTC) or a plain
// date (UTC midnight), like the indicator package's parameters.
func parseTimestamp(s, t string) (time.Time, error) {
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
		return time.Time{}, fmt.Errorf("%s is not a timestamp (want RFC 3339 or YYYY-MM-DD)", quote(s))
	}
	v = v.UTC()
	if y := v.Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("%s is outside the years %d-%d", quote(s), minYear, maxYear)
	}
	return v, nil
}

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 64

// quote formats a value for an error message, shortened if long.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
