package sqlgen

import (
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Dialect is what sqlgen needs to know about one SQL engine: how it
// quotes names and binds parameters, its types, and the spelling of the
// few functions that differ between engines. Every method returns SQL text
// built from its arguments, which are SQL expressions sqlgen made.
type Dialect interface {
	// Name names the dialect in messages and golden files.
	Name() string
	// Ident quotes an identifier.
	Ident(name string) string
	// Placeholder is bound parameter n (1-based) of the given type (see
	// Type and TextArray), cast so that the engine knows its type.
	Placeholder(n int, typ string) string
	// Type is the column type of a scalar kind.
	Type(k indicator.Kind) string
	// TextArray is the type of a bound list of strings.
	TextArray() string
	// InArray tests string x against a bound list of strings.
	InArray(x, array string) string
	// InPairs tests (system, code) against two bound lists of the same
	// length, read pairwise.
	InPairs(system, code, systems, codes string) string
	// CountIf counts the rows where cond is true.
	CountIf(cond string) string
	// SumIf sums x over the rows where cond is true, exactly (or as
	// nearly as the engine can: see the README), as a double; 0 when
	// there is none.
	SumIf(x, cond string) string
	// SumSquaresIf is SumIf of the squares of x, each squared exactly.
	SumSquaresIf(x, cond string) string
	// Setup are statements run in the evaluation's transaction before
	// the query (session settings the query relies on).
	Setup() []string
	// BoolOr and BoolAnd are the aggregates; NULLs are ignored.
	BoolOr(x string) string
	BoolAnd(x string) string
	// ArrayAggAt is the element at 1-based position at of the values x of
	// the rows where cond is true, in the order of order; NULL when out of
	// range.
	ArrayAggAt(x, order, cond, at string) string
	// Compare orders strings by code point (CEL's order), whatever the
	// collation: op is one of < <= > >=.
	Compare(x, op, y string) string
	// Cast converts x to a scalar kind.
	Cast(x string, k indicator.Kind) string
	// Text converts an int or a bool to its CEL label: decimal digits,
	// true or false.
	Text(x string) string
	// Micros is a duration of n microseconds (an int expression).
	Micros(n string) string
	// StartsWith, EndsWith and Contains are CEL's string functions; Length
	// is size() of a string, in code points.
	StartsWith(x, y string) string
	EndsWith(x, y string) string
	Contains(x, y string) string
	Length(x string) string
	// Matches is CEL's matches() (RE2, unanchored) for a pattern known at
	// compile time; false when the engine cannot reproduce RE2's meaning
	// of this pattern.
	Matches(x, pattern, literal string) (string, bool)
	// Fence keeps a derived table from being merged into its parent
	// query, so that the columns it computes are computed once per row.
	Fence() string
	// Double is a double literal, including NaN and the infinities.
	Double(f float64) string
}

// Postgres is the PostgreSQL dialect (version 12 or newer).
type Postgres struct{}

// Name implements Dialect.
func (Postgres) Name() string { return "postgres" }

// Ident implements Dialect.
func (Postgres) Ident(name string) string { return quoteIdent(name) }

// Placeholder implements Dialect: $n::type.
func (Postgres) Placeholder(n int, typ string) string { return "$" + strconv.Itoa(n) + "::" + typ }

// Type implements Dialect.
func (Postgres) Type(k indicator.Kind) string {
	switch k {
	case indicator.KindInt:
		return "bigint"
	case indicator.KindDouble:
		return "double precision"
	case indicator.KindBool:
		return "boolean"
	case indicator.KindString:
		return "text"
	case indicator.KindTimestamp:
		return "timestamptz"
	case indicator.KindDuration:
		return "interval"
	}
	return "text"
}

// TextArray implements Dialect.
func (Postgres) TextArray() string { return "text[]" }

// InArray implements Dialect.
func (Postgres) InArray(x, array string) string { return "(" + x + " = ANY(" + array + "))" }

// InPairs implements Dialect.
func (Postgres) InPairs(system, code, systems, codes string) string {
	return "EXISTS (SELECT 1 FROM unnest(" + systems + ", " + codes + ") AS vs(s, c) WHERE vs.s = " + system + " AND vs.c = " + code + ")"
}

// CountIf implements Dialect.
func (Postgres) CountIf(cond string) string { return "count(*) FILTER (WHERE " + cond + ")" }

// SumIf implements Dialect: the sum is NUMERIC, of each double's shortest
// decimal that reads back as the same double (extra_float_digits >= 1,
// see Setup), rounded once to a double.
func (Postgres) SumIf(x, cond string) string {
	return "CAST(COALESCE(sum(" + pgExact(x) + ") FILTER (WHERE " + cond + "), 0) AS double precision)"
}

// SumSquaresIf implements Dialect.
func (Postgres) SumSquaresIf(x, cond string) string {
	return "CAST(COALESCE(sum(" + pgExact(x) + " * " + pgExact(x) + ") FILTER (WHERE " + cond + "), 0) AS double precision)"
}

func pgExact(x string) string { return "CAST(CAST(" + x + " AS text) AS numeric)" }

// Setup implements Dialect: doubles print as their shortest exact
// decimal, whatever the server's default.
func (Postgres) Setup() []string { return []string{"SET LOCAL extra_float_digits = 1"} }

// BoolOr implements Dialect.
func (Postgres) BoolOr(x string) string { return "bool_or(" + x + ")" }

// BoolAnd implements Dialect.
func (Postgres) BoolAnd(x string) string { return "bool_and(" + x + ")" }

// ArrayAggAt implements Dialect.
func (Postgres) ArrayAggAt(x, order, cond, at string) string {
	return "(array_agg(" + x + " ORDER BY " + order + ") FILTER (WHERE " + cond + "))[" + at + "]"
}

// Compare implements Dialect, in the "C" collation (byte order, which is
// code-point order in UTF-8).
func (Postgres) Compare(x, op, y string) string {
	return "(" + x + " COLLATE \"C\" " + op + " " + y + ")"
}

// Cast implements Dialect.
func (p Postgres) Cast(x string, k indicator.Kind) string {
	return "CAST(" + x + " AS " + p.Type(k) + ")"
}

// Text implements Dialect.
func (Postgres) Text(x string) string { return "CAST(" + x + " AS text)" }

// Micros implements Dialect.
func (Postgres) Micros(n string) string { return "(" + n + " * INTERVAL '1 microsecond')" }

// StartsWith implements Dialect.
func (Postgres) StartsWith(x, y string) string { return "starts_with(" + x + ", " + y + ")" }

// EndsWith implements Dialect.
func (Postgres) EndsWith(x, y string) string {
	return "(right(" + x + ", char_length(" + y + ")) = " + y + ")"
}

// Contains implements Dialect.
func (Postgres) Contains(x, y string) string { return "(strpos(" + x + ", " + y + ") > 0)" }

// Length implements Dialect.
func (Postgres) Length(x string) string { return "CAST(char_length(" + x + ") AS bigint)" }

// Matches implements Dialect: PostgreSQL's regular expressions (Tcl ARE)
// agree with RE2 on a common core only, so patterns outside it are
// refused (see portableRegex). The embedded option (?p) gives RE2's
// defaults: . does not match a newline, ^ and $ match at the ends of the
// text only.
func (Postgres) Matches(x, pattern, literal string) (string, bool) {
	if !portableRegex(literal) {
		return "", false
	}
	return "(" + x + " ~ ('(?p)' || " + pattern + "))", true
}

// Fence implements Dialect: OFFSET 0 keeps PostgreSQL from pulling a
// subquery up into its parent.
func (Postgres) Fence() string { return " OFFSET 0" }

// Double implements Dialect.
func (Postgres) Double(f float64) string { return doubleLiteral(f, "double precision") }

// DuckDB is the DuckDB dialect. Its SQL is generated and golden-tested;
// sqlgen's tests do not execute it.
type DuckDB struct{}

// Name implements Dialect.
func (DuckDB) Name() string { return "duckdb" }

// Ident implements Dialect.
func (DuckDB) Ident(name string) string { return quoteIdent(name) }

// Placeholder implements Dialect.
func (DuckDB) Placeholder(n int, typ string) string {
	return "CAST($" + strconv.Itoa(n) + " AS " + typ + ")"
}

// Type implements Dialect.
func (DuckDB) Type(k indicator.Kind) string {
	switch k {
	case indicator.KindInt:
		return "BIGINT"
	case indicator.KindDouble:
		return "DOUBLE"
	case indicator.KindBool:
		return "BOOLEAN"
	case indicator.KindString:
		return "VARCHAR"
	case indicator.KindTimestamp:
		return "TIMESTAMPTZ"
	case indicator.KindDuration:
		return "INTERVAL"
	}
	return "VARCHAR"
}

// TextArray implements Dialect.
func (DuckDB) TextArray() string { return "VARCHAR[]" }

// InArray implements Dialect.
func (DuckDB) InArray(x, array string) string {
	return "(CASE WHEN " + x + " IS NULL THEN NULL ELSE list_contains(" + array + ", " + x + ") END)"
}

// InPairs implements Dialect.
func (DuckDB) InPairs(system, code, systems, codes string) string {
	return "EXISTS (SELECT 1 FROM (SELECT unnest(" + systems + ") AS s, unnest(" + codes + ") AS c) AS vs WHERE vs.s = " + system + " AND vs.c = " + code + ")"
}

// CountIf implements Dialect.
func (DuckDB) CountIf(cond string) string { return "count(*) FILTER (WHERE " + cond + ")" }

// SumIf implements Dialect: fsum is DuckDB's compensated (Kahan-Babuska)
// sum of doubles.
func (DuckDB) SumIf(x, cond string) string {
	return "COALESCE(fsum(CAST(" + x + " AS DOUBLE)) FILTER (WHERE " + cond + "), 0)"
}

// SumSquaresIf implements Dialect.
func (DuckDB) SumSquaresIf(x, cond string) string {
	return "COALESCE(fsum(CAST(" + x + " AS DOUBLE) * CAST(" + x + " AS DOUBLE)) FILTER (WHERE " + cond + "), 0)"
}

// Setup implements Dialect.
func (DuckDB) Setup() []string { return nil }

// BoolOr implements Dialect.
func (DuckDB) BoolOr(x string) string { return "bool_or(" + x + ")" }

// BoolAnd implements Dialect.
func (DuckDB) BoolAnd(x string) string { return "bool_and(" + x + ")" }

// ArrayAggAt implements Dialect.
func (DuckDB) ArrayAggAt(x, order, cond, at string) string {
	return "list_extract(array_agg(" + x + " ORDER BY " + order + ") FILTER (WHERE " + cond + "), " + at + ")"
}

// Compare implements Dialect: DuckDB compares strings in binary order
// unless told otherwise.
func (DuckDB) Compare(x, op, y string) string { return "(" + x + " " + op + " " + y + ")" }

// Cast implements Dialect.
func (d DuckDB) Cast(x string, k indicator.Kind) string {
	return "CAST(" + x + " AS " + d.Type(k) + ")"
}

// Text implements Dialect.
func (DuckDB) Text(x string) string { return "CAST(" + x + " AS VARCHAR)" }

// Micros implements Dialect.
func (DuckDB) Micros(n string) string { return "to_microseconds(" + n + ")" }

// StartsWith implements Dialect.
func (DuckDB) StartsWith(x, y string) string { return "starts_with(" + x + ", " + y + ")" }

// EndsWith implements Dialect.
func (DuckDB) EndsWith(x, y string) string { return "ends_with(" + x + ", " + y + ")" }

// Contains implements Dialect.
func (DuckDB) Contains(x, y string) string { return "contains(" + x + ", " + y + ")" }

// Length implements Dialect.
func (DuckDB) Length(x string) string { return "CAST(length(" + x + ") AS BIGINT)" }

// Matches implements Dialect: DuckDB's regexp_matches is RE2, like CEL.
func (DuckDB) Matches(x, pattern, _ string) (string, bool) {
	return "regexp_matches(" + x + ", " + pattern + ")", true
}

// Fence implements Dialect.
func (DuckDB) Fence() string { return " OFFSET 0" }

// Double implements Dialect.
func (DuckDB) Double(f float64) string { return doubleLiteral(f, "DOUBLE") }

func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// doubleLiteral writes f so that the engine reads the same double back.
func doubleLiteral(f float64, typ string) string {
	switch {
	case f != f:
		return "CAST('NaN' AS " + typ + ")"
	case f > 1.7976931348623157e308:
		return "CAST('Infinity' AS " + typ + ")"
	case f < -1.7976931348623157e308:
		return "CAST('-Infinity' AS " + typ + ")"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return "CAST(" + s + " AS " + typ + ")"
}

// portableRegex reports whether an RE2 pattern means the same in
// PostgreSQL's advanced regular expressions (in their (?p) mode):
// literals, ., character classes of literals and ranges (not negated),
// anchors, alternation, groups and repetition up to 255, with no flags,
// no Perl or POSIX classes, no backslash escapes of letters or digits,
// and no non-greedy repetition.
func portableRegex(p string) bool {
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return false
	}
	if strings.Contains(p, `\`) {
		// Escapes of punctuation are common to both; escapes of letters
		// and digits (\d, \b, \Q, \pL, \x41) are not.
		for i := 0; i < len(p); i++ {
			if p[i] == '\\' {
				if i+1 >= len(p) {
					return false
				}
				c := p[i+1]
				if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 {
					return false
				}
				i++
			}
		}
	}
	if strings.Contains(p, "(?") || strings.Contains(p, "[[:") || strings.Contains(p, "[^") {
		return false
	}
	return portableNode(re)
}

func portableNode(re *syntax.Regexp) bool {
	if re.Flags&syntax.NonGreedy != 0 {
		return false
	}
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpEmptyMatch, syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest,
		syntax.OpRepeat, syntax.OpConcat, syntax.OpAlternate:
	default:
		return false
	}
	if re.Op == syntax.OpRepeat && re.Max > 255 {
		return false // PostgreSQL's bound is 255
	}
	for _, s := range re.Sub {
		if !portableNode(s) {
			return false
		}
	}
	return true
}
