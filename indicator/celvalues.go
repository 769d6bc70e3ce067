package indicator

import (
	"fmt"
	"reflect"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// This file gives CEL a typed view of columnar records without copying
// them: a record or an event is an object value that points into its
// batch, and its fields are read when CEL selects them.

// objectType is a CEL struct type backed by schema fields: the record, each
// kind of event, and the value sets.
type objectType struct {
	name    string
	celType *types.Type
	names   []string
	fields  map[string]*types.FieldType
}

func newObjectType(name string) *objectType {
	return &objectType{name: name, celType: types.NewObjectType(name), fields: map[string]*types.FieldType{}}
}

func (t *objectType) add(name string, typ *types.Type, isSet ref.FieldTester, get ref.FieldGetter) {
	t.names = append(t.names, name)
	t.fields[name] = &types.FieldType{Type: typ, IsSet: isSet, GetFrom: get}
}

// provider resolves hpi's object types and defers everything else to the
// standard registry.
type provider struct {
	*types.Registry
	objects map[string]*objectType
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if t, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(t.celType), true
	}
	return p.Registry.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if t, ok := p.objects[name]; ok {
		return t.names, true
	}
	return p.Registry.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if t, ok := p.objects[name]; ok {
		ft, ok := t.fields[field]
		return ft, ok
	}
	return p.Registry.FindStructFieldType(name, field)
}

// NewValue refuses to build hpi objects: records come only from data.
func (p *provider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.objects[name]; ok {
		return types.NewErr("cannot construct %s", name)
	}
	return p.Registry.NewValue(name, fields)
}

// celTypeOf maps a schema field to its CEL type.
func celTypeOf(f *Field, eventTypeName string) *types.Type {
	switch f.Kind {
	case KindInt:
		return types.IntType
	case KindDouble:
		return types.DoubleType
	case KindBool:
		return types.BoolType
	case KindString:
		return types.StringType
	case KindTimestamp:
		return types.TimestampType
	case KindDuration:
		return types.DurationType
	case KindList:
		return types.NewListType(celTypeOf(&Field{Kind: f.Elem}, ""))
	case KindEvents:
		return types.NewListType(types.NewObjectType(eventTypeName))
	}
	return types.DynType
}

// object is a record or an event seen by CEL. Its native value is the
// reference its type's field getters understand.
type object struct {
	typ *objectType
	ref any
}

func (o *object) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("%s cannot be converted to a Go value", o.typ.name)
}

func (o *object) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return o.typ.celType
	}
	return types.NewErr("type conversion error from %s to %s", o.typ.name, t.TypeName())
}

func (o *object) Equal(other ref.Val) ref.Val {
	p, ok := other.(*object)
	return types.Bool(ok && p.typ == o.typ && p.ref == o.ref)
}

func (o *object) Type() ref.Type { return o.typ.celType }
func (o *object) Value() any     { return o.ref }

// Get and IsSet serve field selection where CEL does not know the static
// type (e.g. through dyn).
func (o *object) Get(key ref.Val) ref.Val {
	ft, ok := o.field(key)
	if !ok {
		return types.NewErr("no such field %v", key)
	}
	v, err := ft.GetFrom(o.ref)
	if err != nil {
		return types.WrapErr(err)
	}
	return v.(ref.Val)
}

func (o *object) IsSet(key ref.Val) ref.Val {
	ft, ok := o.field(key)
	if !ok {
		return types.NewErr("no such field %v", key)
	}
	return types.Bool(ft.IsSet(o.ref))
}

func (o *object) field(key ref.Val) (*types.FieldType, bool) {
	s, ok := key.(types.String)
	if !ok {
		return nil, false
	}
	ft, ok := o.typ.fields[string(s)]
	return ft, ok
}

// eventRef points at event i of the event list seen through view.
type eventRef struct {
	view *eventView
	i    int
}

// eventView is one worker's view of one event-list column of one batch:
// the CEL object of every event, and each event field's value converted to
// a CEL value on first use. Definitions and criteria scan the same events many
// times per record; through the view, reading them allocates nothing after
// the first time. A view is reset, reusing its memory, for the next batch.
type eventView struct {
	batch  *Batch
	col    *column
	slots  []eventSlot
	values [][]ref.Val // per event field and event: the CEL value, nil until used
}

