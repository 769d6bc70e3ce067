package source_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// The fuzz tests read arbitrary bytes with a source and compare with a
// reference reader written here from the documented rules, with plain
// encoding/csv and encoding/json: the records delivered must be exactly the
// well-formed rows before the first bad one, and the source must end
// cleanly if and only if every row is well formed; otherwise its error
// wraps indicator.ErrInvalidData. A panic fails the test by itself.

// refField is a schema field as the reference sees it.
type refField struct {
	name     string
	kind     string // int, double, bool, string, timestamp, duration, list<string>, list<int>, events
	nullable bool
}

// flatFields lists flatYAML's fields, in order.
var flatFields = []refField{
	{"age", "int", false}, {"sex", "string", false}, {"score", "double", false},
	{"smoker", "bool", false}, {"born", "timestamp", false}, {"stay", "duration", false},
	{"hba1c", "double", true}, {"note", "string", true}, {"codes", "list<string>", false},
}

// refRecord joins field values as strata (in helpers_test.go) shows them.
func refRecord(values []string) string {
	return strings.Join(values, ", ")
}

// refScalar converts text the way the package documentation says, and
// formats the value the way CEL's string() does.
func refScalar(kind, text string) (string, bool) {
	if kind == "string" {
		return text, true
	}
	t := strings.TrimSpace(text)
	switch kind {
	case "int":
		v, err := strconv.ParseInt(t, 10, 64)
		return strconv.FormatInt(v, 10), err == nil
	case "double":
		v, err := strconv.ParseFloat(t, 64)
		return refDouble(v), err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
	case "bool":
		switch strings.ToLower(t) {
		case "true", "1":
			return "true", true
		case "false", "0":
			return "false", true
		}
		return "", false
	case "timestamp":
		v, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			v, err = time.Parse(time.DateOnly, t)
		}
		v = v.UTC()
		return v.Format(time.RFC3339Nano), err == nil && v.Year() >= 1678 && v.Year() <= 2261
	case "duration":
		v, err := time.ParseDuration(t)
		return strconv.FormatFloat(v.Seconds(), 'f', -1, 64) + "s", err == nil
	}
	panic("unknown kind " + kind)
}

func refDouble(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// refCSV reads a CSV file of flatFields by the rules; bad reports that
// reading stops with an error after the records returned.
func refCSV(data []byte) (records []string, bad bool) {
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, true // no header, or malformed
	}
	col := map[string]int{}
	for j, name := range header {
		if j == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		name = strings.TrimSpace(name)
		if _, dup := col[name]; dup || !slices.ContainsFunc(flatFields, func(f refField) bool { return f.name == name }) {
			return nil, true
		}
		col[name] = j
	}
	for _, f := range flatFields {
		if _, ok := col[f.name]; !ok && !f.nullable {
			return nil, true
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return records, false
		}
		if err != nil {
			return records, true
		}
		values, ok := refCSVRow(rec, col)
		if !ok {
			return records, true
		}
		records = append(records, refRecord(values))
	}
}

func refCSVRow(rec []string, col map[string]int) ([]string, bool) {
	values := make([]string, len(flatFields))
	for i, f := range flatFields {
		j, present := col[f.name]
		cell := ""
		if present {
			cell = rec[j]
		}
		empty := cell == "" || (f.kind != "string" && strings.TrimSpace(cell) == "")
		switch {
		case f.kind == "list<string>":
			values[i] = cell // joined again with the same separator
		case empty && f.nullable:
			values[i] = "null"
		case empty:
			return nil, false
		default:
			v, ok := refScalar(f.kind, cell)
			if !ok {
				return nil, false
			}
			values[i] = v
		}
	}
	return values, true
}

func FuzzCSV(f *testing.F) {
	set := loadSet(f, flatYAML)
	f.Add([]byte(flatHeader + "42,f,6.5,true,2020-01-02,36h,48.5,hello,E11|I10\n"))
	f.Add([]byte("codes,age,sex,score,smoker,born,stay\n,1,f,1,0,2020-01-01T00:00:00Z,1s\n2,x,1,1,1,2020-01-01,1s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantBad := refCSV(data)
		size := 1 + len(data)%4
		got := read(t, set, source.CSV(bytes.NewReader(data), set.Schema(), source.WithBatchSize(size)))
		check(t, data, got, want, wantBad)
	})
}

