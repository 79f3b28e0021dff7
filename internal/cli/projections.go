package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

// projectionSubs are the 'ccc projections' subcommands; the
// projections_*.go files add theirs from init.
var projectionSubs []func(io *IO, g *globalOptions) *cobra.Command

func init() {
	register(50, newCmdProjections)
	projectionSubs = append(projectionSubs, newCmdProjectionsIngest, newCmdProjectionsFind)
}

func newCmdProjections(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "projections",
		Short: "Mesoscale projections: Allen connectivity experiments, grid aggregation, projection matrices",
		Long: `Mesoscale projection data (Allen Mouse Connectivity Atlas and single-cell projection vectors).

  ccc projections ingest allenAtlasProjection_info.csv   experiments into the store
  ccc projections find --region VISp --include-descendants
  ccc projections fetch --cache DIR 100141219 ...        injection summaries and density grids
  ccc projections aggregate --cache DIR --group-by AP IDS  grouped mean volumes (Zarr in the store)
  ccc projections matrix ...                             experiments/cells x regions matrices

See docs/projections.md.`,
	}
	for _, f := range projectionSubs {
		cmd.AddCommand(f(io, g))
	}
	return cmd
}

type projectionsIngestOptions struct {
	IO      *IO
	Global  *globalOptions
	File    string
	Dataset string
}

func newCmdProjectionsIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest FILE",
		Short: "Ingest the Allen projection-info table (allenAtlasProjection_info.csv) as ConnectivityExperiment",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runProjectionsIngest(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset to write")
	addWaitFlag(cmd)
	return cmd
}

func runProjectionsIngest(ctx context.Context, o *projectionsIngestOptions) error {
	exps, err := projection.ReadExperimentsFile(o.File)
	if err != nil {
		return err
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := projection.IngestExperiments(ctx, st, exps, projection.IngestOptions{Dataset: o.Dataset, Source: o.File})
	if err != nil {
		return err
	}
	wt := 0
	for i := range exps {
		if exps[i].WildType() {
			wt++
		}
	}
	fmt.Fprintf(o.IO.Out, "ingested %d experiments (%d wild type, %d transgenic) into %s, version %d\n",
		len(exps), wt, len(exps)-wt, o.Dataset, v.Number)
	return nil
}

type projectionsFindOptions struct {
	IO       *IO
	Global   *globalOptions
	Dataset  string
	Ontology string
	Atlas    string
	Format   string
	Find     projection.FindOptions
	Ref      refFlags
}

func newCmdProjectionsFind(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsFindOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "find",
		Short: "List experiments by injection region (atlas hierarchy), transgenic line or wild type",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runProjectionsFind(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Find.Region, "region", "", "injection region, acronym or id (VISp, 385)")
	f.BoolVar(&opts.Find.IncludeDescendants, "include-descendants", false, "also match regions below --region in the atlas hierarchy")
	f.StringVar(&opts.Find.Line, "line", "", "transgenic line (e.g. Rbp4-Cre_KL100)")
	f.BoolVar(&opts.Find.WildType, "wild-type", false, "only wild-type mice")
	f.StringVar(&opts.Format, "format", projection.FormatTable, "output format: table, csv or json")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset holding the experiments")
	f.StringVar(&opts.Ontology, "ontology", "", "region ontology file (default: the atlas in the store, else the Allen CCF 2017)")
	f.StringVar(&opts.Atlas, "atlas", "", "atlas name in the store")
	opts.Ref.add(cmd)
	return cmd
}

// projectionOntology finds the ontology: --ontology FILE, the atlas in the
// store, else the default Allen CCF ontology.
func projectionOntology(st *store.Store, ref store.Ref, file, name string) (*atlas.Ontology, error) {
	if file != "" {
		return atlas.LoadOntology(file, atlas.LoadOptions{})
	}
	a, err := atlas.Open(st, ref, name)
	if err == nil {
		return a.Ontology, nil
	}
	if name != "" || !errors.Is(err, atlas.ErrNoAtlas) {
		return nil, err
	}
	ont, derr := atlas.LoadDefault()
	if derr != nil {
		return nil, fmt.Errorf("%w\n  hint: load one with 'ccc atlas load structure_tree_safe_2017.csv' or pass --ontology FILE", err)
	}
	return ont, nil
}

func runProjectionsFind(ctx context.Context, o *projectionsFindOptions) error {
	switch o.Format {
	case projection.FormatTable, projection.FormatCSV, projection.FormatJSON:
	default:
		return usageErr("unknown --format %q (table, csv or json)", o.Format)
	}
	ref, err := o.Ref.ref()
	if err != nil {
		return err
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	exps, err := projection.LoadExperiments(ctx, st, ref, o.Dataset)
	if err != nil {
		return err
	}
	var ont *atlas.Ontology
	if o.Find.Region != "" {
		if ont, err = projectionOntology(st, ref, o.Ontology, o.Atlas); err != nil {
			return err
		}
	}
	found, err := projection.Find(exps, ont, o.Find)
	if err != nil {
		return err
	}
	return projection.WriteExperiments(o.IO.Out, o.Format, found)
}
