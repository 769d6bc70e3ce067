package source_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const flatHeader = "age,sex,score,smoker,born,stay,hba1c,note,codes\n"

func readCSV(t *testing.T, text string, opts ...source.Option) result {
	t.Helper()
	set := loadSet(t, flatYAML)
	return read(t, set, source.CSV(strings.NewReader(text), set.Schema(), opts...))
}

func TestCSV_ReadsEveryType(t *testing.T) {
	got := readCSV(t, flatHeader+
		"42,f,6.5,true,2020-01-02,36h,48.5,hello,E11|I10\n"+
		"-7,m,1e3,0,2020-01-02T03:04:05.5+01:00,1h30m,,,\n")
	require.NoError(t, got.err)
	assert.Equal(t, sorted(
		"42, f, 6.5, true, 2020-01-02T00:00:00Z, 129600s, 48.5, hello, E11|I10",
		"-7, m, 1000, false, 2020-01-02T02:04:05.5Z, 5400s, null, null, ",
	), got.records)
}

func TestCSV_ColumnsMatchedByNameInAnyOrder(t *testing.T) {
	got := readCSV(t, "codes,note,hba1c,stay,born,smoker,score,sex,age\n"+
		"A|B,x,1,1s,2021-05-06,false,2,f,30\n")
	require.NoError(t, got.err)
	assert.Equal(t, sorted("30, f, 2, false, 2021-05-06T00:00:00Z, 1s, 1, x, A|B"), got.records)
}

func TestCSV_ScalarSyntax(t *testing.T) {
	// Each case sets one column of an otherwise fixed row; want is how the
	// record reads, or the error's message after "column ...: ".
	tests := []struct {
		name, column, cell, want, wantErr string
	}{
		{"int with sign", "age", "+5", "5, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"int with spaces", "age", " 5 ", "5, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"int not a number", "age", "6x5", "", `not an int`},
		{"int with a fraction", "age", "5.0", "", `not an int`},
		{"int out of range", "age", "9223372036854775808", "", `out of range for an int`},
		{"double exponent", "score", "2.5e-1", "42, f, 0.25, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"double NaN rejected", "score", "NaN", "", `not a finite number`},
		{"double Inf rejected", "score", "-Inf", "", `not a finite number`},
		{"double out of range", "score", "1e999", "", `out of range for a double`},
		{"double garbage", "score", "1,5", "", `not a double`},
		{"bool TRUE", "smoker", "TRUE", "42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"bool False", "smoker", "False", "42, f, 1, false, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"bool 1", "smoker", "1", "42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"bool 0", "smoker", "0", "42, f, 1, false, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"bool yes rejected", "smoker", "yes", "", `not a bool (want true, false, 1 or 0)`},
		{"string verbatim", "sex", " f ", "42,  f , 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"timestamp offset to UTC", "born", "2020-01-01T23:30:00-02:00", "42, f, 1, true, 2020-01-02T01:30:00Z, 1s, null, null, ", ""},
		{"timestamp nanoseconds", "born", "2020-01-01T00:00:00.000000001Z", "42, f, 1, true, 2020-01-01T00:00:00.000000001Z, 1s, null, null, ", ""},
		{"timestamp bad month", "born", "2020-13-01", "", `not a timestamp (want RFC 3339 or YYYY-MM-DD)`},
		{"timestamp too early", "born", "1500-01-01", "", `outside the years 1678-2261`},
		{"timestamp too late", "born", "2262-01-01", "", `outside the years 1678-2261`},
		{"duration negative", "stay", "-90m", "42, f, 1, true, 2020-01-01T00:00:00Z, -5400s, null, null, ", ""},
		{"duration without unit", "stay", "36", "", `not a duration (want Go syntax such as 36h or 1h30m)`},
		{"nullable double set", "hba1c", "7.25", "42, f, 1, true, 2020-01-01T00:00:00Z, 1s, 7.25, null, ", ""},
		{"nullable double spaces are null", "hba1c", "  ", "42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ", ""},
		{"nullable double bad", "hba1c", "high", "", `not a double`},
		{"nullable string set", "note", "n/a", "42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, n/a, ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := map[string]string{"age": "42", "sex": "f", "score": "1", "smoker": "true", "born": "2020-01-01", "stay": "1s", "hba1c": "", "note": "", "codes": ""}
			row[tt.column] = tt.cell
			got := readCSV(t, flatHeader+csvRow(row))
			if tt.wantErr != "" {
				require.Error(t, got.err)
				assert.Equal(t, fmt.Sprintf("source: CSV line 2, column %q: %s: invalid data", tt.column, tt.wantErr), got.err.Error())
				assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
				assert.Empty(t, got.records)
				return
			}
			require.NoError(t, got.err)
			assert.Equal(t, []string{tt.want}, got.records)
		})
	}
}

// csvRow writes a flat record in flatHeader's order, quoting as needed.
func csvRow(row map[string]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{row["age"], row["sex"], row["score"], row["smoker"], row["born"], row["stay"], row["hba1c"], row["note"], row["codes"]})
	w.Flush()
	return b.String()
}

