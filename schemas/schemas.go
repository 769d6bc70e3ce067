// Package schemas ships the JSON Schemas (draft 2020-12) of hpi's YAML
// files, so that editors validate and complete them as people type and
// a command-line tool can write them out.
//
// One schema per kind of file:
//
//	indicator-set  an indicator set (package indicator)
//	risk-model     a risk model (package stratify)
//	framework      a performance framework (package framework)
//	logic-model    a logic model (package logicmodel)
//	fhir-mapping   a FHIR mapping (package indicator/source)
//
// Each is published at BaseURL + kind + ".schema.json", its $id. The
// framework schema refers to the indicator-set schema (an inline set) by
// the relative reference "indicator-set.schema.json", which resolves both
// against the $id and on disk next to it. The dashboard schema ships with
// its package: dashboardspec.JSONSchema (dashboardspec/schema in the
// module).
//
// A YAML file names its schema in a comment that the YAML language server
// (VS Code, Neovim, JetBrains and others) reads:
//
//	# yaml-language-server: $schema=../../schemas/indicator-set.schema.json
//
// The schemas check structure: keys, types, enums, required keys and the
// short forms a loader accepts. The loaders check more (CEL types, ids
// that resolve, cycles), and remain the authority; tests keep the keys of
// every schema in step with the keys each loader accepts.
package schemas

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strings"
)

//go:embed *.schema.json
var files embed.FS

// BaseURL is where the schemas are published: the $id of kind k is
// BaseURL + k + ".schema.json".
const BaseURL = "https://openhpi.github.io/hpi/schemas/"

// ErrUnknownKind reports a kind with no schema.
var ErrUnknownKind = errors.New("schemas: unknown kind")

// Kinds returns the kinds of file with a schema here, sorted:
// fhir-mapping, framework, indicator-set, logic-model and risk-model.
func Kinds() []string {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if k, ok := strings.CutSuffix(e.Name(), ".schema.json"); ok {
			out = append(out, k)
		}
	}
	return out // ReadDir sorts by name
}

// Get returns the JSON Schema of a kind (one of Kinds), a copy the
// caller may change. An unknown kind is ErrUnknownKind.
func Get(kind string) ([]byte, error) {
	if kind == "" || strings.ContainsAny(kind, "/\\.") {
		return nil, fmt.Errorf("%w %q (want one of: %s)", ErrUnknownKind, kind, strings.Join(Kinds(), ", "))
	}
	data, err := files.ReadFile(kind + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("%w %q (want one of: %s)", ErrUnknownKind, kind, strings.Join(Kinds(), ", "))
	}
	return bytes.Clone(data), nil
}

// FileName returns the file name of a kind's schema, kind + ".schema.json",
// as written in the modeline comment of a YAML file.
func FileName(kind string) string { return kind + ".schema.json" }
