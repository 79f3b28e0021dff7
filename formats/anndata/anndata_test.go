package anndata

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// expected is what python/h5ad_fixtures.py dumps from anndata.read_h5ad.
type expected struct {
	Shape  [2]int               `json:"shape"`
	X      expMatrix            `json:"X"`
	Obs    expFrame             `json:"obs"`
	Var    expFrame             `json:"var"`
	Layers map[string]expMatrix `json:"layers"`
	Obsm   map[string]expMatrix `json:"obsm"`
	Raw    *struct {
		X   expMatrix `json:"X"`
		Var expFrame  `json:"var"`
	} `json:"raw"`
}

type expMatrix struct {
	Format string      `json:"format"`
	DType  string      `json:"dtype"`
	Shape  [2]int      `json:"shape"`
	Values [][]float64 `json:"values"`
}

type expFrame struct {
	IndexName *string  `json:"index_name"`
	Index     []string `json:"index"`
	Columns   []string `json:"columns"`
	Data      map[string]struct {
		DType      string  `json:"dtype"`
		Categories []any   `json:"categories"`
		Ordered    bool    `json:"ordered"`
		Codes      []int64 `json:"codes"`
		Values     []any   `json:"values"`
	} `json:"column_data"`
}

var goodFixtures = []string{"dense", "csr", "csc"}

// TestFixtures reads the committed fixtures and compares with the JSON
// anndata produced from them.
func TestFixtures(t *testing.T) {
	for _, name := range goodFixtures {
		t.Run(name, func(t *testing.T) {
			compareFixture(t, filepath.Join("testdata", "h5ad", name+".h5ad"))
		})
	}
}

// TestConformance writes fresh fixtures with the installed anndata and
// compares what ccc reads with what anndata reads.
func TestConformance(t *testing.T) {
	py := testenv.Python(t, "anndata", "scipy", "h5py")
	dir := t.TempDir()
	script := filepath.Join(testenv.RepoRoot(t), "python", "h5ad_fixtures.py")
	if out, err := exec.Command(py, "-W", "ignore", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("h5ad_fixtures.py: %v\n%s", err, out)
	}
	for _, name := range goodFixtures {
		t.Run(name, func(t *testing.T) { compareFixture(t, filepath.Join(dir, name+".h5ad")) })
	}
}

func compareFixture(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(path, ".h5ad") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var want expected
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if r, c := f.Shape(); [2]int{r, c} != want.Shape {
		t.Fatalf("shape %d x %d, anndata %v", r, c, want.Shape)
	}
	x, err := f.X()
	if err != nil {
		t.Fatal(err)
	}
	compareMatrix(t, "X", x, want.X)
	obs, err := f.Obs()
	if err != nil {
		t.Fatal(err)
	}
	compareFrame(t, "obs", obs, want.Obs)
	vr, err := f.Var()
	if err != nil {
		t.Fatal(err)
	}
	compareFrame(t, "var", vr, want.Var)
	names, err := f.LayerNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(want.Layers) {
		t.Errorf("layers %v, anndata %d", names, len(want.Layers))
	}
	for k, w := range want.Layers {
		m, err := f.Layer(k)
		if err != nil {
			t.Fatal(err)
		}
		compareMatrix(t, "layers/"+k, m, w)
	}
	on, _ := f.ObsmNames()
	if len(on) != len(want.Obsm) {
		t.Errorf("obsm %v, anndata %d", on, len(want.Obsm))
	}
	for k, w := range want.Obsm {
		m, err := f.Obsm(k)
		if err != nil {
			t.Fatal(err)
		}
		compareMatrix(t, "obsm/"+k, m, w)
	}
	if (want.Raw != nil) != f.HasRaw() {
		t.Fatalf("raw present %v, anndata %v", f.HasRaw(), want.Raw != nil)
	}
	if want.Raw != nil {
		m, err := f.RawX()
		if err != nil {
			t.Fatal(err)
		}
		compareMatrix(t, "raw/X", m, want.Raw.X)
		rv, err := f.RawVar()
		if err != nil {
			t.Fatal(err)
		}
		compareFrame(t, "raw/var", rv, want.Raw.Var)
	}
}

