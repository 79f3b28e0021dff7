package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

type spaceAddOptions struct {
	IO        *IO
	Global    *globalOptions
	Ctx       context.Context
	Def       space.Definition
	Axes      string
	Matrix    string
	Landmarks string
}

func newCmdSpaceAdd(io *IO, g *globalOptions) *cobra.Command {
	opts := &spaceAddOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "add NAME --to SPACE (--matrix M | --landmarks PAIRS.csv)",
		Short: "Register a coordinate space in the store with its affine to a known space (given, or fitted from landmark pairs)",
		Long: `Registers NAME (e.g. a data set's own voxel space such as MICrONS nm) in the
store: a new version of dataset "spaces" whose CoordinateSpace table holds every
registered space. The affine maps NAME's coordinates to those of the --to space
(built-in or registered; 'ccc space list'); it is given with --matrix (12
numbers: a 3 x 4 matrix row by row, M11,M12,M13,t1,M21,...; or 16: a 4 x 4
ending 0,0,0,1) or fitted by least squares from --landmarks (CSV columns
x,y,z in NAME, X,Y,Z in the --to space; at least 4 pairs not in one plane),
with the residual printed and stored. The affine to the CCF is composed now
and kept. A name already registered needs --replace (its transform version,
recorded by every located row, grows by one).`,
		Example: `  ccc space add minnie65_nm --to ccf_um --matrix "0.001,0,0,4000, 0,0.001,0,300, 0,0,0.001,5000" --unit nm
  ccc space add minnie65_nm --to ccf_um --landmarks minnie_ccf_landmarks.csv --replace`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Ctx, opts.Def.Name = c.Context(), args[0]
			return runSpaceAdd(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Def.Target, "to", "", "the known space the affine maps to (required)")
	f.StringVar(&opts.Matrix, "matrix", "", "the affine NAME -> --to: 12 or 16 numbers, row by row")
	f.StringVar(&opts.Landmarks, "landmarks", "", "CSV of landmark pairs to fit the affine from: x,y,z (NAME), X,Y,Z (--to space)")
	f.StringVar(&opts.Axes, "axes", "x,y,z", "the three axis names of NAME, comma-separated")
	f.StringVar(&opts.Def.Unit, "unit", "", "unit of NAME's coordinates (e.g. nm, um, voxel)")
	f.StringVar(&opts.Def.Convention, "convention", "", "origin and orientation of NAME, in words")
	f.StringVar(&opts.Def.Source, "source", "", "where the transform comes from")
	f.StringVar(&opts.Def.Description, "description", "", "free text")
	f.BoolVar(&opts.Def.Replace, "replace", false, "replace a registered space of that name (new transform version)")
	return cmd
}

func runSpaceAdd(opts *spaceAddOptions) error {
	d := &opts.Def
	if err := store.ValidName(store.NameDataset, d.Name); err != nil {
		return err
	}
	if d.Target == "" {
		return usageErr("--to SPACE is required: the known space the affine maps to ('ccc space list')")
	}
	axes := strings.Split(opts.Axes, ",")
	if len(axes) != 3 {
		return usageErr("--axes %q: give three names, comma-separated", opts.Axes)
	}
	for i := range axes {
		d.Axes[i] = strings.TrimSpace(axes[i])
	}
	switch {
	case (opts.Matrix == "") == (opts.Landmarks == ""):
		return usageErr("give the affine with --matrix or fit it with --landmarks (one of them)")
	case opts.Matrix != "":
		a, err := space.ParseAffine(opts.Matrix)
		if err != nil {
			return err
		}
		d.Affine = a
	default:
		src, dst, err := readLandmarks(opts.Landmarks)
		if err != nil {
			return err
		}
		if d.Affine, d.Fit, err = space.FitAffine(src, dst); err != nil {
			return fmt.Errorf("%s: %w", opts.Landmarks, err)
		}
		d.Landmarks = len(src)
		if d.Source == "" {
			d.Source = "fitted from " + opts.Landmarks
		}
	}
	st, err := openStoreCLI(opts.IO, opts.Global)
	if err != nil {
		return err
	}
	defer st.Close()
	s, v, err := space.Add(opts.Ctx, st, *d)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	if d.Landmarks > 0 {
		fmt.Fprintf(w, "affine fitted from %d landmark pairs; residual: RMS %.6g, max %.6g %s-units (landmark row %d)\n", d.Landmarks, d.Fit.RMS, d.Fit.Max, d.Target, d.Fit.Worst+1)
	}
	fmt.Fprintf(w, "space %s registered (transform %s, store version %d); to ccf_um (AP, DV, ML um = M p + t):\n", s.Name, s.TransformName(), v)
	for _, r := range s.ToCCF {
		fmt.Fprintf(w, "  %14.8g %14.8g %14.8g   %14.8g\n", r[0], r[1], r[2], r[3])
	}
	return nil
}
