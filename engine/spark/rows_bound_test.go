package spark

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/crossmodal"
	"github.com/ccc-connectivity/ccc/projection"
)

func TestIsSelect(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"SELECT 1", true},
		{"  select * FROM Synapse", true},
		{"WITH a AS (SELECT 1) SELECT * FROM a", true},
		{"-- note\nSELECT 1", true},
		{"/* a */ /* b */ with x as (select 1) select * from x", true},
		{"SHOW TABLES", false},
		{"INSERT OVERWRITE DIRECTORY '/x' USING parquet SELECT 1", false},
		{"SELECTED", false},
		{"-- only a comment", false},
		{"/* unterminated", false},
		{"", false},
	} {
		if got := isSelect(c.q); got != c.want {
			t.Errorf("isSelect(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}

// longForm builds a (data_item, brain_region, value) table; a nil item or
// value is NULL.
func longForm(t *testing.T, items []any, regions []int64, values []any) arrow.Table {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "data_item", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "brain_region", Type: arrow.PrimitiveTypes.Int64}, {Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range items {
		if s, ok := items[i].(string); ok {
			b.Field(0).(*array.StringBuilder).Append(s)
		} else {
			b.Field(0).AppendNull()
		}
		b.Field(1).(*array.Int64Builder).Append(regions[i])
		if f, ok := values[i].(float64); ok {
			b.Field(2).(*array.Float64Builder).Append(f)
		} else {
			b.Field(2).AppendNull()
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
}

// TestFillMatrix: the long form fills the matrix in the index's order
// whatever the row order; a missing, repeated, unknown or NULL entry is an
// error naming the matrix.
func TestFillMatrix(t *testing.T) {
	idx := func() *projection.Matrix {
		return &projection.Matrix{ID: "m1", Rows: []string{"a", "b"}, RegionIDs: []int64{385, 409, 10}}
	}
	third := 1.0 / 3
	m := idx()
	tb := longForm(t, []any{"b", "a", "b", "a", "b", "a"}, []int64{10, 409, 385, 385, 409, 10},
		[]any{6.0, 2.0, 4.0, third, math.NaN(), 3.0})
	defer tb.Release()
	if err := fillMatrix(m, "d", NewRows(tb)); err != nil {
		t.Fatal(err)
	}
	want := []float64{third, 2, 3, 4, math.NaN(), 6}
	for i := range want {
		if !(m.Values[i] == want[i] || math.IsNaN(want[i]) && math.IsNaN(m.Values[i])) {
			t.Errorf("value %d = %v, want %v (all %v)", i, m.Values[i], want[i], m.Values)
		}
	}
	for _, c := range []struct {
		name    string
		items   []any
		regions []int64
		values  []any
		want    string
	}{
		{"missing", []any{"a", "a", "a", "b", "b"}, []int64{385, 409, 10, 385, 409}, []any{1.0, 1.0, 1.0, 1.0, 1.0}, "5 of its 2 x 3 entries present"},
		{"twice", []any{"a", "a"}, []int64{385, 385}, []any{1.0, 2.0}, "entry (a, 385) appears twice"},
		{"unknown item", []any{"c"}, []int64{385}, []any{1.0}, `data item "c" is not a row`},
		{"null item", []any{nil}, []int64{385}, []any{1.0}, `data item "" is not a row`},
		{"unknown region", []any{"a"}, []int64{1}, []any{1.0}, "region 1 is not a column"},
		{"null value", []any{"a"}, []int64{409}, []any{nil}, "entry (a, 409) has no value"},
	} {
		tb := longForm(t, c.items, c.regions, c.values)
		err := fillMatrix(idx(), "d", NewRows(tb))
		tb.Release()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "matrix m1 in dataset d") || !errors.Is(err, ccc.ErrInvalidData) {
			t.Errorf("%s: %v, want an invalid-data error with %q", c.name, err, c.want)
		}
	}
}

// TestDialect: the Spark statements of the questions use Spark's spelling
// (backticks, min_by, NULLS LAST, sum for fsum, VALUES for a region list)
// and none of DuckDB's.
func TestDialect(t *testing.T) {
	sp := Dialect.SiteProjectionsSQL("ccf'2017", 385, "allen_connectivity", "m1", "s1", "mean")
	co := Dialect.CoverageSQL("ccf2017", []int64{385, 409}, crossmodal.CoverageSources)
	for _, want := range []string{"min_by(c.ancestor_structure_id, c.closure_distance)", "sum(p.`value`) / count(*)", "p.`matrix` = 'm1'",
		"c.dataset = 'ccf\\'2017'", "concat('allen:', CAST(e.id AS STRING))", "ORDER BY session NULLS LAST, electrode_id NULLS LAST, site NULLS LAST"} {
		if !strings.Contains(sp, want) {
			t.Errorf("site-projections SQL lacks %q:\n%s", want, sp)
		}
	}
	for _, want := range []string{"SELECT CAST(col1 AS BIGINT) AS region FROM VALUES (385), (409)", "FROM `ConnectivityExperiment`", "ORDER BY b.term_order NULLS LAST"} {
		if !strings.Contains(co, want) {
			t.Errorf("coverage SQL lacks %q:\n%s", want, co)
		}
	}
	for _, bad := range []string{"fsum(", "arg_min(", `"value"`, "unnest", "::"} {
		if strings.Contains(sp+co, bad) {
			t.Errorf("Spark SQL holds DuckDB's %q", bad)
		}
	}
	if got := Dialect.SiteProjectionsSQL("a", 1, "d", "m", "", "median"); !strings.Contains(got, "median(p.`value`)") {
		t.Errorf("median: %s", got)
	}
}
