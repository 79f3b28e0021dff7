package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/linkml"
)

type exportOptions struct {
	IO      *IO
	Global  *globalOptions
	Class   string
	Dataset string
	Format  string
	Ref     refFlags
	Out     string
	Schema  string
}

func init() { register(40, newCmdExport) }

func newCmdExport(io *IO, g *globalOptions) *cobra.Command {
	opts := &exportOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "export --class C [--dataset D] [--version N] [--format F] OUT",
		Short: "Write a class table of the store as Parquet, CSV, JSONL, JSON or YAML",
		Long: `Write one class table (one dataset, or all datasets with a leading dataset column)
at a store version. Parquet and CSV keep the stored flat layout (nested objects as
<slot>_<sub> columns, e.g. pt_position_x); JSON, JSONL and YAML nest them again.
OUT '-' writes to standard output. The format defaults to OUT's extension.`,
		Example: `  ccc export --class BrainRegion --dataset allen-ccf-2017 regions.parquet
  ccc export --class Synapse --version 3 --format jsonl - | head`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Out = args[0]
			return runExport(c, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Class, "class", "", "class to export (required)")
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "", "dataset (default: all, with a dataset column)")
	cmd.Flags().StringVar(&opts.Format, "format", "", "parquet, csv, jsonl, json or yaml (default from OUT's extension)")
	cmd.Flags().StringVar(&opts.Schema, "schema", "", "LinkML schema file (default: the built-in ccc schema)")
	opts.Ref.add(cmd)
	return cmd
}

func runExport(c *cobra.Command, opts *exportOptions) error {
	if opts.Class == "" {
		return usageErr("export needs --class")
	}
	format := opts.Format
	if format == "" {
		switch strings.ToLower(filepath.Ext(opts.Out)) {
		case ".parquet", ".pq":
			format = "parquet"
		case ".csv":
			format = "csv"
		case ".jsonl", ".ndjson":
			format = "jsonl"
		case ".json":
			format = "json"
		case ".yaml", ".yml":
			format = "yaml"
		default:
			return usageErr("cannot tell the format of %q: pass --format parquet|csv|jsonl|json|yaml", opts.Out)
		}
	}
	switch format {
	case "parquet", "csv", "jsonl", "json", "yaml":
	default:
		return usageErr("unknown --format %q (parquet, csv, jsonl, json, yaml)", format)
	}
	ref, err := opts.Ref.ref()
	if err != nil {
		return err
	}
	var sch *linkml.Schema
	if opts.Schema != "" {
		if sch, err = linkml.Load(opts.Schema, linkml.LoadOptions{}); err != nil {
			return err
		}
	}
	st, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := ingest.Export(c.Context(), st, ingest.ExportOptions{Class: opts.Class, Dataset: opts.Dataset, Ref: ref, Format: format, Schema: sch}, opts.Out, opts.IO.Out)
	if err != nil {
		return err
	}
	if opts.Out != "-" && !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "exported %d %s record(s) (%s) to %s\n", n, opts.Class, ref, opts.Out)
	}
	return nil
}

// exportCreateFile creates an output file.
func exportCreateFile(path string) (*os.File, error) { return os.Create(path) }
