package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/internal/synth"
)

// dataFlags are the flags every command that reads data shares.
type dataFlags struct {
	data    string
	mapping string
	refDate string
	params  multiFlag
	workers int
}

// register adds the flags to fs; records adds only those of record files
// (CSV and JSON Lines), without FHIR options or parameters.
func (d *dataFlags) register(fs *flag.FlagSet, records bool) {
	fs.IntVar(&d.workers, "workers", 0, "evaluation workers (0 = GOMAXPROCS)")
	if records {
		fs.StringVar(&d.data, "data", "", "the data: a .csv or .jsonl file")
		return
	}
	fs.StringVar(&d.data, "data", "", "the data: a .csv, .jsonl or .ndjson file, FHIR NDJSON or Bundles, a FHIR or Synthea directory, or synth:N[:SEED]")
	fs.StringVar(&d.mapping, "mapping", "", "FHIR mapping YAML for FHIR and Synthea data (default: the built-in mapping)")
	fs.StringVar(&d.refDate, "ref-date", "", "date at which FHIR and Synthea ages are computed (default: the period_end parameter)")
	fs.Var(&d.params, "param", "a parameter as name=value (repeatable), e.g. --param period_end=2025-03-31")
}

// paramMap returns the --param values by name.
func (d *dataFlags) paramMap() (map[string]any, error) {
	out := map[string]any{}
	for _, p := range d.params {
		name, value, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, usagef("--param %q: want name=value", p)
		}
		out[strings.TrimSpace(name)] = value
	}
	return out, nil
}

// dataset is an opened data source.
type dataset struct {
	src     indicator.Source
	grouped *source.Grouped // FHIR and Synthea: what they skipped
	what    string          // the data as named in messages
	close   func() error
}

// opener opens the data for a schema; a command that reads the data twice
// (explain, risk --scores) calls it twice.
type opener func(schema *indicator.Schema) (*dataset, error)

// dataOpener checks the data flag and returns how to open it. params are
// the evaluation's parameters (for the default reference date of ages);
// defaults are the set's parameters.
func (d *dataFlags) opener(params map[string]any, defaults []indicator.ParameterSpec) (opener, error) {
	if d.data == "" {
		return nil, usagef("--data is required")
	}
	var opts []source.Option
	if d.mapping != "" {
		m, err := source.ParseMappingFile(d.mapping)
		if err != nil {
			return nil, err
		}
		opts = append(opts, source.WithMapping(m))
	}
	ref, err := referenceDate(d.refDate, params, defaults)
	if err != nil {
		return nil, err
	}
	if !ref.IsZero() {
		opts = append(opts, source.WithReferenceDate(ref))
	}
	if spec, ok := strings.CutPrefix(d.data, "synth:"); ok {
		cfg, err := parseSynth(spec)
		if err != nil {
			return nil, err
		}
		return func(schema *indicator.Schema) (*dataset, error) {
			src, err := synth.NewSource(schema, cfg)
			if err != nil {
				return nil, fmt.Errorf("%s: %w (synth: data has the fields of internal/synth; use it with sets written for it)", d.data, err)
			}
			return &dataset{src: src, what: d.data, close: func() error { return nil }}, nil
		}, nil
	}
	format, err := detectData(d.data)
	if err != nil {
		return nil, err
	}
	path := d.data
	return func(schema *indicator.Schema) (*dataset, error) {
		return openData(path, format, schema, opts)
	}, nil
}

// The data formats.
const (
	formatCSV       = "CSV"
	formatJSONLines = "JSON Lines"
	formatNDJSON    = "FHIR NDJSON"
	formatBundle    = "FHIR Bundle"
	formatFHIRDir   = "FHIR directory"
	formatSynthea   = "Synthea export"
)

const wantData = "want a .csv, .jsonl or .ndjson file, a FHIR .json Bundle, a directory of FHIR NDJSON or Bundles, " +
	"a Synthea CSV export (a directory with patients.csv), or synth:N[:SEED]"

// detectData tells the format of a data file or directory by its name and,
// for JSON Lines, by its first line.
func detectData(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("data %w", err)
	}
	if info.IsDir() {
		if _, err := os.Stat(filepath.Join(path, "patients.csv")); err == nil {
			return formatSynthea, nil
		}
		for _, pattern := range []string{"*.ndjson", "*.json"} {
			if m, _ := filepath.Glob(filepath.Join(path, pattern)); len(m) > 0 {
				return formatFHIRDir, nil
			}
		}
		return "", fmt.Errorf("data %s: a directory with neither patients.csv (Synthea) nor *.ndjson or *.json (FHIR): %s", path, wantData)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV, nil
	case ".json":
		return formatBundle, nil
	case ".jsonl", ".ndjson":
		fhir, err := holdsFHIR(path)
		if err != nil {
			return "", fmt.Errorf("data %w", err)
		}
		if fhir {
			return formatNDJSON, nil
		}
		return formatJSONLines, nil
	}
	return "", fmt.Errorf("data %s: unknown kind of file: %s", path, wantData)
}

