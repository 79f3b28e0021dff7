// Package pqflat writes a flat table of int32, int64, double and string
// columns as one Parquet file: one row group, one data page (v1) per
// column, PLAIN values or, for string columns given as a dictionary and
// indices, a PLAIN dictionary page and RLE_DICTIONARY indices; Snappy
// pages; no statistics. A column with a NULL is OPTIONAL (its definition
// levels bit-packed), one without is REQUIRED. The columns are encoded and
// compressed in parallel, straight from Go slices: it is the answer writer
// of hot paths (ccc ask site-projections), where arrow-go's general writer
// costs more CPU than computing the answer.
//
// The file layout is the Apache Parquet format's (parquet-format
// 2.x, thrift compact protocol footer); DuckDB, pyarrow and arrow-go read
// it (tests).
package pqflat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/s2"
)

// Type is a column's value type.
type Type int

// The supported column types.
const (
	Int32 Type = iota
	Int64
	Double
	String
)

// Column is one column of rows values. Exactly the field of its Type is
// set (Bytes and Offsets for String, or Dict and Index for a dictionary
// string column).
type Column struct {
	Name  string
	Type  Type
	Valid []bool // nil: no NULL (ignored for a dictionary column: Index -1 is NULL)

	Int32   []int32
	Int64   []int64
	Double  []float64
	Bytes   []byte  // String: value i is Bytes[Offsets[i]:Offsets[i+1]]
	Offsets []int32 // rows+1 offsets

	Dict  []string // dictionary string column: its distinct values
	Index []int32  // per row: index into Dict, -1 NULL
}

// ErrColumn is returned (wrapped, naming the column) for a column whose
// slices do not match its type and the row count.
var ErrColumn = errors.New("pqflat: malformed column")

// parquet-format enum values
const (
	ptInt32, ptInt64, ptDouble, ptByteArray = 1, 2, 5, 6
	encPlain, encRLE, encRLEDict            = 0, 3, 8
	pageData, pageDict                      = 0, 2
	codecSnappy                             = 1
	repRequired, repOptional                = 0, 1
	convertedUTF8                           = 0
)