func TestCSV_EmptyCellIsNullOnlyForNullableFields(t *testing.T) {
	for _, column := range []string{"age", "sex", "score", "smoker", "born", "stay"} {
		t.Run(column, func(t *testing.T) {
			row := map[string]string{"age": "42", "sex": "f", "score": "1", "smoker": "true", "born": "2020-01-01", "stay": "1s"}
			row[column] = ""
			got := readCSV(t, flatHeader+csvRow(row))
			require.Error(t, got.err)
			assert.Equal(t, fmt.Sprintf("source: CSV line 2, column %q: empty cell, but the field is not nullable: invalid data", column), got.err.Error())
		})
	}
	t.Run("nullable", func(t *testing.T) {
		got := readCSV(t, flatHeader+"42,f,1,true,2020-01-01,1s,,,\n")
		require.NoError(t, got.err)
		assert.Equal(t, []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, "}, got.records)
	})
}

func TestCSV_ListCells(t *testing.T) {
	tests := []struct {
		name, cell, want string
		opts             []source.Option
	}{
		{"empty cell is the empty list", "", "", nil},
		{"one element", "E11", "E11", nil},
		{"default separator", "E11|I10|Z00", "E11|I10|Z00", nil},
		{"empty element kept", "a||b", "a||b", nil},
		{"separator option", "E11;I10", "E11|I10", []source.Option{source.WithListSeparator(";")}},
		{"multi-byte separator", "E11 / I10", "E11|I10", []source.Option{source.WithListSeparator(" / ")}},
		{"other separator is text", "E11|I10", "E11|I10", []source.Option{source.WithListSeparator(";")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCSV(t, flatHeader+"42,f,1,true,2020-01-01,1s,,,"+tt.cell+"\n", tt.opts...)
			require.NoError(t, got.err)
			assert.Equal(t, []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, " + tt.want}, got.records)
		})
	}
}

func TestCSV_ListOfIntsChecksEachElement(t *testing.T) {
	set := loadSet(t, `id: l
schema:
  fields:
    doses: list<int>
indicators:
  - id: all
    type: count
    stratifiers: ['doses.map(d, string(d)).join("+")']
`)
	tests := []struct{ cell, want, wantErr string }{
		{"1|2|3", "1+2+3", ""},
		{" 1 | 2 ", "1+2", ""},
		{"", "", ""},
		{"1|x", "", `source: CSV line 2, column "doses": element 2: not an int: invalid data`},
		{"1||3", "", `source: CSV line 2, column "doses": element 2: not an int: invalid data`},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			got := read(t, set, source.CSV(strings.NewReader("doses\n\""+tt.cell+"\"\n"), set.Schema()))
			if tt.wantErr != "" {
				require.EqualError(t, got.err, tt.wantErr)
				return
			}
			require.NoError(t, got.err)
			assert.Equal(t, []string{tt.want}, got.records)
		})
	}
}

