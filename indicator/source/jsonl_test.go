package source_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readJSONL(t *testing.T, yaml, text string, opts ...source.Option) result {
	t.Helper()
	set := loadSet(t, yaml)
	return read(t, set, source.JSONLines(strings.NewReader(text), set.Schema(), opts...))
}

func TestJSONLines_ReadsEveryType(t *testing.T) {
	got := readJSONL(t, flatYAML,
		`{"age": 42, "sex": "f", "score": 6.5, "smoker": true, "born": "2020-01-02", "stay": "36h", "hba1c": 48.5, "note": "hi", "codes": ["E11", "I10"]}`+"\n"+
			`{"codes": [], "note": null, "hba1c": null, "stay": "-1m", "born": "2020-01-02T03:04:05+01:00", "smoker": false, "score": 1e3, "sex": "", "age": -7}`+"\n"+
			`{"age": 1, "sex": "é\"\u00e9", "score": 0, "smoker": false, "born": "2020-01-01", "stay": "0s"}`+"\n")
	require.NoError(t, got.err)
	assert.Equal(t, sorted(
		"42, f, 6.5, true, 2020-01-02T00:00:00Z, 129600s, 48.5, hi, E11|I10",
		"-7, , 1000, false, 2020-01-02T02:04:05Z, -60s, null, null, ",
		`1, é"é, 0, false, 2020-01-01T00:00:00Z, 0s, null, null, `,
	), got.records)
}

func TestJSONLines_ReadsEventLists(t *testing.T) {
	got := readJSONL(t, eventsYAML,
		`{"age": 50, "doses": [1, 2], "conditions": [{"code": "E11", "onset": "2019-05-01", "severity": 2}, {"onset": "2020-01-01T12:00:00Z", "code": "I10"}]}`+"\n"+
			`{"age": 51, "hba1c": 7, "conditions": []}`+"\n"+
			`{"age": 52, "conditions": null, "doses": null}`+"\n")
	require.NoError(t, got.err)
	assert.Equal(t, sorted(
		"50, null, 1|2, E11@2019-05-01T00:00:00Z#2;I10@2020-01-01T12:00:00Z#null",
		"51, 7, , ",
		"52, null, , ",
	), got.records)
}

func TestJSONLines_IntMustBeIntegral(t *testing.T) {
	tests := []struct{ num, want, wantErr string }{
		{"2", "2", ""},
		{"-0", "0", ""},
		{"2.0", "2", ""},
		{"2.000", "2", ""},
		{"1e3", "1000", ""},
		{"1E+3", "1000", ""},
		{"12.50e1", "125", ""},
		{"1500e-3", "", "not an integer"},
		{"1500e-2", "15", ""},
		{"0.0e999999999999999999999", "0", ""},
		{"9223372036854775807", "9223372036854775807", ""},
		{"-9223372036854775808", "-9223372036854775808", ""},
		{"-9223372036854775808.0", "-9223372036854775808", ""},
		{"9223372036854775807.0", "9223372036854775807", ""},
		{"9007199254740993.0", "9007199254740993", ""}, // not rounded through float64
		{"1.5", "", "not an integer"},
		{"0.1", "", "not an integer"},
		{"1e-1", "", "not an integer"},
		{"9223372036854775808", "", "out of range for an int"},
		{"9223372036854775808.0", "", "out of range for an int"},
		{"1e19", "", "out of range for an int"},
		{"1e999999999999999999999", "", "out of range for an int"},
		{"1e-999999999999999999999", "", "not an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.num, func(t *testing.T) {
			got := readJSONL(t, eventsYAML, `{"age": `+tt.num+`}`)
			if tt.wantErr != "" {
				require.EqualError(t, got.err, `source: JSONL line 1: field "age": `+tt.wantErr+`: invalid data`)
				return
			}
			require.NoError(t, got.err)
			assert.Equal(t, []string{tt.want + ", null, , "}, got.records)
		})
	}
}

