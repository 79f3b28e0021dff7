package atlas

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
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
