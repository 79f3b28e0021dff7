package atlas

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

func loadCCF(t testing.TB) *Ontology {
	t.Helper()
	p := testenv.SharedData(t, DefaultOntologyFile)
	o, err := LoadOntology(p, LoadOptions{Name: DefaultAtlasName})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func acronyms(t testing.TB, o *Ontology, ids []int64) []string {
	t.Helper()
	out := make([]string, len(ids))
	for i, id := range ids {
		r, ok := o.ByID(id)
		if !ok {
			t.Fatalf("id %d not in ontology", id)
		}
		out[i] = r.Acronym
	}
	return out
}

func mustLookup(t testing.TB, o *Ontology, s string) *Region {
	t.Helper()
	r, err := o.Lookup(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCCF2017(t *testing.T) {
	o := loadCCF(t)
	if o.Len() != 1327 {
		t.Fatalf("Len = %d, want 1327", o.Len())
	}
	visp := mustLookup(t, o, "VISp")
	if visp.ID != 385 || visp.Color != "08858C" || visp.Name != "Primary visual area" || visp.Depth != 7 {
		t.Errorf("VISp = %+v", *visp)
	}
	if r := mustLookup(t, o, "385"); r != visp {
		t.Errorf("Lookup(385) = %s", r.Acronym)
	}
	if r := mustLookup(t, o, "visp"); r != visp {
		t.Errorf("Lookup(visp) = %s", r.Acronym)
	}
	if r := mustLookup(t, o, "MBA:385"); r != visp {
		t.Errorf("Lookup(MBA:385) = %s", r.Acronym)
	}
	visp1 := mustLookup(t, o, "VISp1")
	got := strings.Join(acronyms(t, o, o.Ancestors(visp1.ID)), " > ")
	if want := "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1"; got != want {
		t.Errorf("ancestors of VISp1 = %q, want %q", got, want)
	}
	if got := o.PathString(visp1.ID, " > "); got != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1" {
		t.Errorf("PathString = %q", got)
	}
	ch := acronyms(t, o, o.Children(385))
	if want := []string{"VISp1", "VISp2/3", "VISp4", "VISp5", "VISp6a", "VISp6b"}; !reflect.DeepEqual(ch, want) {
		t.Errorf("children of VISp = %v, want %v", ch, want)
	}
	if d := acronyms(t, o, o.Descendants(385)); !reflect.DeepEqual(d, append([]string{"VISp"}, ch...)) {
		t.Errorf("descendants of VISp = %v", d)
	}
	if got := o.DescendantAnnotationValues(385); !reflect.DeepEqual(got, []int64{33, 305, 385, 593, 721, 778, 821}) {
		t.Errorf("descendant annotation values of VISp = %v", got)
	}
	hist := o.DepthHistogram()
	want := []int{1, 5, 18, 61, 109, 130, 262, 324, 272, 139, 6}
	if !reflect.DeepEqual(hist, want) {
		t.Errorf("depth histogram = %v, want %v", hist, want)
	}
	if n := o.DescendantCount(997); n != 1327 {
		t.Errorf("descendants of root = %d", n)
	}
	if o.Root().Acronym != "root" || o.Parent(997) != nil || o.Parent(385).Acronym != "VIS" {
		t.Errorf("root/parent wrong")
	}
	// depth column of the file agrees with the computed depth (spot check)
	if r := mustLookup(t, o, "VIS"); r.Depth != 6 {
		t.Errorf("VIS depth %d", r.Depth)
	}
	for _, tc := range []struct {
		id, anc int64
		want    bool
	}{{593, 385, true}, {385, 385, true}, {385, 593, false}, {593, 997, true}, {593, 669, true}, {593, 402, false}, {12345678, 997, false}} {
		if got := o.IsDescendant(tc.id, tc.anc); got != tc.want {
			t.Errorf("IsDescendant(%d, %d) = %v", tc.id, tc.anc, got)
		}
	}
	// IsDescendant agrees with Ancestors everywhere (exhaustive for one region set)
	for _, r := range o.Regions() {
		anc := o.Ancestors(r.ID)
		if len(anc) != r.Depth+1 || anc[len(anc)-1] != r.ID || anc[0] != 997 {
			t.Fatalf("Ancestors(%d) = %v", r.ID, anc)
		}
		for _, a := range anc {
			if !o.IsDescendant(r.ID, a) {
				t.Fatalf("IsDescendant(%d, %d) false", r.ID, a)
			}
		}
		if r.ParentID != 0 && o.IsDescendant(r.ParentID, r.ID) {
			t.Fatalf("parent %d below child %d", r.ParentID, r.ID)
		}
	}
	_, err := o.Lookup("VISq")
	if !errors.Is(err, ccc.ErrNotFound) || !errors.Is(err, ErrUnknownRegion) || !strings.Contains(err.Error(), "hint") {
		t.Errorf("Lookup(VISq) err = %v", err)
	}
}

func TestSearchVisual(t *testing.T) {
	o := loadCCF(t)
	res := o.Search("visual", 0)
	var got []string
	for _, m := range res[:14] {
		got = append(got, m.Acronym)
	}
	want := []string{"VIS", "VIS1", "VIS2/3", "VIS4", "VIS5", "VIS6a", "VIS6b",
		"VISp", "VISp1", "VISp2/3", "VISp4", "VISp5", "VISp6a", "VISp6b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("search visual first 14 = %v\nwant %v", got, want)
	}
	// every result has "visual" in its name; no non-visual region slips in
	for _, m := range res {
		if !strings.Contains(strings.ToLower(m.Name), "visual") {
			t.Errorf("unexpected hit %s %q", m.Acronym, m.Name)
		}
	}
	// 12 areas with "visual" in the name, 7 regions each (area + 6 layers),
	// and VISrl whose layers are named "Rostrolateral area layer N"
	if len(res) != 12*7+1 {
		t.Errorf("%d hits, want 85", len(res))
	}
	for _, tc := range []struct {
		q     string
		first []string
		kind  string
	}{
		{"VISp", []string{"VISp", "VISp1", "VISp2/3", "VISp4", "VISp5", "VISp6a", "VISp6b", "VISpl"}, MatchAcronym},
		{"visp", []string{"VISp", "VISp1"}, MatchAcronym},
		{"385", []string{"VISp"}, MatchAcronym},
		{"primary visual", []string{"VISp", "VISp1"}, MatchNamePrefix},
		{"visual primary", []string{"VISp", "VISp1"}, MatchNameWord},
		{"Isocortex", []string{"Isocortex"}, MatchAcronym},
		{"hippocampal formation", []string{"HPF"}, MatchName},
		{"CA", []string{"CA", "CA1", "CA1slm", "CA1so"}, MatchAcronym}, // CA1's strata are named after it
	} {
		res := o.Search(tc.q, len(tc.first))
		var got []string
		for _, m := range res {
			got = append(got, m.Acronym)
		}
		if !reflect.DeepEqual(got, tc.first) || res[0].Kind != tc.kind {
			t.Errorf("Search(%q) = %v (%s), want %v (%s)", tc.q, got, res[0].Kind, tc.first, tc.kind)
		}
	}
	if res := o.Search("zzzqqq", 0); len(res) != 0 {
		t.Errorf("nonsense query matched %d", len(res))
	}
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	const head = "id,acronym,name,parent_structure_id,color_hex_triplet\n"
	for _, tc := range []struct {
		name, csv string
		want      []string // substrings of the error
		kind      error
	}{
		{"cycle", head + "1,root,Root,,FFFFFF\n2,A,a,1,FFFFFF\n3,B,b,4,FFFFFF\n4,C,c,3,FFFFFF\n",
			[]string{"parent cycle", "B (3) -> C (4) -> B (3)"}, ccc.ErrInvalidData},
		{"orphan", head + "1,root,Root,,FFFFFF\n2,A,a,1,FFFFFF\n3,B,b,99,FFFFFF\n",
			[]string{"row 2", "field parent", "parent of region 3 (B) does not exist", `"99"`}, ccc.ErrInvalidData},
		{"duplicate acronym", head + "1,root,Root,,FFFFFF\n2,A,a,1,FFFFFF\n3,A,b,1,FFFFFF\n",
			[]string{"row 2", "field acronym", "duplicate acronym (also region 2 at row 1)"}, ccc.ErrInvalidData},
		{"duplicate id", head + "1,root,Root,,FFFFFF\n2,A,a,1,FFFFFF\n2,B,b,1,FFFFFF\n",
			[]string{"row 2", "field id", "duplicate id"}, ccc.ErrInvalidData},
		{"two roots", head + "1,root,Root,,FFFFFF\n2,A,a,,FFFFFF\n",
			[]string{"more than one root", "1 (root, row 0), 2 (A, row 1)"}, ccc.ErrInvalidData},
		{"no root", head + "1,root,Root,2,FFFFFF\n2,A,a,1,FFFFFF\n",
			[]string{"no root region", "parent cycle"}, ccc.ErrInvalidData},
		{"empty id", head + "1,root,Root,,FFFFFF\n,A,a,1,FFFFFF\n",
			[]string{"FILE:3: row 1: field id", "empty id"}, ccc.ErrInvalidData},
		{"unknown parent identifier", head + "1,root,Root,,FFFFFF\nBR2,A,a,BR9,FFFFFF\n",
			[]string{"FILE:3: row 1: field parent", "parent of region BR2 (A) is not an id of the file", `"BR9"`}, ccc.ErrInvalidData},
		{"duplicate identifier", head + "BR1,root,Root,,FFFFFF\nBR1,A,a,BR1,FFFFFF\n",
			[]string{"row 1", "field id", "duplicate id (first at row 0)"}, ccc.ErrInvalidData},
		{"bad colour", head + "1,root,Root,,FFFFFF\n2,A,a,1,GG0000\n",
			[]string{"field color_hex_triplet", "colour"}, ccc.ErrInvalidData},
		{"no id column", "key,acronym,parent_id\n1,root,\n",
			[]string{"no id column", "--id-col", "columns are: key, acronym, parent_id"}, ccc.ErrInvalidData},
		{"ragged", head + "1,root,Root,,FFFFFF\n2,A\n", []string{"2 fields, the header has 5"}, ccc.ErrFormat},
		{"all problems at once", head + "1,root,Root,,FFFFFF\n2,A,a,1,FFFFFF\n3,A,b,1,FFFFFF\n4,D,d,77,FFFFFF\n",
			[]string{"duplicate acronym", "parent of region 4 (D) does not exist"}, ccc.ErrInvalidData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "_")+".csv", tc.csv)
			_, err := LoadOntology(p, LoadOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error kind: %v", err)
			}
			msg := strings.ReplaceAll(err.Error(), p, "FILE")
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
	if _, err := LoadOntology(filepath.Join(dir, "absent.csv"), LoadOptions{}); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("absent file: %v", err)
	}
	// overrides
	p := writeFile(t, dir, "custom.csv", "key,abbr,label,up,rgb\n10,R,Root,,\"[1, 2, 3]\"\n11,K,Kid,10,\"[255, 0, 16]\"\n")
	o, err := LoadOntology(p, LoadOptions{IDCol: "key", AcronymCol: "abbr", NameCol: "label", ParentCol: "up", ColorCol: "rgb"})
	if err != nil {
		t.Fatal(err)
	}
	if k := mustLookup(t, o, "K"); k.ParentID != 10 || k.Color != "FF0010" || k.Name != "Kid" || k.Depth != 1 {
		t.Errorf("override load: %+v", *k)
	}
	if _, err := LoadOntology(p, LoadOptions{IDCol: "nope"}); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "columns are: key, abbr") {
		t.Errorf("unknown override column: %v", err)
	}
}

