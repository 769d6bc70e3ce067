package indicator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/openhpi/hpi/internal/textvalue"
)

// EvalOption sets an optional evaluation setting.
type EvalOption func(*evalConfig)

type evalConfig struct {
	params   map[string]any
	workers  int
	progress func(read int64)
	errors   errorPolicy
	stats    *Stats
}

// errorPolicy is how an evaluation keeps the errors of records.
type errorPolicy struct {
	max    int  // examples kept per indicator
	values bool // messages keep the values they quote
}

// WithParams sets parameter values by name. Values are Go values of the
// parameter's type: int or int64, float64, bool, string, time.Time,
// time.Duration; a string is also parsed as the parameter's type.
func WithParams(p map[string]any) EvalOption {
	return func(c *evalConfig) { c.params = p }
}

// WithWorkers sets the number of goroutines that evaluate batches; 0 or
// less means GOMAXPROCS. Results do not depend on it.
func WithWorkers(n int) EvalOption {
	return func(c *evalConfig) { c.workers = n }
}

// WithProgress calls f with the number of records read so far, once per
// batch, from the goroutine that reads the source.
func WithProgress(f func(read int64)) EvalOption {
	return func(c *evalConfig) { c.progress = f }
}

// WithMaxErrors sets how many record errors each indicator keeps as
// examples (the lowest record indices); the default is 10. All errors are
// counted regardless.
func WithMaxErrors(n int) EvalOption {
	return func(c *evalConfig) { c.errors.max = n }
}

// WithValuesInErrors keeps in the messages of RecordError the values they
// quote. By default a message quotes no value that may have been read
// from a record (a name, a date of birth, a code): it names the criterion,
// the functions, fields and types involved, and list indices and sizes,
// so that a report can be logged or shared without disclosing patient
// data. Use it when debugging on data you may see.
func WithValuesInErrors() EvalOption {
	return func(c *evalConfig) { c.errors.values = true }
}

// Stats says what an evaluation did, for tuning definitions and for tests
// of the engine's promises; WithStats fills one.
type Stats struct {
	// Records is the number of records read.
	Records int64 `json:"records"`
	// Evaluations counts, per definition name, how many times the
	// definition was evaluated. Definitions are memoised per record (and
	// per period of a series), so a count never exceeds Records times the
	// number of periods. A definition no criterion needed on a record is
	// not evaluated for it, and a simple boolean one computed for a whole
	// batch as a bit vector is counted only for the records that read it
	// one by one.
	Evaluations map[string]int64 `json:"evaluations"`
}

// WithStats makes the evaluation fill *s when it succeeds. Counting costs
// an increment per evaluated expression.
func WithStats(s *Stats) EvalOption {
	return func(c *evalConfig) { c.stats = s }
}

// job is one batch and the index of its first record in the source.
type job struct {
	batch *Batch
	first int64
}

// Evaluate runs every indicator of the set over src in one pass and returns
// the report. Batches are evaluated by parallel workers; the report is the
// same for any worker count and batch size. An error from the source, a
// batch of another schema, a bad parameter or a cancelled ctx stops the
// evaluation; errors evaluating a record are counted in the report.
func (s *Set) Evaluate(ctx context.Context, src Source, opts ...EvalOption) (*Report, error) {
	cfg := newEvalConfig(opts)
	params, err := s.bindParams(cfg.params)
	if err != nil {
		return nil, err
	}
	tallies, read, err := s.pass(ctx, src, cfg, [][]ref.Val{params})
	if err != nil {
		return nil, err
	}
	return s.report(tallies[0], read, params), nil
}

func newEvalConfig(opts []EvalOption) evalConfig {
	cfg := evalConfig{errors: errorPolicy{max: 10}}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.workers <= 0 {
		cfg.workers = runtime.GOMAXPROCS(0)
	}
	return cfg
}

