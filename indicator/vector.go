package indicator

import (
	"math/bits"
	"slices"

	"cel.dev/cel-go/common/operators"
)

// This file evaluates the simplest boolean criteria a batch at a time:
// comparisons of a scalar field with a literal, bool fields, has() on a
// field, and !, && and || over such criteria (through definitions too).
// Their value for a whole batch is a bit vector computed in one tight loop
// per field, so a record's criterion is a bit test instead of a tree of
// closure calls, and an indicator made only of such criteria (without
// stratifiers) is tallied by counting bits. A record whose bit says the
// criterion fails is evaluated by the closures, which give the error its
// message: the vectors decide only error-free values, so both paths agree
// by construction on errors and TestNative_AgreesWithCEL covers the bits.

// bitvec is a boolean expression's value over a batch: bit i of val is
// record i's value; bit i of err says record i fails (val is then 0).
type bitvec struct{ val, err []uint64 }

// vecFn computes a bitvec of n bits into out: over the records of the
// cursor's batch (a record-level vector), or over the events of one of its
// event-list columns (an event-level vector: the predicate of an exists or
// all, see native.level).
type vecFn func(c *cursor, n int, out *bitvec)

// vecMemo is an expression's bitvec for the batch of generation bgen.
type vecMemo struct {
	bgen uint64
	bitvec
}

// words returns the number of 64-bit words n bits take.
func words(n int) int { return (n + 63) / 64 }

// reset sizes v for n records, all false and error-free.
func (v *bitvec) reset(n int) {
	w := words(n)
	v.val = resize(v.val, w)
	v.err = resize(v.err, w)
}

func resize(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// get returns record i's bit of val and of err.
func (v *bitvec) get(i int) (val, err bool) {
	w, bit := i>>6, uint64(1)<<(i&63)
	return v.val[w]&bit != 0, v.err[w]&bit != 0
}

// vector returns expression i's bitvec for the current batch, computing it
// on first use.
func (c *cursor) vector(i int) *bitvec {
	m := &c.vecs[i]
	if m.bgen != c.row.bgen {
		c.set.exprs[i].native.vec(c, c.row.batch.n, &m.bitvec)
		m.bgen = c.row.bgen
	}
	return &m.bitvec
}

// temp returns the cursor's scratch bitvec k (one per && or || node).
func (c *cursor) temp(k int) *bitvec { return &c.temps[k] }

// nullBits marks the records whose value of a nullable column is null.
func nullBits(col *column, out *bitvec) {
	if !col.field.Nullable {
		return
	}
	for w := range out.err {
		out.err[w] = ^col.valid.words[w]
	}
	trim(out.err, col.valid.n)
}

// trim clears the bits at and after n in the last word.
func trim(s []uint64, n int) {
	if r := n % 64; r != 0 && len(s) > 0 {
		s[len(s)-1] &= 1<<r - 1
	}
}

// fieldVec is a vector over the plain field at p, a top-level scalar
// column or a field of the events of an event-list column: fill sets the
// bits of the first n values that pass the test; null values are errors.
func fieldVec(p place, fill func(col *column, n int, val []uint64)) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		out.reset(n)
		col := p.column(c.row.batch)
		nullBits(col, out)
		fill(col, n, out.val)
		for w := range out.val {
			out.val[w] &^= out.err[w]
		}
	}
}

// The fill functions test 64 values per word with the operator chosen
// outside the loop (a call per value would cost more than the test) and
// without branches (a test true for a random fifth of the records would
// mispredict them).

// b2u is 1 for true: the compiler makes it a SETcc, not a branch.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func boolBits(col *column, n int, val []uint64) {
	vals := col.bools[:n]
	for w := range val {
		var word uint64
		for k, v := range vals[w*64 : min(w*64+64, n)] {
			word |= b2u(v) << k
		}
		val[w] = word
	}
}

// intCompare compares int values with lit: op is one of <, <=, >, >=.
// The fill functions are methods, not closures, so that the compiler
// inlines b2u into their loops.
type intCompare struct {
	op  string
	lit int64
}

func (t intCompare) fill(col *column, n int, val []uint64) {
	vals, lit := col.ints[:n], t.lit
	for w := range val {
		var word uint64
		chunk := vals[w*64 : min(w*64+64, n)]
		switch t.op {
		case operators.Less:
			for k, v := range chunk {
				word |= b2u(v < lit) << k
			}
		case operators.LessEquals:
			for k, v := range chunk {
				word |= b2u(v <= lit) << k
			}
		case operators.Greater:
			for k, v := range chunk {
				word |= b2u(v > lit) << k
			}
		case operators.GreaterEquals:
			for k, v := range chunk {
				word |= b2u(v >= lit) << k
			}
		}
		val[w] = word
	}
}

// stringEquality tests string values for equality (eq) or inequality
// with lit.
type stringEquality struct {
	eq  bool
	lit string
}

