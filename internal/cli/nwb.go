package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/internal/jsonvalue"
	"github.com/ccc-connectivity/ccc/nwb"
)

func init() { register(60, newCmdNWB) }

func newCmdNWB(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nwb",
		Short: "NWB recordings: inspect files, print their schema as LinkML, export tables, ingest into the store",
		Long: `Neurodata Without Borders (NWB 2.x, HDF5) files. Reading is lazy: metadata
first, arrays by slice. Tables are DynamicTables such as
/general/extracellular_ephys/electrodes or /units.`,
	}
	cmd.AddCommand(newCmdNWBInfo(io, g), newCmdNWBSchema(io, g), newCmdNWBTable(io, g), newCmdNWBSeries(io, g), newCmdNWBIngest(io, g), newCmdNWBProbe(io, g))
	return cmd
}

type nwbInfoOptions struct {
	IO      *IO
	File    string
	JSON    bool
	Tree    bool
	NoCheck bool
}

func newCmdNWBInfo(io *IO, g *globalOptions) *cobra.Command {
	o := &nwbInfoOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "info FILE",
		Short: "Session, subject, devices, electrode groups, tables, acquisition and processing contents",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.File = args[0]
			if ok, err := isolated(o.IO, o.File, "", metadataReadTimeout); ok {
				return err
			}
			return runNWBInfo(o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON instead of text")
	cmd.Flags().BoolVar(&o.Tree, "tree", false, "also print the full object tree")
	cmd.Flags().BoolVar(&o.NoCheck, "no-check", false, "do not check neurodata types against the cached specifications")
	return cmd
}

func runNWBInfo(o *nwbInfoOptions) error {
	f, err := nwb.Open(o.File)
	if err != nil {
		return err
	}
	defer f.Close()
	if !o.NoCheck {
		if err := f.CheckTypes(); err != nil {
			return err
		}
	}
	in, err := f.Info()
	if err != nil {
		return err
	}
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	in.WriteText(o.IO.Out, o.Tree)
	return nil
}

type nwbSchemaOptions struct {
	IO        *IO
	File      string
	Namespace string
	Out       string
}

func newCmdNWBSchema(io *IO, g *globalOptions) *cobra.Command {
	o := &nwbSchemaOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "schema FILE",
		Short: "Print the NWB specifications cached in FILE as one LinkML schema (YAML)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.File = args[0]
			if ok, err := isolated(o.IO, o.File, o.Out, dataReadTimeout); ok {
				return err
			}
			return runNWBSchema(o)
		},
	}
	cmd.Flags().StringVar(&o.Namespace, "namespace", "", "only this namespace and the namespaces it includes (e.g. core, ndx-aibs-ecephys)")
	cmd.Flags().StringVar(&o.Out, "out", "", "write to this file instead of stdout")
	return cmd
}

func runNWBSchema(o *nwbSchemaOptions) error {
	f, err := nwb.Open(o.File)
	if err != nil {
		return err
	}
	defer f.Close()
	y, err := f.LinkML(nwb.LinkMLOptions{Namespace: o.Namespace})
	if err != nil {
		return err
	}
	if o.Out == "" {
		_, err = o.IO.Out.Write(y)
		return err
	}
	return os.WriteFile(o.Out, y, 0o644)
}

type nwbTableOptions struct {
	IO          *IO
	Ctx         context.Context
	File, Path  string
	Format      string
	Out         string
	Columns     []string
	DropInvalid bool
	Row         int
}

func newCmdNWBTable(io *IO, g *globalOptions) *cobra.Command {
	o := &nwbTableOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "table FILE PATH",
		Short: "Export a DynamicTable (e.g. /units) as CSV, JSON or Parquet; ragged columns as lists",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			o.Ctx, o.File, o.Path = c.Context(), args[0], args[1]
			if ok, err := isolated(o.IO, o.File, o.Out, dataReadTimeout); ok {
				return err
			}
			return runNWBTable(o)
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "", "csv, json or parquet (default: from --out's extension, else csv)")
	cmd.Flags().StringVar(&o.Out, "out", "", "output file (default stdout)")
	cmd.Flags().StringSliceVar(&o.Columns, "columns", nil, "only these columns, in this order")
	cmd.Flags().BoolVar(&o.DropInvalid, "drop-invalid", false, "leave out columns whose VectorIndex is inconsistent (truncated files) instead of failing")
	cmd.Flags().IntVar(&o.Row, "row", -1, "print only this row (read lazily) as JSON")
	return cmd
}

