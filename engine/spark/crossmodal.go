package spark

import (
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/crossmodal"
)

// Dialect renders the cross-modal questions (ccc ask) in Spark SQL: the
// same statements as crossmodal.DuckDB with Spark's quoting, min_by for
// arg_min, plain sum for DuckDB's compensated fsum (the mean agrees within
// rounding, far inside 1e-9 relative for the row counts of one region) and
// NULLS LAST spelled out (DuckDB's default, not Spark's).
var Dialect = crossmodal.Dialect{
	Name:      "spark",
	Ident:     quoteIdent,
	String:    quoteString,
	Stats:     map[string]string{"mean": "sum($v) / count(*)", "median": "median($v)", "max": "max($v)"},
	ArgMin:    "min_by",
	AllenItem: "concat('allen:', CAST(e.id AS STRING))",
	IDs: func(ids []int64) string {
		rows := make([]string, len(ids))
		for i, id := range ids {
			rows[i] = "(" + strconv.FormatInt(id, 10) + ")"
		}
		return "SELECT CAST(col1 AS BIGINT) AS region FROM VALUES " + strings.Join(rows, ", ")
	},
	NullsLast: " NULLS LAST",
}
