package synapse

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func ingestFiles(t *testing.T, files ...string) (*Index, string) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "Synapse.parquet")
	if _, err := WriteTable(context.Background(), files, out, IngestOptions{TempDir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildIndex(context.Background(), out, filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	ix, err := OpenIndex(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, out
}

func TestIngestCAVEListsAndIndex(t *testing.T) {
	ix, out := ingestFiles(t, "testdata/ingest/cave_lists.csv")
	if ix.Rows() != 6 || ix.Neurons() != 4 {
		t.Fatalf("rows %d neurons %d, want 6 and 4", ix.Rows(), ix.Neurons())
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var x, y, z float64
	var valid bool
	if err := db.QueryRow("SELECT ctr_pt_position_x, ctr_pt_position_y, ctr_pt_position_z, valid FROM read_parquet('"+out+"') WHERE id = 138110803").Scan(&x, &y, &z, &valid); err != nil {
		t.Fatal(err)
	}
	if x != 163460 || y != 104356 || z != 19804 || !valid {
		t.Errorf("numpy-style list parsed as %v %v %v valid=%v", x, y, z, valid)
	}
	a := int64(864691135808473885)
	b := int64(864691135546540484)
	sa, _ := ix.NewSet([]int64{a})
	rows := ix.Select(Filter{Pre: sa})
	if len(rows) != 5 {
		t.Errorf("outputs of %d: %d rows, want 5", a, len(rows))
	}
	rows = ix.Select(Filter{Pre: sa, RemoveAutapses: true})
	if len(rows) != 4 {
		t.Errorf("outputs without autapse: %d, want 4", len(rows))
	}
	sb, _ := ix.NewSet([]int64{b})
	pairs := ix.PairCounts(ix.Select(Filter{Pre: sa, Post: sb}))
	if len(pairs) != 1 || pairs[0].Count != 2 || pairs[0].SumSize != 420+1796 {
		t.Errorf("pair a->b = %+v, want 2 synapses, size 2216", pairs)
	}
	in := ix.Select(Filter{Post: sa})
	if len(in) != 2 {
		t.Errorf("inputs of a: %d, want 2 (b->a and the autapse)", len(in))
	}
	none, missing := ix.NewSet([]int64{42})
	if missing != 1 || len(ix.Select(Filter{Pre: none})) != 0 {
		t.Error("unknown id should select nothing")
	}
}

func TestIngestErrors(t *testing.T) {
	tests := []struct {
		file      string
		kind      error
		want      []string
		line, row int
	}{
		{"bad_root.csv", ccc.ErrInvalidData, []string{"pre_pt_root_id", "not an integer", "86469113580847388x", "864691135808473885"}, 3, 1},
		{"bad_position.csv", ccc.ErrInvalidData, []string{"ctr_pt_position", "three numbers", "[x, y, z]"}, 3, 1},
		{"missing.csv", ccc.ErrNotFound, []string{"does not exist"}, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.parquet")
			_, err := WriteTable(context.Background(), []string{filepath.Join("testdata/ingest", tt.file)}, out, IngestOptions{TempDir: dir})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %v is not %v", err, tt.kind)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			var ce *ccc.Error
			if errors.As(err, &ce) && (ce.Line != tt.line || ce.Row != tt.row) {
				t.Errorf("line %d row %d, want %d %d", ce.Line, ce.Row, tt.line, tt.row)
			}
		})
	}
}

// TestIngestUnknownColumn: a column that maps to no Synapse slot is not
// stored and is named (the loaders' common rule), not an error.
func TestIngestUnknownColumn(t *testing.T) {
	dir := t.TempDir()
	var got []string
	n, err := WriteTable(context.Background(), []string{"testdata/ingest/unknown_column.csv"}, filepath.Join(dir, "out.parquet"),
		IngestOptions{TempDir: dir, Unmapped: func(_ string, cols []string) { got = append(got, cols...) }})
	if err != nil || n != 1 || strings.Join(got, ",") != "flavour" {
		t.Fatalf("rows %d, unmapped %v, %v", n, got, err)
	}
}
