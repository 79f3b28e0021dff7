package projection

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestGridDataFileOutside: a projection grid header (.mhd, fast path) may
// not read a data file outside its directory.
func TestGridDataFileOutside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "exp")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(root, "other.raw"), make([]byte, 2*2*2*4), 0o644)
	for _, df := range []string{"../other.raw", filepath.Join(root, "other.raw"), "/etc/passwd"} {
		p := filepath.Join(dir, "density.mhd")
		os.WriteFile(p, []byte("NDims = 3\nDimSize = 2 2 2\nElementType = MET_FLOAT\nElementSpacing = 100 100 100\nElementDataFile = "+df+"\n"), 0o644)
		_, err := ReadGrid(p, [3]int{}, nil)
		if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "outside the header's directory") {
			t.Errorf("%s: %v", df, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "density.raw"), make([]byte, 2*2*2*4), 0o644)
	p := filepath.Join(dir, "density.mhd")
	os.WriteFile(p, []byte("NDims = 3\nDimSize = 2 2 2\nElementType = MET_FLOAT\nElementSpacing = 100 100 100\nElementDataFile = density.raw\n"), 0o644)
	if g, err := ReadGrid(p, [3]int{}, nil); err != nil || len(g.Data) != 8 {
		t.Errorf("next to the header: %v %v", g, err)
	}
}
