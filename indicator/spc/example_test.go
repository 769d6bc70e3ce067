package spc_test

import (
	"fmt"

	"github.com/openhpi/hpi/indicator/spc"
)

func ExampleNew() {
	// Monthly emergency readmissions out of discharges, as a p chart in
	// percent.
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	readmitted := []float64{12, 15, 9, 14, 11, 13, 10, 16, 12, 30, 11, 13}
	discharged := []float64{120, 130, 110, 125, 118, 122, 115, 128, 119, 124, 117, 121}
	groups := make([]spc.Subgroup, len(months))
	for i := range months {
		groups[i] = spc.Subgroup{X: months[i], Values: []float64{readmitted[i]}, N: discharged[i]}
	}
	chart, err := spc.New(spc.KindP, groups, spc.Options{Multiply: 100})
	if err != nil {
		panic(err)
	}
	for _, p := range chart.Points {
		flag := ""
		if p.SigmaSignal {
			flag = "  <- special cause"
		}
		fmt.Printf("%s %5.1f%%  limits %4.1f%% to %4.1f%%%s\n", p.X, p.Y, p.LCL, p.UCL, flag)
	}
	r := chart.Runs[0]
	fmt.Printf("centre %.1f%%; longest run %d (limit %d), crossings %d (limit %d), runs signal %v\n",
		chart.Points[0].CL, r.LongestRun, r.LongestRunMax, r.Crossings, r.CrossingsMin, r.Signal)
	// Output:
	// Jan  10.0%  limits  2.7% to 20.2%
	// Feb  11.5%  limits  3.1% to 19.8%
	// Mar   8.2%  limits  2.3% to 20.6%
	// Apr  11.2%  limits  2.9% to 20.0%
	// May   9.3%  limits  2.7% to 20.3%
	// Jun  10.7%  limits  2.8% to 20.1%
	// Jul   8.7%  limits  2.5% to 20.4%
	// Aug  12.5%  limits  3.0% to 19.9%
	// Sep  10.1%  limits  2.7% to 20.2%
	// Oct  24.2%  limits  2.9% to 20.0%  <- special cause
	// Nov   9.4%  limits  2.6% to 20.3%
	// Dec  10.7%  limits  2.8% to 20.1%
	// centre 11.5%; longest run 5 (limit 7), crossings 6 (limit 3), runs signal false
}

func ExampleMakingDataCount() {
	// Percentage of patients seen within 4 hours: higher is better, the
	// target is 95%, and practice improved from month 13.
	seen := []float64{
		88, 91, 89, 90, 87, 90, 92, 88, 89, 91, 90, 89,
		93, 94, 93, 95, 94, 96, 95, 94, 95, 96,
	}
	target := 95.0
	res, err := spc.MakingDataCount(seen, spc.MDCOptions{Improvement: spc.Increase, Target: &target})
	if err != nil {
		panic(err)
	}
	for i, p := range res.Points[10:] {
		fmt.Printf("month %2d  %.0f%%  %-18s %s\n", i+11, p.Y, p.Label, p.PointType)
	}
	fmt.Printf("variation: %s, assurance: %s\n", res.Variation, res.Assurance)

	// Rebased at month 13, the new process has its own limits.
	res, _ = spc.MakingDataCount(seen, spc.MDCOptions{Target: &target, RebaseAt: []int{12}})
	last := res.Points[len(seen)-1]
	fmt.Printf("after rebasing: mean %.1f%%, limits %.1f%% to %.1f%%, variation: %s, assurance: %s\n",
		last.Mean, last.LPL, last.UPL, res.Variation, res.Assurance)
	// Output:
	// month 11  90%  Common Cause       common_cause
	// month 12  89%  Common Cause       common_cause
	// month 13  93%  7 Points Above CL  special_cause_improvement
	// month 14  94%  7 Points Above CL  special_cause_improvement
	// month 15  93%  7 Points Above CL  special_cause_improvement
	// month 16  95%  2 in 3 Above CL    special_cause_improvement
	// month 17  94%  7 Points Above CL  special_cause_improvement
	// month 18  96%  2 in 3 Above CL    special_cause_improvement
	// month 19  95%  2 in 3 Above CL    special_cause_improvement
	// month 20  94%  7 Points Above CL  special_cause_improvement
	// month 21  95%  2 in 3 Above CL    special_cause_improvement
	// month 22  96%  2 in 3 Above CL    special_cause_improvement
	// variation: special_cause_improvement, assurance: inconsistent
	// after rebasing: mean 94.5%, limits 91.2% to 97.8%, variation: common_cause, assurance: inconsistent
}
