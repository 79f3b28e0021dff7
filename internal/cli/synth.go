package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/synapse/synth"
)

func init() { register(80, newCmdSynth) }

// synthSynapsesOptions are the flags of 'ccc synth synapses'.
type synthSynapsesOptions struct {
	IO       *IO
	Global   *globalOptions
	Neurons  int
	Synapses int64
	Seed     uint64
	Minimal  bool
	Out      string
}

func newCmdSynth(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Generate realistic synthetic datasets (for demos, tests and benchmarks)",
	}
	opts := &synthSynapsesOptions{IO: io, Global: g}
	sc := &cobra.Command{
		Use:   "synapses",
		Short: "Write a MICrONS-like synapse table, cell-type tables and a proofreading table",
		Long: `Writes DIR/synapses.parquet (CAVE synapse-table columns, positions in 4 x 4 x 40 nm voxels),
DIR/cell_types_automated.csv, DIR/cell_types_manual.csv and DIR/proofreading_status.csv.
Root ids are 18-digit 864691... ids, in/out degrees heavy-tailed, positions clustered around
each postsynaptic soma, sizes log-normal, cell types in MICrONS proportions. The same seed gives
the same files. 100M synapses take about a minute per core with --minimal.`,
		Example: `  ccc synth synapses --neurons 10000 --synapses 2000000 --seed 1 --out synth
  ccc synapses ingest --dataset synth synth/synapses.parquet`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynthSynapses(c.Context(), opts)
		},
	}
	sc.Flags().IntVar(&opts.Neurons, "neurons", 10000, "neurons that make synapses")
	sc.Flags().Int64Var(&opts.Synapses, "synapses", 1000000, "synapse rows")
	sc.Flags().Uint64Var(&opts.Seed, "seed", 1, "random seed")
	sc.Flags().BoolVar(&opts.Minimal, "minimal", false, "write only id, size, root ids and ctr position (faster, for benchmarks)")
	sc.Flags().StringVar(&opts.Out, "out", "synth-synapses", "output directory")
	cmd.AddCommand(sc)
	for _, f := range synthSubcommands {
		cmd.AddCommand(f(io, g))
	}
	return cmd
}

// synthSubcommands are added by other files (e.g. 'synth cells').
var synthSubcommands []func(io *IO, g *globalOptions) *cobra.Command

func runSynthSynapses(ctx context.Context, opts *synthSynapsesOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Neurons < 2 {
		return usageErr("--neurons must be at least 2, got %d", opts.Neurons)
	}
	if opts.Synapses < 0 {
		return usageErr("--synapses must not be negative")
	}
	bar := progress.New(opts.IO.ErrOut, "synth synapses", "rows", opts.Synapses, opts.Global.Quiet)
	done := int64(0)
	sum, err := synth.Generate(ctx, synth.Options{
		Neurons: opts.Neurons, Synapses: opts.Synapses, Seed: opts.Seed, Minimal: opts.Minimal,
		Progress: func(rows int64) { bar.Add(rows - done); done = rows },
	}, opts.Out)
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "wrote %d synapses among %d neurons, %d cells (%d manual), %d proofread (%d axons) to %s\n",
		sum.Synapses, sum.Neurons, sum.Cells, sum.ManualCells, sum.Proofread, sum.ProofreadAxons, sum.Dir)
	for _, f := range sum.Files {
		fmt.Fprintf(opts.IO.Out, "  %s\n", f)
	}
	return nil
}