// TestStringIdentifiers: ids are kept as the source writes them (CURIEs of
// any term set, local names such as BR1, Allen numbers as text); regions
// answer by full id, local number and acronym; ids without a number get
// numbers above every other id, in source order.
func TestStringIdentifiers(t *testing.T) {
	p := writeFile(t, t.TempDir(), "terms.csv", "identifier,acronym,name,parent_identifier\n"+
		"UBERON:0000955,brain,Brain,\n"+
		"BR1,R1,Region 1,UBERON:0000955\n"+
		"UBERON:0002436,V1,Primary visual cortex,BR1\n"+
		"BR2,R2,Region 2,BR1\n")
	o, err := LoadOntology(p, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q     string
		ident string
		id    int64
	}{
		{"UBERON:0002436", "UBERON:0002436", 2436}, {"2436", "UBERON:0002436", 2436}, {"V1", "UBERON:0002436", 2436},
		{"BR1", "BR1", 2437}, {"R1", "BR1", 2437}, {"BR2", "BR2", 2438}, {"UBERON:0000955", "UBERON:0000955", 955},
	} {
		r, err := o.Lookup(tc.q)
		if err != nil || r.Identifier != tc.ident || r.ID != tc.id {
			t.Errorf("Lookup(%q) = %+v, %v; want %s (%d)", tc.q, r, err, tc.ident, tc.id)
		}
	}
	if got := o.PathString(2436, " > "); got != "brain > R1 > V1" {
		t.Errorf("path: %q", got)
	}
	if r, ok := o.ByIdentifier("BR2"); !ok || o.Parent(r.ID).Identifier != "BR1" {
		t.Errorf("BR2's parent: %v", r)
	}
}
