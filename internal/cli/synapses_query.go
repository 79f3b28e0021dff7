package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/plot"
	"github.com/ccc-connectivity/ccc/synapse"
)

// synapseSelect are the selection flags shared by query, degree and matrix.
type synapseSelect struct {
	Dataset        string
	Pre, Post      string
	RemoveAutapses bool
	Proofread      string
	PreTypes       []string
	PostTypes      []string
	FilterIn       []string
	FilterEqual    []string
	FilterOut      []string
	ref            refFlags
	eng            engineFlags
}

func (s *synapseSelect) add(cmd *cobra.Command, sides bool) {
	cmd.Flags().StringVar(&s.Dataset, "dataset", "", "dataset (default: the only one with synapses)")
	if sides {
		cmd.Flags().StringVar(&s.Pre, "pre", "", "presynaptic root ids: ID,ID,... or @FILE")
		cmd.Flags().StringVar(&s.Post, "post", "", "postsynaptic root ids: ID,ID,... or @FILE (with --pre: both must hold)")
	}
	cmd.Flags().BoolVar(&s.RemoveAutapses, "remove-autapses", false, "drop synapses of a neuron onto itself")
	cmd.Flags().StringVar(&s.Proofread, "proofread", "", "axon (pre proofread), dendrite (post proofread), both, or subgraph (pre and post with proofread axons)")
	cmd.Flags().StringSliceVar(&s.PreTypes, "pre-type", nil, "only presynaptic cells of these types (manual label, else automated)")
	cmd.Flags().StringSliceVar(&s.PostTypes, "post-type", nil, "only postsynaptic cells of these types")
	cmd.Flags().StringArrayVar(&s.FilterIn, "filter-in", nil, "COLUMN=V1,V2,...: keep rows whose column is one of the values (repeatable)")
	cmd.Flags().StringArrayVar(&s.FilterEqual, "filter-equal", nil, "COLUMN=V: keep rows whose column equals V (repeatable)")
	cmd.Flags().StringArrayVar(&s.FilterOut, "filter-out", nil, "COLUMN=V1,V2,...: drop rows whose column is one of the values (repeatable)")
	s.ref.add(cmd)
	s.eng.add(cmd)
}

func parseFilters(flag string, vals []string) (map[string][]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := map[string][]string{}
	for _, v := range vals {
		col, list, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(col) == "" {
			return nil, usageErr("%s %q: want COLUMN=VALUE[,VALUE...]", flag, v)
		}
		m[strings.TrimSpace(col)] = append(m[strings.TrimSpace(col)], strings.Split(list, ",")...)
	}
	return m, nil
}

func (s *synapseSelect) request() (*synapse.Request, error) {
	r := &synapse.Request{RemoveAutapses: s.RemoveAutapses, Proofread: s.Proofread, PreTypes: s.PreTypes, PostTypes: s.PostTypes}
	var err error
	if s.Pre != "" {
		if r.Pre, err = synapse.ParseIDs("--pre", s.Pre); err != nil {
			return nil, err
		}
		r.PreGiven = true
	}
	if s.Post != "" {
		if r.Post, err = synapse.ParseIDs("--post", s.Post); err != nil {
			return nil, err
		}
		r.PostGiven = true
	}
	if r.FilterIn, err = parseFilters("--filter-in", s.FilterIn); err != nil {
		return nil, err
	}
	if r.FilterOut, err = parseFilters("--filter-out", s.FilterOut); err != nil {
		return nil, err
	}
	eq, err := parseFilters("--filter-equal", s.FilterEqual)
	if err != nil {
		return nil, err
	}
	for k, v := range eq {
		if len(v) != 1 {
			return nil, usageErr("--filter-equal %s: give one value (use --filter-in for several)", k)
		}
		if r.FilterEqual == nil {
			r.FilterEqual = map[string]string{}
		}
		r.FilterEqual[k] = v[0]
	}
	return r, nil
}

