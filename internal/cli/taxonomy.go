package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

func init() { register(45, newCmdTaxonomy) }

func newCmdTaxonomy(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "taxonomy",
		Short: "Cell-type taxonomies: load (ABC CSV, CAS JSON, parent/child CSV), list, query the cluster hierarchy",
		Long: `Cell-type taxonomies (class > subclass > supertype > cluster) stored as
ClusterHierarchy, Cluster and ClusterMembership, several side by side.
Clusters are given by label (CS20230722_SUBC_053), alias or name everywhere.`,
	}
	cmd.AddCommand(newCmdTaxonomyLoad(io, g), newCmdTaxonomyList(io, g))
	for _, q := range []struct{ verb, short string }{
		{"ancestors", "Print the path from the broadest level down to a cluster"},
		{"children", "List the direct children of a cluster"},
		{"descendants", "List a cluster and everything below it"},
		{"info", "Show a cluster: label, name, level, parent, alias, counts"},
	} {
		cmd.AddCommand(newCmdTaxonomyQuery(io, g, q.verb, q.short))
	}
	cmd.AddCommand(newCmdTaxonomySearch(io, g))
	return cmd
}

// taxonomyOptions are the flags shared by the taxonomy query commands.
type taxonomyOptions struct {
	IO       *IO
	Global   *globalOptions
	Taxonomy string
	Format   string
	Ref      refFlags
}

func (o *taxonomyOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Taxonomy, "taxonomy", "", "taxonomy name in the store (default: the only one)")
	cmd.Flags().StringVar(&o.Format, "format", taxonomy.FormatTable, "output format: table, csv or json")
	o.Ref.add(cmd)
}

func (o *taxonomyOptions) open() (*taxonomy.Taxonomy, error) {
	if err := taxonomy.CheckFormat(o.Format); err != nil {
		return nil, err
	}
	return openTaxonomy(o.IO, o.Global, o.Ref, o.Taxonomy)
}

// openTaxonomy reads taxonomy name ("" = the only one) from the store.
func openTaxonomy(io *IO, g *globalOptions, rf refFlags, name string) (*taxonomy.Taxonomy, error) {
	st, sn, _, err := openSnapshot(io, g, rf)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return taxonomy.Open(sn, name)
}

// ---- load

type taxonomyLoadOptions struct {
	IO     *IO
	Global *globalOptions
	File   string
	Load   taxonomy.LoadOptions
	Levels string
}

