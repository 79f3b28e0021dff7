package crossmodal

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/formats/zarr"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// matrixCand is one ProjectionMeasurementMatrix row as experimentMatrix
// sees it: dataset, id, len(data_item_index) and whether every row is an
// Allen experiment ("allen:<id>").
type matrixCand struct {
	ds, id string
	rows   int
	exp    bool
	a      *zarr.Array // its values (Go path only; nil: not opened)
	items  []string    // its data_item_index (Go path only)
}

// matrixCandidates lists the store's matrices as the SQL query
// (SELECT dataset, id, len(data_item_index), ... ORDER BY dataset, id)
// does, without DuckDB: the ids from each dataset's
// ProjectionMeasurementMatrix table, the row index from the matrix's
// zarr.json (written from the same rows, in the same version: the
// table's data_item_index). Only the matrices that id selects (all for
// "") are opened. errNotColumnar: the tables are not in that shape (no
// table, a NULL id, no Zarr array, an index that is not strings).
func matrixCandidates(sn *store.Snapshot, id string) ([]matrixCand, error) {
	tables := sn.Tables(projection.MatrixClass)
	if len(tables) == 0 {
		return nil, errNotColumnar // the statement's error names the missing table
	}
	var all []matrixCand
	for _, t := range tables {
		f, err := openTable(t)
		if err != nil {
			return nil, err
		}
		var ids []string
		err = f.Bytes("id", func(_ int, v []byte, ok bool) error {
			if !ok {
				return errNotColumnar // the statement's scan of a NULL id fails
			}
			ids = append(ids, string(v))
			return nil
		})
		f.Close()
		if err != nil {
			return nil, tableErr(t.Path, err)
		}
		slices.Sort(ids) // DuckDB orders VARCHAR by bytes
		for _, m := range ids {
			c := matrixCand{ds: t.Dataset, id: m}
			if id == "" || m == id {
				art, err := sn.Artifact(t.Dataset, projection.MatrixArtifact(m))
				if err != nil {
					return nil, errNotColumnar
				}
				if c.a, c.items, err = matrixItems(filepath.Join(art.Dir, "values.zarr")); err != nil {
					return nil, err
				}
				c.rows = len(c.items)
				c.exp = c.rows > 0
				for _, it := range c.items {
					if !strings.HasPrefix(it, "allen:") {
						c.exp = false
						break
					}
				}
			}
			all = append(all, c)
		}
	}
	return all, nil
}

// matrixItems opens a matrix's Zarr array and reads its row index
// (data_item_index); errNotColumnar when the array has none.
func matrixItems(dir string) (*zarr.Array, []string, error) {
	a, err := zarr.Open(dir)
	if err != nil {
		return nil, nil, errNotColumnar
	}
	items, err := dataItems(a)
	if err != nil {
		return nil, nil, err
	}
	return a, items, nil
}

// dataItems is an array's row index (its data_item_index attribute, one
// string per row); errNotColumnar when it has none or another shape.
func dataItems(a *zarr.Array) ([]string, error) {
	raw, ok := a.Meta.Attributes["data_item_index"]
	if !ok || len(a.Meta.Shape) == 0 {
		return nil, errNotColumnar
	}
	l := asList(raw)
	items := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil, errNotColumnar
		}
		items = append(items, s)
	}
	if len(items) != a.Meta.Shape[0] {
		return nil, errNotColumnar
	}
	return items, nil
}

// integerTypes are the DuckDB column types the Go paths read as integers.
var integerTypes = map[string]bool{"BIGINT": true, "INTEGER": true}

// columnType is the DuckDB type of column name of t ("" if absent).
func columnType(t store.TableInfo, name string) string {
	for _, c := range t.Columns {
		if c.Name == name {
			return c.Type
		}
	}
	return ""
}