func runNWBTable(o *nwbTableOptions) error {
	format := strings.ToLower(o.Format)
	if format == "" {
		switch strings.ToLower(filepath.Ext(o.Out)) {
		case ".parquet":
			format = "parquet"
		case ".json":
			format = "json"
		default:
			format = "csv"
		}
	}
	if format != "csv" && format != "json" && format != "parquet" {
		return usageErr("--format %q: use csv, json or parquet", o.Format)
	}
	f, err := nwb.Open(o.File)
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := f.Table(o.Path)
	if err != nil {
		return err
	}
	if o.Row >= 0 {
		row, err := t.Row(o.Row)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(jsonvalue.Safe(row))
	}
	fr, err := t.Frame(nwb.FrameOptions{Columns: o.Columns, DropInvalid: o.DropInvalid})
	if err != nil {
		return err
	}
	for _, d := range fr.Dropped {
		fmt.Fprintf(o.IO.ErrOut, "ccc: warning: column dropped: %s\n", d)
	}
	switch format {
	case "parquet":
		out := o.Out
		if out == "" {
			tmp, err := os.MkdirTemp("", "ccc-nwb-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			out = filepath.Join(tmp, "table.parquet")
		}
		if err := fr.WriteParquet(o.Ctx, out); err != nil {
			return err
		}
		if o.Out == "" {
			fh, err := os.Open(out)
			if err != nil {
				return err
			}
			defer fh.Close()
			_, err = io.Copy(o.IO.Out, fh)
			return err
		}
		return nil
	default:
		w := o.IO.Out
		var fh *os.File
		if o.Out != "" {
			fh, err = os.Create(o.Out)
			if err != nil {
				return err
			}
			w = fh
		}
		if format == "json" {
			err = fr.WriteJSON(w)
		} else {
			err = fr.WriteCSV(w)
		}
		if fh != nil {
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(o.Out)
			}
		}
		return err
	}
}

type nwbSeriesOptions struct {
	IO         *IO
	File, Path string
	Start      int
	Count      int
	Channels   string
	Scaled     bool
}

func newCmdNWBSeries(io *IO, g *globalOptions) *cobra.Command {
	o := &nwbSeriesOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "series FILE PATH",
		Short: "Show a TimeSeries (e.g. an ElectricalSeries): shape, rate or timestamps, electrodes, and a slice of values",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			o.File, o.Path = args[0], args[1]
			if ok, err := isolated(o.IO, o.File, "", dataReadTimeout); ok {
				return err
			}
			return runNWBSeries(o)
		},
	}
	cmd.Flags().IntVar(&o.Start, "start", 0, "first sample")
	cmd.Flags().IntVar(&o.Count, "count", 5, "number of samples")
	cmd.Flags().StringVar(&o.Channels, "channels", "0:4", "channel range lo:hi (second dimension)")
	cmd.Flags().BoolVar(&o.Scaled, "scaled", false, "apply conversion and offset (values in the series' unit)")
	return cmd
}

func runNWBSeries(o *nwbSeriesOptions) error {
	f, err := nwb.Open(o.File)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := f.Series(o.Path)
	if err != nil {
		return err
	}
	shape := s.Shape()
	sel := nwb.SeriesSelection{Start: o.Start, Count: o.Count, Scaled: o.Scaled}
	if len(shape) > 0 && (o.Start < 0 || o.Start >= shape[0]) {
		return usageErr("--start %d outside 0..%d", o.Start, shape[0]-1)
	}
	if len(shape) > 1 {
		if sel.ChanLo, sel.ChanHi, err = parseRange(o.Channels, shape[1]); err != nil {
			return err
		}
	}
	return s.WriteText(o.IO.Out, sel)
}

func parseRange(s string, n int) (int, int, error) {
	lo, hi := 0, n
	parts := strings.SplitN(s, ":", 2)
	var err error
	if parts[0] != "" {
		if lo, err = strconv.Atoi(parts[0]); err != nil {
			return 0, 0, usageErr("range %q: %v", s, err)
		}
	}
	if len(parts) == 2 && parts[1] != "" {
		if hi, err = strconv.Atoi(parts[1]); err != nil {
			return 0, 0, usageErr("range %q: %v", s, err)
		}
	} else if len(parts) == 1 {
		hi = lo + 1
	}
	hi = min(hi, n)
	if lo < 0 || lo >= hi {
		return 0, 0, usageErr("range %q is empty or outside 0:%d", s, n)
	}
	return lo, hi, nil
}