func (t stringEquality) fill(col *column, n int, val []uint64) {
	vals, lit, eq := col.strs[:n], t.lit, t.eq
	for w := range val {
		var word uint64
		for k, v := range vals[w*64 : min(w*64+64, n)] {
			word |= b2u((v == lit) == eq) << k
		}
		val[w] = word
	}
}

// stringMembership tests string values for membership of a set.
type stringMembership map[string]struct{}

func (t stringMembership) fill(col *column, n int, val []uint64) {
	vals := col.strs[:n]
	for w := range val {
		var word uint64
		for k, v := range vals[w*64 : min(w*64+64, n)] {
			_, in := t[v]
			word |= b2u(in) << k
		}
		val[w] = word
	}
}

// presentVec is has(unit.field) over top-level column i.
func presentVec(i int) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		out.reset(n)
		col := c.row.batch.cols[i]
		if !col.field.Nullable {
			for w := range out.val {
				out.val[w] = ^uint64(0)
			}
		} else {
			copy(out.val, col.valid.words)
		}
		trim(out.val, n)
	}
}

// definitionVec reads a boolean definition's vector.
func definitionVec(expr int) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		v := c.vector(expr)
		out.reset(n)
		copy(out.val, v.val)
		copy(out.err, v.err)
	}
}

// notVec is !x: an error stays an error.
func notVec(x vecFn) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		x(c, n, out)
		for w := range out.val {
			out.val[w] = ^out.val[w] &^ out.err[w]
		}
		trim(out.val, n)
	}
}

// logicalVec is && or || with CEL's error absorption: a side that decides
// the result wins over an error on the other side.
func logicalVec(and bool, l, r vecFn, tmp int) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		l(c, n, out)
		o := c.temp(tmp)
		r(c, n, o)
		for w := range out.val {
			lv, le, rv, re := out.val[w], out.err[w], o.val[w], o.err[w]
			if and {
				decided := ^lv&^le | ^rv&^re // a false side
				out.err[w] = (le | re) &^ decided
				out.val[w] = lv & rv
			} else {
				decided := lv | rv
				out.err[w] = (le | re) &^ decided
				out.val[w] = decided
			}
		}
		trim(out.err, n)
	}
}

// quantifiedVec is exists (decisive true) or all (decisive false) over
// the whole event list of field, a batch at a time: pred's vector over the
// events of the batch, reduced over each record's events. A record whose
// events decide nothing but include an error is an error (the closures
// give its message), as CEL's exists and all.
func quantifiedVec(field int, pred vecFn, decisive bool, tmp int) vecFn {
	return func(c *cursor, n int, out *bitvec) {
		col := c.row.batch.cols[field]
		ev := c.temp(tmp)
		pred(c, col.events, ev)
		if !decisive { // a false event decides all: its bits replace val
			for w := range ev.val {
				ev.val[w] = ^(ev.val[w] | ev.err[w])
			}
		}
		out.reset(n)
		for i := range n {
			start, end := col.span(i)
			w, bit := i>>6, uint64(1)<<(i&63)
			switch {
			case start == end: // no event: exists is false, all true
			case anyInRange(ev.val, start, end):
				if decisive {
					out.val[w] |= bit
				}
				continue
			case anyInRange(ev.err, start, end):
				out.err[w] |= bit
				continue
			}
			if !decisive {
				out.val[w] |= bit
			}
		}
	}
}

// filteredByVector is filter over the whole event list of field, its
// predicate computed once per batch as a vector over the events of the
// batch (event vector k of the cursor): a record's result is the set bits
// of its events. A record with a failing event takes the closures
// (byRecord), which give CEL's error.
func filteredByVector(byRecord func(*cursor) (evlist, error), field int, pred vecFn, buf, k int) func(*cursor) (evlist, error) {
	return func(c *cursor) (evlist, error) {
		col := c.row.batch.cols[field]
		m := &c.evecs[k]
		if m.bgen != c.row.bgen {
			pred(c, col.events, &m.bitvec)
			m.bgen = c.row.bgen
		}
		start, end := col.span(c.row.i)
		if anyInRange(m.err, start, end) {
			return byRecord(c)
		}
		out := c.bufs[buf][:0]
		for e := start; e < end; e++ {
			if m.val[e>>6]&(1<<(e&63)) != 0 {
				out = append(out, e)
			}
		}
		c.bufs[buf] = out
		return evlist{idx: out, subset: true}, nil
	}
}

// anyInRange reports whether a bit in [start, end) of s is set.
func anyInRange(s []uint64, start, end int) bool {
	for k := start; k < end; {
		off := k & 63
		span := min(end-k, 64-off)
		x := s[k>>6] >> off
		if span < 64 {
			x &= 1<<span - 1
		}
		if x != 0 {
			return true
		}
		k += span
	}
	return false
}

