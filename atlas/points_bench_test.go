package atlas

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
)

// The I/O of 'ccc atlas locate' (issue 18, whole-process figure): reading
// points from Parquet and writing the answer, columnar. Size:
//
//	ATLAS_BENCH_IO_POINTS  points (default 1,000,000)
//
//	go test ./atlas -run XXX -bench 'ReadPoints|Located' -benchtime 3x

func benchLocated(b *testing.B) *LocatedTable {
	b.Helper()
	n := envInt("ATLAS_BENCH_IO_POINTS", 1_000_000)
	o := loadCCF(b)
	v := demoVolume()
	r := rand.New(rand.NewPCG(1, 2))
	p := &Points{X: make([]float64, n), Y: make([]float64, n), Z: make([]float64, n), IDs: make([]string, n), IDCol: "id", Cols: [3]string{"x", "y", "z"}}
	for i := range n {
		p.X[i], p.Y[i], p.Z[i] = r.Float64()*13500-150, r.Float64()*8200-100, r.Float64()*11600-100
		p.IDs[i] = strconv.Itoa(i)
	}
	return &LocatedTable{Points: p, Res: Locate(o, v, p.X, p.Y, p.Z), Ontology: o}
}

func BenchmarkLocatedParquet(b *testing.B) {
	t := benchLocated(b)
	b.SetBytes(int64(t.Len()) * 8 * 3)
	b.ResetTimer()
	for range b.N {
		if err := t.WriteParquet(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkLocatedCSV(b *testing.B) {
	t := benchLocated(b)
	b.ResetTimer()
	for range b.N {
		if err := t.WriteCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkReadPointsParquet(b *testing.B) {
	n := envInt("ATLAS_BENCH_IO_POINTS", 1_000_000)
	path := filepath.Join(b.TempDir(), "points.parquet")
	copyParquet(b, path, "SELECT i::VARCHAR AS id, random() * 13200 AS x, random() * 8000 AS y, random() * 11400 AS z FROM range("+strconv.Itoa(n)+") r(i)", "")
	b.SetBytes(int64(n) * 8 * 3)
	b.ResetTimer()
	for range b.N {
		p, err := ReadPoints(context.Background(), nil, path, "", nil, "")
		if err != nil || len(p.X) != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}