// synapsesQueryOptions are the flags of 'ccc synapses query'.
type synapsesQueryOptions struct {
	IO             *IO
	Global         *globalOptions
	Sel            synapseSelect
	Limit          int64
	Columns        []string
	SplitPositions bool
	Desired        string
	Format         string
	Out            string
	GroupBy        string
	WithCellTypes  bool
	Sort           string
}

func newCmdSynapsesQuery(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesQueryOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "query [--pre IDS|@FILE] [--post IDS|@FILE] [flags]",
		Short: "Query synapses by pre/post root ids and column filters; per-pair counts with --group-by pair",
		Long: `Returns every matching synapse (no row cap; streamed), in (pre, post, id) order.
--pre and --post together mean AND. A root id that is not in the table matches nothing
(exit 0, noted on stderr). --limit N stops after N rows and says so on stderr.
Filters (--filter-in/--filter-equal/--filter-out COLUMN=...) work on any column;
--proofread and --pre-type/--post-type restrict by the dataset's cell tables.`,
		Example: `  ccc synapses query --pre 864691135808473885 --format table --limit 5
  ccc synapses query --pre @proof.txt --post @proof.txt --remove-autapses --group-by pair
  ccc synapses query --proofread subgraph --columns id,pre_pt_root_id,post_pt_root_id,size --format parquet --out proof.parquet
  ccc synapses query --post 864691135808473885 --split-positions --desired-resolution 1,1,1`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesQuery(c.Context(), opts)
		},
	}
	opts.Sel.add(cmd, true)
	cmd.Flags().Int64Var(&opts.Limit, "limit", 0, "stop after N rows (default: all rows)")
	cmd.Flags().StringSliceVar(&opts.Columns, "columns", nil, "output columns (default all; cell_type_pre, cell_type_post join the cell-type table)")
	cmd.Flags().BoolVar(&opts.SplitPositions, "split-positions", false, "positions as _x/_y/_z columns instead of [x, y, z] lists")
	cmd.Flags().StringVar(&opts.Desired, "desired-resolution", "", "convert positions to X,Y,Z nm per unit (e.g. 1,1,1 for nm)")
	cmd.Flags().StringVar(&opts.Format, "format", "csv", "csv, parquet, json or table")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of stdout (required for parquet)")
	cmd.Flags().StringVar(&opts.GroupBy, "group-by", "", "pair: per-pair counts (pre_pt_root_id, post_pt_root_id, syn_count, sum_size)")
	cmd.Flags().BoolVar(&opts.WithCellTypes, "with-cell-types", false, "with --group-by pair: add cell_type_pre and cell_type_post")
	cmd.Flags().StringVar(&opts.Sort, "sort", "", "with --group-by pair: syn_count orders pairs by synapse count, largest first")
	return cmd
}

func runSynapsesQuery(ctx context.Context, opts *synapsesQueryOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := opts.Sel.request()
	if err != nil {
		return err
	}
	if opts.Limit < 0 {
		return usageErr("--limit must not be negative")
	}
	req.Limit, req.Columns, req.SplitPositions = opts.Limit, opts.Columns, opts.SplitPositions
	if opts.Desired != "" {
		d, err := synapse.ParseResolution(opts.Desired)
		if err != nil {
			return err
		}
		req.Desired = &d
	}
	if opts.GroupBy != "" && opts.GroupBy != "pair" {
		return usageErr("--group-by %q: only 'pair' is supported", opts.GroupBy)
	}
	switch {
	case opts.Sort == "":
	case opts.Sort != "syn_count":
		return usageErr("--sort %q: only syn_count is supported", opts.Sort)
	case opts.GroupBy != "pair":
		return usageErr("--sort syn_count needs --group-by pair")
	default:
		req.SortPairs = true
	}
	if opts.WithCellTypes && opts.GroupBy != "pair" {
		return usageErr("--with-cell-types applies to --group-by pair; for synapse rows add cell_type_pre,cell_type_post to --columns")
	}
	onSpark, err := opts.Sel.eng.spark()
	if err != nil {
		return err
	}
	if onSpark {
		return runSynapsesQuerySpark(ctx, opts, req)
	}
	st, ds, err := openSynapseDataset(opts.IO, opts.Global, opts.Sel.ref, opts.Sel.Dataset)
	if err != nil {
		return err
	}
	defer st.Close()
	defer ds.Close()
	// one query per process: read its rows with pread instead of faulting
	// in (and at exit unmapping) 64 KB of mapped index per touched row
	if err := ds.Index.UsePositionedReads(); err != nil {
		return err
	}
	rw, closeFn, err := outputTarget(opts.IO, opts.Format, opts.Out)
	if err != nil {
		return err
	}
	var stats *synapse.Stats
	if opts.GroupBy == "pair" {
		stats, err = ds.WritePairs(ctx, req, rw, opts.WithCellTypes)
	} else {
		stats, err = ds.Query(ctx, req, rw)
	}
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	reportStats(opts.IO, opts.Global, stats, opts.Limit, opts.Out, opts.GroupBy == "pair")
	return nil
}

