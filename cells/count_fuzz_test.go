package cells

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// FuzzReadAggregate feeds damaged CellClusterRegionCount files (a valid
// one with bytes changed) to readAggregate under the valid file's manifest
// checksum: an error of kind ErrFormat naming the file, or (for the valid
// bytes) the table, never a panic. arrow-go panics on some damaged pages in
// its own goroutines, which is why only verified bytes reach it.
func FuzzReadAggregate(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		f.Fatal(err)
	}
	_, err = db.Exec(`COPY (SELECT * FROM (VALUES (NULL::BIGINT, NULL::VARCHAR, 2::BIGINT), (385, 'A', 3), (385, 'B', 1), (593, 'A', 4)) v(brain_region, cluster, cell_count))
		TO ` + store.QuoteString(seed) + ` (FORMAT parquet)`)
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	sum := fileSum(f, seed)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "agg.parquet") // one worker runs one input at a time
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		in := countInput{dataset: "d", cells: store.TableInfo{Rows: 10}, maps: store.TableInfo{Rows: 8}, agg: &store.TableInfo{Path: path, Columns: countColumns, SHA256: sum}}
		a, err := readAggregate(context.Background(), in)
		if !bytes.Equal(data, good) {
			if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), path) {
				t.Fatalf("damaged file: %v, want a format error naming it", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, n := range a.n {
			total += n
		}
		if total != 10 {
			t.Fatalf("accepted a table of %d cells", total)
		}
	})
}
