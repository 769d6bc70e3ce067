package synth

import "time"

const secondsPerDay = 86400

// model is a validated Config plus the small tables derived from it. It is
// read-only after newModel, so fill may run concurrently.
type model struct {
	seed      uint64
	n         int
	practices int
	ref       time.Time // RefDate at 00:00 UTC
	refUnix   int64     // ref in Unix seconds
	// yearAgo[y] is the day offset before ref of the latest birth date whose
	// age at ref is at least y (the y-th birthday on or before ref).
	yearAgo       [MaxAge + 2]int32
	practiceNames []string // nil: names are formatted on demand
	areaNames     []string
}

// newModel validates cfg and derives the model; withNames precomputes
// practice and area names (worth it for a Generator, not for Generate).
func newModel(cfg Config, withNames bool) (*model, error) {
	if err := validate(cfg); err != nil {
		return nil, err
	}
	m := &model{seed: cfg.Seed, n: cfg.N, practices: cfg.Practices}
	if m.practices == 0 {
		m.practices = DefaultPractices
	}
	m.ref = referenceDate(cfg.RefDate)
	m.refUnix = m.ref.Unix()
	m.fillYearAgo()
	if withNames {
		m.buildNames()
	}
	return m, nil
}

// validate checks the bounds documented on Config.
func validate(cfg Config) error {
	switch {
	case cfg.N < 1 || cfg.N > MaxN:
		return configError("N = %d, want 1 .. %d", cfg.N, MaxN)
	case cfg.BatchSize < 0:
		return configError("BatchSize = %d, want >= 0", cfg.BatchSize)
	case cfg.Practices < 0 || cfg.Practices > MaxPractices:
		return configError("Practices = %d, want 0 .. %d", cfg.Practices, MaxPractices)
	}
	return nil
}

// referenceDate returns the calendar date of ref at 00:00 UTC, or
// 2025-03-31 when ref is zero.
func referenceDate(ref time.Time) time.Time {
	if ref.IsZero() {
		return time.Date(2025, time.March, 31, 0, 0, 0, 0, time.UTC)
	}
	y, mo, d := ref.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

// fillYearAgo computes the birthday boundaries. A birthday that does not
// exist in a year (29 February) falls back to 28 February, which is when a
// person born on 28 February has had that birthday.
func (m *model) fillYearAgo() {
	y, mo, d := m.ref.Date()
	for age := range m.yearAgo {
		b := time.Date(y-age, mo, d, 0, 0, 0, 0, time.UTC)
		if b.Month() != mo {
			b = time.Date(y-age, mo, d-1, 0, 0, 0, 0, time.UTC)
		}
		m.yearAgo[age] = int32((m.refUnix - b.Unix()) / secondsPerDay)
	}
}

// buildNames precomputes every practice and area name.
func (m *model) buildNames() {
	m.practiceNames = make([]string, m.practices)
	for j := range m.practiceNames {
		m.practiceNames[j] = practiceName(j)
	}
	m.areaNames = make([]string, areaOf(m.practices-1)+1)
	for a := range m.areaNames {
		m.areaNames[a] = areaName(a)
	}
}

// date returns the date off days before ref.
func (m *model) date(off int32) time.Time {
	return time.Unix(m.refUnix-int64(off)*secondsPerDay, 0).UTC()
}

// practice returns the name of practice j.
func (m *model) practice(j int) string {
	if m.practiceNames != nil {
		return m.practiceNames[j]
	}
	return practiceName(j)
}

// area returns the name of area a.
func (m *model) area(a int) string {
	if m.areaNames != nil {
		return m.areaNames[a]
	}
	return areaName(a)
}

// practiceName is "GP" and j+1 zero-padded to 3 digits.
func practiceName(j int) string {
	return string(appendPadded([]byte("GP"), j+1, 3))
}

// areaName is "E02" and a+1 zero-padded to 6 digits (MSOA-like).
func areaName(a int) string {
	return string(appendPadded([]byte("E02"), a+1, 6))
}

// areaOf returns the area index of practice j.
func areaOf(j int) int { return j / PracticesPerArea }