func reportStats(io *IO, g *globalOptions, st *synapse.Stats, limit int64, out string, pairs bool) {
	what := "synapses"
	if pairs {
		what = "pairs"
	}
	if st.Truncated {
		if st.Matched >= 0 {
			fmt.Fprintf(io.ErrOut, "ccc: --limit %d cut the result: %d of %d matching %s written\n", limit, st.Rows, st.Matched, what)
		} else {
			fmt.Fprintf(io.ErrOut, "ccc: --limit %d cut the result: more matching %s exist\n", limit, what)
		}
	}
	if g.Quiet {
		return
	}
	if st.MissingIDs > 0 {
		fmt.Fprintf(io.ErrOut, "note: %d requested root id(s) are not in the table (they match nothing)\n", st.MissingIDs)
	}
	if out != "" {
		fmt.Fprintf(io.ErrOut, "wrote %d %s to %s\n", st.Rows, what, out)
	}
}

// synapsesDegreeOptions are the flags of 'ccc synapses degree'.
type synapsesDegreeOptions struct {
	IO       *IO
	Global   *globalOptions
	Sel      synapseSelect
	Neurons  string
	Partners string
	Format   string
	Out      string
}

func newCmdSynapsesDegree(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesDegreeOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "degree [--neurons IDS|@FILE] [--partners IDS|@FILE]",
		Short: "In/out degree (synapses and distinct partners) of each neuron",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesDegree(c.Context(), opts)
		},
	}
	opts.Sel.add(cmd, false)
	cmd.Flags().StringVar(&opts.Neurons, "neurons", "", "root ids: ID,ID,... or @FILE (default: every neuron of the table)")
	cmd.Flags().StringVar(&opts.Partners, "partners", "", "count only synapses with these partners (ID,... or @FILE)")
	cmd.Flags().StringVar(&opts.Format, "format", "csv", "csv, parquet, json or table")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of stdout")
	return cmd
}

func runSynapsesDegree(ctx context.Context, opts *synapsesDegreeOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var neurons []int64 // nil: every neuron of the table
	if opts.Neurons != "" {
		var err error
		if neurons, err = synapse.ParseIDs("--neurons", opts.Neurons); err != nil {
			return err
		}
	}
	req, err := opts.Sel.request()
	if err != nil {
		return err
	}
	if opts.Partners != "" {
		p, err := synapse.ParseIDs("--partners", opts.Partners)
		if err != nil {
			return err
		}
		req.Pre, req.PreGiven, req.Post, req.PostGiven = p, true, p, true
	}
	onSpark, err := opts.Sel.eng.spark()
	if err != nil {
		return err
	}
	if onSpark {
		return runSynapsesDegreeSpark(ctx, opts, neurons, req)
	}
	st, ds, err := openSynapseDataset(opts.IO, opts.Global, opts.Sel.ref, opts.Sel.Dataset)
	if err != nil {
		return err
	}
	defer st.Close()
	defer ds.Close()
	rw, closeFn, err := outputTarget(opts.IO, opts.Format, opts.Out)
	if err != nil {
		return err
	}
	stats, err := ds.WriteDegrees(ctx, neurons, req, rw)
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if !opts.Global.Quiet && stats.MissingIDs > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "note: %d root id(s) are not in the table (degree 0)\n", stats.MissingIDs)
	}
	return nil
}