// sourceItemsGo is sourceItems without DuckDB: the closure subtree of the
// source read from the atlas's BrainRegionClosure columns, the
// experiments of every ConnectivityExperiment table whose structure_id is
// in it, as "allen:<id>", how many of them are in matrix rows items, and
// the closure's columns (ancestor, descendant, distance) for
// nearestColumns.
// errNotColumnar: the tables are not in the shape read here (the class
// view would cast a column, a type is not an integer).
func sourceItemsGo(sn *store.Snapshot, atlasName string, source int64, items []string) (map[string]struct{}, int, []intColumn, error) {
	exps := sn.Tables(projection.ExperimentClass)
	if len(exps) == 0 {
		return nil, 0, nil, errNotColumnar // the statement's error names the missing table
	}
	idType := columnType(exps[0], "id")
	for _, t := range exps {
		if !integerTypes[columnType(t, "structure_id")] {
			return nil, 0, nil, errNotColumnar
		}
		if ty := columnType(t, "id"); ty != idType || !integerTypes[ty] && ty != "VARCHAR" {
			return nil, 0, nil, errNotColumnar
		}
	}
	ct, err := sn.Table(atlasName, atlas.ClosureClass)
	if err != nil {
		return nil, 0, nil, err
	}
	if !integerTypes[columnType(ct, "ancestor_structure_id")] || !integerTypes[columnType(ct, "descendant_structure_id")] {
		return nil, 0, nil, errNotColumnar
	}
	closure, err := readInts(ct, "ancestor_structure_id", "descendant_structure_id", "closure_distance")
	if err != nil {
		return nil, 0, nil, err
	}
	anc, desc := closure[0], closure[1]
	under := map[int64]bool{}
	for i, a := range anc.v {
		if a == source && anc.ok(i) && desc.ok(i) {
			under[desc.v[i]] = true
		}
	}
	src := map[string]struct{}{}
	for _, t := range exps {
		if err := experimentsUnder(t, under, integerTypes[idType], src); err != nil {
			return nil, 0, nil, err
		}
	}
	n := 0
	if len(src) > 0 {
		seen := make(map[string]bool, len(src))
		for _, it := range items {
			if _, ok := src[it]; ok && !seen[it] {
				seen[it] = true
				n++
			}
		}
	}
	return src, n, closure, nil
}

// experimentsUnder adds to src the data items ("allen:"||id) of the
// experiments of table t injected in a region of under.
func experimentsUnder(t store.TableInfo, under map[int64]bool, intID bool, src map[string]struct{}) error {
	f, err := openTable(t)
	if err != nil {
		return err
	}
	defer f.Close()
	sid, sidOK, err := f.Int64s("structure_id")
	if err != nil {
		return tableErr(t.Path, err)
	}
	in := func(i int) bool { return (sidOK == nil || sidOK[i]) && under[sid[i]] }
	if intID {
		id, idOK, err := f.Int64s("id")
		if err != nil {
			return tableErr(t.Path, err)
		}
		for i := range id {
			if in(i) && (idOK == nil || idOK[i]) {
				src["allen:"+strconv.FormatInt(id[i], 10)] = struct{}{}
			}
		}
		return nil
	}
	err = f.Bytes("id", func(i int, v []byte, ok bool) error {
		if ok && in(i) {
			src["allen:"+string(v)] = struct{}{}
		}
		return nil
	})
	return tableErr(t.Path, err)
}

// prepareMatrix is experimentMatrix answered from the tables' columns and
// the matrices' zarr.json when they allow it (else the SQL query): the
// matrix's dataset, id, row count, and (Go path) its array and row index.
func prepareMatrix(ctx context.Context, st *store.Store, sn *store.Snapshot, db *sql.DB, id, op string) (matrixCand, error) {
	all, err := matrixCandidates(sn, id)
	if errors.Is(err, errNotColumnar) {
		var c matrixCand
		c.ds, c.id, c.rows, err = experimentMatrix(ctx, st, db, id, op)
		return c, err
	}
	if err != nil {
		return matrixCand{}, err
	}
	return pickMatrix(st, all, id, op)
}
