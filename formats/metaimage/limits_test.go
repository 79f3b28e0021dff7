package metaimage

import (
	"bytes"
	"compress/zlib"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestDecompressionBomb: a header declaring 2048^3 floats is refused
// before the data is decompressed or allocated; a small declaration whose
// zlib stream inflates to much more reads only the declared bytes.
func TestDecompressionBomb(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bomb.mha")
	hdr := "ObjectType = Image\nNDims = 3\nDimSize = 2048 2048 2048\nElementType = MET_FLOAT\nCompressedData = True\nElementDataFile = LOCAL\n"
	os.WriteFile(p, append([]byte(hdr), "not zlib"...), 0o644)
	_, err := ReadFileOptions(p, ReadOptions{MaxBytes: 1 << 30})
	if !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("bomb: %v", err)
	}
	for _, want := range []string{p, "DimSize", "2048 2048 2048", "64GiB", "--max-bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("bomb error lacks %q: %v", want, err)
		}
	}
	// .mhd + .raw: same bound
	os.WriteFile(filepath.Join(dir, "b.raw"), nil, 0o644)
	mhd := filepath.Join(dir, "b.mhd")
	os.WriteFile(mhd, []byte(strings.Replace(hdr, "LOCAL", "b.raw", 1)), 0o644)
	if _, err := ReadFileOptions(mhd, ReadOptions{MaxBytes: 1 << 30}); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("mhd bomb: %v", err)
	}
	// 4 declared bytes, 32 MiB of zlib data: 4 samples come back
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte{7}, 32<<20))
	zw.Close()
	small := append([]byte("NDims = 1\nDimSize = 4\nElementType = MET_UCHAR\nCompressedData = True\nElementDataFile = LOCAL\n"), z.Bytes()...)
	img, err := Read(bytes.NewReader(small))
	if err != nil || !bytes.Equal(img.Data.([]uint8), []byte{7, 7, 7, 7}) {
		t.Fatalf("small: %v %v", img, err)
	}
}

// TestExternalDataFile: ElementDataFile must lie in the header's directory
// unless AllowExternalData.
func TestExternalDataFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "hdr")
	os.Mkdir(dir, 0o755)
	secret := filepath.Join(root, "secret.raw")
	os.WriteFile(secret, []byte("SECRET!!"), 0o644)
	os.WriteFile(filepath.Join(dir, "ok.raw"), []byte("12345678"), 0o644)
	os.Symlink(secret, filepath.Join(dir, "link.raw"))
	for _, tc := range []struct {
		file string
		ok   bool
	}{{secret, false}, {"/etc/passwd", false}, {"../secret.raw", false}, {"../../x", false}, {"link.raw", false}, {"ok.raw", true}, {"./ok.raw", true}} {
		p := filepath.Join(dir, "v.mhd")
		os.WriteFile(p, []byte("NDims = 1\nDimSize = 8\nElementType = MET_UCHAR\nElementDataFile = "+tc.file+"\n"), 0o644)
		img, err := ReadFile(p)
		if tc.ok {
			if err != nil || string(img.Data.([]uint8)) != "12345678" {
				t.Errorf("%s: %v %v", tc.file, img, err)
			}
			continue
		}
		if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "outside the header's directory") || !strings.Contains(err.Error(), "--allow-external-data") {
			t.Errorf("%s: %v", tc.file, err)
		}
	}
	p := filepath.Join(dir, "v.mhd")
	os.WriteFile(p, []byte("NDims = 1\nDimSize = 8\nElementType = MET_UCHAR\nElementDataFile = ../secret.raw\n"), 0o644)
	if img, err := ReadFileOptions(p, ReadOptions{AllowExternalData: true}); err != nil || string(img.Data.([]uint8)) != "SECRET!!" {
		t.Errorf("allowed: %v %v", img, err)
	}
}
