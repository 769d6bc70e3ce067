package framework

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

//go:embed templates/*.yaml
var templateFS embed.FS

// Option sets an optional load setting.
type Option func(*config)

type config struct {
	fsys    fs.FS
	compile []indicator.CompileOption
}

// WithFS reads the indicator-set files a framework references from fsys
// instead of the operating system's file system. Paths are resolved
// relative to the framework file's directory within fsys, with slashes.
func WithFS(fsys fs.FS) Option { return func(c *config) { c.fsys = fsys } }

// WithCompileOptions passes options to indicator.Compile when the
// framework's merged indicator set is compiled.
func WithCompileOptions(opts ...indicator.CompileOption) Option {
	return func(c *config) { c.compile = append(c.compile, opts...) }
}

// LoadFile reads and loads a framework from a YAML file; indicator-set
// files are resolved relative to its directory.
func LoadFile(name string, opts ...Option) (*Framework, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("framework: %w", err)
	}
	return Load(name, data, opts...)
}

// Load parses, validates and compiles a framework from YAML bytes; file
// names the source in positions and is the base of relative indicator-set
// paths. Every problem is reported at once as indicator.Diagnostics.
func Load(file string, data []byte, opts ...Option) (*Framework, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s, diags := parse(file, data)
	if len(diags) > 0 {
		return nil, finish(diags, nil)
	}
	return build(s, &cfg)
}

// Templates returns the names of the embedded templates, sorted.
func Templates() []string {
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Template loads an embedded template by name (see Templates). A template
// has nodes, facets, links and crosswalks but no indicators: a framework
// attaches indicators to its nodes with extends and attach.
func Template(name string) (*Framework, error) {
	s, err := templateSpec(name)
	if err != nil {
		return nil, err
	}
	return build(s, &config{})
}

func templateSpec(name string) (*spec, error) {
	if !isID(name) {
		return nil, fmt.Errorf("framework: no template %q (have %s)", name, strings.Join(Templates(), ", "))
	}
	file := "templates/" + name + ".yaml"
	data, err := templateFS.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("framework: no template %q (have %s)", name, strings.Join(Templates(), ", "))
	}
	s, diags := parse(file, data)
	if len(diags) > 0 {
		return nil, finish(diags, nil)
	}
	if s.extends != "" {
		return nil, fmt.Errorf("framework: template %q extends another template", name)
	}
	return s, nil
}

// finish sorts diagnostics and fills in the source lines of those that
// lack them from the files read.
func finish(ds indicator.Diagnostics, files map[string][]string) error {
	if len(ds) == 0 {
		return nil
	}
	for i := range ds {
		d := &ds[i]
		if d.Line == "" && files != nil {
			if lines := files[d.Pos.File]; d.Pos.Line >= 1 && d.Pos.Line <= len(lines) {
				d.Line = strings.TrimRight(lines[d.Pos.Line-1], "\r")
			}
		}
	}
	slices.SortStableFunc(ds, func(a, b indicator.Diagnostic) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Column - b.Pos.Column
	})
	return ds
}

// readSet reads an indicator-set file referenced from the framework file.
func (c *config) readSet(frameworkFile, ref string) (string, []byte, error) {
	if c.fsys != nil {
		name := path.Join(path.Dir(filepath.ToSlash(frameworkFile)), ref)
		data, err := fs.ReadFile(c.fsys, name)
		return name, data, err
	}
	name := ref
	if !filepath.IsAbs(ref) {
		name = filepath.Join(filepath.Dir(frameworkFile), ref)
	}
	data, err := os.ReadFile(name)
	return name, data, err
}
