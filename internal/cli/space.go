package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { register(42, newCmdSpace) }

func newCmdSpace(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "space",
		Short: "Coordinate spaces (CCF um and voxels, stereotaxic from bregma) and transforms between them (docs/spaces.md)",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the coordinate spaces (built-in and registered in the store) with their axes, unit, convention and source",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			reg, err := spaceRegistry(c.Context(), io, g)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "space\taxes\tunit\tconvention\tsource\ttransform")
			for _, n := range reg.Names() {
				s, _ := reg.Lookup(n)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n, strings.Join(s.Axes[:], ", "), s.Unit, s.Convention, s.Source, s.TransformName())
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(newCmdSpaceAdd(io, g))
	cmd.AddCommand(newCmdSpaceTransform(io, g))
	return cmd
}

type spaceTransformOptions struct {
	IO        *IO
	Global    *globalOptions
	Ctx       context.Context
	From, To  string
	Landmarks string
	Points    []string
}

func newCmdSpaceTransform(io *IO, g *globalOptions) *cobra.Command {
	opts := &spaceTransformOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "transform --from SPACE --to SPACE X,Y,Z... | --landmarks PAIRS.csv [X,Y,Z...]",
		Short: "Map points between spaces, or fit an affine from landmark pairs (with its residual)",
		Long: `With --from and --to: map each point X,Y,Z (axes and units of the spaces, see
'ccc space list') through the CCF. With --landmarks: fit the affine taking the
CSV's source columns x,y,z to its target columns X,Y,Z (at least 4 pairs, not
coplanar), print it with the residual (RMS and max distance, target units) and
map the points given with it.`,
		Example: `  ccc space transform --from stereotaxic_bregma_mm --to ccf_um -- -3.8,2.5,-0.5
  ccc space transform --landmarks em_to_ccf_landmarks.csv 512000,300000,21000`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Ctx, opts.Points = c.Context(), args
			return runSpaceTransform(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "source space")
	cmd.Flags().StringVar(&opts.To, "to", "", "target space")
	cmd.Flags().StringVar(&opts.Landmarks, "landmarks", "", "CSV of landmark pairs: x,y,z (source), X,Y,Z (target)")
	return cmd
}

func runSpaceTransform(opts *spaceTransformOptions) error {
	var a space.Affine
	switch {
	case opts.Landmarks != "" && (opts.From != "" || opts.To != ""):
		return usageErr("give --landmarks or --from/--to, not both")
	case opts.Landmarks != "":
		src, dst, err := readLandmarks(opts.Landmarks)
		if err != nil {
			return err
		}
		fit, res, err := space.FitAffine(src, dst)
		if err != nil {
			return err
		}
		a = fit
		fmt.Fprintf(opts.IO.Out, "affine fitted from %d landmark pairs (target = M source + t):\n", len(src))
		for _, r := range a {
			fmt.Fprintf(opts.IO.Out, "  %14.8g %14.8g %14.8g   %14.8g\n", r[0], r[1], r[2], r[3])
		}
		fmt.Fprintf(opts.IO.Out, "residual: RMS %.6g, max %.6g (landmark row %d)\n", res.RMS, res.Max, res.Worst+1)
	case opts.From == "" || opts.To == "":
		return usageErr("give --from and --to (spaces: %s), or --landmarks", strings.Join(space.Names(), ", "))
	default:
		reg, err := spaceRegistry(opts.Ctx, opts.IO, opts.Global)
		if err != nil {
			return err
		}
		from, err := reg.Lookup(opts.From)
		if err != nil {
			return err
		}
		to, err := reg.Lookup(opts.To)
		if err != nil {
			return err
		}
		if a, err = space.Transform(from, to); err != nil {
			return err
		}
		if len(opts.Points) == 0 {
			return usageErr("give points X,Y,Z to map")
		}
	}
	for i, p := range opts.Points {
		f := strings.Split(p, ",")
		var v [3]float64
		ok := len(f) == 3
		for k := 0; ok && k < 3; k++ {
			var err error
			v[k], err = strconv.ParseFloat(strings.TrimSpace(f[k]), 64)
			ok = err == nil && !isNaNOrInf(v[k])
		}
		if !ok {
			return usageErr("point %d %q: want three numbers X,Y,Z", i+1, p)
		}
		q := a.Apply(v)
		fmt.Fprintf(opts.IO.Out, "%g,%g,%g -> %.6g,%.6g,%.6g\n", v[0], v[1], v[2], q[0], q[1], q[2])
	}
	return nil
}

func isNaNOrInf(x float64) bool { return x != x || x > 1e308 || x < -1e308 }

// readLandmarks reads x,y,z,X,Y,Z columns (header required).
func readLandmarks(path string) ([][3]float64, [][3]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: -1, Msg: "cannot open the file", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: -1, Msg: "not a CSV file", Kind: ccc.ErrFormat, Err: err}
	}
	if len(recs) == 0 {
		return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: -1, Msg: "empty file", Hint: "columns x,y,z,X,Y,Z", Kind: ccc.ErrFormat}
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[strings.TrimSpace(h)] = i
	}
	var cols [6]int
	for k, name := range []string{"x", "y", "z", "X", "Y", "Z"} {
		i, ok := idx[name]
		if !ok {
			return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: 0, Field: name, Msg: "no column " + name,
				Hint: "the header must name x,y,z (source) and X,Y,Z (target)", Kind: ccc.ErrFormat}
		}
		cols[k] = i
	}
	var src, dst [][3]float64
	for r, rec := range recs[1:] {
		var v [6]float64
		for k, c := range cols {
			if c >= len(rec) {
				return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: r + 2, Msg: "short row", Kind: ccc.ErrFormat}
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(rec[c]), 64)
			if err != nil || isNaNOrInf(x) {
				return nil, nil, &ccc.Error{Op: "read landmarks", Path: path, Row: r + 2, Field: recs[0][c], Value: rec[c], Msg: "not a finite number", Kind: ccc.ErrInvalidData}
			}
			v[k] = x
		}
		src = append(src, [3]float64{v[0], v[1], v[2]})
		dst = append(dst, [3]float64{v[3], v[4], v[5]})
	}
	return src, dst, nil
}

// spaceRegistry returns the built-in spaces and those registered in the
// store's latest version; without a store (none at the default path), the
// built-in ones.
func spaceRegistry(ctx context.Context, io *IO, g *globalOptions) (*space.Registry, error) {
	p := g.StorePath(io)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) && g.StoreDir == "" && io.Getenv("CCC_STORE") == "" {
		return space.Builtins(), nil
	}
	st, err := openStoreCLI(io, g)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return storeSpaces(ctx, st)
}

// storeSpaces is the registry of the store's latest version.
func storeSpaces(ctx context.Context, st *store.Store) (*space.Registry, error) {
	sn, err := st.Snapshot(store.Ref{})
	if err != nil {
		return nil, err
	}
	return space.Load(ctx, sn)
}
