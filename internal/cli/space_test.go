package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/store"
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

// TestSpaceAdd: a space registered with a given affine, then replaced by
// one fitted from landmarks, is listed, maps points exactly and records its
// transform version; bad names, targets, matrices and landmarks are
// refused and leave the store unchanged.
func TestSpaceAdd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if _, e, code := runProj(t, "init", dir); code != 0 {
		t.Fatal(e)
	}
	run := func(args ...string) (string, string, int) {
		return runProj(t, append([]string{"--store", dir}, args...)...)
	}
	// nm -> um, swap y/z, shift: CCF = (x/1000 + 4000, z/1000 + 300, y/1000 + 5000)
	out, e, code := run("space", "add", "em_nm", "--to", "ccf_um", "--unit", "nm", "--matrix", "0.001,0,0,4000; 0,0,0.001,300; 0,0.001,0,5000")
	if code != 0 || !strings.Contains(out, "space em_nm registered (transform em_nm->ccf_um@1, store version 1)") {
		t.Fatalf("add: %d %s %s", code, out, e)
	}
	out, e, code = run("space", "transform", "--from", "em_nm", "--to", "ccf_um", "512000,21000,300000")
	if code != 0 || out != "512000,21000,300000 -> 4512,600,5021\n" {
		t.Errorf("transform: %d %q %s", code, out, e)
	}
	// through a registered space into stereotaxic: CCF (4512,600,5021) is AP 0.888, ML -0.718, DV -0.268 from bregma
	out, e, code = run("space", "transform", "--from", "em_nm", "--to", "stereotaxic_bregma_mm", "512000,21000,300000")
	if code != 0 || out != "512000,21000,300000 -> 0.888,-0.718,-0.268\n" {
		t.Errorf("to stereotaxic: %d %q %s", code, out, e)
	}
	// a space given relative to a registered one composes both
	if out, e, code = run("space", "add", "em_um", "--to", "em_nm", "--matrix", "1000,0,0,0,0,1000,0,0,0,0,1000,0,0,0,0,1"); code != 0 {
		t.Fatalf("add em_um: %s %s", out, e)
	}
	out, _, _ = run("space", "transform", "--from", "em_um", "--to", "ccf_um", "512,21,300")
	if out != "512,21,300 -> 4512,600,5021\n" {
		t.Errorf("em_um: %q", out)
	}
	out, _, _ = run("space", "list")
	if !strings.Contains(out, "em_nm->ccf_um@1") || !strings.Contains(out, "em_um->ccf_um@1") || strings.Count(out, "\n") != 9 {
		t.Errorf("list: %s", out)
	}
	// landmarks: the same affine, fitted; replaces em_nm as version 2
	var b strings.Builder
	b.WriteString("x,y,z,X,Y,Z\n")
	for _, p := range [][3]float64{{0, 0, 0}, {1e6, 0, 0}, {0, 1e6, 0}, {0, 0, 1e6}, {5e5, 2e5, 7e5}, {3e5, 9e5, 1e5}} {
		fmt.Fprintf(&b, "%g,%g,%g,%g,%g,%g\n", p[0], p[1], p[2], p[0]/1000+4000, p[2]/1000+300, p[1]/1000+5000)
	}
	lm := filepath.Join(t.TempDir(), "lm.csv")
	os.WriteFile(lm, []byte(b.String()), 0o644)
	if _, e, code := run("space", "add", "em_nm", "--to", "ccf_um", "--landmarks", lm); code == 0 || !strings.Contains(e, "already registered (transform version 1)") || !strings.Contains(e, "--replace") {
		t.Errorf("duplicate: %d %s", code, e)
	}
	out, e, code = run("space", "add", "em_nm", "--to", "ccf_um", "--landmarks", lm, "--replace")
	if code != 0 || !strings.Contains(out, "affine fitted from 6 landmark pairs; residual: RMS") || !strings.Contains(out, "transform em_nm->ccf_um@2, store version 3") {
		t.Fatalf("replace: %d %s %s", code, out, e)
	}
	out, _, _ = run("space", "transform", "--from", "em_nm", "--to", "ccf_um", "512000,21000,300000")
	if out != "512000,21000,300000 -> 4512,600,5021\n" {
		t.Errorf("fitted transform: %q", out)
	}
	// the table: both spaces, the fit kept with the replaced one, em_um's given affine kept
	out, e, code = run("query", "--format", "csv", "--sql", "SELECT id, target_space, transform_version, landmark_count, fit_max < 1e-6 AS exact, affine[1] AS a11, len(ccf_affine) AS n FROM CoordinateSpace ORDER BY id")
	if code != 0 || out != "id,target_space,transform_version,landmark_count,exact,a11,n\nem_nm,ccf_um,2,6,true,0.001,12\nem_um,em_nm,1,,,1000,12\n" {
		t.Errorf("table: %d %q %s", code, out, e)
	}
	// refusals, each naming the problem; the store stays at version 3
	os.WriteFile(filepath.Join(filepath.Dir(lm), "flat.csv"), []byte("x,y,z,X,Y,Z\n0,0,0,0,0,0\n1,0,0,1,0,0\n0,1,0,0,1,0\n1,1,0,1,1,0\n2,3,0,2,3,0\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"space", "add", "../x", "--to", "ccf_um", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0"}, "invalid dataset name"},
		{[]string{"space", "add", "ccf_25", "--to", "ccf_um", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0"}, "a built-in space has this name"},
		{[]string{"space", "add", "x", "--to", "paxinos", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0"}, "no such coordinate space"},
		{[]string{"space", "add", "x", "--to", "ccf_um", "--matrix", "1,0,0,0,0,1,0,0,1,1,0,0"}, "the affine is singular"},
		{[]string{"space", "add", "x", "--to", "ccf_um", "--matrix", "1,0,0,0,0,1,0,0,0,0,1"}, "11 numbers"},
		{[]string{"space", "add", "x", "--to", "ccf_um", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0,0,0,1,1"}, "last row of a 4 x 4 affine must be 0,0,0,1"},
		{[]string{"space", "add", "x", "--to", "ccf_um", "--landmarks", filepath.Join(filepath.Dir(lm), "flat.csv")}, "the landmarks lie in one plane"},
		{[]string{"space", "add", "x", "--to", "ccf_um"}, "--matrix or fit it with --landmarks"},
		{[]string{"space", "add", "x", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0"}, "--to SPACE is required"},
		{[]string{"space", "add", "x", "--to", "x", "--matrix", "1,0,0,0,0,1,0,0,0,0,1,0"}, "cannot map to itself"},
	} {
		if _, e, code := run(tc.args...); code == 0 || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d %q, want %q", tc.args, code, e, tc.want)
		}
	}
	if out, _, _ := run("query", "--format", "csv", "--sql", "SELECT count(*) AS n FROM CoordinateSpace"); out != "n\n2\n" {
		t.Errorf("after refusals: %q", out)
	}
	st, _ := store.Open(dir)
	defer st.Close()
	if n, _ := st.Latest(); n != 3 {
		t.Errorf("store version %d after refusals, want 3", n)
	}
}
