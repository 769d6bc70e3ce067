package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// Recognisable identifiers: none may appear in an error, a skip or a
// report unless the caller asks for values (WithValuesInErrors).
var phi = []string{"ZZPHI", "Alice-9871", "999-123-4567", "1961-03-12", "12/03/1961", "4242.5", "SW1A 1AA"}

func assertNoPHI(t *testing.T, where, text string) {
	t.Helper()
	for _, id := range phi {
		assert.NotContains(t, text, id, "%s quotes patient data", where)
	}
}

// phiYAML has a field of each kind, and indicators whose rules fail on
// the values of the records: conversions, map keys, regular expressions,
// timestamps, negative person-time.
const phiYAML = `id: phi
schema:
  unit: patient
  fields:
    name: string
    nhs: string
    postcode: string?
    dob: timestamp
    age: int
    score: double
    days: double
indicators:
  - id: int-conversion
    type: proportion
    denominator: int(name) > 0
    numerator: "true"
  - id: double-conversion
    type: proportion
    denominator: double(nhs) > 0.0
    numerator: "true"
  - id: timestamp-conversion
    type: proportion
    denominator: timestamp(nhs) > timestamp("2000-01-01T00:00:00Z")
    numerator: "true"
  - id: duration-conversion
    type: proportion
    denominator: duration(name) > duration("1h")
    numerator: "true"
  - id: map-key
    type: proportion
    denominator: '{"a": 1}[name] > 0'
    numerator: "true"
  - id: regex
    type: proportion
    denominator: name.matches(postcode)
    numerator: "true"
  - id: negative-person-time
    type: rate
    denominator_value: days
    numerator_value: "1.0"
  - id: division
    type: mean
    observation: score / (score - score)
  - id: stratified
    type: count
    stratifiers:
      - id: name
        components: ['int(name) > 0 ? "a" : "b"']
`

const phiCSV = "name,nhs,postcode,dob,age,score,days\n" +
	"ZZPHI-Alice-9871,999-123-4567,SW1A 1AA(,1961-03-12,61,4242.5,-4242.5\n" +
	"ZZPHI-Bob,999-123-4567,SW1A 1AA(,1961-03-12,62,4242.5,-4242.5\n"

// TestHostile_EvaluationErrorsQuoteNoValues evaluates rules that fail on
// every record and checks the report's errors name record, field and
// indicator only; with indicator.WithValuesInErrors the same errors quote
// the values (so the check above can fail).
func TestHostile_EvaluationErrorsQuoteNoValues(t *testing.T) {
	set := loadSet(t, phiYAML)
	evaluate := func(opts ...indicator.EvalOption) *indicator.Report {
		rep, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(phiCSV), set.Schema()), opts...)
		require.NoError(t, err)
		require.Equal(t, int64(2), rep.Read)
		return rep
	}
	for _, r := range evaluate().Indicators {
		a := r.Accounting
		assert.Equal(t, float64(a.Read), float64(a.Included)+float64(a.Excluded)+float64(a.Errored), "%s: read = included + excluded + errored", r.ID)
		assert.Equal(t, int64(2), a.Errored, "%s: every record fails", r.ID)
		require.NotEmpty(t, r.Errors, r.ID)
		for _, e := range r.Errors {
			assert.NotEmpty(t, e.Message, r.ID)
			assertNoPHI(t, r.ID+" RecordError", fmt.Sprintf("record %d, field %s: %s", e.Record, e.Field, e.Message))
		}
	}
	quoted := map[string]bool{}
	for _, r := range evaluate(indicator.WithValuesInErrors()).Indicators {
		for _, e := range r.Errors {
			if leak(e.Message) != "" {
				quoted[r.ID] = true
			}
		}
	}
	for _, id := range []string{"timestamp-conversion", "map-key", "regex"} {
		assert.True(t, quoted[id], "%s: WithValuesInErrors keeps the value in the message", id)
	}
}

// quotedValue returns the `"value" is ` part of a CSV message.
func quotedValue(msg string) string {
	_, rest, _ := strings.Cut(msg, `column "`)
	_, rest, _ = strings.Cut(rest, `": `)
	v, _, ok := strings.Cut(rest, `" is `)
	if !ok {
		return ""
	}
	return v + `" is `
}

func leak(text string) string {
	for _, id := range phi {
		if strings.Contains(text, id) {
			return id
		}
	}
	return ""
}

