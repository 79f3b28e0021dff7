package projection

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
)

// Matrix is a ProjectionMeasurementMatrix: data items (experiments or
// cells) x target regions, one measurement per cell, NaN where unknown.
type Matrix struct {
	ID              string
	Description     string
	MeasurementType string   // schema enum ProjectionMeasurementType: PROJECTION_DENSITY, BARCODE_COUNT, AXON_LENGTH, ...
	Modality        string   // schema enum Modality: MESOSCALE_TRACING, MAPSEQ, BARSEQ, MORPHOLOGY, ...
	Unit            string   // schema enum Unit: fraction, mm3, count, um, intensity, dimensionless, ...
	Rows            []string // data_item_index: "allen:100141219", cell ids
	RegionIDs       []int64  // region_index
	RegionAcronyms  []string
	Hemisphere      int       // 1 left, 2 right, 3 both (0: not applicable)
	Values          []float64 // len(Rows) x len(RegionIDs), row-major
}

// At returns the value of row r, column c.
func (m *Matrix) At(r, c int) float64 { return m.Values[r*len(m.RegionIDs)+c] }

// Unionize measurements usable for matrices.
var unionizeFields = map[string]func(u *Unionize) float64{
	"projection_density":           func(u *Unionize) float64 { return u.ProjectionDensity },
	"projection_energy":            func(u *Unionize) float64 { return u.ProjectionEnergy },
	"projection_volume":            func(u *Unionize) float64 { return u.ProjectionVolume },
	"projection_intensity":         func(u *Unionize) float64 { return u.ProjectionIntensity },
	"normalized_projection_volume": func(u *Unionize) float64 { return u.NormalizedProjectionVolume },
}

var unionizeUnits = map[string]string{"projection_density": "fraction", "projection_energy": "intensity",
	"projection_volume": "mm3", "projection_intensity": "intensity", "normalized_projection_volume": "dimensionless"}

// The schema's enums (schema/base_schema.yaml) for matrix metadata.
var (
	measurementTypes = []string{"AXON_LENGTH", "TERMINAL_COUNT", "SYNAPSE_COUNT", "BARCODE_COUNT", "PROJECTION_DENSITY",
		"PROJECTION_ENERGY", "PROJECTION_INTENSITY", "PROJECTION_VOLUME", "NORMALIZED_PROJECTION_VOLUME", "OTHER"}
	modalities = []string{"EM", "MORPHOLOGY", "MESOSCALE_TRACING", "BARSEQ", "MAPSEQ", "PATCHSEQ", "EPHYS", "TRANSCRIPTOMICS", "OTHER"}
	units      = []string{"um", "nm", "mm", "um3", "mm3", "voxel", "count", "fraction", "percent", "intensity", "dimensionless", "mV", "pA", "ms", "Hz", "MOhm"}
)

// modalityAliases are common spellings of the Modality enum values.
var modalityAliases = map[string]string{"ANTEROGRADE_TRACING": "MESOSCALE_TRACING", "TRACING": "MESOSCALE_TRACING",
	"SINGLE_NEURON_RECONSTRUCTION": "MORPHOLOGY", "RECONSTRUCTION": "MORPHOLOGY", "PATCH_SEQ": "PATCHSEQ"}

