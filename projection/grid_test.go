package projection

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/download"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func TestRealSummary(t *testing.T) {
	p := testenv.SharedData(t, "allen-connectivity/100141219/injectionSummary_all.json")
	s, err := ReadSummaryFile(p, 100141219)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records) != 38 {
		t.Fatalf("%d records", len(s.Records))
	}
	inj, ok := s.Injection()
	if !ok || inj.ProjectionVolume != 0.2042788832 || inj.SumPixelIntensity != 778541662208.0 || inj.MaxVoxelZ != 8070 {
		t.Fatalf("injection record %+v", inj)
	}
	// The real max_voxel_z is micrometres: far beyond the 114 voxels of the grid.
	if inj.MaxVoxelZ < 114 {
		t.Fatal("expected micrometres")
	}
	mhd := testenv.SharedData(t, "allen-connectivity/100141219/density.mhd")
	h, err := readMHD(mhd)
	if err != nil {
		t.Fatal(err)
	}
	if h.dims != [3]int{132, 80, 114} || h.spacing != 100 || h.elemSize != 4 || filepath.Base(h.dataFile) != "density.raw" {
		t.Fatalf("header %+v", h)
	}
	// its .raw is not shipped: a clear not-found error
	if _, err := ReadGrid(mhd, [3]int{132, 80, 114}, nil); !errors.Is(err, ccc.ErrNotFound) {
		t.Fatalf("missing raw: %v", err)
	}
}

func TestSummaryErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not json":     `{"msg": [`,
		"no structure": `[{"hemisphere_id": 3}]`,
		"api failure":  `{"success": false, "msg": "bad query"}`,
	} {
		if _, err := ParseSummary([]byte(body), "s.json", 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	s, err := ParseSummary([]byte(`{"success":true,"msg":[{"section_data_set_id":5,"structure_id":997,"hemisphere_id":3,"projection_volume":null}]}`), "s.json", 0)
	if err != nil || s.ExperimentID != 5 || !math.IsNaN(s.Records[0].ProjectionVolume) {
		t.Fatalf("%+v %v", s, err)
	}
	s, _ = ParseSummary([]byte(`[{"structure_id":8,"hemisphere_id":3}]`), "s.json", 1)
	if _, ok := s.Injection(); ok {
		t.Fatal("no 997 record expected")
	}
}

// writeNRRD writes a gzip NRRD grid like the Allen grid service sends.
func writeNRRD(t testing.TB, path string, g *Grid, encoding string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "NRRD0004\n# Complete NRRD file format specification at:\ntype: float\ndimension: 3\nspace: left-posterior-superior\n"+
		"sizes: %d %d %d\nspace directions: (%g,0,0) (0,%g,0) (0,0,%g)\nkinds: domain domain domain\nendian: little\nencoding: %s\nspace origin: (0,0,0)\n\n",
		g.Dims[0], g.Dims[1], g.Dims[2], g.Spacing, g.Spacing, g.Spacing, encoding)
	var data bytes.Buffer
	binary.Write(&data, binary.LittleEndian, g.Data)
	if encoding == "gzip" {
		zw := gzip.NewWriter(&b)
		zw.Write(data.Bytes())
		zw.Close()
	} else {
		b.Write(data.Bytes())
	}
	if path != "" {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func testGrid(dims [3]int, f func(ap, dv, ml int) float32) *Grid {
	g := &Grid{Dims: dims, Spacing: 100, Data: make([]float32, dims[0]*dims[1]*dims[2])}
	for ml := 0; ml < dims[2]; ml++ {
		for dv := 0; dv < dims[1]; dv++ {
			for ap := 0; ap < dims[0]; ap++ {
				g.Data[ap+dims[0]*(dv+dims[1]*ml)] = f(ap, dv, ml)
			}
		}
	}
	return g
}

func TestGridFiles(t *testing.T) {
	dims := [3]int{6, 4, 5}
	g := testGrid(dims, func(ap, dv, ml int) float32 { return float32(ap) + 10*float32(dv) + 100*float32(ml) + 0.5 })
	dir := t.TempDir()
	mhd, err := WriteGridMHD(dir, "density", g)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "g.nrrd")
	writeNRRD(t, gz, g, "gzip")
	raw := filepath.Join(dir, "r.nrrd")
	writeNRRD(t, raw, g, "raw")
	for _, p := range []string{mhd, gz, raw, filepath.Join(dir, "density.raw")} {
		got, err := ReadGrid(p, dims, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if got.At(2, 3, 4) != 2+30+400+0.5 || got.Dims != dims {
			t.Fatalf("%s: At(2,3,4) = %v", p, got.At(2, 3, 4))
		}
		for i := range g.Data {
			if got.Data[i] != g.Data[i] {
				t.Fatalf("%s: voxel %d differs", p, i)
			}
		}
	}
	// wrong size
	_, err = ReadGrid(mhd, [3]int{132, 80, 114}, nil)
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "grid is 6x4x5, want 132x80x114") {
		t.Fatalf("wrong size: %v", err)
	}
	// truncated raw behind a valid header
	rawPath := filepath.Join(dir, "density.raw")
	b, _ := os.ReadFile(rawPath)
	os.WriteFile(rawPath, b[:len(b)-10], 0o644)
	_, err = ReadGrid(mhd, dims, nil)
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), rawPath) {
		t.Fatalf("truncated: %v", err)
	}
	// bare .raw of no CCF size
	_, err = ReadGrid(rawPath, [3]int{}, nil)
	if !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("bare raw: %v", err)
	}
	// truncated gzip NRRD
	b, _ = os.ReadFile(gz)
	os.WriteFile(gz, b[:len(b)-20], 0o644)
	if _, err := ReadGrid(gz, dims, nil); err == nil {
		t.Fatal("truncated gzip NRRD accepted")
	}
	os.WriteFile(gz, []byte("NRRD0004\ntype: short\ndimension: 3\nsizes: 1 1 1\nencoding: raw\n\n\x00\x00"), 0o644)
	if _, err := ReadGrid(gz, [3]int{}, nil); !errors.Is(err, ccc.ErrFormat) {
		t.Fatalf("short type: %v", err)
	}
}

