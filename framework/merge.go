package framework

import (
	"errors"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// mergeSets reads the framework's indicator sets (files and inline) and
// merges them into one SetSpec, so that one compiled set evaluates every
// indicator in one pass. Schemas must agree field by field; parameters,
// value sets and definitions of the same name must be identical; indicator
// ids must be unique. Only the indicators the framework references are
// kept. It returns nil when the framework has no indicator set.
func (b *builder) mergeSets(s *spec, f *Framework) *indicator.SetSpec {
	type parsed struct {
		spec *indicator.SetSpec
		at   indicator.Position // where the framework names the set
		name string
	}
	var sets []parsed
	for _, ref := range s.setFiles {
		name, data, err := b.cfg.readSet(s.file, ref.path)
		if err != nil {
			b.errorf(ref.pos, "indicator_sets", "cannot read indicator set: %v", err)
			continue
		}
		b.files[name] = strings.Split(string(data), "\n")
		sp, err := indicator.Parse(name, data)
		if !b.absorb(err) {
			continue
		}
		sets = append(sets, parsed{sp, ref.pos, name})
	}
	if s.inline != nil {
		sp, err := indicator.Parse(s.file, s.inline)
		if b.absorb(err) {
			sets = append(sets, parsed{sp, s.inlinePos, s.file + " (set)"})
		}
	}
	if len(sets) == 0 {
		return nil
	}
	out := &indicator.SetSpec{ID: f.ID, Version: f.Version, Title: f.Title, Description: f.Description, Pos: f.Pos}
	out.Schema.Unit = sets[0].spec.Schema.Unit
	fields := map[string]int{}
	fieldFrom := map[string]string{}
	params := map[string]int{}
	valueSets := map[string]int{}
	defs := map[string]int{}
	inds := map[string]indicator.Position{}
	referenced := map[string]bool{}
	for _, id := range f.Indicators() {
		referenced[id] = true
	}
	for _, ps := range sets {
		sp := ps.spec
		if sp.Schema.Unit != out.Schema.Unit {
			b.errorf(ps.at, "indicator_sets", "indicator set %s has unit %q; %s has %q: the sets of a framework must share one schema",
				ps.name, sp.Schema.Unit, sets[0].name, out.Schema.Unit)
		}
		for _, fd := range sp.Schema.Fields {
			i, ok := fields[fd.Name]
			if !ok {
				fields[fd.Name], fieldFrom[fd.Name] = len(out.Schema.Fields), ps.name
				out.Schema.Fields = append(out.Schema.Fields, fd)
				continue
			}
			if !sameField(out.Schema.Fields[i], fd) {
				b.errorf(ps.at, "indicator_sets", "schema field %q is %s in %s but %s in %s: the sets of a framework must share one schema",
					fd.Name, describe(fd), ps.name, describe(out.Schema.Fields[i]), fieldFrom[fd.Name])
			}
		}
		for _, p := range sp.Parameters {
			i, ok := params[p.Name]
			if !ok {
				params[p.Name] = len(out.Parameters)
				out.Parameters = append(out.Parameters, p)
				continue
			}
			q := out.Parameters[i]
			if q.Type.TypeString() != p.Type.TypeString() || q.HasDefault != p.HasDefault || q.Default != p.Default {
				b.errorf(p.Pos, "parameters", "parameter %q differs from the one at %s", p.Name, q.Pos)
			}
		}
		for _, v := range sp.ValueSets {
			i, ok := valueSets[v.Name]
			if !ok {
				valueSets[v.Name] = len(out.ValueSets)
				out.ValueSets = append(out.ValueSets, v)
				continue
			}
			if !out.ValueSets[i].Equal(v) {
				b.errorf(v.Pos, "valuesets", "value set %q differs from the one at %s", v.Name, out.ValueSets[i].Pos)
			}
		}
		for _, d := range sp.Definitions {
			i, ok := defs[d.Name]
			if !ok {
				defs[d.Name] = len(out.Definitions)
				out.Definitions = append(out.Definitions, d)
				continue
			}
			o := out.Definitions[i]
			if strings.TrimSpace(o.Expr.Text) != strings.TrimSpace(d.Expr.Text) || o.Type != d.Type {
				b.errorf(d.Expr.Pos, "definitions", "definition %q differs from the one at %s", d.Name, o.Expr.Pos)
			}
		}
		for _, ind := range sp.Indicators {
			if first, dup := inds[ind.ID]; dup {
				b.errorf(ind.Pos, "indicators", "indicator %q is defined twice in the framework's sets (first at %s)", ind.ID, first)
				continue
			}
			inds[ind.ID] = ind.Pos
			if referenced[ind.ID] {
				out.Indicators = append(out.Indicators, ind)
			}
		}
	}
	return out
}

// absorb adds the diagnostics of err and reports whether it was nil.
func (b *builder) absorb(err error) bool {
	if err == nil {
		return true
	}
	var ds indicator.Diagnostics
	if errors.As(err, &ds) {
		b.diags = append(b.diags, ds...)
	} else {
		b.errorf(indicator.Position{}, "indicator_sets", "%v", err)
	}
	return false
}

func sameField(a, b indicator.Field) bool {
	if a.Name != b.Name || a.TypeString() != b.TypeString() || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if !sameField(a.Fields[i], b.Fields[i]) {
			return false
		}
	}
	return true
}

func describe(f indicator.Field) string {
	if f.Kind != indicator.KindEvents {
		return f.TypeString()
	}
	parts := make([]string, len(f.Fields))
	for i, e := range f.Fields {
		parts[i] = e.Name + ": " + describe(e)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
