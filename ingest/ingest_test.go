package ingest

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Init(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func queryInt(t *testing.T, s *store.Store, q string) int64 {
	t.Helper()
	db, err := s.DB(context.Background(), store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestIngestAllenBrainRegions(t *testing.T) {
	csv := testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	s := newStore(t)
	r, err := Run(context.Background(), s, Options{Class: "BrainRegion", Dataset: "allen-ccf-2017", Inputs: []string{csv}, Message: "Allen CCF 2017 ontology"})
	if err != nil {
		t.Fatalf("%v\n%+v", err, r.Errors)
	}
	if !r.Committed || r.Counts.Rows != 1327 || r.Counts.Instances != 1327 || r.Counts.Errors != 0 || r.Counts.Total != 1327 {
		t.Fatalf("counts %+v", r.Counts)
	}
	want := map[string]string{"id": "id", "name": "name", "acronym": "acronym", "color_hex_triplet": "color_hex_triplet",
		"parent_identifier": "parent_structure_id", "depth": "depth", "structure_id_path": "structure_id_path",
		"structure_id": "id", "term_order": "graph_order"}
	for slot, col := range want {
		if r.Mapping[slot] != col {
			t.Errorf("mapping %s <- %q, want %q (mapping %v)", slot, r.Mapping[slot], col, r.Mapping)
		}
	}
	if n, ok := r.Unresolved["parent_identifier"]; !ok || n != 0 {
		t.Fatalf("unresolved parents: %v", r.Unresolved)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM BrainRegion WHERE parent_identifier IS NULL`); got != 1 {
		t.Fatalf("roots: %d", got)
	}
	db, _ := s.DB(context.Background(), store.Ref{})
	defer db.Close()
	var acr, color, types, parent string
	var sid, depth int64
	// BrainRegion ids and references are strings (the Allen numbers as
	// text, as in the seed); structure_id is the integer others join on
	if err := db.QueryRow(`SELECT acronym, parent_identifier, structure_id, color_hex_triplet, depth,
		typeof(id) || ' ' || typeof(parent_identifier) || ' ' || typeof(structure_id)
		FROM BrainRegion WHERE id = '385'`).Scan(&acr, &parent, &sid, &color, &depth, &types); err != nil {
		t.Fatal(err)
	}
	if acr != "VISp" || parent != "669" || sid != 385 || color != "08858C" || depth != 7 || types != "VARCHAR VARCHAR BIGINT" {
		t.Fatalf("VISp row: %s %s %d %s %d (%s)", acr, parent, sid, color, depth, types)
	}
}

func TestIngestMicronsCells(t *testing.T) {
	csv := testenv.SharedData(t, "microns/cells_no_repeats.csv")
	s := newStore(t)
	r, err := Run(context.Background(), s, Options{Class: "CellTypeAnnotation", Dataset: "microns", Inputs: []string{csv}, Map: map[string]string{"Unnamed: 0": "id"}})
	if err != nil {
		t.Fatalf("%v\n%+v", err, r.Errors)
	}
	if r.Counts.Rows != 56209 || r.Counts.Instances != 56209 || r.Counts.Total != 56209 {
		t.Fatalf("counts %+v", r.Counts)
	}
	for slot, col := range map[string]string{"id": "Unnamed: 0", "cell_type": "cell_type", "pt_root_id": "pt_root_id", "pt_position_x": "pt_x", "pt_position_y": "pt_y", "pt_position_z": "pt_z"} {
		if r.Mapping[slot] != col {
			t.Errorf("mapping %s <- %q want %q", slot, r.Mapping[slot], col)
		}
	}
	if n := queryInt(t, s, `SELECT count(*) FROM CellTypeAnnotation WHERE cell_type = '23P'`); n == 0 {
		t.Fatal("no 23P cells")
	}
	if n := queryInt(t, s, `SELECT pt_root_id FROM CellTypeAnnotation WHERE id = 0`); n != 864691135639004475 {
		t.Fatalf("root id of row 0: %d", n)
	}
	if n := queryInt(t, s, `SELECT CAST(pt_position_z AS BIGINT) FROM CellTypeAnnotation WHERE id = 1`); n != 20291 {
		t.Fatalf("z of row 1: %d", n)
	}
}

var _ = errors.Is
var _ = ccc.ErrInvalidData
var _ = os.ReadFile
var _ = strings.Contains
var _ = sql.Open
