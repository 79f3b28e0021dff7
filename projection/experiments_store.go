package projection

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // DuckDB driver for Parquet I/O

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/tablewrite"
	"github.com/ccc-connectivity/ccc/store"
)

// Store classes and the default dataset.
const (
	ExperimentClass = "ConnectivityExperiment"
	SummaryClass    = "InjectionSummary"
	MatrixClass     = "ProjectionMeasurementMatrix"
	// DefaultDataset is the dataset the Allen connectivity data goes to.
	DefaultDataset = "allen_connectivity"
)

// IngestOptions describe one 'projections ingest'.
type IngestOptions struct {
	Dataset   string // default DefaultDataset
	Source    string // input file (recorded with its checksum)
	SourceURI string
	Wait      time.Duration
}

// IngestExperiments writes the experiments as the ConnectivityExperiment
// table of the dataset in one new store version (all or nothing).
func IngestExperiments(ctx context.Context, st *store.Store, exps []Experiment, o IngestOptions) (store.Version, error) {
	if o.Dataset == "" {
		o.Dataset = DefaultDataset
	}
	if len(exps) == 0 {
		return store.Version{}, invalid("ingest experiments", o.Source, -1, "", "", "no experiments to ingest", "")
	}
	var inputs []string
	if o.Source != "" {
		inputs = []string{o.Source}
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: fmt.Sprintf("projections ingest: %d experiments", len(exps)),
		SourceURI: o.SourceURI, Inputs: inputs, Params: map[string]any{"command": "projections ingest", "experiments": len(exps)}, Wait: o.Wait})
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	if err := writeExperimentTable(ctx, exps, tx.StagingDir(), tx.TablePath(ExperimentClass)); err != nil {
		return store.Version{}, err
	}
	// every experiment is a DataItem ("allen:<id>") that matrices index
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return store.Version{}, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return store.Version{}, err
	}
	defer db.Close()
	items := make([]dataItem, len(exps))
	for i := range exps {
		items[i] = dataItem{ID: ExperimentItemID(exps[i].ID), Name: fmt.Sprintf("%s, %s", exps[i].StructureAbbrev, exps[i].MouseLine())}
	}
	if err := writeDataItems(ctx, db, tx, sn, allenDataSet(o.Dataset), items, false); err != nil {
		return store.Version{}, err
	}
	wt := 0
	for i := range exps {
		if exps[i].WildType() {
			wt++
		}
	}
	tx.SetMeta("kind", "connectivity")
	tx.SetMeta("experiments", len(exps))
	tx.SetMeta("wild_type_experiments", wt)
	if o.Source != "" {
		tx.SetMeta("experiments_source", filepath.Base(o.Source))
	}
	return tx.Commit()
}

// nullString is s, or nil (SQL NULL) for an absent (empty) value.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullable(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// experimentTableColumns are the ConnectivityExperiment table's columns and types.
const experimentTableColumns = `id: 'BIGINT', name: 'VARCHAR', transgenic_line: 'VARCHAR', product_id: 'BIGINT', structure_id: 'BIGINT',
		structure_abbrev: 'VARCHAR', structure_name: 'VARCHAR', injection_volume: 'DOUBLE', injection_structures: 'BIGINT[]',
		gender: 'VARCHAR', strain: 'VARCHAR', sum: 'DOUBLE', structure_color: 'VARCHAR', num_voxels: 'BIGINT',
		injection_x: 'DOUBLE', injection_y: 'DOUBLE', injection_z: 'DOUBLE', selected: 'BOOLEAN', experiment_page_url: 'VARCHAR'`

