package hdf5

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestDeclaredSizes: an attribute declaring more values than the file
// holds, and a read needing more memory than the machine has, are refused
// with ErrCorrupt before libhdf5 allocates anything.
func TestDeclaredSizes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.h5")
	w, err := Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteDataset("/d", []float64{1, 2, 3}, []int{3}, nil); err != nil {
		t.Fatal(err)
	}
	w.SetAttr("/d", "unit", "volts")
	w.Close()
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.Dataset("/d")
	if err != nil {
		t.Fatal(err)
	}
	// the real attribute reads; a file that claims to be smaller than its
	// attribute (what a damaged dataspace looks like) is refused
	if s, err := d.AttrString("unit"); err != nil || s != "volts" {
		t.Fatalf("attr: %q %v", s, err)
	}
	f.size = 3
	_, err = d.Attr("unit")
	if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "more than the file's 3 bytes") || !strings.Contains(err.Error(), "/d@unit") {
		t.Fatalf("oversized attribute: %v", err)
	}
	// a shape whose read needs more memory than the machine has
	d.Shape = []int{1 << 46}
	_, err = d.Read()
	if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "needs 512TiB of memory") {
		t.Fatalf("huge read: %v", err)
	}
}