// check compares what a source delivered with the reference.
func check(t *testing.T, data []byte, got result, want []string, wantBad bool) {
	t.Helper()
	if got.err != nil && !errors.Is(got.err, indicator.ErrInvalidData) {
		t.Fatalf("error does not wrap ErrInvalidData: %v\ninput: %q", got.err, data)
	}
	if (got.err != nil) != wantBad {
		t.Fatalf("error = %v, want an error: %v\ninput: %q", got.err, wantBad, data)
	}
	want = nonNil(want)
	slices.Sort(want)
	if !slices.Equal(got.records, want) {
		t.Fatalf("records differ (error %v)\n got: %q\nwant: %q\ninput: %q", got.err, got.records, want, data)
	}
}

// fuzzJSONYAML is flatYAML plus a list of ints and an event list.
var fuzzJSONYAML = strings.Replace(strings.Replace(flatYAML, "    codes: list<string>\n", `    codes: list<string>
    doses: list<int>
    conditions:
      fields:
        code: string
        onset: timestamp
        severity: int?
`, 1), "          - codes.join(\"|\")\n", `          - codes.join("|")
          - doses.map(d, string(d)).join("|")
          - 'conditions.map(c, c.code + "@" + string(c.onset) + "#" + (has(c.severity) ? string(c.severity) : "null")).join(";")'
`, 1)

var jsonFields = append(slices.Clone(flatFields), refField{"doses", "list<int>", false}, refField{"conditions", "events", false})

var eventFields = []refField{{"code", "string", false}, {"onset", "timestamp", false}, {"severity", "int", true}}

// refJSONL reads JSON lines of jsonFields by the rules.
func refJSONL(data []byte) (records []string, bad bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(bytes.Trim(line, " \t\r")) == 0 {
			continue
		}
		values, ok := refJSONLine(line)
		if !ok {
			return records, true
		}
		records = append(records, refRecord(values))
	}
	return records, false
}

func refJSONLine(line []byte) ([]string, bool) {
	if !json.Valid(line) || duplicateKeys(line) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return refObject(obj, jsonFields)
}

func refObject(obj map[string]any, fields []refField) ([]string, bool) {
	for k := range obj {
		if !slices.ContainsFunc(fields, func(f refField) bool { return f.name == k }) {
			return nil, false
		}
	}
	values := make([]string, len(fields))
	for i, f := range fields {
		v, ok := refJSONValue(f, obj[f.name])
		if !ok {
			return nil, false
		}
		values[i] = v
	}
	return values, true
}

// refJSONValue converts one decoded JSON value (nil when absent or null).
func refJSONValue(f refField, v any) (string, bool) {
	if v == nil {
		switch {
		case f.nullable:
			return "null", true
		case strings.HasPrefix(f.kind, "list") || f.kind == "events":
			return "", true
		}
		return "", false
	}
	switch f.kind {
	case "list<string>", "list<int>":
		return refList(strings.TrimSuffix(strings.TrimPrefix(f.kind, "list<"), ">"), v)
	case "events":
		return refEvents(v)
	}
	return refJSONScalar(f.kind, v)
}

func refJSONScalar(kind string, v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		switch kind {
		case "int":
			return refJSONInt(string(x))
		case "double":
			f, err := strconv.ParseFloat(string(x), 64)
			return refDouble(f), err == nil
		}
	case bool:
		return strconv.FormatBool(x), kind == "bool"
	case string:
		if kind == "string" || kind == "timestamp" || kind == "duration" {
			return refScalar(kind, x)
		}
	}
	return "", false
}

// refJSONInt accepts a number whose exact value is an integer in int64,
// decided with exact rational arithmetic.
func refJSONInt(num string) (string, bool) {
	mant, exp, hasExp := strings.Cut(strings.ToLower(num), "e")
	if hasExp {
		e, err := strconv.Atoi(exp)
		if err != nil || e > 400 || e < -400 {
			// Too large to compute; only a zero mantissa is an integer in range.
			return "0", strings.Trim(mant, "-0.") == ""
		}
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return "", false
	}
	return r.Num().String(), true
}

func refList(elem string, v any) (string, bool) {
	items, ok := v.([]any)
	if !ok {
		return "", false
	}
	out := make([]string, len(items))
	for i, it := range items {
		if it == nil {
			return "", false
		}
		if out[i], ok = refJSONScalar(elem, it); !ok {
			return "", false
		}
	}
	return strings.Join(out, "|"), true
}

func refEvents(v any) (string, bool) {
	items, ok := v.([]any)
	if !ok {
		return "", false
	}
	out := make([]string, len(items))
	for i, it := range items {
		obj, ok := it.(map[string]any)
		if !ok {
			return "", false
		}
		values, ok := refObject(obj, eventFields)
		if !ok {
			return "", false
		}
		out[i] = values[0] + "@" + values[1] + "#" + values[2]
	}
	return strings.Join(out, ";"), true
}

