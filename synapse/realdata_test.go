package synapse

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// capture is a RowWriter that keeps rows in memory.
type capture struct {
	cols []Col
	rows [][]any
}

func (c *capture) Header(cols []Col) error { c.cols = cols; return nil }
func (c *capture) Row(v []any) error       { c.rows = append(c.rows, slices.Clone(v)); return nil }
func (c *capture) Close() error            { return nil }

func (c *capture) col(name string) int {
	for i, x := range c.cols {
		if x.Name == name {
			return i
		}
	}
	return -1
}

// csvSyn is one synapse read independently from the MICrONS CSV.
type csvSyn struct {
	id, pre, post int64
	size          float64
}

func readMicronsCSV(t *testing.T, path string) []csvSyn {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]int{}
	for i, n := range recs[0] {
		h[n] = i
	}
	var out []csvSyn
	for _, r := range recs[1:] {
		id, _ := strconv.ParseInt(r[h["id"]], 10, 64)
		pre, _ := strconv.ParseInt(r[h["pre_pt_root_id"]], 10, 64)
		post, _ := strconv.ParseInt(r[h["post_pt_root_id"]], 10, 64)
		size, _ := strconv.ParseFloat(r[h["size"]], 64)
		out = append(out, csvSyn{id, pre, post, size})
	}
	return out
}

func readCellsCSV(t *testing.T, path string) map[int64]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	count := map[int64]int{}
	typ := map[int64]string{}
	for _, r := range recs[1:] {
		root, _ := strconv.ParseInt(r[2], 10, 64)
		count[root]++
		typ[root] = r[1]
	}
	for r, n := range count {
		if n > 1 { // several nuclei: dropped, as in the tutorial
			typ[r] = Unsure
		}
	}
	return typ
}

func topRoots(syns []csvSyn, n int) []int64 {
	c := map[int64]int{}
	for _, s := range syns {
		c[s.pre]++
		c[s.post]++
	}
	var ids []int64
	for id := range c {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if c[ids[i]] != c[ids[j]] {
			return c[ids[i]] > c[ids[j]]
		}
		return ids[i] < ids[j]
	})
	return ids[:min(n, len(ids))]
}

