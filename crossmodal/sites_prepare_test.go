package crossmodal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// TestPrepareGoEqualsSQL: the matrix choice and the source experiments
// read from the tables' columns and the matrix's zarr.json equal the SQL
// queries' (values and errors) on the synthetic store the columnar test
// uses; a store whose tables are not in that shape (no matrix table, an
// experiments table with a DOUBLE id that the class view casts) takes the
// SQL path and still answers as the statement does.
func TestPrepareGoEqualsSQL(t *testing.T) {
	ctx := context.Background()
	st, sn, db := synthTestStore(t, 100)
	const op = "ask site-projections"
	for _, id := range []string{"", SynthMatrix, "nope"} {
		c, gerr := prepareMatrix(ctx, st, sn, db, id, op)
		ds, m, rows, serr := experimentMatrix(ctx, st, db, id, op)
		if fmt.Sprint(gerr) != fmt.Sprint(serr) || c.ds != ds || c.id != m || c.rows != rows {
			t.Errorf("matrix %q: Go %s/%s %d (%v); SQL %s/%s %d (%v)", id, c.ds, c.id, c.rows, gerr, ds, m, rows, serr)
		}
		if id != "nope" && (c.a == nil || rows != 200 || ds != projection.DefaultDataset) {
			t.Errorf("matrix %q: Go path not taken or wrong rows (%d, array %v)", id, rows, c.a != nil)
		}
	}
	c, err := prepareMatrix(ctx, st, sn, db, SynthMatrix, op)
	if err != nil {
		t.Fatal(err)
	}
	// VISp: 20 by construction + 1 at random; root: every experiment;
	// 385's parent; an id the atlas lacks: none
	for _, src := range []int64{385, 997, 669, 123456789} {
		stmt := SiteProjectionsSQL("ccf2017", src, c.ds, c.id, "", "mean")
		gItems, gn, _, gerr := sourceItemsGo(sn, "ccf2017", src, c.items)
		sItems, sn2, serr := sourceItems(ctx, db, stmt, c.ds, c.id)
		if gerr != nil || serr != nil || gn != sn2 || !maps.Equal(gItems, sItems) {
			t.Errorf("source %d: Go %d items, %d in the matrix (%v); SQL %d, %d (%v)", src, len(gItems), gn, gerr, len(sItems), sn2, serr)
		}
		want := map[int64]int{385: 21, 997: 200, 123456789: 0}
		if w, ok := want[src]; ok && gn != w {
			t.Errorf("source %d: %d experiments of the matrix, want %d", src, gn, w)
		}
	}

	// fallback 1: experiments with a DOUBLE id in another dataset (the
	// class view casts the ids to VARCHAR): the statement's src part
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: "odd", Message: "odd experiments"})
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(tx.StagingDir(), "e.csv")
	if err := os.WriteFile(csv, []byte("id,structure_id\n1.5,385\n2.5,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atlas.CSVToParquet(ctx, csv, tx.TablePath(projection.ExperimentClass)); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	sn, _ = st.Snapshot(store.Ref{})
	db2, err := st.ReadOnlyDB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, _, _, err := sourceItemsGo(sn, "ccf2017", 385, c.items); !errors.Is(err, errNotColumnar) {
		t.Errorf("DOUBLE ids: Go path taken (%v)", err)
	}
	q, err := PrepareSiteProjections(ctx, st, sn, db2, SiteProjectionsOptions{Source: "VISp", Matrix: SynthMatrix})
	if err != nil || q.SourceRows != 21 || len(q.srcItems) != 22 {
		t.Fatalf("DOUBLE ids: %v, %d source rows, %d items; want 21 and 22 (allen:1.5 is not in the matrix)", err, q.SourceRows, len(q.srcItems))
	}
	if _, ok := q.srcItems["allen:1.5"]; !ok {
		t.Errorf("DOUBLE ids: allen:1.5 missing from %v", q.srcItems)
	}

	// fallback 2: no matrix table: the SQL query's error
	st2, err := store.Init(filepath.Join(t.TempDir(), "empty"))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	sn2, _ := st2.Snapshot(store.Ref{})
	if _, err := matrixCandidates(sn2, ""); !errors.Is(err, errNotColumnar) {
		t.Errorf("no matrix table: %v, want errNotColumnar", err)
	}
	db3, err := st2.ReadOnlyDB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db3.Close()
	if _, err := prepareMatrix(ctx, st2, sn2, db3, "", op); err == nil || err.Error() != fmt.Sprint(func() error { _, _, _, e := experimentMatrix(ctx, st2, db3, "", op); return e }()) ||
		!strings.Contains(err.Error(), "the store has no projection matrix") {
		t.Errorf("no matrix table: %v", err)
	}
}

// synthTestStore is SynthSiteStore's store (200 experiments, nSites sites,
// seed 7), its latest snapshot and a read-only DuckDB over it, closed when
// the test ends; writable are paths DuckDB may write (answers).
func synthTestStore(t *testing.T, nSites int, writable ...string) (*store.Store, *store.Snapshot, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	st, err := SynthSiteStore(ctx, filepath.Join(t.TempDir(), "store"), testenv.SharedData(t, atlas.DefaultOntologyFile), 200, nSites, 7)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := st.ReadOnlyDB(ctx, store.Ref{}, writable...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return st, sn, db
}