func TestCSV_HeaderRules(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		opts    []source.Option
		want    []string // records, when no error
		wantErr string
	}{
		{name: "empty input", text: "",
			wantErr: "source: CSV: empty input, want a header row: invalid data"},
		{name: "header only", text: flatHeader, want: []string{}},
		{name: "unknown column", text: "age,sex,score,smoker,born,stay,codes,agee\n",
			wantErr: `source: CSV header: unknown column "agee" (no such schema field; WithIgnoreUnknown skips it): invalid data`},
		{name: "unknown columns", text: "x,age,sex,score,smoker,born,stay,codes,y\n",
			wantErr: `source: CSV header: unknown columns "x", "y" (no such schema field; WithIgnoreUnknown skips it): invalid data`},
		{name: "unknown column ignored", text: "x,age,sex,score,smoker,born,stay,codes,x\n1,42,f,1,true,2020-01-01,1s,,2\n",
			opts: []source.Option{source.WithIgnoreUnknown()},
			want: []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, "}},
		{name: "missing column", text: "sex,score,smoker,born,stay,codes\n",
			wantErr: `source: CSV header: missing column "age" (not nullable): invalid data`},
		{name: "missing list column", text: "age,sex,score,smoker,born,stay\n",
			wantErr: `source: CSV header: missing column "codes" (not nullable): invalid data`},
		{name: "missing columns", text: "age,score,smoker,born,stay\n",
			wantErr: `source: CSV header: missing columns "sex", "codes" (not nullable): invalid data`},
		{name: "missing nullable columns are null", text: "age,sex,score,smoker,born,stay,codes\n42,f,1,true,2020-01-01,1s,A\n",
			want: []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, A"}},
		{name: "duplicate column", text: "age,sex,score,smoker,born,stay,codes,age\n",
			wantErr: `source: CSV header: column "age" appears twice: invalid data`},
		{name: "byte-order mark and spaces", text: "\ufeffage , sex,score,smoker,born,stay,codes\n42,f,1,true,2020-01-01,1s,\n",
			want: []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, "}},
		{name: "CRLF line endings", text: "age,sex,score,smoker,born,stay,codes\r\n42,f,1,true,2020-01-01,1s,A\r\n",
			want: []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, A"}},
		{name: "names are case-sensitive", text: "Age,sex,score,smoker,born,stay,codes\n",
			wantErr: `source: CSV header: unknown column "Age" (no such schema field; WithIgnoreUnknown skips it): invalid data`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCSV(t, tt.text, tt.opts...)
			if tt.wantErr != "" {
				require.EqualError(t, got.err, tt.wantErr)
				assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
				return
			}
			require.NoError(t, got.err)
			assert.Equal(t, tt.want, got.records)
		})
	}
}

func TestCSV_EventFieldsAreUnsupported(t *testing.T) {
	set := loadSet(t, eventsYAML)
	src := source.CSV(strings.NewReader("age,doses\n1,\n"), set.Schema())
	require.False(t, src.Next(context.Background()))
	require.EqualError(t, src.Err(), `source: CSV: field "conditions" is an event list, which a flat CSV file cannot hold (use JSONLines or Slice): unsupported operation`)
	assert.ErrorIs(t, src.Err(), errors.ErrUnsupported)
}

func TestCSV_BadCellNamesLineAndColumn(t *testing.T) {
	good := "42,f,1,true,2020-01-01,1s,,,\n"
	tests := []struct {
		name, text, wantErr string
	}{
		{"first data row is line 2", flatHeader + "6x5,f,1,true,2020-01-01,1s,,,\n",
			`source: CSV line 2, column "age": not an int: invalid data`},
		{"line 17", flatHeader + strings.Repeat(good, 15) + "6x5,f,1,true,2020-01-01,1s,,,\n",
			`source: CSV line 17, column "age": not an int: invalid data`},
		{"blank lines count", flatHeader + "\n" + good + "\n42,f,1,true,2020-01-01,1s,x,,\n",
			`source: CSV line 5, column "hba1c": not a double: invalid data`},
		{"quoted line breaks count", flatHeader + "42,\"a\nb\",1,true,2020-01-01,1s,,,\n" + "42,f,1,maybe,2020-01-01,1s,,,\n",
			`source: CSV line 4, column "smoker": not a bool (want true, false, 1 or 0): invalid data`},
		{"cell after a multi-line cell", flatHeader + "42,\"a\nb\",1,true,2020-01-01,1s,,,x|y\n" + "42,\"c\nd\",zero,true,2020-01-01,1s,,,\n",
			`source: CSV line 5, column "score": not a double: invalid data`},
		{"long value shortened", flatHeader + "42,f,1,true," + strings.Repeat("9", 100) + ",1s,,,\n",
			`source: CSV line 2, column "born": not a timestamp (want RFC 3339 or YYYY-MM-DD): invalid data`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCSV(t, tt.text)
			require.EqualError(t, got.err, tt.wantErr)
			assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
		})
	}
}

func TestCSV_MalformedCSVWrapsParseError(t *testing.T) {
	// The messages after "source: CSV: " are encoding/csv's; the test pins
	// the line and the wrapping, not their wording.
	tests := []struct {
		name, text string
		line       int
	}{
		{"too few cells", flatHeader + "42,f,1\n", 2},
		{"too many cells", flatHeader + "42,f,1,true,2020-01-01,1s,,,,\n", 2},
		{"bare quote", flatHeader + "42,f\"x,1,true,2020-01-01,1s,,,\n", 2},
		{"unterminated quote", flatHeader + "42,f,1,true,2020-01-01,1s,,,\n42,\"f,1,true,2020-01-01,1s,,,\n", 3},
		{"bad header", "age,\"sex\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readCSV(t, tt.text)
			require.Error(t, got.err)
			assert.True(t, strings.HasPrefix(got.err.Error(), "source: CSV: "), got.err.Error())
			assert.True(t, strings.HasSuffix(got.err.Error(), ": invalid data"), got.err.Error())
			assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
			var pe *csv.ParseError
			require.ErrorAs(t, got.err, &pe)
			assert.Equal(t, tt.line, pe.StartLine)
		})
	}
}

