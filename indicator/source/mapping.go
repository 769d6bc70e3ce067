package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/textvalue"
	"github.com/openhpi/hpi/internal/yamlpos"
)

// Mapping says which elements of which FHIR resources become which schema
// fields: the record's scalar fields come from the Patient resource, each
// event list from one or more resource types whose subject is the patient.
// The same mapping drives the Synthea reader, whose files stand for the
// resource types (see Synthea). Write it in YAML (ParseMapping) or use
// DefaultMapping.
//
//	reference_date: 2024-12-31        # "age" is the age in whole years on this date
//	patient:                          # schema field: Patient element
//	  id: id
//	  age: age
//	  sex: gender
//	events:
//	  conditions:                     # an event-list field of the schema
//	    resources: [Condition]
//	    fields:                       # event field: element
//	      code: code
//	      system: code.system
//	      onset: onset
//	  drugs:
//	    resources: [MedicationRequest, MedicationStatement]
//	    fields: {code: medication, start: start}
//
// The elements each resource type offers are listed in Elements, with
// their types. A field's type must be the element's, except that an int
// element may feed a double field. A schema field the mapping leaves out
// is null in every record when nullable and an error otherwise; a mapping
// key that names no schema field is an error, so that a typo never passes
// silently. Errors are indicator.Diagnostics with file:line:column.
//
// The default mapping (DefaultMapping) maps any of these schema fields
// that the schema declares, by name, and ignores the others:
//
//	record:       id, age, gender, birth_date, deceased, death_date, city,
//	              state, postal_code, county, country
//	conditions:   (Condition) id, code, system, display, onset, abatement,
//	              recorded, clinical_status, verification_status, category
//	observations: (Observation) id, code, system, display, value, unit,
//	              value_code, value_string, effective, category, status
//	encounters:   (Encounter) id, class, code, system, display, start, end,
//	              length_of_stay, los_days, discharge_disposition, reason,
//	              status
//	medications:  (MedicationRequest, MedicationStatement) id, code, system,
//	              display, start, end, status, reason
//	procedures:   (Procedure) id, code, system, display, performed, end,
//	              reason, status
//
// each from the element of the same meaning (conditions.onset from onset,
// encounters.start from period.start, and so on: see DefaultMapping's
// source). An event list of the schema that the default does not know is
// an error: write a mapping for it.
type Mapping struct {
	// ReferenceDate is the date at which "age" is computed; required when
	// age is mapped (WithReferenceDate overrides it).
	ReferenceDate time.Time
	Patient       []FieldMapping
	Events        []EventMapping
	// Default marks the default mapping: it maps the schema fields it
	// knows and ignores the others.
	Default bool
	Pos     indicator.Position
	lines   []string
}

// FieldMapping maps one element to one schema field.
type FieldMapping struct {
	Field   string
	Element string
	Pos     indicator.Position
}

// EventMapping maps resources of some types to the events of one
// event-list field.
type EventMapping struct {
	Field     string
	Resources []string
	Fields    []FieldMapping
	Pos       indicator.Position
}

// Elements lists, per resource type, the elements a mapping may name and
// their types. Codes come from the first coding of a CodeableConcept; a
// dateTime or period element gives the start of a period, the instant of
// a dateTime, and the first instant of a partial date (2024-03 is
// 2024-03-01T00:00:00Z).
func Elements() map[string]map[string]indicator.Kind {
	out := map[string]map[string]indicator.Kind{}
	for rt, els := range elementTable {
		m := map[string]indicator.Kind{}
		for name, e := range els {
			m[name] = e
		}
		out[rt] = m
	}
	return out
}

const (
	kStr  = indicator.KindString
	kTime = indicator.KindTimestamp
	kInt  = indicator.KindInt
	kDbl  = indicator.KindDouble
	kBool = indicator.KindBool
	kDur  = indicator.KindDuration
)

