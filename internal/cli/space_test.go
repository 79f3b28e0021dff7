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
