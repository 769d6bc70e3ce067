package stratify

import (
	"fmt"
	"slices"

	"github.com/openhpi/hpi/indicator"
)

// AttachOption sets an optional setting of Attach.
type AttachOption func(*attachConfig)

type attachConfig struct{ prefix string }

// WithPrefix names the attached definitions prefix_score, prefix_tier, ...
// instead of the model's default prefix (see Model.Prefix).
func WithPrefix(prefix string) AttachOption {
	return func(c *attachConfig) { c.prefix = prefix }
}

// Attach adds the model's definitions to an indicator set spec, so that
// its indicators can use the score, tier and segment in criteria and as
// stratifiers. bindings give each input a CEL expression over the set's
// schema, e.g. "length_of_stay_days": "encounters[size(encounters)-1].length_of_stay".
// Every required input must be bound; an optional input left unbound is
// absent for every record. The definitions added are, with the default
// prefix p:
//
//	p_input_<input>   each bound input (its binding, type-checked against the input's type)
//	p_<component>     each component's points after hierarchies and caps
//	p_score           the score (points models), or p_logit (logistic: the linear predictor)
//	p_tier            the tier name, when the model has tiers
//	p_segment         the segment name, when the model has segments
//
// and p_<component>_raw for components before hierarchies and caps. The
// model's CEL is renamed on its syntax tree, never as text. Attach
// changes spec only when it succeeds; compile the spec afterwards.
func (m *Model) Attach(spec *indicator.SetSpec, bindings map[string]string, opts ...AttachOption) error {
	cfg := attachConfig{prefix: m.prefix}
	for _, o := range opts {
		o(&cfg)
	}
	if !isIdent(cfg.prefix) {
		return fmt.Errorf("stratify: model %s: %w: prefix %q is not an identifier", m.ID, indicator.ErrInvalidDefinition, cfg.prefix)
	}
	for _, k := range sortedKeys(bindings) {
		if m.input(k) == nil {
			return fmt.Errorf("stratify: model %s: %w: binding for unknown input %q", m.ID, ErrInput, k)
		}
	}
	var defs []indicator.DefinitionSpec
	for _, in := range m.Inputs {
		b, ok := bindings[in.Name]
		if !ok {
			if in.Optional {
				continue
			}
			return fmt.Errorf("stratify: model %s: %w: input %q (%s) has no binding", m.ID, ErrInput, in.Name, in.Type)
		}
		defs = append(defs, indicator.DefinitionSpec{Name: cfg.prefix + "_input_" + in.Name, Type: in.Type,
			Expr: indicator.Expr{Text: b, Pos: indicator.Position{File: "binding of " + m.ID + " input " + in.Name}}})
	}
	lowered, err := m.lower(cfg.prefix,
		func(n string) string { return cfg.prefix + "_input_" + n },
		func(n string) string {
			if _, ok := bindings[n]; ok {
				return "true"
			}
			return ""
		})
	if err != nil {
		return fmt.Errorf("stratify: model %s: %w", m.ID, err)
	}
	defs = append(defs, lowered...)
	for _, d := range defs {
		if slices.ContainsFunc(spec.Definitions, func(e indicator.DefinitionSpec) bool { return e.Name == d.Name }) || spec.Schema.FieldIndex(d.Name) >= 0 {
			return fmt.Errorf("stratify: model %s: %w: the set already has a definition or field %q (use WithPrefix)", m.ID, indicator.ErrInvalidDefinition, d.Name)
		}
	}
	spec.Definitions = append(spec.Definitions, defs...)
	return nil
}
