package expression

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // database/sql driver "duckdb"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/anndata"
	"github.com/ccc-connectivity/ccc/store"
)

// IngestOptions control IngestH5AD.
type IngestOptions struct {
	Dataset string
	Message string
	// Name and Publication of the DataSet row (default name: Dataset).
	Name, Publication string
	// Item names the data item of the matrix (default: the file name
	// without .h5ad); it also names the artifact h5ad/<Item>.
	Item string
	// Layer stores layers/<Layer> instead of X.
	Layer string
	// Modality of the DataSet row (default TRANSCRIPTOMICS).
	Modality string
	// GeneSymbolColumn is the var column holding gene symbols; default
	// the first of gene_symbol, gene_symbols, feature_name, symbol, else
	// the var names themselves (then gene_id comes from a unique
	// gene_ids, gene_id or ensembl_id column when there is one).
	GeneSymbolColumn string
	// SpatialObsm names the obsm array (2 or 3 columns) giving each
	// cell's spatial_location, in ReferenceSpace.
	SpatialObsm    string
	ReferenceSpace string
	Wait           time.Duration
}

// IngestReport says what IngestH5AD stored.
type IngestReport struct {
	Dataset  string   `json:"dataset"`
	Version  int      `json:"version"`
	Item     string   `json:"data_item"`
	Cells    int      `json:"cells"`
	Genes    int      `json:"genes"`
	Format   string   `json:"matrix_format"`
	DType    string   `json:"matrix_dtype"`
	Stored   int      `json:"stored_values"`
	Artifact string   `json:"artifact"`
	Notes    []string `json:"notes,omitempty"`
}

// Classes written by IngestH5AD.
const (
	ClassCellMetadata = "CellMetadata"
	ClassGeneMetadata = "GeneMetadata"
	ClassCellGeneData = "CellGeneData"
)

var itemRe = regexp.MustCompile(`[^A-Za-z0-9_.\-]+`)

// IngestH5AD stores one .h5ad file in one store version of o.Dataset:
// DataSet and DataItem rows (the matrix and one per cell), obs as
// CellMetadata (cell_id = obs_names; total_counts, n_genes_detected and
// spatial_location from the usual obs/obsm names), var as GeneMetadata
// (gene_id = var_names, gene_symbol), and the matrix as Zarr arrays in
// artifact h5ad/<item> (X/ with anndata's zarr layout, obs.parquet and
// var.parquet with every obs/var column) referenced by one CellGeneData
// row. The whole file is read and checked before the store is touched: a
// bad file writes nothing.
func IngestH5AD(ctx context.Context, st *store.Store, path string, o IngestOptions) (*IngestReport, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := store.ValidDataset(o.Dataset); err != nil {
		return nil, err
	}
	if o.Item == "" {
		o.Item = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	o.Item = strings.Trim(itemRe.ReplaceAllString(o.Item, "_"), "._-")
	if o.Item == "" {
		o.Item = "h5ad"
	}
	if o.Modality == "" {
		o.Modality = "TRANSCRIPTOMICS"
	}
	f, err := anndata.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var m *anndata.Matrix
	if o.Layer != "" {
		m, err = f.Layer(o.Layer)
	} else {
		m, err = f.X()
	}
	if err != nil {
		return nil, err
	}
	prep, err := prepare(f, m, o)
	if err != nil {
		return nil, err
	}
	rep := &IngestReport{Dataset: o.Dataset, Item: o.Item, Cells: prep.obs.Rows, Genes: prep.vars.Rows,
		Format: m.Format(), DType: m.DType.String(), Stored: m.NNZ, Artifact: "h5ad/" + o.Item, Notes: prep.notes}
	if !m.IsSparse() {
		rep.Stored = m.Shape[0] * m.Shape[1]
	}
	msg := o.Message
	if msg == "" {
		msg = fmt.Sprintf("cells ingest --h5ad %s: %d cells x %d genes", filepath.Base(path), rep.Cells, rep.Genes)
	}
	abs, _ := filepath.Abs(path)
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Dataset, Message: msg, Inputs: []string{abs}, Wait: o.Wait,
		Params: map[string]any{"command": "cells ingest --h5ad", "layer": o.Layer, "data_item": o.Item}})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dir, err := tx.ArtifactDir(rep.Artifact)
	if err != nil {
		return nil, err
	}
	if err := writeMatrixZarr(ctx, filepath.Join(dir, "X"), m); err != nil {
		return nil, err
	}
	if err := prep.obs.WriteParquet(filepath.Join(dir, "obs.parquet")); err != nil {
		return nil, err
	}
	if err := prep.vars.WriteParquet(filepath.Join(dir, "var.parquet")); err != nil {
		return nil, err
	}
	if err := writeTables(ctx, tx, o, prep); err != nil {
		return nil, err
	}
	tx.SetMeta("h5ad_files", []string{abs})
	v, err := tx.Commit()
	if err != nil {
		return nil, err
	}
	rep.Version = v.Number
	return rep, nil
}

// prepared is everything read from the file before the store is touched.
type prepared struct {
	cellIDs    []string
	obs, vars  *Table // every column, for the artifact
	cells      *Table // CellMetadata
	genes      *Table // GeneMetadata
	notes      []string
	path, elem string
}

