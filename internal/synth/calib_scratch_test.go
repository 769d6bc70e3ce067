package synth

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

var scratchGroups = []struct{ name, prefix string }{
	{"asthma", "J45"}, {"depression", "F32"}, {"diabetes", "E1"}, {"T1", "E10"}, {"hypertension", "I10"},
	{"CHD", "I25"}, {"AF", "I48"}, {"HF", "I50"}, {"stroke/TIA", "I63|G45"}, {"CKD", "N18"},
	{"COPD", "J44"}, {"dementia", "F03"}, {"cancer", "C"},
}

func has(p *Patient, pre string) bool {
	for _, x := range strings.Split(pre, "|") {
		if p.HasCondition(x) {
			return true
		}
	}
	return false
}

func TestScratchCalib(t *testing.T) {
	g, _ := New(Config{N: 1000000, Seed: 1})
	var batch []Patient
	cnt := make([]int, len(scratchGroups))
	band := make([][10]int, len(scratchGroups))
	var bandN [10]int
	q := make([][6]int, len(scratchGroups))
	var qN [6]int
	total := 0
	var emerg, days float64
	var nobs, nenc, nmed, ncond, dead, part int
	var hba []float64
	var dmNo int
	var dmN int
	meds := map[string]int{}
	start := time.Now()
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		for i := range batch {
			p := &batch[i]
			total++
			b := min(p.Age/10, 9)
			bandN[b]++
			qN[p.Deprivation]++
			for k, gr := range scratchGroups {
				if has(p, gr.prefix) {
					cnt[k]++
					band[k][b]++
					q[k][p.Deprivation]++
				}
			}
			for _, e := range p.Encounters {
				if e.Class == EncEmergency && e.Start.After(g.m.ref.AddDate(0, 0, -365)) {
					emerg++
				}
			}
			days += p.DaysAtRisk
			nobs += len(p.Observations)
			nenc += len(p.Encounters)
			nmed += len(p.Medications)
			ncond += len(p.Conditions)
			if !p.DeathDate.IsZero() {
				dead++
			}
			if p.DaysAtRisk < 365 {
				part++
			}
			if p.HasCondition("E1") {
				dmN++
				got := false
				for _, o := range p.Observations {
					if o.Code == ObsHbA1c {
						hba = append(hba, o.Value)
						got = true
					}
				}
				if !got {
					dmNo++
				}
			}
			for _, m := range p.Medications {
				meds[m.Code]++
			}
		}
	}
	fmt.Println("elapsed", time.Since(start))
	for k, gr := range scratchGroups {
		fmt.Printf("%-13s %5.2f%% |", gr.name, 100*float64(cnt[k])/float64(total))
		for b := range 10 {
			fmt.Printf(" %5.1f", 100*float64(band[k][b])/float64(bandN[b]))
		}
		fmt.Printf(" | Q1..5:")
		for qq := 1; qq <= 5; qq++ {
			fmt.Printf(" %5.2f", 100*float64(q[k][qq])/float64(qN[qq]))
		}
		fmt.Println()
	}
	fmt.Println("qN", qN, "bandN", bandN)
	fmt.Printf("emerg rate %.4f per py; obs %.2f enc %.2f med %.2f cond %.2f dead %.3f%% part %.2f%%\n", emerg/(days/365), float64(nobs)/float64(total), float64(nenc)/float64(total), float64(nmed)/float64(total), float64(ncond)/float64(total), 100*float64(dead)/float64(total), 100*float64(part)/float64(total))
	var s, s2 float64
	for _, v := range hba {
		s += v
		s2 += v * v
	}
	m := s / float64(len(hba))
	fmt.Printf("hba1c mean %.1f sd %.1f; diabetics without hba1c %.1f%%\n", m, sqrt(s2/float64(len(hba))-m*m), 100*float64(dmNo)/float64(dmN))
	for k, v := range meds {
		fmt.Printf("%s %.2f%%\n", k, 100*float64(v)/float64(total))
	}
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
