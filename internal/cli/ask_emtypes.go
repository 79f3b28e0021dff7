package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/crossmodal"
)

func init() { askSubcommands = append(askSubcommands, newCmdAskEMTypes) }

type askEMTypesOptions struct {
	IO       *IO
	Global   *globalOptions
	Q        crossmodal.EMTypesOptions
	Format   string
	Out      string
	PrintSQL bool
	Ref      refFlags
}

func newCmdAskEMTypes(io *IO, g *globalOptions) *cobra.Command {
	opts := &askEMTypesOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "em-types-projections (--region REGION | --space SPACE) [--dataset EM] [--matrix NAME]",
		Short: "EM cell types per region with the mesoscale projection profile of that region",
		Long: `Places the EM cells (CellTypeAnnotation, e.g. MICrONS) in the CCF, either by
declaring the region of the whole EM volume (--region VISp) or through a
coordinate space whose affine maps their pt_position to the CCF (--space NAME,
built-in or registered with 'ccc space add'; the atlas's finest annotation
volume gives each cell's region). For each region and cell type it counts the
cells (a nucleus once per label) and gives the projection profile of the
region: the --stat of the experiments x regions matrix over the tracer
experiments injected in the region or below, or, when none, in its nearest
ancestor holding such experiments (profile_region, levels_up), one row per
target region. Cells outside the volume are listed without a region.
Columns: ` + strings.Join(crossmodal.EMTypesColumns, ", ") + `.`,
		Example: `  ccc ask em-types-projections --region VISp
  ccc ask em-types-projections --space minnie65_vox --format parquet --out em_types.parquet
  ccc ask em-types-projections --region VISp --print-sql    # the SQL, for ccc query`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runAskEMTypes(c.Context(), opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.Q.Region, "region", "", "declared region of the whole EM volume: acronym or structure id")
	f.StringVar(&opts.Q.Space, "space", "", "coordinate space of the cells' pt_position (ccc space list)")
	f.StringVar(&opts.Q.Dataset, "dataset", "", "EM dataset with CellTypeAnnotation (default: the only one)")
	f.StringVar(&opts.Q.Matrix, "matrix", "", "experiments x regions projection matrix (default: the only one)")
	f.StringVar(&opts.Q.Atlas, "atlas", "", "atlas (default: the only one)")
	f.StringVar(&opts.Q.Stat, "stat", "mean", "statistic over the profile experiments: mean, median or max")
	f.StringVar(&opts.Format, "format", "table", "table, csv, json or parquet (parquet needs --out)")
	f.StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of standard output")
	f.BoolVar(&opts.PrintSQL, "print-sql", false, "print the SQL statement (for 'ccc query') instead of running it")
	opts.Ref.add(cmd)
	return cmd
}

func runAskEMTypes(ctx context.Context, opts *askEMTypesOptions) error {
	e, err := openAsk(ctx, opts.IO, opts.Global, opts.Ref, opts.Format, opts.Out, "", opts.PrintSQL)
	if err != nil {
		return err
	}
	defer e.Close()
	q, err := crossmodal.PrepareEMTypes(ctx, e.st, e.sn, e.db, opts.Q)
	if err != nil {
		return err
	}
	if opts.PrintSQL {
		_, err := fmt.Fprintln(opts.IO.Out, q.SQL+";")
		return err
	}
	answers, err := crossmodal.EMTypes(ctx, e.db, q)
	if err != nil {
		return err
	}
	if err := e.write(ctx, opts.IO.Out, "ask em-types-projections", q.SQL, opts.Format); err != nil {
		return err
	}
	if !opts.Global.Quiet {
		regions := map[int64]bool{}
		for _, a := range answers {
			if a.Region != 0 {
				regions[a.Region] = true
			}
		}
		how := "declared region " + q.RegionAcronym
		if q.Space != "" {
			how = fmt.Sprintf("placed through %s (%d outside the volume or unlabelled)", q.Transform, q.Outside)
		}
		fmt.Fprintf(opts.IO.ErrOut, "%d of %d %s cell-type annotations in %d region(s), %s; profiles from %s/%s (store version %d)\n",
			q.Placed, q.Annotations, q.EMDataset, len(regions), how, q.MatrixDataset, q.Matrix, e.sn.Number())
	}
	return nil
}
