package expression

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

var fixtures = filepath.Join("..", "formats", "anndata", "testdata", "h5ad")

// want reads what anndata read from a fixture (python/h5ad_fixtures.py).
type want struct {
	X struct {
		Values [][]float64 `json:"values"`
	} `json:"X"`
	Layers map[string]struct {
		Values [][]float64 `json:"values"`
	} `json:"layers"`
	Obs struct {
		Index []string `json:"index"`
		Data  map[string]struct {
			Values []any `json:"values"`
		} `json:"column_data"`
	} `json:"obs"`
	Var struct {
		Index []string `json:"index"`
	} `json:"var"`
}

func readWant(t *testing.T, name string) want {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var w want
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestExtract(t *testing.T) {
	for _, tc := range []struct {
		file, layer string
		kind        Kind
		index       string
	}{
		{"dense", "", KindFloat32, "cell_label"},
		{"csr", "", KindFloat32, "cell_label"},
		{"csc", "", KindFloat64, IndexColumn},
		{"dense", "counts", KindInt64, "cell_label"},
		{"csr", "counts", KindInt64, "cell_label"},
	} {
		t.Run(tc.file+"/"+tc.layer, func(t *testing.T) {
			w := readWant(t, tc.file)
			genes := []string{"Vip", "Gad1", "Pvalb"}
			tab, err := Extract(filepath.Join(fixtures, tc.file+".h5ad"), ExtractOptions{Genes: genes, Obs: []string{"subclass", "total_counts"}, Layer: tc.layer})
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, c := range tab.Cols {
				names = append(names, c.Name)
			}
			if !reflect.DeepEqual(names, []string{tc.index, "subclass", "total_counts", "Vip", "Gad1", "Pvalb"}) {
				t.Fatalf("columns %v", names)
			}
			if tab.Rows != len(w.Obs.Index) || !reflect.DeepEqual(tab.Cols[0].Strings(), w.Obs.Index) {
				t.Fatalf("index %v, anndata %v", tab.Cols[0].Strings(), w.Obs.Index)
			}
			for i, v := range w.Obs.Data["subclass"].Values {
				if tab.Cols[1].Str[i] != v {
					t.Errorf("subclass[%d] %q, anndata %v", i, tab.Cols[1].Str[i], v)
				}
			}
			mat := w.X.Values
			if tc.layer != "" {
				mat = w.Layers[tc.layer].Values
			}
			for k, g := range genes {
				col := tab.Cols[3+k]
				if col.Kind != tc.kind {
					t.Fatalf("%s kind %v, want %v", g, col.Kind, tc.kind)
				}
				j := indexOf(w.Var.Index, g)
				for i := range mat {
					got := 0.0
					if col.Kind == KindInt64 {
						got = float64(col.I64[i])
					} else if col.F64 == nil {
						got = float64(col.F32[i])
					} else {
						got = col.F64[i]
					}
					if got != mat[i][j] {
						t.Errorf("%s[%d] = %v, anndata %v", g, i, got, mat[i][j])
					}
				}
			}
		})
	}
}

func indexOf(v []string, s string) int {
	for i, x := range v {
		if x == s {
			return i
		}
	}
	return -1
}

func TestExtractOutputs(t *testing.T) {
	tab, err := Extract(filepath.Join(fixtures, "csr.h5ad"), ExtractOptions{Genes: []string{"Gad1"}, Obs: []string{"n_genes", "passed_qc", "level"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 8 || lines[0] != "cell_label,n_genes,passed_qc,level,Gad1" || lines[2] != "cell_001,,false,high,1.0397208" {
		t.Fatalf("csv %q", lines)
	}
	// 0.1 stored as float32 prints as 0.1, not 0.10000000149011612
	if !strings.HasPrefix(lines[1], "cell_000,3,true,high,") {
		t.Fatalf("row 0 %q", lines[1])
	}
	pq := filepath.Join(t.TempDir(), "g.parquet")
	if err := tab.WriteParquet(pq); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, nulls int
	var typ string
	var sum float64
	if err := db.QueryRow(`SELECT count(*), count(*) - count(n_genes), typeof(any_value("Gad1")), sum("Gad1") FROM read_parquet(?)`, pq).Scan(&n, &nulls, &typ, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 7 || nulls != 2 || typ != "FLOAT" {
		t.Fatalf("parquet: %d rows, %d null n_genes, Gad1 %s", n, nulls, typ)
	}
}

func TestExtractErrors(t *testing.T) {
	p := filepath.Join(fixtures, "csr.h5ad")
	for _, tc := range []struct {
		name string
		o    ExtractOptions
		kind error
		msg  string
	}{
		{"unknown gene", ExtractOptions{Genes: []string{"Gad1", "Nope", "Zzz"}}, ccc.ErrNotFound, "2 gene(s) not in var_names: Nope, Zzz"},
		{"no genes", ExtractOptions{}, ccc.ErrUsage, "at least one gene"},
		{"unknown layer", ExtractOptions{Genes: []string{"Gad1"}, Layer: "spliced"}, ccc.ErrNotFound, `no layer "spliced"`},
		{"bad layer name", ExtractOptions{Genes: []string{"Gad1"}, Layer: "../X"}, ccc.ErrNotFound, "invalid layers key"},
		{"no raw", ExtractOptions{Genes: []string{"Gad1"}, Raw: true}, ccc.ErrNotFound, "no raw"},
		{"unknown obs", ExtractOptions{Genes: []string{"Gad1"}, Obs: []string{"cluster"}}, ccc.ErrNotFound, `no column "cluster"`},
		{"clash", ExtractOptions{Genes: []string{"Gad1"}, Obs: []string{"subclass", "subclass"}}, ccc.ErrUsage, "appears twice"},
		{"gene column", ExtractOptions{Genes: []string{"ENSMUSG00000000001"}, GeneColumn: "gene_id", Obs: []string{"donor"}}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(p, tc.o)
			if tc.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v %q", err, tc.kind, tc.msg)
			}
		})
	}
	// raw/X of the dense fixture has 8 genes
	tab, err := Extract(filepath.Join(fixtures, "dense.h5ad"), ExtractOptions{Genes: []string{"Olig2"}, Raw: true})
	if err != nil || len(tab.Cols) != 2 {
		t.Fatalf("raw: %v", err)
	}
}

func TestIngestH5AD(t *testing.T) {
	ctx := context.Background()
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := IngestH5AD(ctx, st, filepath.Join(fixtures, "csr.h5ad"), IngestOptions{Dataset: "abc", SpatialObsm: "spatial", ReferenceSpace: "section"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != 1 || rep.Cells != 7 || rep.Genes != 5 || rep.Format != "csr" || rep.Stored != 21 || rep.Artifact != "h5ad/csr" {
		t.Fatalf("report %+v", rep)
	}
	w := readWant(t, "csr")
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ids, tc string
	if err := db.QueryRow(`SELECT string_agg(cell_id, ',' ORDER BY cell_id), string_agg(coalesce(n_genes_detected::VARCHAR, 'NA'), ',' ORDER BY cell_id) FROM CellMetadata`).Scan(&ids, &tc); err != nil {
		t.Fatal(err)
	}
	if ids != strings.Join(w.Obs.Index, ",") || tc != "3,NA,5,2,NA,1,4" {
		t.Fatalf("CellMetadata %s / %s", ids, tc)
	}
	var gid, sym string
	if err := db.QueryRow(`SELECT string_agg(gene_id, ',' ORDER BY gene_id), string_agg(gene_symbol, ',' ORDER BY gene_id) FROM GeneMetadata`).Scan(&gid, &sym); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(gid, "ENSMUSG00000000000,") || sym != strings.Join(w.Var.Index, ",") {
		t.Fatalf("GeneMetadata %s / %s", gid, sym)
	}
	var matrix string
	var ncells int
	if err := db.QueryRow(`SELECT cell_gene_matrix, len(cell_index) FROM CellGeneData`).Scan(&matrix, &ncells); err != nil {
		t.Fatal(err)
	}
	sn, _ := st.Snapshot(store.Ref{})
	art, err := sn.Artifact("abc", "h5ad/csr")
	if err != nil || matrix != "h5ad/csr/X" || ncells != 7 || art.SHA256 == "" {
		t.Fatalf("CellGeneData %s %d, artifact %+v %v", matrix, ncells, art, err)
	}
	// the Zarr copy of X equals the matrix anndata reads
	data, _, err := zarr.Read[float32](filepath.Join(art.Dir, "X", "data"))
	if err != nil {
		t.Fatal(err)
	}
	indices, _, _ := zarr.Read[int32](filepath.Join(art.Dir, "X", "indices"))
	indptr, _, _ := zarr.Read[int32](filepath.Join(art.Dir, "X", "indptr"))
	if len(indptr) != 8 || len(data) != 21 {
		t.Fatalf("zarr X: %d indptr, %d data", len(indptr), len(data))
	}
	for r := 0; r < 7; r++ {
		row := make([]float64, 5)
		for k := indptr[r]; k < indptr[r+1]; k++ {
			row[indices[k]] = float64(data[k])
		}
		if !reflect.DeepEqual(row, w.X.Values[r]) {
			t.Fatalf("zarr row %d %v, anndata %v", r, row, w.X.Values[r])
		}
	}

	// bad files leave the store as it was
	for _, bad := range []string{"bad_missing_x", "bad_obs_length", "bad_unknown_encoding"} {
		_, err := IngestH5AD(ctx, st, filepath.Join(fixtures, bad+".h5ad"), IngestOptions{Dataset: "abc"})
		if err == nil || !strings.Contains(err.Error(), bad+".h5ad") {
			t.Fatalf("%s: %v", bad, err)
		}
		if !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrNotFound) {
			t.Fatalf("%s: kind of %v", bad, err)
		}
		if sn, _ := st.Snapshot(store.Ref{}); sn.Number() != 1 {
			t.Fatalf("%s: store moved to version %d", bad, sn.Number())
		}
	}
}

// TestIngestZarrReadByAnnData: anndata reads the stored X artifact back
// equal to the X of the .h5ad, for sparse and dense matrices.
func TestIngestZarrReadByAnnData(t *testing.T) {
	py := testenv.Python(t, "anndata", "zarr")
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, name := range []string{"csc", "dense"} {
		src := filepath.Join(fixtures, name+".h5ad")
		if _, err := IngestH5AD(context.Background(), st, src, IngestOptions{Dataset: "d" + name}); err != nil {
			t.Fatal(err)
		}
		sn, _ := st.Snapshot(store.Ref{})
		art, err := sn.Artifact("d"+name, "h5ad/"+name)
		if err != nil {
			t.Fatal(err)
		}
		code := `import sys, zarr, anndata as ad, numpy as np, scipy.sparse as sp
x = ad.io.read_elem(zarr.open(sys.argv[1], mode="r"))
ref = ad.read_h5ad(sys.argv[2]).X
dense = lambda m: m.toarray() if sp.issparse(m) else np.asarray(m)
assert type(x) is type(ref) and x.dtype == ref.dtype, (type(x), type(ref), x.dtype, ref.dtype)
assert np.array_equal(dense(x), dense(ref))
print("ok")`
		out, err := exec.Command(py, "-W", "ignore", "-c", code, filepath.Join(art.Dir, "X"), src).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Fatalf("%s: anndata read of the Zarr copy: %v\n%s", name, err, out)
		}
	}
}
