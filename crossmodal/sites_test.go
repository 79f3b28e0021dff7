package crossmodal

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// TestSiteProjectionsSQL: the statement names the atlas, source, matrix,
// session and statistic it was built for, quoted.
func TestSiteProjectionsSQL(t *testing.T) {
	q := SiteProjectionsSQL("ccf'2017", 385, "allen_connectivity", "m1", "s'1", "median")
	for _, want := range []string{"c.dataset = 'ccf''2017'", "c.ancestor_structure_id = 385", `p."matrix" = 'm1'`,
		"WHERE s.data_item = 's''1'", `median(p."value") AS strength`} {
		if !strings.Contains(q, want) {
			t.Errorf("statement lacks %q:\n%s", want, q)
		}
	}
	if strings.Contains(SiteProjectionsSQL("a", 1, "d", "m", "", "mean"), "WHERE s.data_item") {
		t.Error("no session: no session filter")
	}
	c := CoverageSQL("a", []int64{385, 549}, CoverageSources[:2])
	for _, want := range []string{"[385, 549]", "FROM \"ConnectivityExperiment\"", "AS recording_sites"} {
		if !strings.Contains(c, want) {
			t.Errorf("coverage statement lacks %q:\n%s", want, c)
		}
	}
}

// TestSiteProjectionsColumnar: the columnar answer equals the SQL
// statement's on a synthetic store (200 experiments, 2,000 sites, the
// Allen 2017 ontology with 1,300 of its 1,327 regions as matrix columns,
// so some sites match a column above their region), for every statistic,
// with and without a session.
func TestSiteProjectionsColumnar(t *testing.T) {
	ctx := context.Background()
	st, err := SynthSiteStore(ctx, filepath.Join(t.TempDir(), "store"), testenv.SharedData(t, atlas.DefaultOntologyFile), 200, 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := st.ReadOnlyDB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stat := range []string{"mean", "median", "max"} {
		for _, session := range []string{"", "bench-0001"} {
			q, err := PrepareSiteProjections(ctx, st, sn, db, SiteProjectionsOptions{Source: "VISp", Matrix: SynthMatrix, Stat: stat, Session: session})
			if err != nil {
				t.Fatal(err)
			}
			got, err := siteProjectionsColumnar(ctx, sn, db, q, nil)
			if err != nil {
				t.Fatalf("%s: %v", stat, err)
			}
			want, err := SiteProjections(ctx, db, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2000 || len(want) != 2000 {
				t.Fatalf("%s: %d rows, SQL %d", stat, len(got), len(want))
			}
			up := 0
			for i := range want {
				g, w := got[i], want[i]
				if math.Abs(g.Strength-w.Strength) <= 1e-12*math.Abs(w.Strength) {
					g.Strength = w.Strength
				}
				if g != w {
					t.Fatalf("%s row %d: columnar %+v\nSQL %+v", stat, i, g, w)
				}
				if g.LevelsUp > 0 {
					up++
				}
			}
			// 20 experiments injected in VISp or below by construction, one more at random
			if up != 44 || want[0].Experiments != q.SourceRows || q.SourceRows != 21 {
				t.Errorf("%s: %d sites matched above their region, %d experiments (source rows %d); want 44 and 21", stat, up, want[0].Experiments, q.SourceRows)
			}
		}
	}
}

// TestMedianNaNLast: the median of doubles as DuckDB computes it (NaN
// above every number, even counts interpolated).
func TestMedianNaNLast(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nan := math.NaN()
	for _, v := range [][]float64{{1}, {3, 1}, {0.1, 0.7, 0.2}, {1, nan}, {nan, 2, 1}, {nan, nan, 5, 4}, {1e300, -1e300, 3, 0.3}, {0.1, 0.2}, {-7.25, 1.0 / 3}} {
		lits := make([]string, len(v))
		for i, x := range v {
			lits[i] = "('" + strconv.FormatFloat(x, 'g', -1, 64) + "'::DOUBLE)"
		}
		var want float64
		if err := db.QueryRow("SELECT median(x) FROM (VALUES " + strings.Join(lits, ", ") + ") t(x)").Scan(&want); err != nil {
			t.Fatal(err)
		}
		got := medianNaNLast(slices.Clone(v))
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("median %v = %v, DuckDB %v", v, got, want)
		}
	}
}