// anyBits reports whether any bit is set.
func anyBits(s []uint64) bool {
	for _, w := range s {
		if w != 0 {
			return true
		}
	}
	return false
}

// batchable reports whether ind can be tallied a batch at a time: a count
// or a proportion whose criteria are all vectorised. Its strata, if it has
// any, are still tallied record by record (recordStrata), from the
// outcomes the batch tally keeps.
func (s *Set) batchable(ind *compiledIndicator) bool {
	if ind.spec.Type != Count && ind.spec.Type != Proportion {
		return false
	}
	for _, c := range []*criterion{ind.ip, ind.den, ind.denex, ind.denexcep, ind.numer, ind.numex} {
		if c == nil {
			continue
		}
		if n := s.exprs[c.expr].native; n.vec == nil || n.level != 0 {
			return false
		}
	}
	return true
}

// lane is one criterion's bits over a batch, or its default when absent.
type lane struct {
	v    *bitvec
	dflt uint64
}

func (l lane) word(w int) uint64 {
	if l.v == nil {
		return l.dflt
	}
	return l.v.val[w]
}

// batchOutcome is one record's populations in a batch tally, kept for its
// strata.
type batchOutcome struct {
	flags    uint8
	included bool
}

// tallyBatch tallies a batchable indicator over the current batch from its
// criteria's vectors, with the population rules of evaluate and proportion
// applied to 64 records at a time. It tallies nothing and returns false
// when a criterion fails on any record of the batch: the per-record path
// then reports the errors. For a stratified indicator it fills outs with
// each record's outcome, for recordStrata.
func (w *worker) tallyBatch(ind *compiledIndicator, t *indicatorTally, outs *[]batchOutcome) bool {
	lanes := [6]lane{}
	for k, c := range []*criterion{ind.ip, ind.den, ind.denex, ind.denexcep, ind.numer, ind.numex} {
		if k < 2 {
			lanes[k].dflt = ^uint64(0) // the initial population and denominator default to true
		}
		if c != nil {
			lanes[k].v = w.cur.vector(c.expr)
			if anyBits(lanes[k].v.err) {
				return false
			}
		}
	}
	ip, den, denex, denexcep, numer, numex := lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5]
	n := w.row.batch.n
	all := &t.all
	stratified := len(ind.stratifiers) > 0
	if stratified {
		*outs = slices.Grow((*outs)[:0], n)[:n]
		clear(*outs)
	}
	for wd := range words(n) {
		mask := ^uint64(0)
		if r := n - wd*64; r < 64 {
			mask = 1<<r - 1
		}
		inIP := ip.word(wd) & mask
		inDen := inIP & den.word(wd)
		inDenex := inDen & denex.word(wd)
		rest := inDen &^ inDenex
		all.pops[0] += int64(bits.OnesCount64(inIP))
		all.pops[1] += int64(bits.OnesCount64(inDen))
		all.pops[2] += int64(bits.OnesCount64(inDenex))
		if ind.spec.Type == Count {
			all.included += int64(bits.OnesCount64(rest))
			if stratified {
				keep(*outs, wd, [6]uint64{inIP, inDen, inDenex}, rest)
			}
			continue
		}
		inNum := rest & numer.word(wd)
		exception := rest &^ inNum & denexcep.word(wd)
		inNumex := inNum & numex.word(wd)
		all.pops[3] += int64(bits.OnesCount64(exception))
		all.pops[4] += int64(bits.OnesCount64(inNum))
		all.pops[5] += int64(bits.OnesCount64(inNumex))
		all.included += int64(bits.OnesCount64(rest &^ exception))
		if stratified {
			keep(*outs, wd, [6]uint64{inIP, inDen, inDenex, exception, inNum, inNumex}, rest&^exception)
		}
	}
	return true
}

// keep writes the outcomes of the 64 records of word wd from the words of
// their populations (in the order of outcome.flags) and of inclusion.
func keep(outs []batchOutcome, wd int, pops [6]uint64, included uint64) {
	for ip := pops[0]; ip != 0; ip &= ip - 1 {
		b := bits.TrailingZeros64(ip)
		o := &outs[wd*64+b]
		for k, p := range pops {
			o.flags |= uint8(p>>b&1) << k
		}
		o.included = included>>b&1 != 0
	}
}

// recordStrata tallies the strata of the current record for a stratified
// indicator whose batch tally kept its outcome o. A record whose stratum
// fails is errored instead, and taken out of the batch tally.
func (w *worker) recordStrata(ind *compiledIndicator, t *indicatorTally, o batchOutcome, index int64) {
	if o.flags&inIP == 0 {
		return
	}
	w.ids = w.ids[:0]
	out := outcome{flags: o.flags, included: o.included}
	if field, err := w.strata(ind); err != nil {
		t.all.remove(&out)
		t.fail(index, field, err)
		return
	}
	for i, id := range w.ids {
		t.stratum(i, id).add(&out, t.typ)
	}
}
