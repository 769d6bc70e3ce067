package textvalue

import (
	"strings"
	"testing"
	"time"
)

func TestBool_AcceptsWordsAndDigitsIgnoringASCIICase(t *testing.T) {
	for in, want := range map[string]bool{"true": true, " TRUE ": true, "1": true, "False": false, "0": false} {
		got, err := Bool(in)
		if err != nil || got != want {
			t.Errorf("Bool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"yes", "falſe", "", "2"} {
		if _, err := Bool(in); err == nil {
			t.Errorf("Bool(%q): want an error", in)
		}
	}
}

func TestTimestamp_DateIsUTCMidnightAndRangeIsChecked(t *testing.T) {
	got, err := Timestamp("2025-03-31")
	if err != nil || !got.Equal(time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Timestamp(date) = %v, %v", got, err)
	}
	got, err = Timestamp("2025-03-31T01:00:00+02:00")
	if err != nil || got.Location() != time.UTC || got.Hour() != 23 {
		t.Errorf("Timestamp(offset) = %v, %v; want 23:00 UTC the day before", got, err)
	}
	if _, err := Timestamp("1500-01-01"); err == nil || !strings.Contains(err.Error(), "outside the years 1678-2261") {
		t.Errorf("Timestamp(1500) error = %v", err)
	}
}

func TestDouble_RefusesNonFiniteValues(t *testing.T) {
	for _, in := range []string{"NaN", "inf", "-Inf", "1e999"} {
		if _, err := Double(in); err == nil {
			t.Errorf("Double(%q): want an error", in)
		}
	}
	if v, err := Double(" 2.5 "); err != nil || v != 2.5 {
		t.Errorf("Double(2.5) = %v, %v", v, err)
	}
}

func TestQuote_ShortensLongValuesOnARuneBoundary(t *testing.T) {
	long := strings.Repeat("é", 100)
	q := Quote(long)
	if !strings.HasSuffix(q, "…") || len(q) > maxQuoted+8 {
		t.Errorf("Quote(long) = %q", q)
	}
}
