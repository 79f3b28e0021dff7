package atlas

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
	"github.com/ccc-connectivity/ccc/store"
)

// VolumeFile is the file name of an annotation volume inside its store
// artifact "annotation/<res>um".
const VolumeFile = "annotation.nrrd"

// VolumeArtifact returns the artifact name of the annotation volume at
// resolution res um: "annotation/25um".
func VolumeArtifact(res float64) string {
	return "annotation/" + strconv.FormatFloat(res, 'f', -1, 64) + "um"
}

// VolumeSaveOptions describe one 'atlas volume add'.
type VolumeSaveOptions struct {
	Source    string         // input file (its checksum is recorded)
	SourceURI string         // where it came from (download URL)
	Params    map[string]any // recorded in the version
	SkipCCF   bool           // do not insist on CCF v3 dimensions at 10/25/50/100 um
	Wait      bool
}

// SaveVolume validates v against the atlas's ontology and stores it as
// artifact annotation/<res>um of the atlas dataset in one new version.
// Nothing is stored when validation fails.
func SaveVolume(ctx context.Context, st *store.Store, a *Atlas, v *Volume, o VolumeSaveOptions) (store.Version, error) {
	res := v.Resolution()
	if res == 0 {
		return store.Version{}, &ccc.Error{Op: "add annotation volume", Path: o.Source, Row: -1, Msg: fmt.Sprintf("anisotropic voxels %v um", v.Spacing),
			Hint: "annotation volumes are stored by isotropic resolution", Kind: ccc.ErrInvalidData}
	}
	if err := v.Validate(a.Ontology, o.Source, !o.SkipCCF); err != nil {
		return store.Version{}, err
	}
	txo := store.TxOptions{Dataset: a.Name, Message: fmt.Sprintf("atlas volume add: %g um %v", res, v.Dims), SourceURI: o.SourceURI, Params: o.Params}
	if o.Source != "" {
		txo.Inputs = []string{o.Source}
	}
	if o.Wait {
		txo.Wait = 1 << 62
	}
	tx, err := st.Begin(ctx, txo)
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	dir, err := tx.ArtifactDir(VolumeArtifact(res))
	if err != nil {
		return store.Version{}, err
	}
	img := &nrrd.Image{Header: nrrd.Header{Sizes: v.Dims[:], Space: "left-posterior-superior", SpaceDimension: 3,
		SpaceDirections: [][]float64{{v.Spacing[0], 0, 0}, {0, v.Spacing[1], 0}, {0, 0, v.Spacing[2]}},
		SpaceOrigin:     []float64{0, 0, 0}, Kinds: []string{"domain", "domain", "domain"},
		KeyValues: map[string]string{"ccc_axes": "AP,DV,ML"}}, Data: v.Labels}
	if err := nrrd.WriteFile(filepath.Join(dir, VolumeFile), img, nrrd.WriteOptions{Encoding: "gzip", Level: 1}); err != nil {
		return store.Version{}, err
	}
	labels := 0
	for l := range v.Histogram() {
		if l != 0 {
			labels++
		}
	}
	tx.SetMeta("volume_"+strconv.FormatFloat(res, 'f', -1, 64)+"um", map[string]any{
		"dims": v.Dims, "spacing_um": v.Spacing, "labels": labels, "axes": "AP,DV,ML", "source": filepath.Base(o.Source), "source_uri": o.SourceURI})
	return tx.Commit()
}

// Resolutions lists the resolutions (um) of the atlas's annotation volumes.
func (a *Atlas) Resolutions() []float64 {
	var out []float64
	for _, ai := range a.snap.Artifacts(a.Name) {
		if s, ok := strings.CutPrefix(ai.Name, "annotation/"); ok {
			if r, err := strconv.ParseFloat(strings.TrimSuffix(s, "um"), 64); err == nil {
				out = append(out, r)
			}
		}
	}
	sort.Float64s(out)
	return out
}

// Volume reads the annotation volume at resolution res um (0: the only
// one, or the finest when there are several).
func (a *Atlas) Volume(res float64) (*Volume, error) {
	rs := a.Resolutions()
	if len(rs) == 0 {
		return nil, &ccc.Error{Op: "open annotation volume", Row: -1, Value: a.Name, Msg: "the atlas has no annotation volume",
			Hint: "run 'ccc atlas download --resolution 25' or 'ccc atlas volume add --atlas " + a.Name + " FILE'", Kind: ErrNoVolume}
	}
	if res == 0 {
		res = rs[0]
	}
	ai, err := a.snap.Artifact(a.Name, VolumeArtifact(res))
	if err != nil {
		var have []string
		for _, r := range rs {
			have = append(have, strconv.FormatFloat(r, 'f', -1, 64))
		}
		return nil, &ccc.Error{Op: "open annotation volume", Row: -1, Value: fmt.Sprint(res), Msg: "no annotation volume at this resolution (um)",
			Hint: "the atlas has " + strings.Join(have, ", ") + " um", Kind: ErrNoVolume}
	}
	return ReadVolume(filepath.Join(ai.Dir, VolumeFile), 0)
}
