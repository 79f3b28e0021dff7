package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

var h5adFixtures = filepath.Join("..", "..", "formats", "anndata", "testdata", "h5ad")

func TestCellsGenes(t *testing.T) {
	csr := filepath.Join(h5adFixtures, "csr.h5ad")
	code, out, errOut := runNWBCmd(t, "cells", "genes", csr, "--genes", "Sst,Gad1", "--obs", "subclass,n_genes")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 8 || lines[0] != "cell_label,subclass,n_genes,Sst,Gad1" || lines[2] != "cell_001,L2/3 IT,,1.0397208,1.0397208" {
		t.Fatalf("genes: %d %q %s", code, lines, errOut)
	}
	dir := t.TempDir()
	pq := filepath.Join(dir, "g.parquet")
	if code, _, errOut = runNWBCmd(t, "cells", "genes", csr, "--genes", "Sst", "--layer", "counts", "--out", pq); code != 0 {
		t.Fatalf("parquet: %s", errOut)
	}
	if b, _ := os.ReadFile(pq); !strings.HasPrefix(string(b), "PAR1") {
		t.Fatal("not parquet")
	}
	csv := filepath.Join(dir, "g.csv")
	if code, _, errOut = runNWBCmd(t, "cells", "genes", filepath.Join(h5adFixtures, "dense.h5ad"), "--genes", "Olig2", "--raw", "--out", csv); code != 0 {
		t.Fatalf("csv: %s", errOut)
	}
	if b, _ := os.ReadFile(csv); !strings.HasPrefix(string(b), "cell_label,Olig2\n") || strings.Count(string(b), "\n") != 8 {
		t.Fatalf("csv %q", b)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"cells", "genes", csr, "--genes", "Gad1,Nope"}, "csr.h5ad:/var: field --genes: 1 gene(s) not in var_names: Nope"},
		{[]string{"cells", "genes", csr, "--genes", "Gad1", "--out", filepath.Join(dir, "x.txt")}, "use a .parquet or .csv"},
		{[]string{"cells", "genes", filepath.Join(h5adFixtures, "bad_missing_x.h5ad"), "--genes", "Gad1"}, "bad_missing_x.h5ad:/X: the file has no X matrix"},
		{[]string{"cells", "genes", filepath.Join(h5adFixtures, "bad_obs_length.h5ad"), "--genes", "Gad1"}, "bad_obs_length.h5ad:/X: matrix has shape (7, 5) but obs has 5 rows"},
		{[]string{"cells", "genes", filepath.Join(h5adFixtures, "bad_unknown_encoding.h5ad"), "--genes", "Gad1", "--obs", "subclass"}, `bad_unknown_encoding.h5ad:/obs/subclass: unknown encoding-type "fancy-tensor"`},
		{[]string{"cells", "genes", filepath.Join(dir, "none.h5ad"), "--genes", "Gad1"}, "none.h5ad"},
	} {
		code, _, errOut := runNWBCmd(t, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args[2:], code, errOut, tc.msg)
		}
	}
}

