package pqcols

import (
	"fmt"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// File is a Parquet file open for whole-column reads through arrow-go's
// low-level column readers: values are decoded straight into Go slices
// (integers) or handed over one row at a time (strings), without Arrow
// record batches and their builders. Columns may be read from several
// goroutines at once. Only flat (non-repeated) columns are read.
type File struct {
	rd   *file.Reader
	path string
}

// Open opens the Parquet file at path (whose bytes are known good: see the
// package doc).
func Open(path string) (*File, error) {
	rd, err := file.OpenParquetFile(path, true)
	if err != nil {
		return nil, fmt.Errorf("open Parquet %s: %w", path, err)
	}
	return &File{rd: rd, path: path}, nil
}

// Close closes the file.
func (f *File) Close() error { return f.rd.Close() }

// NumRows is the file's row count.
func (f *File) NumRows() int { return int(f.rd.NumRows()) }

// leaf is the index of column name (ErrMissing if absent).
func (f *File) leaf(name string) (int, error) {
	i := f.rd.MetaData().Schema.ColumnIndexByName(name)
	if i < 0 {
		return 0, fmt.Errorf("%w: %s", ErrMissing, name)
	}
	if d := f.rd.MetaData().Schema.Column(i); d.MaxRepetitionLevel() > 0 {
		return 0, fmt.Errorf("%w: %s: column %s is repeated (a list), not read here", ErrType, f.path, name)
	}
	return i, nil
}

// Int64s reads an INT64 or INT32 column of every row group: its values
// (0 where NULL) and valid (nil when no value is NULL).
func (f *File) Int64s(name string) ([]int64, []bool, error) {
	idx, err := f.leaf(name)
	if err != nil {
		return nil, nil, err
	}
	out := make([]int64, f.NumRows())
	var valid []bool
	at := 0
	for g := range f.rd.NumRowGroups() {
		rg := f.rd.RowGroup(g)
		n := int(rg.NumRows())
		cr, err := rg.Column(idx)
		if err != nil {
			return nil, nil, err
		}
		maxDef := cr.Descriptor().MaxDefinitionLevel()
		var defs []int16
		if maxDef > 0 {
			defs = make([]int16, n)
		}
		vals := out[at : at+n]
		lv, nv := 0, 0
		var i32 []int32
		for lv < n {
			var total int64
			var read int
			switch r := cr.(type) {
			case *file.Int64ColumnChunkReader:
				total, read, err = r.ReadBatch(int64(n-lv), vals[nv:], sub(defs, lv), nil)
			case *file.Int32ColumnChunkReader:
				if i32 == nil {
					i32 = make([]int32, n)
				}
				total, read, err = r.ReadBatch(int64(n-lv), i32[nv:], sub(defs, lv), nil)
				for k := nv; k < nv+read; k++ {
					vals[k] = int64(i32[k])
				}
			default:
				return nil, nil, fmt.Errorf("%w: %s: column %s is %s, not an integer", ErrType, f.path, name, cr.Type())
			}
			if err != nil {
				return nil, nil, err
			}
			if total == 0 {
				return nil, nil, fmt.Errorf("%s: column %s ends after %d of %d rows", f.path, name, lv, n)
			}
			lv, nv = lv+int(total), nv+read
		}
		if nv < n { // NULLs: spread the values over their rows, from the end
			if valid == nil {
				valid = make([]bool, len(out))
				for k := range at {
					valid[k] = true
				}
			}
			j := nv - 1
			for k := n - 1; k >= 0; k-- {
				if defs[k] == maxDef {
					vals[k], valid[at+k] = vals[j], true
					j--
				} else {
					vals[k] = 0
				}
			}
		} else if valid != nil {
			for k := range n {
				valid[at+k] = true
			}
		}
		at += n
	}
	return out, valid, nil
}

// Bytes reads a BYTE_ARRAY column of every row group, calling fn for each
// row in order with its value (valid only during the call; nil and
// valid=false for NULL).
func (f *File) Bytes(name string, fn func(row int, v []byte, valid bool) error) error {
	idx, err := f.leaf(name)
	if err != nil {
		return err
	}
	const batch = 4096
	vals := make([]parquet.ByteArray, batch)
	defs := make([]int16, batch)
	row := 0
	for g := range f.rd.NumRowGroups() {
		rg := f.rd.RowGroup(g)
		n := int(rg.NumRows())
		cr, err := rg.Column(idx)
		if err != nil {
			return err
		}
		r, ok := cr.(*file.ByteArrayColumnChunkReader)
		if !ok {
			return fmt.Errorf("%w: %s: column %s is %s, not a string", ErrType, f.path, name, cr.Type())
		}
		maxDef := cr.Descriptor().MaxDefinitionLevel()
		for done := 0; done < n; {
			// values of one page: shallow slices, valid until the next read
			total, _, err := r.ReadBatchInPage(int64(min(batch, n-done)), vals, defs, nil)
			if err != nil {
				return err
			}
			if total == 0 {
				return fmt.Errorf("%s: column %s ends after %d of %d rows", f.path, name, done, n)
			}
			j := 0
			for k := range int(total) {
				if maxDef > 0 && defs[k] != maxDef {
					err = fn(row, nil, false)
				} else {
					err = fn(row, vals[j], true)
					j++
				}
				if err != nil {
					return err
				}
				row++
			}
			done += int(total)
		}
	}
	return nil
}

func sub(d []int16, at int) []int16 {
	if d == nil {
		return nil
	}
	return d[at:]
}

// UncompressedSize is the uncompressed byte size of column name's pages
// (all row groups, headers included): a capacity hint for its values.
func (f *File) UncompressedSize(name string) int64 {
	idx, err := f.leaf(name)
	if err != nil {
		return 0
	}
	var n int64
	for g := range f.rd.NumRowGroups() {
		if cc, err := f.rd.MetaData().RowGroup(g).ColumnChunk(idx); err == nil {
			n += cc.TotalUncompressedSize()
		}
	}
	return n
}
