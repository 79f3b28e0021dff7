package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestCheckedWriteSameVerdict: a strict replace ingest checks its rows in
// the pass that writes them. Valid input commits through that pass; input
// with a failing row is rejected with exactly the report of the separate
// checks (a dry run takes those), the store left as it was and nothing
// staged left behind.
func TestCheckedWriteSameVerdict(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeSynapseParquet(t, good, 3000)
	before := checkedWrites.Load()
	r, err := Run(context.Background(), s, Options{Class: "Synapse", Dataset: "d", Inputs: []string{good}})
	if err != nil {
		t.Fatal(err)
	}
	if checkedWrites.Load() != before+1 {
		t.Fatal("a valid strict replace ingest did not take the checked write")
	}
	if !r.Committed || r.Counts.Rows != 3000 || r.Counts.Instances != 3000 || r.Counts.Total != 3000 || r.Counts.Errors != 0 {
		t.Fatalf("counts: %+v", r.Counts)
	}
	if n := queryInt(t, s, "SELECT sum(id) FROM Synapse"); n != 3000*2999/2 {
		t.Fatalf("sum of ids: %d", n)
	}

	for _, tc := range []struct {
		name, rows string
		ok         bool
		want       string // "row:field:message" of the first error
	}{
		{"unsorted unique", "5,1,2,3\n3,1,2,3\n9,1,2,3\n1,1,2,3\n", true, ""},
		{"duplicate far apart", "5,1,2,3\n3,1,2,3\n9,1,2,3\n5,1,2,3\n", false, "3:id:duplicate identifier (first at row 0)"},
		{"duplicate adjacent", "1,1,2,3\n2,1,2,3\n2,1,2,3\n", false, "2:id:duplicate identifier (first at row 1)"},
		{"below minimum", "1,1,2,3\n2,1,2,-4\n", false, "1:size:below the minimum 0"},
		{"not a number", "1,1,2,3\n2,1,x2,3\n", false, "1:post_pt_root_id:cannot convert to integer"},
		{"required missing", "1,1,2,3\n2,,2,3\n", false, "1:pre_pt_root_id:required value missing"},
		{"identifier missing", "1,1,2,3\n,1,2,3\n", false, "1:id:identifier missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(p, []byte("id,pre_pt_root_id,post_pt_root_id,size\n"+tc.rows), 0o644); err != nil {
				t.Fatal(err)
			}
			o := Options{Class: "Synapse", Dataset: "d", Inputs: []string{p}}
			dry := o
			dry.DryRun = true
			want, werr := Run(context.Background(), s, dry) // the separate checks
			v0 := versions(t, s)
			before := checkedWrites.Load()
			got, err := Run(context.Background(), s, o)
			if tc.ok {
				if err != nil || werr != nil || !got.Committed || checkedWrites.Load() != before+1 {
					t.Fatalf("valid input: %v / dry run %v, committed %v", err, werr, got.Committed)
				}
				return
			}
			if !errors.Is(err, ccc.ErrInvalidData) || !errors.Is(err, ErrRejected) || !errors.Is(werr, ErrRejected) {
				t.Fatalf("want rejection: %v (dry run: %v)", err, werr)
			}
			if checkedWrites.Load() != before || got.Committed || versions(t, s) != v0 {
				t.Fatal("a rejected ingest was committed")
			}
			if len(got.Errors) == 0 {
				t.Fatal("no errors listed")
			}
			e := got.Errors[0]
			if first := fmt.Sprintf("%d:%s:%s", *e.Row, e.Field, e.Message); !strings.HasPrefix(first, tc.want) {
				t.Fatalf("first error %q, want %q", first, tc.want)
			}
			if !reflect.DeepEqual(got.Errors, want.Errors) || got.Counts != want.Counts || got.Error != want.Error {
				t.Fatalf("report differs from the separate checks':\n%+v %+v\n%+v %+v", got.Counts, got.Errors, want.Counts, want.Errors)
			}
			if ents, _ := os.ReadDir(filepath.Join(s.Dir(), "tmp")); len(ents) != 0 {
				t.Fatalf("staging left behind: %v", ents)
			}
		})
	}
	if n := queryInt(t, s, "SELECT count(*) FROM Synapse"); n != 4 {
		t.Fatalf("rows after the rejections: %d, want the 4 of the last valid ingest", n)
	}
}
