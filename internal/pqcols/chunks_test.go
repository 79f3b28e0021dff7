package pqcols

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// pagesFile writes 100,000 rows of two int64 columns, uncompressed, in
// pages of at most 256 KiB, one of them dictionary-encoded.
func pagesFile(t testing.TB) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.PrimitiveTypes.Int64}}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	for i := range 100000 {
		bld.Field(0).(*array.Int64Builder).Append(int64(i) * 7919)
		bld.Field(1).(*array.Int64Builder).Append(int64(i % 5))
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Uncompressed), parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("b", true), parquet.WithDataPageSize(256<<10))
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(array.NewTableFromRecords(sc, []arrow.RecordBatch{rec}), &buf, 1<<20, props, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func checkPages(b []byte, budget int64) error {
	rd, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return CheckPages(bytes.NewReader(b), int64(len(b)), rd, nil, budget)
}

// i32Field finds field id's varint in the compact-protocol header at off
// (fields 1-3 are I32s written first, in order): its start and length.
func i32Field(t *testing.T, b []byte, off int64, id int) (int, int) {
	t.Helper()
	p := int(off)
	for f := 1; ; f++ {
		if b[p]&0x0f != 5 {
			t.Fatalf("header byte %x at %d: not an i32 field", b[p], p)
		}
		p++
		n := 1
		for b[p+n-1]&0x80 != 0 {
			n++
		}
		if f == id {
			return p, n
		}
		p += n
	}
}

// setVarint overwrites the n-byte varint at p with v (zigzag), padded to
// n bytes with continuation bytes (a reader takes them as the same value).
func setVarint(b []byte, p, n int, v int32) {
	z := uint32(v<<1) ^ uint32(v>>31)
	for i := range n {
		c := byte(z & 0x7f)
		z >>= 7
		if i < n-1 {
			c |= 0x80
		}
		b[p+i] = c
	}
}

// TestCheckPages: a good file passes, and needs what its largest pages
// declare; a page declaring a negative size, one running past its chunk,
// a header cut short and pages declaring more memory than the budget are
// refused with the row group, column and page offset, before arrow-go
// allocates what the header claims.
func TestCheckPages(t *testing.T) {
	good := pagesFile(t)
	if err := checkPages(good, 1<<20); err != nil {
		t.Fatalf("a good file within 1 MiB: %v", err)
	}
	rd, err := file.NewParquetReader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	cc, _ := rd.MetaData().RowGroup(0).ColumnChunk(0)
	need, err := chunkPages(bytes.NewReader(good), cc)
	if err != nil || need < 2*200<<10 || need > 2*300<<10 { // a page of ~256 KiB, compressed and not
		t.Errorf("column a needs %d bytes (%v), want about 512 KiB", need, err)
	}
	if err := checkPages(good, need); err == nil || !strings.Contains(err.Error(), "more than the limit") || strings.Contains(err.Error(), "byte -1") {
		t.Errorf("a budget below both columns' need: %v", err)
	}
	off := cc.DataPageOffset()
	for _, tc := range []struct {
		name   string
		damage func(b []byte)
		want   string
	}{
		{"negative uncompressed", func(b []byte) { p, n := i32Field(t, b, off, 2); setVarint(b, p, n, -5) }, "negative page size"},
		{"past the chunk", func(b []byte) {
			p, n := i32Field(t, b, off, 3)
			setVarint(b, p, n, int32(1<<(7*n-1)-1))
		}, "runs past its column chunk"},
		{"large uncompressed", func(b []byte) {
			p, n := i32Field(t, b, off, 2)
			setVarint(b, p, n, int32(min(1<<(7*n-1)-1, 1<<31-1)))
		}, "more than the limit"},
		{"header cut", func(b []byte) { b[off] = 0x1c }, "damaged page header"}, // a struct field where an i32 was
	} {
		b := bytes.Clone(good)
		tc.damage(b)
		err := checkPages(b, 1<<20)
		var pe *PageError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &pe) || pe.Column != 0 {
			t.Errorf("%s: %v, want %q in column 0", tc.name, err, tc.want)
		}
	}
}

// TestCheckPagesFile: the file on disk, read through an *os.File, for
// one column.
func TestCheckPagesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.parquet")
	os.WriteFile(path, pagesFile(t), 0o644)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	rd, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPages(f, st.Size(), rd, []int{1}, 0); err != nil {
		t.Fatal(err)
	}
}

// FuzzCheckPages: any damage to a file's bytes is an error or a pass,
// never a panic or a read outside the file.
func FuzzCheckPages(f *testing.F) {
	good := pagesFile(f)
	f.Add(good[:4096], 0, byte(0))
	f.Add(good[len(good)-4096:], 100, byte(0xff))
	f.Fuzz(func(t *testing.T, patch []byte, at int, x byte) {
		b := bytes.Clone(good)
		if at < 0 {
			at = -at
		}
		at %= len(b)
		copy(b[at:], patch)
		b[at] ^= x
		rd, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		_ = CheckPages(bytes.NewReader(b), int64(len(b)), rd, nil, 1<<20)
	})
}
