package atlas

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/tablewrite"
	"github.com/ccc-connectivity/ccc/store"
)

// RegionClass is the schema class (and store table) of atlas regions.
const RegionClass = "BrainRegion"

// Atlas is an ontology with its annotation volumes as stored in one store
// dataset (the dataset name is the atlas name).
type Atlas struct {
	Name     string
	Ontology *Ontology
	Version  int            // store version the atlas was read from
	Meta     map[string]any // dataset metadata
	snap     *store.Snapshot
}

// SaveOptions describe one 'atlas load'.
type SaveOptions struct {
	TermSetName string         // recorded in term_set_name (default: the atlas name)
	SourceURI   string         // where the file came from
	Params      map[string]any // recorded in the version
	Wait        bool           // wait for another writer instead of failing
}

// Save writes the ontology as the BrainRegion table of dataset name, with
// the hierarchy denormalized (parent, children, all descendants, their
// annotation values, depth, structure_id_path), and its closure as the
// BrainRegionClosure table, in one store version.
func Save(ctx context.Context, st *store.Store, name string, o *Ontology, so SaveOptions) (store.Version, error) {
	if err := store.ValidDataset(name); err != nil {
		return store.Version{}, err
	}
	var inputs []string
	if o.Source != "" {
		inputs = []string{o.Source}
	}
	txo := store.TxOptions{Dataset: name, Message: fmt.Sprintf("atlas load: %d regions", o.Len()),
		SourceURI: so.SourceURI, Inputs: inputs, Params: so.Params}
	if so.Wait {
		txo.Wait = 1 << 62
	}
	tx, err := st.Begin(ctx, txo)
	if err != nil {
		return store.Version{}, err
	}
	defer tx.Rollback()
	if err := writeRegionTable(ctx, o, name, so.TermSetName, tx.StagingDir(), tx.TablePath(RegionClass)); err != nil {
		return store.Version{}, err
	}
	if err := writeClosureTable(ctx, o, tx.StagingDir(), tx.TablePath(ClosureClass)); err != nil {
		return store.Version{}, err
	}
	tx.SetMeta("kind", "atlas")
	tx.SetMeta("regions", o.Len())
	tx.SetMeta("root", o.Root().Acronym)
	tx.SetMeta("source", filepath.Base(o.Source))
	return tx.Commit()
}

// regionColumns are the BrainRegion table's columns and types.
const regionColumns = `id: 'VARCHAR', name: 'VARCHAR', acronym: 'VARCHAR', color_hex_triplet: 'VARCHAR', term_set_name: 'VARCHAR',
		term_order: 'BIGINT', structure_id: 'BIGINT',
		annotation_value: 'BIGINT', descendant_annotation_values: 'BIGINT[]', parent_identifier: 'VARCHAR',
		child_identifiers: 'VARCHAR[]', descendants: 'VARCHAR[]', depth: 'INTEGER', structure_id_path: 'VARCHAR'`

func writeRegionTable(ctx context.Context, o *Ontology, name, termSet, scratch, out string) error {
	if termSet == "" {
		termSet = name
	}
	idents := func(ids []int64) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = o.Identifier(id)
		}
		return out
	}
	err := tablewrite.NDJSON(ctx, scratch, out, regionColumns, func(emit func(map[string]any) error) error {
		for _, r := range o.regions {
			var parent any
			if p := o.Parent(r.ID); p != nil {
				parent = p.Identifier
			}
			var path strings.Builder
			path.WriteByte('/')
			for _, a := range o.Ancestors(r.ID) {
				fmt.Fprintf(&path, "%d/", a)
			}
			var label any // 0 is the volumes' background: no label of its own
			if r.AnnotationValue != 0 {
				label = r.AnnotationValue
			}
			rec := map[string]any{
				"id": r.Identifier, "structure_id": r.ID, "name": nullString(r.Name), "acronym": nullString(r.Acronym), "color_hex_triplet": nullString(r.Color),
				"term_set_name": nullString(termSet), "term_order": r.Order, "annotation_value": label,
				"descendant_annotation_values": o.DescendantAnnotationValues(r.ID),
				"parent_identifier":            parent, "child_identifiers": idents(o.Children(r.ID)),
				"descendants": idents(o.Descendants(r.ID)[1:]), "depth": r.Depth, "structure_id_path": path.String(),
			}
			if err := emit(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write %s table: %w", RegionClass, err)
	}
	return nil
}

// nullString is s, or nil (SQL NULL) for an absent (empty) value: "" would
// fail the slot's pattern (color_hex_triplet is a HexColor).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Names lists the atlases in a snapshot, sorted: the datasets written by
// Save (metadata kind "atlas") that have a BrainRegion table. BrainRegion
// tables ingested by other means can still be opened by name.
func Names(sn *store.Snapshot) []string {
	var out []string
	for _, t := range sn.Tables(RegionClass) {
		if sn.Meta(t.Dataset)["kind"] == "atlas" {
			out = append(out, t.Dataset)
		}
	}
	sort.Strings(out)
	return out
}

// Open reads atlas name (its ontology; volumes are read on demand) from the
// store at ref. With name "" it opens the only atlas in the store; when the
// store holds none, or several, the error (ErrNoAtlas) says what to do.
func Open(st *store.Store, ref store.Ref, name string) (*Atlas, error) {
	sn, err := st.Snapshot(ref)
	if err != nil {
		return nil, err
	}
	names := Names(sn)
	if name == "" {
		switch len(names) {
		case 0:
			return nil, &ccc.Error{Op: "open atlas", Path: st.Dir(), Row: -1, Msg: "the store holds no atlas",
				Hint: "run 'ccc atlas load FILE' (e.g. ../shared/data/" + DefaultOntologyFile + ")", Kind: ErrNoAtlas}
		case 1:
			name = names[0]
		default:
			return nil, &ccc.Error{Op: "open atlas", Path: st.Dir(), Row: -1, Msg: "the store holds several atlases: " + strings.Join(names, ", "),
				Hint: "choose one with --atlas NAME", Kind: ccc.ErrUsage}
		}
	}
	ti, err := sn.Table(name, RegionClass)
	if err != nil {
		if errors.Is(err, ccc.ErrNotFound) {
			hint := "run 'ccc atlas load --atlas " + name + " FILE'"
			if len(names) > 0 {
				hint = "atlases in the store: " + strings.Join(names, ", ") + "; or " + hint
			}
			return nil, &ccc.Error{Op: "open atlas", Path: st.Dir(), Row: -1, Value: name, Msg: "no such atlas", Hint: hint, Kind: ErrNoAtlas}
		}
		return nil, err
	}
	t, err := readParquet(ti.Path)
	if err != nil {
		return nil, err
	}
	// BrainRegion tables hold the string id and its integer structure_id
	// (tables of older versions: an integer id only)
	lo := LoadOptions{IDCol: "id", NameCol: "name", AcronymCol: "acronym", ColorCol: "color_hex_triplet",
		ParentCol: "parent_identifier", AnnotationCol: "annotation_value"}
	if i, _ := t.column("", []string{"structure_id"}); i >= 0 {
		lo.StructureIDCol = t.cols[i]
	}
	raws, err := t.regions(lo)
	if err != nil {
		return nil, err
	}
	o, err := build(ti.Path, raws)
	if err != nil {
		return nil, err
	}
	o.Name = name
	return &Atlas{Name: name, Ontology: o, Version: sn.Number(), Meta: sn.Meta(name), snap: sn}, nil
}
