package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// aggregateStore ingests the synthetic spatial cells with a few cells
// without a cluster (every 50th) and without a position or label (every
// 70th), so the CellClusterRegionCount table has NULL rows. It returns the
// store and the synth directory.
func aggregateStore(t *testing.T) (string, string) {
	t.Helper()
	st, syn := cellsStore(t, "4000")
	rows := readCSVFile(t, filepath.Join(syn, "spatial_cells.csv"))
	var b strings.Builder
	b.WriteString(strings.Join(rows[0], ",") + "\n")
	for i, r := range rows[1:] {
		if i%50 == 7 {
			r[5] = ""
		}
		if i%70 == 3 {
			r[1], r[2], r[3], r[4] = "", "", "", "unassigned"
		}
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	in := filepath.Join(syn, "spatial_holes.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, e := runCLI(t, nil, "--store", st, "cells", "ingest", "--dataset", "merfish", "--modality", "transcriptomics",
		"--taxonomy", "wmb-synth", "--score-col", "score", in)
	if code != 0 {
		t.Fatalf("ingest: %d %s %s", code, out, e)
	}
	if !strings.Contains(out, "58 unlocated") || !strings.Contains(out, "3920 cells mapped, 80 without a cluster") {
		t.Fatalf("ingest report: %s", out)
	}
	return st, syn
}

type countEnv struct {
	sn *store.Snapshot
	t  *taxonomy.Taxonomy
	on *atlas.Ontology
}

func openCountEnv(t *testing.T, st string) (*store.Store, countEnv) {
	t.Helper()
	s, err := store.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := s.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := taxonomy.Open(sn, "wmb-synth")
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Open(s, store.Ref{}, "ccf2017")
	if err != nil {
		t.Fatal(err)
	}
	return s, countEnv{sn, tx, a.Ontology}
}

// TestCountAggregateEqualsDirect: 'cells count' from the
// CellClusterRegionCount table equals the direct join over every cell
// (rows and totals) for each level and region spec, and the subclass
// counts equal a DuckDB SQL computation on the synthetic CSV files
// (cluster_alias -> subclass from the ABC membership CSV, region subtree
// from BrainRegionClosure).
func TestCountAggregateEqualsDirect(t *testing.T) {
	st, syn := aggregateStore(t)
	s, env := openCountEnv(t, st)
	defer s.Close()
	visp, _ := env.on.Lookup("VISp")
	var all []int64
	for _, r := range env.on.Regions() {
		all = append(all, r.ID)
	}
	ctx := context.Background()
	var viaAgg []cells.CountRow
	for _, level := range []string{"class", "subclass", "supertype", "cluster"} {
		l, err := env.t.LevelIndex(level)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name    string
			regions []int64
			desc    bool
		}{{"root", nil, false}, {"root+desc", nil, true}, {"VISp+desc", []int64{visp.ID}, true}, {"VISp", []int64{visp.ID}, false},
			{"all", all, false}, {"all+desc", all, true}} {
			t.Run(level+"/"+c.name, func(t *testing.T) {
				o := cells.CountOptions{Taxonomy: env.t, Level: l, Ontology: env.on, Regions: c.regions, IncludeDescendants: c.desc}
				got, gs, err := cells.Count(ctx, env.sn, o)
				if err != nil {
					t.Fatal(err)
				}
				o.Direct = true
				want, ws, err := cells.Count(ctx, env.sn, o)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(gs.FromAggregate, []string{"merfish"}) || !reflect.DeepEqual(ws.Direct, []string{"merfish"}) {
					t.Fatalf("paths: aggregate %v, direct %v", gs.FromAggregate, ws.Direct)
				}
				if len(got) == 0 && c.desc {
					t.Fatal("no rows")
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("aggregate rows differ from the direct join:\n%v\n%v", got, want)
				}
				if !reflect.DeepEqual(statsNoLists(gs), statsNoLists(ws)) {
					t.Errorf("stats: aggregate %+v, direct %+v", *gs, *ws)
				}
				if gs.Cells != 4000 || gs.Located != 4000-58 {
					t.Errorf("stats %+v", *gs)
				}
				if level == "subclass" && c.name == "VISp+desc" {
					viaAgg = got
				}
			})
		}
	}
	// DuckDB SQL on the input CSVs (+ the store's region of each cell)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ct, _ := env.sn.Table("merfish", cells.CellClass)
	cl, _ := env.sn.Table("ccf2017", atlas.ClosureClass)
	q := fmt.Sprintf(`SELECT m.cluster_annotation_term_label, count(*) FROM read_csv(%s, all_varchar = true) s
		JOIN read_parquet(%s) c ON c.cell_id = s.cell_label
		JOIN read_csv(%s, all_varchar = true) m ON m.cluster_alias = s.cluster_alias AND m.cluster_annotation_term_set_name = 'subclass'
		JOIN read_parquet(%s) r ON r.descendant_structure_id = c.brain_region AND r.ancestor_acronym = 'VISp'
		GROUP BY 1`, store.QuoteString(filepath.Join(syn, "spatial_holes.csv")), store.QuoteString(ct.Path),
		store.QuoteString(filepath.Join(syn, "abc", "cluster_to_cluster_annotation_membership.csv")), store.QuoteString(cl.Path))
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	var total int64
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		want[k] = n
		total += n
	}
	rows.Close()
	got := map[string]int64{}
	for _, r := range viaAgg {
		got[r.Cluster] = r.Count
	}
	if len(want) < 5 || total != 119 || !reflect.DeepEqual(got, want) {
		t.Errorf("VISp subclass counts %v, DuckDB SQL on the CSVs %v (%d cells)", got, want, total)
	}
}

