// Package indicator compiles healthcare performance indicators written in
// YAML and CEL and evaluates them over records in one pass.
//
// # Definitions
//
// An indicator set is a YAML document with a schema (the fields of the unit
// of analysis: a patient, an encounter, an area), parameters, value sets,
// named definitions and indicators:
//
//	id: diabetes
//	schema:
//	  unit: patient
//	  fields:
//	    age: int
//	    hba1c: double?            # nullable
//	    codes: list<string>
//	    conditions:               # a list of events with their own fields
//	      fields: {code: string, onset: timestamp}
//	parameters:
//	  period_end: {type: timestamp, default: "2025-03-31"}
//	valuesets:
//	  diabetes: [E10, E11]           # codes of any system
//	  dm_snomed: {file: dm.json}     # a FHIR ValueSet, a CSV (system,code,display) or YAML file
//	definitions:
//	  has_diabetes: conditions.exists(c, c.code in valuesets.diabetes)
//	  coded_dm: conditions.exists(c, in_valueset(c.system, c.code, valuesets.dm_snomed))
//	indicators:
//	  - id: DM-HBA1C
//	    type: proportion
//	    multiplier: 100
//	    initial_population: has_diabetes
//	    numerator: has(patient.hba1c) && hba1c <= 58
//	    stratifiers: [sex, {id: band, components: [sex, "age >= 65"]}]
//
// Parse reads YAML into a SetSpec; Compile type-checks every expression
// against the schema and returns a Set; Load and LoadFile do both. Every
// problem is reported at once as Diagnostics, each with file:line:column,
// the indicator or definition and the key, e.g.
//
//	diabetes.yaml:14:38: indicator DM-HBA1C numerator: undeclared reference to 'hba1cc'
//
// Unknown keys are errors, so that a typo never passes silently.
//
// # CEL
//
// Each schema field is a CEL variable of its type; the whole record is also
// visible under the unit's name, so that presence is tested with
// has(patient.hba1c). A null field is never 0: reading it is an evaluation
// error that counts the record as errored for the indicator. Comparisons
// between int and double work as written (hba1c > 58). Value sets are
// lists of strings with a constant-time membership test. Definitions are
// variables too: each is evaluated at most once per record, may use other
// definitions, and cycles are rejected. Besides CEL's standard library and
// its strings, math and lists extensions, hpi adds list.sum() and days(n).
// Compile estimates every expression's worst-case cost (list fields are
// assumed to hold up to DefaultMaxListSize elements) and rejects those over
// the budget (DefaultCostBudget; see WithCostBudget).
//
// # Untrusted rules
//
// Rules written by someone else (a tenant, a user) compile with
// WithUntrustedRules(Limits{}), which only tightens: a static cost budget
// below the trusted one, a runtime cost limit per expression and record,
// limits on an expression's size, nodes and nesting, on the lists and
// strings it builds, and on the size of its regular expressions (RE2, so
// matching is linear in the input). DefaultLimits gives the values a zero
// field takes. A limit broken at compile time is a Diagnostic of class
// ErrLimit (ErrCostBudget for the static cost) with file:line:column; one
// broken at run time counts the record as errored for the indicator, with
// a message naming the limit, and evaluation goes on.
//
// # Indicator types
//
// Proportion follows the FHIR/eCQM population rules exactly:
//
//	denominator = IP ∧ DEN ∧ ¬DENEX ∧ ¬(DENEXCEP ∧ ¬NUMER)
//	numerator   = IP ∧ DEN ∧ ¬DENEX ∧ NUMER ∧ ¬NUMEX
//
// with the Wilson score interval. Ratio divides the sum of numerator_value
// (1 by default) over its numerator population (IP ∧ NUMER ∧ ¬NUMEX) by the
// sum of denominator_value over its denominator population (IP ∧ DEN ∧
// ¬DENEX); it has no interval. Rate sums events (numerator_value) over
// person-time (denominator_value) in the population IP ∧ DEN ∧ ¬DENEX, with
// the exact Poisson interval below 10 events and Byar's method from 10.
// Mean averages observation over the same population, with the Student t
// interval. Count counts it. Criteria are evaluated lazily in the order the
// rules need them, so an error in a criterion that does not matter for a
// record is never raised. Intervals come from package stats; the level
// defaults to 0.95 and the multiplier (e.g. 100 for a percentage) is
// applied to value and interval.
//
// Expressions in the common subset of CEL — scalar fields, parameters,
// definitions, boolean logic, comparisons, arithmetic, the conditional,
// has(), value-set membership, exists, all, filter, size, indexing and
// map(...).sum() over event lists — are also
// compiled to Go closures over the columns and run without cel-go's
// interpreter; the rest runs in the interpreter. Both give the same values
// and errors (WithInterpreterOnly turns the closures off).
//
// # Evaluation
//
// A Set is immutable and safe for concurrent use. Set.Evaluate reads a
// Source (batches of records in columnar form, built with BatchBuilder or
// by package source) and evaluates every indicator and definition in one
// pass with GOMAXPROCS workers. Sums are exact, so the report is identical
// whatever the worker count or batch size. Each result counts every
// population (the attrition waterfall), the records that failed to
// evaluate with the first errors (record index, criterion, message), and
// the accounting identity read = included + excluded + errored.
//
// # Series
//
// Set.EvaluateSeries evaluates the set once per Period (a label and the
// parameter values that define it; Months makes calendar months) in the
// same single pass over the data, and Series.Subgroups turns an
// indicator's series into the subgroups of an SPC chart (package spc).
//
// Reports marshal to stable JSON (sorted keys, shortest round-trip floats,
// NaN as null) and to CSV.
package indicator
