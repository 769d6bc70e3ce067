package schemas_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/internal/testenv"
	"github.com/openhpi/hpi/logicmodel"
	"github.com/openhpi/hpi/schemas"
	"github.com/openhpi/hpi/stratify"
)

// root is the module's root directory, seen from this package.
const root = ".."

// dashboardSchema is the dashboard kind's schema, which ships with
// package dashboardspec.
const dashboardSchema = "dashboardspec/schema/dashboardspec-v1.schema.json"

// nodeHarness holds the pinned npm packages (ajv, ajv-formats) that
// testdata/validate.mjs borrows.
const nodeHarness = "dashboardspec/testdata/node"

// exampleKind says which kind an example or template file is, by where it
// lives; TestExamplesLoad confirms it with the kind's loader.
func exampleKind(rel string) string {
	switch {
	case strings.HasPrefix(rel, "examples/riskmodels/"):
		return "risk-model"
	case strings.HasPrefix(rel, "examples/logicmodel/"):
		return "logic-model"
	case rel == "examples/framework/framework.yaml", strings.HasPrefix(rel, "framework/templates/"):
		return "framework"
	}
	return "indicator-set"
}

// exampleFiles lists examples/**/*.yaml and framework/templates/*.yaml,
// relative to the root.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"examples", "framework/templates"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				rel, err := filepath.Rel(root, path)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		require.NoError(t, err)
	}
	slices.Sort(out)
	require.NotEmpty(t, out)
	return out
}

// validFiles maps each kind (and "dashboard") to the files that must
// validate: the examples, the templates and testdata meant to be valid.
func validFiles(t *testing.T) map[string][]string {
	out := map[string][]string{}
	for _, f := range exampleFiles(t) {
		out[exampleKind(f)] = append(out[exampleKind(f)], f)
	}
	out["indicator-set"] = append(out["indicator-set"], "dashboardspec/testdata/set.yaml")
	out["logic-model"] = append(out["logic-model"], "logicmodel/testdata/tricky.yaml")
	out["fhir-mapping"] = append(out["fhir-mapping"], "schemas/testdata/valid/fhir-mapping.yaml")
	out["dashboard"] = append(out["dashboard"], "dashboardspec/testdata/sample.yaml")
	return out
}

func schemaPath(kind string) string {
	if kind == "dashboard" {
		return filepath.Join(root, dashboardSchema)
	}
	return filepath.Join(root, "schemas", schemas.FileName(kind))
}

// loadFile loads a file with the loader of its kind.
func loadFile(kind, path string, data []byte) error {
	switch kind {
	case "indicator-set":
		spec, err := indicator.Parse(path, data)
		if err != nil {
			return err
		}
		_, err = indicator.Compile(spec)
		return err
	case "risk-model":
		_, err := stratify.Load(bytes.NewReader(data), path)
		return err
	case "framework":
		_, err := framework.Load(path, data)
		return err
	case "logic-model":
		_, err := logicmodel.Load(bytes.NewReader(data), path)
		return err
	case "fhir-mapping":
		_, err := source.ParseMapping(path, data)
		return err
	}
	return fmt.Errorf("no loader for %s", kind)
}

// TestExamplesLoad confirms the kind of every valid file: its loader
// accepts it.
func TestExamplesLoad(t *testing.T) {
	for kind, files := range validFiles(t) {
		if kind == "dashboard" {
			continue // dashboardspec's own tests load it
		}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(root, f))
			require.NoError(t, err)
			assert.NoError(t, loadFile(kind, filepath.Join(root, f), data), "%s as a %s", f, kind)
		}
	}
}

// toJSON converts a YAML document to JSON as an editor's YAML language
// server sees it: anchors, aliases and merge keys resolved, plain scalars
// typed by YAML 1.2 rules.
func toJSON(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(normalise(v))
}

func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = normalise(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalise(e)
		}
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return v
}

