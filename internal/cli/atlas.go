package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/plot"
	"github.com/ccc-connectivity/ccc/store"
)

// atlasOptions are the flags shared by the atlas query commands.
type atlasOptions struct {
	IO       *IO
	Global   *globalOptions
	Atlas    string // dataset name; "" = the only atlas in the store
	Ontology string // read this ontology file instead of the store
	Format   string
	Ref      refFlags
}

func (o *atlasOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Atlas, "atlas", "", "atlas name in the store (default: the only atlas loaded)")
	cmd.Flags().StringVar(&o.Ontology, "ontology", "", "query this ontology file (CSV/JSON/Parquet) instead of the store")
	cmd.Flags().StringVar(&o.Format, "format", atlas.FormatTable, "output format: table, csv or json")
	o.Ref.add(cmd)
}

// ontology returns the ontology the command works on: --ontology FILE, else
// the atlas in the store.
func (o *atlasOptions) ontology() (*atlas.Ontology, error) {
	if err := atlas.CheckFormat(o.Format); err != nil {
		return nil, err
	}
	if o.Ontology != "" {
		return atlas.LoadOntology(o.Ontology, atlas.LoadOptions{})
	}
	a, err := o.openAtlas()
	if err != nil {
		return nil, err
	}
	return a.Ontology, nil
}

func (o *atlasOptions) openAtlas() (*atlas.Atlas, error) {
	ref, err := o.Ref.ref()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return nil, fmt.Errorf("%w\n  hint: load an atlas with 'ccc init DIR' and 'ccc atlas load FILE', or query a file with --ontology FILE", err)
	}
	defer st.Close()
	return atlas.Open(st, ref, o.Atlas)
}

func init() { register(40, newCmdAtlas) }

func newCmdAtlas(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "atlas",
		Short: "Brain atlas: load ontologies and volumes, query the region hierarchy, map points to regions",
		Long: `Brain atlas commands. Regions are given by id (385) or acronym (VISp)
everywhere. Queries read the atlas from the store (--store; 'ccc atlas load'
puts one there) or, with --ontology FILE, straight from a file.`,
	}
	cmd.AddCommand(newCmdAtlasLoad(io, g))
	for _, q := range []struct{ verb, short string }{
		{"ancestors", "Print the path from the root to a region (root > ... > region)"},
		{"children", "List the direct children of a region"},
		{"descendants", "List a region and everything below it"},
		{"info", "Show a region: id, acronym, name, colour, depth, parent"},
	} {
		cmd.AddCommand(newCmdAtlasQuery(io, g, q.verb, q.short))
	}
	cmd.AddCommand(newCmdAtlasSearch(io, g), newCmdAtlasDepths(io, g))
	for _, f := range atlasSubcommands {
		cmd.AddCommand(f(io, g))
	}
	return cmd
}

// atlasSubcommands are added by the other atlas_*.go files.
var atlasSubcommands []func(io *IO, g *globalOptions) *cobra.Command

// ---- load

type atlasLoadOptions struct {
	IO      *IO
	Global  *globalOptions
	Atlas   string
	File    string
	Load    atlas.LoadOptions
	TermSet string
}

func newCmdAtlasLoad(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasLoadOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "load [--atlas NAME] FILE",
		Short: "Load a region ontology (Allen CSV, structure_graph JSON, brainglobe JSON, terminology CSV/Parquet) into the store",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runAtlasLoad(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Atlas, "atlas", atlas.DefaultAtlasName, "atlas name (the store dataset)")
	f.StringVar(&opts.Load.Format, "input-format", "", "csv, tsv, json or parquet (default: detect)")
	f.StringVar(&opts.Load.IDCol, "id-col", "", "column with the region id")
	f.StringVar(&opts.Load.NameCol, "name-col", "", "column with the region name")
	f.StringVar(&opts.Load.AcronymCol, "acronym-col", "", "column with the acronym")
	f.StringVar(&opts.Load.ColorCol, "color-col", "", "column with the colour (hex triplet or [r,g,b])")
	f.StringVar(&opts.Load.ParentCol, "parent-col", "", "column with the parent id")
	f.StringVar(&opts.Load.AnnotationCol, "annotation-col", "", "column with the annotation-volume label (default: annotation_value, else the id)")
	f.StringVar(&opts.TermSet, "term-set", "", "term_set_name recorded for every region (default: the atlas name)")
	addWaitFlag(cmd)
	return cmd
}