// duplicateKeys reports whether any object in a valid JSON text has a key
// twice, which decoding into a map would hide.
func duplicateKeys(line []byte) bool {
	type frame struct {
		keys    map[string]bool // nil for an array
		wantKey bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(line))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.keys != nil {
			if top.wantKey {
				k := tok.(string)
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.wantKey = false
				continue
			}
			top.wantKey = true // this token starts the member's value
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		}
	}
}

func FuzzJSONLines(f *testing.F) {
	set := loadSet(f, fuzzJSONYAML)
	f.Add([]byte(`{"age": 42, "sex": "f", "score": 6.5, "smoker": true, "born": "2020-01-02", "stay": "36h", "hba1c": null, "codes": ["E11"], "doses": [1, 2.0], "conditions": [{"code": "E11", "onset": "2019-05-01", "severity": 2}]}` + "\n"))
	f.Add([]byte(`{"age": 1.5}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantBad := refJSONL(data)
		size := 1 + len(data)%4
		got := read(t, set, source.JSONLines(bytes.NewReader(data), set.Schema(), source.WithBatchSize(size)))
		check(t, data, got, want, wantBad)
	})
}

// TestFuzzReferences checks the reference readers on a few inputs, so that
// a fuzz test cannot pass against a reference that rejects everything.
func TestFuzzReferences(t *testing.T) {
	recs, bad := refCSV([]byte(flatHeader + "42,f,6.5,TRUE,2020-01-02,36h,,,E11|I10\n1,f,1,1,2020-01-01,1s,x,,\n"))
	if !bad || fmt.Sprint(recs) != "[42, f, 6.5, true, 2020-01-02T00:00:00Z, 129600s, null, null, E11|I10]" {
		t.Errorf("refCSV = %q, %v", recs, bad)
	}
	recs, bad = refJSONL([]byte(`{"age": 2.0, "sex": "f", "score": 1, "smoker": false, "born": "2020-01-01", "stay": "1s", "doses": [1e1], "conditions": [{"code": "a", "onset": "2020-01-01"}]}` + "\n" + `{"age": 1, "age": 1}`))
	if !bad || fmt.Sprint(recs) != "[2, f, 1, false, 2020-01-01T00:00:00Z, 1s, null, null, , 10, a@2020-01-01T00:00:00Z#null]" {
		t.Errorf("refJSONL = %q, %v", recs, bad)
	}
}

// TestFuzzSeedsAreWhatTheirNamesSay reads each seed file of the fuzz corpus
// and checks that those named valid_* read without error and those named
// invalid_* fail, so that the corpus keeps covering both outcomes.
func TestFuzzSeedsAreWhatTheirNamesSay(t *testing.T) {
	sources := map[string]struct {
		yaml string
		open func(io.Reader, *indicator.Schema) indicator.Source
	}{
		"FuzzCSV":       {flatYAML, func(r io.Reader, s *indicator.Schema) indicator.Source { return source.CSV(r, s) }},
		"FuzzJSONLines": {fuzzJSONYAML, func(r io.Reader, s *indicator.Schema) indicator.Source { return source.JSONLines(r, s) }},
	}
	for dir, src := range sources {
		set := loadSet(t, src.yaml)
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", dir, "*"))
		if err != nil || len(files) < 5 {
			t.Fatalf("%s: %d seed files, err %v", dir, len(files), err)
		}
		for _, file := range files {
			name := filepath.Base(file)
			if !strings.HasPrefix(name, "valid_") && !strings.HasPrefix(name, "invalid_") {
				continue
			}
			t.Run(dir+"/"+name, func(t *testing.T) {
				data := readSeed(t, file)
				got := read(t, set, src.open(bytes.NewReader(data), set.Schema()))
				if strings.HasPrefix(name, "valid_") {
					if got.err != nil || len(got.records) == 0 && !strings.Contains(name, "header_only") {
						t.Fatalf("err %v, %d records", got.err, len(got.records))
					}
				} else if !errors.Is(got.err, indicator.ErrInvalidData) {
					t.Fatalf("err %v, want invalid data", got.err)
				}
			})
		}
	}
}

// readSeed decodes a corpus file holding one []byte value.
func readSeed(t *testing.T, file string) []byte {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header, value, _ := strings.Cut(string(raw), "\n")
	value = strings.TrimSpace(value)
	if header != "go test fuzz v1" || !strings.HasPrefix(value, "[]byte(") {
		t.Fatalf("not a one-value corpus file: %q", raw)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(value, "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(s)
}