// result is one line of validate.mjs's output.
type result struct {
	File   string   `json:"file"`
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

// ajv validates documents (YAML) against a schema with
// testdata/validate.mjs, returning the result per document name.
func ajv(t *testing.T, schema string, docs map[string][]byte) map[string]result {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed: install Node.js to validate the examples against the schemas with Ajv")
	}
	if _, err := os.Stat(filepath.Join(root, nodeHarness, "node_modules", "ajv", "dist", "2020.js")); err != nil {
		testenv.Missing(t, "the Ajv harness is not installed: run npm ci --prefix "+nodeHarness)
	}
	if _, err := os.Stat(filepath.Join(root, nodeHarness, "node_modules", "ajv-formats")); err != nil {
		testenv.Missing(t, "ajv-formats is not installed: run npm ci --prefix "+nodeHarness)
	}
	dir := t.TempDir()
	args := []string{"testdata/validate.mjs", schema}
	byFile := map[string]string{}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range docs {
			if !yield(k) {
				return
			}
		}
	})
	for i, name := range names {
		js, err := toJSON(docs[name])
		require.NoError(t, err, name)
		f := filepath.Join(dir, fmt.Sprintf("doc%03d.json", i))
		require.NoError(t, os.WriteFile(f, js, 0o644))
		args = append(args, f)
		byFile[f] = name
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		require.NoError(t, err, "node %s: %s", strings.Join(args, " "), stderr.String())
	}
	out := map[string]result{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		out[byFile[r.File]] = r
	}
	require.NoError(t, sc.Err())
	require.Len(t, out, len(docs), "one result per document; stderr: %s", stderr.String())
	return out
}

// TestExamplesValidate validates every example, template and valid
// testdata file against its kind's schema with Ajv.
func TestExamplesValidate(t *testing.T) {
	files := validFiles(t)
	kinds := append(schemas.Kinds(), "dashboard")
	for _, kind := range kinds {
		require.NotEmpty(t, files[kind], "a valid file of kind %s", kind)
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			docs := map[string][]byte{}
			for _, f := range files[kind] {
				data, err := os.ReadFile(filepath.Join(root, f))
				require.NoError(t, err)
				docs[f] = data
			}
			for name, r := range ajv(t, schemaPath(kind), docs) {
				assert.True(t, r.Valid, "%s does not validate against %s:\n%s", name, schemaPath(kind), strings.Join(r.Errors, "\n"))
			}
		})
	}
}

// broken is a deliberately broken copy of a valid file.
type broken struct {
	kind, file, name, old, new string
	want                       string // a fragment of Ajv's errors
}

var brokenCopies = []broken{
	{"indicator-set", "examples/quickstart/quickstart.yaml", "misspelled key",
		"    polarity: higher-is-better\n", "    polarit: higher-is-better\n", "must NOT have additional properties"},
	{"indicator-set", "examples/quickstart/quickstart.yaml", "bad enum value",
		"    polarity: higher-is-better\n", "    polarity: higher-is-best\n", "must be equal to one of the allowed values"},
	{"indicator-set", "examples/quickstart/quickstart.yaml", "wrong type",
		"    multiplier: 100\n", "    multiplier: [100]\n", "must be number"},
	{"risk-model", "examples/riskmodels/lace.yaml", "misspelled key",
		"    points: 3\n", "    point: 3\n", "must NOT have additional properties"},
	{"risk-model", "examples/riskmodels/lace.yaml", "bad enum value",
		"{type: int, description: \"Charlson", "{type: integer, description: \"Charlson", "must be equal to one of the allowed values"},
	{"risk-model", "examples/riskmodels/lace.yaml", "wrong type",
		"{name: moderate, gte: 5}", "{name: moderate, gte: five}", "must be number"},
	{"framework", "examples/framework/framework.yaml", "misspelled key",
		"role: headline", "rol: headline", "must NOT have additional properties"},
	{"framework", "examples/framework/framework.yaml", "bad enum value",
		"normalisation: z-score", "normalisation: zscore", "must be equal to one of the allowed values"},
	{"framework", "examples/framework/framework.yaml", "wrong type",
		"parent: effectiveness, order: 1}", "parent: effectiveness, order: first}", "must be integer"},
	{"logic-model", "examples/logicmodel/diabetes-prevention.yaml", "misspelled key",
		"    column: outputs\n", "    colum: outputs\n", "must NOT have additional properties"},
	{"logic-model", "examples/logicmodel/diabetes-prevention.yaml", "bad enum value",
		"layout: kellogg\n", "layout: kellog\n", "must be equal to one of the allowed values"},
	{"logic-model", "examples/logicmodel/diabetes-prevention.yaml", "wrong type",
		"    text: Commissioned funding for 3 years\n", "    text: [Commissioned funding for 3 years]\n", "must be string,number,boolean"},
	{"fhir-mapping", "schemas/testdata/valid/fhir-mapping.yaml", "misspelled key",
		"\npatient:", "\npatients:", "must NOT have additional properties"},
	{"fhir-mapping", "schemas/testdata/valid/fhir-mapping.yaml", "bad enum value",
		"resources: [Condition]", "resources: [Starship]", "must be equal to one of the allowed values"},
	{"fhir-mapping", "schemas/testdata/valid/fhir-mapping.yaml", "wrong type",
		"    resources: Encounter\n", "    resources: {type: Encounter}\n", "must be array"},
}