func TestMicronsRealData(t *testing.T) {
	ctx := context.Background()
	f5 := testenv.SharedData(t, "microns/synapses_23P_corner_5.csv")
	f50 := testenv.SharedData(t, "microns/synapses_23P_corner_50.csv")
	cellsCSV := testenv.SharedData(t, "microns/cells_no_repeats.csv")
	st, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// the files carry a pandas index (blank header: ignored), synapse_id
	// and cell_type_pre: not Synapse slots, named and not stored
	var unmapped []string
	if _, err := Ingest(ctx, st, StoreIngestOptions{Dataset: "minnie", Files: []string{f5}, Resolution: Resolution{1000, 1000, 1000},
		Unmapped: func(_ string, cols []string) { unmapped = append(unmapped, cols...) }}); err != nil || strings.Join(unmapped, ",") != "synapse_id,cell_type_pre" {
		t.Fatalf("unmapped %v, %v", unmapped, err)
	}
	res, err := Ingest(ctx, st, StoreIngestOptions{Dataset: "minnie", Files: []string{f5, f50}, Resolution: Resolution{1000, 1000, 1000}, DropUnknown: true})
	if err != nil {
		t.Fatal(err)
	}
	// the file has no nucleus id column: its pandas index stands in
	if _, _, err := IngestCells(ctx, st, "minnie", cellsCSV, CellTableOptions{Kind: KindCellType, Source: "automated", DropUnknown: true}, "cells"); !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "--id-column") {
		t.Fatalf("cells without a nucleus id column: %v", err)
	}
	if _, n, err := IngestCells(ctx, st, "minnie", cellsCSV, CellTableOptions{Kind: KindCellType, Source: "automated", DropUnknown: true, IDColumn: "Unnamed: 0"}, "cells"); err != nil || n != 56209 {
		t.Fatalf("cells: %d rows, %v", n, err)
	}
	syns := append(readMicronsCSV(t, f5), readMicronsCSV(t, f50)...)
	if res.Rows != int64(len(syns)) {
		t.Fatalf("ingested %d rows, CSVs hold %d", res.Rows, len(syns))
	}
	ds, err := OpenDataset(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.Resolution != (Resolution{1000, 1000, 1000}) {
		t.Errorf("resolution %v", ds.Resolution)
	}

	t.Run("pair counts of the whole table", func(t *testing.T) {
		type key struct{ a, b int64 }
		want := map[key][2]float64{}
		for _, s := range syns {
			v := want[key{s.pre, s.post}]
			want[key{s.pre, s.post}] = [2]float64{v[0] + 1, v[1] + s.size}
		}
		var c capture
		if _, err := ds.WritePairs(ctx, &Request{}, &c, false); err != nil {
			t.Fatal(err)
		}
		if len(c.rows) != len(want) {
			t.Fatalf("%d pairs, want %d", len(c.rows), len(want))
		}
		for _, r := range c.rows {
			k := key{r[0].(int64), r[1].(int64)}
			if w := want[k]; float64(r[2].(int64)) != w[0] || r[3].(float64) != w[1] {
				t.Errorf("pair %v: count %v size %v, want %v", k, r[2], r[3], w)
			}
		}
	})

	tops := topRoots(syns, 25)
	t.Run("outputs, inputs and degree of the busiest neurons", func(t *testing.T) {
		var deg capture
		if _, err := ds.WriteDegrees(ctx, tops, &Request{}, &deg); err != nil {
			t.Fatal(err)
		}
		for _, r := range deg.rows {
			root := r[0].(int64)
			var out, in int64
			for _, s := range syns {
				if s.pre == root {
					out++
				}
				if s.post == root {
					in++
				}
			}
			if r[1].(int64) != out || r[2].(int64) != in {
				t.Errorf("%d: degree out %v in %v, want %d %d", root, r[1], r[2], out, in)
			}
			var q capture
			if _, err := ds.Query(ctx, &Request{Post: []int64{root}, PostGiven: true, Columns: []string{"id", "post_pt_root_id"}}, &q); err != nil {
				t.Fatal(err)
			}
			if int64(len(q.rows)) != in {
				t.Errorf("%d: query --post gave %d rows, want %d", root, len(q.rows), in)
			}
		}
	})

	t.Run("degree of every neuron (one pass) equals the CSV", func(t *testing.T) {
		out, in := map[int64]int64{}, map[int64]int64{}
		outP, inP := map[int64]map[int64]bool{}, map[int64]map[int64]bool{}
		for _, s := range syns {
			out[s.pre]++
			in[s.post]++
			if outP[s.pre] == nil {
				outP[s.pre] = map[int64]bool{}
			}
			if inP[s.post] == nil {
				inP[s.post] = map[int64]bool{}
			}
			outP[s.pre][s.post] = true
			inP[s.post][s.pre] = true
		}
		var deg capture
		if _, err := ds.WriteDegrees(ctx, nil, &Request{}, &deg); err != nil {
			t.Fatal(err)
		}
		if len(deg.rows) != ds.Index.Neurons() {
			t.Fatalf("%d rows, want %d neurons", len(deg.rows), ds.Index.Neurons())
		}
		for _, r := range deg.rows {
			id := r[0].(int64)
			if r[1].(int64) != out[id] || r[2].(int64) != in[id] || r[3].(int64) != int64(len(outP[id])) || r[4].(int64) != int64(len(inP[id])) {
				t.Fatalf("%d: %v, want out %d in %d partners %d %d", id, r, out[id], in[id], len(outP[id]), len(inP[id]))
			}
		}
	})

	t.Run("matrix among the busiest neurons", func(t *testing.T) {
		m, err := ds.Matrix(ctx, &Request{RemoveAutapses: true}, tops, tops, ValueCount)
		if err != nil {
			t.Fatal(err)
		}
		ids := sortedUnique(tops)
		pos := map[int64]int{}
		for i, id := range ids {
			pos[id] = i
		}
		want := make([]float64, len(ids)*len(ids))
		for _, s := range syns {
			a, ok1 := pos[s.pre]
			b, ok2 := pos[s.post]
			if ok1 && ok2 && s.pre != s.post {
				want[a*len(ids)+b]++
			}
		}
		total := 0.0
		for _, v := range want {
			total += v
		}
		if total == 0 {
			t.Fatal("the busiest neurons share no synapse: test data changed?")
		}
		if !slices.Equal(m.Values, want) {
			t.Errorf("count matrix differs from the CSV\n got %v\nwant %v", m.Values, want)
		}
		bin, err := ds.Matrix(ctx, &Request{RemoveAutapses: true}, tops, tops, ValueBinary)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range want {
			if (v > 0) != (bin.Values[i] == 1) {
				t.Fatalf("binary matrix cell %d = %v, count %v", i, bin.Values[i], v)
			}
		}
	})

	t.Run("cell types joined to synapses", func(t *testing.T) {
		types := readCellsCSV(t, cellsCSV)
		var c capture
		if _, err := ds.Query(ctx, &Request{Columns: []string{"id", "pre_pt_root_id", "post_pt_root_id", "cell_type_pre", "cell_type_post"}}, &c); err != nil {
			t.Fatal(err)
		}
		if len(c.rows) != len(syns) {
			t.Fatalf("%d rows", len(c.rows))
		}
		known := 0
		for _, r := range c.rows {
			for side := 0; side < 2; side++ {
				want, ok := types[r[1+side].(int64)]
				if !ok {
					want = Unsure
				}
				if want != Unsure {
					known++
				}
				if got := r[3+side].(string); got != want {
					t.Fatalf("synapse %v side %d: cell type %q, want %q", r[0], side, got, want)
				}
			}
		}
		if known == 0 {
			t.Error("no synapse side has a cell type: join broken")
		}
		// the 23P corner files hold synapses onto 23P cells
		var q capture
		if _, err := ds.Query(ctx, &Request{PostTypes: []string{"23P"}, Columns: []string{"id"}}, &q); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range syns {
			if types[s.post] == "23P" {
				n++
			}
		}
		if len(q.rows) != n || n == 0 {
			t.Errorf("--post-type 23P: %d rows, want %d", len(q.rows), n)
		}
	})

	t.Run("type matrix equals DuckDB over the CSVs", func(t *testing.T) {
		tm, err := ds.ByCellType(ctx, &Request{}, tops, tops)
		if err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("duckdb", "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var list []string
		for _, id := range tops {
			list = append(list, strconv.FormatInt(id, 10))
		}
		in := "(" + joinComma(list) + ")"
		q := `WITH s AS (SELECT pre_pt_root_id AS pre, post_pt_root_id AS post FROM read_csv([` + store.QuoteString(f5) + `, ` + store.QuoteString(f50) + `])
			WHERE pre_pt_root_id IN ` + in + ` AND post_pt_root_id IN ` + in + ` AND pre_pt_root_id <> post_pt_root_id),
			c AS (SELECT pt_root_id, any_value(cell_type) AS t, count(*) AS n FROM read_csv(` + store.QuoteString(cellsCSV) + `) GROUP BY 1),
			ct AS (SELECT pt_root_id, CASE WHEN n > 1 THEN 'unsure' ELSE t END AS t FROM c)
			SELECT coalesce(a.t, 'unsure'), coalesce(b.t, 'unsure'), count(*), count(DISTINCT (pre, post))
			FROM s LEFT JOIN ct a ON a.pt_root_id = s.pre LEFT JOIN ct b ON b.pt_root_id = s.post GROUP BY 1, 2`
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		checked := 0
		for rows.Next() {
			var ta, tb string
			var syn, pairs int64
			if err := rows.Scan(&ta, &tb, &syn, &pairs); err != nil {
				t.Fatal(err)
			}
			a, b := slices.Index(tm.PreTypes, ta), slices.Index(tm.PostTypes, tb)
			if a < 0 || b < 0 {
				t.Fatalf("type pair %s->%s missing", ta, tb)
			}
			k := a*len(tm.PostTypes) + b
			if tm.Synapses[k] != float64(syn) || tm.Connected[k] != float64(pairs) {
				t.Errorf("%s->%s: %v synapses %v pairs, DuckDB %d %d", ta, tb, tm.Synapses[k], tm.Connected[k], syn, pairs)
			}
			checked++
		}
		if checked == 0 {
			t.Error("no type pairs checked")
		}
		total := 0.0
		for _, n := range tm.Synapses {
			total += n
		}
		if total == 0 {
			t.Error("empty type matrix")
		}
	})

	t.Run("nonexistent id gives zero rows", func(t *testing.T) {
		var c capture
		st, err := ds.Query(ctx, &Request{Pre: []int64{864691100000000001}, PreGiven: true}, &c)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.rows) != 0 || st.MissingIDs != 1 || len(c.cols) == 0 {
			t.Errorf("rows %d missing %d cols %d", len(c.rows), st.MissingIDs, len(c.cols))
		}
	})

	t.Run("positions in nm", func(t *testing.T) {
		var c capture
		s := syns[0]
		_, err := ds.Query(ctx, &Request{FilterEqual: map[string]string{"id": strconv.FormatInt(s.id, 10)}, SplitPositions: true,
			Desired: &Resolution{1, 1, 1}, Columns: []string{"id", "ctr_pt_position"}}, &c)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.rows) != 1 || c.rows[0][1].(float64) != 1352904 {
			t.Errorf("ctr x in nm: %v (want 1352904 = 1352.904 um)", c.rows)
		}
	})
}

func joinComma(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}
