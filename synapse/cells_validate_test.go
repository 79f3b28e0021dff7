package synapse

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// validateTable validates a stored table closed-world against class with
// package linkml (identifier and unique-key uniqueness included), as
// 'ccc validate --class C FILE.parquet' does; it returns the records read
// and the violations.
func validateTable(t *testing.T, class, path string) (int, []linkml.Violation) {
	t.Helper()
	sch, err := linkml.LoadBuiltin(linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := sch.NewValidator(class, linkml.ValidateOptions{CheckUnique: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM read_parquet(?)", path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	m := v.NewRowMapper(cols)
	st := v.NewStream()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []linkml.Violation
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = st.Add(m.Record(vals), out)
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n, st.Finish(out)
}

// TestCellTablesValidate: an automated and a manual cell-type table that
// label the same nuclei are stored side by side, and the stored
// CellTypeAnnotation and ProofreadingStatus tables validate with 0 errors.
func TestCellTablesValidate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// CAVE reference-table shape: id is the annotation id, target_id the nucleus
	const head = "id,created,valid,target_id,classification_system,cell_type,pt_supervoxel_id,pt_root_id,pt_position_x,pt_position_y,pt_position_z\n"
	auto := write("auto.csv", head+
		"1,2023-12-19 22:38:00+00:00,t,100,excitatory_neuron,23P,7,11,1,2,3\n"+
		"2,2023-12-19 22:38:00+00:00,t,101,excitatory_neuron,4P,7,12,1,2,3\n"+
		"3,2023-12-19 22:38:00+00:00,t,102,excitatory_neuron,4P,7,12,1,2,3\n"+
		"4,2023-12-19 22:38:00+00:00,t,103,inhibitory_neuron,BC,7,13,1,2,3\n"+
		"5,2023-12-19 22:38:00+00:00,t,104,nonneuron,astrocyte,7,0,1,2,3\n"+
		"6,2023-12-19 22:38:00+00:00,t,105,nonneuron,astrocyte,7,0,1,2,3\n")
	// the manual table labels nuclei 100, 101 and 103 again (CAVE annotation
	// ids restart at 1 in each table)
	manual := write("manual.csv", head+
		"1,2023-12-20 10:00:00+00:00,t,100,aibs_coarse_excitatory,5P-IT,7,11,1,2,3\n"+
		"2,2023-12-20 10:00:00+00:00,t,101,aibs_coarse_excitatory,4P,7,12,1,2,3\n"+
		"3,2023-12-20 10:00:00+00:00,t,103,aibs_coarse_inhibitory,MC,7,13,1,2,3\n")
	proof := write("proof.csv", "id,valid,pt_supervoxel_id,pt_root_id,pt_position_x,pt_position_y,pt_position_z,status_dendrite,status_axon,strategy_dendrite,strategy_axon\n"+
		"1,t,7,11,1,2,3,t,t,dendrite_extended,axon_fully_extended\n2,t,7,12,1,2,3,t,f,dendrite_extended,none\n3,t,7,13,1,2,3,f,t,none,axon_column_truncated\n")

	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ingestCells := func(file string, o CellTableOptions) (int64, error) {
		_, n, err := IngestCells(ctx, st, "m", file, o, "")
		return n, err
	}
	stored := func(class string) string {
		sn, err := st.Snapshot(store.Ref{})
		if err != nil {
			t.Fatal(err)
		}
		tb, err := sn.Table("m", class)
		if err != nil {
			t.Fatal(err)
		}
		return tb.Path
	}
	count := func(q string) int64 {
		db, err := st.DB(ctx, store.Ref{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int64
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	valid := func(class string, rows int) {
		t.Helper()
		n, vs := validateTable(t, class, stored(class))
		if n != rows || len(vs) != 0 {
			t.Fatalf("%s: %d rows (want %d), %d violations %v", class, n, rows, len(vs), vs)
		}
	}

	if n, err := ingestCells(auto, CellTableOptions{Kind: KindCellType, Source: "automated"}); err != nil || n != 6 {
		t.Fatalf("automated: %d %v", n, err)
	}
	if n, err := ingestCells(manual, CellTableOptions{Kind: KindCellType, Source: "manual"}); err != nil || n != 9 {
		t.Fatalf("manual: %d %v", n, err)
	}
	valid(ClassCellType, 9)
	if n := count("SELECT count(*) FROM CellTypeAnnotation WHERE id IN (100, 101, 103)"); n != 6 {
		t.Fatalf("nuclei labelled by both sources: %d rows, want 6", n)
	}
	if n := count("SELECT count(*) FROM CellTypeAnnotation WHERE id = 100 AND source = 'manual' AND cell_type = '5P-IT'"); n != 1 {
		t.Fatalf("manual label of nucleus 100: %d rows", n)
	}
	// the same manual table again replaces the manual rows
	if n, err := ingestCells(manual, CellTableOptions{Kind: KindCellType, Source: "manual"}); err != nil || n != 9 {
		t.Fatalf("manual again: %d %v", n, err)
	}
	valid(ClassCellType, 9)
	if _, err := ingestCells(proof, CellTableOptions{Kind: KindProofreading}); err != nil {
		t.Fatal(err)
	}
	valid(ClassProofreading, 3)

	vs, _ := st.Versions("")
	versions := len(vs)
	for _, tc := range []struct {
		name, text string
		o          CellTableOptions
		want       []string
	}{
		{"nucleus labelled twice", head +
			"1,2023-12-20 10:00:00+00:00,t,100,aibs_coarse_excitatory,5P-IT,7,11,1,2,3\n" +
			"2,2023-12-20 10:00:00+00:00,t,101,aibs_coarse_excitatory,4P,7,12,1,2,3\n" +
			"3,2023-12-20 10:00:00+00:00,t,100,aibs_coarse_excitatory,6P-IT,7,11,1,2,3\n",
			CellTableOptions{Kind: KindCellType, Source: "manual"},
			[]string{"dup_manual.csv:4: row 2: field target_id: nucleus id 100 is labelled twice in this manual cell-type table (first at row 0, line 2)", "one_label_per_source"}},
		{"proofreading id twice", "id,pt_root_id,status_axon\n1,11,t\n2,12,t\n2,13,f\n5,14,t\n5,15,t\n",
			CellTableOptions{Kind: KindProofreading},
			[]string{"dup_proof.csv:4: row 2: field id: id 2 is used twice in this proofreading table (first at row 1, line 3)", "(2 repeated rows)"}},
		{"no nucleus id", "cell_type,pt_root_id\n23P,11\n",
			CellTableOptions{Kind: KindCellType, Source: "automated"},
			[]string{"field id: required column missing", "--id-column"}},
		{"missing nucleus id", head + "1,2023-12-20 10:00:00+00:00,t,,x,5P-IT,7,11,1,2,3\n",
			CellTableOptions{Kind: KindCellType, Source: "automated"},
			[]string{"row 0: field target_id: not an integer (or empty; the column is required)"}},
		{"id column absent", "cell_type,pt_root_id\n23P,11\n",
			CellTableOptions{Kind: KindCellType, Source: "automated", IDColumn: "nucleus"},
			[]string{"field nucleus: id column not in the file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := map[string]string{"nucleus labelled twice": "dup_manual.csv", "proofreading id twice": "dup_proof.csv"}[tc.name]
			if name == "" {
				name = strings.ReplaceAll(tc.name, " ", "_") + ".csv"
			}
			_, err := ingestCells(write(name, tc.text), tc.o)
			kind := ccc.ErrInvalidData
			if tc.o.IDColumn != "" {
				kind = ccc.ErrUsage
			}
			if !errors.Is(err, kind) {
				t.Fatalf("want %v, got %v", kind, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	if vs, _ := st.Versions(""); len(vs) != versions {
		t.Fatalf("rejected ingests made versions: %d -> %d", versions, len(vs))
	}
	valid(ClassCellType, 9)

	// A file whose nucleus ids sit in another column: --id-column.
	idx := write("indexed.csv", "Unnamed: 0,cell_type,pt_root_id,pt_x,pt_y,pt_z\n0,23P,11,1,2,3\n1,BC,12,1,2,3\n")
	if n, err := ingestCells(idx, CellTableOptions{Kind: KindCellType, Source: "automated", IDColumn: "Unnamed: 0"}); err != nil || n != 5 {
		t.Fatalf("--id-column: %d %v", n, err)
	}
	valid(ClassCellType, 5)

	// Rows stored by the generic loader without a source are kept (and still
	// valid) when a manual table comes in.
	plain := write("plain.csv", "id,pt_root_id,cell_type\n100,11,23P\n200,21,BC\n")
	if _, err := ingest.Run(ctx, st, ingest.Options{Class: ClassCellType, Dataset: "m", Inputs: []string{plain}}); err != nil {
		t.Fatal(err)
	}
	if n, err := ingestCells(manual, CellTableOptions{Kind: KindCellType, Source: "manual"}); err != nil || n != 5 {
		t.Fatalf("manual over source-less rows: %d %v", n, err)
	}
	valid(ClassCellType, 5)
	if n := count("SELECT count(*) FROM CellTypeAnnotation WHERE source IS NULL"); n != 2 {
		t.Fatalf("source-less rows kept: %d", n)
	}
}
