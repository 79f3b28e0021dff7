package synapse

import (
	"context"
	"fmt"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Class names of the tables this package writes.
const (
	ClassSynapse      = "Synapse"
	ClassCellType     = "CellTypeAnnotation"
	ClassProofreading = "ProofreadingStatus"
)

// StoreIngestOptions describe one synapse ingest into a store.
type StoreIngestOptions struct {
	Dataset     string
	Files       []string
	Resolution  Resolution
	DropUnknown bool
	Message     string
	Params      map[string]any
	MemoryLimit string
	// Stage, when set, is told each step as it starts (for progress output).
	Stage func(msg string)
	// Unmapped, when set, is told the columns of each file that map to no
	// slot (not stored).
	Unmapped func(file string, cols []string)
}

// IngestResult reports a committed ingest.
type IngestResult struct {
	Version store.Version
	Rows    int64
	Neurons int
}

// Ingest writes the synapse table and its graph index into one new store
// version of o.Dataset, or nothing on any error.
func Ingest(ctx context.Context, st *store.Store, o StoreIngestOptions) (*IngestResult, error) {
	if o.Resolution == (Resolution{}) {
		o.Resolution = DefaultResolution
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: o.Message, Inputs: o.Files, Params: o.Params})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stage := o.Stage
	if stage == nil {
		stage = func(string) {}
	}
	stage("checking and sorting by pre root id (DuckDB)")
	rows, err := WriteTable(ctx, o.Files, tx.TablePath(ClassSynapse), IngestOptions{DropUnknown: o.DropUnknown, TempDir: tx.StagingDir(), MemoryLimit: o.MemoryLimit, Unmapped: o.Unmapped})
	if err != nil {
		return nil, err
	}
	dir, err := tx.ArtifactDir(IndexArtifact)
	if err != nil {
		return nil, err
	}
	stage(fmt.Sprintf("building the graph index of %d synapses", rows))
	meta, err := BuildIndex(ctx, tx.TablePath(ClassSynapse), dir)
	if err != nil {
		return nil, err
	}
	tx.SetMeta("resolution", o.Resolution.Slice())
	tx.SetMeta("resolution_unit", "nm")
	tx.SetMeta("synapses", rows)
	tx.SetMeta("neurons", meta.Neurons)
	stage("committing (checksums)")
	v, err := tx.Commit()
	if err != nil {
		return nil, err
	}
	return &IngestResult{Version: v, Rows: rows, Neurons: meta.Neurons}, nil
}

// IngestCells stores a cell-type (source manual or automated) or
// proofreading table in dataset; cell types of the other source are kept.
func IngestCells(ctx context.Context, st *store.Store, dataset, file string, o CellTableOptions, msg string) (store.Version, int64, error) {
	class := ClassCellType
	if o.Kind == KindProofreading {
		class = ClassProofreading
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return store.Version{}, 0, err
	}
	if o.Kind == KindCellType {
		if ti, err := sn.Table(dataset, ClassCellType); err == nil {
			o.Existing = ti.Path
		}
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: dataset, Message: msg, Inputs: []string{file},
		Params: map[string]any{"kind": string(o.Kind), "source": o.Source}})
	if err != nil {
		return store.Version{}, 0, err
	}
	defer tx.Rollback()
	o.TempDir = tx.StagingDir()
	n, err := WriteCellTable(ctx, file, tx.TablePath(class), o)
	if err != nil {
		return store.Version{}, 0, err
	}
	v, err := tx.Commit()
	return v, n, err
}

// Dataset is one dataset's synapse table, index and cell tables at one
// store version, opened for queries.
type Dataset struct {
	Name       string
	Version    int
	Table      string // Parquet path
	Index      *Index
	Resolution Resolution
	CellTypes  string // Parquet path or ""
	Proofread  string // Parquet path or ""
	cells      *Cells
}

// OpenDataset opens the synapses of dataset ("" = the only dataset with a
// Synapse table) at ref.
func OpenDataset(st *store.Store, ref store.Ref, dataset string) (*Dataset, error) {
	sn, err := st.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	tables := sn.Tables(ClassSynapse)
	if dataset == "" {
		switch len(tables) {
		case 0:
			return nil, &ccc.Error{Op: "open synapses", Path: st.Dir(), Row: -1, Msg: "no synapse table in the store" + atVersion(ref),
				Hint: "ingest one with 'ccc synapses ingest FILE' (or 'ccc synth synapses' for demo data)", Kind: ccc.ErrNotFound}
		case 1:
			dataset = tables[0].Dataset
		default:
			var names []string
			for _, t := range tables {
				names = append(names, t.Dataset)
			}
			return nil, &ccc.Error{Op: "open synapses", Row: -1, Msg: "several datasets have synapses: " + strings.Join(names, ", "),
				Hint: "choose one with --dataset", Kind: ccc.ErrUsage}
		}
	}
	ti, err := sn.Table(dataset, ClassSynapse)
	if err != nil {
		return nil, &ccc.Error{Op: "open synapses", Row: -1, Field: "dataset", Value: dataset, Msg: "no synapse table in dataset" + atVersion(ref),
			Hint: "see 'ccc synapses versions' for the datasets and versions", Kind: ccc.ErrNotFound, Err: err}
	}
	ai, err := sn.Artifact(dataset, IndexArtifact)
	if err != nil {
		return nil, &ccc.Error{Op: "open synapses", Row: -1, Field: "dataset", Value: dataset, Msg: "synapse table has no graph index",
			Hint: "re-run 'ccc synapses ingest' on it", Kind: ccc.ErrNotFound, Err: ErrNoIndex}
	}
	ix, err := OpenIndex(ai.Dir)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{Name: dataset, Version: sn.Number(), Table: ti.Path, Index: ix, Resolution: DefaultResolution}
	if r, ok := ResolutionFromMeta(sn.Meta(dataset)["resolution"]); ok {
		ds.Resolution = r
	}
	if t, err := sn.Table(dataset, ClassCellType); err == nil {
		ds.CellTypes = t.Path
	}
	if t, err := sn.Table(dataset, ClassProofreading); err == nil {
		ds.Proofread = t.Path
	}
	return ds, nil
}

func atVersion(ref store.Ref) string {
	if ref.IsLatest() {
		return ""
	}
	return " at " + ref.String()
}

// Close releases the index mapping.
func (d *Dataset) Close() error { return d.Index.Close() }

// Cells loads (once) the dataset's cell tables.
func (d *Dataset) Cells(ctx context.Context) (*Cells, error) {
	if d.cells == nil {
		c, err := LoadCells(ctx, d.CellTypes, d.Proofread)
		if err != nil {
			return nil, err
		}
		d.cells = c
	}
	return d.cells, nil
}
