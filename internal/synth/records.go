package synth

import (
	"context"
	"fmt"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// NewSource returns an indicator.Source that streams the population of cfg
// as batches of the given schema. Schema fields are matched by name to
// patient attributes:
//
//	id, sex, practice, area: string    age, deprivation: int
//	days_at_risk: double               birth_date, registration_date: timestamp
//	death_date: timestamp? (null while alive)
//	conditions:   events {code: string, onset: timestamp}
//	observations: events {code: string, value: double, unit: string, date: timestamp}
//	medications:  events {code: string, start: timestamp}
//	encounters:   events {class: string, start: timestamp, length_of_stay: int}
//
// A schema may declare any subset of them (event fields too); a field with
// another name or type is an error. Each batch holds cfg.BatchSize patients.
func NewSource(schema *indicator.Schema, cfg Config) (indicator.Source, error) {
	gen, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var fill []filler
	for i := range schema.Fields {
		f, err := fieldFiller(i, &schema.Fields[i])
		if err != nil {
			return nil, err
		}
		fill = append(fill, f)
	}
	return &source{gen: gen, builder: indicator.NewBatchBuilder(schema), fill: fill}, nil
}

// filler appends one attribute of a patient to the batch being built.
type filler func(b *indicator.BatchBuilder, p *Patient)

type source struct {
	gen      *Generator
	builder  *indicator.BatchBuilder
	fill     []filler
	patients []Patient
	batch    *indicator.Batch
	err      error
}

func (s *source) Next(ctx context.Context) bool {
	if s.err != nil {
		return false
	}
	if s.err = ctx.Err(); s.err != nil {
		return false
	}
	s.patients = s.gen.Next(s.patients)
	if len(s.patients) == 0 {
		return false
	}
	for i := range s.patients {
		for _, f := range s.fill {
			f(s.builder, &s.patients[i])
		}
		if err := s.builder.EndRow(); err != nil {
			s.err = fmt.Errorf("synth: patient %s: %w", s.patients[i].ID, err)
			return false
		}
	}
	s.batch = s.builder.Build()
	return true
}

func (s *source) Batch() *indicator.Batch { return s.batch }
func (s *source) Err() error              { return s.err }

func mismatch(f *indicator.Field, want string) error {
	return fmt.Errorf("synth: schema field %q has type %s; the synthetic population has %s", f.Name, f.TypeString(), want)
}

// scalar returns a filler for a scalar field after checking its type.
func scalar(f *indicator.Field, kind indicator.Kind, fill filler) (filler, error) {
	if f.Kind != kind {
		return nil, mismatch(f, kind.String())
	}
	return fill, nil
}

func fieldFiller(i int, f *indicator.Field) (filler, error) {
	str := func(get func(*Patient) string) (filler, error) {
		return scalar(f, indicator.KindString, func(b *indicator.BatchBuilder, p *Patient) { b.Field(i).AppendString(get(p)) })
	}
	integer := func(get func(*Patient) int) (filler, error) {
		return scalar(f, indicator.KindInt, func(b *indicator.BatchBuilder, p *Patient) { b.Field(i).AppendInt(int64(get(p))) })
	}
	date := func(get func(*Patient) time.Time) (filler, error) {
		return scalar(f, indicator.KindTimestamp, func(b *indicator.BatchBuilder, p *Patient) {
			if t := get(p); !t.IsZero() {
				b.Field(i).AppendTime(t)
			}
		})
	}
	switch f.Name {
	case "id":
		return str(func(p *Patient) string { return p.ID })
	case "sex":
		return str(func(p *Patient) string { return p.Sex })
	case "practice":
		return str(func(p *Patient) string { return p.Practice })
	case "area":
		return str(func(p *Patient) string { return p.Area })
	case "age":
		return integer(func(p *Patient) int { return p.Age })
	case "deprivation":
		return integer(func(p *Patient) int { return p.Deprivation })
	case "days_at_risk":
		return scalar(f, indicator.KindDouble, func(b *indicator.BatchBuilder, p *Patient) { b.Field(i).AppendDouble(p.DaysAtRisk) })
	case "birth_date":
		return date(func(p *Patient) time.Time { return p.BirthDate })
	case "registration_date":
		return date(func(p *Patient) time.Time { return p.RegistrationDate })
	case "death_date":
		if !f.Nullable {
			return nil, mismatch(f, "timestamp? (null while alive)")
		}
		return date(func(p *Patient) time.Time { return p.DeathDate })
	case "conditions", "observations", "medications", "encounters":
		return eventFiller(i, f)
	}
	return nil, fmt.Errorf("synth: schema field %q is not an attribute of the synthetic population", f.Name)
}
