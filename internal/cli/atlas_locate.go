package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/space"
	"github.com/ccc-connectivity/ccc/store"
)

func init() {
	atlasSubcommands = append(atlasSubcommands, newCmdAtlasLocate, newCmdAtlasRollup)
}

// ---- locate

type atlasLocateOptions struct {
	atlasOptions
	Resolution float64
	Points     []string // "x,y,z" arguments
	File       string   // --points
	Table      string   // --table CLASS in the store
	Dataset    string   // --dataset: only this dataset's rows of --table
	Cols       []string
	IDCol      string
	Out        string
	Space      string // --space: the points' coordinate space
}

// locateSpace is what a located row keeps when its points came in another
// space than ccf_um: the space, the CCF coordinates used and the transform.
type locateSpace struct {
	Name, Transform string
	X, Y, Z         []float64 // CCF um
}

func newCmdAtlasLocate(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasLocateOptions{atlasOptions: atlasOptions{IO: io, Global: g}}
	cmd := &cobra.Command{
		Use:   "locate [--resolution R] (x,y,z ... | --points FILE | --table CLASS)",
		Short: "Map CCF points (um: AP, DV, ML) to regions through the annotation volume",
		Long: `Map points in Allen CCF coordinates (micrometres; x = anterior-posterior,
y = dorsal-ventral, z = medial-lateral, from the corner of the volume) to the
region of the voxel holding them. Points come as x,y,z arguments, from a CSV
or Parquet file (--points, columns x,y,z or ap,dv,ml, or --cols), or from a
store table (--table, e.g. RecordingSite). Every point gets a status: ok,
outside (not in the volume), unlabelled (label 0) or unknown_label (a label
the ontology lacks); such points never get a region.`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Points = args
			return runAtlasLocate(c.Context(), opts)
		},
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.Float64Var(&opts.Resolution, "resolution", 0, "annotation volume resolution in um (default: the finest stored)")
	f.StringVar(&opts.File, "points", "", "CSV or Parquet file of points")
	f.StringVar(&opts.Table, "table", "", "store class whose rows have coordinates (e.g. RecordingSite)")
	f.StringVar(&opts.Dataset, "dataset", "", "with --table: only the rows of this dataset")
	f.StringSliceVar(&opts.Cols, "cols", nil, "coordinate columns AP,DV,ML (default x,y,z or ap,dv,ml)")
	f.StringVar(&opts.IDCol, "id-col", "", "column copied to the output to identify points (default: id when present)")
	f.StringVar(&opts.Out, "out", "", "write the result to this .csv or .parquet file instead of stdout")
	f.StringVar(&opts.Space, "space", "ccf_um", "coordinate space of the points (ccc space list); rows keep the source coordinates and add the CCF ones")
	return cmd
}

