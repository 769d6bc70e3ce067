package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// File is one input file of a multi-file source: a name for messages and
// its content.
type File struct {
	Name string
	R    io.Reader
}

// Grouped is a source that groups resources (FHIR) or rows (Synthea) by
// patient into records, one per Patient, in the order the Patients were
// read. Besides indicator.Source it tells what it skipped.
//
// A resource that cannot be used — malformed JSON on an NDJSON line, an
// unknown resourceType, no id, an element of the wrong JSON type or a
// date that is not a FHIR date, a subject that is not a patient, a mapped
// element that is missing for a field that is not nullable, a second
// Patient with the same id, events whose patient has no Patient resource
// — is skipped: it is counted (SkippedCount) and the first few are
// described (Skipped, WithMaxSkips), with the file, line or Bundle entry,
// resource type, id, element and what is wrong, never a value from the
// data. Reading goes on. An I/O error, a malformed Bundle (its JSON cannot
// be read past the error), a bad mapping or too many resources
// (WithMaxResources) stop the source with an error from Err.
//
// # Memory
//
// FHIR Bulk Data and Synthea files are one file per resource type and not
// sorted by patient, so a record is complete only once every file has been
// read. The source therefore reads all input on the first Next into a
// compact columnar side store, then streams the records out a batch at a
// time. Only mapped elements are kept: 8 bytes a number, time or duration,
// 4 bytes a string (an index into a table that keeps each distinct string
// once), a bit for null, plus 8 bytes an event for its patient and its
// place in the patient's group, and one map entry per patient id. No
// resource, line or map is kept per resource. 1,000,000 resources (250,000
// patients; default mapping) retain about 72 MB, with a peak heap of about
// 150 MB while reading (BenchmarkFHIRNDJSON). WithMaxResources bounds the
// resources kept (default DefaultMaxResources); past it the source stops
// with an error wrapping ErrTooManyResources.
type Grouped struct {
	*stream
	g *grouped
}

// Skipped describes the first skipped resources (at most WithMaxSkips),
// in the order met. Call it after the source has been read.
func (s *Grouped) Skipped() []Skip { return s.g.sk.list }

// SkippedCount is the number of resources (or rows) skipped.
func (s *Grouped) SkippedCount() int64 { return s.g.sk.count }

// Records is the number of patients grouped, known once the first Next has
// returned (0 before).
func (s *Grouped) Records() int {
	if s.g.st == nil {
		return 0
	}
	return s.g.st.patients.rows
}

// FHIRNDJSON returns a source of FHIR R4 resources in NDJSON (one resource
// per line, as in a Bulk Data export, usually one file per resource type,
// though any file may hold any type), grouped by patient: one record per
// Patient, with the events of the resources whose subject (or patient)
// references it. The mapping (WithMapping, default DefaultMapping) says
// which elements become which fields. Every line of every file is read
// before the first batch is delivered: see Grouped for the memory this
// takes.
//
// Options: WithMapping, WithReferenceDate, WithBatchSize, WithMaxLineBytes,
// WithMaxResources, WithMaxSkips.
func FHIRNDJSON(schema *indicator.Schema, files []File, opts ...Option) *Grouped {
	return newFHIR(schema, opts, eachFile(files, false))
}

// FHIRBundle returns a source of FHIR R4 Bundles (JSON; a file may hold
// several Bundles one after the other), grouped by patient across all the
// Bundles as FHIRNDJSON does. Each Bundle is read as a stream of tokens,
// one entry at a time; references may be relative (Patient/123) or
// fullUrls (urn:uuid:...). A Bundle whose JSON is malformed stops the
// source, since nothing after the error can be read; an entry whose
// resource is unusable is skipped.
//
// Options: as FHIRNDJSON.
func FHIRBundle(schema *indicator.Schema, files []File, opts ...Option) *Grouped {
	return newFHIR(schema, opts, eachFile(files, true))
}

