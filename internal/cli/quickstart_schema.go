package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ccc-connectivity/ccc/linkml"
)

func init() { registerQuickstartStep(5, "schema", quickstartSchema) }

// quickstartSchemaCSV is a slice of the Allen CCF structure graph with one
// planted error (a colour that is not six hex digits), used when the real
// file is absent.
const quickstartSchemaCSV = `id,name,acronym,color_hex_triplet,parent_structure_id,depth,structure_id_path
997,root,root,FFFFFF,,0,/997/
8,Basic cell groups and regions,grey,BFDAE3,997,1,/997/8/
567,Cerebrum,CH,B0F0FF,8,2,/997/8/567/
688,Cerebral cortex,CTX,B0FFB8,567,3,/997/8/567/688/
315,Isocortex,Isocortex,70FF71,695,5,/997/8/567/688/695/315/
669,Visual areas,VIS,08858C,315,6,/997/8/567/688/695/315/669/
385,Primary visual area,VISp,08858G,669,7,/997/8/567/688/695/315/669/385/
`

// quickstartSchema shows the LinkML engine: the built-in schema's classes,
// generated artifacts (ER diagram, JSON Schema, SQL, docs), validation of
// the Allen ontology as BrainRegion records, and columnar validation speed.
func quickstartSchema(q *quickstartEnv) error {
	w := q.IO.Out
	s, err := linkml.LoadBuiltin(linkml.LoadOptions{Strict: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc schema classes\n     %d classes in %d modules (%s ...)\n", len(s.Classes()), len(s.Modules), s.Classes()[0])
	dir := filepath.Join(q.OutDir, "schema")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, gen func(f *os.File) error) (string, error) {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return "", err
		}
		if err := gen(f); err != nil {
			f.Close()
			return "", err
		}
		return p, f.Close()
	}
	er, err := write("connectivity_erdiagram.mmd", func(f *os.File) error { return s.ERDiagram(f, nil) })
	if err != nil {
		return err
	}
	js, err := write("BrainRegion.schema.json", func(f *os.File) error { return s.JSONSchema(f, "BrainRegion") })
	if err != nil {
		return err
	}
	ddl, err := write("connectivity_duckdb.sql", func(f *os.File) error { return s.SQL(f, linkml.DuckDB) })
	if err != nil {
		return err
	}
	docs, err := s.Docs(filepath.Join(dir, "docs"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc schema erdiagram | jsonschema | sql | docs\n     Mermaid ER diagram, JSON Schema, DuckDB DDL, %d Markdown pages\n", len(docs))
	q.Output("schema ER diagram (Mermaid)", er)
	q.Output("BrainRegion JSON Schema", js)
	q.Output("schema SQL DDL (DuckDB)", ddl)
	q.Output("schema docs (Markdown)", filepath.Join(dir, "docs", "index.md"))

	src := q.DataFile("allen-ccf/structure_tree_safe_2017.csv")
	if src == "" {
		src = filepath.Join(dir, "synthetic_ccf_ontology.csv")
		if err := os.WriteFile(src, []byte(quickstartSchemaCSV), 0o644); err != nil {
			return err
		}
	}
	v, err := s.NewValidator("BrainRegion", linkml.ValidateOptions{CheckUnique: true, Open: true})
	if err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	st := v.NewStream()
	var errs []linkml.Violation
	n := 0
	err = v.DecodeDelimited(f, ',', func(row int, rec map[string]any) error {
		errs = st.AddAt(rec, "rows", row, errs)
		n++
		return nil
	})
	f.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc validate --open --class BrainRegion %s\n     %d records, %d errors\n", filepath.Base(src), n, len(errs))
	for i, e := range errs {
		if i == 3 {
			fmt.Fprintf(w, "     ...\n")
			break
		}
		fmt.Fprintf(w, "     %s [%s]\n", e, e.Rule)
	}

	// the columnar path the store's loaders use
	const rows = 500_000
	acr, ids := make([]string, rows), make([]string, rows)
	nums, depth := make([]int64, rows), make([]int64, rows)
	for i := range acr {
		acr[i] = "R" + strconv.Itoa(i)
		ids[i] = "MBA:" + strconv.Itoa(i+1)
		nums[i] = int64(i + 1)
		depth[i] = int64(i % 12)
	}
	cv, err := s.NewValidator("BrainRegion", linkml.ValidateOptions{CheckUnique: true, Open: true})
	if err != nil {
		return err
	}
	cs := cv.NewColumnStream()
	start := time.Now()
	out, err := cs.Validate(&linkml.Batch{Rows: rows, Columns: []linkml.Column{
		{Name: "id", String: ids}, {Name: "structure_id", Int64: nums}, {Name: "acronym", String: acr}, {Name: "name", String: acr}, {Name: "depth", Int64: depth},
	}}, nil)
	if err != nil {
		return err
	}
	out = cs.Finish(out)
	el := time.Since(start)
	fmt.Fprintf(w, "   columnar validation (the store loaders' path): %d rows in %.0f ms (%.1fM rows/s), %d errors\n",
		rows, el.Seconds()*1000, float64(rows)/el.Seconds()/1e6, len(out))
	return nil
}
