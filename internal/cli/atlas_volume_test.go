package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
)

// demoNRRD writes the synthetic 100 um volume as the Allen server would
// serve annotation_100.nrrd.
func demoNRRD(t *testing.T, dims [3]int, boxes []atlas.Box) []byte {
	t.Helper()
	v := atlas.BoxVolume(dims, 100, boxes)
	var b bytes.Buffer
	img := &nrrd.Image{Header: nrrd.Header{Sizes: v.Dims[:], Space: "left-posterior-superior",
		SpaceDirections: [][]float64{{100, 0, 0}, {0, 100, 0}, {0, 0, 100}}, SpaceOrigin: []float64{0, 0, 0}}, Data: v.Labels}
	if err := nrrd.Write(&b, img, nrrd.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAtlasVolumeLocateRollup(t *testing.T) {
	dir := atlasStore(t)
	tmp := t.TempDir()
	// locate before any volume: clear error
	_, e, code := runAtlasCmd(t, "--store", dir, "atlas", "locate", "3960,2000,3420")
	if code != 2 || !strings.Contains(e, "no annotation volume") || !strings.Contains(e, "ccc atlas download") {
		t.Errorf("no volume: %d %q", code, e)
	}
	// wrong dimensions and unknown labels: nothing stored
	badFile := filepath.Join(tmp, "bad.nrrd")
	os.WriteFile(badFile, demoNRRD(t, [3]int{130, 80, 114}, append(atlas.DemoBoxes, atlas.Box{Hi: [3]float64{0.05, 0.05, 0.05}, Label: 77777777})), 0o644)
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", badFile)
	if code != 1 || !strings.Contains(e, "do not match the CCF v3 100 um volume") || !strings.Contains(e, "77777777") {
		t.Errorf("bad volume: %d %q", code, e)
	}
	// corrupt NRRD: format error
	corrupt := filepath.Join(tmp, "corrupt.nrrd")
	good := demoNRRD(t, atlas.CCFDims[100], atlas.DemoBoxes)
	os.WriteFile(corrupt, good[:len(good)/2], 0o644)
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "volume", "add", corrupt)
	if code != 2 || !strings.Contains(e, "truncated") {
		t.Errorf("corrupt volume: %d %q", code, e)
	}
	out, _, _ := runAtlasCmd(t, "--store", dir, "versions")
	if strings.Contains(out, "volume") {
		t.Errorf("failed adds left versions:\n%s", out)
	}
	// download from a local server, with one transient failure
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path != "/annotation_100.nrrd" {
			http.NotFound(w, r)
			return
		}
		w.Write(good)
	}))
	defer srv.Close()
	sum := sha256.Sum256(good)
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "download", "--allow-http", "--resolution", "100", "--url", srv.URL+"/annotation_100.nrrd", "--sha256", hex.EncodeToString(sum[:]))
	if code != 0 {
		t.Fatalf("download: %s", e)
	}
	if hits.Load() != 2 || !strings.Contains(e, "sha256 "+hex.EncodeToString(sum[:])) || !strings.Contains(e, "annotation/100um") {
		t.Errorf("download: %d hits, %q", hits.Load(), e)
	}
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "download", "--allow-http", "--url", srv.URL+"/missing.nrrd", "--retries", "0")
	if code != 2 || !strings.Contains(e, "404") {
		t.Errorf("404: %d %q", code, e)
	}
	_, e, code = runAtlasCmd(t, "--store", dir, "atlas", "download", "--resolution", "30")
	if code != 2 || !strings.Contains(e, "10, 25, 50 or 100") {
		t.Errorf("bad resolution: %d %q", code, e)
	}
	// locate points given on the command line
	out, e, code = runAtlasCmd(t, "--store", dir, "atlas", "locate", "--format", "csv", "3960,2000,3420", "3960,1050,3420", "50,50,50", "20000,0,0")
	if code != 0 {
		t.Fatal(e)
	}
	want := "x,y,z,label,region_id,acronym,status\n3960,2000,3420,385,385,VISp,ok\n3960,1050,3420,593,593,VISp1,ok\n50,50,50,0,,,unlabelled\n20000,0,0,0,,,outside\n"
	if out != want || !strings.Contains(e, "4 points at 100 um: 2 ok, 1 outside, 1 unlabelled, 0 unknown_label") {
		t.Errorf("locate:\n%s\n%s", out, e)
	}
	// from a file with ap/dv/ml columns and ids, to Parquet and back
	pts := filepath.Join(tmp, "pts.csv")
	os.WriteFile(pts, []byte("id,ap,dv,ml\n7,5000,6000,5000\n8,10000,4000,5000\n9,,1,1\n"), 0o644)
	outFile := filepath.Join(tmp, "located.parquet")
	if _, e, code := runAtlasCmd(t, "--store", dir, "atlas", "locate", "--points", pts, "--out", outFile); code != 0 {
		t.Fatal(e)
	}
	pq, _ := os.ReadFile(outFile)
	if !bytes.HasPrefix(pq, []byte("PAR1")) {
		t.Fatal("not parquet")
	}
	out, e, code = runAtlasCmd(t, "--store", dir, "atlas", "locate", "--points", outFile, "--format", "csv")
	if code != 0 {
		t.Fatal(e)
	}
	if want := "id,ap,dv,ml,label,region_id,acronym,status\n7,5000,6000,5000,549,549,TH,ok\n8,10000,4000,5000,512,512,CB,ok\n9,NaN,1,1,0,,,outside\n"; out != want {
		t.Errorf("locate file:\n%s", out)
	}
	// rollup of a values table by acronym
	vals := filepath.Join(tmp, "vals.csv")
	os.WriteFile(vals, []byte("acronym,value\nVISp1,1\nVISp2/3,2\nVISp,4\nVISal,8\nTH,16\n"), 0o644)
	out, e, code = runAtlasCmd(t, "--store", dir, "atlas", "rollup", "--values", vals, "--to", "VISp,VIS,major", "--format", "csv")
	if code == 0 || !strings.Contains(e, "major") {
		t.Errorf("'major' inside a list is a region name: %d %q %q", code, out, e)
	}
	out, e, code = runAtlasCmd(t, "--store", dir, "atlas", "rollup", "--values", vals, "--to", "VISp,VIS", "--format", "csv")
	if code != 0 || out != "id,acronym,sum,n\n385,VISp,7,3\n669,VIS,15,4\n" {
		t.Errorf("rollup: %d %q %q", code, out, e)
	}
	out, _, code = runAtlasCmd(t, "--store", dir, "atlas", "rollup", "--values", vals, "--agg", "mean", "--format", "csv")
	if code != 0 || out != "id,acronym,mean,n\n669,VIS,6,2\n385,VISp,1.5,2\n1129,IB,16,1\n" {
		t.Errorf("rollup parents mean: %q", out)
	}
}

