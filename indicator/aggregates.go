package indicator

import "fmt"

// Aggregates are the sums one evaluation of a set accumulates, per
// indicator and stratum, when they are computed outside the engine:
// package indicator/sqlgen has a database compute them with SQL.
// ReportFromAggregates turns them into the Report that Evaluate would
// have returned, with the same intervals, comparisons, statuses and
// disclosure control.
type Aggregates struct {
	// Read is the number of records read.
	Read int64
	// Indicators are the set's indicators, in the set's order.
	Indicators []IndicatorAggregates
}

// IndicatorAggregates are one indicator's sums over all records and per
// stratum.
type IndicatorAggregates struct {
	ID string
	// All is the cell of every record (Errored records excluded).
	All Cell
	// Strata are the indicator's stratifiers in its order, each with the
	// strata some record of the initial population reached.
	Strata []StratifierCells
	// Errored counts the records that failed to evaluate; Errors are
	// examples of them (at most WithMaxErrors, lowest record first).
	Errored int64
	Errors  []RecordError
}

// StratifierCells are the cells of one stratifier's strata.
type StratifierCells struct {
	ID     string
	Strata []StratumCell
}

// StratumCell is the cell of one stratum, named by its component values
// (as Stratum.Values reports them: a stratifier's labels, ints in
// decimal, bools as true/false).
type StratumCell struct {
	Values []string
	Cell
}

// Cell is what the records of one population or stratum add up to.
type Cell struct {
	// Populations counts the records in each population (a record counts
	// in every population it belongs to).
	Populations Populations
	// Included counts the records in the measure population.
	Included int64
	// Numerator and Denominator are the sums of numerator_value and
	// denominator_value over the records that contribute them (ratio,
	// rate, dsr, isr).
	Numerator, Denominator float64
	// Observations, ObservationSum and ObservationSumSquares summarise the
	// observation of a mean indicator.
	Observations                          int64
	ObservationSum, ObservationSumSquares float64
	// Bands are the numerator and denominator sums per age band of a dsr
	// or isr indicator, indexed by band.
	Bands []BandCell
}

// BandCell is one age band's sums of a standardised indicator.
type BandCell struct {
	Numerator, Denominator float64
}

// ReportFromAggregates builds the report of aggregates computed outside
// the engine. WithParams gives the parameters the aggregates were computed
// with (they appear in the report); other options have no effect. The
// aggregates must describe this set: its indicators in order, each with
// its stratifiers in order, and no negative count.
func (s *Set) ReportFromAggregates(a *Aggregates, opts ...EvalOption) (*Report, error) {
	cfg := newEvalConfig(opts)
	params, err := s.bindParams(cfg.params)
	if err != nil {
		return nil, err
	}
	if len(a.Indicators) != len(s.indicators) {
		return nil, fmt.Errorf("indicator: %w: %d indicators in the aggregates, %d in set %s", ErrInvalidData, len(a.Indicators), len(s.indicators), s.spec.ID)
	}
	tallies := make([]*indicatorTally, len(s.indicators))
	for k, ind := range s.indicators {
		t, err := ind.tallyOf(&a.Indicators[k], a.Read)
		if err != nil {
			return nil, fmt.Errorf("indicator: %w: indicator %s: %v", ErrInvalidData, ind.spec.ID, err)
		}
		tallies[k] = t
	}
	return s.report(tallies, a.Read, params), nil
}

