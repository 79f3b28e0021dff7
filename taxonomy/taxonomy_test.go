package taxonomy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

func labels(t *Taxonomy, ks []int32) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = t.Label(k)
	}
	return strings.Join(out, " ")
}

func mustLookup(tb testing.TB, t *Taxonomy, s string) int32 {
	tb.Helper()
	k, err := t.Lookup(s)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// TestLoadFormats reads the same mini WMB taxonomy from the three formats
// and checks the same hierarchy, levels and queries.
func TestLoadFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		o    LoadOptions
	}{
		{"abc", "testdata/abc/cluster_annotation_term.csv", LoadOptions{Membership: "testdata/abc/cluster_to_cluster_annotation_membership.csv"}},
		{"abc-no-membership", "testdata/abc/cluster_annotation_term.csv", LoadOptions{}},
		{"cas", "testdata/cas.json", LoadOptions{}},
		{"pairs", "testdata/pairs.csv", LoadOptions{Levels: []string{"class", "subclass", "supertype", "cluster"}}},
		{"pairs-inferred-levels", "testdata/pairs.csv", LoadOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Name = "wmb"
			tx, err := Load(tc.file, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(tx.Levels, ">"); got != "class>subclass>supertype>cluster" {
				t.Errorf("levels %s", got)
			}
			if tx.Len() != 15 || fmt.Sprint(tx.LevelCounts()) != "[2 3 4 6]" {
				t.Errorf("len %d counts %v", tx.Len(), tx.LevelCounts())
			}
			k := mustLookup(t, tx, "CS20230722_CLUS_0112")
			if got := labels(tx, tx.Ancestors(k)); got != "CS20230722_CLAS_01 CS20230722_SUBC_007 CS20230722_SUPT_0029 CS20230722_CLUS_0112" {
				t.Errorf("ancestors %s", got)
			}
			s := mustLookup(t, tx, "007 L2/3 IT CTX Glut") // by name
			if got := labels(tx, tx.Descendants(s)); got != "CS20230722_SUBC_007 CS20230722_SUPT_0028 CS20230722_CLUS_0108 CS20230722_SUPT_0029 CS20230722_CLUS_0112" {
				t.Errorf("descendants %s", got)
			}
			if got := labels(tx, tx.Children(mustLookup(t, tx, "CS20230722_CLAS_01"))); got != "CS20230722_SUBC_001 CS20230722_SUBC_007" {
				t.Errorf("children %s", got)
			}
			if a := tx.AncestorAt(k, 2); tx.Label(a) != "CS20230722_SUBC_007" {
				t.Errorf("subclass of 0112: %s", tx.Label(a))
			}
			if a := tx.AncestorAt(s, 4); a != -1 {
				t.Errorf("cluster of a subclass: %d", a)
			}
			if !tx.IsDescendant(k, s) || tx.IsDescendant(s, k) {
				t.Error("IsDescendant")
			}
			if got := labels(tx, tx.Search("vip gaba", 3)); got != "CS20230722_SUBC_046 CS20230722_SUPT_0222 CS20230722_CLUS_0840" {
				t.Errorf("search %s", got)
			}
			if tc.name == "abc" {
				if tx.Alias(k) != "112" || mustLookup(t, tx, "840") != mustLookup(t, tx, "CS20230722_CLUS_0840") {
					t.Errorf("aliases: %q", tx.Alias(k))
				}
			}
			if tc.name == "cas" && strings.Join(tx.Members(k), ",") != "cell112_0,cell112_1" {
				t.Errorf("members %v", tx.Members(k))
			}
		})
	}
}

// TestLoadErrors: each bad file is rejected with an invalid-data error
// naming the file, row and field.
func TestLoadErrors(t *testing.T) {
	const head = "label,parent,level\n"
	for _, tc := range []struct {
		name, csv string
		levels    []string
		want      []string
	}{
		{"cycle", head + "A,,class\nB,C,subclass\nC,B,subclass\n", nil, []string{"parent cycle: B -> C -> B", "row 1", "bad.csv:3", "field parent"}},
		{"self-parent", head + "A,,class\nB,B,subclass\n", nil, []string{"B is its own parent", "row 1"}},
		{"missing-parent", head + "A,,class\nB,X,subclass\n", nil, []string{"parent of cluster B does not exist", "row 1", `"X"`}},
		{"duplicate", head + "A,,class\nB,A,subclass\nB,A,subclass\n", nil, []string{"duplicate cluster label (first at row 1)", "row 2"}},
		{"no-parent-below-top", head + "A,,class\nB,,subclass\n", []string{"class", "subclass"}, []string{"missing parent: cluster B is at level subclass", "row 1"}},
		{"parent-not-broader", head + "A,,class\nB,A,subclass\nC,B,class\n", []string{"class", "subclass"}, []string{"parent B (subclass) is not broader than cluster C (class)", "row 2"}},
		{"unknown-level", head + "A,,class\nB,A,typo\n", []string{"class", "subclass"}, []string{"unknown level", "row 1", `"typo"`}},
		{"empty", "label,parent\n", nil, []string{"no clusters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.csv")
			if err := os.WriteFile(path, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, LoadOptions{Name: "x", Levels: tc.levels})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ccc.ErrInvalidData) {
				t.Errorf("kind: %v", err)
			}
			for _, w := range append(tc.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing %q in %v", w, err)
				}
			}
		})
	}
}

