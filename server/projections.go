package server

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

var experimentCols = []synapse.Col{{Name: "id", Kind: synapse.KindInt}, {Name: "transgenic_line", Kind: synapse.KindString},
	{Name: "structure_id", Kind: synapse.KindInt}, {Name: "structure_abbrev", Kind: synapse.KindString}, {Name: "injection_volume", Kind: synapse.KindFloat},
	{Name: "injection_ap_um", Kind: synapse.KindFloat}, {Name: "injection_dv_um", Kind: synapse.KindFloat}, {Name: "injection_ml_um", Kind: synapse.KindFloat},
	{Name: "gender", Kind: synapse.KindString}, {Name: "strain", Kind: synapse.KindString}}

func handleFindExperiments(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	dataset := qs.Get("dataset")
	if dataset == "" {
		dataset = projection.DefaultDataset
	}
	if err := validName("dataset", dataset); err != nil {
		return err
	}
	if err := s.canRead(r, dataset); err != nil {
		return err
	}
	rf, err := ref(r)
	if err != nil {
		return err
	}
	o := projection.FindOptions{Region: qs.Get("region"), Line: qs.Get("line")}
	if o.IncludeDescendants, err = boolParam(r, "include_descendants"); err != nil {
		return err
	}
	if o.WildType, err = boolParam(r, "wild_type"); err != nil {
		return err
	}
	exps, err := projection.LoadExperiments(r.Context(), s.st, rf, dataset)
	if err != nil {
		return err
	}
	var ont *atlas.Ontology
	if o.Region != "" {
		a, err := s.openAtlas(r)
		if err != nil {
			return err
		}
		ont = a.Ontology
	}
	found, err := projection.Find(exps, ont, o)
	if err != nil {
		return err
	}
	rows := make([][]any, len(found))
	for i := range found {
		e := &found[i]
		rows[i] = []any{e.ID, e.TransgenicLine, e.StructureID, e.StructureAbbrev, e.InjectionVolume, e.InjectionAP, e.InjectionDV, e.InjectionML, e.Gender, e.Strain}
	}
	return writeTable(w, format, experimentCols, rows)
}

func handleMatrices(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	cols := []synapse.Col{{Name: "dataset", Kind: synapse.KindString}, {Name: "name", Kind: synapse.KindString}, {Name: "rows", Kind: synapse.KindInt},
		{Name: "regions", Kind: synapse.KindInt}, {Name: "measurement_type", Kind: synapse.KindString}, {Name: "modality", Kind: synapse.KindString},
		{Name: "unit", Kind: synapse.KindString}}
	var rows [][]any
	for _, d := range s.readable(r, sn.Datasets()) {
		for _, name := range projection.MatrixNames(sn, d) {
			m, err := projection.LoadMatrix(s.st, store.Ref{Version: sn.Number()}, d, name)
			if err != nil {
				return err
			}
			rows = append(rows, []any{d, name, int64(len(m.Rows)), int64(len(m.RegionIDs)), m.MeasurementType, m.Modality, m.Unit})
		}
	}
	return writeTable(w, format, cols, rows)
}

// pathNames reads and validates the {dataset} and {name} path values.
func (s *Server) pathNames(r *http.Request) (dataset, name string, err error) {
	dataset, name = r.PathValue("dataset"), r.PathValue("name")
	if err := validName("dataset", dataset); err != nil {
		return "", "", err
	}
	if err := validName("name", name); err != nil {
		return "", "", err
	}
	return dataset, name, s.canRead(r, dataset)
}

func handleMatrix(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	dataset, name, err := s.pathNames(r)
	if err != nil {
		return err
	}
	rf, err := ref(r)
	if err != nil {
		return err
	}
	m, err := projection.LoadMatrix(s.st, rf, dataset, name)
	if err != nil {
		return err
	}
	rw := newRowWriter(w, format)
	nr := len(m.RegionIDs)
	switch layout := r.URL.Query().Get("layout"); layout {
	case "", "long":
		cols := []synapse.Col{{Name: "data_item", Kind: synapse.KindString}, {Name: "region_id", Kind: synapse.KindInt},
			{Name: "region_acronym", Kind: synapse.KindString}, {Name: "value", Kind: synapse.KindFloat}}
		if err := rw.Header(cols); err != nil {
			return err
		}
		for i, item := range m.Rows {
			for j := range nr {
				if err := rw.Row([]any{item, m.RegionIDs[j], m.RegionAcronyms[j], m.Values[i*nr+j]}); err != nil {
					return err
				}
			}
		}
	case "wide":
		cols := []synapse.Col{{Name: "data_item", Kind: synapse.KindString}}
		for _, a := range m.RegionAcronyms {
			cols = append(cols, synapse.Col{Name: a, Kind: synapse.KindFloat})
		}
		if err := rw.Header(cols); err != nil {
			return err
		}
		vals := make([]any, nr+1)
		for i, item := range m.Rows {
			vals[0] = item
			for j := range nr {
				vals[j+1] = m.Values[i*nr+j]
			}
			if err := rw.Row(vals); err != nil {
				return err
			}
		}
	default:
		return usagef("layout %q: want long or wide", layout)
	}
	return rw.Close()
}

func handleSlice(s *Server, w http.ResponseWriter, r *http.Request) error {
	dataset, name, err := s.pathNames(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	art, err := sn.Artifact(dataset, projection.ArtifactName(name))
	if err != nil {
		return err
	}
	vols, dims, attrs, err := projection.ReadVolumes(filepath.Join(art.Dir, "mean.zarr"))
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	var labels []string
	if l, ok := attrs["groups"].([]any); ok {
		for _, x := range l {
			s, _ := x.(string)
			labels = append(labels, s)
		}
	}
	gi := 0
	if g := qs.Get("group"); g != "" {
		gi = -1
		for i, l := range labels {
			if l == g {
				gi = i
			}
		}
		if k, err := strconv.Atoi(g); gi < 0 && err == nil && k >= 1 && k <= len(vols) {
			gi = k - 1
		}
		if gi < 0 {
			return usagef("group %q: groups are %v (or 1..%d)", g, labels, len(vols))
		}
	}
	if gi >= len(vols) {
		return notFoundf("aggregate %s has no volumes", name)
	}
	plane := qs.Get("plane")
	if plane == "" {
		plane = projection.Coronal
	}
	index := -1
	if v := qs.Get("index"); v != "" {
		if index, err = strconv.Atoi(v); err != nil || index < -1 || index > math.MaxInt32 {
			return usagef("index %q: want a voxel index (or -1 for the maximum projection)", v)
		}
	}
	title := name
	if gi < len(labels) {
		title += " " + labels[gi]
	}
	tmp, err := os.CreateTemp("", "ccc-serve-slice-*.png")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := projection.WriteSlicePNG(tmp.Name(), vols[gi], dims, plane, index, title, nil); err != nil {
		return err
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("X-CCC-Version", strconv.Itoa(sn.Number()))
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("send slice: %w", err)
	}
	return nil
}
