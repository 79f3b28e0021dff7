package server

import (
	"net/http"
	"strings"
	"sync"

	"github.com/ccc-connectivity/ccc/linkml"
	"github.com/ccc-connectivity/ccc/synapse"
)

var (
	schemaOnce sync.Once
	schemaVal  *linkml.Schema
	schemaErr  error
)

// builtinSchema loads the embedded connectivity schema once.
func builtinSchema() (*linkml.Schema, error) {
	schemaOnce.Do(func() { schemaVal, schemaErr = linkml.LoadBuiltin(linkml.LoadOptions{}) })
	return schemaVal, schemaErr
}

func handleSchemaClasses(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sch, err := builtinSchema()
	if err != nil {
		return err
	}
	cols := []synapse.Col{{Name: "class", Kind: synapse.KindString}, {Name: "module", Kind: synapse.KindString}, {Name: "is_a", Kind: synapse.KindString},
		{Name: "abstract", Kind: synapse.KindBool}, {Name: "slots", Kind: synapse.KindInt}, {Name: "description", Kind: synapse.KindString}}
	var rows [][]any
	for _, name := range sch.Classes() {
		c := sch.Class(name)
		rows = append(rows, []any{name, c.Module, c.IsA, c.Abstract, int64(len(sch.InducedSlots(name))), c.Description})
	}
	return writeTable(w, format, cols, rows)
}

func handleSchemaClass(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	sch, err := builtinSchema()
	if err != nil {
		return err
	}
	name := r.PathValue("class")
	if sch.Class(name) == nil {
		return notFoundf("no class %q in the schema (classes: %s)", name, strings.Join(sch.Classes(), ", "))
	}
	cols := []synapse.Col{{Name: "slot", Kind: synapse.KindString}, {Name: "range", Kind: synapse.KindString}, {Name: "required", Kind: synapse.KindBool},
		{Name: "multivalued", Kind: synapse.KindBool}, {Name: "identifier", Kind: synapse.KindBool}, {Name: "description", Kind: synapse.KindString}}
	var rows [][]any
	for _, sl := range sch.InducedSlots(name) {
		rows = append(rows, []any{sl.Name, sl.Range, sl.IsRequired(), sl.IsMultivalued(), sl.IsIdentifier(), sl.Description})
	}
	return writeTable(w, format, cols, rows)
}

func handleERDiagram(s *Server, w http.ResponseWriter, r *http.Request) error {
	sch, err := builtinSchema()
	if err != nil {
		return err
	}
	var classes []string
	if v := r.URL.Query().Get("classes"); v != "" {
		for _, c := range strings.Split(v, ",") {
			if sch.Class(c) == nil {
				return notFoundf("no class %q in the schema", c)
			}
			classes = append(classes, c)
		}
	}
	var b strings.Builder
	if err := sch.ERDiagram(&b, classes); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.Write([]byte(b.String()))
	return err
}
