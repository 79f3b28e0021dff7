package linkml

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestBatchFromArrow(t *testing.T) {
	s, err := LoadBytes("c.yaml", []byte(colSchema), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.NewValidator("Cell", ValidateOptions{CheckUnique: true})
	mem := memory.NewGoAllocator()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "status", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "counts", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "seen", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(mem, sc)
	defer bld.Release()
	bld.Field(0).(*array.Int32Builder).AppendValues([]int32{1, 2, 2}, nil)
	bld.Field(1).(*array.StringBuilder).AppendValues([]string{"a", "", "C"}, []bool{true, false, true})
	bld.Field(2).(*array.StringBuilder).AppendValues([]string{"draft", "x", ""}, []bool{true, true, false})
	lb := bld.Field(3).(*array.ListBuilder)
	vb := lb.ValueBuilder().(*array.Int64Builder)
	lb.Append(true)
	vb.AppendValues([]int64{1, 2}, nil)
	lb.Append(true)
	lb.Append(true)
	vb.Append(3)
	bld.Field(4).(*array.Date32Builder).AppendValues([]arrow.Date32{19000, 0, 0}, []bool{true, false, false})
	rec := bld.NewRecordBatch()
	defer rec.Release()
	b, err := BatchFromArrow(rec)
	if err != nil {
		t.Fatal(err)
	}
	if b.Columns[4].String[0] != "2022-01-08" {
		t.Errorf("date32 -> %q", b.Columns[4].String[0])
	}
	cs := v.NewColumnStream()
	out, err := cs.Validate(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := summarize(out)
	want := []string{"1 rows[1].name required", "1 rows[1].status enum", "2 rows[2].id identifier_unique", "2 rows[2].name pattern"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
}