// pass reads src once and evaluates every record under each parameter set
// (one per period of a series). It returns the merged tallies of each
// parameter set and the number of records read.
func (s *Set) pass(ctx context.Context, src Source, cfg evalConfig, paramSets [][]ref.Val) ([][]*indicatorTally, int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*worker, cfg.workers)
	for i := range workers {
		workers[i] = newWorker(s, paramSets, cfg.errors)
		if cfg.stats != nil {
			for _, c := range workers[i].curs {
				c.counts = make([]int64, len(s.exprs))
			}
		}
	}
	var read int64
	var readErr error
	if len(workers) == 1 {
		// One worker evaluates on the reading goroutine: handing each
		// batch to another goroutine would cost more than evaluating a
		// batch of simple criteria.
		w := workers[0]
		read, readErr = s.feed(ctx, src, func(j job) error {
			if !w.safeBatch(ctx, j) {
				return w.err
			}
			return nil
		}, cfg.progress)
	} else {
		jobs := make(chan job, cfg.workers)
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					if !w.safeBatch(ctx, j) {
						cancel()
						return
					}
				}
			}()
		}
		read, readErr = s.feed(ctx, src, func(j job) error {
			select {
			case jobs <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, cfg.progress)
		close(jobs)
		wg.Wait()
	}
	for _, w := range workers {
		if w.err != nil {
			return nil, 0, w.err
		}
	}
	if readErr == nil {
		readErr = ctx.Err()
	}
	if readErr != nil {
		return nil, 0, readErr
	}
	if cfg.stats != nil {
		s.fillStats(cfg.stats, read, workers)
	}
	total := workers[0]
	for _, w := range workers[1:] {
		total.merge(w)
	}
	for _, tallies := range total.tallies {
		for k, t := range tallies {
			t.byKey = total.keyed(s.indicators[k], t)
		}
	}
	return total.tallies, read, nil
}

// fillStats sums the workers' evaluation counts per definition.
func (s *Set) fillStats(st *Stats, read int64, workers []*worker) {
	st.Records = read
	st.Evaluations = make(map[string]int64, len(s.defExpr))
	for d, e := range s.defExpr {
		var n int64
		for _, w := range workers {
			for _, c := range w.curs {
				n += c.counts[e]
			}
		}
		st.Evaluations[s.spec.Definitions[d].Name] = n
	}
}

// feed reads batches from src and hands each to deliver.
func (s *Set) feed(ctx context.Context, src Source, deliver func(job) error, progress func(int64)) (int64, error) {
	var read int64
	var checked *Schema
	for src.Next(ctx) {
		if err := ctx.Err(); err != nil { // a source may ignore ctx
			return read, err
		}
		b := src.Batch()
		if b == nil {
			continue
		}
		if err := s.check(b, &checked); err != nil {
			return read, err
		}
		if err := deliver(job{batch: b, first: read}); err != nil {
			return read, err
		}
		read += int64(b.n)
		if progress != nil {
			progress(read)
		}
	}
	if err := src.Err(); err != nil {
		return read, fmt.Errorf("indicator: reading record %d: %w", read, err)
	}
	return read, ctx.Err()
}

// check reports whether b can be evaluated by s; *checked remembers the
// last schema found compatible, so a source's batches are checked once.
func (s *Set) check(b *Batch, checked **Schema) error {
	if b.schema == *checked {
		return nil
	}
	if err := s.schema.compatible(b.schema); err != nil {
		return err
	}
	*checked = b.schema
	return nil
}

// compatible reports whether batches of o can be evaluated by a set
// compiled for s: the same fields, in the same order, of the same types.
func (s *Schema) compatible(o *Schema) error {
	if s == o {
		return nil
	}
	if err := sameFields(s.Fields, o.Fields, ""); err != nil {
		return fmt.Errorf("%w: batch schema differs from the set's: %v", ErrInvalidData, err)
	}
	return nil
}