// TestAtlasLocateTable maps the rows of a store table with coordinates (the
// RecordingSite pattern) to regions, one dataset at a time, through the
// quickstart's synthetic 100 um volume.
func TestAtlasLocateTable(t *testing.T) {
	out := t.TempDir()
	if _, e, code := runAtlasCmd(t, "quickstart", "--only", "atlas", "--out", out, "--data", filepath.Join(out, "no-data")); code != 0 {
		t.Fatalf("quickstart: %s", e)
	}
	dir := filepath.Join(out, "store")
	sites := map[string]string{
		"probeA": "id,data_item,x,y,z\n1,s1,3960,2000,3420\n2,s1,3960,1050,3420\n3,s1,50,50,50\n4,s1,20000,0,0\n",
		"probeB": "id,data_item,x,y,z\n1,s2,5000,6000,5000\n2,s2,10000,4000,5000\n",
	}
	for _, ds := range []string{"probeA", "probeB"} {
		p := filepath.Join(out, ds+".csv")
		if err := os.WriteFile(p, []byte(sites[ds]), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, e, code := runAtlasCmd(t, "--store", dir, "ingest", "--class", "RecordingSite", "--dataset", ds, p); code != 0 {
			t.Fatalf("ingest %s: %s", ds, e)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
		code int
	}{
		{"one dataset", []string{"--dataset", "probeA"}, "id,x,y,z,label,region_id,acronym,status\n" +
			"1,3960,2000,3420,385,385,VISp,ok\n2,3960,1050,3420,593,593,VISp1,ok\n" +
			"3,50,50,50,0,,,unlabelled\n4,20000,0,0,0,,,outside\n", 0},
		{"other dataset", []string{"--dataset", "probeB"}, "id,x,y,z,label,region_id,acronym,status\n" +
			"1,5000,6000,5000,549,549,TH,ok\n2,10000,4000,5000,512,512,CB,ok\n", 0},
		{"unknown dataset", []string{"--dataset", "probeC"}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--store", dir, "atlas", "locate", "--table", "RecordingSite", "--format", "csv"}, tc.args...)
			got, e, code := runAtlasCmd(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, e)
			}
			if tc.code != 0 {
				if !strings.Contains(e, `no rows of dataset "probeC"`) {
					t.Errorf("error %q", e)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	// every dataset together: 6 sites, 4 ok
	got, e, code := runAtlasCmd(t, "--store", dir, "atlas", "locate", "--table", "RecordingSite", "--format", "csv")
	if code != 0 || strings.Count(got, "\n") != 7 || strings.Count(got, ",ok\n") != 4 {
		t.Errorf("all datasets: exit %d\n%s%s", code, got, e)
	}
}
