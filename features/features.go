// Package features stores cells x features matrices (Patch-seq
// electrophysiology, morphology metrics) as one feature set per store
// dataset: CellFeatureDefinition rows (unit, data type, valid range), one
// CellFeatureSet, one CellFeatureMatrix whose values are a float64 Zarr
// artifact (features/values.zarr, cells x features, NaN for missing), and
// the long form CellFeatureMeasurement (one row per present value).
// Values outside a definition's range are kept and reported.
package features

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/internal/tablewrite"
	"github.com/ccc-connectivity/ccc/store"
)

// Artifact is the Zarr artifact of a feature set's matrix.
const Artifact = "features/values.zarr"

// Definition is one feature.
type Definition struct {
	Name, Unit, Description string
	Min, Max                float64 // NaN when open
}

// IngestOptions describe one feature matrix.
type IngestOptions struct {
	Set         string // feature set id and store dataset
	Cells       string // dataset whose DataItem ids the matrix rows are
	Method      string // extraction_method
	Description string
	IDCol       string // default cell_id
	SourceURI   string
}

// Report says what Ingest stored.
type Report struct {
	Cells, Features, Values int
	Missing                 int      // empty / NA cells of the matrix
	OutOfRange              int      // values outside their definition's range (kept)
	OutOfRangeRows          []string // the first ones
	Version                 int
}

// ReadDefinitions reads a definitions CSV: feature_name (or name), unit,
// range_min, range_max, description (the last four optional).
func ReadDefinitions(path string) ([]Definition, error) {
	rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	head := rows[0]
	col := func(names ...string) int {
		for _, n := range names {
			for i, h := range head {
				if strings.EqualFold(strings.TrimSpace(h), n) {
					return i
				}
			}
		}
		return -1
	}
	nc, uc, lo, hi, dc := col("feature_name", "name"), col("unit"), col("range_min", "min"), col("range_max", "max"), col("description")
	if nc < 0 {
		return nil, &ccc.Error{Op: "feature definitions", Path: path, Row: -1, Field: "feature_name", Msg: "no feature_name column", Kind: ccc.ErrInvalidData,
			Hint: "columns: feature_name, unit, range_min, range_max, description"}
	}
	get := func(r []string, i int) string {
		if i < 0 || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	var out []Definition
	seen := map[string]int{}
	for i, r := range rows[1:] {
		d := Definition{Name: get(r, nc), Unit: get(r, uc), Description: get(r, dc), Min: math.NaN(), Max: math.NaN()}
		if d.Name == "" {
			return nil, &ccc.Error{Op: "feature definitions", Path: path, Row: i, Field: head[nc], Msg: "empty feature name", Kind: ccc.ErrInvalidData, Hint: "every definition needs a name"}
		}
		if j, dup := seen[d.Name]; dup {
			return nil, &ccc.Error{Op: "feature definitions", Path: path, Row: i, Field: head[nc], Value: d.Name, Msg: fmt.Sprintf("duplicate feature (first at row %d)", j), Kind: ccc.ErrInvalidData, Hint: "define each feature once"}
		}
		seen[d.Name] = i
		for _, b := range []struct {
			col int
			dst *float64
		}{{lo, &d.Min}, {hi, &d.Max}} {
			if s := get(r, b.col); s != "" {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, &ccc.Error{Op: "feature definitions", Path: path, Row: i, Field: head[b.col], Value: s, Msg: "not a number", Kind: ccc.ErrInvalidData, Hint: "range bounds are numbers (empty for none)"}
				}
				*b.dst = v
			}
		}
		if d.Min > d.Max {
			return nil, &ccc.Error{Op: "feature definitions", Path: path, Row: i, Field: "range_min", Value: fmt.Sprint(d.Min), Msg: fmt.Sprintf("range_min above range_max %g", d.Max), Kind: ccc.ErrInvalidData, Hint: "swap them"}
		}
		out = append(out, d)
	}
	return out, nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read csv", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	r := csv.NewReader(f)
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &ccc.Error{Op: "read csv", Path: path, Line: line, Row: -1, Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err, Hint: "every row needs as many fields as the header"}
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		return nil, &ccc.Error{Op: "read csv", Path: path, Row: -1, Msg: "empty file", Kind: ccc.ErrInvalidData, Hint: "give a header row"}
	}
	return rows, nil
}