// FHIRDir returns a source of the FHIR R4 files in fsys (e.g. os.DirFS(dir)),
// grouped by patient as FHIRNDJSON does: every *.ndjson file as NDJSON and
// every *.json file as Bundles, in the order of their names. Files are
// opened as they are read and closed after.
//
// Options: as FHIRNDJSON.
func FHIRDir(schema *indicator.Schema, fsys fs.FS, opts ...Option) *Grouped {
	return newFHIR(schema, opts, func(read func(f File, bundle bool) error) error {
		names, err := fs.Glob(fsys, "*")
		if err != nil {
			return fmt.Errorf("source: FHIR: %w", err)
		}
		slices.Sort(names)
		for _, name := range names {
			bundle := strings.HasSuffix(name, ".json")
			if !bundle && !strings.HasSuffix(name, ".ndjson") {
				continue
			}
			f, err := fsys.Open(name)
			if err != nil {
				return fmt.Errorf("source: FHIR: %w", err)
			}
			err = read(File{Name: name, R: f}, bundle)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// eachFile calls read for each file in turn.
func eachFile(files []File, bundles bool) func(read func(File, bool) error) error {
	return func(read func(File, bool) error) error {
		for _, f := range files {
			if err := read(f, bundles); err != nil {
				return err
			}
		}
		return nil
	}
}

func newFHIR(schema *indicator.Schema, opts []Option, each func(read func(f File, bundle bool) error) error) *Grouped {
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
			return fmt.Errorf("source: FHIR mapping: %w", err)
		}
		g.types = b.resourceTypes
		fr := &fhirReader{b: b, st: st, sk: sk, maxLine: cfg.maxLineBytes}
		fr.init()
		return each(func(f File, bundle bool) error {
			if bundle {
				return fr.bundles(ctx, f)
			}
			return fr.ndjson(ctx, f)
		})
	}
	return &Grouped{stream: newStream(schema, cfg, g), g: g}
}

// The FHIR R4 elements the reader understands. Decoding into these types
// (not into maps) keeps a resource's cost to what the mapping can use;
// other elements are skipped by encoding/json.
type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type codeableConcept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

func (c *codeableConcept) first() *coding {
	if c == nil || len(c.Coding) == 0 {
		return nil
	}
	return &c.Coding[0]
}

type reference struct {
	Reference string `json:"reference"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type quantity struct {
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit"`
	System string   `json:"system"`
	Code   string   `json:"code"`
}

type address struct {
	City       string `json:"city"`
	District   string `json:"district"`
	State      string `json:"state"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

type resource struct {
	ResourceType string     `json:"resourceType"`
	ID           string     `json:"id"`
	Subject      *reference `json:"subject"`
	Patient      *reference `json:"patient"`
	Status       string     `json:"status"`

	// Patient
	Gender           string    `json:"gender"`
	BirthDate        string    `json:"birthDate"`
	DeceasedBoolean  *bool     `json:"deceasedBoolean"`
	DeceasedDateTime string    `json:"deceasedDateTime"`
	Address          []address `json:"address"`

	// Condition, Observation, Procedure
	Code               *codeableConcept  `json:"code"`
	ClinicalStatus     *codeableConcept  `json:"clinicalStatus"`
	VerificationStatus *codeableConcept  `json:"verificationStatus"`
	Category           []codeableConcept `json:"category"`
	OnsetDateTime      string            `json:"onsetDateTime"`
	OnsetPeriod        *period           `json:"onsetPeriod"`
	AbatementDateTime  string            `json:"abatementDateTime"`
	AbatementPeriod    *period           `json:"abatementPeriod"`
	RecordedDate       string            `json:"recordedDate"`
	ReasonCode         []codeableConcept `json:"reasonCode"`

	// Observation, MedicationStatement
	EffectiveDateTime    string           `json:"effectiveDateTime"`
	EffectivePeriod      *period          `json:"effectivePeriod"`
	EffectiveInstant     string           `json:"effectiveInstant"`
	Issued               string           `json:"issued"`
	ValueQuantity        *quantity        `json:"valueQuantity"`
	ValueInteger         *int64           `json:"valueInteger"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept"`
	ValueString          string           `json:"valueString"`

	// Encounter
	Class           *coding           `json:"class"`
	Type            []codeableConcept `json:"type"`
	Period          *period           `json:"period"`
	Length          *quantity         `json:"length"`
	Hospitalization *struct {
		DischargeDisposition *codeableConcept `json:"dischargeDisposition"`
	} `json:"hospitalization"`

	// MedicationRequest, MedicationStatement
	MedicationCodeableConcept *codeableConcept `json:"medicationCodeableConcept"`
	AuthoredOn                string           `json:"authoredOn"`

	// Procedure
	PerformedDateTime string  `json:"performedDateTime"`
	PerformedPeriod   *period `json:"performedPeriod"`
}

// elementError is a problem with one element of a resource.
type elementError struct {
	element string
	reason  string
}

func (e *elementError) Error() string { return "element " + e.element + ": " + e.reason }

// fhirTime reads a FHIR date, dateTime or instant; partial dates give
// their first instant. The error never quotes the value.
func fhirTime(element, s string) (value, error) {
	if s == "" {
		return null, nil
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1678 || t.Year() > 2261 {
				return null, &elementError{element, "date outside the years 1678 to 2261"}
			}
			return timeValue(t.UTC()), nil
		}
	}
	return null, &elementError{element, "not a FHIR date or dateTime"}
}

func firstOf(cs []codeableConcept) *codeableConcept {
	if len(cs) == 0 {
		return nil
	}
	return &cs[0]
}

// codeOf returns the code of the first coding.
func codeOf(c *codeableConcept) value {
	if k := c.first(); k != nil {
		return stringValue(k.Code)
	}
	return null
}

func systemOf(c *codeableConcept) value {
	if k := c.first(); k != nil {
		return stringValue(k.System)
	}
	return null
}

func displayOf(c *codeableConcept) value {
	if k := c.first(); k != nil && k.Display != "" {
		return stringValue(k.Display)
	}
	if c != nil {
		return stringValue(c.Text)
	}
	return null
}

func startOf(element, dt string, p *period) (value, error) {
	if dt != "" {
		return fhirTime(element+"DateTime", dt)
	}
	if p != nil {
		return fhirTime(element+"Period.start", p.Start)
	}
	return null, nil
}

// durationOf converts a FHIR Duration (UCUM time units) to a duration.
func durationOf(q *quantity) (time.Duration, bool) {
	if q == nil || q.Value == nil {
		return 0, false
	}
	unit := q.Code
	if unit == "" {
		unit = q.Unit
	}
	var per time.Duration
	switch unit {
	case "s", "second", "seconds":
		per = time.Second
	case "min", "minute", "minutes":
		per = time.Minute
	case "h", "hour", "hours":
		per = time.Hour
	case "d", "day", "days":
		per = 24 * time.Hour
	case "wk", "week", "weeks":
		per = 7 * 24 * time.Hour
	default:
		return 0, false
	}
	v := *q.Value * float64(per)
	if v != v || v > float64(1<<62) || v < -float64(1<<62) {
		return 0, false
	}
	return time.Duration(v), true
}

// fhirElement reads one element of the vocabulary (elementTable) from r.
func fhirElement(r *resource, element string, ref time.Time) (value, error) {
	switch element {
	case "id":
		return stringValue(r.ID), nil
	case "status":
		return stringValue(r.Status), nil
	case "gender":
		return stringValue(r.Gender), nil
	case "birthDate":
		return fhirTime("birthDate", r.BirthDate)
	case "age":
		b, err := fhirTime("birthDate", r.BirthDate)
		if err != nil || b.kind == indicator.KindInvalid {
			return null, err
		}
		if a, ok := age(time.Unix(0, b.i).UTC(), ref); ok {
			return intValue(a), nil
		}
		return null, nil
	case "deceased":
		if r.DeceasedBoolean != nil {
			return boolValue(*r.DeceasedBoolean), nil
		}
		return boolValue(r.DeceasedDateTime != ""), nil
	case "deceasedDateTime":
		return fhirTime("deceasedDateTime", r.DeceasedDateTime)
	case "address.city", "address.state", "address.postalCode", "address.district", "address.country":
		if len(r.Address) == 0 {
			return null, nil
		}
		a := &r.Address[0]
		switch element {
		case "address.city":
			return stringValue(a.City), nil
		case "address.state":
			return stringValue(a.State), nil
		case "address.postalCode":
			return stringValue(a.PostalCode), nil
		case "address.district":
			return stringValue(a.District), nil
		}
		return stringValue(a.Country), nil
	case "code":
		return codeOf(r.Code), nil
	case "code.system":
		return systemOf(r.Code), nil
	case "code.display":
		return displayOf(r.Code), nil
	case "code.text":
		if r.Code == nil {
			return null, nil
		}
		return stringValue(r.Code.Text), nil
	case "onset":
		return startOf("onset", r.OnsetDateTime, r.OnsetPeriod)
	case "abatement":
		return startOf("abatement", r.AbatementDateTime, r.AbatementPeriod)
	case "recordedDate":
		return fhirTime("recordedDate", r.RecordedDate)
	case "clinicalStatus":
		return codeOf(r.ClinicalStatus), nil
	case "verificationStatus":
		return codeOf(r.VerificationStatus), nil
	case "category":
		return codeOf(firstOf(r.Category)), nil
	case "reasonCode":
		return codeOf(firstOf(r.ReasonCode)), nil
	case "value":
		switch {
		case r.ValueQuantity != nil && r.ValueQuantity.Value != nil:
			return doubleValue(*r.ValueQuantity.Value), nil
		case r.ValueInteger != nil:
			return doubleValue(float64(*r.ValueInteger)), nil
		}
		return null, nil
	case "value.unit":
		if q := r.ValueQuantity; q != nil {
			if q.Unit != "" {
				return stringValue(q.Unit), nil
			}
			return stringValue(q.Code), nil
		}
		return null, nil
	case "value.code":
		return codeOf(r.ValueCodeableConcept), nil
	case "value.string":
		return stringValue(r.ValueString), nil
	case "effective", "start":
		switch {
		case r.EffectiveDateTime != "":
			return fhirTime("effectiveDateTime", r.EffectiveDateTime)
		case r.EffectiveInstant != "":
			return fhirTime("effectiveInstant", r.EffectiveInstant)
		case r.EffectivePeriod != nil:
			return fhirTime("effectivePeriod.start", r.EffectivePeriod.Start)
		case r.AuthoredOn != "":
			return fhirTime("authoredOn", r.AuthoredOn)
		}
		return null, nil
	case "end":
		if r.EffectivePeriod != nil {
			return fhirTime("effectivePeriod.end", r.EffectivePeriod.End)
		}
		return null, nil
	case "issued":
		return fhirTime("issued", r.Issued)
	case "class":
		if r.Class == nil {
			return null, nil
		}
		return stringValue(r.Class.Code), nil
	case "type":
		return codeOf(firstOf(r.Type)), nil
	case "type.system":
		return systemOf(firstOf(r.Type)), nil
	case "type.display":
		return displayOf(firstOf(r.Type)), nil
	case "period.start", "period.end":
		if r.Period == nil {
			return null, nil
		}
		if element == "period.start" {
			return fhirTime(element, r.Period.Start)
		}
		return fhirTime(element, r.Period.End)
	case "lengthOfStay", "lengthOfStay.days":
		d, ok := durationOf(r.Length)
		if !ok && r.Period != nil && r.Period.Start != "" && r.Period.End != "" {
			s, err1 := fhirTime("period.start", r.Period.Start)
			e, err2 := fhirTime("period.end", r.Period.End)
			if err := errors.Join(err1, err2); err != nil {
				return null, err
			}
			d, ok = time.Duration(e.i-s.i), true
		}
		switch {
		case !ok:
			return null, nil
		case element == "lengthOfStay":
			return durValue(d), nil
		}
		return doubleValue(d.Hours() / 24), nil
	case "hospitalization.dischargeDisposition":
		if r.Hospitalization == nil {
			return null, nil
		}
		return codeOf(r.Hospitalization.DischargeDisposition), nil
	case "medication":
		return codeOf(r.MedicationCodeableConcept), nil
	case "medication.system":
		return systemOf(r.MedicationCodeableConcept), nil
	case "medication.display":
		return displayOf(r.MedicationCodeableConcept), nil
	case "performed":
		return startOf("performed", r.PerformedDateTime, r.PerformedPeriod)
	case "performed.end":
		if r.PerformedPeriod != nil {
			return fhirTime("performedPeriod.end", r.PerformedPeriod.End)
		}
		return null, nil
	}
	return null, &elementError{element, "not supported"}
}

// patientKey returns the id a reference points at: Patient/123,
// http://host/fhir/Patient/123 and urn:uuid:123 all give 123.
func patientKey(ref string) (string, bool) {
	switch {
	case strings.HasPrefix(ref, "urn:uuid:"):
		return ref[len("urn:uuid:"):], len(ref) > len("urn:uuid:")
	case strings.HasPrefix(ref, "Patient/"):
		ref = ref[len("Patient/"):]
	default:
		i := strings.LastIndex(ref, "/Patient/")
		if i < 0 {
			return "", false
		}
		ref = ref[i+len("/Patient/"):]
	}
	if j := strings.Index(ref, "/_history/"); j >= 0 {
		ref = ref[:j]
	}
	return ref, ref != "" && !strings.Contains(ref, "/")
}

// fhirReader turns resources into stored patients and events.
type fhirReader struct {
	b       *binding
	st      *store
	sk      *skips
	maxLine int
	res     resource
	vals    []value
	loc     Skip // where the current resource is
}

func (fr *fhirReader) init() {
	n := len(fr.b.patient)
	for _, e := range fr.b.events {
		n = max(n, len(e.fields))
	}
	fr.vals = make([]value, n)
}

func (fr *fhirReader) skip(reason, element string) {
	s := fr.loc
	s.ResourceType, s.ID = fr.res.ResourceType, fr.res.ID
	s.Reason, s.Element = reason, element
	fr.sk.add(s)
}

// decodeError describes why a resource did not decode, without quoting it.
func decodeError(err error) (reason, element string) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset), ""
	case errors.As(err, &te):
		return fmt.Sprintf("want %s, got a JSON %s", jsonTypeName(te.Type.Kind().String()), firstWord(te.Value)), te.Field
	}
	return "malformed JSON", ""
}

