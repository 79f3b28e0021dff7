package linkml_test

import (
	"fmt"
	"os"

	"github.com/ccc-connectivity/ccc/linkml"
)

const exampleSchema = `id: https://example.org/regions
name: regions
prefixes:
  linkml: https://w3id.org/linkml/
default_range: string
imports:
  - linkml:types
classes:
  Named:
    abstract: true
    attributes:
      id: {identifier: true, range: integer}
      name: {required: true}
  Region:
    is_a: Named
    attributes:
      acronym: {pattern: "^[A-Za-z0-9-]+$"}
      depth: {range: integer, minimum_value: 0}
      parent: {range: Region}
    slot_usage:
      name: {description: full region name}
`

func ExampleLoadBytes() {
	s, err := linkml.LoadBytes("regions.yaml", []byte(exampleSchema), linkml.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Classes())
	fmt.Println(s.Ancestors("Region"))
	// Output:
	// [Named Region]
	// [Region Named]
}

func ExampleLoad() {
	// the built-in connectivity schema: Load("", ...) or LoadBuiltin
	s, err := linkml.Load("", linkml.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	id := s.IdentifierSlot("BrainRegion", false)
	fmt.Println(s.Class("BrainRegion") != nil, id.Name)
	// Output: true id
}

func ExampleSchema_InducedSlots() {
	s, _ := linkml.LoadBytes("regions.yaml", []byte(exampleSchema), linkml.LoadOptions{})
	for _, sl := range s.InducedSlots("Region") {
		fmt.Printf("%s range=%s required=%v reference=%v\n", sl.Name, sl.Range, sl.IsRequired(),
			s.SlotRangeKind(sl) == linkml.RangeClass && !s.IsInlined(sl))
	}
	// Output:
	// acronym range=string required=false reference=false
	// depth range=integer required=false reference=false
	// parent range=Region required=false reference=true
	// id range=integer required=true reference=false
	// name range=string required=true reference=false
}

func ExampleValidator_Validate() {
	s, _ := linkml.LoadBytes("regions.yaml", []byte(exampleSchema), linkml.LoadOptions{})
	v, _ := s.NewValidator("Region", linkml.ValidateOptions{})
	rec := map[string]any{"id": int64(385), "acronym": "VIS p", "depth": int64(-1), "colour": "red"}
	for _, e := range v.Validate(rec) {
		fmt.Printf("%s [%s]\n", e, e.Rule)
	}
	// Output:
	// acronym: "VIS p" does not match pattern ^[A-Za-z0-9-]+$ [pattern]
	// depth: -1 is less than the minimum 0 [minimum_value]
	// name: required slot name is missing [required]
	// colour: class Region has no slot colour [unknown_slot]
}

func ExampleStream() {
	s, _ := linkml.LoadBytes("regions.yaml", []byte(exampleSchema), linkml.LoadOptions{})
	v, _ := s.NewValidator("Region", linkml.ValidateOptions{CheckUnique: true, CheckRefs: true})
	st := v.NewStream()
	var errs []linkml.Violation
	for _, rec := range []map[string]any{
		{"id": int64(8), "name": "Basic cell groups"},
		{"id": int64(567), "name": "Cerebrum", "parent": int64(8)},
		{"id": int64(567), "name": "Cerebral cortex", "parent": int64(9)},
	} {
		errs = st.Add(rec, errs)
	}
	errs = st.Finish(errs) // resolves references
	for _, e := range errs {
		fmt.Printf("record %d: %s [%s]\n", e.Record, e, e.Rule)
	}
	// Output:
	// record 2: rows[2].id: identifier 567 of Region is not unique (used by an earlier record) [identifier_unique]
	// record 2: rows[2].parent: reference 9 to Region not found (no Region with this identifier in the input or known ids) [reference]
}

func ExampleColumnStream_Validate() {
	s, _ := linkml.LoadBytes("regions.yaml", []byte(exampleSchema), linkml.LoadOptions{})
	v, _ := s.NewValidator("Region", linkml.ValidateOptions{CheckUnique: true})
	batch := &linkml.Batch{Rows: 3, Columns: []linkml.Column{
		{Name: "id", Int64: []int64{1, 2, 3}},
		{Name: "name", String: []string{"root", "grey", ""}, Valid: []byte{0b011}}, // row 2 is null
		{Name: "depth", Int64: []int64{0, 1, -2}},
	}}
	cs := v.NewColumnStream()
	errs, err := cs.Validate(batch, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range cs.Finish(errs) {
		fmt.Println(e)
	}
	fmt.Fprintln(os.Stdout, cs.Rows(), "rows")
	// Output:
	// rows[2].name: required slot name is null
	// rows[2].depth: -2 is less than the minimum 0
	// 3 rows
}
