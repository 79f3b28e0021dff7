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

func TestCellsIngestH5AD(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	if code, _, errOut := runNWBCmd(t, "--store", dir, "init"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runNWBCmd(t, "--store", dir, "cells", "ingest-h5ad", filepath.Join(h5adFixtures, "dense.h5ad"), "--dataset", "abc", "--item", "demo")
	if code != 0 || !strings.Contains(out, "dataset abc version 1: 7 cells x 5 genes (dense float32, 35 stored values) as h5ad/demo") {
		t.Fatalf("ingest: %d %s %s", code, out, errOut)
	}
	// every table conforms to its class of the built-in schema
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	for _, class := range []string{"DataSet", "DataItem", "CellMetadata", "GeneMetadata", "CellGeneData"} {
		ti, err := sn.Table("abc", class)
		if err != nil {
			t.Fatalf("%s: %v", class, err)
		}
		if code, out, errOut := runNWBCmd(t, "validate", "--class", class, ti.Path); code != 0 {
			t.Errorf("%s invalid: %s %s", class, out, errOut)
		}
	}
	st.Close()
	for _, bad := range []string{"bad_missing_x", "bad_obs_length", "bad_unknown_encoding"} {
		code, _, errOut := runNWBCmd(t, "--store", dir, "cells", "ingest-h5ad", filepath.Join(h5adFixtures, bad+".h5ad"), "--dataset", "abc")
		if code != ExitUsage || !strings.Contains(errOut, bad+".h5ad:/") {
			t.Errorf("%s: exit %d %s", bad, code, errOut)
		}
	}
	st, _ = store.Open(dir)
	defer st.Close()
	if sn, _ := st.Snapshot(store.Ref{}); sn.Number() != 1 {
		t.Fatalf("bad files changed the store: version %d", sn.Number())
	}
	if code, _, errOut := runNWBCmd(t, "--store", dir, "cells", "ingest-h5ad", filepath.Join(h5adFixtures, "dense.h5ad")); code != ExitUsage || !strings.Contains(errOut, "--dataset") {
		t.Fatalf("no dataset: %d %s", code, errOut)
	}
}