func TestCSV_RecordsBeforeAnErrorAreDelivered(t *testing.T) {
	text := flatHeader +
		"1,f,1,true,2020-01-01,1s,,,\n" +
		"2,f,1,true,2020-01-01,1s,,,\n" +
		"3,f,1,true,2020-01-01,1s,,,\n" +
		"4,f,1,true,2020-01-01,nope,,,\n" +
		"5,f,1,true,2020-01-01,1s,,,\n"
	for _, size := range []int{1, 2, 3, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got := readCSV(t, text, source.WithBatchSize(size))
			require.EqualError(t, got.err, `source: CSV line 5, column "stay": not a duration (want Go syntax such as 36h or 1h30m): invalid data`)
			assert.Equal(t, sorted(
				"1, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ",
				"2, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ",
				"3, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, null, ",
			), got.records)
		})
	}
}

func TestCSV_ErrorIsStickyAndNextStaysFalse(t *testing.T) {
	set := loadSet(t, flatYAML)
	src := source.CSV(strings.NewReader(flatHeader+"x,f,1,true,2020-01-01,1s,,,\n42,f,1,true,2020-01-01,1s,,,\n"), set.Schema())
	ctx := context.Background()
	require.False(t, src.Next(ctx))
	first := src.Err()
	require.Error(t, first)
	for range 3 {
		assert.False(t, src.Next(ctx))
		assert.Nil(t, src.Batch())
		assert.Same(t, first, src.Err())
	}
}