func FuzzReadGridHeader(f *testing.F) {
	f.Add([]byte("ObjectType = Image\nNDims = 3\nDimSize = 2 2 2\nElementType = MET_FLOAT\nElementDataFile = d.raw\n"), false)
	f.Add([]byte("NRRD0004\ntype: float\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, nrrd bool) {
		dir := t.TempDir()
		name := "h.mhd"
		if nrrd {
			name = "h.nrrd"
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		os.WriteFile(filepath.Join(dir, "d.raw"), make([]byte, 32), 0o644)
		g, err := ReadGrid(p, [3]int{}, nil)
		if err == nil && len(g.Data) != g.Len() {
			t.Fatal("inconsistent grid")
		}
	})
}

// allenServer imitates the two Allen API endpoints fetch uses.
type allenServer struct {
	grid      []byte
	summary   []byte
	fail      atomic.Int32 // fail this many requests with 503 first
	mu        sync.Mutex
	requests  []string
	truncated bool
}

func (s *allenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path+"?"+r.URL.RawQuery)
	s.mu.Unlock()
	if s.fail.Add(-1) >= 0 {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.URL.Path == "/api/v2/data/query.json":
		q := r.URL.Query().Get("q")
		if !strings.HasPrefix(q, "model::ProjectionStructureUnionize,rma::criteria,[section_data_set_id$eq100141219]") {
			json.NewEncoder(w).Encode(map[string]any{"success": true, "msg": []any{}})
			return
		}
		w.Write(s.summary)
	case r.URL.Path == "/grid_data/download_file/100141219":
		if r.URL.Query().Get("image") != "projection_density" || r.URL.Query().Get("resolution") != "100" {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		if s.truncated {
			w.Header().Set("Content-Length", fmt.Sprint(len(s.grid)))
			w.Write(s.grid[:len(s.grid)/2])
			return
		}
		w.Write(s.grid)
	default:
		http.NotFound(w, r)
	}
}

func TestFetch(t *testing.T) {
	real := testenv.SharedData(t, "allen-connectivity/100141219/injectionSummary_all.json")
	recs, _ := os.ReadFile(real)
	var msg []map[string]any
	json.Unmarshal(recs, &msg)
	for _, m := range msg {
		delete(m, "experimentID") // the API does not send it
	}
	body, _ := json.Marshal(map[string]any{"success": true, "id": 0, "start_row": 0, "num_rows": len(msg), "total_rows": len(msg), "msg": msg})
	g := testGrid([3]int{132, 80, 114}, func(ap, dv, ml int) float32 { return float32(ap*dv) / 1000 })
	srv := &allenServer{summary: body, grid: writeNRRD(t, "", g, "gzip")}
	srv.fail.Store(2)
	hs := httptest.NewServer(srv)
	defer hs.Close()

	cache := Cache{Dir: t.TempDir(), Resolution: 100}
	var done []int64
	f := &Fetcher{BaseURL: hs.URL, Policy: download.Policy{AllowHTTP: true}, Backoff: time.Millisecond, Concurrency: 1, OnDone: func(id, n int64) { done = append(done, id) }}
	ctx := context.Background()
	if err := f.Fetch(ctx, cache, []int64{100141219}, FetchOptions{Summary: true, Grid: true}); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSummaryFile(cache.SummaryPath(100141219), 100141219)
	if err != nil || len(s.Records) != 38 {
		t.Fatalf("cached summary: %v", err)
	}
	p, err := cache.GridPath(100141219)
	if err != nil || p != cache.FetchGridPath(100141219) {
		t.Fatalf("grid path %s %v", p, err)
	}
	got, err := ReadGrid(p, [3]int{132, 80, 114}, nil)
	if err != nil || got.At(10, 20, 3) != 0.2 {
		t.Fatalf("cached grid: %v", err)
	}
	if len(srv.requests) != 4 || len(done) != 1 { // 2 failures + summary + grid
		t.Fatalf("requests %v", srv.requests)
	}
	// cached: no more requests
	if err := f.Fetch(ctx, cache, []int64{100141219}, FetchOptions{Summary: true, Grid: true}); err != nil || len(srv.requests) != 4 {
		t.Fatalf("re-fetch hit the server: %v %v", err, srv.requests)
	}
	// truncated download with --reload: error, old file kept, no temp files left
	srv.truncated = true
	err = f.Fetch(ctx, cache, []int64{100141219}, FetchOptions{Grid: true, Reload: true})
	if err == nil {
		t.Fatal("truncated download accepted")
	}
	if _, err := ReadGrid(p, [3]int{132, 80, 114}, nil); err != nil {
		t.Fatalf("old grid damaged: %v", err)
	}
	ents, _ := os.ReadDir(cache.ExperimentDir(100141219))
	if len(ents) != 2 {
		t.Fatalf("leftovers: %v", ents)
	}
	// unknown experiment: 404 on the grid, no retries
	srv.truncated = false
	n0 := len(srv.requests)
	err = f.Fetch(ctx, cache, []int64{42}, FetchOptions{Grid: true})
	if !errors.Is(err, ccc.ErrNotFound) || len(srv.requests) != n0+1 {
		t.Fatalf("404: %v, %d requests", err, len(srv.requests)-n0)
	}
	// persistent 503: gives up after Retries+1 attempts
	srv.fail.Store(100)
	f.Retries = 2
	n0 = len(srv.requests)
	err = f.Fetch(ctx, cache, []int64{7}, FetchOptions{Summary: true})
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") || len(srv.requests) != n0+3 {
		t.Fatalf("503: %v, %d requests", err, len(srv.requests)-n0)
	}
}
