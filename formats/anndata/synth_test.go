package anndata

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// TestSyntheticFormats: the same synthetic matrix stored CSR, CSC and
// dense gives the same selected columns, for every CSR block size.
func TestSyntheticFormats(t *testing.T) {
	dir := t.TempDir()
	sel := []int{17, 0, 63, 17, 5}
	var ref [][]float64
	for _, format := range []string{"dense", "csr", "csc"} {
		p := filepath.Join(dir, format+".h5ad")
		if err := WriteSynthetic(p, SynthOptions{Cells: 301, Genes: 64, PerCell: 9, Format: format, Seed: 7, Chunk: 200, Gzip: format != "csr"}); err != nil {
			t.Fatal(err)
		}
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		x, err := f.X()
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.Columns(sel)
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = got
			nz := 0
			for _, c := range ref {
				for _, v := range c {
					if v != 0 {
						nz++
					}
				}
			}
			if nz == 0 {
				t.Fatal("selected columns are all zero: the test would prove nothing")
			}
		} else if !reflect.DeepEqual(got, ref) {
			t.Fatalf("%s columns differ from dense", format)
		}
		if format == "csr" {
			for _, block := range []int{1, 2, 7, 9, 100, 1 << 21} {
				b, err := x.csrColumns(sel, block)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(b, ref) {
					t.Fatalf("csr block %d differs", block)
				}
			}
		}
		obs, _ := f.Obs()
		c, err := obs.Column("subclass")
		if err != nil || c.Encoding != EncCategorical || len(c.Strings()) != 301 {
			t.Fatalf("subclass: %v", err)
		}
		f.Close()
	}
}

// TestSyntheticReadByAnnData: anndata reads the files WriteSynthetic
// writes, with the same values.
func TestSyntheticReadByAnnData(t *testing.T) {
	py := testenv.Python(t, "anndata", "scipy")
	p := filepath.Join(t.TempDir(), "s.h5ad")
	if err := WriteSynthetic(p, SynthOptions{Cells: 50, Genes: 30, PerCell: 4, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	code := `import sys, json, anndata as ad
a = ad.read_h5ad(sys.argv[1])
x = a[:, ["Gene00003", "Gene00029"]].X.toarray()
print(json.dumps({"obs": a.obs_names[:2].tolist(), "sub": a.obs["subclass"].astype(str).tolist()[:3], "x": x.T.tolist(), "index": a.obs.index.name}))`
	out, err := exec.Command(py, "-W", "ignore", "-c", code, p).Output()
	if err != nil {
		t.Fatalf("anndata: %v %s", err, out)
	}
	var want struct {
		Obs, Sub []string
		X        [][]float64
		Index    string
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, _ := f.X()
	got, err := x.Columns([]int{3, 29})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want.X) {
		t.Fatalf("columns %v, anndata %v", got, want.X)
	}
	obs, _ := f.Obs()
	ids, _ := obs.Index()
	c, _ := obs.Column("subclass")
	if !reflect.DeepEqual(ids[:2], want.Obs) || !reflect.DeepEqual(c.Strings()[:3], want.Sub) || obs.IndexName() != want.Index {
		t.Fatalf("obs %v %v %s, anndata %+v", ids[:2], c.Strings()[:3], obs.IndexName(), want)
	}
}
