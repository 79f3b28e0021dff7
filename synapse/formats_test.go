package synapse

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// writeFeather writes a CAVE-shaped Arrow IPC file with list positions.
func writeFeather(t *testing.T, path string) {
	t.Helper()
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "pre_pt_root_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "post_pt_root_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "size", Type: arrow.PrimitiveTypes.Int64},
		{Name: "ctr_pt_position", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{3, 1, 2}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{864691135000000002, 864691135000000001, 864691135000000001}, nil)
	b.Field(2).(*array.Int64Builder).AppendValues([]int64{864691135000000001, 864691135000000002, 864691135000000002}, nil)
	b.Field(3).(*array.Int64Builder).AppendValues([]int64{30, 10, 20}, nil)
	lb := b.Field(4).(*array.ListBuilder)
	for i := int64(0); i < 3; i++ {
		lb.Append(true)
		lb.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{100 + i, 200 + i, 300 + i}, nil)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestIngestArrowAndOutputs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	feather := filepath.Join(dir, "syn.feather")
	writeFeather(t, feather)
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r1, err := Ingest(ctx, st, StoreIngestOptions{Dataset: "fly", Files: []string{feather}, Resolution: Resolution{8, 8, 40}})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Rows != 3 || r1.Neurons != 2 {
		t.Fatalf("rows %d neurons %d", r1.Rows, r1.Neurons)
	}
	// a second version with one more synapse; the first stays readable
	csvPath := filepath.Join(dir, "more.csv")
	os.WriteFile(csvPath, []byte("id,pre_pt_root_id,post_pt_root_id,size,ctr_pt_position_x,ctr_pt_position_y,ctr_pt_position_z\n"+
		"1,864691135000000001,864691135000000002,10,100,200,300\n2,864691135000000001,864691135000000002,20,101,201,301\n"+
		"3,864691135000000002,864691135000000001,30,102,202,302\n4,864691135000000002,864691135000000003,40,1,2,3\n"), 0o644)
	if _, err := Ingest(ctx, st, StoreIngestOptions{Dataset: "fly", Files: []string{csvPath}, Resolution: Resolution{8, 8, 40}}); err != nil {
		t.Fatal(err)
	}
	v1, err := OpenDataset(st, store.Ref{Version: r1.Version.Number}, "fly")
	if err != nil {
		t.Fatal(err)
	}
	defer v1.Close()
	latest, err := OpenDataset(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer latest.Close()
	if v1.Index.Rows() != 3 || latest.Index.Rows() != 4 {
		t.Errorf("version rows %d / %d, want 3 / 4", v1.Index.Rows(), latest.Index.Rows())
	}
	if _, err := OpenDataset(st, store.Ref{Version: 99}, "fly"); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("version 99: %v, want ErrNotFound", err)
	}

	// JSON output with list positions converted to nm
	var buf bytes.Buffer
	w, _ := NewRowWriter("json", &buf, "")
	req := &Request{Pre: []int64{864691135000000001}, PreGiven: true, Columns: []string{"id", "size", "ctr_pt_position"}, Desired: &Resolution{1, 1, 1}}
	if _, err := v1.Query(ctx, req, w); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("bad JSON %v:\n%s", err, buf.String())
	}
	if len(rows) != 2 || rows[0]["id"].(float64) != 1 || fmt.Sprint(rows[0]["ctr_pt_position"]) != "[808 1608 12040]" {
		t.Errorf("JSON rows %v", rows)
	}

	// Parquet output from the index path and from the Parquet path read back with DuckDB
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	for _, cols := range [][]string{{"id", "pre_pt_root_id", "post_pt_root_id", "size"}, nil} {
		out := filepath.Join(dir, fmt.Sprintf("q%d.parquet", len(cols)))
		pw, err := NewRowWriter("parquet", nil, out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := latest.Query(ctx, &Request{Post: []int64{864691135000000002}, PostGiven: true, Columns: cols}, pw); err != nil {
			t.Fatal(err)
		}
		var n int64
		var s float64
		if err := db.QueryRow("SELECT count(*), sum(size) FROM read_parquet('"+out+"')").Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		if n != 2 || s != 30 {
			t.Errorf("%v: parquet output %d rows size %v, want 2 rows, 30", cols, n, s)
		}
	}

	// SQL-only filter (positions) composes with root-id sets; --filter-out on root ids
	var c capture
	if _, err := latest.Query(ctx, &Request{FilterEqual: map[string]string{"ctr_pt_position_x": "101"}, Columns: []string{"id"}}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.rows) != 1 || c.rows[0][0].(int64) != 2 {
		t.Errorf("filter on ctr_pt_position_x: %v", c.rows)
	}
	c = capture{}
	if _, err := latest.Query(ctx, &Request{FilterOut: map[string][]string{"post_pt_root_id": {"864691135000000002"}}, Columns: []string{"id"}}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.rows) != 2 {
		t.Errorf("filter-out post: %v", c.rows)
	}
	// limit on the Parquet path
	c = capture{}
	stats, err := latest.Query(ctx, &Request{Limit: 1}, &c)
	if err != nil || len(c.rows) != 1 || !stats.Truncated {
		t.Errorf("limit: %v %v %+v", err, len(c.rows), stats)
	}
}