// synapsesMatrixOptions are the flags of 'ccc synapses matrix'.
type synapsesMatrixOptions struct {
	IO      *IO
	Global  *globalOptions
	Sel     synapseSelect
	Neurons string
	Value   string
	By      string
	PNG     string
	Format  string
	Out     string
}

func newCmdSynapsesMatrix(io *IO, g *globalOptions) *cobra.Command {
	opts := &synapsesMatrixOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "matrix --neurons IDS|@FILE [--value binary|count|size] [--by cell_type] [--png FILE]",
		Short: "Connectivity matrix among neurons (rows pre, columns post) or by cell type, with a heatmap PNG",
		Long: `--neurons gives one set for rows and columns (a square matrix, both sorted by root id);
--pre/--post give different sets. Without them, --proofread subgraph uses the neurons
with proofread axons. --by cell_type sums by the unified cell type of each side:
synapse counts, connected pairs, possible pairs and connection probability
(connected / possible pairs; self-pairs and autapses excluded). --by
taxonomy:NAME:LEVEL groups by a transcriptomic type instead: each root's cell
(by root id, else by its nucleus id) -> its cluster in taxonomy NAME through
the store's cell-to-cluster mappings (highest score) -> the ancestor at LEVEL;
"unmapped" when there is none.`,
		Example: `  ccc synapses matrix --proofread subgraph --remove-autapses --value binary --png proofread.png --out proofread.csv
  ccc synapses matrix --proofread subgraph --by cell_type --png types.png`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSynapsesMatrix(c.Context(), opts)
		},
	}
	opts.Sel.add(cmd, true)
	cmd.Flags().StringVar(&opts.Neurons, "neurons", "", "root ids for rows and columns: ID,ID,... or @FILE")
	cmd.Flags().StringVar(&opts.Value, "value", "count", "cell value: binary, count or size")
	cmd.Flags().StringVar(&opts.By, "by", "", "cell_type, or taxonomy:NAME:LEVEL (through cell-to-cluster mappings): type-by-type counts and connection probability")
	cmd.Flags().StringVar(&opts.PNG, "png", "", "also draw a heatmap PNG")
	cmd.Flags().StringVar(&opts.Format, "format", "csv", "csv, parquet, json or table")
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "", "write to FILE instead of stdout")
	return cmd
}

