package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/linkml"
)

type ingestOptions struct {
	IO        *IO
	Global    *globalOptions
	Class     string
	Dataset   string
	Maps      []string
	Lenient   bool
	MaxErrors int
	Append    bool
	Upsert    bool
	Report    string
	Format    string
	Message   string
	Wait      time.Duration
	DryRun    bool
	Empty     bool // --allow-empty
	MemLimit  string
	Schema    string
	Inputs    []string
	// AllowEmpty commits a table with no rows; RefDatasets may resolve
	// references besides the dataset written.
	AllowEmpty  bool
	RefDatasets []string
}

func init() { register(30, newCmdIngest) }

func newCmdIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &ingestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest --class C --dataset D [--map col=slot ...] FILE|DIR|GLOB ...",
		Short: "Load Parquet, CSV, TSV, JSON, JSONL or YAML into one class of the schema as a new store version",
		Long: `Load files into one class of the ccc schema and commit them as a new store version,
or nothing. Columns map to slots by exact name, case-insensitive name, then schema
aliases; --map col=slot overrides (nested objects: --map pt_x=pt_position_x). Values
are coerced per slot range; required slots are strict unless --lenient; references are
resolved by identifier within the dataset being written (the input, and its stored
rows in --append/--upsert) and the datasets named with --ref-dataset, never against
other datasets; the summary says which dataset resolved each reference slot.

Input columns that map to no slot are listed as unmapped and not stored (every
loader follows this rule, docs/formats/store.md); the blank header of a pandas
index column (what df.to_csv() writes) is one of them. An ingest that would
write no row (an empty input, or --lenient dropping every row) is refused,
saying how many rows were dropped and why, unless --allow-empty.

Write modes: by default the input replaces the dataset's table of the class;
--append adds new records (an existing key is an error); --upsert inserts or
replaces by key. A record's key is its identifier, or for a class without one
its first unique key (CellTypeAnnotation: nucleus id and source); the same key
twice in the input is an error (--lenient keeps the first row).

Exit status: 0 committed, 1 rejected for data errors or conflicts (store unchanged),
2 usage or I/O errors, 3 store locked by another writer.`,
		Example: `  ccc ingest --class BrainRegion --dataset allen-ccf-2017 structure_tree_safe_2017.csv
  ccc ingest --class CellTypeAnnotation --dataset microns --map 'Unnamed: 0=id' cells.csv
  ccc ingest --class Synapse --dataset minnie --upsert --report report.json synapses/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Inputs = args
			return runIngest(c, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Class, "class", "", "schema class of the records (required)")
	f.StringVar(&opts.Dataset, "dataset", "", "dataset to write (required)")
	f.StringArrayVar(&opts.Maps, "map", nil, "map an input column to a slot: COLUMN=SLOT (repeatable)")
	f.BoolVar(&opts.Lenient, "lenient", false, "keep records with missing required or invalid values, as warnings")
	f.IntVar(&opts.MaxErrors, "max-errors", 100, "list at most N errors and N warnings (counts include all)")
	f.BoolVar(&opts.Append, "append", false, "add new records to the dataset's table; existing keys (identifier or unique key) are a conflict")
	f.BoolVar(&opts.Upsert, "upsert", false, "insert new and replace existing records by key (identifier or unique key)")
	f.StringVar(&opts.Report, "report", "", "write the JSON report (mapping, errors, warnings, counts, unresolved, provenance) to FILE")
	f.StringVar(&opts.Format, "format", "", "input format when the file name does not say: parquet, csv, tsv, json, jsonl, yaml")
	f.StringVarP(&opts.Message, "message", "m", "", "message recorded with the version")
	f.DurationVar(&opts.Wait, "wait", 0, "wait up to this long for another writer (e.g. 2m)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "validate and report, but do not commit")
	f.StringVar(&opts.MemLimit, "memory-limit", "", "memory budget of the process, e.g. 1GB: 60% for DuckDB, 25% Go heap (default: DuckDB 768MB, Go unbounded)")
	f.StringVar(&opts.Schema, "schema", "", "LinkML schema file (default: the built-in ccc schema)")
	f.BoolVar(&opts.AllowEmpty, "allow-empty", false, "commit an empty table when the input has no rows or --lenient drops them all (replace mode: the dataset's rows are replaced with none)")
	f.StringArrayVar(&opts.RefDatasets, "ref-dataset", nil, "also resolve references against this dataset's tables (repeatable)")
	return cmd
}

func runIngest(c *cobra.Command, opts *ingestOptions) error {
	if opts.Class == "" || opts.Dataset == "" {
		return usageErr("ingest needs --class and --dataset")
	}
	if opts.Append && opts.Upsert {
		return usageErr("give --append or --upsert, not both")
	}
	maps := map[string]string{}
	for _, m := range opts.Maps {
		i := strings.LastIndex(m, "=")
		if i <= 0 || i == len(m)-1 {
			return usageErr("--map wants COLUMN=SLOT, got %q", m)
		}
		maps[m[:i]] = m[i+1:]
	}
	mode := ingest.ModeReplace
	if opts.Append {
		mode = ingest.ModeAppend
	} else if opts.Upsert {
		mode = ingest.ModeUpsert
	}
	var format ingest.Format
	switch opts.Format {
	case "":
	case "parquet", "csv", "tsv", "json", "jsonl", "yaml":
		format = ingest.Format(opts.Format)
	default:
		return usageErr("unknown --format %q (parquet, csv, tsv, json, jsonl, yaml)", opts.Format)
	}
	var sch *linkml.Schema
	if opts.Schema != "" {
		var err error
		if sch, err = linkml.Load(opts.Schema, linkml.LoadOptions{}); err != nil {
			return err
		}
	}
	memLimit, restore, err := applyMemoryLimit(opts.MemLimit)
	if err != nil {
		return err
	}
	defer restore()
	st, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := ingest.Run(c.Context(), st, ingest.Options{
		Class: opts.Class, Dataset: opts.Dataset, Inputs: opts.Inputs, Format: format, Map: maps,
		Lenient: opts.Lenient, MaxErrors: opts.MaxErrors, Mode: mode, Message: opts.Message, Wait: opts.Wait,
		DryRun: opts.DryRun, MemoryLimit: memLimit, Schema: sch, Progress: opts.IO.ErrOut, Quiet: opts.Global.Quiet,
		AllowEmpty: opts.AllowEmpty, RefDatasets: opts.RefDatasets,
	})
	show := r != nil && (r.Counts.Rows > 0 || err == nil || errors.Is(err, ccc.ErrInvalidData) || errors.Is(err, ccc.ErrConflict))
	switch {
	case show && !opts.Global.Quiet:
		r.Summary(opts.IO.Out)
	case show && err != nil:
		// -q: no summary, but the rejected rows still reach stderr
		for _, is := range r.Errors {
			fmt.Fprintf(opts.IO.ErrOut, "ccc: error: %s\n", is)
		}
	}
	if opts.Report != "" && r != nil {
		if werr := r.WriteFile(opts.Report); werr != nil {
			return fmt.Errorf("write report: %w", werr)
		}
	}
	return err
}