// holdsFHIR reports whether the first non-blank line of a JSON Lines file is
// a FHIR resource.
func holdsFHIR(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		line, err := r.ReadSlice('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			var probe struct {
				ResourceType *string `json:"resourceType"`
			}
			// A long first line is cut at the buffer: look for the key
			// in what was read when it does not decode.
			if jsonErr := json.Unmarshal(t, &probe); jsonErr == nil {
				return probe.ResourceType != nil, nil
			}
			return bytes.Contains(t, []byte(`"resourceType"`)), nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return false, nil
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return false, err
		}
	}
}

// openData opens one file or directory in the given format.
func openData(path, format string, schema *indicator.Schema, opts []source.Option) (*dataset, error) {
	ds := &dataset{what: path, close: func() error { return nil }}
	switch format {
	case formatCSV, formatJSONLines, formatNDJSON, formatBundle:
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("data %w", err)
		}
		ds.close = f.Close
		files := []source.File{{Name: filepath.Base(path), R: f}}
		switch format {
		case formatCSV:
			ds.src = source.CSV(f, schema, opts...)
		case formatJSONLines:
			ds.src = source.JSONLines(f, schema, opts...)
		case formatNDJSON:
			ds.grouped = source.FHIRNDJSON(schema, files, opts...)
		case formatBundle:
			ds.grouped = source.FHIRBundle(schema, files, opts...)
		}
	case formatFHIRDir:
		ds.grouped = source.FHIRDir(schema, os.DirFS(path), opts...)
	case formatSynthea:
		ds.grouped = source.Synthea(schema, os.DirFS(path), opts...)
	default:
		return nil, fmt.Errorf("data %s: unknown format %s", path, format)
	}
	if ds.grouped != nil {
		ds.src = ds.grouped
	}
	ds.src = &namedSource{Source: ds.src, what: path + " (" + format + ")"}
	return ds, nil
}

// namedSource prefixes the source's error with the data it reads, so that
// "CSV line 17, column age: ..." says which file.
type namedSource struct {
	indicator.Source
	what string
}

func (n *namedSource) Err() error {
	if err := n.Source.Err(); err != nil {
		return fmt.Errorf("data %s: %w", n.what, err)
	}
	return nil
}

// parseSynth parses N[:SEED] of synth:N[:SEED].
func parseSynth(spec string) (synth.Config, error) {
	nText, seedText, hasSeed := strings.Cut(spec, ":")
	n, err := strconv.Atoi(strings.ReplaceAll(nText, "_", ""))
	if err != nil || n < 1 {
		return synth.Config{}, usagef("--data synth:%s: want synth:N[:SEED] with N a positive number of patients", spec)
	}
	cfg := synth.Config{N: n, Seed: 1}
	if hasSeed {
		cfg.Seed, err = strconv.ParseUint(seedText, 10, 64)
		if err != nil {
			return synth.Config{}, usagef("--data synth:%s: the seed %q is not a non-negative integer", spec, seedText)
		}
	}
	return cfg, nil
}

// referenceDate is the date at which FHIR and Synthea ages are computed:
// --ref-date, else the period_end parameter given or defaulted.
func referenceDate(flagValue string, params map[string]any, defaults []indicator.ParameterSpec) (time.Time, error) {
	text := flagValue
	if text == "" {
		if v, ok := params["period_end"].(string); ok {
			text = v
		}
	}
	if text == "" {
		for _, p := range defaults {
			if p.Name == "period_end" && p.HasDefault {
				text = p.Default
			}
		}
	}
	if text == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UTC(), nil
		}
	}
	if flagValue != "" {
		return time.Time{}, usagef("--ref-date %q: want a date (2006-01-02) or an RFC 3339 time", flagValue)
	}
	return time.Time{}, nil
}

// reportSkipped prints on stderr how many resources a FHIR or Synthea source
// skipped and the first few of them.
func reportSkipped(e *env, ds *dataset) {
	if ds.grouped == nil || ds.grouped.SkippedCount() == 0 {
		return
	}
	skips := ds.grouped.Skipped()
	e.errorf("%s: skipped %d resources or rows that could not be used", ds.what, ds.grouped.SkippedCount())
	for i, s := range skips {
		if i == 5 {
			fmt.Fprintf(e.stderr, "  ... and %d more\n", len(skips)-i)
			break
		}
		fmt.Fprintf(e.stderr, "  %s\n", s.Error())
	}
}
