package atlas

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The converters below write the CCF 2017 ontology in every accepted
// format the way the publishers do; each must load to the same hierarchy.

func hexToRGB(h string) []int {
	v, _ := strconv.ParseUint(h, 16, 32)
	return []int{int(v >> 16), int(v >> 8 & 255), int(v & 255)}
}

// Allen API structure_graph: {"success": true, "msg": [root]} with nested children.
func writeStructureGraph(t *testing.T, o *Ontology, path string) {
	var node func(id int64) map[string]any
	node = func(id int64) map[string]any {
		r, _ := o.ByID(id)
		n := map[string]any{"id": r.ID, "acronym": r.Acronym, "name": r.Name, "color_hex_triplet": r.Color,
			"graph_order": r.Order, "st_level": nil, "ontology_id": 1, "hemisphere_id": 3, "graph_id": 1}
		if r.ParentID != 0 {
			n["parent_structure_id"] = r.ParentID
		} else {
			n["parent_structure_id"] = nil
		}
		ch := []any{}
		for _, c := range o.Children(id) {
			ch = append(ch, node(c))
		}
		n["children"] = ch
		return n
	}
	doc := map[string]any{"success": true, "id": 0, "start_row": 0, "num_rows": 1, "total_rows": 1, "msg": []any{node(o.Root().ID)}}
	writeJSON(t, path, doc)
}

// structure_graph without parent ids: the nesting alone gives the tree.
func writeStructureGraphNoParents(t *testing.T, o *Ontology, path string) {
	var node func(id int64) map[string]any
	node = func(id int64) map[string]any {
		r, _ := o.ByID(id)
		ch := []any{}
		for _, c := range o.Children(id) {
			ch = append(ch, node(c))
		}
		return map[string]any{"id": r.ID, "acronym": r.Acronym, "name": r.Name, "color_hex_triplet": r.Color, "children": ch}
	}
	writeJSON(t, path, map[string]any{"msg": []any{node(o.Root().ID)}})
}

// AllenSDK / brainglobe structures.json: a flat list with
// structure_id_path as a list and rgb_triplet.
func writeBrainglobe(t *testing.T, o *Ontology, path string) {
	var list []any
	for _, r := range o.Regions() {
		list = append(list, map[string]any{"acronym": r.Acronym, "id": r.ID, "name": r.Name,
			"structure_id_path": o.Ancestors(r.ID), "rgb_triplet": hexToRGB(r.Color)})
	}
	writeJSON(t, path, list)
}

// Terminology table: identifier and parent_identifier as CURIEs,
// annotation_value, term_set_name.
func terminologyRows(o *Ontology) [][]string {
	rows := [][]string{{"identifier", "name", "acronym", "color_hex_triplet", "term_set_name", "annotation_value", "parent_identifier", "term_order"}}
	for _, r := range o.Regions() {
		par := ""
		if r.ParentID != 0 {
			par = fmt.Sprintf("MBA:%d", r.ParentID)
		}
		rows = append(rows, []string{fmt.Sprintf("MBA:%d", r.ID), r.Name, r.Acronym, "#" + strings.ToLower(r.Color),
			"Allen adult mouse brain parcellation", strconv.FormatInt(r.AnnotationValue, 10), par, strconv.Itoa(r.Order)})
	}
	return rows
}

func writeDelimited(t *testing.T, rows [][]string, path string, comma rune) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Comma = comma
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func writeParquet(t *testing.T, csvPath, path string) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT identifier, name, acronym, color_hex_triplet, term_set_name,
		CAST(annotation_value AS BIGINT) AS annotation_value, parent_identifier
		FROM read_csv('%s', header=true, all_varchar=true)) TO '%s' (FORMAT parquet)`, csvPath, path)
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// brainglobe-style Parquet with list columns.
func writeParquetLists(t *testing.T, jsonPath, path string) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_json('%s')) TO '%s' (FORMAT parquet)`, jsonPath, path)
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hierarchy is everything that must agree between formats.
type hierarchyRow struct {
	Acronym, Name, Color string
	Parent, Label        int64
	Depth                int
	Children             []int64
	Descendants          int
}

func hierarchy(o *Ontology) map[int64]hierarchyRow {
	out := map[int64]hierarchyRow{}
	for _, r := range o.Regions() {
		out[r.ID] = hierarchyRow{r.Acronym, r.Name, r.Color, r.ParentID, r.AnnotationValue, r.Depth, o.Children(r.ID), o.DescendantCount(r.ID)}
	}
	return out
}

func TestFormatsGiveIdenticalHierarchies(t *testing.T) {
	ref := loadCCF(t)
	want := hierarchy(ref)
	dir := t.TempDir()
	rows := terminologyRows(ref)
	p := func(n string) string { return filepath.Join(dir, n) }
	writeStructureGraph(t, ref, p("structure_graph.json"))
	writeStructureGraphNoParents(t, ref, p("nested_only"))
	writeBrainglobe(t, ref, p("structures.json"))
	writeDelimited(t, rows, p("terminology.csv"), ',')
	writeDelimited(t, rows, p("terminology.tsv"), '\t')
	writeParquet(t, p("terminology.csv"), p("terminology.parquet"))
	writeParquetLists(t, p("structures.json"), p("structures.parquet"))
	for _, name := range []string{"structure_graph.json", "nested_only", "structures.json", "terminology.csv",
		"terminology.tsv", "terminology.parquet", "structures.parquet"} {
		t.Run(name, func(t *testing.T) {
			o, err := LoadOntology(p(name), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := hierarchy(o)
			if len(got) != len(want) {
				t.Fatalf("%d regions, want %d", len(got), len(want))
			}
			n := 0
			for id, w := range want {
				if g := got[id]; !reflect.DeepEqual(g, w) {
					if n++; n < 5 {
						t.Errorf("region %d: got %+v, want %+v", id, g, w)
					}
				}
			}
			if !reflect.DeepEqual(o.DepthHistogram(), ref.DepthHistogram()) {
				t.Errorf("depth histogram %v", o.DepthHistogram())
			}
			if got := o.PathString(593, " > "); got != "root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1" {
				t.Errorf("VISp1 path %q", got)
			}
		})
	}
}
