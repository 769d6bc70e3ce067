package sqlgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Mapping says where a schema's records live: one table with a row per
// record, and a child table per event list (or list field) with a row per
// event, keyed by the record's key and ordered by an ordinal column.
type Mapping struct {
	// Table is the record table, optionally schema-qualified
	// ("omop.person").
	Table string
	// Key is the column that identifies a record; the child tables refer
	// to it.
	Key string
	// Index, when set, is a column holding each record's 0-based index in
	// the source, reported with record errors; without it, errors number
	// records in the order of Key.
	Index string
	// Columns maps a scalar field to its column; a field not listed is
	// the column of its own name.
	Columns map[string]string
	// Events maps an event-list or list field to its child table; a
	// field not listed has the table DefaultMapping would give it.
	Events map[string]EventTable
}

// EventTable is the child table of one event list or list field.
type EventTable struct {
	Table string
	// Key is the column holding the key of the record an event belongs to.
	Key string
	// Ordinal orders a record's events as the list orders them (list
	// indexing such as readings[size(readings) - 1] uses it).
	Ordinal string
	// Columns maps an event field to its column (a field not listed is
	// the column of its own name); a list of scalars keeps its elements
	// in the column of Columns["value"], by default "value".
	Columns map[string]string
}

// Default names of DefaultMapping.
const (
	DefaultKey     = "hpi_key"     // the record key: the record's 0-based index
	DefaultOrdinal = "hpi_ordinal" // the 0-based position of an event in its list
)

// DefaultMapping maps a schema to the tables CreateTables creates: a
// record table named after the unit, whose DefaultKey column is also the
// record's index, and a table <unit>_<field> per event list or list
// field, with the same key column and a DefaultOrdinal column; every
// field is the column of its own name.
func DefaultMapping(schema *indicator.Schema) Mapping {
	m := Mapping{Table: schema.Unit, Key: DefaultKey, Index: DefaultKey, Columns: map[string]string{}, Events: map[string]EventTable{}}
	for _, f := range schema.Fields {
		switch f.Kind {
		case indicator.KindEvents, indicator.KindList:
			m.Events[f.Name] = defaultEventTable(schema.Unit, f.Name)
		default:
			m.Columns[f.Name] = f.Name
		}
	}
	return m
}

func defaultEventTable(unit, field string) EventTable {
	return EventTable{Table: unit + "_" + field, Key: DefaultKey, Ordinal: DefaultOrdinal, Columns: map[string]string{}}
}

// column returns the column of a top-level scalar field.
func (m *Mapping) column(field string) string {
	if c, ok := m.Columns[field]; ok && c != "" {
		return c
	}
	return field
}

// events returns the child table of a list field, filled with defaults.
func (m *Mapping) events(unit, field string) EventTable {
	t, ok := m.Events[field]
	d := defaultEventTable(unit, field)
	if !ok {
		return d
	}
	if t.Table == "" {
		t.Table = d.Table
	}
	if t.Key == "" {
		t.Key = d.Key
	}
	if t.Ordinal == "" {
		t.Ordinal = d.Ordinal
	}
	return t
}

func (t EventTable) column(field string) string {
	if c, ok := t.Columns[field]; ok && c != "" {
		return c
	}
	return field
}

// check reports a mapping that cannot serve the schema.
func (m *Mapping) check(schema *indicator.Schema) error {
	if m.Table == "" || m.Key == "" {
		return fmt.Errorf("%w: the mapping needs a table and a key column", ErrMapping)
	}
	for name := range m.Columns {
		if i := schema.FieldIndex(name); i < 0 || !isScalar(schema.Fields[i].Kind) {
			return fmt.Errorf("%w: column for %q, which is not a scalar field of the schema", ErrMapping, name)
		}
	}
	for name := range m.Events {
		if i := schema.FieldIndex(name); i < 0 || isScalar(schema.Fields[i].Kind) {
			return fmt.Errorf("%w: child table for %q, which is not a list field of the schema", ErrMapping, name)
		}
	}
	return nil
}

func isScalar(k indicator.Kind) bool {
	return k >= indicator.KindInt && k <= indicator.KindDuration
}

// table quotes a possibly schema-qualified table name.
func table(d Dialect, name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.Ident(p)
	}
	return strings.Join(parts, ".")
}

// CreateTables returns the statements that create the tables of a
// mapping for a schema (DefaultMapping's when m is nil): columns of the
// dialect's types, NOT NULL unless the field is nullable, a primary key on
// the record key and an index on each child table's key and ordinal.
func CreateTables(d Dialect, schema *indicator.Schema, m *Mapping) ([]string, error) {
	if err := schema.Validate(); err != nil {
		return nil, err
	}
	if m == nil {
		dm := DefaultMapping(schema)
		m = &dm
	}
	if err := m.check(schema); err != nil {
		return nil, err
	}
	cols := []string{d.Ident(m.Key) + " " + d.Type(indicator.KindInt) + " PRIMARY KEY"}
	if m.Index != "" && m.Index != m.Key {
		cols = append(cols, d.Ident(m.Index)+" "+d.Type(indicator.KindInt)+" NOT NULL")
	}
	var children []string
	for _, f := range schema.Fields {
		switch f.Kind {
		case indicator.KindEvents, indicator.KindList:
			t := m.events(schema.Unit, f.Name)
			cc := []string{d.Ident(t.Key) + " " + d.Type(indicator.KindInt) + " NOT NULL", d.Ident(t.Ordinal) + " " + d.Type(indicator.KindInt) + " NOT NULL"}
			if f.Kind == indicator.KindList {
				cc = append(cc, d.Ident(t.column("value"))+" "+d.Type(f.Elem)+" NOT NULL")
			}
			for _, ef := range f.Fields {
				cc = append(cc, columnDDL(d, t.column(ef.Name), ef))
			}
			children = append(children,
				"CREATE TABLE "+table(d, t.Table)+" (\n\t"+strings.Join(cc, ",\n\t")+"\n)",
				"CREATE INDEX "+d.Ident(indexName(t.Table))+" ON "+table(d, t.Table)+" ("+d.Ident(t.Key)+", "+d.Ident(t.Ordinal)+")")
		default:
			cols = append(cols, columnDDL(d, m.column(f.Name), f))
		}
	}
	return slices.Concat([]string{"CREATE TABLE " + table(d, m.Table) + " (\n\t" + strings.Join(cols, ",\n\t") + "\n)"}, children), nil
}

func columnDDL(d Dialect, col string, f indicator.Field) string {
	s := d.Ident(col) + " " + d.Type(f.Kind)
	if !f.Nullable {
		s += " NOT NULL"
	}
	return s
}

func indexName(tbl string) string {
	return strings.ReplaceAll(tbl, ".", "_") + "_key_ordinal"
}
