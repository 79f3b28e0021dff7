package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/synapse"
)

// regionCols are the columns of region results (atlas.RegionRecord).
var regionCols = []synapse.Col{{Name: "id", Kind: synapse.KindInt}, {Name: "acronym", Kind: synapse.KindString}, {Name: "name", Kind: synapse.KindString},
	{Name: "color_hex_triplet", Kind: synapse.KindString}, {Name: "parent_identifier", Kind: synapse.KindInt}, {Name: "parent_acronym", Kind: synapse.KindString},
	{Name: "depth", Kind: synapse.KindInt}, {Name: "annotation_value", Kind: synapse.KindInt}, {Name: "children", Kind: synapse.KindInt},
	{Name: "descendants", Kind: synapse.KindInt}, {Name: "structure_id_path", Kind: synapse.KindString}}

func regionRow(rec atlas.RegionRecord) []any {
	var parent any
	if rec.ParentID != nil {
		parent = *rec.ParentID
	}
	return []any{rec.ID, rec.Acronym, rec.Name, rec.Color, parent, rec.ParentAcronym, int64(rec.Depth), rec.AnnotationValue,
		int64(rec.Children), int64(rec.Descendants), rec.Path}
}

// openAtlas opens the request's atlas (?atlas=, default the only one) and
// checks the read scope of its dataset.
func (s *Server) openAtlas(r *http.Request) (*atlas.Atlas, error) {
	rf, err := ref(r)
	if err != nil {
		return nil, err
	}
	name := r.URL.Query().Get("atlas")
	if name != "" {
		if err := validName("atlas", name); err != nil {
			return nil, err
		}
	}
	a, err := atlas.Open(s.st, rf, name)
	if err != nil {
		return nil, err
	}
	if err := s.canRead(r, a.Name); err != nil {
		return nil, err
	}
	return a, nil
}

func handleAtlases(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sn, err := s.snapshot(r)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, n := range s.readable(r, atlas.Names(sn)) {
		t, err := sn.Table(n, atlas.RegionClass)
		if err != nil {
			return err
		}
		rows = append(rows, []any{n, t.Rows})
	}
	return writeTable(w, format, []synapse.Col{{Name: "atlas", Kind: synapse.KindString}, {Name: "regions", Kind: synapse.KindInt}}, rows)
}

func handleRegion(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	a, err := s.openAtlas(r)
	if err != nil {
		return err
	}
	reg, err := a.Ontology.Lookup(r.PathValue("region"))
	if err != nil {
		return err
	}
	return writeTable(w, format, regionCols, [][]any{regionRow(a.Ontology.Record(reg.ID))})
}

func handleRelatives(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	rel := r.PathValue("relation")
	if rel != "ancestors" && rel != "children" && rel != "descendants" {
		return notFoundf("relation %q: want ancestors, children or descendants", rel)
	}
	a, err := s.openAtlas(r)
	if err != nil {
		return err
	}
	o := a.Ontology
	reg, err := o.Lookup(r.PathValue("region"))
	if err != nil {
		return err
	}
	var ids []int64
	switch rel {
	case "ancestors":
		ids = o.Ancestors(reg.ID)
	case "children":
		ids = o.Children(reg.ID)
	default:
		ids = o.Descendants(reg.ID)
	}
	rows := make([][]any, len(ids))
	for i, id := range ids {
		rows[i] = regionRow(o.Record(id))
	}
	return writeTable(w, format, regionCols, rows)
}

func handleAtlasSearch(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	if text == "" {
		return usagef("search needs q=TEXT")
	}
	limit := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 {
			return usagef("limit %q: want a non-negative integer", v)
		}
	}
	a, err := s.openAtlas(r)
	if err != nil {
		return err
	}
	hits := a.Ontology.Search(text, limit)
	cols := append(append([]synapse.Col(nil), regionCols...), synapse.Col{Name: "match", Kind: synapse.KindString})
	rows := make([][]any, len(hits))
	for i, h := range hits {
		rows[i] = append(regionRow(a.Ontology.Record(h.ID)), h.Kind)
	}
	return writeTable(w, format, cols, rows)
}

// floats parses a comma-separated list of numbers.
func floats(name, v string) ([]float64, error) {
	if v == "" {
		return nil, usagef("%s: give comma-separated numbers", name)
	}
	parts := strings.Split(v, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, usagef("%s: %q is not a number", name, p)
		}
		out[i] = f
	}
	return out, nil
}

func handleAtlasLocate(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	var xyz [3][]float64
	for i, k := range []string{"x", "y", "z"} {
		if xyz[i], err = floats(k, qs.Get(k)); err != nil {
			return err
		}
	}
	if len(xyz[0]) != len(xyz[1]) || len(xyz[0]) != len(xyz[2]) {
		return usagef("x, y and z need the same number of values (%d, %d, %d)", len(xyz[0]), len(xyz[1]), len(xyz[2]))
	}
	res := 0.0
	if v := qs.Get("resolution"); v != "" {
		if res, err = strconv.ParseFloat(v, 64); err != nil || res <= 0 {
			return usagef("resolution %q: want a positive number of um", v)
		}
	}
	a, err := s.openAtlas(r)
	if err != nil {
		return err
	}
	vol, err := a.Volume(res)
	if err != nil {
		return err
	}
	loc := atlas.Locate(a.Ontology, vol, xyz[0], xyz[1], xyz[2])
	cols := []synapse.Col{{Name: "x", Kind: synapse.KindFloat}, {Name: "y", Kind: synapse.KindFloat}, {Name: "z", Kind: synapse.KindFloat},
		{Name: "label", Kind: synapse.KindInt}, {Name: "region_id", Kind: synapse.KindInt}, {Name: "acronym", Kind: synapse.KindString}, {Name: "status", Kind: synapse.KindString}}
	rows := make([][]any, len(xyz[0]))
	for i := range rows {
		var rid, acr any
		if id := loc.RegionID[i]; id != 0 {
			rid = id
			if reg, ok := a.Ontology.ByID(id); ok {
				acr = reg.Acronym
			}
		}
		rows[i] = []any{xyz[0][i], xyz[1][i], xyz[2][i], int64(loc.Labels[i]), rid, acr, atlas.StatusNames[loc.Status[i]]}
	}
	return writeTable(w, format, cols, rows)
}
