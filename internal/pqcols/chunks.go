package pqcols

import (
	"fmt"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// CheckChunks checks that every column chunk the footer of rd names lies
// inside the file (size bytes), as arrow-go computes its extent (data page
// offset, or the dictionary page's when it comes first, and the total
// compressed size). arrow-go opens column chunks in goroutines of its own
// (pqarrow's field readers), where a negative or out-of-file extent is a
// panic no caller can recover: files that fail this check must not reach
// it (DuckDB reads them, or says what is wrong).
func CheckChunks(rd *file.Reader, size int64) error {
	md := rd.MetaData()
	for g := 0; g < rd.NumRowGroups(); g++ {
		rg := md.RowGroup(g)
		if rg.NumRows() < 0 {
			return fmt.Errorf("row group %d: %d rows", g, rg.NumRows())
		}
		for c := 0; c < rg.NumColumns(); c++ {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				return fmt.Errorf("row group %d column %d: %w", g, c, err)
			}
			if err := CheckChunk(cc, size); err != nil {
				return fmt.Errorf("row group %d column %d: %w", g, c, err)
			}
		}
	}
	return nil
}

// CheckChunk checks that column chunk cc lies inside a file of size bytes,
// its extent computed as arrow-go computes it.
func CheckChunk(cc *metadata.ColumnChunkMetaData, size int64) error {
	start := cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
		start = cc.DictionaryPageOffset()
	}
	n := cc.TotalCompressedSize()
	if start < 4 || n < 0 || start > size || n > size-start {
		return fmt.Errorf("chunk at %d, %d bytes, outside the file's %d bytes", start, n, size)
	}
	return nil
}