func prepare(f *anndata.File, m *anndata.Matrix, o IngestOptions) (*prepared, error) {
	p := &prepared{path: f.Path()}
	frame := func(d *anndata.DataFrame) (*Table, []string, error) {
		ids, err := d.Index()
		if err != nil {
			return nil, nil, err
		}
		if i, j := firstDup(ids); i >= 0 {
			return nil, nil, &ccc.Error{Op: "read h5ad", Path: f.Path() + ":" + d.Path + "/" + d.IndexKey, Row: j, Value: ids[j], Kind: ccc.ErrInvalidData,
				Msg: fmt.Sprintf("index value repeats row %d: names must be unique to become identifiers", i), Hint: "call obs_names_make_unique() / var_names_make_unique() in anndata"}
		}
		name := d.IndexName()
		if name == "" {
			name = IndexColumn
		}
		t := &Table{Rows: len(ids), Cols: []*Col{{Name: name, Kind: KindString, Str: ids}}}
		for _, cn := range d.Columns {
			c, err := d.Column(cn)
			if err != nil {
				return nil, nil, err
			}
			if cn == name {
				continue
			}
			t.Cols = append(t.Cols, ObsCol(c))
		}
		return t, ids, nil
	}
	obs, err := f.Obs()
	if err != nil {
		return nil, err
	}
	if p.obs, p.cellIDs, err = frame(obs); err != nil {
		return nil, err
	}
	vr, err := f.Var()
	if err != nil {
		return nil, err
	}
	var geneIDs []string
	if p.vars, geneIDs, err = frame(vr); err != nil {
		return nil, err
	}
	// CellMetadata
	n := len(p.cellIDs)
	p.cells = &Table{Rows: n, Cols: []*Col{{Name: "cell_id", Kind: KindString, Str: p.cellIDs}}}
	for _, s := range []struct {
		slot  string
		names []string
	}{
		{"total_counts", []string{"total_counts", "n_counts", "nCount_RNA"}},
		{"n_genes_detected", []string{"n_genes_by_counts", "n_genes", "nFeature_RNA"}},
	} {
		for _, cn := range s.names {
			col := p.obs.col(cn)
			if col == nil {
				continue
			}
			ints, why := countColumn(col)
			if why != "" {
				p.notes = append(p.notes, fmt.Sprintf("obs column %s not stored as CellMetadata.%s: %s (kept in obs.parquet)", cn, s.slot, why))
				break
			}
			ints.Name = s.slot
			p.cells.Cols = append(p.cells.Cols, ints)
			break
		}
	}
	if o.SpatialObsm != "" {
		sm, err := f.Obsm(o.SpatialObsm)
		if err != nil {
			return nil, err
		}
		if sm.Shape[1] != 2 && sm.Shape[1] != 3 {
			return nil, &ccc.Error{Op: "read h5ad", Path: f.Path() + ":" + sm.Path, Row: -1, Kind: ccc.ErrInvalidData,
				Msg: fmt.Sprintf("spatial obsm array has %d columns, expected 2 (x, y) or 3 (x, y, z)", sm.Shape[1])}
		}
		cols, err := sm.Columns([]int{0, 1, min(2, sm.Shape[1]-1)}[:sm.Shape[1]])
		if err != nil {
			return nil, err
		}
		for k, axis := range []string{"x", "y", "z"}[:len(cols)] {
			p.cells.Cols = append(p.cells.Cols, &Col{Name: "spatial_location_" + axis, Kind: KindFloat64, F64: cols[k]})
		}
		if o.ReferenceSpace != "" {
			rs := make([]string, n)
			for i := range rs {
				rs[i] = o.ReferenceSpace
			}
			p.cells.Cols = append(p.cells.Cols, &Col{Name: "spatial_location_reference_space", Kind: KindString, Str: rs})
		}
	}
	// GeneMetadata: gene_id from an id column (gene_ids, gene_id,
	// ensembl_id) when var_names are symbols, else var_names; gene_symbol
	// from a symbol column, else var_names
	symbols := geneIDs
	symCol := o.GeneSymbolColumn
	if symCol == "" {
		for _, c := range []string{"gene_symbol", "gene_symbols", "feature_name", "symbol"} {
			if vr.HasColumn(c) {
				symCol = c
				break
			}
		}
	}
	if symCol != "" {
		c, err := vr.Column(symCol)
		if err != nil {
			return nil, err
		}
		symbols = c.Strings()
	} else {
		for _, c := range []string{"gene_ids", "gene_id", "ensembl_id"} {
			if !vr.HasColumn(c) {
				continue
			}
			col, err := vr.Column(c)
			if err != nil {
				return nil, err
			}
			if ids := col.Strings(); !hasEmpty(ids) {
				if i, _ := firstDup(ids); i < 0 {
					geneIDs = ids
				}
			}
			break
		}
	}
	p.genes = &Table{Rows: len(geneIDs), Cols: []*Col{{Name: "gene_id", Kind: KindString, Str: geneIDs}, {Name: "gene_symbol", Kind: KindString, Str: symbols}}}
	if left := notStored(f, o); len(left) > 0 {
		p.notes = append(p.notes, "not stored (still in the .h5ad file): "+strings.Join(left, ", "))
	}
	return p, nil
}