func runAtlasLocate(ctx context.Context, opts *atlasLocateOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := atlas.CheckFormat(opts.Format); err != nil {
		return err
	}
	nsrc := 0
	for _, b := range []bool{len(opts.Points) > 0, opts.File != "", opts.Table != ""} {
		if b {
			nsrc++
		}
	}
	if nsrc != 1 {
		return usageErr("give points as x,y,z arguments, or --points FILE, or --table CLASS (exactly one)")
	}
	if opts.Dataset != "" && opts.Table == "" {
		return usageErr("--dataset selects rows of --table CLASS")
	}
	ref, err := opts.Ref.ref()
	if err != nil {
		return err
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := atlas.Open(st, ref, opts.Atlas)
	if err != nil {
		return err
	}
	var pts *atlas.Points
	switch {
	case len(opts.Points) > 0:
		pts = &atlas.Points{Cols: [3]string{"x", "y", "z"}}
		for _, s := range opts.Points {
			parts := strings.Split(s, ",")
			if len(parts) != 3 {
				return usageErr("point %q is not x,y,z", s)
			}
			var c [3]float64
			for i, p := range parts {
				if c[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64); err != nil {
					return usageErr("point %q: %q is not a number", s, p)
				}
			}
			pts.X, pts.Y, pts.Z = append(pts.X, c[0]), append(pts.Y, c[1]), append(pts.Z, c[2])
		}
	case opts.File != "":
		if pts, err = atlas.ReadPoints(ctx, nil, opts.File, "", opts.Cols, opts.IDCol); err != nil {
			return err
		}
	default:
		db, err := st.DB(ctx, ref)
		if err != nil {
			return err
		}
		defer db.Close()
		from := store.QuoteIdent(opts.Table)
		if opts.Dataset != "" {
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+from+" WHERE dataset = ?", opts.Dataset).Scan(&n); err != nil {
				return &ccc.Error{Op: "atlas locate", Path: opts.Table, Row: -1, Msg: "cannot select a dataset of this table",
					Hint: "list the classes with 'ccc query --sql \"SHOW TABLES\"'", Kind: ccc.ErrNotFound, Err: err}
			}
			if n == 0 {
				return &ccc.Error{Op: "atlas locate", Path: opts.Table, Row: -1, Msg: fmt.Sprintf("no rows of dataset %q", opts.Dataset),
					Hint: "list the datasets with 'ccc versions'", Kind: ccc.ErrNotFound}
			}
			from = "(SELECT * FROM " + from + " WHERE dataset = " + store.QuoteString(opts.Dataset) + ")"
		}
		if pts, err = atlas.ReadPoints(ctx, db, "", from, opts.Cols, opts.IDCol); err != nil {
			return err
		}
	}
	v, err := a.Volume(opts.Resolution)
	if err != nil {
		return err
	}
	var sx *locateSpace
	if opts.Space != "" && opts.Space != "ccf_um" {
		sn, err := st.Snapshot(ref)
		if err != nil {
			return err
		}
		reg, err := space.Load(ctx, sn)
		if err != nil {
			return err
		}
		if sx, err = toCCF(reg, opts.Space, pts); err != nil {
			return err
		}
	}
	res := locatePoints(a.Ontology, v, pts, sx)
	c := res.Counts()
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "%d points at %g um: %d ok, %d outside, %d unlabelled, %d unknown_label\n",
			len(pts.X), v.Resolution(), c[0], c[1], c[2], c[3])
	}
	t := locatedTable(a.Ontology, pts, res, sx)
	if opts.Out != "" {
		return writeLocatedFile(opts.Out, t)
	}
	return writeLocated(opts.IO.Out, opts.Format, t)
}

// toCCF maps the points from space name (built-in or registered) to the
// CCF in um.
func toCCF(reg *space.Registry, name string, pts *atlas.Points) (*locateSpace, error) {
	tr, trName, err := reg.ToCCF(name)
	if err != nil {
		return nil, err
	}
	sx := &locateSpace{Name: name, Transform: trName,
		X: make([]float64, len(pts.X)), Y: make([]float64, len(pts.X)), Z: make([]float64, len(pts.X))}
	for i := range pts.X {
		q := tr.Apply([3]float64{pts.X[i], pts.Y[i], pts.Z[i]})
		sx.X[i], sx.Y[i], sx.Z[i] = q[0], q[1], q[2]
	}
	return sx, nil
}

func locatePoints(o *atlas.Ontology, v *atlas.Volume, pts *atlas.Points, sx *locateSpace) *atlas.Located {
	if sx != nil {
		return atlas.Locate(o, v, sx.X, sx.Y, sx.Z)
	}
	return atlas.Locate(o, v, pts.X, pts.Y, pts.Z)
}

// locatedTable is the answer as written: with the source space and the
// CCF coordinates after the points' columns when they came in another
// space.
func locatedTable(o *atlas.Ontology, pts *atlas.Points, res *atlas.Located, sx *locateSpace) *atlas.LocatedTable {
	t := &atlas.LocatedTable{Points: pts, Res: res, Ontology: o}
	if sx != nil {
		t.Extra = []atlas.Column{{Name: "space", Const: sx.Name}, {Name: "ccf_ap_um", Float: sx.X}, {Name: "ccf_dv_um", Float: sx.Y},
			{Name: "ccf_ml_um", Float: sx.Z}, {Name: "transform", Const: sx.Transform}}
	}
	return t
}

