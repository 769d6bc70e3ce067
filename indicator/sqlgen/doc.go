// Package sqlgen runs indicator sets inside a SQL database: it compiles a
// compiled indicator.Set and a Mapping of its schema to tables into one
// query that computes, in one pass over the record table (event lists are
// read through correlated subqueries on their child tables), every
// population count of every indicator per stratum and the sums that
// ratios, rates, means and standardised rates need. Only these aggregates
// leave the database; indicator.Set.ReportFromAggregates turns them into
// the same Report that in-process evaluation gives: values, intervals,
// comparisons, statuses and disclosure control alike.
//
//	rep, err := sqlgen.Evaluate(ctx, db, sqlgen.Postgres{}, set, sqlgen.DefaultMapping(set.Schema()), params)
//
// # CEL in SQL
//
// Each expression becomes one SQL expression under one rule: SQL NULL
// means a CEL evaluation error, and any other value is CEL's value. SQL's
// three-valued logic then gives CEL's answers (false && error is false,
// true || error is true, anything else that meets an error is an error),
// a null field read is an error, and the translation turns integer
// overflow, division and modulo by zero and an index out of range into
// NULL instead of a database error. NaN orders and equals nothing, as in
// CEL. A record is errored for an indicator exactly when the engine would
// count it errored: the population rules are written as one CASE per
// indicator that tests the criteria in the engine's lazy order, so an
// error in a criterion the rules do not reach (the numerator of a record
// outside the denominator) does not count.
//
// Definitions are computed once per record, in layers ordered by their
// dependencies; a definition that is a filtered event list is inlined
// where it is used. Criteria shared by indicators are computed once.
//
// A construct outside the supported subset is a Compile error, an
// *UnsupportedError naming the construct, the indicator or definition,
// the field and the position in the YAML: never a query that could give
// another answer. The README lists the subset per dialect.
//
// # Parameters
//
// Parameters, string literals and value sets are bound as placeholders,
// never written into the SQL text; numbers and booleans are written as
// literals.
package sqlgen
