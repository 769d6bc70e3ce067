package disclosure

// Reason says why a value was suppressed; ReasonNone means it is published.
type Reason string

// The reasons a value can be suppressed for.
const (
	// ReasonNone marks a published value.
	ReasonNone Reason = ""
	// ReasonPrimary marks a count covered by the policy's primary rule.
	ReasonPrimary Reason = "primary"
	// ReasonComplementary marks a cell suppressed so that a primary cell
	// cannot be recovered from the table's margins.
	ReasonComplementary Reason = "complementary"
	// ReasonDerived marks a value computed from a suppressed count, such as
	// a percentage whose numerator is suppressed.
	ReasonDerived Reason = "derived"
)

// Suppressed reports whether the reason withholds the value.
func (r Reason) Suppressed() bool { return r != ReasonNone }

// Derived returns the reason for a value computed from counts with the given
// reasons: ReasonDerived if any of them is suppressed, else ReasonNone.
// A rate is Derived(numeratorReason, denominatorReason).
func Derived(inputs ...Reason) Reason {
	for _, r := range inputs {
		if r.Suppressed() {
			return ReasonDerived
		}
	}
	return ReasonNone
}
