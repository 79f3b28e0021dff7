package expression

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// TestWriteParquetRoundTrip writes every column kind (with and without
// nulls, the index as a StringList) over several row groups, whose columns
// are written concurrently, and reads the file back value by value.
func TestWriteParquetRoundTrip(t *testing.T) {
	defer func(n int) { rowGroup = n }(rowGroup)
	rowGroup = 50000 // several row groups, several pages per column chunk
	for _, rows := range []int{0, 1, rowGroup, 3*rowGroup + 17} {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			ids := make([]string, rows)
			for i := range ids {
				ids[i] = fmt.Sprintf("cell%07d", i)
			}
			list, _ := hdf5.NewStringList(ids)
			labels, f32, f64, i64, b, null := make([]string, rows), make([]float32, rows), make([]float64, rows), make([]int64, rows), make([]bool, rows), make([]bool, rows)
			for i := 0; i < rows; i++ {
				labels[i] = []string{"L2/3 IT", "Pvalb", "Sst"}[i%3]
				if i%97 == 0 {
					f32[i] = float32(i) + 0.25
				}
				f64[i] = float64(i) / 3
				i64[i] = int64(i) * -7
				b[i] = i%5 == 0
				null[i] = i%11 == 3
			}
			tab := &Table{Rows: rows, Cols: []*Col{
				{Name: "cell_id", Kind: KindString, StrList: list},
				{Name: "subclass", Kind: KindString, Str: labels, Null: null},
				{Name: "Gad1", Kind: KindFloat32, F32: f32},
				{Name: "f32of64", Kind: KindFloat32, F64: f64},
				{Name: "score", Kind: KindFloat64, F64: f64, Null: null},
				{Name: "n", Kind: KindInt64, I64: i64},
				{Name: "n_null", Kind: KindInt64, I64: i64, Null: null},
				{Name: "qc", Kind: KindBool, Bool: b},
			}}
			p := filepath.Join(t.TempDir(), "t.parquet")
			if err := tab.WriteParquet(p); err != nil {
				t.Fatal(err)
			}
			rd, err := file.OpenParquetFile(p, false)
			if err != nil {
				t.Fatal(err)
			}
			defer rd.Close()
			if want := max(1, (rows+rowGroup-1)/rowGroup); rd.NumRowGroups() != want {
				t.Fatalf("%d row groups, want %d", rd.NumRowGroups(), want)
			}
			fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fr.ReadTable(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			if got.NumRows() != int64(rows) || got.NumCols() != 8 {
				t.Fatalf("%d rows x %d columns", got.NumRows(), got.NumCols())
			}
			wantTypes := []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float32,
				arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64, arrow.FixedWidthTypes.Boolean}
			for j, c := range tab.Cols {
				col := got.Column(j)
				if col.Name() != c.Name || !arrow.TypeEqual(col.DataType(), wantTypes[j]) {
					t.Fatalf("column %d: %s %s", j, col.Name(), col.DataType())
				}
				i := 0
				for _, ch := range col.Data().Chunks() {
					for k := 0; k < ch.Len(); k, i = k+1, i+1 {
						if ch.IsNull(k) != c.null(i) {
							t.Fatalf("%s[%d]: null %v, want %v", c.Name, i, ch.IsNull(k), c.null(i))
						}
						if c.null(i) {
							continue
						}
						var v string
						switch a := ch.(type) {
						case *array.String:
							v = a.Value(k)
						case *array.Float32:
							v = fmt.Sprint(a.Value(k))
						case *array.Float64:
							v = fmt.Sprint(a.Value(k))
						case *array.Int64:
							v = fmt.Sprint(a.Value(k))
						case *array.Boolean:
							v = fmt.Sprint(a.Value(k))
						}
						if want := c.text(i); v != want {
							t.Fatalf("%s[%d] = %s, want %s", c.Name, i, v, want)
						}
					}
				}
				if i != rows {
					t.Fatalf("%s: %d values", c.Name, i)
				}
			}
		})
	}
}

// BenchmarkWriteParquet writes what 'ccc cells genes' writes: a cell-id
// column and 20 float32 gene columns with about 1% nonzero values, for
// CCC_PARQUET_BENCH_ROWS rows (default 200,000; the size is
// 1,000,000).
func BenchmarkWriteParquet(b *testing.B) {
	rows := 200000
	if v := os.Getenv("CCC_PARQUET_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &rows)
	}
	ids := make([]string, rows)
	for i := range ids {
		ids[i] = fmt.Sprintf("cell%07d", i)
	}
	list, _ := hdf5.NewStringList(ids)
	tab := &Table{Rows: rows, Cols: []*Col{{Name: "cell_id", Kind: KindString, StrList: list}}}
	for g := 0; g < 20; g++ {
		v := make([]float32, rows)
		for i := g; i < rows; i += 97 {
			v[i] = float32(i%13 + 1)
		}
		tab.Cols = append(tab.Cols, &Col{Name: fmt.Sprintf("Gene%05d", g), Kind: KindFloat32, F32: v})
	}
	p := filepath.Join(b.TempDir(), "b.parquet")
	b.ResetTimer()
	c0 := cpuSeconds()
	for range b.N {
		if err := tab.WriteParquet(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}
