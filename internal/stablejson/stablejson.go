// Package stablejson writes the JSON of reports and scorecards so that the
// same value always gives the same bytes: object keys sorted, numbers kept
// as encoding/json wrote them (the shortest text that round-trips).
package stablejson

import (
	"bytes"
	"encoding/json"
	"io"
)

// Canonical re-encodes JSON with every object's keys sorted (encoding/json
// sorts map keys) while keeping each number's text.
func Canonical(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// WriteIndented writes JSON indented by two spaces, with a final newline.
func WriteIndented(w io.Writer, raw []byte) error {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}
