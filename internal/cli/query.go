package cli

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/internal/jsonvalue"
	"github.com/ccc-connectivity/ccc/store"
)

type queryOptions struct {
	IO     *IO
	Global *globalOptions
	SQL    string
	Format string
	Out    string
	Ref    refFlags
	Engine engineFlags
}

func init() { register(50, newCmdQuery) }

func newCmdQuery(io *IO, g *globalOptions) *cobra.Command {
	opts := &queryOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "query --sql \"SELECT ...\" [--version N] [--format table|csv|json|parquet] [--out FILE]",
		Short: "Run read-only SQL over the store (one view per class, with a dataset column)",
		Long: `Run read-only DuckDB SQL over a store version. Each class is a view named after it
(e.g. BrainRegion, Synapse): the union of its tables over datasets, with a leading
dataset column. ccc_tables lists the tables (dataset, class, path, rows, sha256,
version), ccc_datasets (dataset, created_version, updated_version, tables,
artifacts) and ccc_version. Only one SELECT statement runs: COPY, EXPORT, ATTACH,
CREATE, INSTALL/LOAD, SET and PRAGMA are refused, no other file can be read, and
--out may not point inside the store (see docs/security.md).`,
		Example: `  ccc query --sql "SELECT acronym, name FROM BrainRegion WHERE parent_identifier = '315'"
  ccc query --version 2 --format csv --sql "SELECT cell_type, count(*) FROM CellTypeAnnotation GROUP BY ALL"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				if opts.SQL != "" {
					return usageErr("give the SQL once (--sql or argument)")
				}
				opts.SQL = args[0]
			}
			return runQuery(c, opts)
		},
	}
	cmd.Flags().StringVar(&opts.SQL, "sql", "", "the query")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, csv, json or parquet (parquet needs --out)")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of standard output")
	opts.Ref.add(cmd)
	opts.Engine.add(cmd)
	return cmd
}

func runQuery(c *cobra.Command, opts *queryOptions) error {
	if strings.TrimSpace(opts.SQL) == "" {
		return usageErr("query needs --sql \"SELECT ...\"")
	}
	switch opts.Format {
	case "table", "csv", "json":
	case "parquet":
		if opts.Out == "" {
			return usageErr("--format parquet needs --out FILE")
		}
	default:
		return usageErr("unknown --format %q (table, csv, json, parquet)", opts.Format)
	}
	onSpark, err := opts.Engine.spark()
	if err != nil {
		return err
	}
	if onSpark {
		return runQuerySpark(c.Context(), opts)
	}
	ref, err := opts.Ref.ref()
	if err != nil {
		return err
	}
	st, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	var writable []string
	out := ""
	if opts.Out != "" {
		if out, err = st.CheckOutput(opts.Out); err != nil {
			return err
		}
		writable = append(writable, out)
	}
	db, err := st.ReadOnlyDB(c.Context(), ref, writable...)
	if err != nil {
		return err
	}
	defer db.Close()
	q := strings.TrimRight(strings.TrimSpace(opts.SQL), ";")
	// Read-only means read-only: one SELECT, checked by DuckDB's parser
	// before anything runs (COPY ... TO, EXPORT, ATTACH, INSTALL are refused
	// whatever path they name).
	if err := store.CheckSelect(c.Context(), db, q); err != nil {
		return err
	}
	if opts.Format == "parquet" {
		// q is one valid SELECT, so it cannot close the parentheses; the
		// newline ends a trailing -- comment.
		if _, err := db.ExecContext(c.Context(), fmt.Sprintf("COPY (%s\n) TO %s (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)", q, store.QuoteString(out))); err != nil {
			return usageErr("query: %v", err)
		}
		return nil
	}
	rows, err := db.QueryContext(c.Context(), q)
	if err != nil {
		return usageErr("query: %v", err)
	}
	defer rows.Close()
	w := opts.IO.Out
	if opts.Out != "" {
		f, err := exportCreateFile(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return queryWriteRows(w, rows, opts.Format)
}

// resultRows is what queryWriteRows reads: *sql.Rows, or the Spark
// engine's Arrow-backed rows.
type resultRows interface {
	Columns() ([]string, error)
	Next() bool
	Scan(dest ...any) error
	Err() error
}

var _ resultRows = (*sql.Rows)(nil)

// queryWriteRows prints query results as an aligned table, CSV or a JSON array.
func queryWriteRows(w io.Writer, rows resultRows, format string) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(cols)
		rec := make([]string, len(cols))
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			for i, v := range vals {
				rec[i] = queryCellText(v, "")
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case "json":
		io.WriteString(w, "[")
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			if n > 0 {
				io.WriteString(w, ",")
			}
			io.WriteString(w, "\n  {")
			for i, v := range vals {
				k, _ := json.Marshal(cols[i])
				b, err := json.Marshal(jsonvalue.Safe(v))
				if err != nil {
					b, _ = json.Marshal(fmt.Sprint(v))
				}
				if i > 0 {
					io.WriteString(w, ", ")
				}
				fmt.Fprintf(w, "%s: %s", k, b)
			}
			io.WriteString(w, "}")
			n++
		}
		if n > 0 {
			io.WriteString(w, "\n")
		}
		io.WriteString(w, "]\n")
	default:
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			cells := make([]string, len(vals))
			for i, v := range vals {
				cells[i] = strings.ReplaceAll(queryCellText(v, "NULL"), "\t", " ")
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
			n++
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		defer fmt.Fprintf(w, "(%d row(s))\n", n)
	}
	return rows.Err()
}

func queryCellText(v any, null string) string {
	switch x := v.(type) {
	case nil:
		return null
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	case []byte:
		return fmt.Sprintf("%x", x)
	case []any, map[string]any:
		b, err := json.Marshal(jsonvalue.Safe(x))
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

var _ = store.Ref{}