// Ingest reads a wide matrix CSV (an id column, then one column per
// defined feature), checks every cell against o.Cells' DataItem ids and
// every column against the definitions, and writes the feature set.
func Ingest(ctx context.Context, st *store.Store, matrixPath string, defs []Definition, o IngestOptions) (*Report, error) {
	if err := store.ValidDataset(o.Set); err != nil {
		return nil, err
	}
	rows, err := readCSV(matrixPath)
	if err != nil {
		return nil, err
	}
	head := rows[0]
	idc := -1
	idName := o.IDCol
	if idName == "" {
		idName = "cell_id"
	}
	for i, h := range head {
		if strings.EqualFold(strings.TrimSpace(h), idName) {
			idc = i
		}
	}
	if idc < 0 {
		return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: -1, Field: idName, Msg: "no cell id column", Kind: ccc.ErrInvalidData, Hint: "name it with --id-col; columns are: " + strings.Join(head, ", ")}
	}
	byName := map[string]int{}
	for i, d := range defs {
		byName[d.Name] = i
	}
	var fcols []int // matrix column -> definition
	var order []int
	used := map[int]bool{}
	for i, h := range head {
		if i == idc {
			continue
		}
		k, ok := byName[strings.TrimSpace(h)]
		if !ok {
			return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: -1, Field: h, Msg: "column has no feature definition", Kind: ccc.ErrInvalidData,
				Hint: "add it to the definitions file (feature_name, unit, range_min, range_max), or drop the column"}
		}
		fcols, order = append(fcols, i), append(order, k)
		used[k] = true
	}
	for k, d := range defs {
		if !used[k] {
			return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: -1, Field: d.Name, Msg: "defined feature has no column in the matrix", Kind: ccc.ErrInvalidData,
				Hint: "add the column, or remove the definition"}
		}
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return nil, err
	}
	known, err := cellIDs(ctx, sn, o.Cells)
	if err != nil {
		return nil, err
	}
	nc, nf := len(rows)-1, len(fcols)
	rep := &Report{Cells: nc, Features: nf}
	vals := make([]float64, nc*nf)
	ids := make([]string, nc)
	seen := make(map[string]int, nc)
	for r, rec := range rows[1:] {
		id := strings.TrimSpace(rec[idc])
		if !known[id] {
			return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: r, Field: head[idc], Value: id, Msg: "unknown cell (not in dataset " + o.Cells + ")", Kind: ccc.ErrInvalidData,
				Hint: "ingest the cells first ('ccc cells ingest --dataset " + o.Cells + "'), or give the dataset they belong to with --cells"}
		}
		if j, dup := seen[id]; dup {
			return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: r, Field: head[idc], Value: id, Msg: fmt.Sprintf("duplicate cell (first at row %d)", j), Kind: ccc.ErrInvalidData, Hint: "one row per cell"}
		}
		seen[id], ids[r] = r, id
		for j, c := range fcols {
			s := strings.TrimSpace(rec[c])
			if s == "" || s == "NA" || strings.EqualFold(s, "nan") {
				vals[r*nf+j] = math.NaN()
				rep.Missing++
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, &ccc.Error{Op: "features ingest", Path: matrixPath, Row: r, Field: head[c], Value: s, Msg: "not a number", Kind: ccc.ErrInvalidData, Hint: "values are numbers (empty, NA or NaN for missing)"}
			}
			vals[r*nf+j] = v
			rep.Values++
			d := defs[order[j]]
			if v < d.Min || v > d.Max { // NaN bounds compare false: open
				rep.OutOfRange++
				if len(rep.OutOfRangeRows) < 5 {
					rep.OutOfRangeRows = append(rep.OutOfRangeRows, fmt.Sprintf("%s=%g (row %d, range %s..%s %s)", d.Name, v, r, bound(d.Min, "-inf"), bound(d.Max, "inf"), d.Unit))
				}
			}
		}
	}
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: o.Set, Message: fmt.Sprintf("features ingest: %d cells x %d features", nc, nf), SourceURI: o.SourceURI,
		Inputs: []string{matrixPath}, Params: map[string]any{"command": "features ingest", "cells": o.Cells}})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	dir, err := tx.ArtifactDir(Artifact)
	if err != nil {
		return nil, err
	}
	chunkRows := max(1, min(nc, (1<<20)/max(1, nf)))
	if _, err := zarr.Write(dir, zarr.Meta{Format: 2, Shape: []int{nc, nf}, Chunks: []int{chunkRows, nf}, Compressor: "zstd", FillValue: math.NaN(),
		Attributes: map[string]any{"feature_set": o.Set, "cells_dataset": o.Cells}}, vals); err != nil {
		return nil, err
	}
	// tables through NDJSON -> DuckDB
	featID := func(k int) string { return o.Set + ":" + defs[order[k]].Name }
	var defRecs, measRecs []map[string]any
	var featIDs []string
	for j := range fcols {
		d := defs[order[j]]
		featIDs = append(featIDs, featID(j))
		defRecs = append(defRecs, map[string]any{"id": featID(j), "feature_name": d.Name, "description": nullStr(d.Description), "unit": nullStr(d.Unit),
			"data_type": "float", "range_min": nanNull(d.Min), "range_max": nanNull(d.Max)})
	}
	for r := range ids {
		for j := range fcols {
			if v := vals[r*nf+j]; !math.IsNaN(v) {
				measRecs = append(measRecs, map[string]any{"id": o.Set + ":" + ids[r] + ":" + defs[order[j]].Name, "dtype": "float", "value_float": v,
					"feature_set": o.Set, "feature": featID(j), "data_item": ids[r]})
			}
		}
	}
	setRec := []map[string]any{{"id": o.Set, "name": o.Set, "description": nullStr(o.Description), "extraction_method": nullStr(o.Method), "feature_definitions": featIDs}}
	matRec := []map[string]any{{"id": o.Set, "description": nullStr(o.Description), "feature_values": Artifact, "feature_set": o.Set, "feature_index": featIDs, "cell_index": ids}}
	for _, t := range []struct {
		class, cols string
		recs        []map[string]any
	}{
		{"CellFeatureDefinition", `id: 'VARCHAR', feature_name: 'VARCHAR', description: 'VARCHAR', unit: 'VARCHAR', data_type: 'VARCHAR', range_min: 'DOUBLE', range_max: 'DOUBLE'`, defRecs},
		{"CellFeatureSet", `id: 'VARCHAR', name: 'VARCHAR', description: 'VARCHAR', extraction_method: 'VARCHAR', feature_definitions: 'VARCHAR[]'`, setRec},
		{"CellFeatureMatrix", `id: 'VARCHAR', description: 'VARCHAR', feature_values: 'VARCHAR', feature_set: 'VARCHAR', feature_index: 'VARCHAR[]', cell_index: 'VARCHAR[]'`, matRec},
		{"CellFeatureMeasurement", `id: 'VARCHAR', dtype: 'VARCHAR', value_float: 'DOUBLE', feature_set: 'VARCHAR', feature: 'VARCHAR', data_item: 'VARCHAR'`, measRecs},
	} {
		if err := tablewrite.Records(ctx, tx.StagingDir(), tx.TablePath(t.class), t.cols, t.recs); err != nil {
			return nil, err
		}
	}
	tx.SetMeta("kind", "features")
	tx.SetMeta("cells", o.Cells)
	tx.SetMeta("out_of_range", rep.OutOfRange)
	v, err := tx.Commit()
	if err != nil {
		return nil, err
	}
	rep.Version = v.Number
	return rep, nil
}

func bound(f float64, open string) string {
	if math.IsNaN(f) {
		return open
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nanNull(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}

// cellIDs reads the DataItem ids of a dataset.
func cellIDs(ctx context.Context, sn *store.Snapshot, dataset string) (map[string]bool, error) {
	ti, err := sn.Table(dataset, "DataItem")
	if err != nil {
		return nil, &ccc.Error{Op: "features ingest", Row: -1, Value: dataset, Msg: "no cells in dataset", Kind: ccc.ErrNotFound, Err: err,
			Hint: "give --cells DATASET, the dataset of the matrix's cells ('ccc cells show' lists them)"}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CAST(id AS VARCHAR) FROM read_parquet("+store.QuoteString(ti.Path)+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}
