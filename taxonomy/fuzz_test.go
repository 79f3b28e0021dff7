package taxonomy

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to every taxonomy format: Load returns a
// taxonomy or an error, never panics, and a loaded taxonomy's indexes agree
// (every cluster is inside its ancestors' descendant ranges).
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"testdata/abc/cluster_annotation_term.csv", "testdata/cas.json", "testdata/pairs.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("label,parent\nA,\nB,A\nC,B\nA,C\n"))
	f.Add([]byte(`{"labelsets":[{"name":"x","rank":"a"}],"annotations":[{"labelset":"x","cell_label":"a"}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"", FormatABC, FormatCAS, FormatPairs} {
			tx, err := Load(path, LoadOptions{Name: "fz", Format: format})
			if err != nil {
				continue
			}
			for k := int32(1); k <= int32(tx.Len()); k++ {
				for _, a := range tx.Ancestors(k) {
					if !tx.IsDescendant(k, a) {
						t.Fatalf("%s not below its ancestor %s", tx.Label(k), tx.Label(a))
					}
				}
				if l := tx.Level(k); tx.AncestorAt(k, l) != k {
					t.Fatalf("AncestorAt(own level) of %s", tx.Label(k))
				}
			}
		}
	})
}
