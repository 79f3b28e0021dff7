package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
)

// TestAtlasVolumeUntrustedHeaders: 'atlas volume add' refuses a header
// declaring more samples than --max-bytes allows (a decompression bomb)
// and a detached header naming a data file outside its directory
// (/etc/passwd, ../x) unless --allow-external-data; nothing is stored.
func TestAtlasVolumeUntrustedHeaders(t *testing.T) {
	dir := atlasStore(t)
	tmp := t.TempDir()
	bomb := filepath.Join(tmp, "bomb.nrrd")
	os.WriteFile(bomb, []byte("NRRD0004\ntype: uint32\ndimension: 3\nsizes: 2048 2048 2048\nendian: little\nencoding: gzip\n\nnot even gzip"), 0o644)
	_, e, code := runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", bomb, "--max-bytes", "4GiB")
	if code != 1 || !strings.Contains(e, bomb) || !strings.Contains(e, `field sizes`) || !strings.Contains(e, `"2048 2048 2048"`) || !strings.Contains(e, "64GiB") || !strings.Contains(e, "--max-bytes") {
		t.Errorf("bomb: %d %q", code, e)
	}
	if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", bomb, "--max-bytes", "lots"); code != 2 || !strings.Contains(e, "not a byte count") {
		t.Errorf("bad --max-bytes: %d %q", code, e)
	}
	// detached headers: the data of a real volume placed outside the header's directory
	good := demoNRRD(t, atlas.CCFDims[100], atlas.DemoBoxes)
	hdrDir := filepath.Join(tmp, "hdr")
	os.Mkdir(hdrDir, 0o755)
	i := strings.Index(string(good), "\n\n")
	header, data := string(good[:i+1]), good[i+2:]
	os.WriteFile(filepath.Join(tmp, "outside.raw.gz"), data, 0o644)
	for _, df := range []string{"/etc/passwd", "../outside.raw.gz", filepath.Join(tmp, "outside.raw.gz")} {
		nhdr := filepath.Join(hdrDir, "v.nhdr")
		os.WriteFile(nhdr, []byte(header+"data file: "+df+"\n"), 0o644)
		_, e, code := runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", nhdr)
		if code != 1 || !strings.Contains(e, "outside the header's directory") || !strings.Contains(e, "--allow-external-data") {
			t.Errorf("data file %s: %d %q", df, code, e)
		}
		mhd := filepath.Join(hdrDir, "v.mhd")
		os.WriteFile(mhd, []byte("NDims = 3\nDimSize = 2 2 2\nElementType = MET_UCHAR\nElementDataFile = "+df+"\n"), 0o644)
		_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", mhd)
		if code != 1 || !strings.Contains(e, "outside the header's directory") {
			t.Errorf("mhd data file %s: %d %q", df, code, e)
		}
	}
	out, _, _ := runAtlasCmd(t, "--store", dir, "versions")
	if strings.Contains(out, "volume") {
		t.Errorf("refused adds left versions:\n%s", out)
	}
	// the flag lets a trusted header point elsewhere
	nhdr := filepath.Join(hdrDir, "v.nhdr")
	os.WriteFile(nhdr, []byte(header+"data file: ../outside.raw.gz\n"), 0o644)
	if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", nhdr, "--allow-external-data"); code != 0 {
		t.Errorf("--allow-external-data: %d %q", code, e)
	}
}
