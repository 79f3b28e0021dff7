package synapse

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ccc-connectivity/ccc/synapse/synth"
)

// benchIndex builds a synthetic index once per benchmark binary run; its
// size is CCC_SYN_BENCH_ROWS synapses (default 500,000) among a hundredth as
// many neurons. bench/synapses.sh runs the full side-by-side comparison.
func benchIndex(b *testing.B) (*Index, []int64) {
	b.Helper()
	rows := int64(500000)
	if v, err := strconv.ParseInt(os.Getenv("CCC_SYN_BENCH_ROWS"), 10, 64); err == nil && v > 0 {
		rows = v
	}
	dir := b.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{Neurons: int(max(rows/100, 100)), Synapses: rows, Seed: 1, Minimal: true}, dir); err != nil {
		b.Fatal(err)
	}
	tbl := filepath.Join(dir, "t.parquet")
	if _, err := WriteTable(context.Background(), []string{filepath.Join(dir, synth.SynapsesFile)}, tbl, IngestOptions{TempDir: dir}); err != nil {
		b.Fatal(err)
	}
	if _, err := BuildIndex(context.Background(), tbl, filepath.Join(dir, "ix")); err != nil {
		b.Fatal(err)
	}
	ix, err := OpenIndex(filepath.Join(dir, "ix"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	// 1.3% of the neurons spread over the id range
	var set []int64
	n := max(1, ix.Neurons()*13/1000)
	stride := max(1, ix.Neurons()/n)
	for i := 0; i < ix.Neurons() && len(set) < n; i += stride {
		set = append(set, ix.Roots[i])
	}
	return ix, set
}

func BenchmarkSelect(b *testing.B) {
	ix, set := benchIndex(b)
	one := []int64{set[len(set)/2]}
	b.Run("subgraph", func(b *testing.B) {
		for b.Loop() {
			s, _ := ix.NewSet(set)
			ix.Select(Filter{Pre: s, Post: s, RemoveAutapses: true})
		}
	})
	b.Run("outputs", func(b *testing.B) {
		for b.Loop() {
			s, _ := ix.NewSet(one)
			ix.Select(Filter{Pre: s})
		}
	})
	b.Run("inputs", func(b *testing.B) {
		for b.Loop() {
			s, _ := ix.NewSet(one)
			ix.Select(Filter{Post: s})
		}
	})
	b.Run("pairs", func(b *testing.B) {
		for b.Loop() {
			s, _ := ix.NewSet(set)
			ix.PairCounts(ix.Select(Filter{Pre: s, Post: s, RemoveAutapses: true}))
		}
	})
}

// BenchmarkQueryCSV times whole queries written as CSV (to io.Discard),
// reading the index mapped (pages stay mapped between iterations, as in a
// long-lived server) and with positioned reads (each iteration reads its
// rows again, as 'ccc synapses query' does once per process).
func BenchmarkQueryCSV(b *testing.B) {
	ix, set := benchIndex(b)
	pos, err := OpenIndex(ix.dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pos.Close() })
	if err := pos.UsePositionedReads(); err != nil {
		b.Fatal(err)
	}
	cols := []string{"id", "pre_pt_root_id", "post_pt_root_id", "size"}
	one := []int64{set[len(set)/2]}
	for _, mode := range []struct {
		name string
		ix   *Index
	}{{"mapped", ix}, {"positioned", pos}} {
		d := &Dataset{Name: "bench", Index: mode.ix, Resolution: DefaultResolution}
		for _, q := range []struct {
			name string
			req  Request
		}{
			{"subgraph", Request{Pre: set, PreGiven: true, Post: set, PostGiven: true, RemoveAutapses: true, Columns: cols}},
			{"inputs", Request{Post: one, PostGiven: true, Columns: cols}},
		} {
			b.Run(mode.name+"/"+q.name, func(b *testing.B) {
				for b.Loop() {
					r := q.req
					w, _ := NewRowWriter("csv", io.Discard, "")
					if _, err := d.Query(context.Background(), &r, w); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