func TestParseIDs(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "ids.txt")
	os.WriteFile(plain, []byte("864691135000000001\n864691135000000002, 864691135000000003\n"), 0o644)
	withHeader := filepath.Join(dir, "ids.csv")
	os.WriteFile(withHeader, []byte("x,pt_root_id\na,864691135000000005\nb,864691135000000006\n"), 0o644)
	tests := []struct {
		arg  string
		want int
		err  error
	}{
		{"1,2,3", 3, nil},
		{"@" + plain, 3, nil},
		{"@" + withHeader, 2, nil},
		{"1,x", 0, ccc.ErrUsage},
		{"@" + filepath.Join(dir, "missing"), 0, ccc.ErrNotFound},
	}
	for _, tt := range tests {
		ids, err := ParseIDs("--pre", tt.arg)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: error %v, want %v", tt.arg, err, tt.err)
			}
			continue
		}
		if err != nil || len(ids) != tt.want {
			t.Errorf("%s: %v %v", tt.arg, ids, err)
		}
	}
}

func FuzzParseIDs(f *testing.F) {
	f.Add("1,2,3")
	f.Add("864691135808473885 864691135546540484")
	f.Add(",,")
	f.Fuzz(func(t *testing.T, s string) {
		if strings.HasPrefix(s, "@") {
			return
		}
		ids, err := ParseIDs("--pre", s)
		if err == nil && ids == nil {
			t.Error("nil ids without error")
		}
	})
}

func FuzzParseResolution(f *testing.F) {
	f.Add("4,4,40")
	f.Add("[1, 1, 1]")
	f.Add("0,1,2")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseResolution(s)
		if err == nil && (r[0] <= 0 || r[1] <= 0 || r[2] <= 0) {
			t.Errorf("%q accepted as %v", s, r)
		}
	})
}

func ExampleParseResolution() {
	r, _ := ParseResolution("4,4,40")
	fmt.Println(r[0], r[1], r[2])
	// Output: 4 4 40
}

// FuzzWriteTable feeds arbitrary CSV text to the ingest: it must either
// write a table or return an error of a ccc kind, never panic.
func FuzzWriteTable(f *testing.F) {
	for _, name := range []string{"cave_lists.csv", "bad_root.csv", "bad_position.csv", "unknown_column.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata/ingest", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("pre_pt_root_id,post_pt_root_id\n1,2\n")
	f.Add("pre_pt_root_id,post_pt_root_id,ctr_pt_position\n1,2,\"[1 2 3]\"\n3,4,\"(1;2;3)\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		dir := t.TempDir()
		in := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := WriteTable(context.Background(), []string{in}, filepath.Join(dir, "out.parquet"), IngestOptions{TempDir: dir})
		if err != nil && !errors.Is(err, ccc.ErrInvalidData) && !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrNotFound) {
			t.Logf("unclassified error: %v", err)
		}
	})
}