// elementTable is the vocabulary of mappings: resource type → element →
// type. fhirElement and syntheaElement say how each is read.
var elementTable = map[string]map[string]indicator.Kind{
	"Patient": {
		"id": kStr, "gender": kStr, "birthDate": kTime, "age": kInt, "deceased": kBool,
		"deceasedDateTime": kTime, "address.city": kStr, "address.state": kStr,
		"address.postalCode": kStr, "address.district": kStr, "address.country": kStr,
	},
	"Condition": {
		"id": kStr, "code": kStr, "code.system": kStr, "code.display": kStr, "code.text": kStr,
		"onset": kTime, "abatement": kTime, "recordedDate": kTime, "clinicalStatus": kStr,
		"verificationStatus": kStr, "category": kStr,
	},
	"Observation": {
		"id": kStr, "code": kStr, "code.system": kStr, "code.display": kStr, "code.text": kStr,
		"value": kDbl, "value.unit": kStr, "value.code": kStr, "value.string": kStr,
		"effective": kTime, "issued": kTime, "category": kStr, "status": kStr,
	},
	"Encounter": {
		"id": kStr, "class": kStr, "type": kStr, "type.system": kStr, "type.display": kStr,
		"period.start": kTime, "period.end": kTime, "lengthOfStay": kDur, "lengthOfStay.days": kDbl,
		"hospitalization.dischargeDisposition": kStr, "reasonCode": kStr, "status": kStr,
	},
	"MedicationRequest": {
		"id": kStr, "medication": kStr, "medication.system": kStr, "medication.display": kStr,
		"start": kTime, "end": kTime, "status": kStr, "reasonCode": kStr,
	},
	"MedicationStatement": {
		"id": kStr, "medication": kStr, "medication.system": kStr, "medication.display": kStr,
		"start": kTime, "end": kTime, "status": kStr, "reasonCode": kStr,
	},
	"Procedure": {
		"id": kStr, "code": kStr, "code.system": kStr, "code.display": kStr, "code.text": kStr,
		"performed": kTime, "performed.end": kTime, "reasonCode": kStr, "status": kStr,
	},
}

// DefaultMapping returns the mapping used when none is given (see Mapping).
// It has no reference date: set one with WithReferenceDate when the schema
// has an age field.
func DefaultMapping() *Mapping {
	f := func(pairs ...string) []FieldMapping {
		var out []FieldMapping
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, FieldMapping{Field: pairs[i], Element: pairs[i+1]})
		}
		return out
	}
	return &Mapping{
		Default: true,
		Patient: f("id", "id", "age", "age", "gender", "gender", "birth_date", "birthDate",
			"deceased", "deceased", "death_date", "deceasedDateTime", "city", "address.city",
			"state", "address.state", "postal_code", "address.postalCode", "county", "address.district",
			"country", "address.country"),
		Events: []EventMapping{
			{Field: "conditions", Resources: []string{"Condition"}, Fields: f("id", "id", "code", "code",
				"system", "code.system", "display", "code.display", "onset", "onset", "abatement", "abatement",
				"recorded", "recordedDate", "clinical_status", "clinicalStatus",
				"verification_status", "verificationStatus", "category", "category")},
			{Field: "observations", Resources: []string{"Observation"}, Fields: f("id", "id", "code", "code",
				"system", "code.system", "display", "code.display", "value", "value", "unit", "value.unit",
				"value_code", "value.code", "value_string", "value.string", "effective", "effective",
				"category", "category", "status", "status")},
			{Field: "encounters", Resources: []string{"Encounter"}, Fields: f("id", "id", "class", "class",
				"code", "type", "system", "type.system", "display", "type.display", "start", "period.start",
				"end", "period.end", "length_of_stay", "lengthOfStay", "los_days", "lengthOfStay.days",
				"discharge_disposition", "hospitalization.dischargeDisposition", "reason", "reasonCode",
				"status", "status")},
			{Field: "medications", Resources: []string{"MedicationRequest", "MedicationStatement"}, Fields: f(
				"id", "id", "code", "medication", "system", "medication.system", "display", "medication.display",
				"start", "start", "end", "end", "status", "status", "reason", "reasonCode")},
			{Field: "procedures", Resources: []string{"Procedure"}, Fields: f("id", "id", "code", "code",
				"system", "code.system", "display", "code.display", "performed", "performed",
				"end", "performed.end", "reason", "reasonCode", "status", "status")},
		},
	}
}