// TestHostile_ReaderErrorsQuoteNoValues feeds malformed cells that carry
// identifiers to every reader; the errors name line and column or field
// path, and quote the value only with WithValuesInErrors.
func TestHostile_ReaderErrorsQuoteNoValues(t *testing.T) {
	set := loadSet(t, phiYAML)
	header := "name,nhs,postcode,dob,age,score,days\n"
	ok := "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1961-03-12,61,1.5,10\n"
	csvCases := map[string]string{
		"timestamp":         "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,12/03/1961,61,1.5,10\n",
		"int":               "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1961-03-12,ZZPHI-Alice-9871,1.5,10\n",
		"double":            "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1961-03-12,61,999-123-4567,10\n",
		"NaN":               "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1961-03-12,61,NaN,10\n",
		"out of range date": "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1961-03-12T00:00:00+99:00,61,1.5,10\n",
		"too early":         "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,1600-03-12,61,1.5,10\n",
		"too late":          "ZZPHI-Alice-9871,999-123-4567,SW1A 1AA,2300-03-12,61,1.5,10\n",
		"fields":            "ZZPHI-Alice-9871,999-123-4567\n",
		"quote":             "ZZPHI-Alice-9871,999-\"123-4567,SW1A 1AA,1961-03-12,61,1.5,10\n",
	}
	for name, row := range csvCases {
		t.Run("CSV "+name, func(t *testing.T) {
			data := header + ok + row
			_, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(data), set.Schema()))
			require.Error(t, err)
			assertNoPHI(t, "CSV error", err.Error())
			assert.Contains(t, err.Error(), "line 3")
			assert.Contains(t, err.Error(), "reading record 1")
			if name == "fields" || name == "quote" {
				return // malformed CSV: encoding/csv's message has no value to quote
			}
			_, quoted := set.Evaluate(context.Background(), source.CSV(strings.NewReader(data), set.Schema(), source.WithValuesInErrors()))
			require.Error(t, quoted)
			assert.Contains(t, quoted.Error(), `" is `, "WithValuesInErrors quotes the value")
			assert.Equal(t, strings.Replace(quoted.Error(), quotedValue(quoted.Error()), "", 1), err.Error())
		})
	}
	jsonOK := `{"name":"ZZPHI-Alice-9871","nhs":"999-123-4567","postcode":"SW1A 1AA","dob":"1961-03-12","age":61,"score":1.5,"days":10}` + "\n"
	jsonCases := map[string]string{
		"timestamp":       `{"name":"x","nhs":"x","dob":"12/03/1961","age":61,"score":1.5,"days":10}`,
		"string for int":  `{"name":"x","nhs":"x","dob":"1961-03-12","age":"ZZPHI-Alice-9871","score":1.5,"days":10}`,
		"int for string":  `{"name":4242.5,"nhs":"x","dob":"1961-03-12","age":61,"score":1.5,"days":10}`,
		"fraction":        `{"name":"x","nhs":"x","dob":"1961-03-12","age":4242.5,"score":1.5,"days":10}`,
		"double range":    `{"name":"x","nhs":"x","dob":"1961-03-12","age":61,"score":4242.5e999,"days":10}`,
		"string for bool": `{"name":"x","nhs":"x","dob":"1961-03-12","age":61,"score":"999-123-4567","days":10}`,
		"not an object":   `"ZZPHI-Alice-9871"`,
		"too early":       `{"name":"x","nhs":"x","dob":"1600-03-12","age":61,"score":1.5,"days":10}`,
	}
	for name, line := range jsonCases {
		t.Run("JSONL "+name, func(t *testing.T) {
			data := jsonOK + line + "\n"
			_, err := set.Evaluate(context.Background(), source.JSONLines(strings.NewReader(data), set.Schema()))
			require.Error(t, err)
			assertNoPHI(t, "JSONL error", err.Error())
			assert.Contains(t, err.Error(), "line 2")
			_, quoted := set.Evaluate(context.Background(), source.JSONLines(strings.NewReader(data), set.Schema(), source.WithValuesInErrors()))
			require.Error(t, quoted)
			assert.NotEqual(t, err.Error(), quoted.Error(), "WithValuesInErrors quotes the value")
		})
	}
}

// TestHostile_FHIRSkipsQuoteNoValues: malformed elements holding
// identifiers are skipped with a reason that does not quote them.
func TestHostile_FHIRSkipsQuoteNoValues(t *testing.T) {
	schema := &indicator.Schema{Unit: "patient", Fields: []indicator.Field{
		{Name: "id", Kind: indicator.KindString},
		{Name: "gender", Kind: indicator.KindString, Nullable: true},
		{Name: "birth_date", Kind: indicator.KindTimestamp, Nullable: true},
		{Name: "conditions", Kind: indicator.KindEvents, Fields: []indicator.Field{
			{Name: "code", Kind: indicator.KindString},
			{Name: "onset", Kind: indicator.KindTimestamp, Nullable: true},
		}},
	}}
	ndjson := strings.Join([]string{
		`{"resourceType":"Patient","id":"p1","gender":"ZZPHI-Alice-9871","birthDate":"1961-03-12"}`,
		`{"resourceType":"Patient","id":"p2","birthDate":"12/03/1961"}`,
		`{"resourceType":"Patient","id":"p3","birthDate":"1600-03-12"}`,
		`{"resourceType":"Patient","id":"p4","gender":4242.5}`,
		`{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"code":"E11"}]},"onsetDateTime":"ZZPHI-Alice-9871"}`,
		`{"resourceType":"Condition","id":"c2","subject":{"reference":"ZZPHI-Alice-9871"},"code":{"coding":[{"code":"E11"}]}}`,
		`{"resourceType":"Patient","id":"p1","gender":"other"}`,                                                                   // a duplicate patient id
		`{"resourceType":"Condition","id":"c3","subject":{"reference":"Patient/p1"},"code":{"coding":[{"code":"ZZPHI-Alice-9871"`, // truncated
	}, "\n")
	src := source.FHIRNDJSON(schema, []source.File{{Name: "all.ndjson", R: strings.NewReader(ndjson)}})
	n := 0
	for src.Next(context.Background()) {
		n += src.Batch().Len()
	}
	require.NoError(t, src.Err())
	// p1 (with its second record skipped), p2 and p3 skipped for their
	// dates, p4 for the gender's type.
	assert.Equal(t, 1, n)
	assert.Equal(t, int64(7), src.SkippedCount())
	for _, s := range src.Skipped() {
		assertNoPHI(t, "FHIR skip", s.Error())
		assert.NotZero(t, s.Line, "a skip says where: %v", s)
	}
}

