package projection

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

func TestMatrixFromUnionizes(t *testing.T) {
	ont := smallOntology(t)
	s1 := &Summary{ExperimentID: 11, Records: []Unionize{
		{StructureID: 385, HemisphereID: 2, ProjectionDensity: 0.5, ProjectionVolume: 1},
		{StructureID: 409, HemisphereID: 2, ProjectionDensity: 0.25},
		{StructureID: 409, HemisphereID: 1, ProjectionDensity: 0.125}, // other hemisphere
		{StructureID: 997, HemisphereID: 2, ProjectionDensity: 9, IsInjection: true},
	}}
	s2 := &Summary{ExperimentID: 12, Records: []Unionize{{StructureID: 533, HemisphereID: 2, ProjectionDensity: 0.75}}}
	m, err := MatrixFromUnionizes([]*Summary{s1, s2}, "projection_density", 2, nil, ont)
	if err != nil {
		t.Fatal(err)
	}
	// columns in ontology order: VISp (385), VISpm (533), VISl (409)
	if !reflect.DeepEqual(m.RegionIDs, []int64{385, 533, 409}) || !reflect.DeepEqual(m.RegionAcronyms, []string{"VISp", "VISpm", "VISl"}) ||
		!reflect.DeepEqual(m.Rows, []string{"allen:11", "allen:12"}) {
		t.Fatalf("indexes %v %v %v", m.RegionIDs, m.RegionAcronyms, m.Rows)
	}
	want := []float64{0.5, math.NaN(), 0.25, math.NaN(), 0.75, math.NaN()}
	for i := range want {
		if !sameFloat(m.Values[i], want[i]) {
			t.Fatalf("values %v, want %v", m.Values, want)
		}
	}
	if _, err := MatrixFromUnionizes([]*Summary{s1}, "bogus", 2, nil, ont); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("bad measurement: %v", err)
	}
	// the injection summary alone has no projection records
	inj := &Summary{ExperimentID: 1, Records: []Unionize{{StructureID: 997, HemisphereID: 3, IsInjection: true}}}
	if _, err := MatrixFromUnionizes([]*Summary{inj}, "projection_density", 3, nil, ont); !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("injection-only: %v", err)
	}
}

func TestMatrixFromGrids(t *testing.T) {
	ont := smallOntology(t)
	// 2x1x4 grid, labels: VISp1, VISp2/3, VISpm, 0 per ML plane
	labels := []uint32{593, 593, 821, 821, 533, 533, 0, 0}
	ins := makeInputs(t, []tinyExp{{id: 5, g: gridA(), ap: 1, ml: 1, vol: 1, inten: 1}})
	m, err := MatrixFromGrids(ins, labels, tinyDims, []int64{385, 533, 409}, ont)
	if err != nil {
		t.Fatal(err)
	}
	// VISp = mean of planes 0,1 = (1+2+3+4)/4; VISpm = (5+6)/2; VISl has no voxel
	want := []float64{2.5, 5.5, math.NaN()}
	for i := range want {
		if !sameFloat(m.Values[i], want[i]) {
			t.Fatalf("values %v, want %v", m.Values, want)
		}
	}
}

func TestReadCellVectors(t *testing.T) {
	ont := smallOntology(t)
	long := "cell_id,target,count\nc1,VISp,10\nc1,VISl,2\nc2,VISpm,7\nc1,VISp,1\n"
	m, err := ReadCellVectors(strings.NewReader(long), "long.csv", ont)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Rows, []string{"c1", "c2"}) || !reflect.DeepEqual(m.RegionAcronyms, []string{"VISp", "VISl", "VISpm"}) ||
		!reflect.DeepEqual(m.Values, []float64{11, 2, 0, 0, 0, 7}) {
		t.Fatalf("long: %v %v %v", m.Rows, m.RegionAcronyms, m.Values)
	}
	wide := "neuron,VISp,385,VISpm\nn1,1.5,,2\nn2,0,3,\n"
	m, err = ReadCellVectors(strings.NewReader(wide), "wide.csv", ont)
	if err != nil {
		t.Fatal(err)
	}
	// "385" is VISp again: summed into the same column
	if !reflect.DeepEqual(m.RegionAcronyms, []string{"VISp", "VISpm"}) || !reflect.DeepEqual(m.Values, []float64{1.5, 2, 3, 0}) {
		t.Fatalf("wide: %v %v", m.RegionAcronyms, m.Values)
	}
	_, err = ReadCellVectors(strings.NewReader("cell_id,region,value\nc1,NOPE,1\nc2,VISp,-3\n"), "bad.csv", ont)
	if err == nil || !strings.Contains(err.Error(), "bad.csv:2") || !strings.Contains(err.Error(), "NOPE") || !strings.Contains(err.Error(), "non-negative") {
		t.Fatalf("bad: %v", err)
	}
}

