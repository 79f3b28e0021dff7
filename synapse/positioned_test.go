package synapse

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/synapse/synth"
)

// positionedPair opens one synthetic index twice: mapped (the default)
// and with positioned reads forced for every gather.
func positionedPair(t *testing.T) (mapped, positioned *Dataset) {
	t.Helper()
	oldFault, oldPar := faultBytes, parallelRows
	faultBytes = 1     // every gather reads with pread, however many rows
	parallelRows = 500 // walks of more rows are split between goroutines
	t.Cleanup(func() { faultBytes, parallelRows = oldFault, oldPar })
	dir := t.TempDir()
	ctx := context.Background()
	if _, err := synth.Generate(ctx, synth.Options{Neurons: 600, Synapses: 40000, Seed: 3, Minimal: true}, dir); err != nil {
		t.Fatal(err)
	}
	tbl := filepath.Join(dir, "t.parquet")
	if _, err := WriteTable(ctx, []string{filepath.Join(dir, synth.SynapsesFile)}, tbl, IngestOptions{TempDir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildIndex(ctx, tbl, filepath.Join(dir, "ix")); err != nil {
		t.Fatal(err)
	}
	open := func(pos bool) *Dataset {
		ix, err := OpenIndex(filepath.Join(dir, "ix"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		if pos {
			if err := ix.UsePositionedReads(); err != nil {
				t.Fatal(err)
			}
		}
		return &Dataset{Name: "t", Table: tbl, Index: ix, Resolution: DefaultResolution}
	}
	return open(false), open(true)
}

// TestPositionedReadsSameAnswers runs each kind of selection (pre walk,
// post walk over one and several neurons, post scan, whole table, row
// filters, limits) with mapped and with positioned reads, in CSV (column
// batches) and JSON (rows), and requires the same bytes and the row count
// of Index.Select.
func TestPositionedReadsSameAnswers(t *testing.T) {
	mapped, pos := positionedPair(t)
	ix := mapped.Index
	ids := func(from, n, step int) []int64 {
		var out []int64
		for i := from; i < ix.Neurons() && len(out) < n; i += step {
			out = append(out, ix.Roots[i])
		}
		return out
	}
	set, one, many := ids(3, 40, 13), ids(300, 1, 1), ids(0, 400, 1)
	strs := func(xs []int64) []string {
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = strconv.FormatInt(x, 10)
		}
		return out
	}
	idOf := strconv.FormatInt(ix.ID[ix.Rows()/2], 10)
	cases := []struct {
		name string
		req  Request
		walk walk
	}{
		{"outputs of one", Request{Pre: one, PreGiven: true}, walkPre},
		{"outputs of most", Request{Pre: many, PreGiven: true, RemoveAutapses: true}, walkPre},
		{"inputs of one", Request{Post: one, PostGiven: true}, walkPost},
		{"inputs of a set", Request{Post: set, PostGiven: true, RemoveAutapses: true}, walkPost},
		{"subgraph", Request{Pre: set, PreGiven: true, Post: set, PostGiven: true, RemoveAutapses: true}, walkPre},
		{"one onto a set", Request{Pre: many, PreGiven: true, Post: one, PostGiven: true}, walkPost},
		{"inputs of most", Request{Post: many, PostGiven: true}, scanPost},
		{"all, limited", Request{Limit: 777}, walkAll},
		{"subgraph, limited", Request{Pre: set, PreGiven: true, Post: set, PostGiven: true, Limit: 5}, walkPre},
		{"size filter", Request{Pre: set, PreGiven: true, FilterOut: map[string][]string{"size": {"0"}}}, walkPre},
		{"id filter", Request{Post: one, PostGiven: true, FilterIn: map[string][]string{"id": {idOf}}}, walkPost},
		{"pre filter-out", Request{Post: set, PostGiven: true, FilterOut: map[string][]string{"pre_pt_root_id": strs(set)}}, walkPost},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := mapped.plan(ctx, &c.req)
			if err != nil {
				t.Fatal(err)
			}
			if w := ix.walk(p.filter); w != c.walk {
				t.Fatalf("walk %d, want %d: the case does not test what it says", w, c.walk)
			}
			want := int64(len(ix.Select(p.filter)))
			if c.req.Limit > 0 {
				want = min(want, c.req.Limit)
			}
			if want == 0 && c.name != "id filter" {
				t.Fatal("empty selection: the case tests nothing")
			}
			for _, format := range []string{"csv", "json"} {
				var out [2]bytes.Buffer
				for k, d := range []*Dataset{mapped, pos} {
					r := c.req
					r.Columns = []string{"id", "pre_pt_root_id", "post_pt_root_id", "size"}
					w, _ := NewRowWriter(format, &out[k], "")
					st, err := d.Query(ctx, &r, w)
					if err != nil {
						t.Fatal(err)
					}
					if st.Rows != want {
						t.Errorf("%s: %d rows written, want %d", format, st.Rows, want)
					}
				}
				if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
					t.Errorf("%s: positioned reads wrote %d bytes, mapped %d; they differ", format, out[1].Len(), out[0].Len())
				}
				// the same rows given one by one (no column batches)
				var byRow bytes.Buffer
				r := c.req
				r.Columns = []string{"id", "pre_pt_root_id", "post_pt_root_id", "size"}
				w, _ := NewRowWriter(format, &byRow, "")
				if _, err := pos.Query(ctx, &r, rowsOnly{w}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out[0].Bytes(), byRow.Bytes()) {
					t.Errorf("%s: column batches wrote %d bytes, rows %d; they differ", format, out[0].Len(), byRow.Len())
				}
			}
			// every column (the DuckDB path, told the neuron sets): the
			// same rows, in the same order, as the index columns
			var fast, all bytes.Buffer
			for k, cols := range [][]string{{"id"}, nil} {
				r := c.req
				r.Columns = cols
				w, _ := NewRowWriter("csv", []*bytes.Buffer{&fast, &all}[k], "")
				if _, err := mapped.Query(ctx, &r, w); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := testenv.CSVColumn(t, all.String(), "id"), testenv.CSVColumn(t, fast.String(), "id"); !slices.Equal(got, want) || int64(len(got)) != want0(c.req, ix, p) {
				t.Errorf("every column: %d rows, the index columns %d", len(got), len(want))
			}
			var pairs [2]bytes.Buffer
			for k, d := range []*Dataset{mapped, pos} {
				r := c.req
				w, _ := NewRowWriter("csv", &pairs[k], "")
				if _, err := d.WritePairs(ctx, &r, w, false); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(pairs[0].Bytes(), pairs[1].Bytes()) {
				t.Errorf("pairs differ:\n%s\n---\n%s", pairs[0].String(), pairs[1].String())
			}
		})
	}
}

// TestCSVColumnsEqualRows checks that a batch of columns is written with
// exactly the bytes encoding/csv writes for the same rows, quoting included.
func TestCSVColumnsEqualRows(t *testing.T) {
	strs := []string{"", " lead", "a,b", `q"x`, "line\nbreak", `\.`, "plain", "é", "cr\r", "\ttab"}
	ints := make([]int64, len(strs))
	floats := make([]float64, len(strs))
	for k := range strs {
		ints[k] = int64(k*k) - 5
		floats[k] = float64(k) / 3
	}
	floats[2], floats[3], floats[4], floats[5], floats[6], floats[7] = math.NaN(), 1e21, -0.5, math.Copysign(0, -1), 12120, -1e15
	floats[8], floats[9] = math.Inf(1), 999999999999999
	ints[4], ints[5], ints[6] = ints[3], ints[3], math.MinInt64 // repeated values are copied from the line above
	hdr := []Col{{"i", KindInt}, {"s", KindString}, {"f", KindFloat}}
	var byCols, byRows bytes.Buffer
	w, _ := NewRowWriter("csv", &byCols, "")
	w.Header(hdr)
	if err := w.(ColumnWriter).Columns([]any{ints, strs, floats}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, _ = NewRowWriter("csv", &byRows, "")
	w.Header(hdr)
	for k := range strs {
		w.Row([]any{ints[k], strs[k], floats[k]})
	}
	w.Close()
	if byCols.String() != byRows.String() {
		t.Errorf("columns:\n%q\nrows:\n%q", byCols.String(), byRows.String())
	}
	if n := bytes.Count(byRows.Bytes(), []byte("\n")); n != len(strs)+2 { // header + rows + the quoted line break
		t.Errorf("%d lines", n)
	}
	if err := w.(ColumnWriter).Columns([]any{ints, strs}); err == nil {
		t.Error("a batch with a missing column was accepted")
	}
	if err := w.(ColumnWriter).Columns([]any{ints, strs[:2], floats}); err == nil {
		t.Error("a batch with columns of different lengths was accepted")
	}
}

// failWriter accepts the header and n batches, then fails.
type failWriter struct {
	n int
}

var errFull = errors.New("disk full")

func (f *failWriter) Header([]Col) error { return nil }
func (f *failWriter) Row([]any) error    { return f.Columns(nil) }
func (f *failWriter) Close() error       { return nil }
func (f *failWriter) Columns([]any) error {
	if f.n == 0 {
		return errFull
	}
	f.n--
	return nil
}

// TestWriteFastStopsOnWriterError checks that a failing writer stops a
// query of several batches (the gathering goroutine included) with its
// error, having written only what it accepted.
func TestWriteFastStopsOnWriterError(t *testing.T) {
	_, pos := positionedPair(t)
	for _, n := range []int{0, 1, 2} {
		r := Request{Columns: []string{"id", "size"}}
		st, err := pos.Query(context.Background(), &r, &failWriter{n: n})
		if !errors.Is(err, errFull) {
			t.Fatalf("after %d batches: err %v, want the writer's", n, err)
		}
		if st.Rows != int64(n*fastBatchRows) {
			t.Errorf("after %d batches: %d rows counted, want %d", n, st.Rows, n*fastBatchRows)
		}
	}
}

// rowsOnly hides a writer's Columns method.
type rowsOnly struct{ RowWriter }

// want0 is the rows a request selects (its limit applied).
func want0(r Request, ix *Index, p *plan) int64 {
	n := int64(len(ix.Select(p.filter)))
	if r.Limit > 0 {
		n = min(n, r.Limit)
	}
	return n
}