func sameFields(a, b []Field, prefix string) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d fields, want %d", len(b), len(a))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].TypeString() != b[i].TypeString() {
			return fmt.Errorf("field %d is %s%s %s, want %s%s %s", i, prefix, b[i].Name, b[i].TypeString(), prefix, a[i].Name, a[i].TypeString())
		}
		if a[i].Kind == KindEvents {
			if err := sameFields(a[i].Fields, b[i].Fields, prefix+a[i].Name+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindParams converts the caller's parameter values, applying defaults.
func (s *Set) bindParams(given map[string]any) ([]ref.Val, error) {
	out := make([]ref.Val, len(s.params))
	var errs []error
	for i, p := range s.params {
		v, ok := given[p.Name]
		switch {
		case ok:
			cv, err := paramValue(p.Type.Kind, v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%w: %s: %v", ErrParameter, p.Name, err))
			}
			out[i] = cv
		case s.defaults[i] != nil:
			out[i] = s.defaults[i]
		default:
			errs = append(errs, fmt.Errorf("%w: %s: no value given and no default", ErrParameter, p.Name))
		}
	}
	names := sortedKeys(given)
	for _, name := range names {
		if b, ok := s.names[name]; !ok || b.kind != bindParam {
			errs = append(errs, fmt.Errorf("%w: %s: not a parameter of this set", ErrParameter, name))
		}
	}
	return out, errors.Join(errs...)
}

func paramValue(k Kind, v any) (ref.Val, error) {
	if str, ok := v.(string); ok && k != KindString {
		return parseScalar(k, str)
	}
	switch x := v.(type) {
	case int:
		return paramValue(k, int64(x))
	case int64:
		if k == KindInt {
			return types.Int(x), nil
		}
		if k == KindDouble {
			return types.Double(x), nil
		}
	case float64:
		if k == KindDouble {
			return types.Double(x), nil
		}
	case bool:
		if k == KindBool {
			return types.Bool(x), nil
		}
	case string:
		return types.String(x), nil
	case time.Time:
		if k == KindTimestamp {
			if y := x.UTC().Year(); y < textvalue.MinYear || y > textvalue.MaxYear {
				return nil, fmt.Errorf("timestamp %s outside the years %d-%d", x.Format(time.RFC3339), textvalue.MinYear, textvalue.MaxYear)
			}
			return types.Timestamp{Time: x.UTC()}, nil
		}
	case time.Duration:
		if k == KindDuration {
			return types.Duration{Duration: x}, nil
		}
	}
	return nil, fmt.Errorf("value %v of Go type %T does not fit type %s", v, v, k)
}

// worker evaluates batches into its own tallies, merged at the end. It has
// one cursor and one set of tallies per parameter set (period).
type worker struct {
	set     *Set
	row     *row
	curs    []*cursor
	cur     *cursor // the cursor of the period being evaluated
	tallies [][]*indicatorTally
	spaces  []keySpace         // per key space of the set: the stratum keys this worker has seen
	ids     []int              // scratch: the current record's stratum ids, per stratifier
	done    [][]bool           // per parameter set and indicator: the current batch is tallied already (but its strata)
	outs    [][][]batchOutcome // per parameter set and indicator: the batch tally's outcomes, for the strata
	err     error              // a panic recovered while evaluating
	// consulted, when not nil, records the criteria the rules read (for
	// Explain: criteria with the same text share one expression, so its
	// memo cannot tell).
	consulted map[*criterion]bool
}

// keySpace numbers the stratum keys of one set of stratifier components as
// one worker meets them, and memoises the current record's.
type keySpace struct {
	ids  map[string]int
	keys []string
	// seen remembers the ids of recently interned strings by address: a
	// stratum label is most often the same string value (a literal of the
	// rules, a code shared by the source's records), and equal addresses
	// and lengths mean equal strings (strings are immutable, and the
	// remembered pointer keeps the memory from being reused for another),
	// so a hit costs no hashing.
	seen [16]struct {
		p  *byte
		n  int
		id int
	}
	gen uint64 // the row (and cursor) the memo is for
	cur *cursor
	id  int
	bad int // the failing component, with err
	err error
}

// intern returns the id of key, numbering it if new.
func (k *keySpace) intern(key string) int {
	p := unsafe.StringData(key)
	e := &k.seen[uintptr(unsafe.Pointer(p))>>3%uintptr(len(k.seen))]
	if e.p == p && e.n == len(key) && p != nil {
		return e.id
	}
	id, ok := k.ids[key]
	if !ok {
		id = len(k.keys)
		k.ids[key] = id
		k.keys = append(k.keys, key)
	}
	e.p, e.n, e.id = p, len(key), id
	return id
}

func newWorker(s *Set, paramSets [][]ref.Val, errs errorPolicy) *worker {
	w := &worker{set: s, row: newRow(s), spaces: make([]keySpace, len(s.keySpaces))}
	for i := range w.spaces {
		w.spaces[i].ids = map[string]int{}
	}
	for _, params := range paramSets {
		w.curs = append(w.curs, newCursor(s, w.row, params))
		tallies := make([]*indicatorTally, len(s.indicators))
		for k, ind := range s.indicators {
			tallies[k] = newIndicatorTally(ind, errs)
		}
		w.tallies = append(w.tallies, tallies)
		w.done = append(w.done, make([]bool, len(s.indicators)))
		w.outs = append(w.outs, make([][]batchOutcome, len(s.indicators)))
	}
	return w
}

// cancelCheckRows is how many records a worker evaluates between looks at
// its context, so that cancellation is prompt even within a large batch.
const cancelCheckRows = 256

// safeBatch evaluates one batch; a panic inside CEL or a bug must not
// crash the caller's process: it becomes w.err and safeBatch returns false.
func (w *worker) safeBatch(ctx context.Context, j job) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			w.err = fmt.Errorf("indicator: internal error evaluating a record: %v", p)
			ok = false
		}
	}()
	w.batch(ctx, j)
	return true
}

