// Package dashboardspec is hpi's vendor-neutral dashboard model: a
// versioned JSON/YAML document (apiVersion dashboardspec/v1, with a JSON
// Schema shipped in the package) that says what to show and carries the
// data, with emitters for Vega-Lite, a static HTML page and Perses, and
// builders that turn indicator reports into dashboards in one call.
//
// # The model
//
// A Dashboard holds Datasets (typed fields with roles — measure, lower,
// upper, centre, limit, signal, stratum, period, count, label, status — and
// rows of values), Panels of a closed set of kinds (stat, table, timeseries,
// spc, funnel, caterpillar, bar, spine, logicmodel, markdown) that read a
// dataset through an Encoding, Filters, and a Layout: a 24-column grid in
// sections. Every panel but markdown carries Provenance: the indicator and
// its version, the period, the data source, the method and the notes of
// anything the source withheld. The model types import nothing of the
// engine: a third party can produce a dashboard, and JSONSchema returns the
// schema to check it against.
//
// Decode and Parse read JSON or YAML (unknown fields are errors); Encode
// writes stable JSON (fields in a fixed order, numbers in the shortest form
// that round-trips, NaN as null). Validate reports every problem with its
// JSON Pointer, e.g. /panels/3/encoding/y/field.
//
// # Emitters
//
// VegaLite writes one Vega-Lite v6 spec per chart panel with its data
// inline. HTML writes one page: tiles, tables and logic models in plain
// HTML, charts through vega-embed loaded from a CDN, from URLs of the
// caller's choosing, or inlined from bytes (WithInlineScripts) for offline
// networks. Perses writes a Perses dashboard from a mapping of indicators to
// queries and returns warnings for everything it could not represent.
//
// # Builders
//
// FromReport builds a dashboard from an indicator.Report: an overview of
// tiles and a table, then a section per indicator with bar charts of its
// strata, a funnel and a caterpillar plot of its areas
// (WithAreaStratifier), and an SPC chart with Making Data Count icons when
// WithSeries has it. Builder composes the same pieces section by section,
// as a framework scorecard does with one section per domain. Disclosure
// control carries through: a value, interval or count that the report
// withheld is null in the datasets, whatever else the report holds, and the
// suppression notes go into the provenance.
package dashboardspec
