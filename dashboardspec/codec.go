package dashboardspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/internal/textvalue"
	"github.com/openhpi/hpi/internal/yamlpos"
)

// ErrDecode is wrapped by every error of Decode and Parse.
var ErrDecode = errors.New("dashboardspec: cannot decode")

// ErrVersion is wrapped by the error for a document whose apiVersion is not
// APIVersion.
var ErrVersion = errors.New("dashboardspec: unsupported apiVersion")

// maxDocument bounds the size of a document Decode reads, and maxNodes the
// number of YAML nodes it converts (aliases are refused), so that no input
// can exhaust memory.
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

// Parse is Decode for a document in memory. Every error names the line
// of the document it is about.
func Parse(data []byte) (*Dashboard, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		start := len(data) - len(trimmed)
		line := func(off int64) int {
			return 1 + bytes.Count(data[:start+int(min(max(off, 0), int64(len(trimmed))))], []byte("\n"))
		}
		return parseJSON(trimmed, line, int64(max(bytes.Index(trimmed, []byte(`"apiVersion"`)), 0)))
	}
	c := converter{budget: maxNodes, fields: map[reflect.Type]map[string]reflect.Type{}}
	if err := c.document(data); err != nil {
		return nil, fmt.Errorf("%w: yaml: %w", ErrDecode, err)
	}
	return parseJSON(c.buf.Bytes(), c.line, c.version)
}

// parseJSON decodes a document's JSON; line gives the line of the source
// document a byte offset of data comes from, and version is the offset of
// the apiVersion key.
func parseJSON(data []byte, line func(off int64) int, version int64) (*Dashboard, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dashboard
	if err := dec.Decode(&d); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syntax):
			return nil, fmt.Errorf("%w: line %d: %w", ErrDecode, line(syntax.Offset), err)
		case errors.As(err, &typ):
			return nil, fmt.Errorf("%w: line %d: %w", ErrDecode, line(typ.Offset), err)
		}
		return nil, fmt.Errorf("%w: line %d: %w", ErrDecode, line(dec.InputOffset()), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: line %d: data after the document", ErrDecode, line(dec.InputOffset()))
	}
	if d.APIVersion != APIVersion {
		return nil, fmt.Errorf("%w: line %d: %s, want %q", ErrVersion, line(version), textvalue.Quote(d.APIVersion), APIVersion)
	}
	return &d, nil
}

// converter turns one YAML document into JSON, keeping scalars as YAML
// resolves them (null, bool, int, float) and everything else — timestamps
// included — as strings, so that a date never changes form. It checks the
// keys of every mapping against the Go type it decodes into, so that an
// unknown key is reported at its line, and remembers the line each JSON
// byte comes from for the errors of the JSON decoder.
type converter struct {
	buf    bytes.Buffer
	budget int
	marks  []mark                                   // in order of offset
	fields map[reflect.Type]map[string]reflect.Type // per struct type: its JSON names
	// version is the offset of the top-level apiVersion key.
	version int64
}

// mark says that the JSON from offset off on comes from line line.
type mark struct{ off, line int }

// line returns the YAML line of JSON offset off.
func (c *converter) line(off int64) int {
	k := sort.Search(len(c.marks), func(i int) bool { return int64(c.marks[i].off) > off })
	if k == 0 {
		return 1
	}
	return c.marks[k-1].line
}

func (c *converter) document(data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := yamlpos.Problems(data, err)[0]
		return fmt.Errorf("line %d: %s", p.Line, p.Message)
	}
	if doc.Kind == 0 || len(doc.Content) != 1 {
		return errors.New("line 1: empty document")
	}
	return c.node(doc.Content[0], reflect.TypeFor[Dashboard](), 0)
}

// node writes n, to be decoded into a value of type want (nil: any).
func (c *converter) node(n *yaml.Node, want reflect.Type, depth int) error {
	if c.budget--; c.budget < 0 {
		return fmt.Errorf("line %d: document too large", n.Line)
	}
	if depth > 200 {
		return fmt.Errorf("line %d: document nested too deeply", n.Line)
	}
	c.marks = append(c.marks, mark{c.buf.Len(), n.Line})
	for want != nil && want.Kind() == reflect.Pointer {
		want = want.Elem()
	}
	if want != nil && reflect.PointerTo(want).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		want = nil // its own decoding: no key checks below it
	}
	switch n.Kind {
	case yaml.AliasNode:
		return fmt.Errorf("line %d: YAML aliases are not supported", n.Line)
	case yaml.SequenceNode:
		var elem reflect.Type
		if want != nil && (want.Kind() == reflect.Slice || want.Kind() == reflect.Array) {
			elem = want.Elem()
		}
		c.buf.WriteByte('[')
		for i, e := range n.Content {
			if i > 0 {
				c.buf.WriteByte(',')
			}
			if err := c.node(e, elem, depth+1); err != nil {
				return err
			}
		}
		c.buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		return c.mapping(n, want, depth)
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func (c *converter) mapping(n *yaml.Node, want reflect.Type, depth int) error {
	fields := c.fieldsOf(want)
	c.buf.WriteByte('{')
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return fmt.Errorf("line %d: mapping keys must be plain strings", k.Line)
		}
		if seen[k.Value] {
			return fmt.Errorf("line %d: duplicate key %s", k.Line, textvalue.Quote(k.Value))
		}
		seen[k.Value] = true
		var elem reflect.Type
		switch {
		case fields != nil:
			t, ok := fields[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown field %s", k.Line, textvalue.Quote(k.Value))
			}
			elem = t
		case want != nil && want.Kind() == reflect.Map:
			elem = want.Elem()
		}
		if i > 0 {
			c.buf.WriteByte(',')
		}
		c.marks = append(c.marks, mark{c.buf.Len(), k.Line})
		if depth == 0 && k.Value == "apiVersion" {
			c.version = int64(c.buf.Len())
		}
		key, _ := json.Marshal(k.Value)
		c.buf.Write(key)
		c.buf.WriteByte(':')
		if err := c.node(v, elem, depth+1); err != nil {
			return err
		}
	}
	c.buf.WriteByte('}')
	return nil
}

// fieldsOf returns the JSON names of a struct type's fields and their
// types, or nil for any other type.
func (c *converter) fieldsOf(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	if f, ok := c.fields[t]; ok {
		return f
	}
	f := map[string]reflect.Type{}
	for _, sf := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch {
		case !sf.IsExported() || name == "-" || sf.Anonymous && name == "":
			continue
		case name == "":
			name = sf.Name
		}
		f[name] = sf.Type
	}
	c.fields[t] = f
	return f
}

func (c *converter) scalar(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		c.buf.WriteString("null")
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fmt.Errorf("line %d: not a bool", n.Line)
		}
		c.buf.WriteString(strconv.FormatBool(b))
		return nil
	case "!!int", "!!float":
		var x float64
		if err := n.Decode(&x); err != nil {
			return fmt.Errorf("line %d: not a number", n.Line)
		}
		v := Num(x)
		if v.IsNull() {
			return fmt.Errorf("line %d: %s is not a finite number", n.Line, textvalue.Quote(n.Value))
		}
		b, _ := v.MarshalJSON()
		c.buf.Write(b)
		return nil
	}
	s, _ := json.Marshal(n.Value)
	c.buf.Write(s)
	return nil
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
