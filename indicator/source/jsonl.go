package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/textvalue"
)

// JSONLines returns a Source that reads records from JSON Lines text: one
// JSON object per line, whose keys are schema field names.
//
// A key that names no field is an error unless WithIgnoreUnknown is given.
// A nullable field may be null or absent; any other scalar field must be
// present. A list or event list that is null or absent is empty. JSON types
// must match the schema: a number for int and double (an int must have an
// integral value: 2 and 2.0 are accepted, 1.5 is not), true or false for
// bool, a string for string, timestamp (RFC 3339 or YYYY-MM-DD) and
// duration (Go syntax such as "36h"), an array for a list, an array of
// objects for an event list. Blank lines are skipped.
//
// A bad value stops the source with an error that names the line and the
// field path and wraps indicator.ErrInvalidData, e.g.
//
//	source: JSONL line 3: field "conditions[2].onset": not a timestamp (want RFC 3339 or YYYY-MM-DD): invalid data
//
// It does not quote the value, which may identify a patient, unless
// WithValuesInErrors is given.
//
// Malformed JSON also wraps the *json.SyntaxError. A line longer than the
// WithMaxLineBytes limit is an error wrapping bufio.ErrTooLong. The records
// before the bad line are delivered first. The input is read one line at a
// time.
//
// Options: WithBatchSize, WithIgnoreUnknown, WithMaxLineBytes,
// WithValuesInErrors.
func JSONLines(r io.Reader, schema *indicator.Schema, opts ...Option) indicator.Source {
	cfg := newConfig(opts)
	return newStream(schema, cfg, &jsonlReader{in: r, schema: schema, cfg: cfg})
}

type jsonlReader struct {
	in     io.Reader
	schema *indicator.Schema
	cfg    config
	rd     *errorReader
	sc     *bufio.Scanner
	line   int
	p      jsonParser
}

func (r *jsonlReader) open() error {
	r.rd = &errorReader{r: r.in}
	r.sc = bufio.NewScanner(r.rd)
	r.sc.Split(r.splitLines)
	limit := r.cfg.maxLineBytes
	if limit < int(^uint(0)>>1) {
		limit++ // room for the line break, which the limit excludes
	}
	r.sc.Buffer(make([]byte, 0, min(limit, 64<<10)), limit)
	r.p = jsonParser{top: newJSONLevel(r.schema.Fields), ignore: r.cfg.ignoreUnknown, values: r.cfg.values}
	return nil
}

func (r *jsonlReader) readRow(_ context.Context, b *indicator.BatchBuilder) error {
	data, err := r.nextLine()
	if err != nil {
		return err
	}
	if err := r.p.record(data, b); err != nil {
		return fmt.Errorf("source: JSONL line %d: %w: %w", r.line, err, indicator.ErrInvalidData)
	}
	if err := b.EndRow(); err != nil {
		return builderError(fmt.Sprintf("source: JSONL line %d", r.line), err)
	}
	return nil
}

// errorReader remembers the first error of r other than io.EOF.
type errorReader struct {
	r   io.Reader
	err error
}

func (e *errorReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// splitLines is bufio.ScanLines, except that a last line cut short by a
// read error is that error rather than a line: bufio.Scanner would return
// it as the final line, and its truncated JSON would hide the I/O error.
func (r *jsonlReader) splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && r.rd.err != nil && bytes.IndexByte(data, '\n') < 0 {
		return 0, nil, r.rd.err
	}
	return bufio.ScanLines(data, atEOF)
}

// nextLine returns the next line that is not blank.
func (r *jsonlReader) nextLine() ([]byte, error) {
	for r.sc.Scan() {
		r.line++
		data := r.sc.Bytes()
		if r.line == 1 {
			data = bytes.TrimPrefix(data, []byte("\ufeff"))
		}
		if len(bytes.Trim(data, " \t\r")) > 0 { // JSON's white space only
			return data, nil
		}
	}
	err := r.sc.Err()
	switch {
	case err == nil:
		return nil, io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		return nil, fmt.Errorf("source: JSONL line %d: longer than %d bytes (see WithMaxLineBytes): %w: %w", r.line+1, r.cfg.maxLineBytes, err, indicator.ErrInvalidData)
	}
	return nil, fmt.Errorf("source: JSONL line %d: reading: %w", r.line+1, err)
}

