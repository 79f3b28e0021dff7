package nwb

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// Frame is a DynamicTable read into memory column by column.
type Frame struct {
	Table   *Table
	IDs     []int64
	Columns []*ColumnData
	// Dropped lists columns left out because they were inconsistent (with
	// FrameOptions.DropInvalid), each with the reason.
	Dropped []string
}

// FrameOptions choose columns.
type FrameOptions struct {
	Columns     []string // subset in this order; nil = all
	DropInvalid bool     // leave out columns whose index is inconsistent instead of failing
}

// Frame reads the table's id and columns.
func (t *Table) Frame(o FrameOptions) (*Frame, error) {
	fr := &Frame{Table: t}
	ids, err := t.IDs()
	if err != nil {
		return nil, err
	}
	fr.IDs = ids
	cols := t.Columns
	if o.Columns != nil {
		cols = nil
		for _, n := range o.Columns {
			c, err := t.Column(n)
			if err != nil {
				return nil, err
			}
			cols = append(cols, c)
		}
	}
	for _, c := range cols {
		cd, err := c.Read()
		if err != nil {
			if o.DropInvalid && errors.Is(err, ErrBadTable) {
				fr.Dropped = append(fr.Dropped, c.Name+": "+firstLine(err.Error()))
				continue
			}
			return nil, err
		}
		fr.Columns = append(fr.Columns, cd)
	}
	return fr, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Names returns "id" and the column names.
func (fr *Frame) Names() []string {
	out := []string{"id"}
	for _, c := range fr.Columns {
		out = append(out, c.Column.Name)
	}
	return out
}

// WriteCSV writes the frame as CSV: scalars as text, list cells (ragged,
// multi-dimensional, compound) as JSON.
func (fr *Frame) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write(fr.Names()); err != nil {
		return err
	}
	rec := make([]string, len(fr.Columns)+1)
	var sb strings.Builder
	for i, id := range fr.IDs {
		rec[0] = strconv.FormatInt(id, 10)
		for j, c := range fr.Columns {
			v := c.Cell(i)
			switch x := v.(type) {
			case string:
				rec[j+1] = x
			default:
				sb.Reset()
				writeJSON(&sb, v, false)
				rec[j+1] = sb.String()
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteJSON writes the frame as a JSON array of row objects (NaN as null).
func (fr *Frame) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	names := fr.Names()
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = strconv.Quote(n) + ":"
	}
	bw.WriteString("[")
	var sb strings.Builder
	for i, id := range fr.IDs {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n{")
		bw.WriteString(keys[0])
		bw.WriteString(strconv.FormatInt(id, 10))
		for j, c := range fr.Columns {
			bw.WriteString(",")
			bw.WriteString(keys[j+1])
			sb.Reset()
			writeJSON(&sb, c.Cell(i), true)
			bw.WriteString(sb.String())
		}
		bw.WriteString("}")
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// writeJSON encodes a cell value; NaN and infinities become null.
func writeJSON(sb *strings.Builder, v any, quoteStrings bool) {
	fl := func(f float64, bits int) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			if quoteStrings {
				sb.WriteString("null")
			} else {
				sb.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
			}
			return
		}
		sb.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
	}
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case string:
		if quoteStrings {
			sb.WriteString(strconv.Quote(x))
		} else {
			sb.WriteString(x)
		}
	case int64:
		sb.WriteString(strconv.FormatInt(x, 10))
	case uint64:
		sb.WriteString(strconv.FormatUint(x, 10))
	case float64:
		fl(x, 64)
	case float32:
		fl(float64(x), 32)
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sb.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(strconv.Quote(k) + ":")
			writeJSON(sb, x[k], true)
		}
		sb.WriteString("}")
	case []any:
		list(sb, len(x), func(i int) { writeJSON(sb, x[i], true) })
	case []int64:
		list(sb, len(x), func(i int) { sb.WriteString(strconv.FormatInt(x[i], 10)) })
	case []uint64:
		list(sb, len(x), func(i int) { sb.WriteString(strconv.FormatUint(x[i], 10)) })
	case []float64:
		list(sb, len(x), func(i int) { jf(sb, x[i], 64) })
	case []float32:
		list(sb, len(x), func(i int) { jf(sb, float64(x[i]), 32) })
	case []bool:
		list(sb, len(x), func(i int) { sb.WriteString(strconv.FormatBool(x[i])) })
	case []string:
		list(sb, len(x), func(i int) { sb.WriteString(strconv.Quote(x[i])) })
	default:
		sb.WriteString(strconv.Quote(fmt.Sprint(v)))
	}
}

func jf(sb *strings.Builder, f float64, bits int) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		sb.WriteString("null")
		return
	}
	sb.WriteString(strconv.FormatFloat(f, 'g', -1, bits))
}

