package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/features"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { register(48, newCmdFeatures) }

func newCmdFeatures(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "features",
		Short: "Cell features (Patch-seq electrophysiology, morphology metrics): cells x features matrices with definitions",
	}
	cmd.AddCommand(newCmdFeaturesIngest(io, g))
	return cmd
}

type featuresIngestOptions struct {
	IO          *IO
	Global      *globalOptions
	File        string
	Definitions string
	Ingest      features.IngestOptions
}

func newCmdFeaturesIngest(io *IO, g *globalOptions) *cobra.Command {
	opts := &featuresIngestOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "ingest --set NAME --cells DATASET --definitions DEFS.csv MATRIX.csv",
		Short: "Ingest a cells x features matrix as one feature set (definitions, set, Zarr matrix, long form)",
		Long: `MATRIX.csv has a cell id column (cell_id, or --id-col) and one column per feature;
DEFS.csv defines every feature: feature_name, unit, range_min, range_max, description.
Stored as dataset NAME: CellFeatureDefinition, CellFeatureSet, CellFeatureMatrix
(values in the Zarr artifact features/values.zarr, NaN for missing) and
CellFeatureMeasurement (one row per present value). Unknown cells, undefined
columns and non-numeric values are errors (exit 1); values outside a
definition's range are kept and reported.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runFeaturesIngest(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Ingest.Set, "set", "", "feature set name (its store dataset; required)")
	f.StringVar(&opts.Ingest.Cells, "cells", "", "dataset of the cells (required)")
	f.StringVar(&opts.Definitions, "definitions", "", "feature definitions CSV (required)")
	f.StringVar(&opts.Ingest.Method, "method", "", "extraction_method (software that extracted the features)")
	f.StringVar(&opts.Ingest.Description, "description", "", "feature set description")
	f.StringVar(&opts.Ingest.IDCol, "id-col", "", "cell id column (default cell_id)")
	addWaitFlag(cmd) // --wait DURATION, through the context (store.WithWait)
	return cmd
}

func runFeaturesIngest(ctx context.Context, opts *featuresIngestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Ingest.Set == "" || opts.Ingest.Cells == "" || opts.Definitions == "" {
		return usageErr("give --set NAME, --cells DATASET and --definitions DEFS.csv")
	}
	defs, err := features.ReadDefinitions(opts.Definitions)
	if err != nil {
		return err
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	abs, _ := filepath.Abs(opts.File)
	opts.Ingest.SourceURI = abs
	rep, err := features.Ingest(ctx, st, opts.File, defs, opts.Ingest)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "feature set %s: %d cells x %d features, %d values, %d missing, %d out of range", opts.Ingest.Set, rep.Cells, rep.Features, rep.Values, rep.Missing, rep.OutOfRange)
	if rep.OutOfRange > 0 {
		fmt.Fprintf(opts.IO.Out, " (%s)", strings.Join(rep.OutOfRangeRows, "; "))
	}
	fmt.Fprintf(opts.IO.Out, ", store version %d\n", rep.Version)
	return nil
}