// jsonLevel is the schema of one kind of JSON object: the record, or the
// events of one event list.
type jsonLevel struct {
	fields []indicator.Field
	index  map[string]int
	events []*jsonLevel // by field index, for event-list fields
}

func newJSONLevel(fields []indicator.Field) *jsonLevel {
	lv := &jsonLevel{fields: fields, index: make(map[string]int, len(fields)), events: make([]*jsonLevel, len(fields))}
	for i, f := range fields {
		lv.index[f.Name] = i
		if f.Kind == indicator.KindEvents {
			lv.events[i] = newJSONLevel(f.Fields)
		}
	}
	return lv
}

// pathSeg is one step of a field path: a name, and an element index when
// inside a list.
type pathSeg struct {
	name  string
	index int // -1 outside a list
}

// jsonParser reads one record from a line of JSON into a BatchBuilder.
type jsonParser struct {
	lex    lexer
	clone  bool // copy string values (see shareLimit)
	top    *jsonLevel
	ignore bool
	values bool // quote values in errors (WithValuesInErrors)
	path   []pathSeg
	seen   [][]bool // by object depth, reused across records
}

// record reads one line. The line is checked with json.Valid first, which
// is fast and exact, so that the walk that follows needs no syntax checks
// and malformed JSON gets encoding/json's own message.
func (p *jsonParser) record(data []byte, b *indicator.BatchBuilder) error {
	if !json.Valid(data) {
		return syntaxError(data)
	}
	// One string per line: string values become substrings of it instead
	// of one allocation each, unless the line is long (see shareLimit).
	p.lex = lexer{s: string(data)}
	p.clone = len(data) > shareLimit
	p.path = p.path[:0]
	tok, err := p.lex.token()
	if err != nil {
		return p.invalid(err)
	}
	if tok.kind != tokObject {
		return fmt.Errorf("want a JSON object, got %s", p.describe(tok))
	}
	return p.object(p.top, 0, b, nil)
}

