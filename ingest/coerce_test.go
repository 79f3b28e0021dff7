package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/textinput"
	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/store"
)

const testSchema = `
id: https://example.org/test
name: test
default_prefix: t
default_range: string
prefixes:
  t: https://example.org/test/
  linkml: https://w3id.org/linkml/
imports:
  - linkml:types
types:
  Color:
    typeof: string
    pattern: "^#?[0-9A-Fa-f]{6}$"
enums:
  Kind:
    permissible_values:
      pyramidal: {}
      basket: {}
classes:
  Region:
    attributes:
      id:
        identifier: true
      parent:
        range: Region
        aliases: [parent_structure_id]
      color:
        range: Color
      depth:
        range: integer
        minimum_value: 0
  Point:
    attributes:
      x: {range: float}
      y: {range: float}
      z: {range: float}
  Cell:
    attributes:
      id:
        identifier: true
        range: integer
        aliases: [cell_id]
      region:
        range: Region
      tags:
        range: string
        multivalued: true
      scores:
        range: float
        multivalued: true
      kind:
        range: Kind
      soma_location:
        range: Point
        inlined: true
      seen:
        range: datetime
      ok:
        range: boolean
`

func testSchemaT(t *testing.T) *linkml.Schema {
	t.Helper()
	s, err := linkml.LoadBytes("test.yaml", []byte(testSchema), linkml.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, path, content string) string {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestModelFlattensInlinedObjects(t *testing.T) {
	m, err := NewModel(testSchemaT(t), "Cell")
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, f := range m.Fields {
		cols = append(cols, f.Column+":"+f.Type())
	}
	want := "id:BIGINT region:VARCHAR tags:VARCHAR[] scores:DOUBLE[] kind:VARCHAR soma_location_x:DOUBLE soma_location_y:DOUBLE soma_location_z:DOUBLE seen:TIMESTAMP ok:BOOLEAN"
	if got := strings.Join(cols, " "); got != want {
		t.Fatalf("columns\n got %s\nwant %s", got, want)
	}
	if m.ID == nil || m.ID.Column != "id" {
		t.Fatal("identifier")
	}
	if _, err := NewModel(testSchemaT(t), "Nope"); !errors.Is(err, ccc.ErrUsage) {
		t.Fatalf("unknown class: %v", err)
	}
}

func TestCoercionMappingAndReferences(t *testing.T) {
	sch := testSchemaT(t)
	s := newStore(t)
	ctx := context.Background()
	dir := t.TempDir()

	regions := write(t, filepath.Join(dir, "regions.tsv"), "ID\tparent_structure_id\tcolor\tdepth\n997\t\tFFFFFF\t0\n8\t997\t#bfdae3\t1\n385\t8\t08858C\t2\n")
	r, err := Run(ctx, s, Options{Class: "Region", Dataset: "atlas", Inputs: []string{regions}, Schema: sch})
	if err != nil {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if r.Mapping["id"] != "ID" || r.How["id"] != "case" || r.Mapping["parent"] != "parent_structure_id" || r.How["parent"] != "alias" || r.Unresolved["parent"] != 0 {
		t.Fatalf("region mapping %v %v %v", r.Mapping, r.How, r.Unresolved)
	}

	// CSV: lists from delimited text and JSON arrays, enums in any case,
	// prefixed columns for the nested object, booleans, datetimes.
	cells := write(t, filepath.Join(dir, "in", "a.csv"), `cell_id,region,tags,scores,kind,Soma_Location_X,soma_location_y,soma_location_z,seen,ok,extra
1,385,"a;b|c","[1, 2.5]",Pyramidal,1.5,2,3,2024-01-02T03:04:05Z,yes,x
2,999,,[],BASKET,,,,2024-01-02,0,y
`)
	cells2 := write(t, filepath.Join(dir, "in", "b.csv"), "cell_id,region,kind,ok\n3,8,basket,false\n")
	// references resolve against the dataset named with RefDatasets
	r, err = Run(ctx, s, Options{Class: "Cell", Dataset: "lab", Inputs: []string{filepath.Join(dir, "in")}, Schema: sch, RefDatasets: []string{"atlas"}})
	if err != nil {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if r.ResolvedBy["region"]["dataset atlas"] != 2 {
		t.Fatalf("resolved by %v", r.ResolvedBy)
	}
	if r.Counts.Rows != 3 || r.Unresolved["region"] != 1 || r.Mapping["soma_location_x"] != "Soma_Location_X" || strings.Join(r.Unmapped, ",") != "extra" {
		t.Fatalf("cells: %+v unresolved %v mapping %v unmapped %v", r.Counts, r.Unresolved, r.Mapping, r.Unmapped)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Value != "999" {
		t.Fatalf("unresolved warning: %+v", r.Warnings)
	}
	db, _ := s.DB(ctx, store.Ref{})
	defer db.Close()
	var tags, scores, kind, seen string
	var ok bool
	var x float64
	err = db.QueryRow(`SELECT tags::VARCHAR, scores::VARCHAR, kind, soma_location_x, strftime(seen, '%Y-%m-%d %H:%M:%S'), ok FROM Cell WHERE id = 1`).Scan(&tags, &scores, &kind, &x, &seen, &ok)
	if err != nil || tags != "[a, b, c]" || scores != "[1.0, 2.5]" || kind != "pyramidal" || x != 1.5 || seen != "2024-01-02 03:04:05" || !ok {
		t.Fatalf("row 1: %v %s %s %s %v %s %v", err, tags, scores, kind, x, seen, ok)
	}
	var n int64
	db.QueryRow(`SELECT count(*) FROM Cell WHERE id = 2 AND len(scores) = 0 AND tags IS NULL AND soma_location_x IS NULL AND NOT ok AND kind = 'basket'`).Scan(&n)
	if n != 1 {
		t.Fatal("row 2 coercion")
	}
	_ = cells
	_ = cells2

	// YAML container with nested objects and lists.
	y := write(t, filepath.Join(dir, "cells.yaml"), `cells:
  - id: 10
    region: "385"
    tags: [x, y]
    soma_location: {x: 1.0, y: 2.0, z: 3.5}
    kind: basket
  - id: 11
    soma_location:
      x: 4
`)
	r, err = Run(ctx, s, Options{Class: "Cell", Dataset: "yaml", Inputs: []string{y}, Schema: sch, RefDatasets: []string{"atlas"}})
	if err != nil {
		t.Fatalf("%v %+v", err, r.Errors)
	}
	if r.Mapping["soma_location_z"] != "soma_location.z" || r.Unresolved["region"] != 0 {
		t.Fatalf("yaml mapping %v", r.Mapping)
	}
	db2, _ := s.DB(ctx, store.Ref{})
	defer db2.Close()
	var z float64
	db2.QueryRow(`SELECT soma_location_z FROM Cell WHERE dataset = 'yaml' AND id = 10`).Scan(&z)
	if z != 3.5 {
		t.Fatalf("nested z %v", z)
	}

	// Bad values of every kind are rejected with row, field and value.
	bad := write(t, filepath.Join(dir, "bad.csv"), "id,parent,color,depth\n1,,12345G,0\n2,1,FFFFFF,-3\n3,1,000000,x\n")
	r, err = Run(ctx, s, Options{Class: "Region", Dataset: "bad", Inputs: []string{bad}, Schema: sch})
	if !errors.Is(err, ccc.ErrInvalidData) {
		t.Fatalf("bad: %v", err)
	}
	var got []string
	for _, e := range r.Errors {
		got = append(got, e.String())
	}
	sort.Strings(got)
	want := []string{
		`row 0 (line 2) id 1: field color: does not match pattern ^#?[0-9A-Fa-f]{6}$ (value "12345G")`,
		`row 1 (line 3) id 2: field depth: below the minimum 0 (value "-3")`,
		`row 2 (line 4) id 3: field depth: cannot convert to integer (value "x")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s", strings.Join(got, "\n"))
	}
	// Enum violation.
	badEnum := write(t, filepath.Join(dir, "enum.csv"), "id,kind\n1,chandelier\n")
	r, _ = Run(ctx, s, Options{Class: "Cell", Dataset: "bad", Inputs: []string{badEnum}, Schema: sch})
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "not a permissible value of Kind (pyramidal, basket)") {
		t.Fatalf("enum: %+v", r.Errors)
	}
	// Missing identifier column.
	noID := write(t, filepath.Join(dir, "noid.csv"), "kind\nbasket\n")
	r, err = Run(ctx, s, Options{Class: "Cell", Dataset: "bad", Inputs: []string{noID}, Schema: sch, Lenient: true})
	if !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(r.Errors[0].Message, "required slot id has no column") {
		t.Fatalf("no id: %v %+v", err, r.Errors)
	}
	// Dry run validates without committing.
	before, _ := s.Latest()
	r, err = Run(ctx, s, Options{Class: "Region", Dataset: "atlas2", Inputs: []string{regions}, Schema: sch, DryRun: true})
	if after, _ := s.Latest(); err != nil || r.Committed || after != before || r.Counts.Instances != 3 {
		t.Fatalf("dry run: %v committed=%v versions %d->%d", err, r.Committed, before, after)
	}
}

func TestStructFields(t *testing.T) {
	f, ok := structFields(`STRUCT(x DOUBLE, "a b" VARCHAR, inner STRUCT(p BIGINT, q VARCHAR[]), z DECIMAL(10,2))`)
	if !ok || f["x"] != "DOUBLE" || f["a b"] != "VARCHAR" || f["inner"] != "STRUCT(p BIGINT, q VARCHAR[])" || f["z"] != "DECIMAL(10,2)" {
		t.Fatalf("%v", f)
	}
	if typ, ok := structField(`STRUCT(inner STRUCT(p BIGINT))`, []string{"inner", "p"}); !ok || typ != "BIGINT" {
		t.Fatal(typ)
	}
	if _, ok := structFields("BIGINT"); ok {
		t.Fatal("not a struct")
	}
}

func FuzzStructFields(f *testing.F) {
	for _, s := range []string{`STRUCT(x DOUBLE)`, `STRUCT("a,b" VARCHAR, c STRUCT(d INT))`, `STRUCT(`, `STRUCT())`, `STRUCT(" x)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields, ok := structFields(s)
		if ok && fields == nil {
			t.Fatal("ok with nil map")
		}
	})
}

func FuzzRecords(f *testing.F) {
	f.Add(`[{"a": 1}]`)
	f.Add(`{"cells": [{"id": 1}], "meta": {"x": 1}}`)
	f.Add(`{"a": [], "b": [{"x": 1}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "x.json")
		os.WriteFile(p, []byte(s), 0o644)
		in := &inputFile{Path: p, Format: FormatJSON}
		_ = in.prepare(dir, 0, "Cell", textinput.Limits{}) // must not panic
	})
}