type eventSlot struct {
	obj object
	ref eventRef
}

// reset points the view at the event column col of batch b.
func (v *eventView) reset(b *Batch, col *column, typ *objectType) {
	v.batch, v.col = b, col
	n := int(col.offsets[len(col.offsets)-1])
	if cap(v.slots) < n {
		v.slots = make([]eventSlot, n)
	}
	v.slots = v.slots[:n]
	for i := range v.slots {
		s := &v.slots[i]
		s.ref = eventRef{view: v, i: i}
		s.obj = object{typ: typ, ref: &s.ref}
	}
	if v.values == nil {
		v.values = make([][]ref.Val, len(col.fields))
	}
	for j, vals := range v.values {
		if cap(vals) < n {
			vals = make([]ref.Val, n)
		}
		vals = vals[:n]
		clear(vals)
		v.values[j] = vals
	}
}

// value returns field j of event i, converting it on first use.
func (v *eventView) value(j, i int) ref.Val {
	val := v.values[j][i]
	if val == nil {
		val = scalarValue(v.col.fields[j], i)
		v.values[j][i] = val
	}
	return val
}

// scalarValue returns value i of a scalar column as a CEL value, or an
// error value when it is null.
func scalarValue(c *column, i int) ref.Val {
	if c.isNull(i) {
		return types.NewErr("field %s is null (test it with has() first)", c.field.Name)
	}
	switch c.field.Kind {
	case KindInt:
		return types.Int(c.ints[i])
	case KindDouble:
		return types.Double(c.floats[i])
	case KindBool:
		return types.Bool(c.bools[i])
	case KindString:
		return types.String(c.strs[i])
	case KindTimestamp:
		return types.Timestamp{Time: time.Unix(0, c.ints[i]).UTC()}
	case KindDuration:
		return types.Duration{Duration: time.Duration(c.ints[i])}
	}
	return types.NewErr("field %s has no scalar value", c.field.Name)
}

// listValue is a list field or an event list of one record: a window
// [start, end) of a column's children.
type listValue struct {
	col        *column // the list column
	start, end int
	idx        []int // a subset of the events, in place of start and end
	elemType   *types.Type
	events     *eventView // for event lists
}

// n is the list's length.
func (l listValue) n() int {
	if l.idx != nil {
		return len(l.idx)
	}
	return l.end - l.start
}

func (l listValue) at(i int) ref.Val {
	switch {
	case l.idx != nil:
		return &l.events.slots[l.idx[i]].obj
	case l.events != nil:
		return &l.events.slots[l.start+i].obj
	}
	return scalarValue(l.col.elem, l.start+i)
}

func (l listValue) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("list field %s cannot be converted to a Go value", l.col.field.Name)
}

func (l listValue) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return types.NewListType(l.elemType)
	}
	if t == types.ListType {
		return l
	}
	return types.NewErr("type conversion error from list to %s", t.TypeName())
}

func (l listValue) Equal(other ref.Val) ref.Val {
	o, ok := other.(traits.Lister)
	if !ok || o.Size() != l.Size() {
		return types.False
	}
	for i := range l.n() {
		if l.at(i).Equal(o.Get(types.Int(i))) != types.True {
			return types.False
		}
	}
	return types.True
}

func (l listValue) Type() ref.Type { return types.ListType }
func (l listValue) Value() any     { return l }
func (l listValue) Size() ref.Val  { return types.Int(l.n()) }

func (l listValue) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok {
		return types.ValOrErr(index, "no such overload")
	}
	if i < 0 || int(i) >= l.n() {
		return indexError(int64(i), l.n())
	}
	return l.at(int(i))
}

func (l listValue) Contains(v ref.Val) ref.Val {
	for i := range l.n() {
		if l.at(i).Equal(v) == types.True {
			return types.True
		}
	}
	return types.False
}

func (l listValue) Add(other ref.Val) ref.Val {
	o, ok := other.(traits.Lister)
	if !ok {
		return types.ValOrErr(other, "no such overload")
	}
	n := int(o.Size().(types.Int))
	vals := make([]ref.Val, 0, l.n()+n)
	for i := range l.n() {
		vals = append(vals, l.at(i))
	}
	for i := 0; i < n; i++ {
		vals = append(vals, o.Get(types.Int(i)))
	}
	return types.NewRefValList(types.DefaultTypeAdapter, vals)
}

