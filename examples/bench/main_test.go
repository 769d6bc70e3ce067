package main

import (
	"strings"
	"testing"
)

func TestParse_ReadsEachSideOfEachRun(t *testing.T) {
	out := `goos: linux
BenchmarkPredicate/hpi-2         	       5	  12935883 ns/op	  77304347 records/s	    3553 B/op	      34 allocs/op
BenchmarkPredicate/handwritten-2 	       5	   6761495 ns/op	 147896291 records/s
BenchmarkPredicate/hpi-2         	       5	  17745015 ns/op	  56353856 records/s
BenchmarkWorkers/1-2    	       3	 293385351 ns/op
PASS
`
	got := parse(strings.NewReader(out))
	if want := []float64{12935883, 17745015}; !equal(got["hpi"], want) {
		t.Errorf("hpi: %v, want %v", got["hpi"], want)
	}
	if want := []float64{6761495}; !equal(got["handwritten"], want) {
		t.Errorf("handwritten: %v, want %v", got["handwritten"], want)
	}
	if want := []float64{293385351}; !equal(got["1"], want) {
		t.Errorf("workers 1: %v, want %v", got["1"], want)
	}
	if m := median([]float64{3, 1, 2, 10}); m != 2.5 {
		t.Errorf("median %v, want 2.5", m)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
