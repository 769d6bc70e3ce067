package synth

import (
	"fmt"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// eventField appends one attribute of the k-th event of a patient's list.
type eventField func(cb indicator.ColumnBuilder, p *Patient, k int)

// eventFiller returns the filler of an event list: for each event, every
// declared event field, then EndEvent.
func eventFiller(i int, f *indicator.Field) (filler, error) {
	if f.Kind != indicator.KindEvents {
		return nil, mismatch(f, "events")
	}
	attrs := eventAttributes[f.Name]
	fields := make([]eventField, len(f.Fields))
	for j := range f.Fields {
		ef := &f.Fields[j]
		a, ok := attrs[ef.Name]
		if !ok || a.kind != ef.Kind {
			return nil, fmt.Errorf("synth: event field %s.%s (%s) is not an attribute of the synthetic population", f.Name, ef.Name, ef.TypeString())
		}
		fields[j] = a.fill
	}
	count := eventCounts[f.Name]
	return func(b *indicator.BatchBuilder, p *Patient) {
		cb := b.Field(i)
		for k := range count(p) {
			for j, fill := range fields {
				fill(cb.Event(j), p, k)
			}
			cb.EndEvent()
		}
	}, nil
}

type eventAttribute struct {
	kind indicator.Kind
	fill eventField
}

func str(get func(p *Patient, k int) string) eventAttribute {
	return eventAttribute{indicator.KindString, func(cb indicator.ColumnBuilder, p *Patient, k int) { cb.AppendString(get(p, k)) }}
}

func date(get func(p *Patient, k int) time.Time) eventAttribute {
	return eventAttribute{indicator.KindTimestamp, func(cb indicator.ColumnBuilder, p *Patient, k int) { cb.AppendTime(get(p, k)) }}
}

// eventCounts and eventAttributes describe the event lists of a patient.
// They are read-only lookup tables.
var eventCounts = map[string]func(*Patient) int{
	"conditions":   func(p *Patient) int { return len(p.Conditions) },
	"observations": func(p *Patient) int { return len(p.Observations) },
	"medications":  func(p *Patient) int { return len(p.Medications) },
	"encounters":   func(p *Patient) int { return len(p.Encounters) },
}

var eventAttributes = map[string]map[string]eventAttribute{
	"conditions": {
		"code":  str(func(p *Patient, k int) string { return p.Conditions[k].Code }),
		"onset": date(func(p *Patient, k int) time.Time { return p.Conditions[k].Onset }),
	},
	"observations": {
		"code": str(func(p *Patient, k int) string { return p.Observations[k].Code }),
		"unit": str(func(p *Patient, k int) string { return p.Observations[k].Unit }),
		"date": date(func(p *Patient, k int) time.Time { return p.Observations[k].Date }),
		"value": {indicator.KindDouble, func(cb indicator.ColumnBuilder, p *Patient, k int) {
			cb.AppendDouble(p.Observations[k].Value)
		}},
	},
	"medications": {
		"code":  str(func(p *Patient, k int) string { return p.Medications[k].Code }),
		"start": date(func(p *Patient, k int) time.Time { return p.Medications[k].Start }),
	},
	"encounters": {
		"class": str(func(p *Patient, k int) string { return p.Encounters[k].Class }),
		"start": date(func(p *Patient, k int) time.Time { return p.Encounters[k].Start }),
		"length_of_stay": {indicator.KindInt, func(cb indicator.ColumnBuilder, p *Patient, k int) {
			cb.AppendInt(int64(p.Encounters[k].LengthOfStay))
		}},
	},
}