// indexError is cel-go's error for an index outside a list.
func indexError(i int64, n int) ref.Val {
	return types.NewErr("index '%d' out of range in list size '%d'", i, n)
}

func (l listValue) Iterator() traits.Iterator {
	return &listIterator{l: l}
}

type listIterator struct {
	l listValue
	i int
}

func (it *listIterator) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("iterator cannot be converted")
}
func (it *listIterator) ConvertToType(ref.Type) ref.Val { return types.NewErr("iterator") }
func (it *listIterator) Equal(ref.Val) ref.Val          { return types.False }
func (it *listIterator) Type() ref.Type                 { return types.IteratorType }
func (it *listIterator) Value() any                     { return it }
func (it *listIterator) HasNext() ref.Val               { return types.Bool(it.i < it.l.n()) }
func (it *listIterator) Next() ref.Val {
	if it.i >= it.l.n() {
		return nil
	}
	it.i++
	return it.l.at(it.i - 1)
}

// valueSet is a code list whose membership test is a hash lookup. codes
// are the distinct codes of every member, in the order written (what CEL
// sees as a list); index holds them all, for `code in valuesets.x`, which
// ignores systems. For in_valueset, anySystem holds the codes written
// without a system and coded the system-qualified ones.
type valueSet struct {
	name      string
	codes     []string
	index     map[string]struct{}
	anySystem map[string]struct{}
	coded     map[[2]string]struct{}
}

func newValueSet(name string, codes []string, concepts []Concept) *valueSet {
	vs := &valueSet{name: name, index: make(map[string]struct{}, len(codes)+len(concepts)),
		anySystem: make(map[string]struct{}, len(codes)), coded: make(map[[2]string]struct{}, len(concepts))}
	add := func(c string) {
		if _, dup := vs.index[c]; !dup {
			vs.index[c] = struct{}{}
			vs.codes = append(vs.codes, c)
		}
	}
	for _, c := range codes {
		add(c)
		vs.anySystem[c] = struct{}{}
	}
	for _, c := range concepts {
		add(c.Code)
		if c.System == "" {
			vs.anySystem[c.Code] = struct{}{}
		} else {
			vs.coded[[2]string{c.System, c.Code}] = struct{}{}
		}
	}
	return vs
}

// containsCoded reports whether the value set has code in system: a member
// of that system or a member written without a system.
func (v *valueSet) containsCoded(system, code string) bool {
	if _, ok := v.anySystem[code]; ok {
		return true
	}
	if len(v.coded) == 0 {
		return false
	}
	_, ok := v.coded[[2]string{system, code}]
	return ok
}

func (v *valueSet) ConvertToNative(t reflect.Type) (any, error) {
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		return append([]string(nil), v.codes...), nil
	}
	return nil, fmt.Errorf("value set %s cannot be converted to %v", v.name, t)
}

func (v *valueSet) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return types.NewListType(types.StringType)
	}
	if t == types.ListType {
		return v
	}
	return types.NewErr("type conversion error from value set to %s", t.TypeName())
}

func (v *valueSet) Equal(other ref.Val) ref.Val {
	o, ok := other.(*valueSet)
	return types.Bool(ok && o == v)
}

func (v *valueSet) Type() ref.Type { return types.ListType }
func (v *valueSet) Value() any     { return v.codes }
func (v *valueSet) Size() ref.Val  { return types.Int(len(v.codes)) }

func (v *valueSet) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok || i < 0 || int(i) >= len(v.codes) {
		return types.NewErr("index out of range: %v", index)
	}
	return types.String(v.codes[i])
}

func (v *valueSet) Contains(x ref.Val) ref.Val {
	s, ok := x.(types.String)
	if !ok {
		return types.False
	}
	_, in := v.index[string(s)]
	return types.Bool(in)
}

func (v *valueSet) Add(other ref.Val) ref.Val {
	return types.NewStringList(types.DefaultTypeAdapter, v.codes).Add(other)
}

func (v *valueSet) Iterator() traits.Iterator {
	return types.NewStringList(types.DefaultTypeAdapter, v.codes).Iterator()
}
