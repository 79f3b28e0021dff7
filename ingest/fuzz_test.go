package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/store"
)

// FuzzIngestText runs the whole ingest path (pre-check, DuckDB's readers,
// mapping, checks; dry run) on fuzzed CSV, TSV, JSON, JSONL and YAML
// inputs, seeded with formats/textinput/testdata. It must never crash, a
// refused input is a ccc.ErrFormat or ccc.ErrInvalidData error, and a
// CSV/TSV file the pre-check accepts is read by DuckDB with as many rows
// as the pre-check counted.
func FuzzIngestText(f *testing.F) {
	exts := []string{".csv", ".tsv", ".json", ".jsonl", ".yaml"}
	for i, ext := range exts {
		ms, _ := filepath.Glob(filepath.Join("..", "formats", "textinput", "testdata", "*"+ext))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), b)
		}
	}
	dir := f.TempDir()
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) {
		ext := exts[int(kind)%len(exts)]
		p := filepath.Join(dir, "in"+ext)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), st, Options{Class: "BrainRegion", Dataset: "fuzz", Inputs: []string{p},
			Lenient: true, DryRun: true, Threads: 1, MemoryLimit: "256MB", Quiet: true})
		if err != nil && !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrInvalidData) && !errors.Is(err, ccc.ErrUsage) {
			t.Fatalf("%s: unexpected error kind: %v", ext, err)
		}
		if ext != ".csv" && ext != ".tsv" {
			return
		}
		comma := ','
		if ext == ".tsv" {
			comma = '\t'
		}
		fh, _ := textinput.Open(p)
		cs, cerr := textinput.CheckDelimited(fh, p, comma, textinput.Limits{})
		fh.Close()
		switch {
		case cerr != nil && err == nil:
			t.Fatalf("pre-check refuses (%v) but ingest accepted", cerr)
		case cerr == nil && cs.Rows > 0 && errors.Is(err, ccc.ErrFormat):
			t.Fatalf("pre-check accepts %d rows but DuckDB cannot read them: %v", cs.Rows, err)
		case cerr == nil && r != nil && r.Counts.Rows > 0 && r.Counts.Rows != cs.Rows:
			t.Fatalf("pre-check counts %d rows, DuckDB read %d", cs.Rows, r.Counts.Rows)
		}
	})
}