func TestJSONLines_BadValueNamesLineAndFieldPath(t *testing.T) {
	const ok = `{"age": 1}` + "\n"
	tests := []struct {
		name, line, wantErr string
	}{
		{"wrong type", `{"age": "42"}`,
			`field "age": want an int (a JSON number), got a string`},
		{"double for int", `{"age": 4.5}`,
			`field "age": not an integer`},
		{"bool for double", `{"age": 1, "hba1c": true}`,
			`field "hba1c": want a double (a JSON number), got true`},
		{"array for scalar", `{"age": [1]}`,
			`field "age": want an int (a JSON number), got an array`},
		{"object for list", `{"age": 1, "doses": {}}`,
			`field "doses": want an array, got an object`},
		{"null for non-nullable", `{"age": null}`,
			`field "age": null, but the value is not nullable`},
		{"missing field", `{"hba1c": 1}`,
			`field "age" is missing (not nullable)`},
		{"unknown field", `{"age": 1, "agee": 2}`,
			`unknown field "agee" (no such schema field; WithIgnoreUnknown skips it)`},
		{"duplicate field", `{"age": 1, "age": 2}`,
			`field "age" appears twice`},
		{"list element", `{"age": 1, "doses": [1, 2, "3"]}`,
			`field "doses[2]": want an int (a JSON number), got a string`},
		{"null list element", `{"age": 1, "doses": [null]}`,
			`field "doses[0]": null, but the value is not nullable`},
		{"event field", `{"age": 1, "conditions": [{"code": "a", "onset": "2020-01-01"}, {"code": "b", "onset": "2020-01-01"}, {"code": "c", "onset": "2020-13-01"}]}`,
			`field "conditions[2].onset": not a timestamp (want RFC 3339 or YYYY-MM-DD)`},
		{"event not an object", `{"age": 1, "conditions": [{"code": "a", "onset": "2020-01-01"}, 7]}`,
			`field "conditions[1]": want an object, got a number`},
		{"event field missing", `{"age": 1, "conditions": [{"code": "a"}]}`,
			`field "conditions[0].onset" is missing (not nullable)`},
		{"event field unknown", `{"age": 1, "conditions": [{"code": "a", "onset": "2020-01-01", "onsett": 1}]}`,
			`unknown field "conditions[0].onsett" (no such schema field; WithIgnoreUnknown skips it)`},
		{"event field twice", `{"age": 1, "conditions": [{"code": "a", "code": "b"}]}`,
			`field "conditions[0].code" appears twice`},
		{"event nullable wrong type", `{"age": 1, "conditions": [{"code": "a", "onset": "2020-01-01", "severity": "high"}]}`,
			`field "conditions[0].severity": want an int (a JSON number), got a string`},
		{"timestamp out of range", `{"age": 1, "conditions": [{"code": "a", "onset": "0001-01-01T00:00:00Z"}]}`,
			`field "conditions[0].onset": outside the years 1678-2261`},
		{"number out of range for double", `{"age": 1, "hba1c": 1e400}`,
			`field "hba1c": out of range for a double`},
		{"not an object", `[1, 2]`,
			`want a JSON object, got an array`},
		{"a string", `"age"`,
			`want a JSON object, got a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readJSONL(t, eventsYAML, ok+ok+tt.line+"\n"+ok)
			require.EqualError(t, got.err, "source: JSONL line 3: "+tt.wantErr+": invalid data")
			assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
			assert.Equal(t, sorted("1, null, , ", "1, null, , "), got.records, "the records before the bad line")
		})
	}
}

func TestJSONLines_MalformedJSONWrapsSyntaxError(t *testing.T) {
	tests := []struct {
		name, line, wantErr string
	}{
		{"bad literal", `{"age": tru}`, `invalid JSON at column 12: invalid character '}' in literal true (expecting 'e')`},
		{"missing comma", `{"age": 1 "hba1c": 2}`, `invalid JSON at column 11: invalid character '"' after object key:value pair`},
		{"trailing comma", `{"age": 1,}`, `invalid JSON at column 11: invalid character '}' looking for beginning of object key string`},
		{"two objects on a line", `{"age": 1} {"age": 2}`, `invalid JSON at column 12: invalid character '{' after top-level value`},
		{"garbage after object", `{"age": 1} x`, `invalid JSON at column 12: invalid character 'x' after top-level value`},
		{"unterminated string in list", `{"age": 1, "doses": [1, "`, `invalid JSON at column 25: unexpected end of JSON input`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readJSONL(t, eventsYAML, tt.line+"\n")
			require.EqualError(t, got.err, "source: JSONL line 1: "+tt.wantErr+": invalid data")
			assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
		})
	}
	t.Run("syntax error is unwrappable", func(t *testing.T) {
		got := readJSONL(t, eventsYAML, `{"age": 1 2}`)
		var se *json.SyntaxError
		require.ErrorAs(t, got.err, &se)
	})
	t.Run("truncated object", func(t *testing.T) {
		got := readJSONL(t, eventsYAML, `{"age": 1`)
		require.EqualError(t, got.err, "source: JSONL line 1: invalid JSON at column 9: unexpected end of JSON input: invalid data")
	})
}

func TestJSONLines_IgnoreUnknownSkipsAnyValue(t *testing.T) {
	got := readJSONL(t, eventsYAML,
		`{"x": {"deep": [1, {"y": null}]}, "age": 3, "conditions": [{"code": "a", "onset": "2020-01-01", "extra": [1, 2]}], "z": "s"}`+"\n",
		source.WithIgnoreUnknown())
	require.NoError(t, got.err)
	assert.Equal(t, []string{"3, null, , a@2020-01-01T00:00:00Z#null"}, got.records)
}

func TestJSONLines_BlankLinesAndLineEndings(t *testing.T) {
	text := "\ufeff" + `{"age": 1}` + "\r\n\r\n   \n" + `{"age": 2}` + "\n\t\n" + `{"age": "x"}` + "\r\n"
	got := readJSONL(t, eventsYAML, text)
	require.EqualError(t, got.err, `source: JSONL line 6: field "age": want an int (a JSON number), got a string: invalid data`)
	assert.Equal(t, sorted("1, null, , ", "2, null, , "), got.records)

	got = readJSONL(t, eventsYAML, `{"age": 1}`) // no final line break
	require.NoError(t, got.err)
	assert.Equal(t, []string{"1, null, , "}, got.records)

	got = readJSONL(t, eventsYAML, "\n\n")
	require.NoError(t, got.err)
	assert.Empty(t, got.records)
}

func TestJSONLines_LongLineIsAnErrorNotACrash(t *testing.T) {
	line := `{"age": 1, "doses": [` + strings.Repeat("1,", 500) + `1]}`
	require.Len(t, line, 1024)

	got := readJSONL(t, eventsYAML, line+"\n"+line+"\n", source.WithMaxLineBytes(1024))
	require.NoError(t, got.err, "a line of exactly the limit is fine")
	assert.Len(t, got.records, 2)

	got = readJSONL(t, eventsYAML, `{"age": 2}`+"\n"+line+"\n", source.WithMaxLineBytes(1023))
	require.EqualError(t, got.err, "source: JSONL line 2: longer than 1023 bytes (see WithMaxLineBytes): bufio.Scanner: token too long: invalid data")
	assert.ErrorIs(t, got.err, bufio.ErrTooLong)
	assert.ErrorIs(t, got.err, indicator.ErrInvalidData)
	assert.Equal(t, []string{"2, null, , "}, got.records)
}

func TestJSONLines_DefaultLineLimitIs16MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 16 MiB")
	}
	huge := `{"age": 1, "x": "` + strings.Repeat("a", source.DefaultMaxLineBytes) + `"}`
	got := readJSONL(t, eventsYAML, huge, source.WithIgnoreUnknown())
	require.ErrorIs(t, got.err, bufio.ErrTooLong)
}

