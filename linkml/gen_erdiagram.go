package linkml

import (
	"io"
	"sort"
	"strings"
)

// ERDiagram writes the schema as a Mermaid erDiagram in the notation of
// LinkML's gen-erdiagram (the pilot's diagram): one block per class, sorted
// by name, listing its non-class slots as "range name" lines (multivalued
// ranges get a "List" suffix: integerList), then one line per class-ranged
// slot, sorted:
//
//	A ||--|o B : "slot"   optional, single-valued
//	A ||--|| B : "slot"   required, single-valued
//	A ||--}o B : "slot"   optional, multivalued
//	A ||--}| B : "slot"   required, multivalued
//
// classes limits the diagram to those classes (nil: all).
func (s *Schema) ERDiagram(w io.Writer, classes []string) error {
	if classes == nil {
		classes = s.classOrder
	}
	names := append([]string(nil), classes...)
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("erDiagram\n")
	var rels []string
	for _, cn := range names {
		b.WriteString(cn)
		b.WriteString(" {\n")
		for _, sl := range s.induced[cn] {
			if s.classes[sl.Range] != nil {
				card := "|"
				if sl.IsMultivalued() {
					card = "}"
				}
				if sl.IsRequired() {
					card += "|"
				} else {
					card += "o"
				}
				rels = append(rels, cn+" ||--"+card+" "+sl.Range+" : \""+sl.Name+"\"")
				continue
			}
			dt := sl.Range
			if sl.IsMultivalued() {
				dt += "List"
			}
			b.WriteString(dt)
			b.WriteByte(' ')
			b.WriteString(sl.Name)
			b.WriteByte('\n')
		}
		b.WriteString("}\n")
	}
	sort.Strings(rels)
	for _, r := range rels {
		b.WriteString(r)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
