package nrrd

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// gzipZeros returns n zero bytes gzip-compressed.
func gzipZeros(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	zero := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(zero))
		zw.Write(zero[:k])
		n -= k
	}
	zw.Close()
	return b.Bytes()
}

// TestDecompressionBomb: a gzip file declaring 2048^3 uint32 samples (32
// GiB) is refused before anything is decompressed or allocated, with the
// file, the declared sizes and the flag that raises the bound.
func TestDecompressionBomb(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bomb.nrrd")
	hdr := "NRRD0004\ntype: uint32\ndimension: 3\nsizes: 2048 2048 2048\nendian: little\nencoding: gzip\n\n"
	// not even valid gzip: the refusal must come before decompression
	os.WriteFile(p, append([]byte(hdr), "not gzip at all"...), 0o644)
	_, err := ReadFileOptions(p, ReadOptions{MaxBytes: 1 << 30})
	var ce *ccc.Error
	if !errors.As(err, &ce) || !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("bomb: want ErrInvalidData, got %v", err)
	}
	for _, want := range []string{p, "2048 2048 2048", "8589934592 samples", "64GiB", "1GiB", "--max-bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("bomb error lacks %q: %v", want, err)
		}
	}
	// within the bound the same header is read (and here found truncated)
	os.WriteFile(p, append([]byte("NRRD0004\ntype: uint32\ndimension: 3\nsizes: 64 64 64\nendian: little\nencoding: gzip\n\n"), gzipZeros(t, 1000)...), 0o644)
	if _, err := ReadFileOptions(p, ReadOptions{MaxBytes: 2 * 64 * 64 * 64 * 4}); !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("small enough: %v", err)
	}
	if _, err := ReadFileOptions(p, ReadOptions{MaxBytes: 2*64*64*64*4 - 1}); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("one byte over: %v", err)
	}
	// ascii needs the parsed float64 values too
	asc := filepath.Join(dir, "a.nrrd")
	os.WriteFile(asc, []byte("NRRD0004\ntype: uint8\ndimension: 1\nsizes: 100\nencoding: ascii\n\n1 2\n"), 0o644)
	if _, err := ReadFileOptions(asc, ReadOptions{MaxBytes: 500}); !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "900B") {
		t.Errorf("ascii bound: %v", err)
	}
}

// TestDecompressionStopsAtDeclaredSize: a file declaring 16 samples whose
// gzip stream inflates to 64 MiB is read as 16 samples without inflating
// (or allocating) the rest.
func TestDecompressionStopsAtDeclaredSize(t *testing.T) {
	data := append([]byte("NRRD0004\ntype: uint8\ndimension: 1\nsizes: 16\nencoding: gzip\n\n"), gzipZeros(t, 64<<20)...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	img, err := Read(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.Data, make([]uint8, 16)) {
		t.Errorf("data %v", img.Data)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("reading 16 samples allocated %d bytes", got)
	}
}

// TestExternalDataFile: a detached header may only name a data file in its
// own directory (after cleaning and symlink resolution) unless
// AllowExternalData.
func TestExternalDataFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "hdr")
	os.Mkdir(dir, 0o755)
	secret := filepath.Join(root, "secret.raw")
	os.WriteFile(secret, []byte("SECRET!!"), 0o644)
	os.WriteFile(filepath.Join(dir, "ok.raw"), []byte("12345678"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "link.raw"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "in.raw"), []byte("abcdefgh"), 0o644)
	tests := []struct {
		name, file string
		ok         bool
	}{
		{"absolute outside", secret, false},
		{"etc passwd", "/etc/passwd", false},
		{"dot dot", "../secret.raw", false},
		{"dot dot inside name", "sub/../../secret.raw", false},
		{"symlink out", "link.raw", false},
		{"same dir", "ok.raw", true},
		{"sub dir", "sub/in.raw", true},
		{"cleaned back in", "sub/../ok.raw", true},
		{"absolute inside", filepath.Join(dir, "ok.raw"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "v.nhdr")
			os.WriteFile(p, []byte("NRRD0004\ntype: uint8\ndimension: 1\nsizes: 8\nencoding: raw\ndata file: "+tc.file+"\n"), 0o644)
			img, err := ReadFile(p)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("read %q from outside the header's directory", img.Data)
			}
			if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "outside the header's directory") ||
				!strings.Contains(err.Error(), "--allow-external-data") || !strings.Contains(err.Error(), p) {
				t.Fatalf("error: %v", err)
			}
			if tc.file != "/etc/passwd" {
				img, err := ReadFileOptions(p, ReadOptions{AllowExternalData: true})
				if err != nil || string(img.Data.([]uint8)) != "SECRET!!" {
					t.Fatalf("allowed: %v %v", img, err)
				}
			}
		})
	}
}