func writeLocated(w io.Writer, format string, t *atlas.LocatedTable) error {
	head := t.Header()
	switch format {
	case atlas.FormatCSV:
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := t.WriteCSV(bw); err != nil {
			return err
		}
		return bw.Flush()
	case atlas.FormatJSON:
		out := make([]map[string]any, t.Len())
		for i := range out {
			row := t.Row(i)
			m := map[string]any{}
			for j, h := range head {
				m[h] = row[j]
			}
			m["label"] = t.Res.Labels[i]
			m["region_id"] = nil
			if t.Res.RegionID[i] != 0 {
				m["region_id"] = t.Res.RegionID[i]
			}
			out[i] = m
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i := range t.Len() {
		fmt.Fprintln(tw, strings.Join(t.Row(i), "\t"))
	}
	return tw.Flush()
}

// writeLocatedFile writes CSV, or Parquet when path ends in .parquet,
// atomically (a temporary file in the same directory, renamed).
func writeLocatedFile(path string, t *atlas.LocatedTable) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".locate-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil { // as os.Create and DuckDB's COPY, not CreateTemp's 0600
		tmp.Close()
		return err
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if strings.EqualFold(filepath.Ext(path), ".parquet") {
		err = t.WriteParquet(bw)
	} else {
		err = t.WriteCSV(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ---- rollup

type atlasRollupOptions struct {
	atlasOptions
	Values    string
	RegionCol string
	ValueCol  string
	To        string
	Agg       string
}

func newCmdAtlasRollup(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasRollupOptions{atlasOptions: atlasOptions{IO: io, Global: g}}
	cmd := &cobra.Command{
		Use:   "rollup --values FILE [--to parents|major|depth:N|REGION,...] [--agg sum|mean]",
		Short: "Aggregate a (region, value) table to parent regions or a chosen region set",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runAtlasRollup(c.Context(), opts)
		},
	}
	opts.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Values, "values", "", "CSV or Parquet file with a region column and a value column")
	f.StringVar(&opts.RegionCol, "region-col", "", "region column: ids or acronyms (default structure_id, region_id, region or acronym)")
	f.StringVar(&opts.ValueCol, "value-col", "", "value column (default value)")
	f.StringVar(&opts.To, "to", "parents", "parents, major (the 12 major divisions), depth:N, or a comma-separated list of regions")
	f.StringVar(&opts.Agg, "agg", atlas.AggSum, "sum or mean")
	return cmd
}

func runAtlasRollup(ctx context.Context, opts *atlasRollupOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Values == "" {
		return usageErr("--values FILE is required")
	}
	o, err := opts.ontology()
	if err != nil {
		return err
	}
	regions, values, err := atlas.ReadRegionValues(ctx, o, opts.Values, opts.RegionCol, opts.ValueCol)
	if err != nil {
		return err
	}
	targets, depth, err := o.RollupTargets(opts.To)
	if err != nil {
		return err
	}
	rows, skipped, err := o.Rollup(regions, values, targets, depth, opts.Agg)
	if err != nil {
		return err
	}
	if !opts.Global.Quiet && skipped > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%d of %d rows fell outside the targets or had no value\n", skipped, len(regions))
	}
	switch opts.Format {
	case atlas.FormatJSON:
		type row struct {
			ID      int64    `json:"id"`
			Acronym string   `json:"acronym"`
			Value   *float64 `json:"value"`
			N       int      `json:"n"`
		}
		out := make([]row, len(rows))
		for i, r := range rows {
			out[i] = row{ID: r.ID, Acronym: r.Acronym, N: r.N}
			if r.Value == r.Value { // not NaN
				v := r.Value
				out[i].Value = &v
			}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case atlas.FormatCSV:
		cw := csv.NewWriter(opts.IO.Out)
		cw.Write([]string{"id", "acronym", opts.Agg, "n"})
		for _, r := range rows {
			cw.Write([]string{strconv.FormatInt(r.ID, 10), r.Acronym, ftoa(r.Value), strconv.Itoa(r.N)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "id\tacronym\t%s\tn\t\n", opts.Agg)
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t\n", r.ID, r.Acronym, ftoa(r.Value), r.N)
	}
	return tw.Flush()
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
