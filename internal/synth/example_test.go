package synth_test

import (
	"fmt"

	"github.com/openhpi/hpi/internal/synth"
)

// Stream a population batch by batch, reusing the batch slice.
func Example() {
	g, err := synth.New(synth.Config{N: 5, Seed: 42, BatchSize: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ID age sex quintile practice area days conditions observations medications encounters")
	var batch []synth.Patient
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		for _, p := range batch {
			fmt.Println(p.ID, p.Age, p.Sex, p.Deprivation, p.Practice, p.Area, p.DaysAtRisk,
				len(p.Conditions), len(p.Observations), len(p.Medications), len(p.Encounters))
		}
	}
	// Output:
	// ID age sex quintile practice area days conditions observations medications encounters
	// P0000001 17 male 5 GP076 E02000019 365 0 0 0 2
	// P0000002 52 male 5 GP036 E02000009 243 0 1 0 2
	// P0000003 36 male 1 GP099 E02000025 365 0 3 0 7
	// P0000004 5 female 2 GP024 E02000006 365 0 0 0 4
	// P0000005 47 female 2 GP052 E02000013 365 0 0 1 9
}

// Count diabetics and their latest HbA1c without holding the population.
func ExampleGenerator_Next() {
	g, err := synth.New(synth.Config{N: 20000, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	diabetics, controlled := 0, 0
	var batch []synth.Patient
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		for i := range batch {
			p := &batch[i]
			if !p.HasCondition(synth.CodeDiabetesType1) && !p.HasCondition(synth.CodeDiabetesType2) {
				continue
			}
			diabetics++
			latest := 0.0
			for _, o := range p.Observations {
				if o.Code == synth.ObsHbA1c {
					latest = o.Value // observations are sorted by date
				}
			}
			if latest > 0 && latest <= 58 {
				controlled++
			}
		}
	}
	fmt.Printf("%d of %d patients are diabetic; %d have a latest HbA1c <= 58 mmol/mol\n", diabetics, g.Len(), controlled)
	// Output:
	// 1410 of 20000 patients are diabetic; 758 have a latest HbA1c <= 58 mmol/mol
}

// Generate one patient on its own: the same patient as in any stream.
func ExampleGenerate() {
	cfg := synth.Config{N: 1000, Seed: 42}
	p := synth.Generate(cfg, 322)
	fmt.Println(p.ID, p.Age, p.Sex, "born", p.BirthDate.Format("2006-01-02"), "quintile", p.Deprivation)
	for _, c := range p.Conditions {
		fmt.Println("  condition ", c.Code, c.Onset.Format("2006-01-02"))
	}
	for _, m := range p.Medications {
		fmt.Println("  medication", m.Code, m.Start.Format("2006-01-02"))
	}
	for _, o := range p.Observations {
		fmt.Println("  observation", o.Code, o.Value, o.Unit, o.Date.Format("2006-01-02"))
	}
	// Output:
	// P0000323 79 male born 1946-02-14 quintile 1
	//   condition  I10 2017-01-04
	//   condition  E11 2020-03-07
	//   condition  I63 2022-08-26
	//   medication metformin 2022-01-02
	//   medication statin 2023-08-08
	//   medication antihypertensive 2024-10-08
	//   observation hba1c 64 mmol/mol 2024-02-10
	//   observation hba1c 56 mmol/mol 2024-03-09
	//   observation sbp 144 mmHg 2024-07-28
	//   observation dbp 87 mmHg 2024-07-28
	//   observation hba1c 62 mmol/mol 2024-11-27
}
