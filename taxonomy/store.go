package taxonomy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2" // database/sql driver "duckdb"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/tablewrite"
	"github.com/ccc-connectivity/ccc/store"
)

// Store classes written by Save.
const (
	HierarchyClass  = "ClusterHierarchy"
	ClusterClass    = "Cluster"
	MembershipClass = "ClusterMembership"
)

// SaveOptions describe one 'taxonomy load'.
type SaveOptions struct {
	SourceURI string
	Params    map[string]any
}

// Save writes t as dataset t.Name: one ClusterHierarchy row, one Cluster
// row per cluster (the root included, level 0) with parent and children,
// and ClusterMembership rows for the cells a CAS file lists. The level
// names and aliases go to the dataset metadata. One store version.
func Save(ctx context.Context, st *store.Store, t *Taxonomy, so SaveOptions) (store.Version, error) {
	if err := store.ValidDataset(t.Name); err != nil {
		return store.Version{}, err
	}
	var inputs []string
	if t.Source != "" {
		inputs = []string{t.Source}
	}
	txo := store.TxOptions{Dataset: t.Name, Message: fmt.Sprintf("taxonomy load: %d clusters", t.Len()), SourceURI: so.SourceURI, Inputs: inputs, Params: so.Params}
	tx, err := st.Begin(ctx, txo)
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	n := len(t.label)
	var members int
	err = tablewrite.NDJSON(ctx, tx.StagingDir(), tx.TablePath(ClusterClass), `id: 'VARCHAR', name: 'VARCHAR', level: 'INTEGER', size: 'BIGINT', parent: 'VARCHAR', children: 'VARCHAR[]'`,
		func(emit func(map[string]any) error) error {
			for _, k := range t.preIdx {
				var parent any
				if p := t.parent[k]; p >= 0 {
					parent = t.label[p]
				}
				ch := make([]string, 0, t.childOff[k+1]-t.childOff[k])
				for _, c := range t.Children(k) {
					ch = append(ch, t.label[c])
				}
				var size any
				if m := len(t.members[k]); m > 0 {
					size = m
					members += m
				}
				if err := emit(map[string]any{"id": t.label[k], "name": t.name[k], "level": t.level[k], "size": size, "parent": parent, "children": ch}); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return store.Version{}, err
	}
	err = tablewrite.NDJSON(ctx, tx.StagingDir(), tx.TablePath(HierarchyClass), `id: 'VARCHAR', name: 'VARCHAR', root: 'VARCHAR', clusters: 'VARCHAR[]'`,
		func(emit func(map[string]any) error) error {
			all := make([]string, 0, n-1)
			for _, k := range t.preIdx[1:] {
				all = append(all, t.label[k])
			}
			return emit(map[string]any{"id": t.Name, "name": t.Name, "root": t.Name, "clusters": all})
		})
	if err != nil {
		return store.Version{}, err
	}
	if members > 0 {
		err = tablewrite.NDJSON(ctx, tx.StagingDir(), tx.TablePath(MembershipClass), `cluster: 'VARCHAR', item: 'VARCHAR'`,
			func(emit func(map[string]any) error) error {
				for _, k := range t.preIdx {
					for _, c := range t.members[k] {
						if err := emit(map[string]any{"cluster": t.label[k], "item": c}); err != nil {
							return err
						}
					}
				}
				return nil
			})
		if err != nil {
			return store.Version{}, err
		}
	} else {
		tx.DropTable(MembershipClass)
	}
	aliases := map[string]string{}
	for k := 1; k < n; k++ {
		if t.alias[k] != "" {
			aliases[t.label[k]] = t.alias[k]
		}
	}
	tx.SetMeta("kind", "taxonomy")
	tx.SetMeta("levels", t.Levels)
	tx.SetMeta("clusters", t.Len())
	tx.SetMeta("source", filepath.Base(t.Source))
	if len(aliases) > 0 {
		tx.SetMeta("aliases", aliases)
	} else {
		tx.SetMeta("aliases", nil)
	}
	return tx.Commit()
}

// Names lists the taxonomies of a snapshot (datasets Save wrote), sorted.
func Names(sn *store.Snapshot) []string {
	var out []string
	for _, ti := range sn.Tables(ClusterClass) {
		if sn.Meta(ti.Dataset)["kind"] == "taxonomy" {
			out = append(out, ti.Dataset)
		}
	}
	sort.Strings(out)
	return out
}

// Open reads taxonomy name from a snapshot. With name "" it opens the only
// taxonomy; none or several is an error saying what to do.
func Open(sn *store.Snapshot, name string) (*Taxonomy, error) {
	names := Names(sn)
	if name == "" {
		switch len(names) {
		case 0:
			return nil, &ccc.Error{Op: "open taxonomy", Row: -1, Msg: "the store holds no taxonomy", Kind: ErrNoTaxonomy,
				Hint: "run 'ccc taxonomy load FILE' (Allen cluster_annotation_term.csv, CAS JSON or a parent/child CSV)"}
		case 1:
			name = names[0]
		default:
			return nil, &ccc.Error{Op: "open taxonomy", Row: -1, Msg: "the store holds several taxonomies: " + strings.Join(names, ", "),
				Hint: "choose one with --taxonomy NAME", Kind: ccc.ErrUsage}
		}
	}
	ti, err := sn.Table(name, ClusterClass)
	if err != nil || sn.Meta(name)["kind"] != "taxonomy" {
		hint := "run 'ccc taxonomy load --name " + name + " FILE'"
		if len(names) > 0 {
			hint = "taxonomies in the store: " + strings.Join(names, ", ") + "; or " + hint
		}
		if err != nil && !errors.Is(err, ccc.ErrNotFound) {
			return nil, err
		}
		return nil, &ccc.Error{Op: "open taxonomy", Row: -1, Value: name, Msg: "no such taxonomy", Hint: hint, Kind: ErrNoTaxonomy}
	}
	meta := sn.Meta(name)
	var levels []string
	if ls, ok := meta["levels"].([]any); ok {
		for _, l := range ls {
			levels = append(levels, fmt.Sprint(l))
		}
	}
	aliases := map[string]string{}
	if am, ok := meta["aliases"].(map[string]any); ok {
		for k, v := range am {
			aliases[k] = fmt.Sprint(v)
		}
	}
	// arrow-go, not DuckDB: a few thousand rows, and no SQL engine to start
	// for commands that only need the hierarchy
	var terms []Term
	err = readClusters(ti, func(id, nm, parent string, level int64) {
		if level == 0 {
			return // the root
		}
		if parent == name {
			parent = ""
		}
		lv := ""
		if l := int(level); l >= 1 && l <= len(levels) {
			lv = levels[l-1]
		}
		terms = append(terms, Term{Label: id, Name: nm, Level: lv, Parent: parent, Alias: aliases[id], Row: len(terms)})
	})
	if err != nil {
		return nil, fmt.Errorf("read taxonomy %s: %w", name, err)
	}
	return Build(name, terms, BuildOptions{Path: ti.Path, Levels: levels})
}

// readClusters calls fn for each row of a Cluster table (id, name, parent:
// "" when NULL; level), in file order; the file must match the manifest's
// SHA-256.
func readClusters(ti store.TableInfo, fn func(id, name, parent string, level int64)) (err error) {
	path := ti.Path
	defer func() {
		// arrow-go panics on some damaged pages: a format error, never a crash
		if r := recover(); r != nil {
			err = &ccc.Error{Op: "read taxonomy", Path: path, Row: -1, Msg: fmt.Sprint("damaged Parquet file: ", r), Kind: ccc.ErrFormat,
				Hint: "check the store ('ccc store check'); loading the taxonomy again rewrites the table"}
		}
	}()
	// arrow-go is not robust against damaged files: it only parses bytes
	// that match the manifest's checksum
	data, err := store.ReadVerified(ti, 1<<30)
	if err != nil {
		return err
	}
	rd, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		return &ccc.Error{Op: "read taxonomy", Path: path, Row: -1, Msg: "cannot open the Parquet file: " + err.Error(), Kind: ccc.ErrFormat}
	}
	defer rd.Close()
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	names := []string{"id", "name", "level", "parent"}
	idx := make([]int, len(names))
	for i, n := range names {
		if idx[i] = rd.MetaData().Schema.ColumnIndexByName(n); idx[i] < 0 {
			return &ccc.Error{Op: "read taxonomy", Path: path, Row: -1, Field: n, Msg: "column missing", Kind: ccc.ErrFormat}
		}
	}
	rr, err := fr.GetRecordReader(context.Background(), idx, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		col := func(n string) arrow.Array {
			for j, f := range rec.Schema().Fields() {
				if f.Name == n {
					return rec.Column(j)
				}
			}
			return nil
		}
		id, ok1 := col("id").(*array.String)
		nm, ok2 := col("name").(*array.String)
		par, ok3 := col("parent").(*array.String)
		lvl := col("level")
		if !ok1 || !ok2 || !ok3 || lvl == nil {
			return &ccc.Error{Op: "read taxonomy", Path: path, Row: -1, Msg: "unexpected column types of the Cluster table", Kind: ccc.ErrFormat}
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			var l int64
			switch a := lvl.(type) {
			case *array.Int32:
				l = int64(a.Value(i))
			case *array.Int64:
				l = a.Value(i)
			default:
				return &ccc.Error{Op: "read taxonomy", Path: path, Row: -1, Field: "level", Msg: "level is " + lvl.DataType().String() + ", want an integer", Kind: ccc.ErrFormat}
			}
			if lvl.IsNull(i) {
				l = 0
			}
			fn(id.Value(i), nm.Value(i), par.Value(i), l)
		}
	}
	return rr.Err()
}
