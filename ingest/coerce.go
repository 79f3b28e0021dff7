package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// Coercion of input columns to slot ranges, as SQL expressions.

func isTextType(t string) bool {
	return t == "VARCHAR" || strings.HasPrefix(t, "VARCHAR(")
}

func isIntType(t string) bool {
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return true
	}
	return false
}

func isFloatType(t string) bool {
	return t == "FLOAT" || t == "DOUBLE" || strings.HasPrefix(t, "DECIMAL")
}

// castScalar returns the expression converting x (of DuckDB type src) to
// the field's scalar type; NULL when the value cannot be converted. ok is
// false when the conversion can never fail (no check needed).
func castScalar(x, src string, f *Field) (expr string, canFail bool) {
	if src == "JSON" {
		x = fmt.Sprintf("json_extract_string(%s, '$')", x)
		src = "VARCHAR"
	}
	text := isTextType(src)
	t := x
	if text {
		t = fmt.Sprintf("NULLIF(trim(%s), '')", x)
	}
	if f.Kind == linkml.RangeEnum {
		norm := fmt.Sprintf("lower(trim(CAST(%s AS VARCHAR)))", x)
		var b strings.Builder
		b.WriteString("CASE " + norm)
		for _, v := range f.Enum {
			fmt.Fprintf(&b, " WHEN %s THEN %s", store.QuoteString(strings.ToLower(v)), store.QuoteString(v))
		}
		b.WriteString(" END")
		return b.String(), true
	}
	if f.Range == "json" {
		if strings.HasPrefix(src, "STRUCT") || strings.HasSuffix(src, "[]") || strings.HasPrefix(src, "MAP") {
			return fmt.Sprintf("CAST(to_json(%s) AS VARCHAR)", x), false
		}
		return fmt.Sprintf("CAST(%s AS VARCHAR)", x), false
	}
	switch f.SQLType {
	case "VARCHAR":
		if text {
			return x, false
		}
		if isFloatType(src) && (f.Identifier || f.RefClass != "") {
			// string ids from a float column (pandas writes an integer
			// column with a missing value as float64: parent 997.0) keep
			// their integer text, so "997" references resolve
			return fmt.Sprintf("(CASE WHEN %s = trunc(%s) AND abs(%s) < 9.2e18 THEN CAST(CAST(%s AS BIGINT) AS VARCHAR) ELSE CAST(%s AS VARCHAR) END)", x, x, x, x, x), false
		}
		return fmt.Sprintf("CAST(%s AS VARCHAR)", x), false
	case "BIGINT":
		switch {
		case src == "BIGINT":
			return x, false
		case isIntType(src):
			return fmt.Sprintf("TRY_CAST(%s AS BIGINT)", x), true
		case isFloatType(src):
			return fmt.Sprintf("(CASE WHEN %s = trunc(%s) THEN TRY_CAST(%s AS BIGINT) END)", x, x, x), true
		case text:
			return fmt.Sprintf("COALESCE(TRY_CAST(%s AS BIGINT), (CASE WHEN TRY_CAST(%s AS DOUBLE) = trunc(TRY_CAST(%s AS DOUBLE)) AND abs(TRY_CAST(%s AS DOUBLE)) < 9.0e15 THEN TRY_CAST(TRY_CAST(%s AS DOUBLE) AS BIGINT) END))", t, t, t, t, t), true
		}
	case "DOUBLE":
		if src == "DOUBLE" {
			return x, false
		}
		if isIntType(src) || src == "FLOAT" || strings.HasPrefix(src, "DECIMAL") {
			return fmt.Sprintf("CAST(%s AS DOUBLE)", x), false
		}
		if text {
			return fmt.Sprintf("TRY_CAST(%s AS DOUBLE)", t), true
		}
	case "BOOLEAN":
		if src == "BOOLEAN" {
			return x, false
		}
		if text {
			return fmt.Sprintf("(CASE WHEN lower(%s) IN ('true', 't', 'yes', 'y', '1') THEN true WHEN lower(%s) IN ('false', 'f', 'no', 'n', '0') THEN false END)", t, t), true
		}
		if isIntType(src) {
			return fmt.Sprintf("(CASE WHEN %s = 1 THEN true WHEN %s = 0 THEN false END)", x, x), true
		}
	case "TIMESTAMP":
		if src == "TIMESTAMP" {
			return x, false
		}
		if text {
			return fmt.Sprintf("COALESCE(TRY_CAST(%s AS TIMESTAMP), TRY_CAST(TRY_CAST(%s AS TIMESTAMPTZ) AS TIMESTAMP))", t, t), true
		}
		if strings.HasPrefix(src, "TIMESTAMP") || src == "DATE" {
			return fmt.Sprintf("TRY_CAST(%s AS TIMESTAMP)", x), true
		}
	case "DATE", "TIME":
		if src == f.SQLType {
			return x, false
		}
		return fmt.Sprintf("TRY_CAST(%s AS %s)", t, f.SQLType), true
	}
	if src == f.SQLType {
		return x, false
	}
	return fmt.Sprintf("TRY_CAST(%s AS %s)", t, f.SQLType), true
}

// fieldExprs returns the value expression of a field from its source and
// the "bad value" expression: the raw value as text where it could not be
// converted, else NULL ("" when conversion cannot fail).
func fieldExprs(f *Field, r srcRef) (value, bad string) {
	raw := r.expr()
	src := r.Type
	if !f.Multivalued {
		v, canFail := castScalar(raw, src, f)
		if !canFail {
			return v, ""
		}
		test := raw
		if isTextType(src) {
			test = fmt.Sprintf("NULLIF(trim(%s), '')", raw)
		}
		return v, fmt.Sprintf("CASE WHEN %s IS NOT NULL AND (%s) IS NULL THEN CAST(%s AS VARCHAR) END", test, v, raw)
	}
	// Lists: from LIST columns, or text as a JSON array or ; | , separated.
	list, elem := raw, ""
	switch {
	case strings.HasSuffix(src, "[]"):
		elem = strings.TrimSuffix(src, "[]")
	case isTextType(src) || src == "JSON":
		if src == "JSON" {
			raw = fmt.Sprintf("CAST(%s AS VARCHAR)", raw)
		}
		list = fmt.Sprintf(`(CASE WHEN trim(%s) IN ('', '[]') THEN []::VARCHAR[] WHEN %s IS NOT NULL THEN list_transform(string_split_regex(regexp_replace(trim(%s), '^\[\s*|\s*\]$', '', 'g'), '\s*[;|,]\s*'), lambda e: trim(e, '"'' ')) END)`, raw, raw, raw)
		elem = "VARCHAR"
	default:
		list = fmt.Sprintf("(CASE WHEN %s IS NOT NULL THEN [%s] END)", raw, raw)
		elem = src
	}
	ev, canFail := castScalar("e", elem, f)
	if ev == "e" {
		return list, ""
	}
	value = fmt.Sprintf("list_transform(%s, lambda e: %s)", list, ev)
	if !canFail {
		return value, ""
	}
	test := fmt.Sprintf("list_bool_or(list_transform(%s, lambda e: e IS NOT NULL AND (%s) IS NULL))", list, ev)
	return value, fmt.Sprintf("CASE WHEN %s THEN CAST(%s AS VARCHAR) END", test, r.expr())
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