// batch evaluates every record of one batch into w's tallies: first the
// indicators that bit vectors tally at once, then record by record.
func (w *worker) batch(ctx context.Context, j job) {
	w.row.enter(j.batch)
	pending := false
	for p, cur := range w.curs {
		w.cur = cur
		for k, ind := range w.set.indicators {
			w.done[p][k] = ind.batched && w.tallyBatch(ind, w.tallies[p][k], &w.outs[p][k])
			pending = pending || !w.done[p][k] || len(ind.stratifiers) > 0
		}
	}
	for i := 0; pending && i < j.batch.n; i++ {
		if i%cancelCheckRows == 0 && ctx.Err() != nil {
			break
		}
		w.row.at(i)
		for p, cur := range w.curs {
			w.cur = cur
			for k, ind := range w.set.indicators {
				switch {
				case !w.done[p][k]:
					w.record(ind, w.tallies[p][k], j.first+int64(i))
				case len(ind.stratifiers) > 0:
					w.recordStrata(ind, w.tallies[p][k], w.outs[p][k][i], j.first+int64(i))
				}
			}
		}
	}
}

// merge adds o's tallies to w's, renumbering o's stratum ids into w's.
func (w *worker) merge(o *worker) {
	remap := make([][]int, len(o.spaces))
	for s := range o.spaces {
		for _, key := range o.spaces[s].keys {
			remap[s] = append(remap[s], w.spaces[s].intern(key))
		}
	}
	for p := range w.tallies {
		for k, t := range w.tallies[p] {
			t.merge(o.tallies[p][k], w.set.indicators[k], remap)
		}
	}
}

// keyed returns, per stratifier of ind, its tallies by stratum key.
func (w *worker) keyed(ind *compiledIndicator, t *indicatorTally) []map[string]*tally {
	out := make([]map[string]*tally, len(ind.stratifiers))
	for i, s := range ind.stratifiers {
		out[i] = map[string]*tally{}
		for id, st := range t.strata[i] {
			if st != nil {
				out[i][w.spaces[s.keys].keys[id]] = st
			}
		}
	}
	return out
}

// record evaluates one indicator for the current record and tallies it.
func (w *worker) record(ind *compiledIndicator, t *indicatorTally, index int64) {
	var out outcome
	w.ids = w.ids[:0]
	field, err := w.evaluate(ind, &out)
	if err != nil {
		t.fail(index, field, err)
		return
	}
	t.add(&out, w.ids)
}

// strata finds the current record's stratum id for each stratifier.
func (w *worker) strata(ind *compiledIndicator) (string, error) {
	for _, s := range ind.stratifiers {
		k := &w.spaces[s.keys]
		if k.gen != w.row.gen || k.cur != w.cur {
			k.gen, k.cur = w.row.gen, w.cur
			k.id, k.bad, k.err = w.stratum(k, s.comps)
		}
		if k.err != nil {
			return s.comps[k.bad].field, k.err
		}
		w.ids = append(w.ids, k.id)
	}
	return "", nil
}

