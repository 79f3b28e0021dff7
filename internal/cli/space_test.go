package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSpaceCommands(t *testing.T) {
	out, e, code := runProj(t, "space", "list")
	if code != 0 || !strings.Contains(out, "stereotaxic_bregma_mm") || !strings.Contains(out, "ALLEN_CCF_LANDMARKS_MLAPDV_UM") || strings.Count(out, "\n") != 7 {
		t.Errorf("list: %d %s %s", code, out, e)
	}
	out, e, code = runProj(t, "space", "transform", "--from", "stereotaxic_bregma_mm", "--to", "ccf_um", "--", "-3.8,2.5,-0.5", "0,0,0")
	if code != 0 || out != "-3.8,2.5,-0.5 -> 9200,832,8239\n0,0,0 -> 5400,332,5739\n" {
		t.Errorf("transform: %d %q %s", code, out, e)
	}
	// landmarks: EM nm -> CCF um with a known affine (scale 1/1000, shift)
	var b strings.Builder
	b.WriteString("x,y,z,X,Y,Z\n")
	for _, p := range [][3]float64{{0, 0, 0}, {1e6, 0, 0}, {0, 1e6, 0}, {0, 0, 1e6}, {5e5, 2e5, 7e5}} {
		fmt.Fprintf(&b, "%g,%g,%g,%g,%g,%g\n", p[0], p[1], p[2], p[0]/1000+4000, p[1]/1000+300, p[2]/1000+5000)
	}
	lm := filepath.Join(t.TempDir(), "lm.csv")
	os.WriteFile(lm, []byte(b.String()), 0o644)
	out, e, code = runProj(t, "space", "transform", "--landmarks", lm, "512000,300000,21000")
	if code != 0 || !strings.Contains(out, "affine fitted from 5 landmark pairs") || !strings.Contains(out, "512000,300000,21000 -> 4512,600,5021") || !strings.Contains(out, "residual: RMS") {
		t.Errorf("landmarks: %d %s %s", code, out, e)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"space", "transform", "--from", "ccf_um", "--to", "paxinos", "1,2,3"}, "spaces: ccf_10, ccf_100"},
		{[]string{"space", "transform", "--from", "ccf_um", "--to", "ccf_25", "1,2"}, "want three numbers"},
		{[]string{"space", "transform", "--from", "ccf_um"}, "give --from and --to"},
		{[]string{"space", "transform", "--landmarks", lm, "--from", "ccf_um"}, "not both"},
	} {
		if _, e, code := runProj(t, tc.args...); code == 0 || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d %q, want %q", tc.args, code, e, tc.want)
		}
	}
	os.WriteFile(lm, []byte("x,y,z,X,Y,Z\n0,0,0,1,1,1\n1,0,0,2,1,1\n0,1,0,1,2,x\n"), 0o644)
	if _, e, code := runProj(t, "space", "transform", "--landmarks", lm); code == 0 || !strings.Contains(e, "row 4") || !strings.Contains(e, "field Z") {
		t.Errorf("bad landmark: %d %q", code, e)
	}
}

func FuzzReadLandmarks(f *testing.F) {
	f.Add("x,y,z,X,Y,Z\n0,0,0,1,1,1\n")
	f.Add("x,y\n1,2\n")
	f.Add("x,y,z,X,Y,Z\n1,2,3,4,5\n")
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(t.TempDir(), "lm.csv")
		os.WriteFile(p, []byte(s), 0o644)
		src, dst, err := readLandmarks(p)
		if err == nil && len(src) != len(dst) {
			t.Fatal("unequal landmark lists")
		}
	})
}

// TestLocateSpace: 'ccc atlas locate --space' maps the points to the CCF
// first, keeps the source coordinates and records the space, the CCF
// coordinates and the transform version; it finds the region the CCF point
// has.
func TestLocateSpace(t *testing.T) {
	out := t.TempDir()
	if _, e, code := runProj(t, "quickstart", "--only", "atlas", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatal(e)
	}
	dir := filepath.Join(out, "store")
	got, e, code := runProj(t, "--store", dir, "atlas", "locate", "--format", "csv", "--space", "stereotaxic_bregma_mm", "--", "-3.8,2.5,-0.5", "0,0,-1")
	if code != 0 {
		t.Fatal(e)
	}
	ccfOut, e, code := runProj(t, "--store", dir, "atlas", "locate", "--format", "csv", "9200,832,8239", "5400,1332,5739")
	if code != 0 {
		t.Fatal(e)
	}
	a, b := strings.Split(strings.TrimSpace(got), "\n"), strings.Split(strings.TrimSpace(ccfOut), "\n")
	if a[0] != "x,y,z,space,ccf_ap_um,ccf_dv_um,ccf_ml_um,transform,label,region_id,acronym,status" || len(a) != 3 || len(b) != 3 {
		t.Fatalf("got\n%s\nccf\n%s", got, ccfOut)
	}
	if !strings.HasPrefix(a[1], "-3.8,2.5,-0.5,stereotaxic_bregma_mm,9200,832,8239,stereotaxic_bregma_mm->ccf_um@1,") ||
		!strings.HasPrefix(a[2], "0,0,-1,stereotaxic_bregma_mm,5400,1332,5739,") {
		t.Errorf("rows %q", a[1:])
	}
	for i := 1; i < 3; i++ { // same label, region, status as the CCF point
		if x, y := a[i][strings.LastIndex(a[i], "@1,")+3:], b[i][len(strings.Join(strings.Split(b[i], ",")[:3], ","))+1:]; x != y {
			t.Errorf("row %d: %q vs CCF %q", i, x, y)
		}
	}
	if _, e, code := runProj(t, "--store", dir, "atlas", "locate", "--space", "paxinos", "1,2,3"); code == 0 || !strings.Contains(e, "no such coordinate space") {
		t.Errorf("unknown space: %d %q", code, e)
	}
}