func writeExperimentTable(ctx context.Context, exps []Experiment, scratch, out string) error {
	err := tablewrite.NDJSON(ctx, scratch, out, experimentTableColumns, func(emit func(map[string]any) error) error {
		for i := range exps {
			e := &exps[i]
			// regions are integer structure ids (the schema's integer
			// structure_id and injection_structures slots, which join
			// BrainRegion.structure_id); absent values are null, never "" (which would fail the HexColor pattern
			// and the uri type)
			var ids []int64
			for _, s := range e.Structures {
				ids = append(ids, s.ID)
			}
			var nvox any
			if !math.IsNaN(e.NumVoxels) && !math.IsInf(e.NumVoxels, 0) {
				nvox = int64(e.NumVoxels)
			}
			var product any
			if e.ProductID != 0 {
				product = e.ProductID
			}
			rec := map[string]any{
				"id": e.ID, "name": nullString(e.Name), "transgenic_line": e.TransgenicLine, "product_id": product,
				"structure_id": e.StructureID, "structure_abbrev": nullString(e.StructureAbbrev), "structure_name": nullString(e.StructureName),
				"injection_volume": nullable(e.InjectionVolume), "injection_structures": ids,
				"gender": nullString(e.Gender), "strain": nullString(e.Strain), "sum": nullable(e.Sum), "structure_color": nullString(e.StructureColor),
				"num_voxels": nvox, "injection_x": nullable(e.InjectionAP), "injection_y": nullable(e.InjectionDV),
				"injection_z": nullable(e.InjectionML), "selected": e.Selected, "experiment_page_url": nullString(e.URL),
			}
			if err := emit(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write %s table: %w", ExperimentClass, err)
	}
	return nil
}

// LoadExperiments reads the ConnectivityExperiment table of dataset from the
// store at ref, in table order.
func LoadExperiments(ctx context.Context, st *store.Store, ref store.Ref, dataset string) ([]Experiment, error) {
	if dataset == "" {
		dataset = DefaultDataset
	}
	sn, err := st.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	ti, err := sn.Table(dataset, ExperimentClass)
	if err != nil {
		return nil, &ccc.Error{Op: "load experiments", Path: st.Dir(), Row: -1, Value: dataset, Msg: "no experiment table in the store",
			Hint: "run 'ccc projections ingest allenAtlasProjection_info.csv' first", Kind: ccc.ErrNotFound, Err: err}
	}
	return readExperimentParquet(ctx, ti.Path)
}

func readExperimentParquet(ctx context.Context, path string) ([]Experiment, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT id, coalesce(transgenic_line,''), coalesce(product_id,0), structure_id::BIGINT,
		coalesce(structure_abbrev,''), coalesce(structure_name,''), coalesce(name,''), coalesce(injection_volume, 'NaN'::DOUBLE),
		to_json(list_transform(coalesce(injection_structures, []::BIGINT[]), x -> x::BIGINT))::VARCHAR, coalesce(gender,''), coalesce(strain,''), coalesce(sum,'NaN'::DOUBLE),
		coalesce(structure_color,''), coalesce(num_voxels::DOUBLE,'NaN'::DOUBLE), coalesce(injection_x,'NaN'::DOUBLE),
		coalesce(injection_y,'NaN'::DOUBLE), coalesce(injection_z,'NaN'::DOUBLE), coalesce(selected,false),
		coalesce(experiment_page_url,'') FROM read_parquet(%s)`, store.QuoteString(path)))
	if err != nil {
		return nil, fmt.Errorf("load experiments: %w", err)
	}
	defer rows.Close()
	var out []Experiment
	for rows.Next() {
		var e Experiment
		var structs string
		if err := rows.Scan(&e.ID, &e.TransgenicLine, &e.ProductID, &e.StructureID, &e.StructureAbbrev, &e.StructureName,
			&e.Name, &e.InjectionVolume, &structs, &e.Gender, &e.Strain, &e.Sum, &e.StructureColor, &e.NumVoxels,
			&e.InjectionAP, &e.InjectionDV, &e.InjectionML, &e.Selected, &e.URL); err != nil {
			return nil, fmt.Errorf("load experiments: %w", err)
		}
		var ids []int64
		if err := json.Unmarshal([]byte(structs), &ids); err != nil {
			return nil, fmt.Errorf("load experiments: injection structures of %d: %w", e.ID, err)
		}
		for _, id := range ids {
			e.Structures = append(e.Structures, InjectionStructure{ID: id})
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
