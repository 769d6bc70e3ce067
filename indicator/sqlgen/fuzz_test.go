package sqlgen_test

import (
	"strconv"
	"testing"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
)

// FuzzCompile compiles fuzzed criteria against a fixed schema: whatever
// the text, Compile never panics, and when it succeeds it gives the same
// SQL each time, for both dialects.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"age >= 18 && sex == \"female\"",
		"has(person.x) ? x / y > 1.5 : a % b == 0",
		"events.exists(e, e.code in valuesets.vs && e.value > 2.0)",
		"size(events.filter(e, e.value > 0.0)) > 1 && events[size(events) - 1].value < 3.0",
		"events.map(e, e.n).sum() > 10 || tags.exists(t, t.startsWith(\"a\"))",
		"\"x\" in tags || name.endsWith(\"'\") || name.contains(\"--\")",
		"when + duration(\"1h\") < timestamp(\"2024-01-01T00:00:00Z\") || -a < 9223372036854775807",
		"events.all(e, e.value == e.value) && !(a * 2 > b)",
		"in_valueset(\"http://x\", name, valuesets.vs)",
		"name.matches(\"^[a-z]+$\")",
	} {
		f.Add(seed)
	}
	const head = `
id: fuzz
schema:
  unit: person
  fields:
    name: string
    sex: string
    age: int
    a: int?
    b: int?
    x: double?
    y: double?
    when: timestamp?
    tags: list<string>
    events:
      fields:
        code: string
        value: double?
        n: int
valuesets:
  vs: ["a", "b'"]
indicators:
  - id: F
    type: proportion
    initial_population: "true"
    numerator: `
	f.Fuzz(func(t *testing.T, expr string) {
		set, err := indicator.Load("fuzz.yaml", []byte(head+strconv.Quote(expr)+"\n"))
		if err != nil {
			return // not a boolean CEL expression over the schema
		}
		for _, d := range []sqlgen.Dialect{sqlgen.Postgres{}, sqlgen.DuckDB{}} {
			p, err := sqlgen.Compile(set, d, sqlgen.DefaultMapping(set.Schema()))
			if err != nil {
				continue
			}
			again, err := sqlgen.Compile(set, d, sqlgen.DefaultMapping(set.Schema()))
			if err != nil || again.SQL() != p.SQL() {
				t.Fatalf("%s: compiling %q twice differs: %v", d.Name(), expr, err)
			}
			if _, err := p.Args(nil); err != nil {
				t.Fatalf("%s: args: %v", d.Name(), err)
			}
		}
	})
}
