package atlas

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

func TestSaveOpen(t *testing.T) {
	ref := loadCCF(t)
	ctx := context.Background()
	st, err := store.Init(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Open(st, store.Ref{}, ""); !errors.Is(err, ErrNoAtlas) || !strings.Contains(err.Error(), "ccc atlas load") {
		t.Fatalf("empty store: %v", err)
	}
	v, err := Save(ctx, st, "ccf2017", ref, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(st, store.Ref{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "ccf2017" || a.Version != v.Number {
		t.Errorf("atlas %s v%d", a.Name, a.Version)
	}
	if !reflect.DeepEqual(hierarchy(a.Ontology), hierarchy(ref)) {
		t.Error("stored hierarchy differs")
	}
	// the denormalized table answers hierarchy questions in SQL
	db, err := st.DB(ctx, store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, nDesc int
	var path string
	if err := db.QueryRow(`SELECT count(*) FROM BrainRegion`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT len(descendants), structure_id_path FROM BrainRegion WHERE acronym = 'VISp'`).Scan(&nDesc, &path); err != nil {
		t.Fatal(err)
	}
	if n != 1327 || nDesc != 6 || path != "/997/8/567/688/695/315/669/385/" {
		t.Errorf("BrainRegion: %d rows, VISp %d descendants, path %s", n, nDesc, path)
	}
	var kids int
	if err := db.QueryRow(`SELECT count(*) FROM BrainRegion WHERE list_contains(descendant_annotation_values, 593) AND depth <= 7`).Scan(&kids); err != nil {
		t.Fatal(err)
	}
	if kids != 8 { // root grey CH CTX CTXpl Isocortex VIS VISp
		t.Errorf("ancestors via descendant_annotation_values: %d", kids)
	}
	// a second atlas: Open("") must ask which
	if _, err := Save(ctx, st, "other", ref, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(st, store.Ref{}, ""); !errors.Is(err, ccc.ErrUsage) || !strings.Contains(err.Error(), "ccf2017, other") {
		t.Errorf("two atlases: %v", err)
	}
	if _, err := Open(st, store.Ref{}, "nope"); !errors.Is(err, ErrNoAtlas) {
		t.Errorf("unknown atlas: %v", err)
	}
	// the first version still has one atlas
	if a, err := Open(st, store.Ref{Version: v.Number}, ""); err != nil || a.Name != "ccf2017" {
		t.Errorf("old version: %v", err)
	}
}

// TestSavedTableValidates: the BrainRegion table Save writes validates
// closed-world against the built-in schema's BrainRegion class (integer ids
// and references, every reference resolving within the table), also for a
// terminology with CURIE ids, a region without a colour and one without an
// annotation label (absent values are NULL, not "" or 0).
func TestSavedTableValidates(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "terms.csv")
	writeDelimited(t, [][]string{
		{"identifier", "name", "acronym", "color_hex_triplet", "annotation_value", "parent_identifier"},
		{"MBA:997", "root", "root", "FFFFFF", "997", ""},
		{"MBA:8", "Basic cell groups and regions", "grey", "#bfdae3", "8", "MBA:997"},
		{"MBA:385", "Primary visual area", "VISp", "", "385", "MBA:8"},
		{"MBA:593", "Primary visual area layer 1", "VISp1", "08858C", "", "MBA:385"},
	}, src, ',')
	o, err := LoadOntology(src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Save(ctx, st, "mba", o, SaveOptions{TermSetName: "Allen adult mouse brain parcellation"}); err != nil {
		t.Fatal(err)
	}
	sn, _ := st.Snapshot(store.Ref{})
	ti, err := sn.Table("mba", RegionClass)
	if err != nil {
		t.Fatal(err)
	}
	s, err := linkml.LoadBuiltin(linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator(RegionClass, linkml.ValidateOptions{CheckUnique: true, CheckRefs: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT * FROM read_parquet(?)`, ti.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	m, stream := v.NewRowMapper(cols), v.NewStream()
	vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var errs []linkml.Violation
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		errs = stream.AddAt(m.Record(vals), "rows", n, errs)
		n++
	}
	errs = stream.Finish(errs)
	if n != 4 || len(errs) != 0 {
		t.Fatalf("%d records, %d errors: %v", n, len(errs), errs)
	}
	var types, parent, desc string
	var sid, nulls int64
	if err := db.QueryRow(`SELECT typeof(id) || ' ' || typeof(structure_id) || ' ' || typeof(parent_identifier) || ' ' || typeof(descendants),
		parent_identifier, structure_id, array_to_string(descendants, ','),
		(SELECT count(*) FROM read_parquet(?) WHERE color_hex_triplet IS NULL OR annotation_value IS NULL)
		FROM read_parquet(?) WHERE id = 'MBA:385'`, ti.Path, ti.Path).Scan(&types, &parent, &sid, &desc, &nulls); err != nil {
		t.Fatal(err)
	}
	if types != "VARCHAR BIGINT VARCHAR VARCHAR[]" || parent != "MBA:8" || sid != 385 || desc != "MBA:593" || nulls != 2 {
		t.Errorf("VISp: types %s, parent %s, structure_id %d, descendants %s; %d rows with a NULL colour or label", types, parent, sid, desc, nulls)
	}
	// Read back: the atlas answers by CURIE, local number and acronym, and
	// keeps the CURIEs.
	a, err := Open(st, store.Ref{}, "mba")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"MBA:385", "385", "VISp"} {
		r, err := a.Ontology.Lookup(q)
		if err != nil || r.ID != 385 || r.Identifier != "MBA:385" {
			t.Errorf("Lookup(%q) = %+v, %v", q, r, err)
		}
	}
	if got := a.Ontology.PathString(593, " > "); got != "root > grey > VISp > VISp1" {
		t.Errorf("path of 593: %q", got)
	}
}
