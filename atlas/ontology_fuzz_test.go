package atlas

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// FuzzLoadOntology feeds arbitrary bytes to the CSV and JSON ontology
// readers: they must return a kinded error or a consistent hierarchy.
func FuzzLoadOntology(f *testing.F) {
	f.Add([]byte("id,acronym,name,parent_structure_id\n1,root,root,\n2,A,a,1\n3,B,b,2\n"), false)
	f.Add([]byte("id,acronym,parent_id\n1,r,\n2,a,3\n3,b,2\n"), false)
	f.Add([]byte(`{"msg":[{"id":1,"acronym":"root","children":[{"id":2,"acronym":"A","children":[]}]}]}`), true)
	f.Add([]byte(`[{"id":1,"acronym":"root","structure_id_path":[1],"rgb_triplet":[1,2,3]},{"id":2,"acronym":"A","structure_id_path":[1,2]}]`), true)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		p := filepath.Join(dir, "o.csv")
		format := "csv"
		if isJSON {
			format = "json"
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		o, err := LoadOntology(p, LoadOptions{Format: format})
		if err != nil {
			if !errors.Is(err, ccc.ErrInvalidData) && !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrNotFound) {
				t.Fatalf("error without a kind: %v", err)
			}
			return
		}
		n := 0
		for _, r := range o.Regions() {
			anc := o.Ancestors(r.ID)
			if len(anc) != r.Depth+1 || anc[len(anc)-1] != r.ID || anc[0] != o.Root().ID {
				t.Fatalf("bad path for %d: %v", r.ID, anc)
			}
			n += len(o.Children(r.ID))
		}
		if n != o.Len()-1 || o.DescendantCount(o.Root().ID) != o.Len() {
			t.Fatalf("tree of %d regions has %d child links", o.Len(), n)
		}
	})
}
