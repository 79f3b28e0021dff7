package cells

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// realShape is a CellClusterRegionCount table of the shape of the Allen
// whole-brain MERFISH data: the real CCF ontology (1,327 regions, cells in
// its leaf regions), a synthetic ABC-like taxonomy of ~300 subclasses and
// ~1,200 clusters (taxonomy.Synthetic with 100 classes), perRegion clusters
// present in each leaf region, about 5M cells in all.
type realShape struct {
	on    *atlas.Ontology
	t     *taxonomy.Taxonomy
	in    countInput
	level int
	rows  int
	all   []int64
}

func makeRealShape(tb testing.TB, perRegion int) *realShape {
	tb.Helper()
	on, err := atlas.LoadOntology(testenv.SharedData(tb, "allen-ccf/structure_tree_safe_2017.csv"), atlas.LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tx, err := taxonomy.Build("wmb-shape", taxonomy.Synthetic(1, 100), taxonomy.BuildOptions{Levels: taxonomy.SyntheticLevels})
	if err != nil {
		tb.Fatal(err)
	}
	var clusters []string
	for k := int32(1); k <= int32(tx.Len()); k++ {
		if tx.Level(k) == 4 {
			clusters = append(clusters, tx.Label(k))
		}
	}
	var leaves, all []int64
	for _, r := range on.Regions() {
		all = append(all, r.ID)
		if len(on.Children(r.ID)) == 0 {
			leaves = append(leaves, r.ID)
		}
	}
	rng := rand.New(rand.NewSource(1))
	perCell := int64(5_000_000 / (len(leaves) * perRegion))
	var vals []string
	var total int64
	for _, r := range leaves {
		for _, i := range rng.Perm(len(clusters))[:perRegion] {
			n := 1 + rng.Int63n(2*perCell)
			total += n
			vals = append(vals, fmt.Sprintf("(%d, '%s', %d)", r, clusters[i], n))
		}
	}
	path := filepath.Join(tb.TempDir(), "agg.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	q := "COPY (SELECT CAST(r AS BIGINT) AS brain_region, c AS cluster, CAST(n AS BIGINT) AS cell_count FROM (VALUES " + strings.Join(vals, ", ") +
		") v(r, c, n) ORDER BY 1, 2) TO " + store.QuoteString(path) + " (FORMAT parquet, COMPRESSION zstd)"
	if _, err := db.Exec(q); err != nil {
		tb.Fatal(err)
	}
	level, _ := tx.LevelIndex("subclass")
	in := countInput{dataset: "shape", cells: store.TableInfo{Rows: total}, maps: store.TableInfo{Rows: total},
		agg: &store.TableInfo{Path: path, Columns: countColumns, SHA256: fileSum(tb, path)}}
	return &realShape{on: on, t: tx, in: in, level: level, rows: len(vals), all: all}
}

func (s *realShape) count(tb testing.TB, targets []int64) []CountRow {
	acc := newCounter(s.t, s.level, s.on, targets, true)
	if err := countAggregate(context.Background(), s.in, acc, &CountStats{}); err != nil {
		tb.Fatal(err)
	}
	return acc.rows()
}

// TestRealShapeRollup: on the real ontology, the full roll-up of an
// aggregate equals atlas.Rollup of the same per-(region, subclass) counts.
func TestRealShapeRollup(t *testing.T) {
	s := makeRealShape(t, 20)
	got := s.count(t, s.all)
	a, err := readAggregate(context.Background(), s.in)
	if err != nil {
		t.Fatal(err)
	}
	bySub := map[string][2][]float64{}
	var subs []string
	for i := range a.n {
		k, err := s.t.Lookup(a.labels[a.code[i]])
		if err != nil {
			t.Fatal(err)
		}
		sub := s.t.Label(s.t.AncestorAt(k, s.level))
		v, ok := bySub[sub]
		if !ok {
			subs = append(subs, sub)
		}
		v[0] = append(v[0], float64(a.region[i]))
		v[1] = append(v[1], float64(a.n[i]))
		bySub[sub] = v
	}
	want := map[[2]string]int64{}
	for _, sub := range subs {
		v := bySub[sub]
		regions := make([]int64, len(v[0]))
		for i, r := range v[0] {
			regions[i] = int64(r)
		}
		rows, _, err := s.on.Rollup(regions, v[1], s.all, -1, atlas.AggSum)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Value > 0 {
				want[[2]string{fmt.Sprint(r.ID), sub}] = int64(r.Value)
			}
		}
	}
	gotM := map[[2]string]int64{}
	for _, r := range got {
		gotM[[2]string{fmt.Sprint(r.Region), r.Cluster}] = r.Count
	}
	if len(gotM) != len(want) || len(want) < 10000 {
		t.Fatalf("%d rows, atlas.Rollup %d", len(gotM), len(want))
	}
	for k, v := range want {
		if gotM[k] != v {
			t.Fatalf("%v: %d, atlas.Rollup %d", k, gotM[k], v)
		}
	}
}

// BenchmarkRealShapeCount: reading and rolling up a real-shape aggregate
// (every leaf region of the CCF with 300 of ~1,200 clusters: ~200k rows)
// for VISp and for the full roll-up, in process.
func BenchmarkRealShapeCount(b *testing.B) {
	s := makeRealShape(b, 300)
	visp, _ := s.on.Lookup("VISp")
	b.Logf("aggregate rows: %d", s.rows)
	for _, c := range []struct {
		name    string
		targets []int64
	}{{"visp", []int64{visp.ID}}, {"full-rollup", s.all}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if rows := s.count(b, c.targets); len(rows) == 0 {
					b.Fatal("no rows")
				}
			}
			b.ReportMetric(float64(s.rows), "agg-rows")
		})
	}
}

