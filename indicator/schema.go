package indicator

import (
	"fmt"
	"strings"
)

// Kind is the type of a schema field.
type Kind uint8

// The field kinds. KindList is a list of scalars; KindEvents is a list of
// objects (events such as conditions or observations) with their own fields.
const (
	KindInvalid Kind = iota
	KindInt
	KindDouble
	KindBool
	KindString
	KindTimestamp
	KindDuration
	KindList
	KindEvents
)

var kindNames = [...]string{
	KindInvalid:   "invalid",
	KindInt:       "int",
	KindDouble:    "double",
	KindBool:      "bool",
	KindString:    "string",
	KindTimestamp: "timestamp",
	KindDuration:  "duration",
	KindList:      "list",
	KindEvents:    "events",
}

// String returns the kind's name as written in YAML.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// scalar reports whether k is one of the scalar kinds.
func (k Kind) scalar() bool { return k >= KindInt && k <= KindDuration }

// Field is one typed field of a schema or of an event object.
type Field struct {
	Name        string
	Kind        Kind
	Nullable    bool    // only for scalar kinds: a value may be absent
	Elem        Kind    // element kind of a KindList
	Fields      []Field // fields of each event of a KindEvents
	Description string
}

// TypeString returns the field's type as written in YAML, e.g. "double?" or "list<string>".
func (f Field) TypeString() string {
	switch f.Kind {
	case KindList:
		return "list<" + f.Elem.String() + ">"
	case KindEvents:
		return "events"
	}
	if f.Nullable {
		return f.Kind.String() + "?"
	}
	return f.Kind.String()
}

// Schema declares the fields of the unit of analysis (a patient, an
// encounter, an area). The unit's name is also the name under which CEL
// sees the whole record, so that presence tests read has(patient.hba1c).
type Schema struct {
	Unit   string
	Fields []Field
}

// FieldIndex returns the position of the named top-level field, or -1.
func (s *Schema) FieldIndex(name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

// ParseType parses a scalar or list type as written in YAML: int, double,
// bool, string, timestamp, duration, each optionally followed by "?" for a
// nullable field, or list<T> for a list of scalars.
func ParseType(s string) (Field, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, "list<"); ok {
		inner, ok = strings.CutSuffix(inner, ">")
		if !ok {
			return Field{}, fmt.Errorf("%w: unterminated list type %q", ErrInvalidDefinition, s)
		}
		elem, err := parseScalarKind(inner)
		if err != nil {
			return Field{}, err
		}
		return Field{Kind: KindList, Elem: elem}, nil
	}
	base, nullable := strings.CutSuffix(s, "?")
	k, err := parseScalarKind(base)
	if err != nil {
		return Field{}, err
	}
	return Field{Kind: k, Nullable: nullable}, nil
}

func parseScalarKind(s string) (Kind, error) {
	for k := KindInt; k <= KindDuration; k++ {
		if kindNames[k] == strings.TrimSpace(s) {
			return k, nil
		}
	}
	return KindInvalid, fmt.Errorf("%w: unknown type %q (want int, double, bool, string, timestamp, duration, T? or list<T>)", ErrInvalidDefinition, s)
}

// validate checks names and kinds recursively.
func validateFields(fields []Field, where string) error {
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if !isIdent(f.Name) {
			return fmt.Errorf("%w: %s: field name %q is not an identifier", ErrInvalidDefinition, where, f.Name)
		}
		if reserved(f.Name) {
			return fmt.Errorf("%w: %s: field name %q is a reserved word in CEL", ErrInvalidDefinition, where, f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("%w: %s: duplicate field %q", ErrInvalidDefinition, where, f.Name)
		}
		seen[f.Name] = true
		switch {
		case f.Kind.scalar():
		case f.Kind == KindList && f.Elem.scalar():
		case f.Kind == KindEvents && where != "schema":
			return fmt.Errorf("%w: %s: event list %q inside an event list is not supported; declare it as a top-level event list", ErrInvalidDefinition, where, f.Name)
		case f.Kind == KindEvents:
			if len(f.Fields) == 0 {
				return fmt.Errorf("%w: %s: event list %q has no fields", ErrInvalidDefinition, where, f.Name)
			}
			if err := validateFields(f.Fields, where+"."+f.Name); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %s: field %q has invalid type %s", ErrInvalidDefinition, where, f.Name, f.TypeString())
		}
	}
	return nil
}

// Validate reports whether the schema is well formed: identifiers as names,
// no duplicates, known kinds, event lists with fields.
func (s *Schema) Validate() error {
	if !isIdent(s.Unit) {
		return fmt.Errorf("%w: schema unit %q is not an identifier", ErrInvalidDefinition, s.Unit)
	}
	return validateFields(s.Fields, "schema")
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// reserved reports whether s is one of CEL's reserved words or a name hpi
// binds itself; none may name a field, parameter or definition.
func reserved(s string) bool {
	switch s {
	case "true", "false", "null", "in", "as", "break", "const", "continue", "else",
		"for", "function", "if", "import", "let", "loop", "package", "namespace",
		"return", "var", "void", "while", "valuesets", "int", "uint", "double",
		"bool", "string", "bytes", "list", "map", "type", "has", "dyn",
		"timestamp", "duration", "optional_type":
		return true
	}
	return false
}