func statsNoLists(s *cells.CountStats) *cells.CountStats {
	c := *s
	c.FromAggregate, c.Direct, c.Notes = nil, nil, nil
	return &c
}

// TestCountAggregateStaleOrDamaged: a CellClusterRegionCount table older
// than the dataset's assignments is not used (a note says why, counts come
// from the join and are unchanged); a current one whose counts do not sum
// to the cells is refused (exit 2, naming the table).
func TestCountAggregateStaleOrDamaged(t *testing.T) {
	st, _ := aggregateStore(t)
	count := func(args ...string) (int, string, string) {
		return runCLI(t, nil, append([]string{"--store", st, "cells", "count", "--by", "subclass", "--region", "VISp", "--include-descendants", "--format", "csv"}, args...)...)
	}
	code, before, e := count()
	if code != 0 || !strings.Contains(e, "counted from CellClusterRegionCount: merfish") {
		t.Fatalf("count: %d %s", code, e)
	}
	if code, _, e := count("--all-regions"); code != 2 || !strings.Contains(e, "give --region R,... or --all-regions, not both") {
		t.Fatalf("--region with --all-regions: %d %s", code, e)
	}
	rewrite := func(classes map[string]string) {
		t.Helper()
		s, env := openCountEnv(t, st)
		defer s.Close()
		tx, err := s.Begin(context.Background(), store.TxOptions{Dataset: "merfish", Message: "test rewrite"})
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for class, sel := range classes {
			ti, err := env.sn.Table("merfish", class)
			if err != nil {
				t.Fatal(err)
			}
			q := fmt.Sprintf("COPY (SELECT %s FROM read_parquet(%s)) TO %s (FORMAT parquet)", sel, store.QuoteString(ti.Path), store.QuoteString(tx.TablePath(class)))
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// the same assignments rewritten by a later version: the table is stale
	rewrite(map[string]string{cells.CellClusterMap: "*"})
	code, after, e := count()
	if code != 0 || after != before || !strings.Contains(e, "counted with a join over every cell: merfish") ||
		!strings.Contains(e, "note: merfish: CellClusterRegionCount of version 4 does not describe cells of version 4 and assignments of version 5") {
		t.Fatalf("stale: %d\n%s\n%s", code, after, e)
	}
	// all three current, but the counts do not add up
	rewrite(map[string]string{cells.CellClass: "*", cells.CellClusterMap: "*", cells.CountClass: "brain_region, cluster, cell_count * 2 AS cell_count"})
	code, out, e := count()
	if code != 2 || !strings.Contains(e, "CellClusterRegionCount table: counts 8000 cells (7840 with a cluster) but CellMetadata has 4000 rows") ||
		!strings.Contains(e, "tables/CellClusterRegionCount/merfish/") {
		t.Fatalf("damaged: %d\n%s\n%s", code, out, e)
	}
	// --direct still counts it
	code, out, e = count("--direct")
	if code != 0 || out != before {
		t.Fatalf("--direct: %d\n%s\n%s", code, out, e)
	}
	// a file changed on disk never reaches the Parquet reader
	s, env := openCountEnv(t, st)
	ti, _ := env.sn.Table("merfish", cells.CountClass)
	s.Close()
	b, err := os.ReadFile(ti.Path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.Chmod(ti.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ti.Path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, e = count()
	if code != 2 || !strings.Contains(e, "SHA-256 differs from the manifest's") || !strings.Contains(e, ti.Path) {
		t.Fatalf("changed file: %d\n%s\n%s", code, out, e)
	}
}
