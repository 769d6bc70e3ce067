package disclosure

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// DefaultMarker is shown in place of a suppressed value when a Policy has no
// Marker of its own.
const DefaultMarker = "*"

// Errors returned by this package; test for them with errors.Is.
var (
	// ErrInvalidPolicy reports a Policy that fails Validate.
	ErrInvalidPolicy = errors.New("disclosure: invalid policy")
	// ErrInvalidCount reports a count that is negative, NaN or infinite.
	ErrInvalidCount = errors.New("disclosure: invalid count")
	// ErrRaggedTable reports a table whose rows differ in length.
	ErrRaggedTable = errors.New("disclosure: ragged table")
	// ErrUnprotectable reports a table in which a suppressed cell cannot be
	// protected while the margins are published: a 1×1 table, whose total is
	// the cell itself.
	ErrUnprotectable = errors.New("disclosure: suppressed cell cannot be protected")
)

// Policy is a small-number disclosure control policy. The zero value
// suppresses nothing and rounds nothing.
type Policy struct {
	// Min and Max bound the closed range of positive counts suppressed by the
	// primary rule (e.g. 1 and 7). Max 0 means no range. Zero is governed by
	// SuppressZero, never by the range.
	Min float64 `json:"min" yaml:"min"`
	Max float64 `json:"max" yaml:"max"`
	// SuppressZero suppresses zero counts too.
	SuppressZero bool `json:"suppress_zero" yaml:"suppress_zero"`
	// RoundTo is the base published counts are rounded to (e.g. 5); 0 means
	// no rounding.
	RoundTo float64 `json:"round_to" yaml:"round_to"`
	// Marker is shown instead of a suppressed value; empty means
	// DefaultMarker.
	Marker string `json:"marker" yaml:"marker"`
	// Complementary makes ApplyTable add secondary suppressions so that no
	// suppressed cell can be recovered from the table's margins.
	Complementary bool `json:"complementary" yaml:"complementary"`
}

// HES returns a policy modelled on NHS Hospital Episode Statistics practice:
// counts 1–7 suppressed and shown as "*", zero published, other counts
// rounded to the nearest 5, with complementary suppression in tables.
func HES() Policy {
	return Policy{Min: 1, Max: 7, RoundTo: 5, Marker: DefaultMarker, Complementary: true}
}

// CMS returns a policy modelled on the US Centers for Medicare & Medicaid
// Services cell size rule: counts 1–10 suppressed and shown as "*", zero
// published, no rounding, with complementary suppression in tables.
func CMS() Policy {
	return Policy{Min: 1, Max: 10, Marker: DefaultMarker, Complementary: true}
}

// Validate reports whether the policy is usable: Min, Max and RoundTo must be
// finite and non-negative, Min must not exceed Max (so Min > 0 needs a Max),
// and Marker must not read as a number, since a reader would take it for one.
func (p Policy) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", p.Min}, {"max", p.Max}, {"round_to", p.RoundTo}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%w: %s %v must be finite and non-negative", ErrInvalidPolicy, f.name, f.v)
		}
	}
	if p.Min > p.Max {
		return fmt.Errorf("%w: min %v > max %v", ErrInvalidPolicy, p.Min, p.Max)
	}
	if _, err := strconv.ParseFloat(p.Marker, 64); err == nil {
		return fmt.Errorf("%w: marker %q reads as a number", ErrInvalidPolicy, p.Marker)
	}
	return nil
}

// EffectiveMarker returns the string shown in place of a suppressed value:
// Marker, or DefaultMarker when Marker is empty.
func (p Policy) EffectiveMarker() string {
	if p.Marker == "" {
		return DefaultMarker
	}
	return p.Marker
}

// Classify applies the primary rule to one count and says why it is
// suppressed: ReasonPrimary or ReasonNone. It fails for an invalid policy or
// a count that is negative, NaN or infinite.
func (p Policy) Classify(count float64) (Reason, error) {
	if err := p.Validate(); err != nil {
		return ReasonNone, err
	}
	if err := checkCount(count); err != nil {
		return ReasonNone, err
	}
	if p.primary(count) {
		return ReasonPrimary, nil
	}
	return ReasonNone, nil
}

// Suppressed reports whether the primary rule suppresses count. It is the
// error-free form of Classify and fails closed: a count Classify rejects, or
// any count under an invalid policy, is reported as suppressed, so a caller
// who skips error handling never publishes it.
func (p Policy) Suppressed(count float64) bool {
	why, err := p.Classify(count)
	return err != nil || why.Suppressed()
}

// Round rounds count to the nearest multiple of RoundTo, ties up; with
// RoundTo 0 it returns count unchanged. It does not apply the primary rule.
// It fails for an invalid policy or a negative, NaN or infinite count.
func (p Policy) Round(count float64) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if err := checkCount(count); err != nil {
		return 0, err
	}
	if p.RoundTo == 0 {
		return count, nil
	}
	// math.Round rounds half away from zero, which is "ties up" for the
	// non-negative counts accepted here.
	rounded := math.Round(count/p.RoundTo) * p.RoundTo
	if math.IsInf(rounded, 0) {
		return 0, fmt.Errorf("%w: %v overflows when rounded to %v", ErrInvalidCount, count, p.RoundTo)
	}
	return rounded, nil
}

// Render returns the text published for a count: the marker when why says
// the count is suppressed or the primary rule covers it, otherwise the count
// rounded by Round. Pass the reason from ApplyTable for a table cell and
// ReasonNone for a lone count. Render is for counts only: show a derived
// value (a rate) as EffectiveMarker when Derived says it is suppressed.
func (p Policy) Render(count float64, why Reason) (string, error) {
	primary, err := p.Classify(count)
	if err != nil {
		return "", err
	}
	if why.Suppressed() || primary.Suppressed() {
		return p.EffectiveMarker(), nil
	}
	rounded, err := p.Round(count)
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(rounded, 'f', -1, 64), nil
}

// primary is the primary rule for a valid count under a valid policy.
func (p Policy) primary(count float64) bool {
	if count == 0 {
		return p.SuppressZero
	}
	return p.Max > 0 && p.Min <= count && count <= p.Max
}

// checkCount rejects values that cannot be counts.
func checkCount(count float64) error {
	if math.IsNaN(count) || math.IsInf(count, 0) || count < 0 {
		return fmt.Errorf("%w: %v", ErrInvalidCount, count)
	}
	return nil
}
