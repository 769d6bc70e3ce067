package dashboardspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Value is one cell of a dataset: null, a number, a string or a boolean.
// The zero Value is null. A NaN or infinite number is null too, so that an
// undefined value (an empty denominator, a withheld count) is never
// written as a number.
type Value struct {
	kind valueKind
	num  float64
	str  string
}

type valueKind uint8

const (
	nullValue valueKind = iota
	numberValue
	stringValue
	boolValue
)

// Null returns the null value.
func Null() Value { return Value{} }

// Num returns a number; NaN and infinities give null.
func Num(x float64) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}
	}
	return Value{kind: numberValue, num: x}
}

// Str returns a string.
func Str(s string) Value { return Value{kind: stringValue, str: s} }

// Bool returns a boolean.
func Bool(b bool) Value {
	v := Value{kind: boolValue}
	if b {
		v.num = 1
	}
	return v
}

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == nullValue }

// Float returns v's number and true, or NaN and false when v is not a number.
func (v Value) Float() (float64, bool) {
	if v.kind != numberValue {
		return math.NaN(), false
	}
	return v.num, true
}

// Text returns v's string and true, or "" and false when v is not a string.
func (v Value) Text() (string, bool) { return v.str, v.kind == stringValue }

// Boolean returns v's boolean and true, or false and false when v is not a
// boolean.
func (v Value) Boolean() (bool, bool) { return v.num == 1, v.kind == boolValue }

// String formats v for reading: numbers in the shortest form that
// round-trips, null as "".
func (v Value) String() string {
	switch v.kind {
	case numberValue:
		return formatNumber(v.num)
	case stringValue:
		return v.str
	case boolValue:
		return strconv.FormatBool(v.num == 1)
	}
	return ""
}

// Any returns v as nil, float64, string or bool.
func (v Value) Any() any {
	switch v.kind {
	case numberValue:
		return v.num
	case stringValue:
		return v.str
	case boolValue:
		return v.num == 1
	}
	return nil
}

// MarshalJSON implements json.Marshaler: numbers in the shortest form that
// round-trips (as encoding/json writes float64), null for null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case numberValue:
		return []byte(formatNumber(v.num)), nil
	case stringValue:
		return json.Marshal(v.str)
	case boolValue:
		return []byte(strconv.FormatBool(v.num == 1)), nil
	}
	return []byte("null"), nil
}

// UnmarshalJSON implements json.Unmarshaler; objects and arrays are errors.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("dashboardspec: empty value")
	}
	switch b[0] {
	case 'n':
		*v = Value{}
		return nil
	case 't', 'f':
		var x bool
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		*v = Bool(x)
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = Str(s)
		return nil
	case '{', '[':
		return fmt.Errorf("dashboardspec: a dataset value must be null, a number, a string or a boolean, not %s", string(b[:1]))
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(x, 0) {
		return fmt.Errorf("dashboardspec: bad number %q", string(b))
	}
	*v = Num(x)
	return nil
}

// formatNumber writes x as encoding/json writes a float64: the shortest
// representation that round-trips, in exponent form only for very large or
// small magnitudes. It never sees NaN or infinities.
func formatNumber(x float64) string {
	abs := math.Abs(x)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(x, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(s)
		if n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s
}
