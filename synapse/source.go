package synapse

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2" // DuckDB driver

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// fileKind is the format of an input file.
type fileKind int

const (
	kindCSV fileKind = iota
	kindParquet
	kindArrow
)

func (k fileKind) String() string {
	return [...]string{"CSV", "Parquet", "Arrow IPC"}[k]
}

// sniff decides a file's format by its magic bytes, then its extension.
func sniff(path string) (fileKind, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return 0, &ccc.Error{Op: "ingest", Path: path, Row: -1, Msg: "file does not exist", Kind: ccc.ErrNotFound, Err: err}
		}
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return kindParquet, nil
	case bytes.HasPrefix(head, []byte("ARROW1")), bytes.HasPrefix(head, []byte{0xff, 0xff, 0xff, 0xff}):
		return kindArrow, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".pq":
		return 0, &ccc.Error{Op: "ingest", Path: path, Row: -1, Msg: "file has a .parquet name but no Parquet magic bytes", Hint: "the file is truncated or not Parquet", Kind: ccc.ErrFormat}
	case ".arrow", ".feather", ".ipc":
		return 0, &ccc.Error{Op: "ingest", Path: path, Row: -1, Msg: "file has an Arrow name but no Arrow IPC magic bytes", Hint: "the file is truncated or not Arrow/Feather v2", Kind: ccc.ErrFormat}
	}
	return kindCSV, nil
}

// sqlString quotes s as a SQL string literal.

// quoteIdent quotes s as a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// source is one input file opened in DuckDB.
type source struct {
	Path string
	Kind fileKind
	From string // table expression
	Cols []column
}

type column struct {
	Name string
	Type string // DuckDB type
}

// openSource prepares a table expression for path; Arrow files are converted
// to Parquet in tmpDir first (DuckDB reads Parquet and CSV natively).
func openSource(ctx context.Context, db *sql.DB, path, tmpDir string) (*source, error) {
	kind, err := sniff(path)
	if err != nil {
		return nil, err
	}
	s := &source{Path: path, Kind: kind}
	switch kind {
	case kindCSV:
		s.From = fmt.Sprintf("read_csv(%s, all_varchar=true, header=true)", store.QuoteString(path))
	case kindParquet:
		s.From = fmt.Sprintf("read_parquet(%s)", store.QuoteString(path))
	case kindArrow:
		pq, err := arrowToParquet(path, tmpDir)
		if err != nil {
			return nil, &ccc.Error{Op: "ingest", Path: path, Row: -1, Msg: "cannot read Arrow IPC file", Hint: "write it with pyarrow.feather.write_feather or pyarrow.ipc", Kind: ccc.ErrFormat, Err: err}
		}
		s.From = fmt.Sprintf("read_parquet(%s)", store.QuoteString(pq))
	}
	rows, err := db.QueryContext(ctx, "DESCRIBE SELECT * FROM "+s.From)
	if err != nil {
		return nil, &ccc.Error{Op: "ingest", Path: path, Row: -1, Msg: "cannot read " + kind.String() + " file: " + firstLine(err.Error()), Kind: ccc.ErrFormat, Err: err}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		s.Cols = append(s.Cols, column{Name: fmt.Sprint(vals[0]), Type: fmt.Sprint(vals[1])})
	}
	return s, rows.Err()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// arrowToParquet converts an Arrow IPC file (Feather v2) or stream to Parquet.
func arrowToParquet(path, tmpDir string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	out := filepath.Join(tmpDir, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+fmt.Sprintf("-%d.parquet", os.Getpid()))
	o, err := os.Create(out)
	if err != nil {
		return "", err
	}
	defer o.Close()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCompressionLevel(1))
	if fr, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator)); err == nil {
		defer fr.Close()
		w, err := pqarrow.NewFileWriter(fr.Schema(), o, props, pqarrow.DefaultWriterProps())
		if err != nil {
			return "", err
		}
		for i := 0; i < fr.NumRecords(); i++ {
			rec, err := fr.RecordBatch(i)
			if err != nil {
				return "", err
			}
			if err := w.Write(rec); err != nil {
				return "", err
			}
		}
		return out, w.Close()
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	rr, err := ipc.NewReader(f)
	if err != nil {
		return "", err
	}
	defer rr.Release()
	w, err := pqarrow.NewFileWriter(rr.Schema(), o, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return "", err
	}
	for rr.Next() {
		if err := w.Write(rr.RecordBatch()); err != nil {
			return "", err
		}
	}
	if err := rr.Err(); err != nil {
		return "", err
	}
	return out, w.Close()
}
