package projection

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/store"
)

// MetadataColumns are the columns of the metadata CSV (bsv's, plus the
// group and the injected hemisphere).
var MetadataColumns = []string{"ExperimentID", "MouseLine", "InjectionRegion", "InjectionRegionID", "InjectionAP", "InjectionDV",
	"InjectionML", "InjectionVolume", "InjectionIntensity", "Sex", "Group", "InjectedHemisphere"}

// WriteMetadataCSV writes the per-experiment metadata table.
func WriteMetadataCSV(w io.Writer, rows []MetaRow) error {
	cw := csv.NewWriter(w)
	cw.Write(MetadataColumns)
	for _, r := range rows {
		cw.Write([]string{strconv.FormatInt(r.ExperimentID, 10), r.MouseLine, r.InjectionRegion, strconv.FormatInt(r.InjectionRegionID, 10),
			fmtNum(r.InjectionAP), fmtNum(r.InjectionDV), fmtNum(r.InjectionML), fmtNum(r.InjectionVolume), fmtNum(r.InjectionIntensity),
			r.Sex, r.Group, r.InjectedHemisphere})
	}
	cw.Flush()
	return cw.Error()
}

// toC converts a Fortran-order (AP fastest) volume to C order [AP][DV][ML]
// (ML fastest), the layout of the stored Zarr arrays.
func toC(dst, src []float32, d [3]int) {
	i := 0
	for ap := 0; ap < d[0]; ap++ {
		for dv := 0; dv < d[1]; dv++ {
			base := ap + d[0]*dv
			for ml := 0; ml < d[2]; ml++ {
				dst[i] = src[base+d[0]*d[1]*ml]
				i++
			}
		}
	}
}

// FromC converts a C-order [AP][DV][ML] volume back to Fortran order.
func FromC(dst, src []float32, d [3]int) {
	i := 0
	for ap := 0; ap < d[0]; ap++ {
		for dv := 0; dv < d[1]; dv++ {
			base := ap + d[0]*dv
			for ml := 0; ml < d[2]; ml++ {
				dst[base+d[0]*d[1]*ml] = src[i]
				i++
			}
		}
	}
}

// WriteVolumes writes volumes (Fortran order, each d[0]*d[1]*d[2]) as one
// Zarr v3 array of shape [len(vols), AP, DV, ML], one zstd chunk per volume.
func WriteVolumes(dir string, vols [][]float32, d [3]int, attrs map[string]any) error {
	n := d[0] * d[1] * d[2]
	a, err := zarr.Create(dir, zarr.Meta{Format: 3, Shape: []int{len(vols), d[0], d[1], d[2]}, Chunks: []int{1, d[0], d[1], d[2]},
		DataType: zarr.Float32, Compressor: zarr.Zstd, Attributes: attrs, DimensionNames: []string{"volume", "ap", "dv", "ml"}})
	if err != nil {
		return err
	}
	c := make([]float32, n)
	for k, v := range vols {
		if v == nil {
			clear(c)
		} else {
			toC(c, v, d)
		}
		if err := a.WriteChunk([]int{k, 0, 0, 0}, f32bytes(c)); err != nil {
			return err
		}
	}
	return nil
}

// ReadVolumes reads an array written by WriteVolumes back into Fortran-order
// volumes.
func ReadVolumes(dir string) ([][]float32, [3]int, map[string]any, error) {
	vals, a, err := zarr.Read[float32](dir)
	if err != nil {
		return nil, [3]int{}, nil, err
	}
	s := a.Meta.Shape
	if len(s) != 4 {
		return nil, [3]int{}, nil, fmt.Errorf("%s: want a 4-d array [volume, ap, dv, ml], got shape %v", dir, s)
	}
	d := [3]int{s[1], s[2], s[3]}
	n := d[0] * d[1] * d[2]
	out := make([][]float32, s[0])
	for k := range out {
		out[k] = make([]float32, n)
		FromC(out[k], vals[k*n:(k+1)*n], d)
	}
	return out, d, a.Meta.Attributes, nil
}

