package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// writeCells writes a CellTypeAnnotation CSV with nucleus ids [from, to),
// source "Automated" for ids divisible by 3 and "manual" for the others;
// bad maps a row index to a replacement pt_root_id text.
func writeCells(t *testing.T, path string, from, to int, cellType string, bad map[int]string) {
	t.Helper()
	writeCellsFrom(t, path, from, to, cellType, "", bad)
}

// writeCellsFrom is writeCells with every row's source set to source
// (unless "").
func writeCellsFrom(t *testing.T, path string, from, to int, cellType, source string, bad map[int]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,pt_root_id,cell_type,source,pt_position_x,pt_position_y,pt_position_z,valid,created\n")
	for i := from; i < to; i++ {
		root := fmt.Sprint(864691135000000000 + i)
		if v, ok := bad[i-from]; ok {
			root = v
		}
		src := "manual"
		if i%3 == 0 {
			src = "Automated"
		}
		if source != "" {
			src = source
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s,%d.5,%d,%d,t,2023-0%d-1%d 12:00:00\n", i, root, cellType, src, i, 2*i, 3*i, 1+i%9, i%10)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func versions(t *testing.T, s *store.Store) int {
	t.Helper()
	vs, err := s.Versions("")
	if err != nil {
		t.Fatal(err)
	}
	return len(vs)
}

func TestOneBadRowStrictAndLenient(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	writeCells(t, good, 0, 10, "23P", nil)
	if _, err := Run(context.Background(), s, Options{Class: "CellTypeAnnotation", Dataset: "d", Inputs: []string{good}}); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "cells.csv")
	writeCells(t, csv, 0, 5000, "BC", map[int]string{3141: "86469113x"})

	r, err := Run(context.Background(), s, Options{Class: "CellTypeAnnotation", Dataset: "d", Inputs: []string{csv}})
	if !errors.Is(err, ccc.ErrInvalidData) || !errors.Is(err, ErrRejected) {
		t.Fatalf("strict: want rejection, got %v", err)
	}
	if r.Committed || r.Counts.Rows != 5000 || r.Counts.Errors != 1 || len(r.Errors) != 1 {
		t.Fatalf("strict report: %+v %+v", r.Counts, r.Errors)
	}
	e := r.Errors[0]
	if *e.Row != 3141 || e.Line != 3143 || e.ID != "" || e.Key != "(3141, automated)" || e.Field != "pt_root_id" || e.Value != "86469113x" || !strings.Contains(e.Message, "cannot convert to integer") {
		t.Fatalf("error entry: %+v", e)
	}
	if n := versions(t, s); n != 1 {
		t.Fatalf("strict rejection created a version: %d", n)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation"); n != 10 {
		t.Fatalf("store changed: %d rows", n)
	}

	r, err = Run(context.Background(), s, Options{Class: "CellTypeAnnotation", Dataset: "d", Inputs: []string{csv}, Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Committed || r.Counts.Instances != 5000 || r.Counts.Warnings != 1 || r.Counts.Errors != 0 || r.Provenance.Version != 2 {
		t.Fatalf("lenient: %+v", r.Counts)
	}
	if w := r.Warnings[0]; *w.Row != 3141 || w.Field != "pt_root_id" || !strings.Contains(w.Message, "value dropped") {
		t.Fatalf("warning: %+v", w)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation WHERE pt_root_id IS NULL"); n != 1 {
		t.Fatalf("null root ids: %d", n)
	}
	// Enums match case-insensitively and are stored canonically.
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation WHERE source = 'automated'"); n != 1667 {
		t.Fatalf("automated: %d", n)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation WHERE valid AND created = TIMESTAMP '2023-04-13 12:00:00'"); n == 0 {
		t.Fatal("booleans/timestamps not coerced")
	}
}

func TestRequiredMissingAndDuplicates(t *testing.T) {
	s := newStore(t)
	csv := filepath.Join(t.TempDir(), "syn.csv")
	os.WriteFile(csv, []byte("id,pre_pt_root_id,post_pt_root_id,size\n1,10,20,5\n2,,21,6\n2,11,22,7\n3,12,23,-1\n"), 0o644)
	r, err := Run(context.Background(), s, Options{Class: "Synapse", Dataset: "d", Inputs: []string{csv}})
	if !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("want rejection: %v", err)
	}
	var msgs []string
	for _, e := range r.Errors {
		msgs = append(msgs, fmt.Sprintf("%d:%s:%s", *e.Row, e.Field, e.Message))
	}
	got := strings.Join(msgs, "|")
	if !strings.Contains(got, "1:pre_pt_root_id:required value missing") || !strings.Contains(got, "2:id:duplicate identifier (first at row 1)") {
		t.Fatalf("errors: %s", got)
	}
	r, err = Run(context.Background(), s, Options{Class: "Synapse", Dataset: "d", Inputs: []string{csv}, Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts.Rows != 4 || r.Counts.Instances != 3 || r.Counts.Total != 3 {
		t.Fatalf("lenient counts: %+v", r.Counts)
	}
}

// TestAppendUpsertReplace: CellTypeAnnotation records are keyed by the
// unique key (id, source): the same nucleus labelled by both sources is two
// records, the same (id, source) again is the same record.
func TestAppendUpsertReplace(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	ctx := context.Background()
	in := func(name string, from, to int, ct, src string) string {
		p := filepath.Join(dir, name)
		writeCellsFrom(t, p, from, to, ct, src, nil)
		return p
	}
	opts := func(mode Mode, p string) Options {
		return Options{Class: "CellTypeAnnotation", Dataset: "cells", Inputs: []string{p}, Mode: mode}
	}
	r, err := Run(ctx, s, opts(ModeReplace, in("a.csv", 0, 100, "23P", "automated")))
	if err != nil || r.Counts.Total != 100 {
		t.Fatalf("v1: %v %+v", err, r.Counts)
	}
	// nuclei 50-99 get a manual label besides their automated one: new records
	r, err = Run(ctx, s, opts(ModeAppend, in("b.csv", 50, 150, "23P", "manual")))
	if err != nil || r.Counts.Total != 200 || r.Counts.Inserted != 100 || r.Counts.Existing != 100 || r.Counts.Updated != 0 {
		t.Fatalf("append: %v %+v", err, r.Counts)
	}
	_, err = Run(ctx, s, opts(ModeAppend, in("c.csv", 140, 160, "23P", "manual")))
	if !errors.Is(err, ccc.ErrConflict) || !strings.Contains(err.Error(), "10 record(s) with unique key one_label_per_source (id, source) values") ||
		!strings.Contains(err.Error(), "(e.g. (140, manual), (141, manual), (142, manual)") {
		t.Fatalf("append clash: %v", err)
	}
	if n := versions(t, s); n != 2 {
		t.Fatalf("clash created a version: %d", n)
	}
	// upsert replaces (140..149, manual) and inserts (150..199, manual)
	r, err = Run(ctx, s, opts(ModeUpsert, in("d.csv", 140, 200, "X", "manual")))
	if err != nil || r.Counts.Total != 250 || r.Counts.Updated != 10 || r.Counts.Inserted != 50 || r.Counts.Existing != 200 {
		t.Fatalf("upsert: %v %+v", err, r.Counts)
	}
	for q, want := range map[string]int64{
		"SELECT count(*) FROM CellTypeAnnotation WHERE cell_type = 'X'":                                     60,
		"SELECT count(*) FROM CellTypeAnnotation WHERE source = 'manual'":                                   150,
		"SELECT count(*) FROM CellTypeAnnotation WHERE source = 'automated'":                                100,
		"SELECT count(DISTINCT id) FROM CellTypeAnnotation":                                                 200,
		"SELECT count(*) FROM CellTypeAnnotation WHERE id BETWEEN 50 AND 99":                                100, // both sources
		"SELECT count(*) FROM (SELECT id, source FROM CellTypeAnnotation GROUP BY ALL HAVING count(*) > 1)": 0,
	} {
		if n := queryInt(t, s, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	// upserting automated labels of nuclei 90..109 touches no manual row
	r, err = Run(ctx, s, opts(ModeUpsert, in("f.csv", 90, 110, "Y", "automated")))
	if err != nil || r.Counts.Total != 260 || r.Counts.Updated != 10 || r.Counts.Inserted != 10 {
		t.Fatalf("upsert automated: %v %+v", err, r.Counts)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation WHERE cell_type = 'Y' AND source = 'automated'"); n != 20 {
		t.Fatalf("upserted automated rows: %d", n)
	}
	validateStored(t, s, "cells", "CellTypeAnnotation", 260)
	r, err = Run(ctx, s, opts(ModeReplace, in("e.csv", 0, 10, "MC", "")))
	if err != nil || r.Counts.Total != 10 || r.Provenance.Version != 5 {
		t.Fatalf("replace: %v %+v", err, r.Counts)
	}
	for v, want := range map[int]int64{1: 100, 2: 200, 3: 250, 4: 260, 5: 10} {
		sn, _ := s.Snapshot(store.Ref{Version: v})
		tb, err := sn.Table("cells", "CellTypeAnnotation")
		if err != nil || tb.Rows != want {
			t.Fatalf("version %d: %d rows (%v), want %d", v, tb.Rows, err, want)
		}
	}
}

func TestConcurrentWriters(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	ctx := context.Background()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	writeCells(t, a, 0, 300, "23P", nil)
	writeCells(t, b, 0, 200, "BC", nil)

	// A writer holds the lock: an ingest without --wait fails naming it.
	tx, err := s.Begin(ctx, store.TxOptions{Dataset: "other"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(ctx, s, Options{Class: "CellTypeAnnotation", Dataset: "a", Inputs: []string{a}})
	if !errors.Is(err, ccc.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("want ErrLocked naming the holder, got %v", err)
	}
	tx.Rollback()

	// Two ingests at once with --wait: both commit, nothing lost.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []string{a, b} {
		wg.Add(1)
		go func(i int, p string) {
			defer wg.Done()
			_, errs[i] = Run(ctx, s, Options{Class: "CellTypeAnnotation", Dataset: fmt.Sprint("ds", i), Inputs: []string{p}, Wait: time.Minute})
		}(i, p)
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("concurrent: %v / %v", errs[0], errs[1])
	}
	if n := versions(t, s); n != 2 {
		t.Fatalf("versions %d", n)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation"); n != 500 {
		t.Fatalf("rows %d", n)
	}
	if n := queryInt(t, s, "SELECT count(*) FROM CellTypeAnnotation WHERE dataset = 'ds1'"); n != 200 {
		t.Fatalf("ds1 rows %d", n)
	}
}

func TestRoundTripParquetNested(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	ctx := context.Background()
	src := filepath.Join(dir, "syn.parquet")
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	_, err := db.Exec(`COPY (SELECT range AS id, 864691135000000000 + range % 97 AS pre_pt_root_id, 864691135100000000 + range % 89 AS post_pt_root_id,
		(range * 7) % 1000 AS size,
		(range * 4.0 + 0.25)::DOUBLE AS pre_pt_position_x, (range * 4.0 + 1.5)::DOUBLE AS pre_pt_position_y, CASE WHEN range % 10 = 0 THEN NULL ELSE range * 40.0 END::DOUBLE AS pre_pt_position_z,
		(range * 1.0)::DOUBLE AS ctr_pt_position_x, (range * 2.0)::DOUBLE AS ctr_pt_position_y, (range * 3.0)::DOUBLE AS ctr_pt_position_z,
		range % 5 <> 0 AS valid, TIMESTAMP '2021-01-01 00:00:00' + INTERVAL (range) SECOND AS created
		FROM range(1000)) TO '` + src + `' (FORMAT parquet)`)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(ctx, s, Options{Class: "Synapse", Dataset: "syn", Inputs: []string{src}})
	if err != nil {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if len(r.Unmapped) != 0 {
		t.Fatalf("unmapped %v", r.Unmapped)
	}
	out := filepath.Join(dir, "out.parquet")
	n, err := Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn", Format: "parquet"}, out, nil)
	if err != nil || n != 1000 {
		t.Fatalf("export: %d %v", n, err)
	}
	// Every input column comes back with the same values and types.
	var cols string
	db.QueryRow(`SELECT string_agg(name, ', ' ORDER BY name) FROM (DESCRIBE SELECT * FROM '` + src + `') d(name)`).Scan(&cols)
	var diff1, diff2 int64
	q := fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM '%[2]s' EXCEPT ALL SELECT %[1]s FROM '%[3]s')`, cols, src, out)
	if err := db.QueryRow(q).Scan(&diff1); err != nil {
		t.Fatal(err)
	}
	q = fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM '%[3]s' EXCEPT ALL SELECT %[1]s FROM '%[2]s')`, cols, src, out)
	db.QueryRow(q).Scan(&diff2)
	if diff1 != 0 || diff2 != 0 {
		t.Fatalf("round trip differs: %d / %d rows", diff1, diff2)
	}
	var types1, types2 string
	db.QueryRow(`SELECT string_agg(column_name || ' ' || column_type, ', ' ORDER BY column_name) FROM (DESCRIBE SELECT ` + cols + ` FROM '` + src + `')`).Scan(&types1)
	db.QueryRow(`SELECT string_agg(column_name || ' ' || column_type, ', ' ORDER BY column_name) FROM (DESCRIBE SELECT ` + cols + ` FROM '` + out + `')`).Scan(&types2)
	if types1 != types2 {
		t.Fatalf("types differ:\n%s\n%s", types1, types2)
	}

	// JSONL export nests the positions; ingesting it again gives the same table.
	jl := filepath.Join(dir, "out.jsonl")
	if _, err := Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn", Format: "jsonl"}, jl, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(jl)
	first := strings.SplitN(string(b), "\n", 2)[0]
	if !strings.Contains(first, `"pre_pt_position":{"x":0.25,"y":1.5,"z":null`) {
		t.Fatalf("jsonl first line: %s", first)
	}
	if _, err := Run(ctx, s, Options{Class: "Synapse", Dataset: "syn2", Inputs: []string{jl}}); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "out2.parquet")
	Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn2", Format: "parquet"}, out2, nil)
	q = fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM '%[2]s' EXCEPT ALL SELECT %[1]s FROM '%[3]s')`, cols, src, out2)
	db.QueryRow(q).Scan(&diff1)
	if diff1 != 0 {
		t.Fatalf("jsonl round trip differs in %d rows", diff1)
	}

	// A JSON array file round-trips too.
	js := filepath.Join(dir, "out.json")
	if _, err := Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn", Format: "json"}, js, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, s, Options{Class: "Synapse", Dataset: "syn4", Inputs: []string{js}}); err != nil {
		t.Fatal(err)
	}
	out4 := filepath.Join(dir, "out4.parquet")
	Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn4", Format: "parquet"}, out4, nil)
	q = fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM '%[2]s' EXCEPT ALL SELECT %[1]s FROM '%[3]s')`, cols, src, out4)
	db.QueryRow(q).Scan(&diff1)
	if diff1 != 0 {
		t.Fatalf("json round trip differs in %d rows", diff1)
	}

	// YAML: nested objects, absent values omitted, ids typed.
	y := filepath.Join(dir, "out.yaml")
	if _, err := Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn", Format: "yaml"}, y, nil); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(y)
	head := string(b[:300])
	if !strings.HasPrefix(head, "- id: 0\n  pre_pt_root_id: 864691135000000000\n") || !strings.Contains(head, "  pre_pt_position:\n    x: 0.25\n    y: 1.5\n  ctr_pt_position") {
		t.Fatalf("yaml head:\n%s", head)
	}
	if _, err := Run(ctx, s, Options{Class: "Synapse", Dataset: "syn3", Inputs: []string{y}}); err != nil {
		t.Fatal(err)
	}
	out3 := filepath.Join(dir, "out3.parquet")
	Export(ctx, s, ExportOptions{Class: "Synapse", Dataset: "syn3", Format: "parquet"}, out3, nil)
	q = fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM '%[2]s' EXCEPT ALL SELECT %[1]s FROM '%[3]s')`, cols, src, out3)
	db.QueryRow(q).Scan(&diff1)
	if diff1 != 0 {
		t.Fatalf("yaml round trip differs in %d rows", diff1)
	}
}

func TestDuplicateDetectionUnsorted(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name, ids string
		dups      int64
	}{
		{"sorted", "1 2 3 10 11", 0},
		{"unsorted unique", "5 3 9 1 7", 0},
		{"far apart", "5 3 9 1 5", 1},
		{"null between", "4 , 4", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("id,pre_pt_root_id,post_pt_root_id\n")
			for _, id := range strings.Split(tc.ids, " ") {
				fmt.Fprintf(&b, "%s,1,2\n", strings.TrimSuffix(id, ","))
			}
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			os.WriteFile(p, []byte(b.String()), 0o644)
			r, _ := Run(context.Background(), s, Options{Class: "Synapse", Dataset: "d", Inputs: []string{p}, DryRun: true, Lenient: true})
			var dups int64
			for _, w := range r.Warnings {
				if strings.Contains(w.Message, "duplicate identifier") {
					dups++
				}
			}
			if dups != tc.dups {
				t.Fatalf("duplicates %d, want %d (%+v)", dups, tc.dups, r.Warnings)
			}
		})
	}
}
