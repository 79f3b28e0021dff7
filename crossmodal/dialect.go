package crossmodal

import (
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/store"
)

// Dialect renders the questions' statements in one engine's SQL: the
// embedded DuckDB (DuckDB) or Spark SQL (engine/spark.Dialect). Both
// statements compute the same answer.
type Dialect struct {
	Name   string
	Ident  func(string) string // quote an identifier
	String func(string) string // quote a string literal
	// Stats are the SiteProjections statistics over p.value.
	Stats map[string]string
	// ArgMin is the function arg_min(value, key).
	ArgMin string
	// AllenItem is the data item of experiment e: 'allen:' || e.id.
	AllenItem string
	// IDs is a one-column relation (region) of the structure ids.
	IDs func(ids []int64) string
	// NullsLast is appended to ascending ORDER BY keys (DuckDB's default).
	NullsLast string
}

// DuckDB is the embedded engine's dialect.
var DuckDB = Dialect{
	Name:      "duckdb",
	Ident:     store.QuoteIdent,
	String:    store.QuoteString,
	Stats:     Stats,
	ArgMin:    "arg_min",
	AllenItem: "'allen:' || e.id",
	IDs: func(ids []int64) string {
		return "SELECT unnest([" + joinIDs(ids) + "]::BIGINT[]) AS region"
	},
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}
