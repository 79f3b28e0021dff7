package zarr

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/ccc-connectivity/ccc"
)

// TestChunkBomb: a chunk whose stream inflates far beyond the chunk size
// (a zstd frame that declares no size, a gzip stream) is refused after at
// most one chunk of output, without inflating the rest.
func TestChunkBomb(t *testing.T) {
	zeros := make([]byte, 64<<20)
	var zs bytes.Buffer
	zw, _ := zstd.NewWriter(&zs) // streaming: no frame content size
	zw.Write(zeros)
	zw.Close()
	var gz bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	gw.Write(zeros)
	gw.Close()
	zeros = nil
	for _, tc := range []struct {
		comp string
		b    []byte
	}{{Zstd, zs.Bytes()}, {Gzip, gz.Bytes()}} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := decodeChunk("c/0/0", tc.comp, tc.b, 4096, nil)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ccc.ErrFormat) {
			t.Errorf("%s: %v", tc.comp, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("%s: a 4 KiB chunk inflating to 64 MiB allocated %d bytes", tc.comp, got)
		}
	}
}

// TestHugeShape: metadata declaring more elements than memory holds is
// refused by Read with the shape, not by the runtime.
func TestHugeShape(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a.zarr")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, ".zarray"), []byte(`{"zarr_format":2,"shape":[1048576,1048576],"chunks":[64,64],"dtype":"<f8","compressor":null,"fill_value":0,"order":"C","filters":null}`), 0o644)
	_, _, err := Read[float64](dir)
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "[1048576 1048576]") || !strings.Contains(err.Error(), "8TiB") {
		t.Fatalf("huge shape: %v", err)
	}
	if _, _, err := ReadFloat64(dir); !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("huge shape float64: %v", err)
	}
}