// stratum computes the key of the current record for the components of a
// key space and returns its id, or the failing component and its error.
func (w *worker) stratum(k *keySpace, comps []*criterion) (int, int, error) {
	key := ""
	for i, c := range comps {
		w.consult(c)
		v, err := w.cur.evalLabel(c.expr)
		if err != nil {
			return 0, i, err
		}
		if len(comps) == 1 {
			key = v // most stratifiers have one component: no allocation
		} else {
			key = appendComponent(key, v)
		}
	}
	return k.intern(key), 0, nil
}

// appendComponent appends one component to a multi-component stratum key
// as its length, a colon and the value, so that no value can be mistaken
// for another whatever characters it holds.
func appendComponent(key, v string) string {
	return key + strconv.Itoa(len(v)) + ":" + v
}

// splitComponents decodes a key built by appendComponent.
func splitComponents(key string) []string {
	var out []string
	for key != "" {
		colon := strings.IndexByte(key, ':')
		n, err := strconv.Atoi(key[:max(colon, 0)])
		if colon < 0 || err != nil || colon+1+n > len(key) {
			return append(out, key) // not produced by appendComponent
		}
		out = append(out, key[colon+1:colon+1+n])
		key = key[colon+1+n:]
	}
	return out
}

func label(v ref.Val) string {
	switch x := v.(type) {
	case types.String:
		return string(x)
	case types.Int:
		return strconv.FormatInt(int64(x), 10)
	case types.Bool:
		return strconv.FormatBool(bool(x))
	}
	return fmt.Sprint(v.Value())
}

// Population membership flags of one record.
const (
	inIP uint8 = 1 << iota
	inDEN
	inDENEX
	inDENEXCEP
	inNUMER
	inNUMEX
)

// outcome is what one record contributes to one indicator.
type outcome struct {
	flags    uint8
	included bool    // in the measure population (the final denominator)
	inNum    bool    // contributes numValue
	inDen    bool    // contributes denValue
	band     int     // dsr, isr: the age band
	numValue float64 // ratio, rate, dsr, isr: the numerator term; mean: the observation
	denValue float64 // ratio, rate, dsr, isr: the denominator term
}

// evaluate applies the indicator's population rules to the current record,
// evaluating criteria lazily in the order the rules need them. It returns
// the failing criterion's key with any error.
func (w *worker) evaluate(ind *compiledIndicator, o *outcome) (string, error) {
	ok, err := w.truth(ind.ip, true)
	if err != nil || !ok {
		return "initial_population", err
	}
	o.flags |= inIP
	if len(ind.stratifiers) > 0 {
		if field, err := w.strata(ind); err != nil {
			return field, err
		}
	}
	if ind.spec.Type == Ratio {
		return w.ratio(ind, o)
	}
	if ok, err = w.truth(ind.den, true); err != nil || !ok {
		return "denominator", err
	}
	o.flags |= inDEN
	if ok, err = w.truth(ind.denex, false); err != nil || ok {
		if ok {
			o.flags |= inDENEX
		}
		return "denominator_exclusion", err
	}
	switch ind.spec.Type {
	case Proportion:
		return w.proportion(ind, o)
	case Rate:
		return w.rate(ind, o)
	case DSR, ISR:
		return w.standardised(ind, o)
	case Mean:
		o.included, o.inNum = true, true
		o.numValue, err = w.number(ind.observation)
		return "observation", err
	}
	o.included = true // count
	return "", nil
}

// proportion applies the eCQM rule: denominator = IP ∧ DEN ∧ ¬DENEX ∧
// ¬(DENEXCEP ∧ ¬NUMER); numerator = IP ∧ DEN ∧ ¬DENEX ∧ NUMER ∧ ¬NUMEX.
func (w *worker) proportion(ind *compiledIndicator, o *outcome) (string, error) {
	numer, err := w.truth(ind.numer, false)
	if err != nil {
		return "numerator", err
	}
	if !numer {
		exc, err := w.truth(ind.denexcep, false)
		if err != nil {
			return "denominator_exception", err
		}
		if exc {
			o.flags |= inDENEXCEP
			return "", nil
		}
		o.included = true
		return "", nil
	}
	o.flags |= inNUMER
	o.included = true
	numex, err := w.truth(ind.numex, false)
	if err != nil {
		return "numerator_exclusion", err
	}
	if numex {
		o.flags |= inNUMEX
	} else {
		o.inNum = true
	}
	return "", nil
}

