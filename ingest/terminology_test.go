package ingest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/testenv"
	"github.com/ccc-connectivity/ccc/store"
)

// terminologyFixture writes the Allen CCF 2017 ontology in the shape of
// the Allen terminology Parquet the seed's loader reads (identifier,
// parent_identifier as MBA: CURIEs, term_set_name, term_order, ...).
func terminologyFixture(t *testing.T) string {
	t.Helper()
	csv := testenv.SharedData(t, "allen-ccf/structure_tree_safe_2017.csv")
	out := filepath.Join(t.TempDir(), "terminology.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT 'MBA:' || id AS identifier, name, acronym,
		CASE WHEN parent_structure_id IS NULL THEN NULL ELSE 'MBA:' || parent_structure_id END AS parent_identifier,
		'#' || lower(color_hex_triplet) AS color_hex_triplet, 'Allen adult mouse brain parcellation' AS term_set_name,
		graph_order AS term_order, id AS annotation_value
		FROM read_csv(?, header = true) ORDER BY graph_order) TO '`+out+`' (FORMAT parquet)`, csv); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIngestTerminology: the seed's headline example. The terminology
// loads into BrainRegion through the generic loader with 0 errors, every
// parent resolved, the CURIEs kept whole and structure_id derived; the
// stored table opens as an atlas that answers by CURIE, local number and
// acronym; joins on structure_id with integer tables work.
func TestIngestTerminology(t *testing.T) {
	src := terminologyFixture(t)
	s := newStore(t)
	ctx := context.Background()
	r, err := Run(ctx, s, Options{Class: "BrainRegion", Dataset: "mba", Inputs: []string{src}})
	if err != nil {
		t.Fatalf("%v\n%+v", err, r.Errors)
	}
	if r.Counts.Rows != 1327 || r.Counts.Instances != 1327 || r.Counts.Errors != 0 || r.Counts.Warnings != 0 || len(r.Unmapped) != 0 {
		t.Fatalf("counts %+v, unmapped %v", r.Counts, r.Unmapped)
	}
	for slot, col := range map[string]string{"id": "identifier", "parent_identifier": "parent_identifier", "term_set_name": "term_set_name",
		"term_order": "term_order", "structure_id": "identifier", "annotation_value": "annotation_value"} {
		if r.Mapping[slot] != col {
			t.Errorf("mapping %s <- %q, want %q", slot, r.Mapping[slot], col)
		}
	}
	if n, ok := r.Unresolved["parent_identifier"]; !ok || n != 0 {
		t.Fatalf("unresolved parents: %v", r.Unresolved)
	}
	if got := queryInt(t, s, `SELECT structure_id FROM BrainRegion WHERE id = 'MBA:385'`); got != 385 {
		t.Errorf("structure_id of MBA:385: %d", got)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM BrainRegion c JOIN BrainRegion p ON c.parent_identifier = p.id WHERE p.acronym = 'VISp'`); got != 6 {
		t.Errorf("children of VISp by join: %d", got)
	}
	a, err := atlas.Open(s, store.Ref{}, "mba")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"MBA:385", "385", "VISp"} {
		reg, err := a.Ontology.Lookup(q)
		if err != nil || reg.ID != 385 || reg.Identifier != "MBA:385" {
			t.Errorf("Lookup(%q) = %+v, %v", q, reg, err)
		}
	}
	if got := a.Ontology.PathString(593, " > "); got != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1" {
		t.Errorf("path of VISp1: %s", got)
	}
	// an integer table joins on structure_id (as ConnectivityExperiment does)
	db, _ := s.DB(ctx, store.Ref{})
	defer db.Close()
	var acr string
	if err := db.QueryRow(`SELECT b.acronym FROM (VALUES (100141219, 385)) e(id, structure_id) JOIN BrainRegion b USING (structure_id)`).Scan(&acr); err != nil || acr != "VISp" {
		t.Errorf("join on structure_id: %q %v", acr, err)
	}
}

// TestIngestFloatParentIDs: a Parquet file written by pandas from the Allen
// CSV has integer ids and float parents (997.0: the root's parent is
// missing); the string references keep the integer text and resolve.
func TestIngestFloatParentIDs(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "regions.parquet")
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT * FROM (VALUES (997, 'root', NULL::DOUBLE), (8, 'grey', 997.0), (567, 'CH', 8.0))
		t(id, acronym, parent_structure_id)) TO '` + p + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	s := newStore(t)
	r, err := Run(context.Background(), s, Options{Class: "BrainRegion", Dataset: "d", Inputs: []string{p}})
	if err != nil {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if r.Unresolved["parent_identifier"] != 0 || r.ResolvedBy["parent_identifier"]["input"] != 2 {
		t.Fatalf("unresolved %v, resolved by %v", r.Unresolved, r.ResolvedBy)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM BrainRegion WHERE parent_identifier = '997' AND id = '8' AND structure_id = 8`); got != 1 {
		t.Fatalf("grey row: %d", got)
	}
}
