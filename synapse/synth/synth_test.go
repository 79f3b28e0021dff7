package synth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func fileHash(t *testing.T, p string) [32]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func readRoots(t *testing.T, p string) (pre, post []int64) {
	t.Helper()
	rd, err := file.OpenParquetFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	col := func(name string) []int64 {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			t.Fatalf("column %s missing", name)
		}
		var out []int64
		for _, c := range tbl.Column(idx[0]).Data().Chunks() {
			out = append(out, c.(*array.Int64).Int64Values()...)
		}
		return out
	}
	return col("pre_pt_root_id"), col("post_pt_root_id")
}

func TestGenerateDeterministicAndShaped(t *testing.T) {
	ctx := context.Background()
	o := Options{Neurons: 500, Synapses: 30000, Seed: 7, ChunkRows: 7000}
	a, b := t.TempDir(), t.TempDir()
	sa, err := Generate(ctx, o, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{SynapsesFile, CellTypesAutoFile, CellTypesManFile, ProofreadingFile} {
		if fileHash(t, filepath.Join(a, f)) != fileHash(t, filepath.Join(b, f)) {
			t.Errorf("%s differs between two runs with the same seed", f)
		}
	}
	pre, post := readRoots(t, filepath.Join(a, SynapsesFile))
	if int64(len(pre)) != o.Synapses || len(post) != len(pre) {
		t.Fatalf("rows = %d, want %d", len(pre), o.Synapses)
	}
	outDeg := map[int64]int{}
	for i, p := range pre {
		if p < RootIDLo || p > RootIDHi || post[i] < RootIDLo || post[i] > RootIDHi {
			t.Fatalf("root id out of range: %d %d", p, post[i])
		}
		outDeg[p]++
	}
	// heavy tail: the busiest neuron has many times the median out-degree
	maxDeg, degs := 0, []int{}
	for _, d := range outDeg {
		degs = append(degs, d)
		maxDeg = max(maxDeg, d)
	}
	mean := float64(o.Synapses) / float64(len(outDeg))
	if float64(maxDeg) < 5*mean {
		t.Errorf("max out-degree %d not heavy-tailed against mean %.1f", maxDeg, mean)
	}
	if sa.Proofread < 5 || sa.ProofreadAxons == 0 || sa.ManualCells == 0 {
		t.Errorf("summary %+v: want proofread and manual subsets", sa)
	}
	// proofreading rows equal the summary and every proofread root is a neuron
	f, _ := os.Open(filepath.Join(a, ProofreadingFile))
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	if !strings.HasPrefix(sc.Text(), "id,valid,pt_supervoxel_id,pt_root_id") {
		t.Errorf("proofreading header %q", sc.Text())
	}
	rows := 0
	for sc.Scan() {
		rows++
	}
	if rows != sa.Proofread {
		t.Errorf("proofreading rows %d, summary %d", rows, sa.Proofread)
	}
}

func TestGenerateMinimalAndSeedChanges(t *testing.T) {
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	if _, err := Generate(ctx, Options{Neurons: 100, Synapses: 5000, Seed: 1, Minimal: true}, a); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(ctx, Options{Neurons: 100, Synapses: 5000, Seed: 2, Minimal: true}, b); err != nil {
		t.Fatal(err)
	}
	if fileHash(t, filepath.Join(a, SynapsesFile)) == fileHash(t, filepath.Join(b, SynapsesFile)) {
		t.Error("different seeds gave the same synapses")
	}
	pre, _ := readRoots(t, filepath.Join(a, SynapsesFile))
	if len(pre) != 5000 {
		t.Errorf("rows %d", len(pre))
	}
}
