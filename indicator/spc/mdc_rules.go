package spc

// groupLabels labels every value of one limit group by the first rule it
// breaks, in NHSRplotthedots' order (ptd_special_cause_type): outside the
// process limits, part of a 7-point trend, one of 2 of 3 points in the band
// between the near (2-sigma) and process limits on one side, part of a run
// of 7 on one side of the mean; else common cause. The rules look only inside
// the group.
func groupLabels(ys []float64, lim mdcLimits) []string {
	side := make([]int, len(ys))
	outside := make([]bool, len(ys))
	near := make([]bool, len(ys))
	for k, y := range ys {
		side[k] = sign(y - lim.mean)
		outside[k] = y > lim.upl || y < lim.lpl
		near[k] = !outside[k] && (y < lim.nlpl || y > lim.nupl)
	}
	trend := partOfSeven(trendEnds(ys))
	twoInThree := twoInThreeFlags(near, side)
	run := partOfSeven(runEnds(side))

	labels := make([]string, len(ys))
	for k := range ys {
		switch {
		case outside[k]:
			labels[k] = pick(side[k] > 0, LabelAboveUCL, LabelBelowLCL)
		case trend[k]:
			labels[k] = pick(trendRising(ys, trend, k), LabelTrendUp, LabelTrendDown)
		case twoInThree[k]:
			labels[k] = pick(side[k] > 0, LabelTwoInThreeHigh, LabelTwoInThreeLow)
		case run[k]:
			labels[k] = pick(side[k] > 0, LabelRunAbove, LabelRunBelow)
		default:
			labels[k] = LabelCommonCause
		}
	}
	return labels
}

// sign is -1, 0 or +1.
func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// pick is a if cond, else b.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// trendEnds marks the last point of 7 strictly increasing (+1) or strictly
// decreasing (-1) consecutive points; equal neighbours break a trend
// (ptd_seven_point_trend).
func trendEnds(ys []float64) []int {
	ends := make([]int, len(ys))
	for i := mdcRuleLength - 1; i < len(ys); i++ {
		up, down := true, true
		for j := i - mdcRuleLength + 2; j <= i; j++ {
			up = up && ys[j] > ys[j-1]
			down = down && ys[j] < ys[j-1]
		}
		if up {
			ends[i] = 1
		} else if down {
			ends[i] = -1
		}
	}
	return ends
}

// runEnds marks the last point of 7 consecutive points on the same side of
// the mean; a point on the mean (side 0) breaks the run
// (ptd_seven_point_one_side_mean).
func runEnds(side []int) []int {
	ends := make([]int, len(side))
	for i := mdcRuleLength - 1; i < len(side); i++ {
		same := side[i] != 0
		for j := i - mdcRuleLength + 1; j < i && same; j++ {
			same = side[j] == side[i]
		}
		if same {
			ends[i] = side[i]
		}
	}
	return ends
}

// partOfSeven marks every point of a 7-point pattern from the marks at its
// ends: a point belongs if one of it and the next 6 ends one
// (ptd_part_of_seven_trend).
func partOfSeven(ends []int) []bool {
	part := make([]bool, len(ends))
	for i := range ends {
		for j := i; j < len(ends) && j < i+mdcRuleLength; j++ {
			if ends[j] != 0 {
				part[i] = true
				break
			}
		}
	}
	return part
}

// trendRising decides the direction of the trend point k belongs to as
// NHSRplotthedots does: from the step to the next point when that point is
// part of a trend too, otherwise from the step from the previous point.
func trendRising(ys []float64, trend []bool, k int) bool {
	if k+1 < len(ys) && trend[k+1] {
		return ys[k+1] > ys[k]
	}
	return k > 0 && ys[k] > ys[k-1]
}

// twoInThreeFlags marks the near points (beyond the 2-sigma band, inside the
// process limits) that are at least 2 of 3 consecutive near points with all
// three on the same side of the mean (ptd_two_in_three and
// ptd_part_of_two_in_three). Only the near points themselves are flagged,
// and a point outside the process limits does not count as near.
func twoInThreeFlags(near []bool, side []int) []bool {
	flags := make([]bool, len(near))
	for start := 0; start+3 <= len(near); start++ {
		count, sideSum := 0, 0
		for j := start; j < start+3; j++ {
			if near[j] {
				count++
			}
			sideSum += side[j]
		}
		if count < 2 || (sideSum != 3 && sideSum != -3) {
			continue
		}
		for j := start; j < start+3; j++ {
			flags[j] = flags[j] || near[j]
		}
	}
	return flags
}
