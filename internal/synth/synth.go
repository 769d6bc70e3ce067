package synth

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Population limits and defaults.
const (
	MaxN             = 10_000_000 // largest accepted Config.N
	DefaultBatchSize = 1024       // batch size used when Config.BatchSize is 0
	DefaultPractices = 100        // practices used when Config.Practices is 0
	MaxPractices     = 100_000    // largest accepted Config.Practices
	PracticesPerArea = 4          // practices nest in areas of this many practices
	MaxAge           = 105        // oldest generated age in years
	WindowDays       = 456        // observation/encounter window: the 15 months before RefDate
	ReferenceDays    = 365        // length of the reference year that ends on RefDate
)

// Sex values.
const (
	SexFemale = "female"
	SexMale   = "male"
)

// ErrInvalidConfig is wrapped by every error New returns.
var ErrInvalidConfig = errors.New("synth: invalid config")

// Config describes a synthetic population. The population is a pure
// function of (Seed, RefDate, Practices) and the patient index: N only
// decides how many patients there are (a smaller N gives a prefix of a
// larger population) and BatchSize never changes any patient.
type Config struct {
	N         int       // number of patients (1 .. MaxN)
	Seed      uint64    // same Seed and N → identical population
	BatchSize int       // patients per batch; 0 = DefaultBatchSize
	RefDate   time.Time // reference date (age, observation windows); zero = 2025-03-31 UTC; reduced to its calendar date at 00:00 UTC
	Practices int       // number of GP practices (1 .. MaxPractices); 0 = DefaultPractices
}

// Patient is one synthetic registered patient. All dates are at 00:00 UTC
// and strictly before RefDate; Conditions, Observations, Medications and
// Encounters are each sorted by date (ties keep a fixed generation order).
type Patient struct {
	ID           string    // "P" + 1-based index, zero-padded to 7 digits: "P0000001"
	Age          int       // completed years at RefDate (0 .. MaxAge), also for patients who died
	BirthDate    time.Time // consistent with Age
	Sex          string    // SexFemale | SexMale
	Deprivation  int       // deprivation quintile, 1 (most deprived) .. 5 (least deprived)
	Practice     string    // GP practice: "GP001" .. (at least 3 digits)
	Area         string    // area code "E02000001"-like; each practice lies in exactly one area
	DaysAtRisk   float64   // registered-and-alive days within the reference year (RefDate-365d, RefDate]: 1 .. 365
	Conditions   []Condition
	Observations []Observation
	Medications  []Medication
	Encounters   []Encounter

	// Added beyond the original contract.
	RegistrationDate time.Time // date of registration with Practice
	DeathDate        time.Time // zero if alive at RefDate; otherwise within the reference year
}

// Condition is a diagnosis with an ICD-10 code (e.g. "E11", "N18.3") and
// the date it was first recorded.
type Condition struct {
	Code  string
	Onset time.Time
}

// Observation is a dated measurement. Code is one of the Obs* constants.
type Observation struct {
	Code  string
	Value float64
	Unit  string
	Date  time.Time
}

// Medication is a current prescription (one of the Med* codes) and the
// date it was first issued.
type Medication struct {
	Code  string
	Start time.Time
}

// Encounter is a contact with health services. Class is one of the Enc*
// constants. LengthOfStay is in days: >= 1 for EncInpatient, >= 0 for
// EncEmergency (0 = same-day discharge), 0 otherwise.
type Encounter struct {
	Class        string
	Start        time.Time
	LengthOfStay int
}

// HasCondition reports whether p has a condition whose code starts with
// prefix, e.g. "E11", "N18" or "C".
func (p *Patient) HasCondition(prefix string) bool {
	for _, c := range p.Conditions {
		if strings.HasPrefix(c.Code, prefix) {
			return true
		}
	}
	return false
}

// Generator streams a population in batches without holding it all in
// memory. Next is not safe for concurrent use; Patient and Fill are.
type Generator struct {
	m      *model
	batch  int
	next   int
	idBuf  []byte
	idEnds []int
}

