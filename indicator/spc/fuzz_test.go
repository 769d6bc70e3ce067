package spc_test

import (
	"errors"
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

// decodeGroups turns fuzz bytes into subgroups. Each subgroup starts with a
// header byte: h%5 values follow, and (h/5)%4 chooses the denominator: NaN,
// 0, the next byte, or the next byte times 1000. Value byte 255 is NaN,
// 240-254 are negative, the rest are b/8.
func decodeGroups(raw []byte) []spc.Subgroup {
	var groups []spc.Subgroup
	next := func() (byte, bool) {
		if len(raw) == 0 {
			return 0, false
		}
		b := raw[0]
		raw = raw[1:]
		return b, true
	}
	for len(raw) > 0 && len(groups) < 400 {
		h, _ := next()
		g := spc.Subgroup{N: math.NaN()}
		for j := 0; j < int(h%5); j++ {
			b, ok := next()
			if !ok {
				break
			}
			g.Values = append(g.Values, decodeValue(b))
		}
		switch (h / 5) % 4 {
		case 1:
			g.N = 0
		case 2, 3:
			b, _ := next()
			g.N = float64(b)
			if (h/5)%4 == 3 {
				g.N *= 1000
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// decodeValue maps a byte to an observation.
func decodeValue(b byte) float64 {
	switch {
	case b == 255:
		return math.NaN()
	case b >= 240:
		return -float64(b - 239)
	}
	return float64(b) / 8
}

// FuzzNew: New never panics; it returns a chart with one point per subgroup
// and ordered lines, or an error wrapping one of the package's sentinels.
func FuzzNew(f *testing.F) {
	f.Add(uint8(1), []byte{1, 80, 1, 88, 1, 72, 1, 96, 1, 90}, int8(0), uint8(0), uint8(0), 1.0, false)
	f.Add(uint8(6), []byte{11, 3, 40, 11, 5, 40, 11, 0, 40, 11, 9, 41}, int8(2), uint8(2), uint8(1), 100.0, true)
	f.Add(uint8(3), []byte{3, 8, 9, 10, 2, 8, 12, 4, 1, 2, 3, 4}, int8(0), uint8(1), uint8(3), 0.0, false)
	f.Fuzz(func(t *testing.T, kindIndex uint8, raw []byte, freeze int8, partAfter, exclude uint8, multiply float64, screen bool) {
		kinds := append(append([]spc.Kind{}, allKinds...), "bogus")
		kind := kinds[int(kindIndex)%len(kinds)]
		groups := decodeGroups(raw)
		opts := spc.Options{Freeze: int(freeze), Multiply: multiply, ScreenMovingRanges: screen}
		if partAfter > 0 {
			opts.Parts = []int{int(partAfter % 64)}
		}
		if exclude > 0 {
			opts.Exclude = []int{int(exclude % 64)}
		}
		c, err := spc.New(kind, groups, opts)
		if err != nil {
			if c != nil || !(errors.Is(err, spc.ErrInvalidInput) || errors.Is(err, spc.ErrTooFewPoints)) {
				t.Fatalf("chart %v, error %v", c, err)
			}
			return
		}
		checkInvariants(t, c, len(groups))
		for _, r := range c.Runs {
			want := r.LongestRun > r.LongestRunMax || r.Crossings < r.CrossingsMin
			if kind != spc.KindMR && r.NUseful > 0 && r.Signal != want {
				t.Fatalf("runs %+v: signal inconsistent", r)
			}
		}
	})
}

// FuzzMakingDataCount: no panic; labels and point types from the documented
// sets; variation is the last point's type.
func FuzzMakingDataCount(f *testing.F) {
	f.Add([]byte{80, 88, 72, 96, 90, 60, 200, 10, 80, 80, 80, 80}, uint8(0), uint8(0), uint8(0), false)
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, uint8(1), uint8(12), uint8(5), true)
	labels := map[string]bool{
		spc.LabelAboveUCL: true, spc.LabelBelowLCL: true, spc.LabelTrendUp: true, spc.LabelTrendDown: true,
		spc.LabelTwoInThreeHigh: true, spc.LabelTwoInThreeLow: true, spc.LabelRunAbove: true,
		spc.LabelRunBelow: true, spc.LabelCommonCause: true,
	}
	f.Fuzz(func(t *testing.T, raw []byte, dir, fixAfter, rebase uint8, screenOff bool) {
		values := make([]float64, len(raw))
		for i, b := range raw {
			values[i] = decodeValue(b)
		}
		opts := spc.MDCOptions{
			Improvement:        []spc.Direction{"", spc.Increase, spc.Decrease, spc.Neutral, "up"}[int(dir)%5],
			FixAfter:           int(fixAfter % 20),
			NoOutlierScreening: screenOff,
		}
		if rebase > 0 {
			opts.RebaseAt = []int{int(rebase % 40)}
		}
		r, err := spc.MakingDataCount(values, opts)
		if err != nil {
			if !(errors.Is(err, spc.ErrInvalidInput) || errors.Is(err, spc.ErrTooFewPoints)) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, p := range r.Points {
			if !labels[p.Label] || (p.Label == spc.LabelCommonCause) != (p.PointType == spc.CommonCause) {
				t.Fatalf("point %+v", p)
			}
			if !math.IsNaN(p.LPL) && !(p.LPL <= p.Mean && p.Mean <= p.UPL) {
				t.Fatalf("limits out of order: %+v", p)
			}
		}
		if r.Variation != r.Points[len(r.Points)-1].PointType {
			t.Fatalf("variation %q", r.Variation)
		}
	})
}
