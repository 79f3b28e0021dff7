package features

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadDefinitions: any bytes give definitions or an error, never a
// panic; accepted definitions have names and ordered ranges.
func FuzzReadDefinitions(f *testing.F) {
	f.Add([]byte("feature_name,unit,range_min,range_max\nv_rest,mV,-100,-40\ntau,ms,0,\n"))
	f.Add([]byte("name,min,max\na,2,1\n"))
	f.Add([]byte("feature_name\n\"unterminated\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "defs.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		defs, err := ReadDefinitions(p)
		if err != nil {
			return
		}
		for _, d := range defs {
			if d.Name == "" || (!math.IsNaN(d.Min) && !math.IsNaN(d.Max) && d.Min > d.Max) {
				t.Fatalf("accepted %+v", d)
			}
		}
	})
}