// Write writes the columns (rows values each) as a Parquet file to w.
func Write(w io.Writer, rows int, cols []Column) error {
	chunks := make([]chunk, len(cols))
	errs := make([]error, len(cols))
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(len(cols), runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(cols); i = int(next.Add(1) - 1) {
				chunks[i], errs[i] = encodeColumn(&cols[i], rows)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	off := int64(4)
	if _, err := io.WriteString(w, "PAR1"); err != nil {
		return err
	}
	var total int64
	for i := range chunks {
		c := &chunks[i]
		c.start = off
		if c.dict != nil {
			c.dictOff = off
			off += int64(len(c.dict))
		}
		c.dataOff = off
		off += int64(len(c.data))
		total += c.uncompressed
		for _, b := range [][]byte{c.dict, c.data} {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
	}
	meta := footer(rows, cols, chunks, total)
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:], uint32(len(meta)))
	copy(tail[4:], "PAR1")
	if _, err := w.Write(meta); err != nil {
		return err
	}
	_, err := w.Write(tail[:])
	return err
}

// chunk is one encoded column chunk: its pages with their headers.
type chunk struct {
	optional                bool
	ptype                   int
	dict, data              []byte // dictionary page (nil: none), data page
	uncompressed            int64  // both pages, headers included, before compression
	start, dictOff, dataOff int64
}

func encodeColumn(c *Column, rows int) (chunk, error) {
	bad := func(what string) (chunk, error) {
		return chunk{}, fmt.Errorf("%w %s: %s", ErrColumn, c.Name, what)
	}
	if c.Valid != nil && len(c.Valid) != rows {
		return bad("validity length")
	}
	var ch chunk
	valid := c.Valid
	isDict := c.Dict != nil || c.Index != nil
	if isDict {
		if c.Type != String || len(c.Index) != rows {
			return bad("dictionary column needs String and one index per row")
		}
		valid = nil
		for i, k := range c.Index {
			if k < -1 || int(k) >= len(c.Dict) {
				return bad(fmt.Sprintf("row %d: index %d outside the dictionary of %d", i, k, len(c.Dict)))
			}
			if k < 0 && valid == nil {
				valid = make([]bool, rows)
				for j := range i {
					valid[j] = true
				}
			}
			if valid != nil {
				valid[i] = k >= 0
			}
		}
	}
	nonNull := rows
	if valid != nil {
		nonNull = 0
		for _, v := range valid {
			if v {
				nonNull++
			}
		}
		if nonNull == rows {
			valid = nil
		}
	}
	ch.optional = valid != nil
	var body []byte
	if valid != nil { // definition levels: bit width 1, bit-packed runs
		lv := bitPacked(nil, rows, 1, func(i int) uint32 {
			if valid[i] {
				return 1
			}
			return 0
		})
		body = binary.LittleEndian.AppendUint32(body, uint32(len(lv)))
		body = append(body, lv...)
	}
	keep := func(i int) bool { return valid == nil || valid[i] }
	encoding := encPlain
	switch {
	case isDict:
		ch.ptype, encoding = ptByteArray, encRLEDict
		var d []byte
		for _, s := range c.Dict {
			d = binary.LittleEndian.AppendUint32(d, uint32(len(s)))
			d = append(d, s...)
		}
		ch.dict = page(&ch, pageDict, len(c.Dict), encPlain, d)
		width := max(1, bits.Len(uint(max(len(c.Dict)-1, 0))))
		idx := make([]uint32, 0, nonNull)
		for _, k := range c.Index {
			if k >= 0 {
				idx = append(idx, uint32(k))
			}
		}
		body = append(body, byte(width))
		body = bitPacked(body, len(idx), width, func(i int) uint32 { return idx[i] })
	case c.Type == Int32 && len(c.Int32) == rows:
		ch.ptype = ptInt32
		for i, v := range c.Int32 {
			if keep(i) {
				body = binary.LittleEndian.AppendUint32(body, uint32(v))
			}
		}
	case c.Type == Int64 && len(c.Int64) == rows:
		ch.ptype = ptInt64
		body = appendFixed(body, rows, nonNull, 8, keep, func(b []byte, i int) { binary.LittleEndian.PutUint64(b, uint64(c.Int64[i])) })
	case c.Type == Double && len(c.Double) == rows:
		ch.ptype = ptDouble
		body = appendFixed(body, rows, nonNull, 8, keep, func(b []byte, i int) { binary.LittleEndian.PutUint64(b, math.Float64bits(c.Double[i])) })
	case c.Type == String && len(c.Offsets) == rows+1 && (rows == 0 || int(c.Offsets[rows]) <= len(c.Bytes)):
		ch.ptype = ptByteArray
		if c.Offsets[0] < 0 {
			return bad("negative offset")
		}
		for i := range rows {
			if c.Offsets[i] > c.Offsets[i+1] {
				return bad(fmt.Sprintf("offsets decrease at row %d", i))
			}
		}
		body = slicesGrow(body, 4*nonNull+int(c.Offsets[rows]-c.Offsets[0]))
		for i := range rows {
			if keep(i) {
				s := c.Bytes[c.Offsets[i]:c.Offsets[i+1]]
				body = binary.LittleEndian.AppendUint32(body, uint32(len(s)))
				body = append(body, s...)
			}
		}
	default:
		return bad("values do not match the type and row count")
	}
	if len(body) > math.MaxInt32/2 {
		return bad("larger than one Parquet page holds")
	}
	ch.data = page(&ch, pageData, rows, encoding, body)
	return ch, nil
}

func slicesGrow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		return nb
	}
	return b
}

// appendFixed appends the kept values of a fixed-width column, put writing
// value i into its size bytes.
func appendFixed(b []byte, rows, nonNull, size int, keep func(int) bool, put func([]byte, int)) []byte {
	at := len(b)
	b = slicesGrow(b, nonNull*size)[:at+nonNull*size]
	for i := range rows {
		if keep(i) {
			put(b[at:], i)
			at += size
		}
	}
	return b
}

// bitPacked appends n values of width bits as RLE/bit-packed hybrid
// bit-packed runs of at most 63 groups of 8 (a one-byte run header, as
// parquet-mr writes them).
func bitPacked(b []byte, n, width int, value func(int) uint32) []byte {
	for start := 0; start < n; start += 63 * 8 {
		groups := min(63, (n-start+7)/8)
		b = append(b, byte(groups<<1|1))
		var acc uint64
		nb := 0
		for i := start; i < start+groups*8; i++ {
			v := uint32(0)
			if i < n {
				v = value(i)
			}
			acc |= uint64(v) << nb
			nb += width
			for nb >= 8 {
				b = append(b, byte(acc))
				acc >>= 8
				nb -= 8
			}
		}
		// groups of 8 values fill whole bytes: nb is 0 here
	}
	return b
}

// page compresses body (Snappy) behind its page header.
func page(ch *chunk, kind, values, encoding int, body []byte) []byte {
	comp := s2.EncodeSnappy(nil, body)
	var t thrift
	t.fieldI32(1, int32(kind))
	t.fieldI32(2, int32(len(body)))
	t.fieldI32(3, int32(len(comp)))
	if kind == pageData {
		t.beginStruct(5)
		t.fieldI32(1, int32(values))
		t.fieldI32(2, int32(encoding))
		t.fieldI32(3, encRLE)
		t.fieldI32(4, encRLE)
		t.endStruct()
	} else {
		t.beginStruct(7)
		t.fieldI32(1, int32(values))
		t.fieldI32(2, int32(encoding))
		t.endStruct()
	}
	t.stop()
	ch.uncompressed += int64(len(t.b) + len(body))
	return append(t.b, comp...)
}

