package source_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// drain reads a source to its end and returns the number of records.
func drain(b *testing.B, src indicator.Source) int {
	n := 0
	ctx := context.Background()
	for src.Next(ctx) {
		n += src.Batch().Len()
	}
	if err := src.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

func reportRecords(b *testing.B, perOp int) {
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkCSV reads a 100,000-row CSV file held in memory, with a field of
// every scalar type, a nullable field and a list.
func BenchmarkCSV(b *testing.B) {
	const rows = 100_000
	set := loadSet(b, flatYAML)
	var sb strings.Builder
	sb.WriteString(flatHeader)
	for i := range rows {
		hba1c := ""
		if i%3 != 0 {
			hba1c = fmt.Sprintf("%d.%d", 40+i%30, i%10)
		}
		fmt.Fprintf(&sb, "%d,%s,%d.25,%t,20%02d-%02d-%02d,%dh,%s,,E%d|I%d\n",
			i%100, []string{"f", "m"}[i%2], i%50, i%7 == 0, i%25, 1+i%12, 1+i%28, i%48, hba1c, i%90, i%20)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n := drain(b, source.CSV(strings.NewReader(data), set.Schema())); n != rows {
			b.Fatalf("read %d records, want %d", n, rows)
		}
	}
	reportRecords(b, rows)
}

// BenchmarkJSONLines reads 100,000 JSON lines held in memory.
func BenchmarkJSONLines(b *testing.B) {
	const rows = 100_000
	set := loadSet(b, flatYAML)
	var sb strings.Builder
	for i := range rows {
		fmt.Fprintf(&sb, `{"age": %d, "sex": "%s", "score": %d.25, "smoker": %t, "born": "20%02d-%02d-%02d", "stay": "%dh", "hba1c": %d.5, "codes": ["E%d", "I%d"]}`+"\n",
			i%100, []string{"f", "m"}[i%2], i%50, i%7 == 0, i%25, 1+i%12, 1+i%28, i%48, 40+i%30, i%90, i%20)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n := drain(b, source.JSONLines(strings.NewReader(data), set.Schema())); n != rows {
			b.Fatalf("read %d records, want %d", n, rows)
		}
	}
	reportRecords(b, rows)
}

// BenchmarkSlice converts 1,000,000 Go structs in memory to batches.
func BenchmarkSlice(b *testing.B) {
	const rows = 1_000_000
	set := loadSet(b, flatYAML)
	people := make([]person, rows)
	codes := [][]string{{"E11"}, {"E11", "I10"}, nil}
	for i := range people {
		people[i] = person{Age: i % 100, Sex: "f", Score: float64(i%50) + 0.25, Smoker: i%7 == 0,
			Born: day.AddDate(0, 0, -i%20000), Stay: time.Duration(i%48) * time.Hour, Codes: codes[i%3]}
		if i%3 != 0 {
			people[i].HbA1c = ptr(float64(40 + i%30))
		}
	}
	fill := personFill(b, set.Schema())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n := drain(b, source.Slice(set.Schema(), people, fill)); n != rows {
			b.Fatalf("read %d records, want %d", n, rows)
		}
	}
	reportRecords(b, rows)
}
