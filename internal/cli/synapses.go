package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

func init() { register(30, newCmdSynapses) }

func newCmdSynapses(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synapses",
		Short: "EM synapse tables (CAVE shape): ingest, versioned queries, per-pair counts, connectivity matrices",
		Long: `EM synapse tables in CAVE's shape (MICrONS minnie65, FlyWire, H01), held locally and versioned.

Ingest writes the Synapse table (Parquet, sorted by pre root id) and a graph index
(memory-mapped CSR by pre and by post) in one store version; queries on root-id sets
answer in milliseconds at 10^8 rows, unlimited and streamed (no silent truncation).`,
		Example: `  ccc synth synapses --neurons 10000 --synapses 2000000 --out synth
  ccc synapses ingest --dataset minnie synth/synapses.parquet
  ccc synapses cells ingest --dataset minnie --kind celltype --source automated synth/cell_types_automated.csv
  ccc synapses cells ingest --dataset minnie --kind proofreading synth/proofreading_status.csv
  ccc synapses query --pre 864691135808473885 --group-by pair --format table
  ccc synapses query --proofread subgraph --remove-autapses --out proof.parquet --format parquet
  ccc synapses matrix --proofread subgraph --value binary --png proof.png`,
	}
	cmd.AddCommand(newCmdSynapsesIngest(io, g), newCmdSynapsesCells(io, g), newCmdSynapsesVersions(io, g),
		newCmdSynapsesQuery(io, g), newCmdSynapsesDegree(io, g), newCmdSynapsesMatrix(io, g), newCmdSynapsesBench(io, g))
	return cmd
}

// synapsesIngestOptions are the flags of 'ccc synapses ingest'.
type synapsesIngestOptions struct {
	IO          *IO
	Global      *globalOptions
	Dataset     string
	Resolution  string
	DropUnknown bool
	Message     string
	MemoryLimit string
	Files       []string
}

func newCmdSynapsesIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest [--dataset D] [--resolution X,Y,Z] FILE...",
		Short: "Ingest synapse tables (CSV, Parquet, Arrow/Feather) into one new store version",
		Long: `Reads CAVE-shaped synapse tables: id, pre_pt_root_id, post_pt_root_id, size,
pre/post/ctr positions as "[x, y, z]" lists or split _x/_y/_z columns, supervoxel ids,
valid, created. Every value is checked; a bad one stops the ingest with file, line,
row and column, and nothing is stored. --resolution is the size of one position unit
in nm (default 4,4,40, MICrONS voxels); queries convert with --desired-resolution.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			return runSynapsesIngest(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "synapses", "dataset name")
	cmd.Flags().StringVar(&opts.Resolution, "resolution", "4,4,40", "nm per position unit of the input files (X,Y,Z)")
	cmd.Flags().BoolVar(&opts.DropUnknown, "drop-unknown", false, "do not list input columns that are not Synapse slots (deprecated)")
	_ = cmd.Flags().MarkDeprecated("drop-unknown", "columns that map to no slot are never stored; ingest names them and goes on")
	cmd.Flags().StringVarP(&opts.Message, "message", "m", "", "message recorded with the version")
	cmd.Flags().StringVar(&opts.MemoryLimit, "memory-limit", "", "memory budget of the process, e.g. 4GB: 60% for DuckDB's sort, 25% Go heap (default: DuckDB's 80% of RAM)")
	addWaitFlag(cmd)
	return cmd
}

// unmappedNote prints the columns of a file that map to no slot (not
// stored), as the generic ingest's summary does; -q silences it.
func unmappedNote(io *IO, g *globalOptions) func(string, []string) {
	return func(file string, cols []string) {
		if !g.Quiet {
			fmt.Fprintf(io.ErrOut, "%s: unmapped input columns (not stored): %s\n", file, strings.Join(cols, ", "))
		}
	}
}

func openOrInitStore(io *IO, g *globalOptions) (*store.Store, error) {
	return store.Init(g.StorePath(io))
}

func runSynapsesIngest(ctx context.Context, opts *synapsesIngestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := synapse.ParseResolution(opts.Resolution)
	if err != nil {
		return err
	}
	memLimit, restore, err := applyMemoryLimit(opts.MemoryLimit)
	if err != nil {
		return err
	}
	defer restore()
	st, err := openOrInitStore(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	msg := opts.Message
	if msg == "" {
		msg = "synapses ingest " + strings.Join(opts.Files, " ")
	}
	r, err := synapse.Ingest(ctx, st, synapse.StoreIngestOptions{Dataset: opts.Dataset, Files: opts.Files, Resolution: res,
		DropUnknown: opts.DropUnknown, Message: msg, MemoryLimit: memLimit,
		Unmapped: unmappedNote(opts.IO, opts.Global),
		Stage: func(m string) {
			if !opts.Global.Quiet {
				fmt.Fprintf(opts.IO.ErrOut, "synapses ingest: %s...\n", m)
			}
		},
		Params: map[string]any{"resolution": res.Slice(), "drop_unknown": opts.DropUnknown}})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "ingested %d synapses among %d neurons into dataset %s, version %d (resolution %g x %g x %g nm)\n",
		r.Rows, r.Neurons, opts.Dataset, r.Version.Number, res[0], res[1], res[2])
	return nil
}

// synapsesCellsOptions are the flags of 'ccc synapses cells ingest|show'.
type synapsesCellsOptions struct {
	IO          *IO
	Global      *globalOptions
	Dataset     string
	Kind        string
	Source      string
	DropUnknown bool
	IDColumn    string
	File        string
	Proofread   string
	Format      string
	Out         string
	ref         refFlags
}

func newCmdSynapsesCells(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cells",
		Short: "Cell-type (manual, automated) and proofreading tables of a synapse dataset",
	}
	opts := &synapsesCellsOptions{IO: io, Global: g}
	in := &cobra.Command{
		Use:   "ingest --kind celltype|proofreading [--source manual|automated] FILE",
		Short: "Ingest a cell-type or proofreading table (CAVE shape) into the dataset",
		Long: `--kind celltype reads a CAVE cell-type table (allen_v1_column_types_slanted_ref,
aibs_metamodel_celltypes_v661): nucleus id (target_id, nucleus_id or id_ref), pt_root_id,
cell_type, classification_system, pt_position. Manual and automated tables are kept side
by side (--source): a nucleus may have one label per source, so a nucleus id repeated
within one file is an error naming the rows (the stored CellTypeAnnotation table is keyed
by nucleus id and source). --kind proofreading reads proofreading_status_and_strategy:
id, pt_root_id, status_axon, status_dendrite (t/f or non/clean/extended), strategy_axon, ...
(ids unique). --id-column names the id column when it has another name.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runSynapsesCellsIngest(c.Context(), opts)
		},
	}
	in.Flags().StringVar(&opts.Dataset, "dataset", "synapses", "dataset name (the one holding the synapses)")
	in.Flags().StringVar(&opts.Kind, "kind", "", "celltype or proofreading (required)")
	in.Flags().StringVar(&opts.Source, "source", "automated", "cell-type source: manual or automated")
	in.Flags().BoolVar(&opts.DropUnknown, "drop-unknown", false, "do not list columns that are not slots of the class (deprecated)")
	_ = in.Flags().MarkDeprecated("drop-unknown", "columns that map to no slot are never stored; ingest names them and goes on")
	in.Flags().StringVar(&opts.IDColumn, "id-column", "", "input column holding the nucleus id (celltype) or annotation id (proofreading)")
	show := &cobra.Command{
		Use:   "show [--proofread axon|dendrite|both]",
		Short: "Print the unified cell-type view (automated and manual labels, 'unsure' where missing)",
		Long: `One row per root id: the outer join of automated and manual cell types, as in the CAVE
tutorial; a root with several nuclei in one table loses that table's label. --proofread keeps proofread neurons only
(their ids can feed --pre @FILE / --post @FILE).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesCellsShow(c.Context(), opts)
		},
	}
	show.Flags().StringVar(&opts.Dataset, "dataset", "", "dataset (default: the only one with synapses)")
	show.Flags().StringVar(&opts.Proofread, "proofread", "", "only neurons with a proofread axon, dendrite or both")
	show.Flags().StringVar(&opts.Format, "format", "csv", "csv, json, table or parquet")
	show.Flags().StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of stdout")
	opts.ref.add(show)
	addWaitFlag(in)
	cmd.AddCommand(in, show)
	return cmd
}

func runSynapsesCellsIngest(ctx context.Context, opts *synapsesCellsOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	kind := synapse.CellKind(opts.Kind)
	if kind != synapse.KindCellType && kind != synapse.KindProofreading {
		return usageErr("--kind %q: want celltype or proofreading", opts.Kind)
	}
	st, err := openOrInitStore(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	v, n, err := synapse.IngestCells(ctx, st, opts.Dataset, opts.File,
		synapse.CellTableOptions{Kind: kind, Source: opts.Source, DropUnknown: opts.DropUnknown, IDColumn: opts.IDColumn,
			Unmapped: unmappedNote(opts.IO, opts.Global)},
		fmt.Sprintf("synapses cells ingest --kind %s %s", kind, opts.File))
	if err != nil {
		return err
	}
	what := "proofreading rows"
	if kind == synapse.KindCellType {
		what = "cell-type rows (all sources)"
	}
	fmt.Fprintf(opts.IO.Out, "stored %d %s in dataset %s, version %d\n", n, what, opts.Dataset, v.Number)
	return nil
}

// outputTarget opens --out (or stdout) for a row writer.
func outputTarget(io *IO, format, out string) (synapse.RowWriter, func() error, error) {
	var w = io.Out
	closeFn := func() error { return nil }
	if out != "" && format != "parquet" {
		f, err := os.Create(out)
		if err != nil {
			return nil, nil, err
		}
		w = f
		closeFn = f.Close
	}
	rw, err := synapse.NewRowWriter(format, w, out)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return rw, closeFn, nil
}

func openSynapseDataset(io *IO, g *globalOptions, ref refFlags, dataset string) (*store.Store, *synapse.Dataset, error) {
	r, err := ref.ref()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(g.StorePath(io))
	if err != nil {
		return nil, nil, err
	}
	ds, err := synapse.OpenDataset(st, r, dataset)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, ds, nil
}

func runSynapsesCellsShow(ctx context.Context, opts *synapsesCellsOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, ds, err := openSynapseDataset(opts.IO, opts.Global, opts.ref, opts.Dataset)
	if err != nil {
		return err
	}
	defer st.Close()
	defer ds.Close()
	cells, err := ds.Cells(ctx)
	if err != nil {
		return err
	}
	rw, closeFn, err := outputTarget(opts.IO, opts.Format, opts.Out)
	if err != nil {
		return err
	}
	n, err := synapse.WriteCellView(cells, opts.Proofread, rw)
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "%d cells (%d roots with several nuclei dropped)\n", n, len(cells.MultiNucleus))
	}
	return nil
}

// synapsesVersionsOptions are the flags of 'ccc synapses versions'.
type synapsesVersionsOptions struct {
	IO      *IO
	Global  *globalOptions
	Dataset string
	Format  string
}

func newCmdSynapsesVersions(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesVersionsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "versions [--dataset D]",
		Short: "Materialization versions: the store versions that wrote synapse datasets, with timestamps",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesVersions(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "", "only this dataset")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table or json")
	return cmd
}

// synapseVersion is one line of 'ccc synapses versions'.
type synapseVersion struct {
	Version  int    `json:"version"`
	Time     string `json:"time"`
	Dataset  string `json:"dataset"`
	Synapses int64  `json:"synapses"`
	Cells    int64  `json:"cell_types"`
	Proof    int64  `json:"proofreading"`
	Message  string `json:"message,omitempty"`
}

func runSynapsesVersions(opts *synapsesVersionsOptions) error {
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	vs, err := st.Versions(opts.Dataset)
	if err != nil {
		return err
	}
	var out []synapseVersion
	for _, v := range vs {
		ds := v.Datasets[v.Dataset]
		if ds == nil || ds.Tables[synapse.ClassSynapse] == nil {
			continue
		}
		sv := synapseVersion{Version: v.Number, Time: v.Time.UTC().Format("2006-01-02 15:04:05.000000+00:00"), Dataset: v.Dataset,
			Synapses: ds.Tables[synapse.ClassSynapse].Rows, Message: v.Message}
		if t := ds.Tables[synapse.ClassCellType]; t != nil {
			sv.Cells = t.Rows
		}
		if t := ds.Tables[synapse.ClassProofreading]; t != nil {
			sv.Proof = t.Rows
		}
		out = append(out, sv)
	}
	return printSynapseVersions(opts.IO.Out, opts.Format, out)
}

func printSynapseVersions(w io.Writer, format string, vs []synapseVersion) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if vs == nil {
			vs = []synapseVersion{}
		}
		return enc.Encode(vs)
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tTIME (UTC)\tDATASET\tSYNAPSES\tCELL TYPES\tPROOFREAD\tMESSAGE")
		for _, v := range vs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\n", v.Version, v.Time, v.Dataset, v.Synapses, v.Cells, v.Proof, v.Message)
		}
		return tw.Flush()
	}
	return usageErr("--format %q: want table or json", format)
}