func TestJSONLines_BatchSizesGiveTheSameRecords(t *testing.T) {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, `{"age": %d, "doses": [%d], "conditions": [{"code": "C%d", "onset": "2020-01-%02d"}]}`+"\n", i, i, i, i+1)
	}
	want := readJSONL(t, eventsYAML, b.String()).records
	require.Len(t, want, 10)
	for _, size := range []int{1, 3, source.DefaultBatchSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got := readJSONL(t, eventsYAML, b.String(), source.WithBatchSize(size))
			require.NoError(t, got.err)
			assert.Equal(t, want, got.records)
			assert.Len(t, got.sizes, (10+size-1)/size)
		})
	}
}

func TestJSONLines_CancelledContextStopsNext(t *testing.T) {
	set := loadSet(t, eventsYAML)
	big := strings.Repeat(`{"age": 1}`+"\n", 20000)
	t.Run("before the first batch", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		src := source.JSONLines(strings.NewReader(big), set.Schema())
		assert.False(t, src.Next(ctx))
		assert.ErrorIs(t, src.Err(), context.Canceled)
	})
	t.Run("within a batch", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		src := source.JSONLines(&cancelAfter{r: strings.NewReader(big), n: 10000, cancel: cancel}, set.Schema(), source.WithBatchSize(1<<20))
		assert.False(t, src.Next(ctx))
		assert.ErrorIs(t, src.Err(), context.Canceled)
	})
}