func TestMatrixStoreAndExport(t *testing.T) {
	ont := smallOntology(t)
	ctx := context.Background()
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m1, _ := ReadCellVectors(strings.NewReader("cell_id,target,count\nc1,VISp,10\nc1,VISl,2\nc2,VISpm,7\n"), "x", ont)
	m1.ID, m1.Modality, m1.MeasurementType, m1.Unit = "mapseq", "MAPseq", "barcode_count", "counts"
	bad := *m1
	bad.MeasurementType = "brightness"
	if _, err := SaveMatrix(ctx, st, &bad, "", nil, nil, 0); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("bad measurement type: %v", err)
	}
	m2, _ := MatrixFromUnionizes([]*Summary{{ExperimentID: 3, Records: []Unionize{{StructureID: 385, HemisphereID: 3, ProjectionEnergy: 4}}}}, "projection_energy", 3, nil, ont)
	m2.ID = "allen-energy"
	for _, m := range []*Matrix{m1, m2, m1} { // m1 twice: replaced, not duplicated
		if _, err := SaveMatrix(ctx, st, m, "", nil, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	back, err := LoadMatrix(st, store.Ref{}, "", "mapseq")
	if err != nil {
		t.Fatal(err)
	}
	if m1.MeasurementType != "BARCODE_COUNT" || m1.Modality != "MAPSEQ" || m1.Unit != "count" {
		t.Fatalf("not normalized to the schema enums: %s %s %s", m1.MeasurementType, m1.Modality, m1.Unit)
	}
	if !reflect.DeepEqual(back, m1) {
		t.Fatalf("round trip:\n%+v\n%+v", back, m1)
	}
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var ids string
	if err := db.QueryRow(`SELECT count(*), string_agg(id, ',' ORDER BY id) FROM `+MatrixClass).Scan(&n, &ids); err != nil || n != 2 || ids != "allen-energy,mapseq" {
		t.Fatalf("table: %d %s %v", n, ids, err)
	}
	var nItems, nSets int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM DataItem WHERE id IN ('c1', 'c2', 'allen:3')), (SELECT count(*) FROM DataSet)`).Scan(&nItems, &nSets); err != nil || nItems != 3 || nSets != 1 {
		t.Fatalf("data items %d, data sets %d: %v", nItems, nSets, err)
	}
	var regions, items string
	db.QueryRow(`SELECT region_index::VARCHAR, data_item_index::VARCHAR FROM `+MatrixClass+` WHERE id = 'mapseq'`).Scan(&regions, &items)
	if regions != "[385, 409, 533]" || items != "[c1, c2]" {
		t.Fatalf("indexes %s %s", regions, items)
	}
	if _, err := LoadMatrix(st, store.Ref{}, "", "nope"); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "mapseq") {
		t.Fatalf("unknown matrix: %v", err)
	}
	// Parquet export
	pq := filepath.Join(t.TempDir(), "m.parquet")
	if err := WriteMatrixParquet(ctx, m1, pq); err != nil {
		t.Fatal(err)
	}
	ddb, _ := sql.Open("duckdb", "")
	defer ddb.Close()
	var sum float64
	var cols int
	ddb.QueryRow(fmt.Sprintf(`SELECT sum("VISp") + sum("VISl") + sum("VISpm"), (SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet(%s))) FROM read_parquet(%s)`, store.QuoteString(pq), store.QuoteString(pq))).Scan(&sum, &cols)
	if sum != 19 || cols != 4 {
		t.Fatalf("parquet: sum %v cols %d", sum, cols)
	}
	// zarr-python reads the stored values
	py := testenv.Python(t, "zarr", "numpy")
	sn, _ := st.Snapshot(store.Ref{})
	art, _ := sn.Artifact(DefaultDataset, MatrixArtifact("mapseq"))
	out, err := exec.Command(py, filepath.Join(testenv.RepoRoot(t), "python", "zarr_check.py"), "read", filepath.Join(art.Dir, "values.zarr")).Output()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Shape      []int          `json:"shape"`
		Attributes map[string]any `json:"attributes"`
		Data       string         `json:"data_b64"`
	}
	json.Unmarshal(out, &d)
	raw, _ := base64.StdEncoding.DecodeString(d.Data)
	vals := make([]float64, len(raw)/8)
	binary.Read(strings.NewReader(string(raw)), binary.LittleEndian, vals)
	if !reflect.DeepEqual(d.Shape, []int{2, 3}) || !reflect.DeepEqual(vals, m1.Values) || d.Attributes["measurement_type"] != "BARCODE_COUNT" {
		t.Fatalf("zarr-python sees %v %v %v", d.Shape, vals, d.Attributes)
	}
}

func TestSlices(t *testing.T) {
	// 2 (AP) x 3 (DV) x 4 (ML), value = 100*ap + 10*dv + ml
	d := [3]int{2, 3, 4}
	g := testGrid(d, func(ap, dv, ml int) float32 { return float32(100*ap + 10*dv + ml) })
	img, w, h, err := Slice(g.Data, d, Coronal, 1)
	if err != nil || w != 4 || h != 3 || img[0] != 100 || img[2*4+3] != 123 {
		t.Fatalf("coronal: %v %d %d %v", img, w, h, err)
	}
	img, w, h, _ = Slice(g.Data, d, Sagittal, 2)
	if w != 2 || h != 3 || img[1*2+1] != 112 {
		t.Fatalf("sagittal: %v", img)
	}
	img, w, h, _ = Slice(g.Data, d, Horizontal, 0)
	if w != 4 || h != 2 || img[1*4+3] != 103 {
		t.Fatalf("horizontal: %v", img)
	}
	img, _, _, _ = Slice(g.Data, d, Coronal, -1) // max over AP
	if img[0] != 100 || img[11] != 123 {
		t.Fatalf("max projection: %v", img)
	}
	if _, _, _, err := Slice(g.Data, d, "oblique", 0); !errors.Is(err, ccc.ErrUsage) {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "s.png")
	if err := WriteSlicePNG(p, g.Data, d, Coronal, -1, "", make([]uint32, 24)); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(p); err != nil || st.Size() < 100 {
		t.Fatalf("png: %v", err)
	}
}