// notStored lists the file's elements the ingest does not store: layers
// other than the one chosen, obsm keys other than SpatialObsm, obsp,
// varm, varp, uns and raw, so the report says what was left behind.
func notStored(f *anndata.File, o IngestOptions) []string {
	h := f.HDF5()
	var left []string
	for _, g := range []string{"layers", "obsm", "obsp", "varm", "varp", "uns"} {
		if !h.Exists("/" + g) {
			continue
		}
		grp, err := h.Group("/" + g)
		if err != nil {
			left = append(left, g)
			continue
		}
		ms, err := grp.Members()
		if err != nil {
			left = append(left, g)
			continue
		}
		for _, m := range ms {
			if (g == "layers" && m.Name == o.Layer) || (g == "obsm" && m.Name == o.SpatialObsm) {
				continue
			}
			left = append(left, g+"/"+m.Name)
		}
	}
	if o.Layer != "" && h.Exists("/X") {
		left = append(left, "X")
	}
	if f.HasRaw() {
		left = append(left, "raw")
	}
	return left
}

// col returns the named column or nil.
func (t *Table) col(name string) *Col {
	for _, c := range t.Cols {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// countColumn turns a count column into non-negative integers, or says why not.
func countColumn(c *Col) (*Col, string) {
	out := &Col{Kind: KindInt64, Null: c.Null}
	switch c.Kind {
	case KindInt64:
		out.I64 = c.I64
	case KindFloat32, KindFloat64:
		out.I64 = make([]int64, len(c.F64))
		for i, v := range c.F64 {
			if c.null(i) {
				continue
			}
			if v != math.Trunc(v) || math.IsInf(v, 0) || math.Abs(v) > 1<<53 {
				return nil, fmt.Sprintf("value %g at row %d is not an integer count", v, i)
			}
			out.I64[i] = int64(v)
		}
	default:
		return nil, "not numeric"
	}
	for i, v := range out.I64 {
		if v < 0 && !c.null(i) {
			return nil, fmt.Sprintf("negative value %d at row %d", v, i)
		}
	}
	return out, ""
}

// firstDup returns the rows of the first repeated value (-1, -1 if none).
func firstDup(v []string) (int, int) {
	seen := make(map[string]int, len(v))
	for j, s := range v {
		if i, ok := seen[s]; ok {
			return i, j
		}
		seen[s] = j
	}
	return -1, -1
}

func writeTables(ctx context.Context, tx *store.Tx, o IngestOptions, p *prepared) error {
	one := func(v string) []string { return []string{v} }
	name := o.Name
	if name == "" {
		name = o.Dataset
	}
	if err := (&Table{Rows: 1, Cols: []*Col{{Name: "id", Str: one(o.Dataset)}, {Name: "name", Str: one(name)},
		{Name: "publication", Str: one(o.Publication), Null: []bool{o.Publication == ""}}, {Name: "modality", Str: one(o.Modality)}}}).WriteParquet(tx.TablePath("DataSet")); err != nil {
		return err
	}
	// data items: the matrix, then one per cell
	n := len(p.cellIDs)
	ids := make([]string, 0, n+1)
	ids = append(append(ids, o.Item), p.cellIDs...)
	ds := make([]string, n+1)
	for i := range ds {
		ds[i] = o.Dataset
	}
	if err := (&Table{Rows: n + 1, Cols: []*Col{{Name: "id", Str: ids}, {Name: "name", Str: ids},
		{Name: "neuroglancer_link", Str: make([]string, n+1), Null: allTrue(n + 1)}, {Name: "dataset", Str: ds}}}).WriteParquet(tx.TablePath("DataItem")); err != nil {
		return err
	}
	if err := p.cells.WriteParquet(tx.TablePath(ClassCellMetadata)); err != nil {
		return err
	}
	if err := p.genes.WriteParquet(tx.TablePath(ClassGeneMetadata)); err != nil {
		return err
	}
	// CellGeneData: one row whose cell_index lists the cells in row order
	rec := map[string]any{"id": o.Item, "data_item": o.Item, "cell_gene_matrix": "h5ad/" + o.Item + "/X", "cell_index": p.cellIDs}
	js, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tmp := filepath.Join(tx.StagingDir(), "cellgenedata.ndjson")
	if err := os.WriteFile(tmp, append(js, '\n'), 0o644); err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_json(%s, format='newline_delimited', maximum_object_size=2147483647,
		columns={id: 'VARCHAR', data_item: 'VARCHAR', cell_gene_matrix: 'VARCHAR', cell_index: 'VARCHAR[]'})) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		store.QuoteString(tmp), store.QuoteString(tx.TablePath(ClassCellGeneData)))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("write %s table: %w", ClassCellGeneData, err)
	}
	return nil
}

func hasEmpty(v []string) bool {
	for _, s := range v {
		if s == "" {
			return true
		}
	}
	return false
}

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}