func TestJSONLines_StringsDecodeAsEncodingJSONDoes(t *testing.T) {
	set := loadSet(t, `id: s
schema:
  fields:
    s: string
indicators:
  - id: all
    type: count
    stratifiers: [s]
`)
	for _, lit := range []string{
		`"plain"`, `""`, `"caf\u00e9"`, `"café"`, `"tab\tquote\"slash\\\/"`, `"\ud83d\ude00"`,
		`"\ud800"`, "\"bad \xff utf8\"", "\"\xe2\x82\"", `"\u0000"`, `"line\nbreak"`,
	} {
		t.Run(lit, func(t *testing.T) {
			var want string
			require.NoError(t, json.Unmarshal([]byte(lit), &want))
			got := read(t, set, source.JSONLines(strings.NewReader(`{"s": `+lit+`}`), set.Schema()))
			require.NoError(t, got.err)
			assert.Equal(t, []string{want}, got.records)
		})
	}
	t.Run("escaped key", func(t *testing.T) {
		got := read(t, set, source.JSONLines(strings.NewReader(`{"\u0073": "k"}`), set.Schema()))
		require.NoError(t, got.err)
		assert.Equal(t, []string{"k"}, got.records)
	})
}

func TestJSONLines_DuplicateListKeyIsAnError(t *testing.T) {
	got := readJSONL(t, eventsYAML, `{"age": 1, "doses": [1], "doses": [2]}`)
	require.EqualError(t, got.err, `source: JSONL line 1: field "doses" appears twice: invalid data`)
	got = readJSONL(t, eventsYAML, `{"age": 1, "conditions": [], "conditions": null}`)
	require.EqualError(t, got.err, `source: JSONL line 1: field "conditions" appears twice: invalid data`)
}

func TestJSONLines_LongLinesReadTheSame(t *testing.T) {
	long := strings.Repeat("y", 5000)
	got := readJSONL(t, flatYAML, `{"skip": "`+long+`", "age": 1, "sex": "f", "score": 1, "smoker": true, "born": "2020-01-01", "stay": "1s", "note": "`+long+`", "codes": ["\u0041", "`+long+`"]}`, source.WithIgnoreUnknown())
	require.NoError(t, got.err)
	assert.Equal(t, []string{"1, f, 1, true, 2020-01-01T00:00:00Z, 1s, null, " + long + ", A|" + long}, got.records)
}