func compareMatrix(t *testing.T, name string, m *Matrix, w expMatrix) {
	t.Helper()
	if m.Format() != w.Format || m.DType.String() != w.DType || m.Shape != w.Shape {
		t.Errorf("%s: %s %s %v, anndata %s %s %v", name, m.Format(), m.DType, m.Shape, w.Format, w.DType, w.Shape)
	}
	d, err := m.Dense()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i, row := range w.Values {
		for j, v := range row {
			if got := d[i*m.Shape[1]+j]; got != v {
				t.Errorf("%s[%d,%d] = %v, anndata %v", name, i, j, got, v)
			}
		}
	}
	// selected columns in a scrambled order, with a repeat
	if m.Shape[1] >= 3 {
		sel := []int{m.Shape[1] - 1, 0, 1, m.Shape[1] - 1}
		cs, err := m.Columns(sel)
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range sel {
			for i := range w.Values {
				if cs[k][i] != w.Values[i][c] {
					t.Errorf("%s column %d row %d = %v, anndata %v", name, c, i, cs[k][i], w.Values[i][c])
				}
			}
		}
	}
}

func compareFrame(t *testing.T, name string, d *DataFrame, w expFrame) {
	t.Helper()
	wantName := ""
	if w.IndexName != nil {
		wantName = *w.IndexName
	}
	if d.IndexName() != wantName {
		t.Errorf("%s index name %q, anndata %q", name, d.IndexName(), wantName)
	}
	idx, err := d.Index()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(idx, w.Index) {
		t.Errorf("%s index %v, anndata %v", name, idx, w.Index)
	}
	if !reflect.DeepEqual(d.Columns, w.Columns) && !(len(d.Columns) == 0 && len(w.Columns) == 0) {
		t.Errorf("%s columns %v, anndata %v", name, d.Columns, w.Columns)
	}
	for _, cn := range w.Columns {
		wc := w.Data[cn]
		c, err := d.Column(cn)
		if err != nil {
			t.Fatal(err)
		}
		if c.PandasDType() != wc.DType {
			t.Errorf("%s.%s dtype %s, anndata %s", name, cn, c.PandasDType(), wc.DType)
		}
		if c.Encoding == EncCategorical {
			if c.Ordered != wc.Ordered || !reflect.DeepEqual(c.Codes(), wc.Codes) {
				t.Errorf("%s.%s ordered %v codes %v, anndata %v %v", name, cn, c.Ordered, c.Codes(), wc.Ordered, wc.Codes)
			}
			if got := c.Categories.Strings(); !reflect.DeepEqual(anyStrings(wc.Categories), got) {
				t.Errorf("%s.%s categories %v, anndata %v", name, cn, got, wc.Categories)
			}
		}
		got := c.Strings()
		for i, v := range wc.Values {
			switch v := v.(type) {
			case nil:
				if !c.IsNull(i) {
					t.Errorf("%s.%s[%d] = %q, anndata NA", name, cn, i, got[i])
				}
			case string:
				if got[i] != v {
					t.Errorf("%s.%s[%d] = %q, anndata %q", name, cn, i, got[i], v)
				}
			case bool:
				b, _ := c.Values.Data.([]bool)
				if c.IsNull(i) || b == nil || b[i] != v {
					t.Errorf("%s.%s[%d] = %q, anndata %v", name, cn, i, got[i], v)
				}
			case float64:
				fs, err := c.Values.Float64s()
				if err != nil || c.IsNull(i) || fs[i] != v {
					t.Errorf("%s.%s[%d] = %q, anndata %v", name, cn, i, got[i], v)
				}
			}
		}
	}
}

func anyStrings(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i], _ = x.(string)
	}
	return out
}

// TestBadFiles: each bad input is an error naming the file and the
// element, of a kind that exits 2.
func TestBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, elem, msg string
		kind            error
		atOpen          bool
	}{
		{"missing_x", "/X", "no X matrix", ErrNoElement, false},
		{"obs_length", "/X", "obs has 5 rows", ErrShape, true},
		{"unknown_encoding", "/obs/subclass", `unknown encoding-type "fancy-tensor"`, ErrEncoding, false},
		{"awkward", "/obsm/ragged", "awkward arrays", ErrEncoding, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join("testdata", "h5ad", "bad_"+tc.name+".h5ad")
			f, err := Open(p)
			if err == nil {
				defer f.Close()
				if tc.atOpen {
					t.Fatal("Open accepted the file")
				}
				switch tc.name {
				case "missing_x":
					_, err = f.X()
				case "unknown_encoding":
					var obs *DataFrame
					if obs, err = f.Obs(); err == nil {
						_, err = obs.Column("subclass")
					}
				case "awkward":
					_, err = f.Obsm("ragged")
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			var ce *ccc.Error
			if !errors.As(err, &ce) || ce.Path != p+":"+tc.elem || !strings.Contains(ce.Msg, tc.msg) {
				t.Fatalf("error %v, want path %s:%s and %q", err, p, tc.elem, tc.msg)
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v is not %v", err, tc.kind)
			}
			if !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrNotFound) {
				t.Fatalf("error kind %v does not exit 2", err)
			}
		})
	}
}