func TestCSV_BatchSizesGiveTheSameRecords(t *testing.T) {
	var b strings.Builder
	b.WriteString(flatHeader)
	for i := range 10 {
		fmt.Fprintf(&b, "%d,f,%d.5,%t,2020-01-%02d,%dh,,,C%d\n", i, i, i%2 == 0, i+1, i, i)
	}
	want := readCSV(t, b.String()).records
	require.Len(t, want, 10)
	tests := []struct {
		opts  []source.Option
		sizes []int
	}{
		{[]source.Option{source.WithBatchSize(1)}, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{[]source.Option{source.WithBatchSize(3)}, []int{3, 3, 3, 1}},
		{[]source.Option{source.WithBatchSize(10)}, []int{10}},
		{nil, []int{10}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.sizes), func(t *testing.T) {
			got := readCSV(t, b.String(), tt.opts...)
			require.NoError(t, got.err)
			assert.Equal(t, want, got.records)
			assert.Equal(t, tt.sizes, got.sizes)
		})
	}
}

func TestCSV_DefaultBatchSizeIs4096(t *testing.T) {
	var b strings.Builder
	b.WriteString("age,sex,score,smoker,born,stay,codes\n")
	for range 5000 {
		b.WriteString("1,f,1,true,2020-01-01,1s,\n")
	}
	got := readCSV(t, b.String())
	require.NoError(t, got.err)
	assert.Equal(t, []int{source.DefaultBatchSize, 5000 - source.DefaultBatchSize}, got.sizes)
}

func TestCSV_CommaOption(t *testing.T) {
	got := readCSV(t, strings.ReplaceAll(flatHeader, ",", ";")+"42;f;1,5;true;2020-01-01;1s;;;A|B\n", source.WithComma(';'))
	require.EqualError(t, got.err, `source: CSV line 2, column "score": not a double: invalid data`)
	got = readCSV(t, strings.ReplaceAll(flatHeader, ",", "\t")+"42\tf\t1.5\ttrue\t2020-01-01\t1s\t\t\tA|B\n", source.WithComma('\t'))
	require.NoError(t, got.err)
	assert.Equal(t, []string{"42, f, 1.5, true, 2020-01-01T00:00:00Z, 1s, null, null, A|B"}, got.records)
}

func TestSources_InvalidOptionsAreReportedByNext(t *testing.T) {
	set := loadSet(t, flatYAML)
	tests := []struct {
		name    string
		opt     source.Option
		wantErr string
	}{
		{"batch size 0", source.WithBatchSize(0), "source: batch size 0: want at least 1"},
		{"empty separator", source.WithListSeparator(""), "source: empty list separator"},
		{"quote as comma", source.WithComma('"'), `source: invalid CSV delimiter '"'`},
		{"newline as comma", source.WithComma('\n'), `source: invalid CSV delimiter '\n'`},
		{"max line 0", source.WithMaxLineBytes(0), "source: max line bytes 0: want at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range []indicator.Source{
				source.CSV(strings.NewReader(flatHeader), set.Schema(), tt.opt),
				source.JSONLines(strings.NewReader(""), set.Schema(), tt.opt),
				source.Slice(set.Schema(), []int{1}, func(*int, *source.RowWriter) error { return nil }, tt.opt),
			} {
				assert.False(t, src.Next(context.Background()))
				assert.EqualError(t, src.Err(), tt.wantErr)
			}
		})
	}
}

func TestSources_BadSchemaIsReportedByNext(t *testing.T) {
	bad := &indicator.Schema{Unit: "p", Fields: []indicator.Field{{Name: "in", Kind: indicator.KindInt}}}
	for _, src := range []indicator.Source{
		source.CSV(strings.NewReader("in\n1\n"), nil),
		source.CSV(strings.NewReader("in\n1\n"), bad),
		source.JSONLines(strings.NewReader(`{"in":1}`), bad),
		source.Slice(bad, []int{1}, func(*int, *source.RowWriter) error { return nil }),
	} {
		assert.False(t, src.Next(context.Background()))
		assert.Error(t, src.Err())
	}
}

