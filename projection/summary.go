package projection

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Hemisphere ids of the Allen structure unionizes.
const (
	HemisphereLeft  = 1
	HemisphereRight = 2
	HemisphereBoth  = 3
	// RootStructure is the id of "root" (whole brain) in the Allen CCF: the
	// structure-997, hemisphere-3 injection record describes the whole
	// injection.
	RootStructure = 997
)

// Unionize is one structure-unionize record (class InjectionSummary): the
// signal of one experiment in one structure and hemisphere. Missing numbers
// are NaN. max_voxel_x/y/z are CCF micrometres (e.g. 8070), not voxels.
type Unionize struct {
	ID                          int64
	ExperimentID                int64
	StructureID                 int64
	HemisphereID                int
	IsInjection                 bool
	ProjectionVolume            float64 // mm^3
	ProjectionDensity           float64
	ProjectionEnergy            float64
	ProjectionIntensity         float64
	NormalizedProjectionVolume  float64
	SumPixelIntensity           float64
	SumPixels                   float64
	SumProjectionPixels         float64
	SumProjectionPixelIntensity float64
	Volume                      float64
	MaxVoxelDensity             float64
	MaxVoxelX                   float64 // um
	MaxVoxelY                   float64 // um
	MaxVoxelZ                   float64 // um
}

// Summary is the unionize list of one experiment
// (injectionSummary_all.json).
type Summary struct {
	ExperimentID int64
	Path         string
	Records      []Unionize
}

type rawUnionize struct {
	ID                          *int64   `json:"id"`
	ExperimentID                *int64   `json:"experimentID"`
	SectionDataSetID            *int64   `json:"section_data_set_id"`
	StructureID                 *int64   `json:"structure_id"`
	HemisphereID                *int     `json:"hemisphere_id"`
	IsInjection                 *bool    `json:"is_injection"`
	ProjectionVolume            *float64 `json:"projection_volume"`
	ProjectionDensity           *float64 `json:"projection_density"`
	ProjectionEnergy            *float64 `json:"projection_energy"`
	ProjectionIntensity         *float64 `json:"projection_intensity"`
	NormalizedProjectionVolume  *float64 `json:"normalized_projection_volume"`
	SumPixelIntensity           *float64 `json:"sum_pixel_intensity"`
	SumPixels                   *float64 `json:"sum_pixels"`
	SumProjectionPixels         *float64 `json:"sum_projection_pixels"`
	SumProjectionPixelIntensity *float64 `json:"sum_projection_pixel_intensity"`
	Volume                      *float64 `json:"volume"`
	MaxVoxelDensity             *float64 `json:"max_voxel_density"`
	MaxVoxelX                   *float64 `json:"max_voxel_x"`
	MaxVoxelY                   *float64 `json:"max_voxel_y"`
	MaxVoxelZ                   *float64 `json:"max_voxel_z"`
}

func f64(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// ReadSummaryFile reads a structure-unionize JSON file: a list of records
// (as bsv caches them) or an Allen API response {"success":..., "msg": [...]}.
// expID fills records without experimentID/section_data_set_id (0: keep).
func ReadSummaryFile(path string, expID int64) (*Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read injection summary", Path: path, Row: -1, Msg: "cannot read", Kind: ccc.ErrNotFound, Err: err,
			Hint: "run 'ccc projections fetch' for this experiment"}
	}
	return ParseSummary(b, path, expID)
}

// ParseSummary parses unionize JSON (see ReadSummaryFile).
func ParseSummary(b []byte, path string, expID int64) (*Summary, error) {
	const op = "read injection summary"
	b = bytes.TrimSpace(b)
	var raws []rawUnionize
	if len(b) > 0 && b[0] == '{' {
		var resp struct {
			Success *bool           `json:"success"`
			Msg     json.RawMessage `json:"msg"`
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			return nil, &ccc.Error{Op: op, Path: path, Row: -1, Msg: "invalid JSON", Kind: ccc.ErrFormat, Err: err}
		}
		if resp.Success != nil && !*resp.Success {
			return nil, &ccc.Error{Op: op, Path: path, Row: -1, Msg: "the Allen API reported failure: " + string(resp.Msg), Kind: ccc.ErrFormat}
		}
		b = resp.Msg
	}
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil, &ccc.Error{Op: op, Path: path, Row: -1, Msg: "invalid JSON: want a list of structure-unionize records", Kind: ccc.ErrFormat, Err: err}
	}
	s := &Summary{ExperimentID: expID, Path: path}
	for i, r := range raws {
		if r.StructureID == nil || r.HemisphereID == nil {
			return nil, &ccc.Error{Op: op, Path: path, Row: i, Field: "structure_id", Msg: "record without structure_id or hemisphere_id", Kind: ccc.ErrInvalidData}
		}
		u := Unionize{StructureID: *r.StructureID, HemisphereID: *r.HemisphereID, ExperimentID: expID,
			ProjectionVolume: f64(r.ProjectionVolume), ProjectionDensity: f64(r.ProjectionDensity),
			ProjectionEnergy: f64(r.ProjectionEnergy), ProjectionIntensity: f64(r.ProjectionIntensity),
			NormalizedProjectionVolume: f64(r.NormalizedProjectionVolume), SumPixelIntensity: f64(r.SumPixelIntensity),
			SumPixels: f64(r.SumPixels), SumProjectionPixels: f64(r.SumProjectionPixels),
			SumProjectionPixelIntensity: f64(r.SumProjectionPixelIntensity), Volume: f64(r.Volume),
			MaxVoxelDensity: f64(r.MaxVoxelDensity), MaxVoxelX: f64(r.MaxVoxelX), MaxVoxelY: f64(r.MaxVoxelY), MaxVoxelZ: f64(r.MaxVoxelZ)}
		if r.ID != nil {
			u.ID = *r.ID
		}
		if r.IsInjection != nil {
			u.IsInjection = *r.IsInjection
		}
		if r.ExperimentID != nil {
			u.ExperimentID = *r.ExperimentID
		} else if r.SectionDataSetID != nil {
			u.ExperimentID = *r.SectionDataSetID
		}
		if expID != 0 && u.ExperimentID != expID {
			return nil, &ccc.Error{Op: op, Path: path, Row: i, Field: "experimentID", Value: fmt.Sprint(u.ExperimentID),
				Msg: fmt.Sprintf("record belongs to another experiment than %d", expID), Kind: ccc.ErrInvalidData}
		}
		if s.ExperimentID == 0 {
			s.ExperimentID = u.ExperimentID
		}
		s.Records = append(s.Records, u)
	}
	return s, nil
}