// New validates cfg and returns a generator positioned at patient 0.
// It returns an error wrapping ErrInvalidConfig when N < 1, N > MaxN,
// BatchSize < 0, Practices < 0 or Practices > MaxPractices.
func New(cfg Config) (*Generator, error) {
	m, err := newModel(cfg, true)
	if err != nil {
		return nil, err
	}
	batch := cfg.BatchSize
	if batch == 0 {
		batch = DefaultBatchSize
	}
	return &Generator{m: m, batch: batch}, nil
}

// Len returns N, the number of patients in the population.
func (g *Generator) Len() int { return g.m.n }

// Reset rewinds the generator to patient 0.
func (g *Generator) Reset() { g.next = 0 }

// Next generates the next batch of at most BatchSize patients into
// dst[:0] and returns it; it returns an empty slice when the population is
// exhausted. The patients already in dst (up to its capacity) are
// overwritten and their Conditions, Observations, Medications and
// Encounters backing arrays are reused, so steady-state generation
// allocates only one string (the batch's IDs) per batch; the reused
// memory is a few KB per patient slot, so it grows with BatchSize, not N.
// Callers that keep patients beyond the next call must copy them,
// including those slices; passing a nil or different dst leaves earlier
// batches untouched.
func (g *Generator) Next(dst []Patient) []Patient {
	n := min(g.batch, g.m.n-g.next)
	if n <= 0 {
		return dst[:0]
	}
	dst = resizePatients(dst, n)
	ids := g.batchIDs(n)
	start := 0
	for k := range dst {
		g.m.fill(&dst[k], g.next+k, ids[start:g.idEnds[k]])
		start = g.idEnds[k]
	}
	g.next += n
	return dst
}

// Patient returns patient i (0-based). It returns the zero Patient when i
// is outside [0, Len()).
func (g *Generator) Patient(i int) Patient {
	var p Patient
	g.Fill(&p, i)
	return p
}

// Fill overwrites *p with patient i (0-based), reusing p's slices, and
// reports whether i is in [0, Len()); p is left unchanged otherwise.
// Fill does not move the Next cursor and may be called concurrently.
func (g *Generator) Fill(p *Patient, i int) bool {
	if i < 0 || i >= g.m.n {
		return false
	}
	g.m.fill(p, i, string(appendID(nil, i)))
	return true
}

// Generate returns patient i (0-based) of the population described by cfg,
// identical to the i-th patient streamed by New(cfg).Next for any batch
// size. It returns the zero Patient when cfg is invalid or i is outside
// [0, cfg.N). Generate rebuilds small per-config tables on every call; use
// Generator.Patient or Generator.Fill for many patients.
func Generate(cfg Config, i int) Patient {
	m, err := newModel(cfg, false)
	if err != nil || i < 0 || i >= m.n {
		return Patient{}
	}
	var p Patient
	m.fill(&p, i, string(appendID(nil, i)))
	return p
}

// resizePatients returns dst with length n, keeping the existing patients
// (and so their reusable slices) when it has to grow.
func resizePatients(dst []Patient, n int) []Patient {
	if cap(dst) >= n {
		return dst[:n]
	}
	grown := make([]Patient, n)
	copy(grown, dst[:cap(dst)])
	return grown
}

// batchIDs formats the IDs of the next n patients into a single string
// (one allocation per batch) and records where each ID ends in g.idEnds.
func (g *Generator) batchIDs(n int) string {
	g.idBuf = g.idBuf[:0]
	g.idEnds = g.idEnds[:0]
	for k := range n {
		g.idBuf = appendID(g.idBuf, g.next+k)
		g.idEnds = append(g.idEnds, len(g.idBuf))
	}
	return string(g.idBuf)
}

// appendID appends the ID of patient index i: "P" and i+1 zero-padded to
// at least 7 digits.
func appendID(buf []byte, i int) []byte {
	return appendPadded(append(buf, 'P'), i+1, 7)
}

// appendPadded appends the decimal form of v >= 0 zero-padded to width.
func appendPadded(buf []byte, v, width int) []byte {
	var digits [20]byte
	pos := len(digits)
	for v > 0 || pos > len(digits)-width {
		pos--
		digits[pos] = byte('0' + v%10)
		v /= 10
	}
	return append(buf, digits[pos:]...)
}

// configError wraps ErrInvalidConfig with a description.
func configError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
}