// failingReader returns its text, then err.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestCSV_ReaderErrorIsPassedOnNotInvalidData(t *testing.T) {
	set := loadSet(t, flatYAML)
	boom := errors.New("disk on fire")
	src := source.CSV(&failingReader{strings.NewReader(flatHeader + "42,f,1,true,2020-01-01,1s,,,\n"), boom}, set.Schema())
	got := read(t, set, src)
	require.ErrorIs(t, got.err, boom)
	assert.NotErrorIs(t, got.err, indicator.ErrInvalidData)
	assert.Equal(t, "source: CSV: reading: disk on fire", got.err.Error())
}

// cancelAfter is a reader that cancels a context once it has handed out n
// bytes, to cancel in the middle of a batch.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	p = p[:min(len(p), 512)]
	n, err := c.r.Read(p)
	c.n -= n
	if c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func TestCSV_CancelledContextStopsNext(t *testing.T) {
	set := loadSet(t, flatYAML)
	big := flatHeader + strings.Repeat("42,f,1,true,2020-01-01,1s,,,\n", 20000)

	t.Run("before the first batch", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		src := source.CSV(strings.NewReader(big), set.Schema())
		assert.False(t, src.Next(ctx))
		assert.ErrorIs(t, src.Err(), context.Canceled)
	})
	t.Run("between batches", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		src := source.CSV(strings.NewReader(big), set.Schema(), source.WithBatchSize(10))
		require.True(t, src.Next(ctx))
		cancel()
		assert.False(t, src.Next(ctx))
		assert.ErrorIs(t, src.Err(), context.Canceled)
		assert.False(t, src.Next(context.Background()), "stays stopped")
	})
	t.Run("within a batch", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		src := source.CSV(&cancelAfter{r: strings.NewReader(big), n: 10000, cancel: cancel}, set.Schema(), source.WithBatchSize(1<<20))
		assert.False(t, src.Next(ctx))
		assert.ErrorIs(t, src.Err(), context.Canceled)
	})
	t.Run("evaluation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := set.Evaluate(ctx, source.CSV(strings.NewReader(big), set.Schema()))
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestCSV_IndicatorOverRecords(t *testing.T) {
	set := loadSet(t, `id: t
schema:
  unit: patient
  fields:
    age: int
    sex: string
    hba1c: double?
    codes: list<string>
indicators:
  - id: n
    type: count
    initial_population: age == 42 && sex == "f"
  - id: dm
    type: proportion
    initial_population: '"E11" in codes'
    numerator: has(patient.hba1c) && hba1c <= 58
`)
	text := "sex,age,codes,hba1c\nf,42,E11|I10,57\nf,42,,\nm,42,E11,60\nf,41,E11,\n"
	rep, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(text), set.Schema()))
	require.NoError(t, err)
	n, _ := rep.Result("n")
	assert.EqualValues(t, 2, n.Accounting.Included)
	dm, _ := rep.Result("dm")
	assert.EqualValues(t, 3, dm.Denominator)
	assert.EqualValues(t, 1, dm.Numerator)
	assert.EqualValues(t, 4, rep.Read)
}

func TestCSV_LongRecordsReadTheSame(t *testing.T) {
	// Past 4 KiB string cells are copied rather than shared with the
	// record; the values must not change.
	long := strings.Repeat("x", 5000)
	got := readCSV(t, flatHeader+"42,f,1,true,2020-01-01,1s,,"+long+",a|"+long+"\n")
	require.NoError(t, got.err)
	assert.Equal(t, []string{"42, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, " + long + ", a|" + long}, got.records)
}

func TestCSV_StringsKeepEveryCharacter(t *testing.T) {
	got := readCSV(t, flatHeader+"42,\"a\x1fb, c\x00\",1,true,2020-01-01,1s,,\"\xff\",\"|\"\n")
	require.NoError(t, got.err)
	assert.Equal(t, []string{"42, a\x1fb, c\x00, 1, true, 2020-01-01T00:00:00Z, 1s, null, \xff, |"}, got.records)
}