func runSynapsesMatrix(ctx context.Context, opts *synapsesMatrixOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var val synapse.MatrixValue
	switch opts.Value {
	case "count":
		val = synapse.ValueCount
	case "binary":
		val = synapse.ValueBinary
	case "size":
		val = synapse.ValueSize
	default:
		return usageErr("--value %q: want binary, count or size", opts.Value)
	}
	if opts.By != "" && opts.By != "cell_type" && !strings.HasPrefix(opts.By, "taxonomy:") {
		return usageErr("--by %q: want cell_type or taxonomy:NAME:LEVEL", opts.By)
	}
	req, err := opts.Sel.request()
	if err != nil {
		return err
	}
	onSpark, err := opts.Sel.eng.spark()
	if err != nil {
		return err
	}
	if onSpark && strings.HasPrefix(opts.By, "taxonomy:") {
		return usageErr("--by %s runs on the embedded engine only (taxonomies and mappings are read locally); drop --engine spark", opts.By)
	}
	var q matrixQuestions
	var dsName string
	if onSpark {
		y, _, done, err := opts.Sel.openSparkSynapses(ctx, opts.IO, opts.Global)
		if err != nil {
			return err
		}
		defer done()
		q, dsName = y, y.Dataset()
	} else {
		st, ds, err := openSynapseDataset(opts.IO, opts.Global, opts.Sel.ref, opts.Sel.Dataset)
		if err != nil {
			return err
		}
		defer st.Close()
		defer ds.Close()
		q, dsName = ds, ds.Name
	}
	rowIDs, colIDs := req.Pre, req.Post
	if opts.Neurons != "" {
		ids, err := synapse.ParseIDs("--neurons", opts.Neurons)
		if err != nil {
			return err
		}
		if !req.PreGiven {
			rowIDs = ids
		}
		if !req.PostGiven {
			colIDs = ids
		}
	}
	if rowIDs == nil || colIDs == nil {
		if req.Proofread == "" {
			return usageErr("give --neurons (or --pre and --post), or --proofread subgraph for the proofread neurons")
		}
		cells, err := q.Cells(ctx)
		if err != nil {
			return err
		}
		if !cells.HasProof {
			return &ccc.Error{Op: "synapses matrix", Row: -1, Field: "--proofread", Value: req.Proofread, Kind: ccc.ErrNotFound,
				Msg:  "dataset " + dsName + " has no proofreading table",
				Hint: "ingest one with 'ccc synapses cells ingest --dataset " + dsName + " --kind proofreading FILE', or give --neurons"}
		}
		which := map[string][2]string{"axon": {"axon", ""}, "dendrite": {"", "dendrite"}, "both": {"axon", "dendrite"}, "subgraph": {"axon", "axon"}}[req.Proofread]
		fill := func(ids *[]int64, w string) error {
			if *ids != nil || w == "" {
				return nil
			}
			var err error
			*ids, err = cells.Proofread(w)
			return err
		}
		if err := fill(&rowIDs, which[0]); err != nil {
			return err
		}
		if err := fill(&colIDs, which[1]); err != nil {
			return err
		}
		if rowIDs == nil || colIDs == nil {
			return usageErr("--proofread %s leaves one side open: give --neurons, --pre or --post too", req.Proofread)
		}
	}
	rw, closeFn, err := outputTarget(opts.IO, opts.Format, opts.Out)
	if err != nil {
		return err
	}
	defer closeFn()
	if opts.By != "" {
		var tm *synapse.TypeMatrix
		if opts.By == "cell_type" {
			tm, err = q.ByCellType(ctx, req, rowIDs, colIDs)
		} else {
			ds, ok := q.(*synapse.Dataset)
			if !ok {
				return usageErr("--by %s runs on the embedded engine only; drop --engine spark", opts.By)
			}
			var typeOf func(int64) string
			if typeOf, err = taxonomyTypeOf(ctx, opts.IO, opts.Global, opts.Sel.ref, opts.By, ds); err == nil {
				tm, err = ds.ByType(ctx, req, rowIDs, colIDs, typeOf)
			}
		}
		if err != nil {
			return err
		}
		if err := synapse.WriteTypeMatrix(tm, rw); err != nil {
			return err
		}
		if opts.PNG != "" {
			err := plot.Heatmap(opts.PNG, "Connection probability by cell type", tm.PreTypes, tm.PostTypes, tm.Probability(),
				plot.HeatmapOptions{XLabel: "post cell type", YLabel: "pre cell type"})
			if err != nil {
				return err
			}
		}
		return closeFn()
	}
	m, err := q.Matrix(ctx, req, rowIDs, colIDs, val)
	if err != nil {
		return err
	}
	if err := synapse.WriteMatrix(m, rw); err != nil {
		return err
	}
	if opts.PNG != "" {
		rl := make([]string, len(m.RowIDs))
		for i, id := range m.RowIDs {
			rl[i] = strconv.FormatInt(id, 10)
		}
		cl := make([]string, len(m.ColIDs))
		for i, id := range m.ColIDs {
			cl[i] = strconv.FormatInt(id, 10)
		}
		title := fmt.Sprintf("Synapses among %d x %d neurons (%s)", len(rl), len(cl), opts.Value)
		err := plot.Heatmap(opts.PNG, title, rl, cl, m.Values,
			plot.HeatmapOptions{Binary: val == synapse.ValueBinary, Log: val != synapse.ValueBinary, XLabel: "post", YLabel: "pre", MaxCell: 24})
		if err != nil {
			return err
		}
	}
	if !opts.Global.Quiet && opts.Out != "" {
		fmt.Fprintf(opts.IO.ErrOut, "wrote %d x %d matrix (%d synapses) to %s\n", len(m.RowIDs), len(m.ColIDs), m.Synapses, opts.Out)
	}
	return closeFn()
}
