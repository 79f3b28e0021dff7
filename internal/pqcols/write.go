package pqcols

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// WriteColumns fills the n columns of one buffered row group at once:
// write(i, cw) for every column i, on min(GOMAXPROCS, n) goroutines (each
// column chunk of a buffered row group has its own encoder, compressor and
// buffer; the row group's Close then writes them in column order). The
// errors are joined.
func WriteColumns(rgw file.BufferedRowGroupWriter, n int, write func(i int, cw file.ColumnChunkWriter) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				cw, err := rgw.Column(i)
				if err == nil {
					err = write(i, cw)
				}
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// DefLevels are the definition levels of a flat column: nil when it is
// required, else one per row (1 valid, 0 null).
func DefLevels(a arrow.Array, nullable bool) []int16 {
	if !nullable {
		return nil
	}
	def := make([]int16, a.Len())
	for i := range def {
		if a.IsValid(i) {
			def[i] = 1
		}
	}
	return def
}
