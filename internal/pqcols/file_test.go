package pqcols

import (
	"errors"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// TestFile: integer (INT64 and INT32) and string columns, with NULLs,
// dictionary-encoded or plain, over several row groups and pages, read
// whole with their NULLs where they were; a missing column is ErrMissing,
// a string read as integers (and back) ErrType.
func TestFile(t *testing.T) {
	const n = 1000
	sc := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "b", Type: arrow.PrimitiveTypes.Int32},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "d", Type: arrow.BinaryTypes.String}}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	for i := range n {
		if i%7 == 3 {
			bld.Field(0).AppendNull()
			bld.Field(2).AppendNull()
		} else {
			bld.Field(0).(*array.Int64Builder).Append(int64(i) << 40)
			bld.Field(2).(*array.StringBuilder).Append("v" + strconv.Itoa(i))
		}
		bld.Field(1).(*array.Int32Builder).Append(int32(-i))
		bld.Field(3).(*array.StringBuilder).Append("sess" + strconv.Itoa(i/300))
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryFor("d", true), parquet.WithDictionaryFor("s", false), parquet.WithDataPageSize(512))
	path := writeFile(t, sc, rec, props)
	if c, _ := compress.GetCodec(compress.Codecs.Snappy); c != (s2Snappy{}) {
		t.Fatalf("Snappy codec %T, want s2Snappy", c)
	}
	pf, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if pf.NumRows() != n || pf.UncompressedSize("s") <= 0 {
		t.Fatalf("%d rows, %d bytes of s", pf.NumRows(), pf.UncompressedSize("s"))
	}
	a, aOK, err := pf.Int64s("a")
	if err != nil {
		t.Fatal(err)
	}
	b, bOK, err := pf.Int64s("b")
	if err != nil || bOK != nil {
		t.Fatalf("b: %v, validity %v", err, bOK != nil)
	}
	var s, d []string
	var sOK []bool
	if err := pf.Bytes("s", func(row int, v []byte, ok bool) error {
		if row != len(s) {
			t.Fatalf("row %d after %d", row, len(s))
		}
		s, sOK = append(s, string(v)), append(sOK, ok)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := pf.Bytes("d", func(_ int, v []byte, _ bool) error { d = append(d, string(v)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(a) != n || len(aOK) != n || len(b) != n || len(s) != n || len(d) != n {
		t.Fatalf("lengths %d %d %d %d %d", len(a), len(aOK), len(b), len(s), len(d))
	}
	for i := range n {
		null := i%7 == 3
		wantA, wantS := int64(i)<<40, "v"+strconv.Itoa(i)
		if null {
			wantA, wantS = 0, ""
		}
		if aOK[i] == null || a[i] != wantA || sOK[i] == null || s[i] != wantS || b[i] != int64(-i) || d[i] != "sess"+strconv.Itoa(i/300) {
			t.Fatalf("row %d: a=%d/%v s=%q/%v b=%d d=%q", i, a[i], aOK[i], s[i], sOK[i], b[i], d[i])
		}
	}
	if _, _, err := pf.Int64s("zz"); !errors.Is(err, ErrMissing) {
		t.Errorf("missing: %v", err)
	}
	if _, _, err := pf.Int64s("s"); !errors.Is(err, ErrType) {
		t.Errorf("string as integers: %v", err)
	}
	if err := pf.Bytes("a", func(int, []byte, bool) error { return nil }); !errors.Is(err, ErrType) {
		t.Errorf("integers as strings: %v", err)
	}
}