// maxMappingBytes bounds a mapping file.
const maxMappingBytes = 1 << 20

// ParseMappingFile reads a mapping from a YAML file.
func ParseMappingFile(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	return ParseMapping(path, data)
}

// ParseMapping reads a mapping from YAML (see Mapping); file names the
// source in positions. Every problem is reported at once, as
// indicator.Diagnostics; unknown keys, resource types and elements are
// errors.
func ParseMapping(file string, data []byte) (*Mapping, error) {
	mp := &mparser{file: file, lines: strings.Split(string(data), "\n")}
	m := &Mapping{lines: mp.lines, Pos: indicator.Position{File: file, Line: 1, Column: 1}}
	if len(data) > maxMappingBytes {
		mp.errorf(nil, "", "file larger than %d bytes", maxMappingBytes)
		return nil, mp.diags
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			mp.errorf(nil, "", "empty document")
		} else {
			mp.yamlError(data, err)
		}
		return nil, mp.diags
	}
	if len(doc.Content) == 0 {
		mp.errorf(nil, "", "empty document")
		return nil, mp.diags
	}
	mp.mapping(doc.Content[0], m)
	if len(mp.diags) > 0 {
		return nil, mp.diags
	}
	return m, nil
}

type mparser struct {
	file  string
	lines []string
	diags indicator.Diagnostics
}

func (p *mparser) pos(n *yaml.Node) indicator.Position {
	if n == nil {
		return indicator.Position{File: p.file, Line: 1, Column: 1}
	}
	return indicator.Position{File: p.file, Line: n.Line, Column: n.Column}
}

func (p *mparser) errorf(n *yaml.Node, owner, format string, args ...any) {
	pos := p.pos(n)
	p.diags = append(p.diags, indicator.Diagnostic{Pos: pos, Owner: owner, Class: indicator.ErrInvalidDefinition, Message: fmt.Sprintf(format, args...), Line: p.line(pos.Line)})
}

// line returns line k (1-based) of the file without its line ending, or "".
func (p *mparser) line(k int) string {
	if k < 1 || k > len(p.lines) {
		return ""
	}
	return strings.TrimRight(p.lines[k-1], "\r")
}

func (p *mparser) yamlError(data []byte, err error) {
	for _, yp := range yamlpos.Problems(data, err) {
		pos := indicator.Position{File: p.file, Line: yp.Line, Column: yp.Column}
		p.diags = append(p.diags, indicator.Diagnostic{Pos: pos, Class: indicator.ErrInvalidDefinition, Message: "YAML: " + yp.Message, Line: p.line(yp.Line)})
	}
}

// pairs returns a mapping's key/value pairs, reporting duplicates, and
// calls known for each key to say whether it is allowed.
func (p *mparser) pairs(n *yaml.Node, owner string) [][2]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, owner, "want a mapping")
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			p.errorf(k, owner, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	return out
}

func (p *mparser) scalar(n *yaml.Node, owner string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, owner, "want a string")
		return "", false
	}
	return n.Value, true
}

func (p *mparser) mapping(n *yaml.Node, m *Mapping) {
	m.Pos = p.pos(n)
	for _, kv := range p.pairs(n, "mapping") {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "reference_date":
			s, ok := p.scalar(v, "mapping reference_date")
			if !ok {
				continue
			}
			t, err := textvalue.Timestamp(s)
			if err != nil {
				p.errorf(v, "mapping reference_date", "want a date (YYYY-MM-DD) or RFC 3339 time")
				continue
			}
			m.ReferenceDate = t
		case "patient":
			m.Patient = p.fields(v, "Patient", "patient")
		case "events":
			for _, ev := range p.pairs(v, "mapping events") {
				m.Events = append(m.Events, p.events(ev[0], ev[1]))
			}
		default:
			p.errorf(k, "mapping", "unknown key %q (want one of: events, patient, reference_date)", k.Value)
		}
	}
}

