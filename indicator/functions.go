package indicator

import (
	"math"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// functions returns the CEL functions hpi adds to the standard library
// and the strings, math, lists extensions:
//
//	list.sum()  the sum of a list of ints (int, overflow is an error) or doubles
//	days(n)     a duration of n days (24 hours each), for date windows
func functions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function("sum",
			cel.MemberOverload("list_int_sum", []*cel.Type{cel.ListType(cel.IntType)}, cel.IntType,
				cel.UnaryBinding(sumInts)),
			cel.MemberOverload("list_double_sum", []*cel.Type{cel.ListType(cel.DoubleType)}, cel.DoubleType,
				cel.UnaryBinding(sumDoubles)),
		),
		cel.Function("days",
			cel.Overload("days_int", []*cel.Type{cel.IntType}, cel.DurationType,
				cel.UnaryBinding(days)),
		),
	}
}

func sumInts(v ref.Val) ref.Val {
	l, ok := v.(traits.Lister)
	if !ok {
		return types.NewErr("sum: not a list")
	}
	var total int64
	for it := l.Iterator(); it.HasNext() == types.True; {
		x, ok := it.Next().(types.Int)
		if !ok {
			return types.NewErr("sum: not an int")
		}
		s := total + int64(x)
		if (s > total) != (x > 0) {
			return types.NewErr("sum: integer overflow")
		}
		total = s
	}
	return types.Int(total)
}

func sumDoubles(v ref.Val) ref.Val {
	l, ok := v.(traits.Lister)
	if !ok {
		return types.NewErr("sum: not a list")
	}
	var total exactSum
	for it := l.Iterator(); it.HasNext() == types.True; {
		x, ok := it.Next().(types.Double)
		if !ok {
			return types.NewErr("sum: not a double")
		}
		total.add(float64(x))
	}
	return types.Double(total.value())
}

func days(v ref.Val) ref.Val {
	n, ok := v.(types.Int)
	if !ok {
		return types.NewErr("days: not an int")
	}
	const perDay = int64(24 * time.Hour)
	if int64(n) > math.MaxInt64/perDay || int64(n) < math.MinInt64/perDay {
		return types.NewErr("days: the number of days overflows a duration")
	}
	return types.Duration{Duration: time.Duration(int64(n) * perDay)}
}