func runAtlasLoad(ctx context.Context, opts *atlasLoadOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opts.Load.Name = opts.Atlas
	o, err := atlas.LoadOntology(opts.File, opts.Load)
	if err != nil {
		return err
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	abs, _ := filepath.Abs(opts.File)
	v, err := atlas.Save(ctx, st, opts.Atlas, o, atlas.SaveOptions{TermSetName: opts.TermSet, SourceURI: abs,
		Params: map[string]any{"command": "atlas load", "file": opts.File}})
	if err != nil {
		return err
	}
	hist := o.DepthHistogram()
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "loaded atlas %s: %d regions, depth 0-%d, root %s (store version %d)\n",
			opts.Atlas, o.Len(), len(hist)-1, o.Root().Acronym, v.Number)
	}
	return nil
}

// ---- ancestors, children, descendants, info

type atlasQueryOptions struct {
	atlasOptions
	Verb   string
	Region string
}

func newCmdAtlasQuery(io *IO, g *globalOptions, verb, short string) *cobra.Command {
	opts := &atlasQueryOptions{atlasOptions: atlasOptions{IO: io, Global: g}, Verb: verb}
	cmd := &cobra.Command{
		Use:   verb + " REGION",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Region = args[0]
			return runAtlasQuery(opts)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

func runAtlasQuery(opts *atlasQueryOptions) error {
	o, err := opts.ontology()
	if err != nil {
		return err
	}
	r, err := o.Lookup(opts.Region)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	var ids []int64
	switch opts.Verb {
	case "info":
		return atlas.WriteInfo(w, opts.Format, o.Record(r.ID))
	case "ancestors":
		if opts.Format == atlas.FormatTable {
			_, err := fmt.Fprintln(w, o.PathString(r.ID, " > "))
			return err
		}
		ids = o.Ancestors(r.ID)
	case "children":
		ids = o.Children(r.ID)
	case "descendants":
		ids = o.Descendants(r.ID)
	}
	return atlas.WriteRegions(w, opts.Format, records(o, ids))
}

func records(o *atlas.Ontology, ids []int64) []atlas.RegionRecord {
	out := make([]atlas.RegionRecord, len(ids))
	for i, id := range ids {
		out[i] = o.Record(id)
	}
	return out
}

// ---- search

type atlasSearchOptions struct {
	atlasOptions
	Text  string
	Limit int
}

func newCmdAtlasSearch(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasSearchOptions{atlasOptions: atlasOptions{IO: io, Global: g}}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find regions by name or acronym (case-insensitive, best matches first)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Text = strings.Join(args, " ")
			return runAtlasSearch(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "at most this many matches (0: all)")
	return cmd
}

func runAtlasSearch(opts *atlasSearchOptions) error {
	o, err := opts.ontology()
	if err != nil {
		return err
	}
	hits := o.Search(opts.Text, opts.Limit)
	if opts.Format == atlas.FormatTable {
		for _, h := range hits {
			fmt.Fprintf(opts.IO.Out, "%-10s %10d  %s\n", h.Acronym, h.ID, h.Name)
		}
		if len(hits) == 0 && !opts.Global.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "no region matches %q\n", opts.Text)
		}
		return nil
	}
	recs := make([]atlas.RegionRecord, len(hits))
	for i, h := range hits {
		recs[i] = o.Record(h.ID)
		recs[i].Match = h.Kind
	}
	return atlas.WriteRegions(opts.IO.Out, opts.Format, recs)
}

// ---- depths

type atlasDepthsOptions struct {
	atlasOptions
	PNG string
}

func newCmdAtlasDepths(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasDepthsOptions{atlasOptions: atlasOptions{IO: io, Global: g}}
	cmd := &cobra.Command{
		Use:   "depths [--png FILE]",
		Short: "Histogram of regions per hierarchy depth (optionally as a PNG bar chart)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runAtlasDepths(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.PNG, "png", "", "also draw the histogram as a bar chart PNG")
	return cmd
}

func runAtlasDepths(opts *atlasDepthsOptions) error {
	o, err := opts.ontology()
	if err != nil {
		return err
	}
	hist := o.DepthHistogram()
	if err := atlas.WriteDepths(opts.IO.Out, opts.Format, hist); err != nil {
		return err
	}
	if opts.PNG != "" {
		if err := writeDepthPNG(opts.PNG, o); err != nil {
			return err
		}
		if !opts.Global.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "wrote %s\n", opts.PNG)
		}
	}
	return nil
}

func writeDepthPNG(path string, o *atlas.Ontology) error {
	hist := o.DepthHistogram()
	labels := make([]string, len(hist))
	values := make([]float64, len(hist))
	for d, n := range hist {
		labels[d], values[d] = strconv.Itoa(d), float64(n)
	}
	name := o.Name
	if name == "" {
		name = filepath.Base(o.Source)
	}
	return plot.Bar(path, fmt.Sprintf("%s: regions per hierarchy depth (%d regions)", name, o.Len()), labels, values)
}