// footer is the FileMetaData.
func footer(rows int, cols []Column, chunks []chunk, total int64) []byte {
	var t thrift
	t.fieldI32(1, 1) // version
	t.beginList(2, tStruct, len(cols)+1)
	t.push() // root
	t.fieldString(4, "schema")
	t.fieldI32(5, int32(len(cols)))
	t.pop()
	for i, c := range cols {
		t.push()
		t.fieldI32(1, int32(chunks[i].ptype))
		rep := int32(repRequired)
		if chunks[i].optional {
			rep = repOptional
		}
		t.fieldI32(3, rep)
		t.fieldString(4, c.Name)
		if c.Type == String {
			t.fieldI32(6, convertedUTF8)
			t.beginStruct(10) // LogicalType: STRING
			t.beginStruct(1)
			t.endStruct()
			t.endStruct()
		}
		t.pop()
	}
	t.fieldI64(3, int64(rows))
	t.beginList(4, tStruct, 1)
	t.push() // the row group
	t.beginList(1, tStruct, len(cols))
	for i, c := range cols {
		ch := &chunks[i]
		t.push()
		t.fieldI64(2, ch.start)
		t.beginStruct(3)
		t.fieldI32(1, int32(ch.ptype))
		encs := []int32{encPlain, encRLE}
		if ch.dict != nil {
			encs = append(encs, encRLEDict)
		}
		t.beginList(2, tI32, len(encs))
		for _, e := range encs {
			t.i32(e)
		}
		t.beginList(3, tBinary, 1)
		t.str(c.Name)
		t.fieldI32(4, codecSnappy)
		t.fieldI64(5, int64(rows))
		t.fieldI64(6, ch.uncompressed)
		t.fieldI64(7, int64(len(ch.dict)+len(ch.data)))
		t.fieldI64(9, ch.dataOff)
		if ch.dict != nil {
			t.fieldI64(11, ch.dictOff)
		}
		t.endStruct()
		t.pop()
	}
	t.fieldI64(2, total)
	t.fieldI64(3, int64(rows))
	t.pop()
	t.fieldString(6, "ccc (pqflat)")
	t.stop()
	return t.b
}

// thrift is a thrift compact protocol encoder (the subset the footer and
// page headers use).
type thrift struct {
	b    []byte
	last []int16 // field id of the enclosing structs' last field
	id   int16
}

const (
	tI32    = 5
	tI64    = 6
	tBinary = 8
	tList   = 9
	tStruct = 12
)

func (t *thrift) header(id int16, typ byte) {
	if d := id - t.id; d > 0 && d <= 15 {
		t.b = append(t.b, byte(d)<<4|typ)
	} else {
		t.b = append(t.b, typ)
		t.b = binary.AppendVarint(t.b, int64(id))
	}
	t.id = id
}

func (t *thrift) i32(v int32) { t.b = binary.AppendVarint(t.b, int64(v)) }
func (t *thrift) str(s string) {
	t.b = binary.AppendUvarint(t.b, uint64(len(s)))
	t.b = append(t.b, s...)
}
func (t *thrift) stop()                { t.b = append(t.b, 0) }
func (t *thrift) push()                { t.last = append(t.last, t.id); t.id = 0 }
func (t *thrift) pop()                 { t.stop(); t.id = t.last[len(t.last)-1]; t.last = t.last[:len(t.last)-1] }
func (t *thrift) beginStruct(id int16) { t.header(id, tStruct); t.push() }
func (t *thrift) endStruct()           { t.pop() }

func (t *thrift) fieldI32(id int16, v int32) { t.header(id, tI32); t.i32(v) }
func (t *thrift) fieldI64(id int16, v int64) {
	t.header(id, tI64)
	t.b = binary.AppendVarint(t.b, v)
}
func (t *thrift) fieldString(id int16, s string) { t.header(id, tBinary); t.str(s) }

// beginList starts a list field of n elements of type elem (the elements
// follow: struct elements between push and pop).
func (t *thrift) beginList(id int16, elem byte, n int) {
	t.header(id, tList)
	if n < 15 {
		t.b = append(t.b, byte(n)<<4|elem)
	} else {
		t.b = append(t.b, 0xf0|elem)
		t.b = binary.AppendUvarint(t.b, uint64(n))
	}
}