// standardised is a rate tallied per age band (dsr, isr).
func (w *worker) standardised(ind *compiledIndicator, o *outcome) (string, error) {
	band, err := w.number(ind.ageBand)
	if err != nil {
		return "age_band", err
	}
	if band < 0 || int(band) >= ind.bands() {
		return "age_band", fmt.Errorf("band outside 0..%d", ind.bands()-1)
	}
	o.band = int(band)
	return w.rate(ind, o)
}

// rate tallies the population term (denominator_value: person-time or
// population, 1 by default) and, for numerator members, the event term
// (numerator_value, 1 by default). A rate must declare both values.
func (w *worker) rate(ind *compiledIndicator, o *outcome) (string, error) {
	var err error
	if o.denValue, err = w.numberOr(ind.denValue, 1); err != nil {
		return "denominator_value", err
	}
	if o.denValue < 0 {
		return "denominator_value", errors.New("negative person-time or population")
	}
	o.included, o.inDen = true, true
	field, in, err := w.numerator(ind, o)
	if err != nil || !in {
		return field, err
	}
	o.inNum = true
	o.numValue, err = w.numberOr(ind.numValue, 1)
	return "numerator_value", err
}

// numerator tests NUMER ∧ ¬NUMEX (an absent numerator criterion holds) and
// records both memberships in o.
func (w *worker) numerator(ind *compiledIndicator, o *outcome) (string, bool, error) {
	in, err := w.truth(ind.numer, true)
	if err != nil || !in {
		return "numerator", false, err
	}
	ex, err := w.truth(ind.numex, false)
	if err != nil {
		return "numerator_exclusion", false, err
	}
	o.flags |= inNUMER
	if ex {
		o.flags |= inNUMEX
	}
	return "", !ex, nil
}

// ratio: a numerator population (IP ∧ NUMER ∧ ¬NUMEX) and a denominator
// population (IP ∧ DEN ∧ ¬DENEX), each summing its value (1 by default).
func (w *worker) ratio(ind *compiledIndicator, o *outcome) (string, error) {
	den, err := w.truth(ind.den, true)
	if err != nil {
		return "denominator", err
	}
	if den {
		o.flags |= inDEN
		ex, err := w.truth(ind.denex, false)
		if err != nil {
			return "denominator_exclusion", err
		}
		if ex {
			o.flags |= inDENEX
		} else if o.denValue, err = w.numberOr(ind.denValue, 1); err != nil {
			return "denominator_value", err
		} else {
			o.inDen = true
		}
	}
	field, in, err := w.numerator(ind, o)
	if err != nil {
		return field, err
	}
	if in {
		if o.numValue, err = w.numberOr(ind.numValue, 1); err != nil {
			return "numerator_value", err
		}
		o.inNum = true
	}
	o.included = o.inNum || o.inDen
	return "", nil
}

// truth evaluates a boolean criterion; an absent one has the default value.
func (w *worker) truth(c *criterion, dflt bool) (bool, error) {
	if c == nil {
		return dflt, nil
	}
	w.consult(c)
	return w.cur.evalBool(c.expr)
}

// consult records that the rules read c, when Explain asks.
func (w *worker) consult(c *criterion) {
	if w.consulted != nil {
		w.consulted[c] = true
	}
}

// number evaluates a numeric expression; non-finite results are errors.
func (w *worker) number(c *criterion) (float64, error) {
	w.consult(c)
	x, err := w.cur.evalNumber(c.expr)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("value is %v", x)
	}
	return x, nil
}

func (w *worker) numberOr(c *criterion, dflt float64) (float64, error) {
	if c == nil {
		return dflt, nil
	}
	return w.number(c)
}

// indicatorTally accumulates one indicator over the records one worker saw.
type indicatorTally struct {
	typ     Type
	all     tally
	strata  [][]*tally          // per stratifier: stratum id (the worker's numbering) → tally
	byKey   []map[string]*tally // per stratifier: stratum key → tally, once merged
	errored int64
	errors  []RecordError // the lowest record indices, at most policy.max
	policy  errorPolicy
}

// tally is the accumulation for one population or stratum.
type tally struct {
	pops     [6]int64 // IP, DEN, DENEX, DENEXCEP, NUMER, NUMEX memberships
	included int64
	num, den exactSum
	obs      moments
	bands    []band // dsr, isr: per age band
}