// midStreamFailure returns its data, then err.
type midStreamFailure struct {
	data string
	err  error
}

func (r *midStreamFailure) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

var errDisk = errors.New("disk on fire")

// TestHostile_IOErrorMidStream: an evaluation whose input fails part way
// returns no report, and an error that wraps the reader's and says where.
func TestHostile_IOErrorMidStream(t *testing.T) {
	set := loadSet(t, phiYAML)
	var csvRows, jsonRows strings.Builder
	csvRows.WriteString("name,nhs,postcode,dob,age,score,days\n")
	for i := range 5000 {
		fmt.Fprintf(&csvRows, "p%d,n,,1961-03-12,61,1.5,10\n", i)
		fmt.Fprintf(&jsonRows, `{"name":"p%d","nhs":"n","dob":"1961-03-12","age":61,"score":1.5,"days":10}`+"\n", i)
	}
	for _, c := range []struct {
		name string
		open func(io.Reader) indicator.Source
		data string
	}{
		{"CSV", func(r io.Reader) indicator.Source { return source.CSV(r, set.Schema(), source.WithBatchSize(100)) }, csvRows.String()},
		{"JSONL", func(r io.Reader) indicator.Source {
			return source.JSONLines(r, set.Schema(), source.WithBatchSize(100))
		}, jsonRows.String()},
	} {
		for _, cut := range []int{0, 10, len(c.data) / 3, len(c.data) - 1} {
			t.Run(fmt.Sprintf("%s after %d bytes", c.name, cut), func(t *testing.T) {
				for _, workers := range []int{1, 4} {
					rep, err := set.Evaluate(context.Background(), c.open(&midStreamFailure{data: c.data[:cut], err: errDisk}), indicator.WithWorkers(workers))
					assert.Nil(t, rep, "a failed evaluation returns no report")
					require.ErrorIs(t, err, errDisk)
					assert.Contains(t, err.Error(), "reading record")
				}
			})
		}
	}
}

// TestHostile_TruncatedInput: a file cut mid-row or mid-JSON is an error
// naming the line, and no report.
func TestHostile_TruncatedInput(t *testing.T) {
	set := loadSet(t, phiYAML)
	csvData := "name,nhs,postcode,dob,age,score,days\np1,n,,1961-03-12,61,1.5,10\np2,n,,1961-0"
	rep, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(csvData), set.Schema()))
	assert.Nil(t, rep)
	require.ErrorIs(t, err, indicator.ErrInvalidData)
	assert.Contains(t, err.Error(), "line 3")
	assert.Contains(t, err.Error(), "reading record 1")

	jsonData := `{"name":"p1","nhs":"n","dob":"1961-03-12","age":61,"score":1.5,"days":10}` + "\n" + `{"name":"p2","nhs":"n","dob":"19`
	rep, err = set.Evaluate(context.Background(), source.JSONLines(strings.NewReader(jsonData), set.Schema()))
	assert.Nil(t, rep)
	require.ErrorIs(t, err, indicator.ErrInvalidData)
	assert.Contains(t, err.Error(), "line 2")
	assert.Contains(t, err.Error(), "reading record 1")
}

// TestHostile_RateDenominators: zero person-time is included, negative is
// an error of the record, and the accounting holds.
func TestHostile_RateDenominators(t *testing.T) {
	set := loadSet(t, phiYAML)
	data := "name,nhs,postcode,dob,age,score,days\n" +
		"1,n,,1961-03-12,61,1.5,10\n" +
		"2,n,,1961-03-12,61,1.5,0\n" +
		"3,n,,1961-03-12,61,1.5,-1\n"
	rep, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(data), set.Schema()))
	require.NoError(t, err)
	for _, r := range rep.Indicators {
		a := r.Accounting
		assert.Equal(t, float64(a.Read), float64(a.Included)+float64(a.Excluded)+float64(a.Errored), "%s: read = included + excluded + errored", r.ID)
		if r.ID == "negative-person-time" {
			assert.Equal(t, int64(1), a.Errored)
			assert.Equal(t, 2.0, float64(a.Included))
			require.Len(t, r.Errors, 1)
			assert.Equal(t, int64(2), r.Errors[0].Record)
			assert.Equal(t, "denominator_value", r.Errors[0].Field)
			assert.Contains(t, r.Errors[0].Message, "negative person-time")
		}
	}
}
