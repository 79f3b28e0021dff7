package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/cells"
)

func init() {
	synthSubcommands = append(synthSubcommands, newCmdSynthCells)
}

type synthCellsOptions struct {
	IO     *IO
	Global *globalOptions
	Out    string
	Synth  cells.SynthOptions
}

func newCmdSynthCells(io *IO, g *globalOptions) *cobra.Command {
	opts := &synthCellsOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "cells",
		Short: "Write an ABC-like cell set: 4-level taxonomy, spatial cells in CCF regions, BARseq projections, EM crosswalk",
		Long: `Writes, deterministically per seed:
  abc/cluster_annotation_term.csv, abc/cluster_to_cluster_annotation_membership.csv
                          a 4-level taxonomy (class > subclass > supertype > cluster)
  spatial_cells.csv       MERFISH-like cells: cell_label, x, y, z (CCF um), parcellation_substructure,
                          cluster_alias, score; placed in the labelled voxels of the synthetic
                          100 um annotation volume of 'ccc quickstart' (atlas.DemoBoxes)
  barseq_cells.csv, barseq_projections.csv
                          BARseq-like cells with a cluster and barcode counts per target region
  em_cells.csv, em_types.csv, em_crosswalk.csv
                          EM nuclei with EM cell types, the types as a one-level taxonomy,
                          and EM type -> subclass mappings with scores`,
		Example: `  ccc synth cells --out cells-demo --seed 1
  ccc taxonomy load --name wmb-synth --membership cells-demo/abc/cluster_to_cluster_annotation_membership.csv cells-demo/abc/cluster_annotation_term.csv
  ccc cells ingest --dataset merfish --modality TRANSCRIPTOMICS --taxonomy wmb-synth --score-col score cells-demo/spatial_cells.csv`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynthCells(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "synth-cells", "output directory")
	f.Int64Var(&opts.Synth.Seed, "seed", 1, "random seed")
	f.IntVar(&opts.Synth.Classes, "classes", 5, "taxonomy classes")
	f.IntVar(&opts.Synth.Spatial, "spatial", 5000, "spatial (MERFISH-like) cells")
	f.IntVar(&opts.Synth.BARseq, "barseq", 300, "BARseq-like cells")
	f.IntVar(&opts.Synth.EM, "em", 200, "EM nuclei")
	return cmd
}

func runSynthCells(opts *synthCellsOptions) error {
	s := opts.Synth
	if s.Classes < 1 || s.Spatial < 1 || s.BARseq < 1 || s.EM < 1 {
		return usageErr("--classes, --spatial, --barseq and --em must be at least 1")
	}
	sum, err := cells.WriteSynthetic(opts.Out, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "wrote a %d-cluster taxonomy (%v class/subclass/supertype/cluster), %d spatial cells (%d labelled with the parent region, %d unassigned), %d BARseq cells, %d EM nuclei to %s\n",
		sum.Clusters, sum.LevelCounts, sum.Spatial, sum.Disagree, sum.NoLabel, sum.BARseq, sum.EM, sum.Dir)
	for _, f := range sum.Files {
		fmt.Fprintf(opts.IO.Out, "  %s\n", f)
	}
	return nil
}