// TestReadAggregateRefuses: a CellClusterRegionCount table with other
// columns, a non-positive count or a region 0 is an ErrFormat naming the
// file and the row; counts that do not add up to the cells likewise.
func TestReadAggregateRefuses(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	for i, c := range []struct {
		sel     string
		cols    []store.Column
		rows    int64
		wantMsg string
	}{
		{"SELECT 385::BIGINT AS brain_region, 'A' AS cluster, 3::BIGINT AS cell_count", countColumns, 3, ""},
		{"SELECT 385::BIGINT AS brain_region, 'A' AS cluster, 3::BIGINT AS cell_count", countColumns, 4, "counts 3 cells (3 with a cluster) but CellMetadata has 4 rows"},
		{"SELECT 385::BIGINT AS brain_region, 'A' AS cluster, 0::BIGINT AS cell_count", countColumns, 0, "row 1: cell_count 0 is not a positive count"},
		{"SELECT 0::BIGINT AS brain_region, 'A' AS cluster, 2::BIGINT AS cell_count", countColumns, 2, "row 1: brain_region 0 is not a structure id"},
		{"SELECT 385::BIGINT AS brain_region, 'A' AS cluster, 2::INTEGER AS cell_count",
			[]store.Column{countColumns[0], countColumns[1], {Name: "cell_count", Type: "INTEGER"}}, 2, "column 3 is cell_count INTEGER, want cell_count BIGINT"},
		{"SELECT 385::BIGINT AS brain_region, 2::BIGINT AS cell_count", []store.Column{countColumns[0], countColumns[2]}, 2, "2 columns, want 3"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("%d.parquet", i))
		if _, err := db.Exec("COPY (" + c.sel + ") TO " + store.QuoteString(path) + " (FORMAT parquet)"); err != nil {
			t.Fatal(err)
		}
		in := countInput{dataset: "d", cells: store.TableInfo{Rows: c.rows}, maps: store.TableInfo{Rows: c.rows}, agg: &store.TableInfo{Path: path, Columns: c.cols, SHA256: fileSum(t, path)}}
		a, err := readAggregate(context.Background(), in)
		if c.wantMsg == "" {
			if err != nil || len(a.n) != 1 || a.n[0] != 3 || a.region[0] != 385 || a.code[0] != 0 || a.labels[0] != "A" {
				t.Errorf("%d: %+v %v", i, a, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantMsg) || !strings.Contains(err.Error(), path) || !errors.Is(err, ccc.ErrFormat) {
			t.Errorf("%d: %v, want %q naming %s", i, err, c.wantMsg, path)
		}
	}
}

func fileSum(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