// fields reads "field: element" pairs, checking the elements against
// every resource type in types.
func (p *mparser) fields(n *yaml.Node, types, owner string) []FieldMapping {
	var out []FieldMapping
	for _, kv := range p.pairs(n, owner) {
		k, v := kv[0], kv[1]
		el, ok := p.scalar(v, owner+" "+k.Value)
		if !ok {
			continue
		}
		for _, rt := range strings.Split(types, ",") {
			if _, ok := elementTable[rt][el]; !ok {
				p.errorf(v, owner+" "+k.Value, "%s has no element %q (want one of: %s)", rt, el, strings.Join(elementNames(rt), ", "))
			}
		}
		out = append(out, FieldMapping{Field: k.Value, Element: el, Pos: p.pos(k)})
	}
	return out
}

func elementNames(rt string) []string {
	var out []string
	for name := range elementTable[rt] {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (p *mparser) events(k, v *yaml.Node) EventMapping {
	em := EventMapping{Field: k.Value, Pos: p.pos(k)}
	owner := "events " + k.Value
	var fields *yaml.Node
	for _, kv := range p.pairs(v, owner) {
		switch kv[0].Value {
		case "resources":
			r := kv[1]
			if r.Kind == yaml.ScalarNode {
				em.Resources = []string{r.Value}
			} else if r.Kind == yaml.SequenceNode {
				for _, it := range r.Content {
					if s, ok := p.scalar(it, owner+" resources"); ok {
						em.Resources = append(em.Resources, s)
					}
				}
			} else {
				p.errorf(r, owner, "resources: want a resource type or a list of them")
			}
		case "fields":
			fields = kv[1]
		default:
			p.errorf(kv[0], owner, "unknown key %q (want one of: fields, resources)", kv[0].Value)
		}
	}
	known := true
	for _, rt := range em.Resources {
		if _, ok := elementTable[rt]; !ok || rt == "Patient" {
			p.errorf(v, owner, "unknown event resource type %q (want one of: %s)", rt, strings.Join(eventTypes(), ", "))
			known = false
		}
	}
	if len(em.Resources) == 0 {
		p.errorf(v, owner, "want resources: the resource types of the events")
		known = false
	}
	switch {
	case fields == nil:
		p.errorf(v, owner, "want fields: the events' fields and their elements")
	case known:
		em.Fields = p.fields(fields, strings.Join(em.Resources, ","), owner)
	}
	return em
}

func eventTypes() []string {
	var out []string
	for rt := range elementTable {
		if rt != "Patient" {
			out = append(out, rt)
		}
	}
	slices.Sort(out)
	return out
}

// boundField is one schema field fed by one element ("" when the field is
// left out and null).
type boundField struct {
	name    string
	element string
	kind    indicator.Kind
	null    bool // the field is nullable
}

// boundEvents is one event-list field fed by resources of some types.
type boundEvents struct {
	field     int // the top-level field
	resources []string
	fields    []boundField
}

// binding is a mapping checked against a schema.
type binding struct {
	patient []boundField // the schema's scalar fields, in order
	events  []boundEvents
	byType  map[string][]int // resource type → indices into events
	refDate time.Time
}

// bind checks m against schema and returns what the readers follow.
func bind(m *Mapping, schema *indicator.Schema, refDate time.Time) (*binding, error) {
	var ds indicator.Diagnostics
	diag := func(pos indicator.Position, owner, format string, args ...any) {
		if pos.File == "" && m.Pos.File == "" {
			owner = strings.TrimSpace("default mapping " + owner)
		}
		if pos.File == "" {
			pos = m.Pos
		}
		d := indicator.Diagnostic{Pos: pos, Owner: owner, Class: indicator.ErrInvalidDefinition, Message: fmt.Sprintf(format, args...)}
		if pos.Line >= 1 && pos.Line <= len(m.lines) {
			d.Line = strings.TrimRight(m.lines[pos.Line-1], "\r")
		}
		ds = append(ds, d)
	}
	b := &binding{byType: map[string][]int{}, refDate: m.ReferenceDate}
	if !refDate.IsZero() {
		b.refDate = refDate
	}
	fieldsOf := func(fields []indicator.Field, mapped []FieldMapping, types []string, owner string) []boundField {
		var out []boundField
		used := map[string]bool{}
		for _, f := range fields {
			if f.Kind == indicator.KindEvents {
				continue
			}
			bf := boundField{name: f.Name, kind: f.Kind, null: f.Nullable}
			for _, fm := range mapped {
				if fm.Field != f.Name {
					continue
				}
				used[fm.Field] = true
				for _, rt := range types {
					ek, ok := elementTable[rt][fm.Element]
					switch {
					case !ok:
						diag(fm.Pos, owner, "%s has no element %q", rt, fm.Element)
					case f.Kind == indicator.KindList:
						diag(fm.Pos, owner, "field %s is a list, which no element fills", f.Name)
					case ek != f.Kind && !(ek == indicator.KindInt && f.Kind == indicator.KindDouble):
						diag(fm.Pos, owner, "field %s has type %s, but %s.%s is a %s", f.Name, f.TypeString(), rt, fm.Element, ek)
					}
				}
				bf.element = fm.Element
				if fm.Element == "age" && b.refDate.IsZero() {
					diag(fm.Pos, owner, "field %s is the age, which needs a reference date (reference_date, or WithReferenceDate)", f.Name)
				}
			}
			if bf.element == "" && !f.Nullable {
				diag(indicator.Position{}, owner, "schema field %s is not mapped and not nullable", f.Name)
			}
			out = append(out, bf)
		}
		if !m.Default {
			for _, fm := range mapped {
				if !used[fm.Field] {
					diag(fm.Pos, owner, "no schema field %q", fm.Field)
				}
			}
		}
		return out
	}
	b.patient = fieldsOf(schema.Fields, m.Patient, []string{"Patient"}, "patient")
	usedEvents := map[string]bool{}
	for i, f := range schema.Fields {
		if f.Kind != indicator.KindEvents {
			continue
		}
		var em *EventMapping
		for k := range m.Events {
			if m.Events[k].Field == f.Name {
				em = &m.Events[k]
			}
		}
		if em == nil {
			diag(indicator.Position{}, "events", "the schema's event list %s is not mapped", f.Name)
			continue
		}
		usedEvents[f.Name] = true
		be := boundEvents{field: i, resources: em.Resources}
		be.fields = fieldsOf(f.Fields, em.Fields, em.Resources, "events "+f.Name)
		for _, rt := range em.Resources {
			b.byType[rt] = append(b.byType[rt], len(b.events))
		}
		b.events = append(b.events, be)
	}
	if !m.Default {
		for _, em := range m.Events {
			if !usedEvents[em.Field] {
				diag(em.Pos, "events", "no event-list field %q in the schema", em.Field)
			}
		}
	}
	if len(ds) > 0 {
		return nil, ds
	}
	return b, nil
}

// resourceTypes names the resource types of each event-list field.
func (b *binding) resourceTypes(field int) string {
	for _, e := range b.events {
		if e.field == field {
			return strings.Join(e.resources, ", ")
		}
	}
	return ""
}

// age is the age in whole years on ref of someone born at birth; false
// when born after ref.
func age(birth, ref time.Time) (int64, bool) {
	if birth.After(ref) {
		return 0, false
	}
	y := ref.Year() - birth.Year()
	if ref.Month() < birth.Month() || ref.Month() == birth.Month() && ref.Day() < birth.Day() {
		y--
	}
	return int64(y), true
}
