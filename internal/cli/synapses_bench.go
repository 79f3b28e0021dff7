package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/synapse"
)

// synapsesBenchOptions are the flags of 'ccc synapses bench' (a developer
// command used by bench/synapses.sh).
type synapsesBenchOptions struct {
	IO      *IO
	Global  *globalOptions
	Dataset string
	Set     string
	Neuron  int64
	Repeats int
	Threads int
	NoSQL   bool
	ref     refFlags
}

// newCmdSynapsesBench is 'ccc synapses bench', hidden from help (a
// developer command, see bench/synapses.sh).
func newCmdSynapsesBench(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesBenchOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:    "bench [--set IDS|@FILE] [--neuron ID]",
		Short:  "Time the CAVE tutorial's queries with the graph index and with plain DuckDB SQL over the same Parquet",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesBench(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", "", "dataset (default: the only one with synapses)")
	cmd.Flags().StringVar(&opts.Set, "set", "", "neuron set of (a) and (d) (default: neurons with proofread axons)")
	cmd.Flags().Int64Var(&opts.Neuron, "neuron", 0, "neuron of (b) and (c) (default: median out-degree member of the set)")
	cmd.Flags().IntVar(&opts.Repeats, "repeats", 5, "timed runs per query")
	cmd.Flags().IntVar(&opts.Threads, "threads", 0, "DuckDB threads (default all cores)")
	cmd.Flags().BoolVar(&opts.NoSQL, "no-sql", false, "skip the DuckDB peer")
	opts.ref.add(cmd)
	return cmd
}

func runSynapsesBench(ctx context.Context, opts *synapsesBenchOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, ds, err := openSynapseDataset(opts.IO, opts.Global, opts.ref, opts.Dataset)
	if err != nil {
		return err
	}
	defer st.Close()
	defer ds.Close()
	var set []int64
	if opts.Set != "" {
		if set, err = synapse.ParseIDs("--set", opts.Set); err != nil {
			return err
		}
	} else {
		cells, err := ds.Cells(ctx)
		if err != nil {
			return err
		}
		if set, err = cells.Proofread("axon"); err != nil {
			return err
		}
		if len(set) == 0 {
			return usageErr("no proofreading table: give --set IDS|@FILE")
		}
	}
	rep, err := ds.RunBench(ctx, synapse.BenchOptions{Set: set, Neuron: opts.Neuron, Repeats: opts.Repeats, Threads: opts.Threads, NoSQL: opts.NoSQL})
	if err != nil {
		return err
	}
	rep.Print(opts.IO.Out)
	fmt.Fprintf(opts.IO.Out, "table: %s\n", ds.Table)
	return nil
}
