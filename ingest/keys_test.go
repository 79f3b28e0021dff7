package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

// validateStored validates dataset's current table of class closed-world
// with package linkml (identifier and unique-key uniqueness included), as
// 'ccc validate --class C FILE.parquet' does, and checks its row count.
func validateStored(t *testing.T, s *store.Store, dataset, class string, rows int64) {
	t.Helper()
	sn, err := s.Snapshot(store.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := sn.Table(dataset, class)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := linkml.LoadBuiltin(linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, vs := validateParquet(t, sch, class, tb.Path)
	if len(vs) != 0 || n != rows {
		t.Fatalf("%s: %d records (want %d), %d violations: %v", tb.Path, n, rows, len(vs), vs)
	}
}

func validateParquet(t *testing.T, sch *linkml.Schema, class, path string) (int64, []linkml.Violation) {
	t.Helper()
	v, err := sch.NewValidator(class, linkml.ValidateOptions{CheckUnique: true})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM read_parquet(?)", path)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	m := v.NewRowMapper(cols)
	st := v.NewStream()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []linkml.Violation
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = st.Add(m.Record(vals), out)
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n, st.Finish(out)
}

// TestUniqueKeyDuplicates: CellTypeAnnotation has no identifier; its
// unique key (id, source) decides duplicates, a missing source being a
// value of its own.
func TestUniqueKeyDuplicates(t *testing.T) {
	dir := t.TempDir()
	const head = "id,pt_root_id,cell_type,source\n"
	for _, tc := range []struct {
		name, csv string
		errs      []string // row:key:message of strict errors
		keep      int64    // rows stored by --lenient
	}{
		{"two sources", head + "5,1,23P,automated\n5,1,4P,manual\n6,2,BC,manual\n", nil, 3},
		{"same key twice", head + "5,1,23P,automated\n5,1,4P,manual\n6,2,BC,manual\n5,1,4P,Automated\n7,3,MC,\n7,3,BC,\n8,4,BC,\n",
			[]string{"3:(5, automated):duplicate unique key one_label_per_source (id, source) (first at row 0)",
				"5:(7, null):duplicate unique key one_label_per_source (id, source) (first at row 4)"}, 5},
		{"no source column", "id,pt_root_id,cell_type\n1,1,23P\n2,2,BC\n2,2,MC\n",
			[]string{"2:(2, null):duplicate unique key one_label_per_source (id, source) (first at row 1)"}, 2},
		{"missing nucleus id", head + "1,1,23P,manual\n,2,BC,manual\n",
			[]string{"1:(null, manual):required value missing"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(p, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			o := Options{Class: "CellTypeAnnotation", Dataset: "d", Inputs: []string{p}}
			r, err := Run(context.Background(), s, o)
			var got []string
			for _, e := range r.Errors {
				got = append(got, fmt.Sprintf("%d:%s:%s", *e.Row, e.Key, e.Message))
			}
			if strings.Join(got, "|") != strings.Join(tc.errs, "|") || int64(len(tc.errs)) != r.Counts.Errors {
				t.Fatalf("strict errors (%d)\n got %q\nwant %q", r.Counts.Errors, got, tc.errs)
			}
			if len(tc.errs) > 0 {
				if !errors.Is(err, ccc.ErrInvalidData) || r.Committed {
					t.Fatalf("want rejection: %v", err)
				}
				if e := r.Errors[0]; e.Line != *e.Row+2 || e.ID != "" {
					t.Fatalf("error entry %+v", e)
				}
				if strings.HasPrefix(tc.errs[0], "3:") && r.Errors[0].Field != "(id, source)" {
					t.Fatalf("field %q", r.Errors[0].Field)
				}
				o.Lenient = true
				if r, err = Run(context.Background(), s, o); err != nil {
					t.Fatal(err)
				}
				if r.Counts.Warnings != int64(len(tc.errs)) || !strings.HasSuffix(r.Warnings[0].Message, "; row dropped") {
					t.Fatalf("lenient warnings %d %+v", r.Counts.Warnings, r.Warnings)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if r.Counts.Instances != tc.keep || r.Counts.Total != tc.keep {
				t.Fatalf("counts %+v, want %d rows", r.Counts, tc.keep)
			}
			// the stored table is valid, unique key included
			validateStored(t, s, "d", "CellTypeAnnotation", tc.keep)
		})
	}
}

const keySchema = `id: https://example.org/k
name: k
prefixes: {linkml: https://w3id.org/linkml/}
default_range: string
imports: [linkml:types]
classes:
  Label:
    attributes:
      lab: {required: true}
      serial: {range: integer}
      note: {}
    unique_keys:
      lab_serial:
        unique_key_slots: [lab, serial]
        consider_nulls_inequal: true
  Tag:
    attributes:
      lab: {required: true}
      serial: {range: integer}
      note: {}
    unique_keys:
      lab_serial:
        unique_key_slots: [lab, serial]
  Plain:
    attributes:
      lab: {}
      note: {}
`

// TestUniqueKeyNullsAgreeWithValidator: the loader and package linkml's
// Stream find the same duplicate rows, with nulls equal (LinkML's default)
// and with consider_nulls_inequal; upsert replaces by the same key.
func TestUniqueKeyNullsAgreeWithValidator(t *testing.T) {
	sch, err := linkml.LoadBytes("k.yaml", []byte(keySchema), linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "labels.csv")
	os.WriteFile(p, []byte("lab,serial,note\nA,1,a\nA,1,b\nA,,c\nA,,d\nB,2,e\nB,,f\nA,2,g\n"), 0o644)
	for _, tc := range []struct {
		class string
		dups  string
	}{
		{"Label", "1"}, // (A, null) never repeats with consider_nulls_inequal
		{"Tag", "1 3"}, // (A, null) twice is a duplicate
	} {
		t.Run(tc.class, func(t *testing.T) {
			s := newStore(t)
			r, _ := Run(context.Background(), s, Options{Class: tc.class, Dataset: "d", Inputs: []string{p}, Schema: sch})
			var ours []string
			for _, e := range r.Errors {
				ours = append(ours, fmt.Sprint(*e.Row))
			}
			v, err := sch.NewValidator(tc.class, linkml.ValidateOptions{CheckUnique: true})
			if err != nil {
				t.Fatal(err)
			}
			st := v.NewStream()
			var vs []linkml.Violation
			f, _ := os.Open(p)
			defer f.Close()
			v.DecodeDelimited(f, ',', func(row int, rec map[string]any) error {
				vs = st.AddAt(rec, "rows", row, vs)
				return nil
			})
			var theirs []string
			for _, vi := range vs {
				if vi.Rule == linkml.RuleUniqueKey {
					theirs = append(theirs, fmt.Sprint(vi.Record))
				}
			}
			sort.Strings(ours)
			if strings.Join(ours, " ") != tc.dups || strings.Join(theirs, " ") != tc.dups {
				t.Fatalf("duplicate rows: ingest %v, linkml %v, want %s", ours, theirs, tc.dups)
			}
		})
	}

	// upsert by (lab, serial): with nulls equal, (A, null) replaces (A, null)
	s := newStore(t)
	a := filepath.Join(dir, "a.csv")
	os.WriteFile(a, []byte("lab,serial,note\nA,1,old\nA,,old\nB,,old\n"), 0o644)
	b := filepath.Join(dir, "b.csv")
	os.WriteFile(b, []byte("lab,serial,note\nA,,new\nA,1,new\nC,,new\n"), 0o644)
	for _, tc := range []struct {
		class                    string
		updated, inserted, total int64
		new                      int64
	}{
		{"Tag", 2, 1, 4, 3},
		{"Label", 1, 2, 5, 3},
	} {
		ds := strings.ToLower(tc.class)
		if _, err := Run(context.Background(), s, Options{Class: tc.class, Dataset: ds, Inputs: []string{a}, Schema: sch}); err != nil {
			t.Fatal(err)
		}
		_, err := Run(context.Background(), s, Options{Class: tc.class, Dataset: ds, Inputs: []string{b}, Schema: sch, Mode: ModeAppend})
		if !errors.Is(err, ccc.ErrConflict) || !strings.Contains(err.Error(), "unique key lab_serial (lab, serial) values") {
			t.Fatalf("%s append: %v", tc.class, err)
		}
		r, err := Run(context.Background(), s, Options{Class: tc.class, Dataset: ds, Inputs: []string{b}, Schema: sch, Mode: ModeUpsert})
		if err != nil || r.Counts.Updated != tc.updated || r.Counts.Inserted != tc.inserted || r.Counts.Total != tc.total {
			t.Fatalf("%s upsert: %v %+v", tc.class, err, r.Counts)
		}
		if n := queryInt(t, s, fmt.Sprintf("SELECT count(*) FROM %s WHERE note = 'new'", tc.class)); n != tc.new {
			t.Fatalf("%s: %d new rows", tc.class, n)
		}
	}
	if _, err := Run(context.Background(), s, Options{Class: "Plain", Dataset: "p", Inputs: []string{a}, Schema: sch, Mode: ModeUpsert}); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("upsert without a key: %v", err)
	}
}

// TestDupCountSorted: the sorted count (the duplicate pass when the
// grouped one exceeds the memory limit) equals the grouped count: ids
// repeated twice and three times, NULL ids not counted, unique ids not;
// a two-column key whose NULL field equals another NULL (as GROUP BY has
// it), and whose rows with a missing required field take no part.
func TestDupCountSorted(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id := []string{`"id"`}
	for _, tc := range []struct {
		values, cols string
		keys         []string
		missing      string
		want         int64
	}{
		{"(5), (3), (5), (NULL), (NULL), (9), (3), (3), (1)", `"id"`, id, `"id" IS NULL`, 3},
		{"(1), (2), (3)", `"id"`, id, `"id" IS NULL`, 0},
		{"(NULL)", `"id"`, id, `"id" IS NULL`, 0},
		{"(7), (7), (7), (7)", `"id"`, id, `"id" IS NULL`, 3},
		{"(1, NULL), (2, 'a'), (1, NULL), (1, 'b'), (2, 'a'), (2, 'a'), (NULL, 'a'), (NULL, 'a')", `"n", "s"`, []string{`"n"`, `"s"`}, `"n" IS NULL`, 3},
	} {
		if _, err := db.Exec("CREATE OR REPLACE TABLE v AS SELECT * FROM (VALUES " + tc.values + ") t(" + tc.cols + ")"); err != nil {
			t.Fatal(err)
		}
		var groups, grouped, sorted int64
		if err := db.QueryRow(dupCountSQL("v", tc.keys, tc.missing)).Scan(&groups, &grouped); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(dupCountSortedSQL("v", tc.keys, tc.missing)).Scan(&sorted); err != nil {
			t.Fatal(err)
		}
		if grouped != tc.want || sorted != tc.want {
			t.Errorf("%s: grouped %d, sorted %d, want %d", tc.values, grouped, sorted, tc.want)
		}
	}
}