func newCmdTaxonomyLoad(io *IO, g *globalOptions) *cobra.Command {
	opts := &taxonomyLoadOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "load [--name NAME] FILE",
		Short: "Load a taxonomy (ABC cluster_annotation_term.csv, CAS JSON or parent/child CSV) into the store",
		Long: `Load a cell-type taxonomy as one store dataset (ClusterHierarchy, Cluster,
ClusterMembership). Formats (detected, or --input-format):
  abc    Allen Brain Cell Atlas cluster_annotation_term.csv (label, name,
         cluster_annotation_term_set_label/_name, parent_term_label, term_set_order);
         --membership cluster_to_cluster_annotation_membership.csv adds the
         cluster aliases (and the parents when the term file has none)
  cas    Cell Annotation Schema JSON (labelsets with rank, annotations with
         cell_set_accession, cell_label, labelset, parent_cell_set_accession, cell_ids)
  pairs  a CSV with label and parent columns (name and level optional)
A cycle, a missing parent, a duplicate label or a parent that is not of a
broader level is an error (exit 1) naming the row; the store is unchanged.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runTaxonomyLoad(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Load.Name, "name", "", "taxonomy name (the store dataset; default: the file name)")
	f.StringVar(&opts.Load.Format, "input-format", "", "abc, cas or pairs (default: detect)")
	f.StringVar(&opts.Load.Membership, "membership", "", "ABC cluster_to_cluster_annotation_membership.csv")
	f.StringVar(&opts.Levels, "levels", "", "level names broadest first, comma-separated (default: from the file)")
	f.StringVar(&opts.Load.LabelCol, "label-col", "", "pairs: column with the cluster label")
	f.StringVar(&opts.Load.ParentCol, "parent-col", "", "pairs: column with the parent label")
	f.StringVar(&opts.Load.NameCol, "name-col", "", "pairs: column with the cluster name")
	f.StringVar(&opts.Load.LevelCol, "level-col", "", "pairs: column with the level name")
	addWaitFlag(cmd) // --wait DURATION, through the context (store.WithWait)
	return cmd
}

func runTaxonomyLoad(ctx context.Context, opts *taxonomyLoadOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Levels != "" {
		for _, l := range strings.Split(opts.Levels, ",") {
			opts.Load.Levels = append(opts.Load.Levels, strings.TrimSpace(l))
		}
	}
	if opts.Load.Name != "" {
		if err := store.ValidDataset(opts.Load.Name); err != nil {
			return err
		}
	}
	t, err := taxonomy.Load(opts.File, opts.Load)
	if err != nil {
		return err
	}
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	abs, _ := filepath.Abs(opts.File)
	v, err := taxonomy.Save(ctx, st, t, taxonomy.SaveOptions{SourceURI: abs,
		Params: map[string]any{"command": "taxonomy load", "file": opts.File, "membership": opts.Load.Membership}})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "taxonomy %s: %d clusters (%s), store version %d\n", t.Name, t.Len(), levelSummary(t), v.Number)
	return nil
}

func levelSummary(t *taxonomy.Taxonomy) string {
	counts := t.LevelCounts()
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%d %s", c, t.Levels[i])
	}
	return strings.Join(parts, " > ")
}

// ---- list

func newCmdTaxonomyList(io *IO, g *globalOptions) *cobra.Command {
	opts := &taxonomyOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the taxonomies in the store with their levels and cluster counts",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runTaxonomyList(opts)
		},
	}
	opts.Ref.add(cmd)
	return cmd
}

func runTaxonomyList(opts *taxonomyOptions) error {
	st, sn, _, err := openSnapshot(opts.IO, opts.Global, opts.Ref)
	if err != nil {
		return err
	}
	defer st.Close()
	names := taxonomy.Names(sn)
	for _, n := range names {
		t, err := taxonomy.Open(sn, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "%-24s %6d clusters  %s\n", n, t.Len(), levelSummary(t))
	}
	if len(names) == 0 && !opts.Global.Quiet {
		fmt.Fprintln(opts.IO.ErrOut, "no taxonomy in the store (load one with 'ccc taxonomy load FILE')")
	}
	return nil
}

// ---- ancestors, children, descendants, info

type taxonomyQueryOptions struct {
	taxonomyOptions
	Verb    string
	Cluster string
}

func newCmdTaxonomyQuery(io *IO, g *globalOptions, verb, short string) *cobra.Command {
	opts := &taxonomyQueryOptions{taxonomyOptions: taxonomyOptions{IO: io, Global: g}, Verb: verb}
	cmd := &cobra.Command{
		Use:   verb + " CLUSTER",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Cluster = args[0]
			return runTaxonomyQuery(opts)
		},
	}
	opts.addFlags(cmd)
	return cmd
}

func runTaxonomyQuery(opts *taxonomyQueryOptions) error {
	t, err := opts.open()
	if err != nil {
		return err
	}
	k, err := t.Lookup(opts.Cluster)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	var ks []int32
	switch opts.Verb {
	case "info":
		return taxonomy.WriteInfo(w, opts.Format, t.Record(k))
	case "ancestors":
		ks = t.Ancestors(k)
		if opts.Format == taxonomy.FormatTable {
			labels := make([]string, len(ks))
			for i, a := range ks {
				labels[i] = t.Label(a)
			}
			_, err := fmt.Fprintln(w, strings.Join(labels, " > "))
			return err
		}
	case "children":
		ks = t.Children(k)
	case "descendants":
		ks = t.Descendants(k)
	}
	return taxonomy.WriteRecords(w, opts.Format, t.Records(ks))
}

// ---- search

type taxonomySearchOptions struct {
	taxonomyOptions
	Text  string
	Limit int
}

func newCmdTaxonomySearch(io *IO, g *globalOptions) *cobra.Command {
	opts := &taxonomySearchOptions{taxonomyOptions: taxonomyOptions{IO: io, Global: g}}
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find clusters by label or name (case-insensitive; exact, then prefix, then substring matches)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Text = strings.Join(args, " ")
			return runTaxonomySearch(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "at most this many matches (0: all)")
	return cmd
}

func runTaxonomySearch(opts *taxonomySearchOptions) error {
	t, err := opts.open()
	if err != nil {
		return err
	}
	hits := t.Search(opts.Text, opts.Limit)
	if len(hits) == 0 && !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "no cluster matches %q\n", opts.Text)
	}
	return taxonomy.WriteRecords(opts.IO.Out, opts.Format, t.Records(hits))
}