// tallyOf converts one indicator's aggregates to the engine's tally.
func (ind *compiledIndicator) tallyOf(a *IndicatorAggregates, read int64) (*indicatorTally, error) {
	if a.ID != ind.spec.ID {
		return nil, fmt.Errorf("aggregates of %q in its place", a.ID)
	}
	if len(a.Strata) != len(ind.stratifiers) {
		return nil, fmt.Errorf("%d stratifiers in the aggregates, %d in the indicator", len(a.Strata), len(ind.stratifiers))
	}
	t := &indicatorTally{typ: ind.spec.Type, errored: a.Errored, errors: a.Errors, byKey: make([]map[string]*tally, len(ind.stratifiers))}
	if err := a.All.check(); err != nil {
		return nil, err
	}
	if a.Errored < 0 || a.All.Included+a.Errored > read {
		return nil, fmt.Errorf("included %d + errored %d exceed the %d records read", a.All.Included, a.Errored, read)
	}
	t.all = a.All.tally()
	for i, st := range ind.stratifiers {
		if a.Strata[i].ID != st.id {
			return nil, fmt.Errorf("stratifier %q in the place of %q", a.Strata[i].ID, st.id)
		}
		t.byKey[i] = map[string]*tally{}
		for _, sc := range a.Strata[i].Strata {
			if len(sc.Values) != len(st.comps) {
				return nil, fmt.Errorf("stratifier %s: a stratum with %d values, want %d", st.id, len(sc.Values), len(st.comps))
			}
			if err := sc.check(); err != nil {
				return nil, fmt.Errorf("stratifier %s stratum %v: %v", st.id, sc.Values, err)
			}
			key := sc.Values[0]
			if len(sc.Values) > 1 {
				key = ""
				for _, v := range sc.Values {
					key = appendComponent(key, v)
				}
			}
			if _, dup := t.byKey[i][key]; dup {
				return nil, fmt.Errorf("stratifier %s: stratum %v twice", st.id, sc.Values)
			}
			c := sc.tally()
			t.byKey[i][key] = &c
		}
	}
	return t, nil
}

func (c *Cell) check() error {
	p := c.Populations
	for _, n := range []int64{p.InitialPopulation, p.Denominator, p.DenominatorExclusion, p.DenominatorException, p.Numerator, p.NumeratorExclusion, c.Included, c.Observations} {
		if n < 0 {
			return fmt.Errorf("a negative count")
		}
	}
	return nil
}

// tally converts a cell to the engine's accumulation. Each sum enters as
// one exact term, so the report rounds it no further.
func (c *Cell) tally() tally {
	p := c.Populations
	t := tally{
		pops:     [6]int64{p.InitialPopulation, p.Denominator, p.DenominatorExclusion, p.DenominatorException, p.Numerator, p.NumeratorExclusion},
		included: c.Included,
	}
	t.num.add(c.Numerator)
	t.den.add(c.Denominator)
	t.obs.n = c.Observations
	t.obs.sum.add(c.ObservationSum)
	t.obs.sumSq.add(c.ObservationSumSquares)
	for _, b := range c.Bands {
		var bt band
		bt.num.add(b.Numerator)
		bt.den.add(b.Denominator)
		t.bands = append(t.bands, bt)
	}
	return t
}

// aggregatesOf is the inverse of ReportFromAggregates's conversion, for
// tests: the engine's own tallies as Aggregates.
func (s *Set) aggregatesOf(tallies []*indicatorTally, read int64) *Aggregates {
	a := &Aggregates{Read: read}
	for k, ind := range s.indicators {
		t := tallies[k]
		ia := IndicatorAggregates{ID: ind.spec.ID, All: t.all.cell(), Errored: t.errored, Errors: t.errors}
		for i, st := range ind.stratifiers {
			sc := StratifierCells{ID: st.id}
			for key, c := range t.byKey[i] {
				values := []string{key}
				if len(st.comps) > 1 {
					values = splitComponents(key)
				}
				sc.Strata = append(sc.Strata, StratumCell{Values: values, Cell: c.cell()})
			}
			ia.Strata = append(ia.Strata, sc)
		}
		a.Indicators = append(a.Indicators, ia)
	}
	return a
}

func (t *tally) cell() Cell {
	c := Cell{
		Populations: *t.populations(), Included: t.included,
		Numerator: t.num.value(), Denominator: t.den.value(),
		Observations: t.obs.n, ObservationSum: t.obs.sum.value(), ObservationSumSquares: t.obs.sumSq.value(),
	}
	for _, b := range t.bands {
		c.Bands = append(c.Bands, BandCell{Numerator: b.num.value(), Denominator: b.den.value()})
	}
	return c
}