// syntaxError describes why data is not valid JSON; json.Unmarshal gives
// the offset of the error, where a Decoder would not.
func syntaxError(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at column %d: %w", se.Offset, err)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// invalid reports a lexer error, which json.Valid should have prevented.
func (p *jsonParser) invalid(err error) error {
	return fmt.Errorf("invalid JSON near column %d: %w", p.lex.i+1, err)
}

// object reads the members of an object whose '{' has been read. Fields
// go to the batch's columns (parent nil) or to an event of parent.
func (p *jsonParser) object(lv *jsonLevel, depth int, b *indicator.BatchBuilder, parent *indicator.ColumnBuilder) error {
	seen := p.seenAt(depth, len(lv.fields))
	for p.lex.more('}') {
		key, err := p.lex.str()
		if err == nil {
			err = p.lex.colon()
		}
		if err != nil {
			return p.invalid(err)
		}
		i, ok := lv.index[key]
		if !ok {
			if err := p.unknown(key); err != nil {
				return err
			}
			continue
		}
		p.path = append(p.path, pathSeg{name: key, index: -1})
		if seen[i] {
			return fmt.Errorf("field %q appears twice", p.pathString())
		}
		seen[i] = true
		if err := p.value(lv, i, depth, column(b, parent, i)); err != nil {
			return err
		}
		p.path = p.path[:len(p.path)-1]
	}
	for i, f := range lv.fields {
		if !seen[i] && !f.Nullable && f.Kind != indicator.KindList && f.Kind != indicator.KindEvents {
			p.path = append(p.path, pathSeg{name: f.Name, index: -1})
			return fmt.Errorf("field %q is missing (not nullable)", p.pathString())
		}
	}
	return nil
}

// unknown skips the value of a key that names no field, or reports it.
func (p *jsonParser) unknown(key string) error {
	if !p.ignore {
		p.path = append(p.path, pathSeg{name: key, index: -1})
		return fmt.Errorf("unknown field %q (no such schema field; WithIgnoreUnknown skips it)", p.pathString())
	}
	if err := p.lex.skip(); err != nil {
		return p.invalid(err)
	}
	return nil
}

func column(b *indicator.BatchBuilder, parent *indicator.ColumnBuilder, i int) indicator.ColumnBuilder {
	if parent == nil {
		return b.Field(i)
	}
	return parent.Event(i)
}

// seenAt returns a cleared flag per field for an object at depth; objects
// at the same depth are read one after the other, so they share it.
func (p *jsonParser) seenAt(depth, n int) []bool {
	for len(p.seen) <= depth {
		p.seen = append(p.seen, nil)
	}
	s := p.seen[depth][:0]
	for range n {
		s = append(s, false)
	}
	p.seen[depth] = s
	return s
}

// value reads the value of field i of lv, whose name is on the path.
func (p *jsonParser) value(lv *jsonLevel, i, depth int, cb indicator.ColumnBuilder) error {
	f := &lv.fields[i]
	tok, err := p.lex.token()
	if err != nil {
		return p.invalid(err)
	}
	switch {
	case f.Kind == indicator.KindList && tok.kind == tokNull,
		f.Kind == indicator.KindEvents && tok.kind == tokNull:
		return nil // an empty list
	case f.Kind == indicator.KindList:
		return p.list(tok, f.Elem, cb)
	case f.Kind == indicator.KindEvents:
		return p.events(tok, lv.events[i], depth, cb)
	}
	return p.scalar(tok, f.Kind, f.Nullable, cb)
}

func (p *jsonParser) list(tok token, elem indicator.Kind, cb indicator.ColumnBuilder) error {
	if tok.kind != tokArray {
		return p.fail(fmt.Errorf("want an array, got %s", p.describe(tok)))
	}
	seg := &p.path[len(p.path)-1]
	for k := 0; p.lex.more(']'); k++ {
		seg.index = k
		tok, err := p.lex.token()
		if err != nil {
			return p.invalid(err)
		}
		if err := p.scalar(tok, elem, false, cb); err != nil {
			return err
		}
	}
	seg.index = -1
	return nil
}

func (p *jsonParser) events(tok token, lv *jsonLevel, depth int, cb indicator.ColumnBuilder) error {
	if tok.kind != tokArray {
		return p.fail(fmt.Errorf("want an array of objects, got %s", p.describe(tok)))
	}
	for k := 0; p.lex.more(']'); k++ {
		p.path[len(p.path)-1].index = k // not a pointer: object may grow the path
		tok, err := p.lex.token()
		if err != nil {
			return p.invalid(err)
		}
		if tok.kind != tokObject {
			return p.fail(fmt.Errorf("want an object, got %s", p.describe(tok)))
		}
		if err := p.object(lv, depth+1, nil, &cb); err != nil {
			return err
		}
		cb.EndEvent()
	}
	p.path[len(p.path)-1].index = -1
	return nil
}

// scalar appends one scalar value, or says why tok is not one of kind k.
func (p *jsonParser) scalar(tok token, k indicator.Kind, nullable bool, cb indicator.ColumnBuilder) error {
	var err error
	switch tok.kind {
	case tokNull:
		if !nullable {
			return p.fail(errors.New("null, but the value is not nullable"))
		}
		cb.AppendNull()
		return nil
	case tokNumber:
		err = p.appendNumber(cb, k, tok)
	case tokTrue, tokFalse:
		if k != indicator.KindBool {
			err = p.wrongType(k, tok)
			break
		}
		cb.AppendBool(tok.kind == tokTrue)
	case tokString:
		if k != indicator.KindString && k != indicator.KindTimestamp && k != indicator.KindDuration {
			err = p.wrongType(k, tok)
			break
		}
		err = appendText(cb, k, tok.text, p.clone, p.values)
	default:
		err = p.wrongType(k, tok)
	}
	if err != nil {
		return p.fail(redact(err, p.values))
	}
	return nil
}

func (p *jsonParser) appendNumber(cb indicator.ColumnBuilder, k indicator.Kind, tok token) error {
	num := tok.text
	switch k {
	case indicator.KindInt:
		v, err := parseJSONInt(num)
		if err != nil {
			return err
		}
		cb.AppendInt(v)
	case indicator.KindDouble:
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return &badValue{num, "out of range for a double"}
		}
		cb.AppendDouble(v)
	default:
		return p.wrongType(k, tok)
	}
	return nil
}