// TestCellsIngestH5AD: 'ccc cells ingest --h5ad' (and a positional .h5ad
// file) stores obs, var and X with exact rows; flags that do not apply to
// the input are refused by name; bad files exit with the element named and
// leave the store as it was.
func TestCellsIngestH5AD(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	if code, _, errOut := runNWBCmd(t, "--store", dir, "init"); code != 0 {
		t.Fatal(errOut)
	}
	csr := filepath.Join(h5adFixtures, "csr.h5ad")
	code, out, errOut := runNWBCmd(t, "--store", dir, "cells", "ingest", "--h5ad", csr, "--dataset", "abc", "--item", "demo",
		"--modality", "patchseq", "--name", "ABC demo", "--publication", "doi:10/xyz", "--spatial-obsm", "spatial", "--reference-space", "section")
	if code != 0 || !strings.Contains(out, "dataset abc version 1: 7 cells x 5 genes (csr float32, 21 stored values) as h5ad/demo") {
		t.Fatalf("ingest --h5ad: %d %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "note: not stored (still in the .h5ad file): layers/counts\n") {
		t.Errorf("no note of the elements left behind: %s", out)
	}
	code, out, errOut = runNWBCmd(t, "--store", dir, "cells", "ingest", filepath.Join(h5adFixtures, "dense.h5ad"), "--dataset", "dense", "--json")
	if code != 0 || !strings.Contains(out, `"data_item": "dense"`) || !strings.Contains(out, `"stored_values": 35`) {
		t.Fatalf("ingest FILE.h5ad: %d %s %s", code, out, errOut)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil || sn.Number() != 2 {
		t.Fatalf("snapshot %v", err)
	}
	// every table conforms to its class of the built-in schema
	for _, class := range []string{"DataSet", "DataItem", "CellMetadata", "GeneMetadata", "CellGeneData"} {
		ti, err := sn.Table("abc", class)
		if err != nil {
			t.Fatalf("%s: %v", class, err)
		}
		if code, out, errOut := runNWBCmd(t, "validate", "--class", class, ti.Path); code != 0 {
			t.Errorf("%s invalid: %s %s", class, out, errOut)
		}
	}
	art, err := sn.Artifact("abc", "h5ad/demo")
	if err != nil || art.SHA256 == "" {
		t.Fatalf("artifact %+v %v", art, err)
	}
	st.Close()
	for _, q := range []struct{ sql, want string }{
		{"SELECT id || '|' || name || '|' || publication || '|' || modality FROM DataSet WHERE id = 'abc'", "abc|ABC demo|doi:10/xyz|PATCHSEQ"},
		{"SELECT modality FROM DataSet WHERE id = 'dense'", "TRANSCRIPTOMICS"},
		{"SELECT string_agg(cell_id || ':' || coalesce(n_genes_detected::VARCHAR, 'NA') || ':' || total_counts || ':' || spatial_location_reference_space, ',' ORDER BY cell_id) FROM CellMetadata WHERE cell_id LIKE 'cell_%' AND spatial_location_x IS NOT NULL",
			"cell_000:3:5:section,cell_001:NA:3:section,cell_002:5:5:section,cell_003:2:6:section,cell_004:NA:4:section,cell_005:1:3:section,cell_006:4:5:section"},
		{"SELECT string_agg(gene_id || '=' || gene_symbol, ',' ORDER BY gene_id) FROM GeneMetadata WHERE dataset = 'abc'",
			"ENSMUSG00000000000=Gad1,ENSMUSG00000000001=Slc17a7,ENSMUSG00000000002=Pvalb,ENSMUSG00000000003=Sst,ENSMUSG00000000004=Vip"},
		{"SELECT data_item || '|' || cell_gene_matrix || '|' || len(cell_index) || '|' || cell_index[1] FROM CellGeneData WHERE id = 'demo'", "demo|h5ad/demo/X|7|cell_000"},
		{"SELECT count(*)::VARCHAR FROM DataItem WHERE dataset = 'abc'", "8"},
	} {
		code, out, errOut := runNWBCmd(t, "--store", dir, "query", "--format", "csv", "--sql", q.sql)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != 2 || strings.Trim(lines[1], `"`) != q.want {
			t.Errorf("%s: %d %q %s (want %q)", q.sql, code, out, errOut, q.want)
		}
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--h5ad", csr, "--dataset", "x", "--taxonomy", "wmb"}, "cell-table option --taxonomy does not apply to an AnnData file"},
		{[]string{csr, "--dataset", "x", "--id-col", "cell", "--coords", "a,b,c", "--no-ccf-lookup"}, "cell-table option --id-col, --coords, --no-ccf-lookup does not apply"},
		{[]string{"--h5ad", csr, "--dataset", "x", "--coord-scale", "1000"}, "--coord-scale does not apply"},
		{[]string{"--h5ad", csr, "--dataset", "x", "--allow-unresolved"}, "--allow-unresolved does not apply"},
		{[]string{filepath.Join(h5adFixtures, "cells.csv"), "--dataset", "x", "--modality", "EM", "--layer", "counts"}, "AnnData option --layer does not apply to a cell table"},
		{[]string{filepath.Join(h5adFixtures, "cells.csv"), "--dataset", "x", "--modality", "EM", "--spatial-obsm", "s", "--json"}, "AnnData option --spatial-obsm, --json does not apply"},
		{[]string{"--h5ad", csr, filepath.Join(h5adFixtures, "dense.h5ad"), "--dataset", "x"}, "not both"},
		{[]string{"--dataset", "x"}, "give a cell table FILE (CSV or Parquet) or --h5ad FILE.h5ad"},
		{[]string{"--h5ad", csr}, "give --dataset NAME"},
		{[]string{"--h5ad", csr, "--dataset", "x", "--modality", "rnaseq"}, `--modality "rnaseq" is not one of`},
		{[]string{"--h5ad", csr, "--dataset", "x", "--reference-space", "ccf"}, "give --spatial-obsm KEY too"},
		{[]string{"--h5ad", csr, "--dataset", "x", "--layer", "nope"}, `csr.h5ad:/layers/nope: no layer "nope"`},
		{[]string{"--h5ad", filepath.Join(h5adFixtures, "none.h5ad"), "--dataset", "x"}, "none.h5ad: no such file"},
		{[]string{"--h5ad", filepath.Join(h5adFixtures, "bad_missing_x.h5ad"), "--dataset", "x"}, "bad_missing_x.h5ad:/X: the file has no X matrix"},
		{[]string{filepath.Join(h5adFixtures, "bad_obs_length.h5ad"), "--dataset", "x"}, "bad_obs_length.h5ad:/X: matrix has shape (7, 5) but obs has 5 rows"},
		{[]string{"--h5ad", filepath.Join(h5adFixtures, "bad_unknown_encoding.h5ad"), "--dataset", "x"}, `bad_unknown_encoding.h5ad:/obs/subclass: unknown encoding-type "fancy-tensor"`},
		{[]string{"--h5ad", filepath.Join(h5adFixtures, "bad_awkward.h5ad"), "--dataset", "x", "--spatial-obsm", "ragged"}, `bad_awkward.h5ad:/obsm/ragged: `},
	} {
		code, out, errOut := runNWBCmd(t, append([]string{"--store", dir, "cells", "ingest"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d, %q %q (want 2 and %q)", tc.args, code, out, errOut, tc.msg)
		}
	}
	st, _ = store.Open(dir)
	defer st.Close()
	if sn, _ := st.Snapshot(store.Ref{}); sn.Number() != 2 {
		t.Fatalf("refused ingests changed the store: version %d", sn.Number())
	}
	if _, _, err := NewRootCmd(&IO{}).Find([]string{"cells", "ingest-h5ad"}); err == nil {
		if c, _, _ := NewRootCmd(&IO{}).Find([]string{"cells", "ingest-h5ad"}); c.Name() == "ingest-h5ad" {
			t.Fatal("the old 'cells ingest-h5ad' command still exists: 'cells ingest --h5ad' replaces it")
		}
	}
}