// TestBrokenCopiesFail checks that deliberately broken copies of valid
// files fail both Ajv and the loader.
func TestBrokenCopiesFail(t *testing.T) {
	byKind := map[string]map[string][]byte{}
	for _, b := range brokenCopies {
		orig, err := os.ReadFile(filepath.Join(root, b.file))
		require.NoError(t, err)
		require.Contains(t, string(orig), b.old, "%s %s: the text to break", b.file, b.name)
		data := []byte(strings.Replace(string(orig), b.old, b.new, 1))
		name := b.kind + ": " + b.name
		if byKind[b.kind] == nil {
			byKind[b.kind] = map[string][]byte{}
		}
		byKind[b.kind][name] = data
		// The loader rejects the copy too (named as the original, so that
		// files it names resolve).
		err = loadFile(b.kind, filepath.Join(root, b.file), data)
		assert.Error(t, err, "the %s loader accepts %s", b.kind, name)
	}
	for _, kind := range schemas.Kinds() {
		require.Len(t, byKind[kind], 3, "three broken copies of kind %s", kind)
		results := ajv(t, schemaPath(kind), byKind[kind])
		for _, b := range brokenCopies {
			if b.kind != kind {
				continue
			}
			r := results[b.kind+": "+b.name]
			if assert.False(t, r.Valid, "Ajv accepts %s: %s", b.file, b.name) {
				assert.Contains(t, strings.Join(r.Errors, "\n"), b.want, "%s: %s", b.file, b.name)
			}
			t.Logf("%s, %s: %s", b.file, b.name, strings.Join(r.Errors, "; "))
		}
	}
}

var modeline = regexp.MustCompile(`^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$`)

// TestExamplesNameTheirSchema checks that every example and template
// names the schema of its kind in its first line, for editors.
func TestExamplesNameTheirSchema(t *testing.T) {
	for _, f := range exampleFiles(t) {
		data, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		first, _, _ := strings.Cut(string(data), "\n")
		m := modeline.FindStringSubmatch(strings.TrimRight(first, "\r"))
		if !assert.NotNil(t, m, "%s: want a first line # yaml-language-server: $schema=<path of %s>", f, schemas.FileName(exampleKind(f))) {
			continue
		}
		got := filepath.Clean(filepath.Join(root, filepath.Dir(f), filepath.FromSlash(m[1])))
		want := filepath.Clean(schemaPath(exampleKind(f)))
		assert.Equal(t, want, got, "%s names the wrong schema", f)
		_, err = os.Stat(got)
		assert.NoError(t, err, "%s names a schema that does not exist", f)
		assert.Equal(t, 1, strings.Count(string(data), "yaml-language-server:"), "%s: one modeline", f)
	}
}
