package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func TestProjectionsFetchCLI(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/api/v2/data/query.json" || !strings.Contains(r.URL.Query().Get("q"), "[section_data_set_id$eq") {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"success": true, "msg": []map[string]any{
			{"structure_id": 997, "hemisphere_id": 3, "is_injection": true, "projection_volume": 0.5, "sum_pixel_intensity": 2e11, "max_voxel_z": 8000}}})
	}))
	defer srv.Close()
	cache := t.TempDir()
	ids := filepath.Join(t.TempDir(), "ids.txt")
	os.WriteFile(ids, []byte("# two experiments\n11, 12\n11\n"), 0o644)
	out, e, code := runProj(t, "projections", "fetch", "--allow-http", "--api", srv.URL, "--cache", cache, "--ids-file", ids)
	if code != 0 || !strings.Contains(out, "fetched 2 experiments") || hits.Load() != 2 {
		t.Fatalf("fetch: %d %s %s (%d requests)", code, out, e, hits.Load())
	}
	s, err := projection.ReadSummaryFile(filepath.Join(cache, "12", "injectionSummary_all.json"), 12)
	if err != nil || s.Records[0].ExperimentID != 12 {
		t.Fatalf("cached summary: %v", err)
	}
	if _, e, code := runProj(t, "projections", "fetch", "--allow-http", "--api", srv.URL, "--cache", cache, "--grid", "13"); code != ExitUsage || !strings.Contains(e, "404") {
		t.Fatalf("404: %d %s", code, e)
	}
	if _, e, code := runProj(t, "projections", "fetch", "--cache", cache, "x1"); code != ExitUsage || !strings.Contains(e, "x1") {
		t.Fatalf("bad id: %d %s", code, e)
	}
}

func TestProjectionsAggregateSelectAndGridMatrix(t *testing.T) {
	testenv.SharedData(t, atlas.DefaultOntologyFile)
	dir, cache, ins := synthStore(t, 6)
	// select through the hierarchy, group by region groups, keep individual volumes
	out, e, code := runProj(t, "--store", dir, "projections", "aggregate", "--cache", cache, "--region", "VIS", "--include-descendants",
		"--group-by", "regions", "--region-group", "primary=VISp", "--region-group", "medial=VISpm,VISl", "--keep-individual", "--name", "vis")
	if code != 0 {
		t.Fatalf("aggregate: %s", e)
	}
	nVis := 0
	for _, in := range ins {
		if in.Experiment.StructureAbbrev != "MOp" && in.Experiment.StructureAbbrev != "MOs" {
			nVis++
		}
	}
	if !strings.Contains(out, fmt.Sprintf("aggregated %d experiments into 2 group(s)", nVis)) {
		t.Fatalf("aggregate output: %s", out)
	}
	st, _ := store.Open(dir)
	sn, _ := st.Snapshot(store.Ref{})
	art, err := sn.Artifact(projection.DefaultDataset, "aggregate/vis")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	vols, _, attrs, err := projection.ReadVolumes(filepath.Join(art.Dir, "individual.zarr"))
	if err != nil || len(vols) != nVis || len(asAnyList(attrs["experiments"])) != nVis {
		t.Fatalf("individual volumes: %d %v", len(vols), err)
	}

	// grid matrix through an annotation volume file
	vol := atlas.BoxVolume([3]int{132, 80, 114}, 100, atlas.DemoBoxes)
	ann := filepath.Join(t.TempDir(), "annotation_100.nrrd")
	img := &nrrd.Image{Header: nrrd.Header{Dimension: 3, Sizes: []int{132, 80, 114}, Type: "uint32", Encoding: "gzip", Endian: "little", Space: "left-posterior-superior", SpaceDimension: 3,
		SpaceDirections: [][]float64{{100, 0, 0}, {0, 100, 0}, {0, 0, 100}}}, Data: vol.Labels}
	if err := nrrd.WriteFile(ann, img, nrrd.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	args := []string{"--store", dir, "projections", "matrix", "build", "grid", "--from", "grids", "--cache", cache, "--annotation", ann, "--regions", "VISp,TH,CB"}
	for _, in := range ins {
		args = append(args, fmt.Sprint(in.Experiment.ID))
	}
	out, e, code = runProj(t, args...)
	if code != 0 || !strings.Contains(out, "matrix grid: 6 experiments x 3 regions") {
		t.Fatalf("grid matrix: %d %s %s", code, out, e)
	}
	ont, _ := atlas.LoadDefault()
	want, err := projection.MatrixFromGrids(ins, vol.Labels, [3]int{132, 80, 114}, []int64{385, 549, 512}, ont)
	if err != nil {
		t.Fatal(err)
	}
	st, _ = store.Open(dir)
	defer st.Close()
	got, err := projection.LoadMatrix(st, store.Ref{}, "", "grid")
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Values {
		if got.Values[i] != want.Values[i] {
			t.Fatalf("value %d: %v, want %v", i, got.Values[i], want.Values[i])
		}
	}
}

// aggregate --fetch downloads what the cache lacks (summary and NRRD grid)
// from the API, then aggregates.
func TestProjectionsAggregateFetch(t *testing.T) {
	dir, cache, ins := synthStore(t, 1)
	id := ins[0].Experiment.ID
	sumBody, _ := os.ReadFile(ins[0].Summary.Path)
	grid, err := projection.ReadGrid(ins[0].GridPath, [3]int{132, 80, 114}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nrrdPath := filepath.Join(t.TempDir(), "g.nrrd")
	img := &nrrd.Image{Header: nrrd.Header{Dimension: 3, Sizes: []int{132, 80, 114}, Type: "float32", Encoding: "gzip", Endian: "little"}, Data: grid.Data}
	if err := nrrd.WriteFile(nrrdPath, img, nrrd.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	gridBody, _ := os.ReadFile(nrrdPath)
	want, err := projection.Aggregate(t.Context(), ins, projection.AggregateOptions{Normalization: projection.NormVolume})
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(cache, fmt.Sprint(id)))
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/api/v2/data/query.json":
			fmt.Fprintf(w, `{"success": true, "msg": %s}`, sumBody)
		case fmt.Sprintf("/grid_data/download_file/%d", id):
			w.Write(gridBody)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	out, e, code := runProj(t, "--store", dir, "projections", "aggregate", "--cache", cache, "--fetch", "--allow-http", "--api", srv.URL, "--normalization", "injectionVolume", fmt.Sprint(id))
	if code != 0 || !strings.Contains(out, "aggregated 1 experiments") || hits.Load() != 2 {
		t.Fatalf("aggregate --fetch: %d %s %s (%d requests)", code, out, e, hits.Load())
	}
	st, _ := store.Open(dir)
	defer st.Close()
	sn, _ := st.Snapshot(store.Ref{})
	art, _ := sn.Artifact(projection.DefaultDataset, "aggregate/default")
	vols, _, _, err := projection.ReadVolumes(filepath.Join(art.Dir, "mean.zarr"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range vols[0] {
		if vols[0][i] != want.Mean[0][i] {
			t.Fatalf("voxel %d: %v, want %v", i, vols[0][i], want.Mean[0][i])
		}
	}
}
