package source

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// SyntheaFiles are the Synthea CSV files the Synthea source reads and the
// FHIR resource types they stand for in a Mapping. patients.csv is
// required; a file that is absent gives no events (ma-style exports
// without observations.csv, say).
var SyntheaFiles = []struct{ Name, ResourceType string }{
	{"patients.csv", "Patient"},
	{"conditions.csv", "Condition"},
	{"encounters.csv", "Encounter"},
	{"observations.csv", "Observation"},
	{"medications.csv", "MedicationRequest"},
	{"procedures.csv", "Procedure"},
}

// Code systems of Synthea's codes, as FHIR URIs.
const (
	SNOMED = "http://snomed.info/sct"
	LOINC  = "http://loinc.org"
	RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
)

// Synthea returns a source of the Synthea CSV export in fsys (e.g.
// os.DirFS(dir)), grouped by patient like FHIRNDJSON, through the same
// Mapping: each file stands for a FHIR resource type (SyntheaFiles), and
// each element is read from the columns of the same meaning, found by
// header name, so that the CSV layouts of Synthea 2.x and 3.x both work:
//
//	Patient.id Id, gender GENDER (M/F become male/female), birthDate
//	  BIRTHDATE, age (from BIRTHDATE), deceased and deceasedDateTime
//	  DEATHDATE, address.city CITY, address.state STATE, address.postalCode
//	  ZIP, address.district COUNTY
//	subject of every other file: PATIENT
//	code, type, medication: CODE; *.display and code.text: DESCRIPTION;
//	  *.system: SYSTEM when the file has it (SNOMED-CT, LOINC, RxNorm and
//	  ICD10 become their URIs), else SNOMED CT (conditions, encounters,
//	  procedures), LOINC (observations) or RxNorm (medications)
//	Condition onset and recordedDate START, abatement STOP, clinicalStatus
//	  active or resolved (STOP empty or not)
//	Observation value VALUE when a number, value.string VALUE otherwise,
//	  value.unit UNITS, effective and issued DATE, category CATEGORY,
//	  status final
//	Encounter id Id, class ENCOUNTERCLASS, period START and STOP,
//	  lengthOfStay STOP - START, reasonCode REASONCODE, status finished
//	MedicationRequest start START, end STOP, status active or completed,
//	  reasonCode REASONCODE
//	Procedure performed START (or DATE), performed.end STOP, reasonCode
//	  REASONCODE, status completed
//
// Elements with no Synthea column (Condition.id, verificationStatus,
// category, Observation value.code, Encounter dischargeDisposition,
// address.country) are null. A mapped field that is not nullable and whose
// column the file lacks is an error.
//
// Synthea's files are not sorted by patient (checked on real exports: each
// file interleaves patients), so every file is read before the first
// batch, into the side store described under Grouped. A
// row with a bad value (a malformed date, no PATIENT) is skipped and
// counted, as are rows whose patient is not in patients.csv.
//
// Options: WithMapping, WithReferenceDate, WithBatchSize, WithMaxResources,
// WithMaxSkips.
func Synthea(schema *indicator.Schema, fsys fs.FS, opts ...Option) *Grouped {
	cfg := newConfig(opts)
	g := &grouped{schema: schema, cfg: cfg, types: func(int) string { return "" }}
	g.sk.max = cfg.maxSkips
	g.load = func(ctx context.Context, st *store, sk *skips) error {
		m := cfg.mapping
		if m == nil {
			m = DefaultMapping()
		}
		b, err := bind(m, schema, cfg.refDate)
		if err != nil {
			return fmt.Errorf("source: Synthea mapping: %w", err)
		}
		g.types = b.resourceTypes
		for _, sf := range SyntheaFiles {
			if sf.ResourceType != "Patient" && len(b.byType[sf.ResourceType]) == 0 {
				continue // not mapped: not read
			}
			f, err := fsys.Open(sf.Name)
			if errors.Is(err, fs.ErrNotExist) && sf.ResourceType != "Patient" {
				continue
			}
			if err != nil {
				return fmt.Errorf("source: Synthea: %w", err)
			}
			sr := &syntheaReader{b: b, st: st, sk: sk, file: sf.Name, rt: sf.ResourceType}
			err = sr.read(ctx, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	return &Grouped{stream: newStream(schema, cfg, g), g: g}
}

// syntheaGetter reads one element from a row.
type syntheaGetter func(rec []string) (value, error)

type syntheaReader struct {
	b    *binding
	st   *store
	sk   *skips
	file string
	rt   string
	cols map[string]int
}

// col returns the index of the first of names the header has, or -1.
func (sr *syntheaReader) col(names ...string) int {
	for _, n := range names {
		if i, ok := sr.cols[n]; ok {
			return i
		}
	}
	return -1
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// syntheaSystem maps Synthea's code-system names to FHIR URIs.
func syntheaSystem(s string) string {
	switch strings.ToUpper(s) {
	case "SNOMED-CT", "SNOMED CT", "SNOMED":
		return SNOMED
	case "LOINC":
		return LOINC
	case "RXNORM":
		return RxNorm
	case "ICD10", "ICD-10", "ICD10CM", "ICD-10-CM":
		return "http://hl7.org/fhir/sid/icd-10-cm"
	}
	return s
}

// getter returns how to read element, and the column it needs (for
// messages; "" for a constant). ok is false when the file lacks it.
func (sr *syntheaReader) getter(element string) (get syntheaGetter, column string, ok bool) {
	str := func(names ...string) (syntheaGetter, string, bool) {
		i := sr.col(names...)
		return func(rec []string) (value, error) { return stringValue(cell(rec, i)), nil }, names[0], i >= 0
	}
	tm := func(names ...string) (syntheaGetter, string, bool) {
		i := sr.col(names...)
		name := names[0]
		return func(rec []string) (value, error) { return fhirTime(name, cell(rec, i)) }, name, i >= 0
	}
	konst := func(s string) (syntheaGetter, string, bool) {
		return func([]string) (value, error) { return stringValue(s), nil }, "", true
	}
	ifEmpty := func(name, empty, full string) (syntheaGetter, string, bool) {
		i := sr.col(name)
		return func(rec []string) (value, error) {
			if cell(rec, i) == "" {
				return stringValue(empty), nil
			}
			return stringValue(full), nil
		}, name, i >= 0
	}
	defaultSystem := map[string]string{"Condition": SNOMED, "Encounter": SNOMED, "Procedure": SNOMED,
		"Observation": LOINC, "MedicationRequest": RxNorm}[sr.rt]
	switch element {
	case "id":
		return str("ID")
	case "gender":
		i := sr.col("GENDER")
		return func(rec []string) (value, error) {
			switch g := cell(rec, i); strings.ToUpper(g) {
			case "M":
				return stringValue("male"), nil
			case "F":
				return stringValue("female"), nil
			default:
				return stringValue(strings.ToLower(g)), nil
			}
		}, "GENDER", i >= 0
	case "birthDate":
		return tm("BIRTHDATE")
	case "age":
		i := sr.col("BIRTHDATE")
		return func(rec []string) (value, error) {
			b, err := fhirTime("BIRTHDATE", cell(rec, i))
			if err != nil || b.kind == indicator.KindInvalid {
				return null, err
			}
			if a, ok := age(time.Unix(0, b.i).UTC(), sr.b.refDate); ok {
				return intValue(a), nil
			}
			return null, nil
		}, "BIRTHDATE", i >= 0
	case "deceased":
		i := sr.col("DEATHDATE")
		return func(rec []string) (value, error) { return boolValue(cell(rec, i) != ""), nil }, "DEATHDATE", i >= 0
	case "deceasedDateTime":
		return tm("DEATHDATE")
	case "address.city":
		return str("CITY")
	case "address.state":
		return str("STATE")
	case "address.postalCode":
		return str("ZIP")
	case "address.district":
		return str("COUNTY")
	case "code", "type", "medication":
		return str("CODE")
	case "code.display", "code.text", "type.display", "medication.display":
		return str("DESCRIPTION")
	case "code.system", "type.system", "medication.system":
		i := sr.col("SYSTEM")
		if i < 0 {
			return konst(defaultSystem)
		}
		return func(rec []string) (value, error) {
			if s := cell(rec, i); s != "" {
				return stringValue(syntheaSystem(s)), nil
			}
			return stringValue(defaultSystem), nil
		}, "SYSTEM", true
	case "onset", "recordedDate", "start", "period.start":
		return tm("START")
	case "performed":
		return tm("START", "DATE")
	case "abatement", "end", "period.end", "performed.end":
		return tm("STOP")
	case "clinicalStatus":
		return ifEmpty("STOP", "active", "resolved")
	case "status":
		switch sr.rt {
		case "Observation":
			return konst("final")
		case "Encounter":
			return konst("finished")
		case "Procedure":
			return konst("completed")
		}
		return ifEmpty("STOP", "active", "completed")
	case "value", "value.string":
		i, t := sr.col("VALUE"), sr.col("TYPE")
		numeric := func(rec []string) (float64, bool) {
			if t >= 0 && cell(rec, t) != "numeric" {
				return 0, false
			}
			f, err := strconv.ParseFloat(cell(rec, i), 64)
			return f, err == nil && f == f && f-f == 0
		}
		if element == "value" {
			return func(rec []string) (value, error) {
				if f, ok := numeric(rec); ok {
					return doubleValue(f), nil
				}
				return null, nil
			}, "VALUE", i >= 0
		}
		return func(rec []string) (value, error) {
			if _, ok := numeric(rec); ok {
				return null, nil
			}
			return stringValue(cell(rec, i)), nil
		}, "VALUE", i >= 0
	case "value.unit":
		return str("UNITS")
	case "effective", "issued":
		return tm("DATE")
	case "category":
		if sr.rt == "Observation" {
			return str("CATEGORY")
		}
	case "reasonCode":
		return str("REASONCODE")
	case "class":
		return str("ENCOUNTERCLASS")
	case "lengthOfStay", "lengthOfStay.days":
		s, e := sr.col("START"), sr.col("STOP")
		return func(rec []string) (value, error) {
			sv, err1 := fhirTime("START", cell(rec, s))
			ev, err2 := fhirTime("STOP", cell(rec, e))
			if err := errors.Join(err1, err2); err != nil {
				return null, err
			}
			if sv.kind == indicator.KindInvalid || ev.kind == indicator.KindInvalid {
				return null, nil
			}
			d := time.Duration(ev.i - sv.i)
			if element == "lengthOfStay" {
				return durValue(d), nil
			}
			return doubleValue(d.Hours() / 24), nil
		}, "START", s >= 0 && e >= 0
	}
	return func([]string) (value, error) { return null, nil }, "", false
}

type syntheaField struct {
	get    syntheaGetter
	null   bool
	name   string
	column string
}

// plan resolves the getters of fields; a field that is not nullable must
// have its column.
func (sr *syntheaReader) plan(fields []boundField) ([]syntheaField, error) {
	out := make([]syntheaField, len(fields))
	for i, f := range fields {
		out[i] = syntheaField{null: f.null, name: f.name, get: func([]string) (value, error) { return null, nil }}
		if f.element == "" {
			continue
		}
		get, column, ok := sr.getter(f.element)
		if !ok && !f.null {
			return nil, fmt.Errorf("source: Synthea %s: field %s (%s.%s) needs a column the file does not have, and is not nullable: %w",
				sr.file, f.name, sr.rt, f.element, indicator.ErrInvalidData)
		}
		out[i].get, out[i].column = get, column
	}
	return out, nil
}

// read reads one CSV file into the store.
func (sr *syntheaReader) read(ctx context.Context, r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return sr.csvError(err)
	}
	sr.cols = map[string]int{}
	for j, h := range header {
		if j == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToUpper(strings.TrimSpace(h))
		if _, dup := sr.cols[h]; !dup {
			sr.cols[h] = j
		}
	}
	var plans [][]syntheaField
	var fields []int
	subject := -1
	if sr.rt == "Patient" {
		if sr.col("ID") < 0 {
			return fmt.Errorf("source: Synthea %s: no Id column: %w", sr.file, indicator.ErrInvalidData)
		}
		p, err := sr.plan(sr.b.patient)
		if err != nil {
			return err
		}
		plans = append(plans, p)
	} else {
		if subject = sr.col("PATIENT", "PATIENTID"); subject < 0 {
			return fmt.Errorf("source: Synthea %s: no PATIENT column: %w", sr.file, indicator.ErrInvalidData)
		}
		for _, ei := range sr.b.byType[sr.rt] {
			p, err := sr.plan(sr.b.events[ei].fields)
			if err != nil {
				return err
			}
			plans = append(plans, p)
			fields = append(fields, sr.b.events[ei].field)
		}
	}
	width := 0
	for _, p := range plans {
		width = max(width, len(p))
	}
	vals := make([]value, width)
	idCol := sr.col("ID")
	for n := 1; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrQuote) && !errors.Is(pe.Err, csv.ErrBareQuote) {
				return sr.csvError(err)
			}
			if errors.As(err, &pe) {
				sr.sk.add(Skip{File: sr.file, Line: pe.Line, ResourceType: sr.rt, Reason: "malformed CSV: " + pe.Err.Error()})
				continue
			}
			return sr.csvError(err)
		}
		line, _ := cr.FieldPos(0)
		skip := func(element, reason string) {
			sr.sk.add(Skip{File: sr.file, Line: line, ResourceType: sr.rt, ID: cell(rec, idCol), Element: element, Reason: reason})
		}
		key := ""
		if subject >= 0 {
			if key = cell(rec, subject); key == "" {
				skip(sr.cols2name(subject), "no patient id")
				continue
			}
		} else if key = cell(rec, idCol); key == "" {
			skip("Id", "no id")
			continue
		}
	plans:
		for k, p := range plans {
			for i, f := range p {
				v, err := f.get(rec)
				if err != nil {
					reason := err.Error()
					var ee *elementError
					if errors.As(err, &ee) {
						reason = ee.reason
					}
					skip(f.column, reason)
					break plans
				}
				if v.kind == indicator.KindInvalid && !f.null {
					skip(f.column, fmt.Sprintf("empty, but field %s is not nullable", f.name))
					break plans
				}
				vals[i] = v
			}
			if subject < 0 {
				added, err := sr.st.addPatient(key, vals)
				if err != nil {
					return err
				}
				if !added {
					skip("Id", "a second patient with this id")
				}
				continue
			}
			if err := sr.st.addEvent(fields[k], key, vals); err != nil {
				return err
			}
		}
	}
}

func (sr *syntheaReader) cols2name(i int) string {
	for name, j := range sr.cols {
		if j == i {
			return name
		}
	}
	return ""
}

func (sr *syntheaReader) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("source: Synthea %s: %w: %w", sr.file, err, indicator.ErrInvalidData)
	}
	return fmt.Errorf("source: Synthea %s: reading: %w", sr.file, err)
}
