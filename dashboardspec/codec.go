package dashboardspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// ErrDecode is wrapped by every error of Decode and Parse.
var ErrDecode = errors.New("dashboardspec: cannot decode")

// ErrVersion is wrapped by the error for a document whose apiVersion is not
// APIVersion.
var ErrVersion = errors.New("dashboardspec: unsupported apiVersion")

// maxDocument bounds the size of a document Decode reads, and maxNodes the
// number of YAML nodes it expands (aliases included), so that no input can
// exhaust memory.
const (
	maxDocument = 256 << 20
	maxNodes    = 4 << 20
)

// Decode reads one dashboard as JSON or YAML (a document whose first
// non-blank character is '{' is JSON). Unknown fields are errors in both,
// and apiVersion must be APIVersion. Decode checks the structure only: call
// Validate for references, ids, the grid and encodings.
func Decode(r io.Reader) (*Dashboard, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if len(data) > maxDocument {
		return nil, fmt.Errorf("%w: document larger than %d bytes", ErrDecode, maxDocument)
	}
	return Parse(data)
}

// Parse is Decode for a document in memory.
func Parse(data []byte) (*Dashboard, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return parseJSON(trimmed)
	}
	js, err := yamlToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: yaml: %w", ErrDecode, err)
	}
	return parseJSON(js)
}

func parseJSON(data []byte) (*Dashboard, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dashboard
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the document", ErrDecode)
	}
	if d.APIVersion != APIVersion {
		return nil, fmt.Errorf("%w: %q, want %q", ErrVersion, d.APIVersion, APIVersion)
	}
	return &d, nil
}

// yamlToJSON converts one YAML document to JSON, keeping scalars as YAML
// resolves them (null, bool, int, float) and everything else — timestamps
// included — as strings, so that a date never changes form.
func yamlToJSON(data []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		return nil, errors.New("empty document")
	}
	var buf bytes.Buffer
	budget := maxNodes
	if err := writeNode(&buf, &doc, &budget, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeNode(buf *bytes.Buffer, n *yaml.Node, budget *int, depth int) error {
	*budget--
	if *budget < 0 {
		return errors.New("document too large after expanding aliases")
	}
	if depth > 200 {
		return errors.New("document nested too deeply")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return errors.New("empty document")
		}
		return writeNode(buf, n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return errors.New("unknown alias")
		}
		return writeNode(buf, n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeNode(buf, c, budget, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		buf.WriteByte('{')
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return fmt.Errorf("line %d: mapping keys must be plain strings", k.Line)
			}
			if seen[k.Value] {
				return fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			seen[k.Value] = true
			if i > 0 {
				buf.WriteByte(',')
			}
			key, _ := json.Marshal(k.Value)
			buf.Write(key)
			buf.WriteByte(':')
			if err := writeNode(buf, v, budget, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			buf.WriteString("null")
			return nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			buf.WriteString(strconv.FormatBool(b))
			return nil
		case "!!int", "!!float":
			var x float64
			if err := n.Decode(&x); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			v := Num(x)
			if v.IsNull() {
				return fmt.Errorf("line %d: %q is not a finite number", n.Line, n.Value)
			}
			b, _ := v.MarshalJSON()
			buf.Write(b)
			return nil
		}
		s, _ := json.Marshal(n.Value)
		buf.Write(s)
		return nil
	}
	return fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// Encode writes d as indented JSON with a final newline. The bytes depend
// only on d: fields in the order of the Go types, map keys sorted, numbers in
// the shortest form that round-trips, NaN and infinities as null.
func Encode(w io.Writer, d *Dashboard) error {
	b, err := Marshal(d)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns the bytes Encode writes.
func Marshal(d *Dashboard) ([]byte, error) {
	if d == nil {
		return nil, errors.New("dashboardspec: nil dashboard")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("dashboardspec: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// EncodeYAML writes d as YAML (the JSON document's structure, keys in the
// same order).
func EncodeYAML(w io.Writer, d *Dashboard) error {
	b, err := Marshal(d)
	if err != nil {
		return err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(b, &node); err != nil {
		return fmt.Errorf("dashboardspec: encode yaml: %w", err)
	}
	plainStyle(&node)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return fmt.Errorf("dashboardspec: encode yaml: %w", err)
	}
	return enc.Close()
}

// plainStyle turns the flow style JSON parsed into block style, except for
// dataset rows, which stay on one line each.
func plainStyle(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Content[0].Kind == yaml.ScalarNode {
		n.Style = yaml.FlowStyle
		return
	}
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		n.Style = yaml.FlowStyle
		return
	}
	n.Style = 0
	for _, c := range n.Content {
		if n.Kind == yaml.SequenceNode && c.Kind == yaml.SequenceNode {
			c.Style = yaml.FlowStyle
			continue
		}
		plainStyle(c)
	}
}
