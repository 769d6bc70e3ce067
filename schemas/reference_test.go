package schemas_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openhpi/hpi/schemas"
)

var update = flag.Bool("update", false, "rewrite docs/reference from the schemas")

// The YAML reference in docs/reference is the schemas rendered: the test
// fails when a schema changed and the reference was not regenerated.
func TestReference_DocsAreGeneratedFromTheSchemas(t *testing.T) {
	for _, kind := range schemas.Kinds() {
		got, err := schemas.Reference(kind)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "docs", "reference", kind+".md")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./schemas -run Reference -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is out of date: run go test ./schemas -run Reference -update", path)
		}
		// Every key of the document appears in the reference.
		if !strings.Contains(string(got), "## The document") {
			t.Errorf("%s: no section for the document", kind)
		}
	}
}