// band holds the events and population of one age band.
type band struct{ num, den exactSum }

func newIndicatorTally(ind *compiledIndicator, policy errorPolicy) *indicatorTally {
	return &indicatorTally{typ: ind.spec.Type, policy: policy, strata: make([][]*tally, len(ind.stratifiers))}
}

func (t *tally) add(o *outcome, typ Type) {
	for f := o.flags; f != 0; f &= f - 1 {
		t.pops[bits.TrailingZeros8(f)]++
	}
	if o.included {
		t.included++
	}
	switch {
	case typ == Proportion || typ == Count:
		return // their values are population counts: no sums
	case typ == Mean && o.inNum:
		t.obs.add(o.numValue)
	case o.inNum:
		t.num.add(o.numValue)
	}
	if o.inDen {
		t.den.add(o.denValue)
	}
	if typ != DSR && typ != ISR || !o.included {
		return
	}
	if o.band >= len(t.bands) {
		t.bands = append(t.bands, make([]band, o.band+1-len(t.bands))...)
	}
	if o.inNum {
		t.bands[o.band].num.add(o.numValue)
	}
	t.bands[o.band].den.add(o.denValue)
}

// remove takes back what add added for o, for a proportion or a count.
func (t *tally) remove(o *outcome) {
	for f := o.flags; f != 0; f &= f - 1 {
		t.pops[bits.TrailingZeros8(f)]--
	}
	if o.included {
		t.included--
	}
}

func (t *tally) merge(o *tally) {
	for i := range t.pops {
		t.pops[i] += o.pops[i]
	}
	t.included += o.included
	t.num.merge(&o.num)
	t.den.merge(&o.den)
	t.obs.merge(&o.obs)
	if len(o.bands) > len(t.bands) {
		t.bands = append(t.bands, make([]band, len(o.bands)-len(t.bands))...)
	}
	for i := range o.bands {
		t.bands[i].num.merge(&o.bands[i].num)
		t.bands[i].den.merge(&o.bands[i].den)
	}
}

func (t *indicatorTally) add(o *outcome, ids []int) {
	t.all.add(o, t.typ)
	if o.flags&inIP == 0 {
		return
	}
	for i, id := range ids {
		t.stratum(i, id).add(o, t.typ)
	}
}

// stratum returns the tally of stratum id of stratifier i, creating it.
func (t *indicatorTally) stratum(i, id int) *tally {
	if id >= len(t.strata[i]) {
		t.strata[i] = append(t.strata[i], make([]*tally, id+1-len(t.strata[i]))...)
	}
	st := t.strata[i][id]
	if st == nil {
		st = &tally{}
		t.strata[i][id] = st
	}
	return st
}

func (t *indicatorTally) fail(index int64, field string, err error) {
	t.errored++
	if t.wants(index) {
		msg := err.Error()
		if !t.policy.values {
			msg = redactValues(msg)
		}
		t.keep(RecordError{Record: index, Field: field, Message: msg})
	}
}

// wants reports whether an error of record index is among the lowest
// policy.max seen so far (so its message is worth formatting).
func (t *indicatorTally) wants(index int64) bool {
	return len(t.errors) < t.policy.max || (t.policy.max > 0 && index < t.errors[len(t.errors)-1].Record)
}

// keep inserts e in record order, dropping the highest beyond policy.max.
func (t *indicatorTally) keep(e RecordError) {
	at := sort.Search(len(t.errors), func(i int) bool { return t.errors[i].Record > e.Record })
	t.errors = slices.Insert(t.errors, at, e)
	if len(t.errors) > t.policy.max {
		t.errors = t.errors[:t.policy.max]
	}
}

// merge adds o's tallies; remap translates o's stratum ids, per key space,
// into t's.
func (t *indicatorTally) merge(o *indicatorTally, ind *compiledIndicator, remap [][]int) {
	t.all.merge(&o.all)
	for i, strata := range o.strata {
		for id, st := range strata {
			if st != nil {
				t.stratum(i, remap[ind.stratifiers[i].keys][id]).merge(st)
			}
		}
	}
	t.errored += o.errored
	for _, e := range o.errors {
		if t.wants(e.Record) {
			t.keep(e)
		}
	}
}