// maxExponent bounds the exponents parseJSONInt works out exactly; beyond
// it a non-zero number is too large or not an integer.
const maxExponent = 1000

// parseJSONInt reads a JSON number as an int64. A fraction or exponent is
// accepted when the value is exactly an integer (2.0, 1e3), since some
// producers (pandas, Python floats) write integers that way; the test is
// done on the decimal digits, so that no float rounding can change a
// value.
func parseJSONInt(num string) (int64, error) {
	v, err := strconv.ParseInt(num, 10, 64)
	if err == nil {
		return v, nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return 0, &badValue{num, "out of range for an int"}
	}
	sign, rest := "", num
	if strings.HasPrefix(rest, "-") {
		sign, rest = "-", rest[1:]
	}
	mant, expText, _ := strings.Cut(strings.ToLower(rest), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, nil
	}
	exp := 0
	if expText != "" {
		exp, err = strconv.Atoi(expText)
		if err != nil || exp > maxExponent || exp < -maxExponent {
			if strings.HasPrefix(expText, "-") {
				return 0, &badValue{num, "not an integer"}
			}
			return 0, &badValue{num, "out of range for an int"}
		}
	}
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	switch {
	case exp < 0:
		return 0, &badValue{num, "not an integer"}
	case len(trimmed)+exp > 19:
		return 0, &badValue{num, "out of range for an int"}
	}
	v, err = strconv.ParseInt(sign+trimmed+strings.Repeat("0", exp), 10, 64)
	if err != nil {
		return 0, &badValue{num, "out of range for an int"}
	}
	return v, nil
}

func (p *jsonParser) wrongType(k indicator.Kind, tok token) error {
	return fmt.Errorf("want %s, got %s", wantJSON(k), p.describe(tok))
}

func wantJSON(k indicator.Kind) string {
	switch k {
	case indicator.KindInt:
		return "an int (a JSON number)"
	case indicator.KindDouble:
		return "a double (a JSON number)"
	case indicator.KindBool:
		return "true or false"
	case indicator.KindString:
		return "a string"
	case indicator.KindTimestamp:
		return "a timestamp (a string)"
	case indicator.KindDuration:
		return "a duration (a string)"
	}
	return k.String()
}

// describe names a JSON token in an error message: its kind, and its
// value only with WithValuesInErrors.
func (p *jsonParser) describe(tok token) string {
	switch tok.kind {
	case tokNull:
		return "null"
	case tokTrue:
		return "true"
	case tokFalse:
		return "false"
	case tokNumber:
		if !p.values {
			return "a number"
		}
		return textvalue.Shorten(tok.text)
	case tokString:
		if !p.values {
			return "a string"
		}
		return "string " + textvalue.Quote(tok.text)
	case tokArray:
		return "an array"
	case tokObject:
		return "an object"
	}
	return "nothing"
}

// fail prefixes err with the current field path.
func (p *jsonParser) fail(err error) error {
	return fmt.Errorf("field %q: %w", p.pathString(), err)
}

func (p *jsonParser) pathString() string {
	var sb strings.Builder
	for i, s := range p.path {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(s.name)
		if s.index >= 0 {
			sb.WriteByte('[')
			sb.WriteString(strconv.Itoa(s.index))
			sb.WriteByte(']')
		}
	}
	return sb.String()
}