func jsonTypeName(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

// add stores the decoded resource fr.res, or skips it.
func (fr *fhirReader) add() error {
	r := &fr.res
	if r.ResourceType == "" {
		fr.skip("no resourceType", "resourceType")
		return nil
	}
	if r.ResourceType == "Patient" {
		return fr.addPatient()
	}
	events, known := fr.b.byType[r.ResourceType]
	if !known {
		if _, ok := elementTable[r.ResourceType]; ok {
			return nil // a type the mapping does not use: not a problem
		}
		fr.skip("unknown resource type", "resourceType")
		return nil
	}
	if r.ID == "" {
		fr.skip("no id", "id")
		return nil
	}
	ref, element := r.Subject, "subject"
	if ref == nil {
		ref, element = r.Patient, "patient"
	}
	if ref == nil || ref.Reference == "" {
		fr.skip("no subject reference", "subject")
		return nil
	}
	key, ok := patientKey(ref.Reference)
	if !ok {
		fr.skip("subject is not a reference to a Patient", element)
		return nil
	}
	for _, ei := range events {
		be := &fr.b.events[ei]
		if !fr.extract(be.fields) {
			return nil
		}
		if err := fr.st.addEvent(be.field, key, fr.vals); err != nil {
			return err
		}
	}
	return nil
}

func (fr *fhirReader) addPatient() error {
	r := &fr.res
	if r.ID == "" {
		fr.skip("no id", "id")
		return nil
	}
	if !fr.extract(fr.b.patient) {
		return nil
	}
	added, err := fr.st.addPatient(r.ID, fr.vals)
	if err != nil {
		return err
	}
	if !added {
		fr.skip("a second Patient with this id", "id")
	}
	return nil
}

// extract fills fr.vals with the mapped elements; false (and a skip) if
// one is malformed or a field that is not nullable is missing.
func (fr *fhirReader) extract(fields []boundField) bool {
	for i, f := range fields {
		v := null
		if f.element != "" {
			var err error
			v, err = fhirElement(&fr.res, f.element, fr.b.refDate)
			if err != nil {
				var ee *elementError
				if errors.As(err, &ee) {
					fr.skip(ee.reason, ee.element)
				} else {
					fr.skip(err.Error(), f.element)
				}
				return false
			}
		}
		if v.kind == indicator.KindInvalid && !f.null {
			fr.skip(fmt.Sprintf("missing, but field %s is not nullable", f.name), f.element)
			return false
		}
		fr.vals[i] = v
	}
	return true
}

// ndjson reads one NDJSON file.
func (fr *fhirReader) ndjson(ctx context.Context, f File) error {
	br := bufio.NewReaderSize(f.R, 64<<10)
	var buf []byte
	for line := 1; ; line++ {
		if line%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		data, tooLong, err := readLine(br, &buf, fr.maxLine)
		if err == io.EOF && data == nil {
			return nil
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("source: FHIR %s: reading: %w", f.Name, err)
		}
		fr.loc = Skip{File: f.Name, Line: line}
		fr.res = resource{}
		switch {
		case tooLong:
			fr.skip(fmt.Sprintf("line longer than %d bytes (see WithMaxLineBytes)", fr.maxLine), "")
		case len(bytes.TrimSpace(data)) == 0:
		default:
			if line == 1 {
				data = bytes.TrimPrefix(data, []byte("\ufeff"))
			}
			if derr := json.Unmarshal(data, &fr.res); derr != nil {
				reason, element := decodeError(derr)
				var te *json.UnmarshalTypeError
				if !errors.As(derr, &te) {
					fr.res = resource{} // a half-decoded resource says nothing reliable
				}
				fr.skip(reason, element)
			} else if aerr := fr.add(); aerr != nil {
				return aerr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads one line without its line break into *buf. A line longer
// than max is consumed and reported as tooLong, not kept. At the end of
// the input it returns io.EOF, with the last line if it had no line break.
func readLine(br *bufio.Reader, buf *[]byte, max int) (line []byte, tooLong bool, err error) {
	*buf = (*buf)[:0]
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(*buf)+len(chunk) > max+2 {
				tooLong = true
				*buf = (*buf)[:0]
			} else {
				*buf = append(*buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if len(*buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return bytes.TrimRight(*buf, "\r\n"), tooLong, io.EOF
		case err != nil:
			return nil, false, err
		}
		return bytes.TrimRight(*buf, "\r\n"), tooLong, nil
	}
}

// bundles reads the Bundles of one file as a stream of JSON tokens.
func (fr *fhirReader) bundles(ctx context.Context, f File) error {
	dec := json.NewDecoder(bufio.NewReaderSize(f.R, 64<<10))
	fail := func(what string, err error) error {
		if err != nil && !errors.As(err, new(*json.SyntaxError)) && err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("source: FHIR Bundle %s: reading: %w", f.Name, err)
		}
		return fmt.Errorf("source: FHIR Bundle %s: malformed Bundle near byte %d: %s: %w", f.Name, dec.InputOffset(), what, indicator.ErrInvalidData)
	}
	for n := 0; ; n++ {
		tok, err := dec.Token()
		if err == io.EOF && n > 0 {
			return nil
		}
		if err != nil {
			return fail("want a Bundle object", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return fail("want a Bundle object", nil)
		}
		entries := 0
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fail("want a key", err)
			}
			key, _ := kt.(string)
			switch key {
			case "resourceType":
				var rt string
				if err := dec.Decode(&rt); err != nil || rt != "Bundle" {
					return fail("resourceType is not Bundle", err)
				}
			case "entry":
				if t, err := dec.Token(); err != nil || t != json.Delim('[') {
					return fail("entry: want an array", err)
				}
				for dec.More() {
					entries++
					if entries%ctxCheckEvery == 0 {
						if err := ctx.Err(); err != nil {
							return err
						}
					}
					fr.res = resource{}
					fr.loc = Skip{File: f.Name, Entry: entries}
					var e struct {
						Resource *resource `json:"resource"`
					}
					e.Resource = &fr.res
					if err := dec.Decode(&e); err != nil {
						var te *json.UnmarshalTypeError
						if !errors.As(err, &te) {
							return fail("entry is not valid JSON", err)
						}
						reason, element := decodeError(err)
						fr.skip(reason, element)
						continue
					}
					if fr.res.ResourceType == "" && fr.res.ID == "" {
						fr.skip("entry has no resource", "resource")
						continue
					}
					if err := fr.add(); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil {
					return fail("entry: unterminated array", err)
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return fail("malformed value", err)
				}
			}
		}
		if _, err := dec.Token(); err != nil {
			return fail("unterminated Bundle", err)
		}
	}
}