// SaveOptions say where an aggregation goes in the store.
type SaveOptions struct {
	Dataset string // default DefaultDataset
	Name    string // artifact aggregate/<Name> (default "default")
	Inputs  []string
	Wait    time.Duration
	Extra   map[string]any // more provenance (command line)
}

// ArtifactName is the store artifact of an aggregation.
func ArtifactName(name string) string {
	if name == "" {
		name = "default"
	}
	return "aggregate/" + name
}

// SaveAggregate stores the result as artifact aggregate/<name>: mean.zarr
// (groups x AP x DV x ML), individual.zarr when kept, metadata.csv and
// groups.json, with the options as provenance of the store version.
func SaveAggregate(ctx context.Context, st *store.Store, res *Result, o SaveOptions) (store.Version, string, error) {
	if o.Dataset == "" {
		o.Dataset = DefaultDataset
	}
	if o.Name != "" {
		if err := store.ValidName("aggregate", o.Name); err != nil {
			return store.Version{}, "", err
		}
	}
	name := ArtifactName(o.Name)
	params := res.Options.Params()
	for k, v := range o.Extra {
		params[k] = v
	}
	params["artifact"] = name
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: fmt.Sprintf("projections aggregate: %d experiments into %d groups", len(res.Metadata), len(res.Groups)),
		Inputs: o.Inputs, Params: params, Wait: o.Wait})
	if err != nil {
		return store.Version{}, "", err
	}
	defer tx.Rollback()
	dir, err := tx.ArtifactDir(name)
	if err != nil {
		return store.Version{}, "", err
	}
	labels := make([]string, len(res.Groups))
	centres := make([]any, len(res.Groups))
	counts := make([]int, len(res.Groups))
	members := make([][]int64, len(res.Groups))
	for g, gr := range res.Groups {
		labels[g], counts[g], members[g] = gr.Label, len(gr.Experiments), gr.Experiments
		centres[g] = nullable(gr.Centre)
	}
	attrs := map[string]any{"description": "mean projection density per group", "groups": labels, "group_centres_um": centres,
		"group_counts": counts, "group_experiments": members, "spacing_um": res.Spacing, "axes": []string{"group", "ap", "dv", "ml"},
		"parameters": params}
	if err := WriteVolumes(filepath.Join(dir, "mean.zarr"), res.Mean, res.Dims, attrs); err != nil {
		return store.Version{}, "", err
	}
	if res.IndividualDir != "" {
		if err := moveDir(res.IndividualDir, filepath.Join(dir, "individual.zarr")); err != nil {
			return store.Version{}, "", err
		}
	} else if res.Individual != nil {
		ids := make([]int64, len(res.Metadata))
		for i, m := range res.Metadata {
			ids[i] = m.ExperimentID
		}
		iattrs := map[string]any{"description": "processed projection density per experiment (zeros: left out)", "experiments": ids,
			"spacing_um": res.Spacing, "parameters": params}
		if err := WriteVolumes(filepath.Join(dir, "individual.zarr"), res.Individual, res.Dims, iattrs); err != nil {
			return store.Version{}, "", err
		}
	}
	var b bytes.Buffer
	if err := WriteMetadataCSV(&b, res.Metadata); err != nil {
		return store.Version{}, "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata.csv"), b.Bytes(), 0o644); err != nil {
		return store.Version{}, "", err
	}
	gj := make([]map[string]any, len(res.Groups))
	for g, gr := range res.Groups {
		gj[g] = map[string]any{"label": gr.Label, "centre_um": nullable(gr.Centre), "lo_um": nullable(gr.Lo), "hi_um": nullable(gr.Hi), "experiments": gr.Experiments}
	}
	js, _ := json.MarshalIndent(map[string]any{"groups": gj, "parameters": params, "warnings": res.Warnings}, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "groups.json"), js, 0o644); err != nil {
		return store.Version{}, "", err
	}
	tx.SetMeta("kind", "connectivity")
	v, err := tx.Commit()
	if err != nil {
		return store.Version{}, "", err
	}
	return v, name, nil
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		u := math.Float32bits(x)
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	return b
}

// moveDir renames src to dst, copying (then removing src) across file
// systems.
func moveDir(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("move %s: %w", src, err)
	}
	return os.RemoveAll(src)
}