func list(sb *strings.Builder, n int, each func(int)) {
	sb.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		each(i)
	}
	sb.WriteString("]")
}

func arraySQL(cd *ColumnData) string {
	v := cd.Values
	if v.Fields != nil {
		parts := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			parts[i] = store.QuoteIdent(f.Name) + " " + scalarSQL(f.Data)
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	}
	return scalarSQL(v.Data)
}

func scalarSQL(d any) string {
	switch d.(type) {
	case []int64:
		return "BIGINT"
	case []uint64:
		return "UBIGINT"
	case []float32:
		return "FLOAT"
	case []float64:
		return "DOUBLE"
	case []bool:
		return "BOOLEAN"
	}
	return "VARCHAR"
}

// WriteParquet writes the frame to a Parquet file through DuckDB (an
// appender fills an in-memory table, COPY writes it). Ragged columns become
// lists, compound columns structs. The file appears complete or not at all.
func (fr *Frame) WriteParquet(ctx context.Context, out string) error {
	cols := []sqlCol{{"id", "BIGINT"}}
	for _, c := range fr.Columns {
		t := arraySQL(c)
		if c.Width > 1 {
			t += "[]"
		}
		for range c.Offsets {
			t += "[]"
		}
		cols = append(cols, sqlCol{c.Column.Name, t})
	}
	err := writeRows(ctx, out, cols, len(fr.IDs), func(i int, row []driver.Value) {
		row[0] = fr.IDs[i]
		for j, c := range fr.Columns {
			row[j+1] = c.Cell(i)
		}
	})
	if err != nil {
		return fmt.Errorf("nwb: parquet export of %s: %w", fr.Table.Path, err)
	}
	return nil
}

type sqlCol struct{ Name, Type string }

// duckDB is an in-memory DuckDB database; Close releases the connector too.
type duckDB struct {
	*sql.DB
	c *duckdb.Connector
}

func (d duckDB) Close() error {
	err := d.DB.Close()
	d.c.Close()
	return err
}

func openDuckDB() (duckDB, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return duckDB{}, err
	}
	return duckDB{sql.OpenDB(c), c}, nil
}

// writeRows fills an in-memory DuckDB table with n rows through the
// appender and copies it to a Parquet file (written beside out, then
// renamed, so that out appears complete or not at all).
func writeRows(ctx context.Context, out string, cols []sqlCol, n int, fill func(i int, row []driver.Value)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	db, err := openDuckDB()
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	defs := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = store.QuoteIdent(c.Name) + " " + c.Type
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t ("+strings.Join(defs, ", ")+")"); err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "t")
		if err != nil {
			return err
		}
		row := make([]driver.Value, len(cols))
		for i := 0; i < n; i++ {
			if i%65536 == 0 && ctx.Err() != nil {
				app.Close()
				return ctx.Err()
			}
			fill(i, row)
			if err := app.AppendRow(row...); err != nil {
				app.Close()
				return fmt.Errorf("row %d: %w", i, err)
			}
		}
		return app.Close()
	})
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp")
	defer os.Remove(tmp)
	if _, err := conn.ExecContext(ctx, "COPY t TO "+store.QuoteString(tmp)+" (FORMAT parquet, COMPRESSION zstd)"); err != nil {
		return &ccc.Error{Op: "write parquet", Path: out, Row: -1, Msg: "DuckDB COPY failed", Kind: ccc.ErrInvalidData, Err: err}
	}
	return os.Rename(tmp, out)
}
