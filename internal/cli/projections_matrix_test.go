package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func TestProjectionsMatrixAndSlice(t *testing.T) {
	testenv.SharedData(t, atlas.DefaultOntologyFile) // regions resolve through the Allen CCF
	dir, cache, ins := synthStore(t, 3)
	tmp := t.TempDir()
	cells := filepath.Join(tmp, "mapseq.csv")
	os.WriteFile(cells, []byte("cell_id,VISp,VISl,MOs\nn1,12,0,3\nn2,0,7,1\nn3,5,5,5\n"), 0o644)
	out, e, code := runProj(t, "--store", dir, "projections", "matrix", "ingest", "mapseq", cells, "--modality", "MAPseq")
	if code != 0 || !strings.Contains(out, "matrix mapseq: 3 cells x 3 regions (MAPSEQ, BARCODE_COUNT)") {
		t.Fatalf("ingest: %d %s %s", code, out, e)
	}
	out, e, code = runProj(t, "--store", dir, "projections", "matrix", "export", "mapseq", "--heatmap", filepath.Join(tmp, "h.png"))
	if code != 0 || out != "data_item,VISp,VISl,MOs\nn1,12,0,3\nn2,0,7,1\nn3,5,5,5\n" {
		t.Fatalf("export: %d %q %s", code, out, e)
	}
	if st, err := os.Stat(filepath.Join(tmp, "h.png")); err != nil || st.Size() == 0 {
		t.Fatalf("heatmap: %v", err)
	}
	for _, f := range []string{"parquet", "zarr"} {
		if _, e, code := runProj(t, "--store", dir, "projections", "matrix", "export", "mapseq", "--format", f, "--out", filepath.Join(tmp, "m."+f)); code != 0 {
			t.Fatalf("export %s: %s", f, e)
		}
	}
	out, _, _ = runProj(t, "--store", dir, "projections", "matrix", "list")
	if !strings.Contains(out, "mapseq") || !strings.Contains(out, "3 x 3") {
		t.Fatalf("list: %q", out)
	}
	os.WriteFile(cells, []byte("cell_id,VISp,NOPE\nn1,1,2\n"), 0o644)
	if _, e, code := runProj(t, "--store", dir, "projections", "matrix", "ingest", "bad", cells); code != ExitUsage || !strings.Contains(e, "NOPE") {
		t.Fatalf("unknown region: %d %s", code, e)
	}
	// axon lengths from an SWC through an annotation volume file
	vol := atlas.BoxVolume([3]int{132, 80, 114}, 100, atlas.DemoBoxes)
	ann := filepath.Join(tmp, "annotation_100.nrrd")
	img := &nrrd.Image{Header: nrrd.Header{Dimension: 3, Sizes: []int{132, 80, 114}, Type: "uint32", Encoding: "gzip", Endian: "little",
		Space: "left-posterior-superior", SpaceDimension: 3, SpaceDirections: [][]float64{{100, 0, 0}, {0, 100, 0}, {0, 0, 100}}}, Data: vol.Labels}
	if err := nrrd.WriteFile(ann, img, nrrd.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	swc := filepath.Join(tmp, "n1.swc")
	// VISp box: AP 2640-5940, DV 960-2400, ML 1710-5130 um (VISp1 above DV 1200); 1000 um of axon along AP at DV 2000
	os.WriteFile(swc, []byte("1 1 3000 2000 3000 5 -1\n2 2 4000 2000 3000 1 1\n"), 0o644)
	out, e, code = runProj(t, "--store", dir, "projections", "matrix", "axons", "axons", swc, "--annotation", ann, "--regions", "VISp,TH")
	if code != 0 || !strings.Contains(out, "matrix axons: 1 cells x 2 regions") {
		t.Fatalf("axons: %d %s %s", code, out, e)
	}
	out, _, _ = runProj(t, "--store", dir, "projections", "matrix", "export", "axons")
	if out != "data_item,VISp,TH\nn1,1000,0\n" {
		t.Fatalf("axon export: %q", out)
	}
	// unionize matrix needs fetch --unionizes files
	if _, e, code := runProj(t, "--store", dir, "projections", "matrix", "build", "u", "--cache", cache, fmt.Sprint(ins[0].Experiment.ID)); code != ExitUsage || !strings.Contains(e, "projectionSummary_all.json") {
		t.Fatalf("missing unionizes: %d %s", code, e)
	}
	// slice of an aggregate
	args := []string{"--store", dir, "projections", "aggregate", "--cache", cache, "--subtract", "--name", "s"}
	for _, in := range ins {
		args = append(args, fmt.Sprint(in.Experiment.ID))
	}
	if _, e, code := runProj(t, args...); code != 0 {
		t.Fatalf("aggregate: %s", e)
	}
	png := filepath.Join(tmp, "slice.png")
	out, e, code = runProj(t, "--store", dir, "projections", "slice", "--name", "s", "--group", "all", "--plane", "horizontal", "--out", png)
	if code != 0 || !strings.Contains(out, "wrote") {
		t.Fatalf("slice: %d %s", code, e)
	}
	if _, e, code := runProj(t, "--store", dir, "projections", "slice", "--name", "s", "--plane", "coronal", "--index", "40", "--annotation", ann, "--out", png); code != 0 {
		t.Fatalf("slice with outlines: %s", e)
	}
	if _, e, code := runProj(t, "--store", dir, "projections", "slice", "--name", "s", "--group", "zzz"); code != ExitUsage || !strings.Contains(e, "groups are all") {
		t.Fatalf("bad group: %d %s", code, e)
	}
}