// Injection returns the record describing the whole injection: structure
// 997 (root), hemisphere 3 (both), is_injection. When several match (the
// API can repeat records) the one with the largest projection_volume wins.
func (s *Summary) Injection() (Unionize, bool) {
	var best Unionize
	found := false
	for _, r := range s.Records {
		if r.StructureID != RootStructure || r.HemisphereID != HemisphereBoth {
			continue
		}
		if !found || r.ProjectionVolume > best.ProjectionVolume {
			best, found = r, true
		}
	}
	return best, found
}

// missingInjection is the error for a summary without the 997/3 record.
func (s *Summary) missingInjection() error {
	return &ccc.Error{Op: "aggregate", Path: s.Path, Row: -1, Field: "structure_id",
		Msg:  fmt.Sprintf("injection summary of experiment %d has no structure-997 (root), hemisphere-3 record: cannot normalize", s.ExperimentID),
		Hint: "re-fetch it with 'ccc projections fetch --reload', or use --normalization none", Kind: ccc.ErrInvalidData}
}

// IngestSummaries writes the unionize records of the summaries as the
// InjectionSummary table of the dataset (replacing it) in one store version.
func IngestSummaries(ctx context.Context, st *store.Store, sums []*Summary, o IngestOptions) (store.Version, error) {
	if o.Dataset == "" {
		o.Dataset = DefaultDataset
	}
	n := 0
	for _, s := range sums {
		n += len(s.Records)
	}
	if n == 0 {
		return store.Version{}, invalid("ingest injection summaries", o.Source, -1, "", "", "no unionize records", "run 'ccc projections fetch' first")
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: fmt.Sprintf("projections summaries: %d records of %d experiments", n, len(sums)),
		SourceURI: o.SourceURI, Params: map[string]any{"command": "projections summaries", "experiments": len(sums)}, Wait: o.Wait})
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	tmp := filepath.Join(tx.StagingDir(), "summaries.ndjson")
	f, err := os.Create(tmp)
	if err != nil {
		return store.Version{}, err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, s := range sums {
		for _, u := range s.Records {
			rec := map[string]any{"id": u.ID, "experiment_id": u.ExperimentID, "structure_id": u.StructureID, "hemisphere_id": u.HemisphereID,
				"is_injection": u.IsInjection, "projection_volume": nullable(u.ProjectionVolume), "projection_density": nullable(u.ProjectionDensity),
				"projection_energy": nullable(u.ProjectionEnergy), "projection_intensity": nullable(u.ProjectionIntensity),
				"normalized_projection_volume": nullable(u.NormalizedProjectionVolume), "sum_pixel_intensity": nullable(u.SumPixelIntensity),
				"sum_pixels": nullable(u.SumPixels), "sum_projection_pixels": nullable(u.SumProjectionPixels),
				"sum_projection_pixel_intensity": nullable(u.SumProjectionPixelIntensity), "volume": nullable(u.Volume),
				"max_voxel_density": nullable(u.MaxVoxelDensity), "max_voxel_x": nullableInt(u.MaxVoxelX), "max_voxel_y": nullableInt(u.MaxVoxelY),
				"max_voxel_z": nullableInt(u.MaxVoxelZ)}
			if err := enc.Encode(rec); err != nil {
				f.Close()
				return store.Version{}, err
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return store.Version{}, err
	}
	if err := f.Close(); err != nil {
		return store.Version{}, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return store.Version{}, err
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_json(%s, format='newline_delimited', columns={
		id: 'BIGINT', experiment_id: 'BIGINT', structure_id: 'BIGINT', hemisphere_id: 'INTEGER', is_injection: 'BOOLEAN',
		projection_volume: 'DOUBLE', projection_density: 'DOUBLE', projection_energy: 'DOUBLE', projection_intensity: 'DOUBLE',
		normalized_projection_volume: 'DOUBLE', sum_pixel_intensity: 'DOUBLE', sum_pixels: 'DOUBLE', sum_projection_pixels: 'DOUBLE',
		sum_projection_pixel_intensity: 'DOUBLE', volume: 'DOUBLE', max_voxel_density: 'DOUBLE', max_voxel_x: 'BIGINT',
		max_voxel_y: 'BIGINT', max_voxel_z: 'BIGINT'}) ORDER BY experiment_id, structure_id, hemisphere_id)
		TO %s (FORMAT parquet, COMPRESSION zstd)`, store.QuoteString(tmp), store.QuoteString(tx.TablePath(SummaryClass)))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return store.Version{}, fmt.Errorf("write %s table: %w", SummaryClass, err)
	}
	return tx.Commit()
}

func nullableInt(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return int64(math.Round(v))
}
