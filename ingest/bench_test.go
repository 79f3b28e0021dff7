package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
)

// BenchmarkIngestSynapses ingests CCC_BENCH_ROWS (default 200,000)
// synthetic synapse rows from Parquet per iteration, with every check.
// bench/ingest.sh runs the full-size comparison with a plain COPY.
func BenchmarkIngestSynapses(b *testing.B) {
	rows := 200000
	if v := os.Getenv("CCC_BENCH_ROWS"); v != "" {
		rows, _ = strconv.Atoi(v)
	}
	dir := b.TempDir()
	in := filepath.Join(dir, "syn.parquet")
	writeSynapseParquet(b, in, rows)
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Run(context.Background(), st, Options{Class: "Synapse", Dataset: "bench", Inputs: []string{in}, Quiet: true})
		if err != nil || r.Counts.Total != int64(rows) {
			b.Fatalf("%v %+v", err, r.Counts)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
