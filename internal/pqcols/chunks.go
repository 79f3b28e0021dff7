package pqcols

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/thrift/lib/go/thrift"

	"github.com/ccc-connectivity/ccc/internal/sysmem"
)

// checkChunk checks that column chunk cc lies inside a file of size bytes,
// its extent computed as arrow-go computes it. arrow-go opens column
// chunks in goroutines of its own (pqarrow's field readers), where a
// negative or out-of-file extent is a panic no caller can recover.
func checkChunk(cc *metadata.ColumnChunkMetaData, size int64) error {
	start, n := chunkExtent(cc)
	if start < 4 || n < 0 || start > size || n > size-start {
		return fmt.Errorf("chunk at %d, %d bytes, outside the file's %d bytes", start, n, size)
	}
	return nil
}

// chunkExtent is where column chunk cc starts (its data page, or its
// dictionary page when that comes first) and its length, as arrow-go
// computes them.
func chunkExtent(cc *metadata.ColumnChunkMetaData) (start, n int64) {
	start = cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	return start, cc.TotalCompressedSize()
}

// maxPageHeader is the largest page header CheckPages reads (arrow-go's
// own default bound).
const maxPageHeader = 16 << 20

// PageError is a column chunk whose page headers are damaged or declare
// more memory than reading them may use.
type PageError struct {
	RowGroup, Column int
	Offset           int64 // the page header's offset in the file (-1: the column's pages together)
	Reason           string
}

func (e *PageError) Error() string {
	if e.Offset < 0 { // the column's pages together, over every row group
		return fmt.Sprintf("column %d: %s", e.Column, e.Reason)
	}
	return fmt.Sprintf("row group %d column %d: page at byte %d: %s", e.RowGroup, e.Column, e.Offset, e.Reason)
}

// CheckPages says whether arrow-go may read the columns cols (nil: all)
// of rd (read from r, a file of size bytes): every row group's row count
// is not negative, every column chunk lies inside the file (checkChunk),
// and its page headers are walked. It refuses a header that does not
// parse, a page with a negative size or one running past its chunk, or
// pages whose declared sizes add up to more memory than budget (0:
// sysmem.DefaultMaxBytes). arrow-go sizes a column reader's buffers by
// the headers before it reads a page (a damaged header can claim 2 GB; a
// file of many such columns would exhaust the machine's memory), and
// keeps them per column: the need is, per column, its largest page
// compressed plus uncompressed and its dictionary page, summed over the
// columns. Files it refuses must not reach arrow-go (DuckDB reads them,
// or says what is wrong).
func CheckPages(r io.ReaderAt, size int64, rd *file.Reader, cols []int, budget int64) error {
	if budget <= 0 {
		budget = sysmem.DefaultMaxBytes()
	}
	md := rd.MetaData()
	for g := 0; g < rd.NumRowGroups(); g++ {
		if n := md.RowGroup(g).NumRows(); n < 0 {
			return fmt.Errorf("row group %d: %d rows", g, n)
		}
	}
	if cols == nil {
		for c := 0; c < md.Schema.NumColumns(); c++ {
			cols = append(cols, c)
		}
	}
	var total int64
	for _, c := range cols {
		var need int64
		for g := 0; g < rd.NumRowGroups(); g++ {
			cc, err := md.RowGroup(g).ColumnChunk(c)
			if err != nil {
				return fmt.Errorf("row group %d column %d: %w", g, c, err)
			}
			if err := checkChunk(cc, size); err != nil {
				return fmt.Errorf("row group %d column %d: %w", g, c, err)
			}
			n, err := chunkPages(r, cc)
			if err != nil {
				if pe, ok := err.(*PageError); ok {
					pe.RowGroup, pe.Column = g, c
				}
				return err
			}
			need = max(need, n)
		}
		if total += need; total > budget {
			return &PageError{Column: c, Offset: -1, Reason: fmt.Sprintf(
				"the pages' declared sizes need %d bytes of memory to read, more than the limit of %d", total, budget)}
		}
	}
	return nil
}

// chunkPages walks the pages of one column chunk: the memory its reader
// holds at once (largest page compressed + uncompressed, plus the
// dictionary page).
func chunkPages(r io.ReaderAt, cc *metadata.ColumnChunkMetaData) (int64, error) {
	start, n := chunkExtent(cc)
	end := start + n
	var page, dict int64
	for off := start; off < end; {
		h, err := readPageHeader(r, off, end)
		if err != nil {
			return 0, &PageError{Offset: off, Reason: err.Error()}
		}
		if h.compressed < 0 || h.uncompressed < 0 {
			return 0, &PageError{Offset: off, Reason: fmt.Sprintf("negative page size (%d compressed, %d uncompressed)", h.compressed, h.uncompressed)}
		}
		off += h.size
		if h.compressed > end-off {
			return 0, &PageError{Offset: off - h.size, Reason: fmt.Sprintf("a page of %d bytes runs past its column chunk (%d bytes left)", h.compressed, end-off)}
		}
		off += h.compressed
		if h.dictionary {
			dict += h.uncompressed
		} else {
			page = max(page, h.compressed+h.uncompressed)
		}
	}
	return page + dict, nil
}

type pageHeader struct {
	size, compressed, uncompressed int64 // size: the header's own bytes
	dictionary                     bool
}

// readPageHeader parses the Thrift (compact) PageHeader at off: its type
// (field 1), uncompressed (2) and compressed (3) sizes; every other field
// is skipped. The header is read in growing windows up to maxPageHeader.
func readPageHeader(r io.ReaderAt, off, end int64) (pageHeader, error) {
	for window := int64(256); ; window *= 16 {
		n := min(window, end-off, maxPageHeader)
		buf := make([]byte, n)
		if k, err := r.ReadAt(buf, off); k < len(buf) {
			return pageHeader{}, fmt.Errorf("page header unreadable: %v", err)
		}
		h, err := parsePageHeader(buf)
		if err == nil {
			return h, nil
		}
		if n < window || n == maxPageHeader { // the whole rest was there
			return pageHeader{}, fmt.Errorf("damaged page header: %v", err)
		}
	}
}

func parsePageHeader(b []byte) (pageHeader, error) {
	ctx := context.Background()
	mb := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(b)}
	p := thrift.NewTCompactProtocolConf(mb, &thrift.TConfiguration{MaxMessageSize: maxPageHeader})
	var h pageHeader
	var seen int
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return h, err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return h, err
		}
		if t == thrift.STOP {
			break
		}
		if t == thrift.I32 && id >= 1 && id <= 3 {
			v, err := p.ReadI32(ctx)
			if err != nil {
				return h, err
			}
			switch id {
			case 1:
				h.dictionary = v == 2 // PageType DICTIONARY_PAGE
			case 2:
				h.uncompressed = int64(v)
			case 3:
				h.compressed = int64(v)
			}
			seen |= 1 << id
		} else if err := thrift.Skip(ctx, p, t, 16); err != nil {
			return h, err
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return h, err
		}
	}
	if seen&0b1110 != 0b1110 {
		return h, fmt.Errorf("type or sizes missing")
	}
	h.size = int64(len(b) - mb.Len())
	return h, nil
}
