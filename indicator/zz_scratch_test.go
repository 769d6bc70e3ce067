package indicator_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openhpi/hpi/indicator"
)

func TestScratchTiming(t *testing.T) {
	dir := os.Getenv("FUZZDIR")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		lines := strings.SplitN(strings.TrimSpace(string(raw)), "\n", 2)
		lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		data, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = indicator.Load("x", []byte(data))
		t.Logf("%s %v len=%d err=%v", e.Name(), time.Since(start), len(data), err != nil)
	}
}

func FuzzScratch(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		spec, err := indicator.Parse("fuzz.yaml", data)
		if err == nil {
			indicator.Compile(spec)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			name := filepath.Join("/tmp/scratch/slow", strconv.FormatInt(time.Now().UnixNano(), 10))
			os.MkdirAll("/tmp/scratch/slow", 0o755)
			os.WriteFile(name, []byte(d.String()+"\n"+string(data)), 0o644)
		}
	})
}
