// Package source reads records from CSV, JSON Lines, Go values, FHIR R4
// (Bulk Data NDJSON and Bundles) and Synthea CSV exports into the columnar
// batches that an indicator.Set evaluates, checking every value against
// the set's schema.
//
// FHIRNDJSON, FHIRBundle, FHIRDir and Synthea group resources (or rows) by
// patient into one record with event lists; a Mapping (YAML, or
// DefaultMapping) says which elements become which fields. They return a
// Grouped source, which reports every malformed resource it skipped
// (Skipped, SkippedCount) without quoting data values; see Grouped for
// how grouping bounds memory.
//
// Each constructor returns an indicator.Source. CSV, JSONLines, Slice
// and Func stream: they read their input as it is
// consumed, a batch at a time (WithBatchSize, default 4096 records), and
// never hold the whole input. Next returns false when ctx is done (Err is
// then ctx.Err()), at the end of the input, or at the first error; Err
// returns that first error, and Next keeps returning false after it. The
// records read before an error are delivered in a batch of their own
// before the error is reported. Problems with the data wrap
// indicator.ErrInvalidData and say where they are: the line and column of
// a CSV file, the line and field path of a JSON Lines file, the record
// index of Go values. They say what is wrong without quoting the value,
// which may identify a patient, unless WithValuesInErrors is given. No
// input makes a source panic.
//
// # Type conventions
//
// Scalars are read from text the same way in CSV cells and JSON strings:
//
//   - int: base-10 digits with an optional sign ("-42").
//   - double: a decimal or exponent number ("6.5", "1e-3"); NaN and
//     infinities are rejected.
//   - bool: true, false, 1 or 0, in any letter case.
//   - string: the text as is.
//   - timestamp: RFC 3339 ("2024-03-01T08:30:00+01:00", converted to UTC)
//     or a date ("2024-03-01", UTC midnight), between the years 1678 and
//     2261.
//   - duration: Go syntax ("36h", "1h30m", "90s").
//
// Outside strings, surrounding spaces are ignored. In JSON, numbers and
// booleans are JSON numbers and true/false; an int may be written with a
// fraction or exponent if its value is integral (2.0, 1e3) but not 1.5.
//
// Null: only nullable fields (double?, string?...) may be null. In CSV an
// empty cell is null; in JSON, null or an absent key. An empty or absent
// value for a field that is not nullable is an error. CSV cannot tell an
// empty string from null: an empty cell of a string? field is null and of a
// string field an error.
//
// Lists (list<T>): a JSON array, or in CSV a cell whose elements are
// separated by "|" (WithListSeparator); an empty cell is the empty list,
// and "a||b" is three elements. List elements are never null. An absent or
// null list in JSON is empty.
//
// Event lists (a field with its own fields, such as conditions with code
// and onset): a JSON array of objects, each with the event's fields under
// the same rules, or built with RowWriter.Field in Slice and Func. A flat
// CSV file cannot carry them, so CSV rejects a schema that has any,
// with an error wrapping errors.ErrUnsupported; read such data from JSON
// Lines or Go values.
//
// Names: CSV header names and JSON keys are the schema's field names,
// matched exactly (CSV header names are trimmed of spaces and a leading
// byte-order mark). Names that match no field are an error, so that a typo
// never reads as a missing value, unless WithIgnoreUnknown is given.
package source
