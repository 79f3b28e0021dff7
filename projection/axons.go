package projection

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
)

// SWC structure types.
const (
	SWCSoma = 1
	SWCAxon = 2
)

// swcNode is one SWC sample.
type swcNode struct {
	typ     int
	x, y, z float64
	parent  int64
}

// readSWC parses an SWC file (n type x y z radius parent; '#' comments).
// Problems are reported at once with line numbers.
func readSWC(r io.Reader, name string) (map[int64]swcNode, error) {
	const op = "read swc"
	nodes := map[int64]swcNode{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	var errs []error
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		f := strings.Fields(t)
		if len(f) < 7 {
			errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Msg: fmt.Sprintf("%d fields, want 7 (n type x y z radius parent)", len(f)), Kind: ccc.ErrInvalidData})
			continue
		}
		var v [7]float64
		ok := true
		for i := 0; i < 7; i++ {
			x, err := strconv.ParseFloat(f[i], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Field: []string{"n", "type", "x", "y", "z", "radius", "parent"}[i], Value: f[i], Msg: "not a number", Kind: ccc.ErrInvalidData})
				ok = false
				break
			}
			v[i] = x
		}
		if !ok {
			continue
		}
		id := int64(v[0])
		if _, dup := nodes[id]; dup {
			errs = append(errs, &ccc.Error{Op: op, Path: name, Line: line, Row: -1, Field: "n", Value: f[0], Msg: "duplicate sample id", Kind: ccc.ErrInvalidData})
			continue
		}
		nodes[id] = swcNode{typ: int(v[1]), x: v[2], y: v[3], z: v[4], parent: int64(v[6])}
		if len(errs) > 20 {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "cannot read", Kind: ccc.ErrFormat, Err: err}
	}
	for id, n := range nodes {
		if n.parent != -1 {
			if _, ok := nodes[n.parent]; !ok {
				errs = append(errs, &ccc.Error{Op: op, Path: name, Row: -1, Field: "parent", Value: strconv.FormatInt(n.parent, 10),
					Msg: fmt.Sprintf("sample %d has a parent that does not exist", id), Kind: ccc.ErrInvalidData})
				break
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(nodes) == 0 {
		return nil, &ccc.Error{Op: op, Path: name, Row: -1, Msg: "no samples", Kind: ccc.ErrInvalidData}
	}
	return nodes, nil
}

// AxonLengthMatrix builds a cells x regions AXON_LENGTH matrix (um) from
// SWC reconstructions registered to the CCF (coordinates in micrometres in
// the atlas axis order AP, DV, ML, as MouseLight and the Allen single-cell
// reconstructions publish them). Each axon segment (an SWC type-2 sample
// and its parent) is cut into pieces no longer than half a voxel; each
// piece's length goes to the region at its midpoint, and a target region
// collects its whole subtree. Pieces outside the volume or in unlabelled
// voxels count nowhere. Row ids are the file names without extension.
func AxonLengthMatrix(files []string, vol *atlas.Volume, ont *atlas.Ontology, regions []int64) (*Matrix, error) {
	if len(regions) == 0 || ont == nil || vol == nil {
		return nil, usage("axon length matrices need target regions, an ontology and an annotation volume")
	}
	// label -> target columns
	colsOf := map[uint32][]int{}
	for c, id := range regions {
		for _, d := range ont.Descendants(id) {
			if r, ok := ont.ByID(d); ok && r.AnnotationValue > 0 {
				colsOf[uint32(r.AnnotationValue)] = append(colsOf[uint32(r.AnnotationValue)], c)
			}
		}
	}
	step := vol.Resolution() / 2
	if step <= 0 {
		step = 5
	}
	m := &Matrix{MeasurementType: "AXON_LENGTH", Modality: "MORPHOLOGY", Unit: "um", RegionIDs: regions,
		Values: make([]float64, len(files)*len(regions))}
	for r, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, &ccc.Error{Op: "read swc", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
		}
		nodes, err := readSWC(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
		row := m.Values[r*len(regions) : (r+1)*len(regions)]
		for _, n := range nodes {
			if n.typ != SWCAxon || n.parent == -1 {
				continue
			}
			p := nodes[n.parent]
			dx, dy, dz := n.x-p.x, n.y-p.y, n.z-p.z
			length := math.Sqrt(dx*dx + dy*dy + dz*dz)
			k := max(1, int(math.Ceil(length/step)))
			piece := length / float64(k)
			for i := 0; i < k; i++ {
				t := (float64(i) + 0.5) / float64(k)
				label, inside := vol.LabelAt(p.x+t*dx, p.y+t*dy, p.z+t*dz)
				if !inside || label == 0 {
					continue
				}
				for _, c := range colsOf[label] {
					row[c] += piece
				}
			}
		}
		m.Rows = append(m.Rows, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	}
	m.fillAcronyms(ont)
	return m, nil
}