func enumValue(kind, s string, allowed []string, aliases map[string]string) (string, error) {
	v := strings.ToUpper(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	if a, ok := aliases[v]; ok {
		v = a
	}
	for _, x := range allowed {
		if strings.EqualFold(x, v) {
			return x, nil
		}
	}
	return "", usage("%s %q is not one of %s", kind, s, strings.Join(allowed, ", "))
}

// Normalize maps the metadata to the schema's enum spellings
// (projection_density -> PROJECTION_DENSITY, MAPseq -> MAPSEQ, counts ->
// count) and rejects values outside them.
func (m *Matrix) Normalize() error {
	var err error
	if m.MeasurementType, err = enumValue("measurement type", m.MeasurementType, measurementTypes, nil); err != nil {
		return err
	}
	if m.Modality, err = enumValue("modality", m.Modality, modalities, modalityAliases); err != nil {
		return err
	}
	if m.Unit != "" {
		u := m.Unit
		if u == "counts" || u == "COUNTS" {
			u = "count"
		}
		for _, x := range units {
			if x == u || strings.EqualFold(x, u) && len(u) > 2 {
				m.Unit = x
				return nil
			}
		}
		return usage("unit %q is not one of %s", m.Unit, strings.Join(units, ", "))
	}
	return nil
}

// MatrixFromUnionizes builds an experiments x regions matrix from structure
// unionizes (is_injection = false records) of one hemisphere. regions are
// the target columns (nil: every structure present in any summary, in
// ontology order when ont is given, else by id).
func MatrixFromUnionizes(sums []*Summary, measurement string, hemisphere int, regions []int64, ont *atlas.Ontology) (*Matrix, error) {
	get, ok := unionizeFields[measurement]
	if !ok {
		var names []string
		for k := range unionizeFields {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, usage("unknown measurement %q (%s)", measurement, strings.Join(names, ", "))
	}
	if hemisphere < 1 || hemisphere > 3 {
		return nil, usage("hemisphere must be 1 (left), 2 (right) or 3 (both)")
	}
	if len(sums) == 0 {
		return nil, usage("no experiments")
	}
	if regions == nil {
		set := map[int64]bool{}
		for _, s := range sums {
			for _, u := range s.Records {
				if !u.IsInjection && u.HemisphereID == hemisphere {
					set[u.StructureID] = true
				}
			}
		}
		for id := range set {
			regions = append(regions, id)
		}
		sortRegions(regions, ont)
	}
	col := make(map[int64]int, len(regions))
	for c, id := range regions {
		col[id] = c
	}
	m := &Matrix{MeasurementType: strings.ToUpper(measurement), Modality: "MESOSCALE_TRACING", Unit: unionizeUnits[measurement],
		RegionIDs: regions, Hemisphere: hemisphere, Values: make([]float64, len(sums)*len(regions))}
	for i := range m.Values {
		m.Values[i] = math.NaN()
	}
	found := 0
	for r, s := range sums {
		m.Rows = append(m.Rows, "allen:"+strconv.FormatInt(s.ExperimentID, 10))
		for k := range s.Records {
			u := &s.Records[k]
			if u.IsInjection || u.HemisphereID != hemisphere {
				continue
			}
			if c, ok := col[u.StructureID]; ok {
				m.Values[r*len(regions)+c] = get(u)
				found++
			}
		}
	}
	if found == 0 {
		return nil, &ccc.Error{Op: "matrix", Row: -1, Msg: "the summaries hold no projection (is_injection = false) records for these regions and hemisphere",
			Hint: "fetch them with 'ccc projections fetch --unionizes'", Kind: ccc.ErrInvalidData}
	}
	m.fillAcronyms(ont)
	return m, nil
}

func sortRegions(ids []int64, ont *atlas.Ontology) {
	sort.Slice(ids, func(i, j int) bool {
		if ont != nil {
			ri, oki := ont.ByID(ids[i])
			rj, okj := ont.ByID(ids[j])
			if oki && okj && ri.Order != rj.Order {
				return ri.Order < rj.Order
			}
		}
		return ids[i] < ids[j]
	})
}

func (m *Matrix) fillAcronyms(ont *atlas.Ontology) {
	m.RegionAcronyms = make([]string, len(m.RegionIDs))
	for c, id := range m.RegionIDs {
		m.RegionAcronyms[c] = strconv.FormatInt(id, 10)
		if ont != nil {
			if r, ok := ont.ByID(id); ok {
				m.RegionAcronyms[c] = r.Acronym
			}
		}
	}
}

// MatrixFromGrids sums each experiment's grid over every target region
// through an annotation volume (labels with the grid's size and layout;
// a region covers its whole subtree) and reports the mean value per region
// voxel (measurement "projection_density" from the grid).
func MatrixFromGrids(ins []Input, labels []uint32, dims [3]int, regions []int64, ont *atlas.Ontology) (*Matrix, error) {
	n := dims[0] * dims[1] * dims[2]
	if len(labels) != n {
		return nil, usage("annotation has %d voxels, grids %d", len(labels), n)
	}
	if ont == nil || len(regions) == 0 {
		return nil, usage("grid matrices need an ontology and target regions")
	}
	// label -> columns containing it
	maxLabel := uint32(0)
	for _, l := range labels {
		maxLabel = max(maxLabel, l)
	}
	cols := make([][]int, maxLabel+1)
	for c, id := range regions {
		for _, d := range ont.Descendants(id) {
			r, _ := ont.ByID(d)
			if r == nil || r.AnnotationValue <= 0 || r.AnnotationValue > int64(maxLabel) {
				continue
			}
			cols[r.AnnotationValue] = append(cols[r.AnnotationValue], c)
		}
	}
	voxels := make([]float64, len(regions))
	for _, l := range labels {
		for _, c := range cols[l] {
			voxels[c]++
		}
	}
	m := &Matrix{MeasurementType: "PROJECTION_DENSITY", Modality: "MESOSCALE_TRACING", Unit: "fraction",
		RegionIDs: regions, Hemisphere: 3, Values: make([]float64, len(ins)*len(regions))}
	var buf []float32
	perLabel := make([]float64, maxLabel+1)
	for r, in := range ins {
		g, err := ReadGrid(in.GridPath, dims, buf)
		if err != nil {
			return nil, err
		}
		buf = g.Data
		clear(perLabel)
		for j, l := range labels {
			perLabel[l] += float64(g.Data[j])
		}
		row := m.Values[r*len(regions) : (r+1)*len(regions)]
		for l, s := range perLabel {
			for _, c := range cols[l] {
				row[c] += s
			}
		}
		for c := range row {
			if voxels[c] > 0 {
				row[c] /= voxels[c]
			} else {
				row[c] = math.NaN()
			}
		}
		m.Rows = append(m.Rows, "allen:"+strconv.FormatInt(in.Experiment.ID, 10))
	}
	m.fillAcronyms(ont)
	return m, nil
}

// ReadCellVectors reads per-cell projection vectors (MAPseq/BARseq barcode
// counts, axon length per region) from CSV in either layout:
//
//	long: cell_id,region,value      (one row per cell and region; also
//	      columns named cell/neuron/barcode, region/target/structure/acronym,
//	      value/count/length)
//	wide: cell_id,VISp,VISl,MOs,... (one row per cell, one column per region)
//
// Regions are acronyms or ids resolved through the ontology; unknown ones
// are reported all at once. Missing cells of a long table are 0 (no
// barcode counted / no axon there).
func ReadCellVectors(r io.Reader, name string, ont *atlas.Ontology) (*Matrix, error) {
	const op = "read projection vectors"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "cannot read the CSV header", Kind: ccc.ErrFormat, Err: err}
	}
	find := func(names ...string) int {
		for i, h := range header {
			for _, n := range names {
				if normHeader(h) == n {
					return i
				}
			}
		}
		return -1
	}
	cellCol := find("cell_id", "cell", "neuron", "neuron_id", "barcode", "id")
	if cellCol < 0 {
		return nil, &ccc.Error{Op: op, Path: name, Line: 1, Row: -1, Msg: "no cell id column (cell_id, cell, neuron, barcode)", Kind: ccc.ErrInvalidData}
	}
	regCol := find("region", "target", "structure", "acronym", "region_id", "structure_id")
	valCol := find("value", "count", "counts", "length", "axon_length", "barcode_count")
	long := regCol >= 0 && valCol >= 0 && len(header) <= 4
	var errs []error
	resolve := func(s string, line int) (int64, bool) {
		reg, err := ont.Lookup(strings.TrimSpace(s))
		if err != nil {
			if len(errs) < 20 {
				errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Field: "region", Value: s, Msg: "unknown region", Kind: ccc.ErrNotFound,
					Hint: "use Allen CCF acronyms or ids (VISp, 385)"})
			}
			return 0, false
		}
		return reg.ID, true
	}
	m := &Matrix{MeasurementType: "OTHER", Modality: "OTHER", Hemisphere: 0}
	rowOf := map[string]int{}
	colOf := map[int64]int{}
	type cell struct {
		r, c int
		v    float64
	}
	var cells []cell
	addCol := func(id int64) int {
		c, ok := colOf[id]
		if !ok {
			c = len(m.RegionIDs)
			colOf[id] = c
			m.RegionIDs = append(m.RegionIDs, id)
		}
		return c
	}
	addRow := func(id string) int {
		r, ok := rowOf[id]
		if !ok {
			r = len(m.Rows)
			rowOf[id] = r
			m.Rows = append(m.Rows, id)
		}
		return r
	}
	var wideCols []int
	if !long {
		for i, h := range header {
			if i == cellCol {
				continue
			}
			id, ok := resolve(h, 1)
			if ok {
				wideCols = append(wideCols, addCol(id))
			} else {
				wideCols = append(wideCols, -1)
			}
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if cellCol >= len(rec) || strings.TrimSpace(rec[cellCol]) == "" {
			errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Field: header[cellCol], Msg: "empty cell id", Kind: ccc.ErrInvalidData})
			continue
		}
		r := addRow(strings.TrimSpace(rec[cellCol]))
		parse := func(s string, field string) (float64, bool) {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsInf(v, 0) || v < 0 {
				if len(errs) < 20 {
					errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Field: field, Value: s, Msg: "value must be a non-negative number", Kind: ccc.ErrInvalidData})
				}
				return 0, false
			}
			return v, true
		}
		if long {
			if regCol >= len(rec) || valCol >= len(rec) {
				errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Msg: "short row", Kind: ccc.ErrInvalidData})
				continue
			}
			id, ok := resolve(rec[regCol], line)
			v, okv := parse(rec[valCol], header[valCol])
			if ok && okv {
				cells = append(cells, cell{r, addCol(id), v})
			}
			continue
		}
		k := 0
		for i, s := range rec {
			if i == cellCol {
				continue
			}
			if k < len(wideCols) && wideCols[k] >= 0 && strings.TrimSpace(s) != "" {
				if v, ok := parse(s, header[i]); ok {
					cells = append(cells, cell{r, wideCols[k], v})
				}
			}
			k++
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(m.Rows) == 0 || len(m.RegionIDs) == 0 {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "no projection values", Kind: ccc.ErrInvalidData}
	}
	m.Values = make([]float64, len(m.Rows)*len(m.RegionIDs))
	for _, c := range cells {
		m.Values[c.r*len(m.RegionIDs)+c.c] += c.v
	}
	m.fillAcronyms(ont)
	return m, nil
}

// ReadCellVectorsFile opens path and calls ReadCellVectors.
func ReadCellVectorsFile(path string, ont *atlas.Ontology) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read projection vectors", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	return ReadCellVectors(f, path, ont)
}

// WriteCSV writes the matrix wide: data_item, then one column per region
// acronym.
func (m *Matrix) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"data_item"}, m.RegionAcronyms...))
	row := make([]string, len(m.RegionIDs)+1)
	for r, id := range m.Rows {
		row[0] = id
		for c := range m.RegionIDs {
			row[c+1] = fmtNum(m.At(r, c))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
