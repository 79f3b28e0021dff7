package linkml

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

const colSchema = `id: https://example.org/c
name: c
prefixes: {linkml: https://w3id.org/linkml/}
default_range: string
imports: [linkml:types]
enums:
  Status:
    permissible_values: {proofread: , draft: }
classes:
  Point:
    attributes:
      x: {range: float, required: true}
      y: {range: float}
  Cell:
    attributes:
      id: {identifier: true, range: integer}
      name: {required: true, pattern: "^[a-z]+$"}
      volume: {range: float, minimum_value: 0}
      layer: {range: integer, minimum_value: 1, maximum_value: 6}
      status: {range: Status}
      partners: {range: Cell, multivalued: true}
      counts: {range: integer, multivalued: true}
      soma: {range: Point}
      seen: {range: date}
`

// bitmap builds an Arrow validity bitmap from a list of valid flags.
func bitmap(valid ...bool) []byte {
	b := make([]byte, (len(valid)+7)/8)
	for i, v := range valid {
		if v {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return b
}

func summarize(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%d %s %s", v.Record, v.Path, v.Rule))
	}
	sort.Strings(out)
	return out
}

func TestValidateColumns(t *testing.T) {
	s, err := LoadBytes("c.yaml", []byte(colSchema), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator("Cell", ValidateOptions{CheckUnique: true, CheckRefs: true, KnownIDs: map[string]map[string]struct{}{"Cell": {"100": {}}}})
	if err != nil {
		t.Fatal(err)
	}
	names := "abcXd"
	batch := &Batch{Rows: 4, Columns: []Column{
		{Name: "id", Int64: []int64{1, 2, 2, 4}},
		{Name: "name", Offsets: []int32{0, 1, 2, 4, 5}, Data: []byte(names), Valid: bitmap(true, true, true, false)},
		{Name: "volume", Float64: []float64{1, -1, 0, 2}},
		{Name: "layer", Int64: []int64{1, 7, 0, 3}, Valid: bitmap(true, true, false, true)},
		{Name: "status", String: []string{"draft", "", "final", "proofread"}, Valid: bitmap(true, false, true, true)},
		{Name: "partners", Int64: []int64{2, 100, 99, 1}, ListOffsets: []int32{0, 2, 3, 3, 4}},
		{Name: "counts", Int64: []int64{5, 6}, ListOffsets: []int32{0, 1, 2, 2, 2}},
		{Name: "soma_x", Float64: []float64{1, 0, 0, 0}, Valid: bitmap(true, false, false, true)},
		{Name: "soma.y", Float64: []float64{1, 2, 0, 0}, Valid: bitmap(true, true, false, false)},
		{Name: "seen", String: []string{"2024-01-31", "2024-02-30", "", ""}, Valid: bitmap(true, true, false, false)},
		{Name: "extra", Int64: []int64{0, 0, 0, 0}},
	}}
	cs := v.NewColumnStream()
	out, err := cs.Validate(batch, nil)
	if err != nil {
		t.Fatal(err)
	}
	out = cs.Finish(out)
	got := strings.Join(summarize(out), "\n")
	want := strings.Join([]string{
		"-1 extra unknown_slot",
		"1 rows[1].layer maximum_value",
		"1 rows[1].partners[0] reference",
		"1 rows[1].seen type",
		"1 rows[1].soma.x required",
		"1 rows[1].volume minimum_value",
		"2 rows[2].id identifier_unique",
		"2 rows[2].name pattern",
		"2 rows[2].status enum",
		"3 rows[3].name required",
	}, "\n")
	if got != want {
		t.Errorf("violations:\n%s\nwant:\n%s", got, want)
	}
	if cs.Rows() != 4 {
		t.Errorf("rows = %d", cs.Rows())
	}
	// a second batch continues the record numbering and the id set
	out, err = cs.Validate(&Batch{Rows: 1, Columns: []Column{{Name: "id", Int64: []int64{4}}, {Name: "name", String: []string{"e"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := summarize(out); len(got) != 1 || got[0] != "4 rows[4].id identifier_unique" {
		t.Errorf("second batch: %v", got)
	}
}

func TestValidateColumnsErrors(t *testing.T) {
	s, err := LoadBytes("c.yaml", []byte(colSchema), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.NewValidator("Cell", ValidateOptions{})
	tests := []struct {
		name string
		b    *Batch
		want string
	}{
		{"string for integer", &Batch{Rows: 1, Columns: []Column{{Name: "id", String: []string{"1"}}}}, "column is string but slot id has range integer"},
		{"list for scalar", &Batch{Rows: 1, Columns: []Column{{Name: "layer", Int64: []int64{1}, ListOffsets: []int32{0, 1}}}}, "single-valued"},
		{"scalar for list", &Batch{Rows: 1, Columns: []Column{{Name: "counts", Int64: []int64{1}}}}, "multivalued"},
		{"short column", &Batch{Rows: 3, Columns: []Column{{Name: "id", Int64: []int64{1}}}}, "1 values for 3 rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.NewColumnStream().Validate(tc.b, nil)
			if err == nil || !errors.Is(err, ccc.ErrInvalidData) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// a missing required column is one violation for the batch
	out, err := v.NewColumnStream().Validate(&Batch{Rows: 2, Columns: []Column{{Name: "id", Int64: []int64{1, 2}}}}, nil)
	if err != nil || len(out) != 1 || out[0].Rule != RuleRequired || out[0].Path != "name" || out[0].Record != -1 {
		t.Errorf("missing column: %v %v", out, err)
	}
}

// TestColumnsAgreeWithRecords validates the same rows as records and as
// columns and expects the same verdict per row.
func TestColumnsAgreeWithRecords(t *testing.T) {
	v := flatValidator(t, ValidateOptions{CheckUnique: true, CheckRefs: true})
	b := flatBatch(50)
	b.Columns[2].String[3] = "bad acronym"
	b.Columns[3].String[7] = "XYZ"
	b.Columns[4].String[9] = "Rat Atlas"
	b.Columns[6].Int64[11] = 21
	b.Columns[0].Int64[13] = 1
	b.Columns[7].Int64[17] = 999
	cs := v.NewColumnStream()
	cols, err := cs.Validate(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	cols = cs.Finish(cols)
	st := v.NewStream()
	var recs []Violation
	for i := 0; i < b.Rows; i++ {
		r := flatRecord(i)
		r["acronym"] = b.Columns[2].String[i]
		r["color_hex_triplet"] = b.Columns[3].String[i]
		r["term_set_name"] = b.Columns[4].String[i]
		r["depth"] = b.Columns[6].Int64[i]
		r["id"] = b.Columns[0].Int64[i]
		r["parent_identifier"] = b.Columns[7].Int64[i]
		recs = st.Add(r, recs)
	}
	recs = st.Finish(recs)
	a, c := summarize(cols), summarize(recs)
	if strings.Join(a, "\n") != strings.Join(c, "\n") || len(a) != 8 {
		t.Errorf("columns:\n%s\nrecords:\n%s", strings.Join(a, "\n"), strings.Join(c, "\n"))
	}
}

// TestColumnStreamUniqueKeys: unique_keys hold across the batches of a
// columnar stream with the record path's semantics (a null cell or an
// absent column equals another missing value unless the key considers nulls
// inequal).
func TestColumnStreamUniqueKeys(t *testing.T) {
	const sch = `id: https://example.org/u
name: u
prefixes: {linkml: https://w3id.org/linkml/}
default_range: string
imports: [linkml:types]
classes:
  Label:
    attributes:
      nucleus: {range: integer}
      source: {}
      tag: {}
    unique_keys:
      per_source:
        unique_key_slots: [nucleus, source]
      per_tag:
        unique_key_slots: [nucleus, tag]
        consider_nulls_inequal: true
`
	s, err := LoadBytes("u.yaml", []byte(sch), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.NewValidator("Label", ValidateOptions{CheckUnique: true, Root: "rows"})
	if err != nil {
		t.Fatal(err)
	}
	// rows 0-3 in the first batch, 4-6 in the second; source of row 2 and
	// of row 5 is null; tag of rows 4-6 has no column at all
	b1 := &Batch{Rows: 4, Columns: []Column{
		{Name: "nucleus", Int64: []int64{1, 1, 2, 3}},
		{Name: "source", String: []string{"manual", "automated", "", "manual"}, Valid: []byte{0b1011}},
		{Name: "tag", String: []string{"x", "x", "y", "z"}},
	}}
	b2 := &Batch{Rows: 3, Columns: []Column{
		{Name: "nucleus", Int64: []int64{1, 2, 3}},
		{Name: "source", Offsets: []int32{0, 6, 6, 15}, Data: []byte("manualautomated"), Valid: []byte{0b101}},
	}}
	cs := v.NewColumnStream()
	out, err := cs.Validate(b1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, err = cs.Validate(b2, out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range out {
		got = append(got, fmt.Sprintf("%d %s %s %v", o.Record, o.Path, o.Rule, o.Value))
	}
	want := []string{
		"1 rows[1] unique_key 1, x", // per_tag: nucleus 1 tagged x twice
		"4 rows[4] unique_key 1, manual",
		"5 rows[5] unique_key 2, null", // null source equals null source
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// the record path agrees row by row
	st := v.NewStream()
	var recs []Violation
	for _, r := range []map[string]any{
		{"nucleus": int64(1), "source": "manual", "tag": "x"}, {"nucleus": int64(1), "source": "automated", "tag": "x"},
		{"nucleus": int64(2), "tag": "y"}, {"nucleus": int64(3), "source": "manual", "tag": "z"},
		{"nucleus": int64(1), "source": "manual"}, {"nucleus": int64(2)}, {"nucleus": int64(3), "source": "automated"},
	} {
		recs = st.Add(r, recs)
	}
	var gotRecs []string
	for _, o := range st.Finish(recs) {
		gotRecs = append(gotRecs, fmt.Sprintf("%d %s %s %v", o.Record, o.Path, o.Rule, o.Value))
	}
	if strings.Join(gotRecs, "\n") != strings.Join(want, "\n") {
		t.Errorf("records path\n%s\nwant\n%s", strings.Join(gotRecs, "\n"), strings.Join(want, "\n"))
	}
}