// TestMembershipDisagrees: a membership row listing a term that is not an
// ancestor of the alias's cluster is an error naming the membership row.
func TestMembershipDisagrees(t *testing.T) {
	data, err := os.ReadFile("testdata/abc/cluster_to_cluster_annotation_membership.csv")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "CS20230722_SUBC_007,CCN20230722_SUBC,108", "CS20230722_SUBC_046,CCN20230722_SUBC,108", 1)
	path := filepath.Join(t.TempDir(), "m.csv")
	os.WriteFile(path, []byte(bad), 0o644)
	_, err = Load("testdata/abc/cluster_annotation_term.csv", LoadOptions{Membership: path})
	if err == nil || !strings.Contains(err.Error(), "cluster alias 108 lists term CS20230722_SUBC_046, which is not an ancestor") || !strings.Contains(err.Error(), "m.csv") {
		t.Fatalf("got %v", err)
	}
}

// TestSaveOpen round-trips two taxonomies side by side through a store.
func TestSaveOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "st")
	st, err := store.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := Load("testdata/abc/cluster_annotation_term.csv", LoadOptions{Name: "wmb", Membership: "testdata/abc/cluster_to_cluster_annotation_membership.csv"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load("testdata/cas.json", LoadOptions{Name: "cas-mini"})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*Taxonomy{a, b} {
		if _, err := Save(context.Background(), st, x, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Names(sn), ","); got != "cas-mini,wmb" {
		t.Fatalf("names %s", got)
	}
	if _, err := sn.Table("cas-mini", MembershipClass); err != nil {
		t.Errorf("CAS members not stored: %v", err)
	}
	r, err := Open(sn, "wmb")
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != a.Len() || strings.Join(r.Levels, ",") != strings.Join(a.Levels, ",") {
		t.Fatalf("read back %d %v", r.Len(), r.Levels)
	}
	for k := int32(1); k <= int32(a.Len()); k++ {
		rk := mustLookup(t, r, a.Label(k))
		if r.Record(rk) != a.Record(k) || labels(r, r.Descendants(rk)) != labels(a, a.Descendants(k)) {
			t.Errorf("%s: %+v != %+v", a.Label(k), r.Record(rk), a.Record(k))
		}
	}
	if _, err := Open(sn, ""); err == nil || !errors.Is(err, ccc.ErrUsage) {
		t.Errorf("two taxonomies, no name: %v", err)
	}
	if _, err := Open(sn, "nope"); !errors.Is(err, ErrNoTaxonomy) {
		t.Errorf("unknown: %v", err)
	}
}

// TestSynthetic: deterministic per seed, round-trips through the ABC CSVs.
func TestSynthetic(t *testing.T) {
	a, b := Synthetic(7, 5), Synthetic(7, 5)
	if len(a) != len(b) || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("not deterministic")
	}
	dir := t.TempDir()
	if err := WriteABC(dir, a, SyntheticLevels); err != nil {
		t.Fatal(err)
	}
	tx, err := Load(filepath.Join(dir, "cluster_annotation_term.csv"), LoadOptions{Name: "s", Membership: filepath.Join(dir, "cluster_to_cluster_annotation_membership.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if tx.Len() != len(a) || tx.LevelCounts()[0] != 5 {
		t.Fatalf("%d clusters, %v", tx.Len(), tx.LevelCounts())
	}
	leaf := a[len(a)-1]
	if k := mustLookup(t, tx, leaf.Alias); tx.Label(k) != leaf.Label {
		t.Errorf("alias %s -> %s", leaf.Alias, tx.Label(k))
	}
}

// TestLoadUsage: column flags for a format that does not use them are refused.
func TestLoadUsage(t *testing.T) {
	_, err := Load("testdata/cas.json", LoadOptions{ParentCol: "p"})
	if !errors.Is(err, ccc.ErrUsage) || !strings.Contains(err.Error(), "read as cas") {
		t.Errorf("got %v", err)
	}
	_, err = Load("testdata/pairs.csv", LoadOptions{Membership: "x.csv"})
	if !errors.Is(err, ccc.ErrUsage) {
		t.Errorf("membership for pairs: %v", err)
	}
}
