package sqlgen

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/textvalue"
)

// Evaluate compiles set for dialect d over mapping m, has db compute the
// aggregates and returns the report that set.Evaluate gives over the
// same records: the same counts, values, intervals, comparisons, statuses
// and disclosure control. params are the set's parameters as
// indicator.WithParams takes them; they are bound, never written into the
// SQL.
func Evaluate(ctx context.Context, db *sql.DB, d Dialect, set *indicator.Set, m Mapping, params map[string]any) (*indicator.Report, error) {
	p, err := Compile(set, d, m)
	if err != nil {
		return nil, err
	}
	return p.Evaluate(ctx, db, params)
}

// EvalOption sets an optional evaluation setting.
type EvalOption func(*evalConfig)

type evalConfig struct{ maxErrors int }

// WithMaxErrors sets how many record errors each indicator reports as
// examples (the lowest record indices), as indicator.WithMaxErrors does;
// the default is 10.
func WithMaxErrors(n int) EvalOption { return func(c *evalConfig) { c.maxErrors = max(n, 0) } }

// Args returns the values of the query's placeholders, in order, for the
// given parameters (defaults fill those not given).
func (p *Program) Args(params map[string]any) ([]any, error) {
	spec := p.set.Spec()
	values := make([]any, len(spec.Parameters))
	var errs []error
	for i, ps := range spec.Parameters {
		v, given := params[ps.Name]
		var err error
		switch {
		case given:
			values[i], err = paramValue(ps.Type.Kind, v)
		case ps.HasDefault:
			values[i], err = paramValue(ps.Type.Kind, ps.Default)
		default:
			err = errors.New("no value given and no default")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s: %v", indicator.ErrParameter, ps.Name, err))
		}
	}
	for name := range params {
		known := false
		for _, ps := range spec.Parameters {
			known = known || ps.Name == name
		}
		if !known {
			errs = append(errs, fmt.Errorf("%w: %s: not a parameter of this set", indicator.ErrParameter, name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]any, len(p.args))
	for i, a := range p.args {
		if a.param > 0 {
			out[i] = values[a.param-1]
		} else {
			out[i] = a.value
		}
	}
	return out, nil
}

// paramValue converts a parameter's Go value (or text) to the value bound
// for it: int64, float64, bool, string, time.Time in UTC, or a duration
// as int64 microseconds.
func paramValue(k indicator.Kind, v any) (any, error) {
	if s, ok := v.(string); ok && k != indicator.KindString {
		switch k {
		case indicator.KindInt:
			return textvalue.Int(s)
		case indicator.KindDouble:
			return textvalue.Double(s)
		case indicator.KindBool:
			return textvalue.Bool(s)
		case indicator.KindTimestamp:
			return textvalue.Timestamp(s)
		case indicator.KindDuration:
			d, err := textvalue.Duration(s)
			if err != nil {
				return nil, err
			}
			return paramValue(k, d)
		}
	}
	switch x := v.(type) {
	case int:
		return paramValue(k, int64(x))
	case int64:
		switch k {
		case indicator.KindInt:
			return x, nil
		case indicator.KindDouble:
			return float64(x), nil
		}
	case float64:
		if k == indicator.KindDouble {
			return x, nil
		}
	case bool:
		if k == indicator.KindBool {
			return x, nil
		}
	case string:
		return x, nil
	case time.Time:
		if k == indicator.KindTimestamp {
			return x.UTC(), nil
		}
	case time.Duration:
		if k == indicator.KindDuration {
			if x%time.Microsecond != 0 {
				return nil, fmt.Errorf("duration %v is finer than a microsecond", x)
			}
			return int64(x / time.Microsecond), nil
		}
	}
	return nil, fmt.Errorf("value %v of Go type %T does not fit type %s", v, v, k)
}

// Evaluate has db compute the aggregates of the program's set and returns
// its report (see the package function Evaluate). The query runs in one
// read-only transaction.
func (p *Program) Evaluate(ctx context.Context, db *sql.DB, params map[string]any, opts ...EvalOption) (*indicator.Report, error) {
	a, err := p.Aggregates(ctx, db, params, opts...)
	if err != nil {
		return nil, err
	}
	return p.set.ReportFromAggregates(a, indicator.WithParams(params))
}

// Aggregates has db compute the aggregates of the program's set.
func (p *Program) Aggregates(ctx context.Context, db *sql.DB, params map[string]any, opts ...EvalOption) (*indicator.Aggregates, error) {
	cfg := evalConfig{maxErrors: 10}
	for _, o := range opts {
		o(&cfg)
	}
	args, err := p.Args(params)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlgen: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	for _, s := range p.d.Setup() {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("sqlgen: %s: %w", s, err)
		}
	}
	a, err := p.read(ctx, tx, args)
	if err != nil {
		return nil, err
	}
	if err := p.readErrors(ctx, tx, args, a, cfg.maxErrors); err != nil {
		return nil, err
	}
	return a, nil
}

// layout of one indicator's aggregate columns (see aggregates).
const (
	intCols   = 9
	floatCols = 4
)

func (p *Program) read(ctx context.Context, tx *sql.Tx, args []any) (*indicator.Aggregates, error) {
	rows, err := tx.QueryContext(ctx, p.query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlgen: running the query of set %s: %w", p.set.Spec().ID, err)
	}
	defer rows.Close()
	nLabels := 0
	for _, comps := range p.spaces {
		nLabels += len(comps)
	}
	var g int64
	labels := make([]sql.NullString, nLabels)
	var n int64
	dest := []any{&g}
	for i := range labels {
		dest = append(dest, &labels[i])
	}
	dest = append(dest, &n)
	ints := make([][intCols]int64, len(p.inds))
	floats := make([][]float64, len(p.inds))
	for k, ind := range p.inds {
		for i := range intCols {
			dest = append(dest, &ints[k][i])
		}
		floats[k] = make([]float64, floatCols+2*ind.bands)
		for i := range floats[k] {
			dest = append(dest, &floats[k][i])
		}
	}
	a := &indicator.Aggregates{}
	for _, ind := range p.inds {
		ia := indicator.IndicatorAggregates{ID: ind.spec.ID}
		for _, s := range ind.strata {
			ia.Strata = append(ia.Strata, indicator.StratifierCells{ID: s.id})
		}
		a.Indicators = append(a.Indicators, ia)
	}
	// GROUPING's bit for label i (leftmost argument, most significant)
	// is set when the row does not group by it.
	space := func(g int64) (int, bool) {
		if g == int64(1)<<nLabels-1 {
			return -1, true // ()
		}
		first := 0
		for j, comps := range p.spaces {
			want := int64(1)<<nLabels - 1
			for c := range comps {
				want &^= 1 << (nLabels - 1 - first - c)
			}
			if g == want {
				return j, true
			}
			first += len(comps)
		}
		return 0, false
	}
	overall := false
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("sqlgen: reading the aggregates: %w", err)
		}
		j := -1
		if nLabels > 0 {
			var ok bool
			if j, ok = space(g); !ok {
				return nil, fmt.Errorf("%w: grouping %d", ErrResult, g)
			}
		}
		if j < 0 {
			overall = true
			a.Read = n
			for k := range p.inds {
				a.Indicators[k].All = cell(ints[k], floats[k])
				a.Indicators[k].Errored = ints[k][7]
			}
			continue
		}
		first := 0
		for _, comps := range p.spaces[:j] {
			first += len(comps)
		}
		values := make([]string, len(p.spaces[j]))
		valid := true
		for c := range values {
			values[c] = labels[first+c].String
			valid = valid && labels[first+c].Valid
		}
		if !valid {
			continue // records whose label failed: errored wherever it counts
		}
		for k, ind := range p.inds {
			if ints[k][0] == 0 {
				continue // no record of the initial population: no stratum
			}
			for i, s := range ind.strata {
				if s.space == j {
					sc := &a.Indicators[k].Strata[i]
					sc.Strata = append(sc.Strata, indicator.StratumCell{Values: values, Cell: cell(ints[k], floats[k])})
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlgen: reading the aggregates: %w", err)
	}
	if !overall {
		return nil, fmt.Errorf("%w: no overall row", ErrResult)
	}
	return a, nil
}

func cell(ints [intCols]int64, floats []float64) indicator.Cell {
	c := indicator.Cell{
		Populations: indicator.Populations{
			InitialPopulation: ints[0], Denominator: ints[1], DenominatorExclusion: ints[2],
			DenominatorException: ints[3], Numerator: ints[4], NumeratorExclusion: ints[5],
		},
		Included:     ints[6],
		Observations: ints[8],
		Numerator:    floats[0], Denominator: floats[1],
		ObservationSum: floats[2], ObservationSumSquares: floats[3],
	}
	for b := 0; floatCols+2*b+1 < len(floats); b++ {
		c.Bands = append(c.Bands, indicator.BandCell{Numerator: floats[floatCols+2*b], Denominator: floats[floatCols+2*b+1]})
	}
	return c
}

// readErrors fills the examples of record errors: the lowest record
// indices of each indicator with errored records, with the failing
// criterion's key. The message is generic: the database does not say
// what CEL would have said.
func (p *Program) readErrors(ctx context.Context, tx *sql.Tx, args []any, a *indicator.Aggregates, maxErrors int) error {
	var parts []string
	d := p.d
	for k := range p.inds {
		if a.Indicators[k].Errored == 0 || maxErrors == 0 {
			continue
		}
		x := d.Ident("x" + strconv.Itoa(k))
		parts = append(parts, "(SELECT "+strconv.Itoa(k)+" AS k, "+d.Ident("_i")+" AS i, "+x+" AS f FROM per WHERE "+x+" IS NOT NULL ORDER BY "+d.Ident("_i")+" LIMIT "+strconv.Itoa(maxErrors)+")")
	}
	if len(parts) == 0 {
		return nil
	}
	q := "WITH per AS (" + p.perIndex + ")\n" + strings.Join(parts, "\nUNION ALL\n")
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlgen: finding the errored records of set %s: %w", p.set.Spec().ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, i, f int64
		if err := rows.Scan(&k, &i, &f); err != nil {
			return fmt.Errorf("sqlgen: reading the errored records: %w", err)
		}
		if k < 0 || int(k) >= len(p.inds) || f < 0 || int(f) >= len(p.inds[k].fields) {
			return fmt.Errorf("%w: error example %d/%d", ErrResult, k, f)
		}
		field := p.inds[k].fields[f]
		a.Indicators[k].Errors = append(a.Indicators[k].Errors, indicator.RecordError{
			Record: i, Field: field,
			Message: "evaluation error in the database (" + field + " is an error in CEL: a null field, an overflow, a division by zero or an index out of range)",
		})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlgen: reading the errored records: %w", err)
	}
	for k := range a.Indicators {
		slices.SortFunc(a.Indicators[k].Errors, func(x, y indicator.RecordError) int { return cmp.Compare(x.Record, y.Record) })
	}
	return nil
}
