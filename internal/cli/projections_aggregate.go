package cli

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func init() {
	projectionSubs = append(projectionSubs, newCmdProjectionsFetch, newCmdProjectionsAggregate)
}

// parseIDs reads experiment ids from arguments and an optional file (one
// per line or comma/space separated; '#' comments).
func parseIDs(args []string, file string) ([]int64, error) {
	var toks []string
	for _, a := range args {
		toks = append(toks, strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, usageErr("cannot read --ids-file: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			toks = append(toks, strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })...)
		}
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, t := range toks {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			return nil, usageErr("experiment id %q is not a positive integer", t)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func defaultCache(io *IO) string {
	if v := io.Getenv("CCC_PROJECTION_CACHE"); v != "" {
		return v
	}
	return "allen-cache"
}

type projectionsFetchOptions struct {
	IO         *IO
	Global     *globalOptions
	IDs        []string
	IDsFile    string
	Cache      string
	Resolution int
	Grid       bool
	Unionizes  bool
	Reload     bool
	API        string
	Retries    int
	Jobs       int
	Net        downloadFlags
}

func newCmdProjectionsFetch(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsFetchOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "fetch [IDS...]",
		Short: "Download injection summaries (and density grids, unionizes) of experiments from the Allen API into a cache",
		Long: `Download per-experiment files from the Allen Brain Atlas API into the cache directory:
injectionSummary_all.json (structure unionizes of the injection), with --grid the projection
density grid (NRRD, --resolution 10/25/50/100 um), with --unionizes all structure unionizes
(for projection matrices). Cached files are kept unless --reload; downloads are retried with
exponential backoff and written atomically (a partial file is removed, also on Ctrl-C).
Downloads use https, time out when the server stalls, are capped in size per response
(--max-bytes) and follow redirects only to the same host (--allow-host adds others).`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.IDs = args
			return runProjectionsFetch(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.IDsFile, "ids-file", "", "file with experiment ids")
	f.StringVar(&opts.Cache, "cache", "", "cache directory (default $CCC_PROJECTION_CACHE or ./allen-cache)")
	f.IntVar(&opts.Resolution, "resolution", 100, "grid resolution in um: 10, 25, 50 or 100")
	f.BoolVar(&opts.Grid, "grid", false, "also download the projection density grid")
	f.BoolVar(&opts.Unionizes, "unionizes", false, "also download all structure unionizes (projection matrices)")
	f.BoolVar(&opts.Reload, "reload", false, "download again even if cached")
	f.StringVar(&opts.API, "api", projection.DefaultAPI, "Allen API base URL")
	f.IntVar(&opts.Retries, "retries", 4, "retries per file on network errors, 429 and 5xx")
	f.IntVar(&opts.Jobs, "jobs", 4, "experiments downloaded at once")
	opts.Net.register(f)
	return cmd
}

func runProjectionsFetch(ctx context.Context, o *projectionsFetchOptions) error {
	ids, err := parseIDs(o.IDs, o.IDsFile)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usageErr("give experiment ids (arguments or --ids-file)")
	}
	if o.Cache == "" {
		o.Cache = defaultCache(o.IO)
	}
	pol, err := o.Net.policy()
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM) // removes partial files
	defer stop()
	bar := progress.New(o.IO.ErrOut, "fetch", "experiments", int64(len(ids)), o.Global.Quiet)
	f := &projection.Fetcher{BaseURL: o.API, Policy: pol, Retries: o.Retries, Concurrency: o.Jobs, OnDone: func(int64, int64) { bar.Add(1) }}
	err = f.Fetch(ctx, projection.Cache{Dir: o.Cache, Resolution: o.Resolution}, ids,
		projection.FetchOptions{Summary: true, Grid: o.Grid, Unionizes: o.Unionizes, Reload: o.Reload})
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "fetched %d experiments into %s\n", len(ids), o.Cache)
	return nil
}

type projectionsAggregateOptions struct {
	IO           *IO
	Global       *globalOptions
	IDs          []string
	IDsFile      string
	Cache        string
	Resolution   int
	Dataset      string
	Name         string
	MetadataCSV  string
	RegionGroups []string
	Find         projection.FindOptions
	Ontology     string
	Fetch        bool
	API          string
	Net          downloadFlags
	Agg          projection.AggregateOptions
}

func newCmdProjectionsAggregate(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsAggregateOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "aggregate [IDS...]",
		Short: "Average cached density grids per group (normalization, hemisphere subtraction, AP/ML/DV bins or region groups) into the store",
		Long: `Average the cached projection density grids of experiments per group and store the result
as artifact aggregate/NAME (mean.zarr: groups x AP x DV x ML float32; individual.zarr with
--keep-individual; metadata.csv; groups.json) with the parameters as provenance.

Experiments: ids as arguments or --ids-file, or chosen like 'find' (--region, --line, --wild-type);
their metadata comes from the experiment table in the store ('ccc projections ingest').

  --normalization none|injectionVolume|injectionIntensity   divide by the structure-997 hemisphere-3
        projection_volume or sum_pixel_intensity of the injection summary
  --subtract        mirror across the midline and subtract the other hemisphere from the injected one
  --group-by AP|ML|DV --bins N   equal-width bins of the injection coordinate (empty bins dropped)
  --group-by regions --region-group visual=VISp,VISl --region-group motor=MOp,MOs`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.IDs = args
			return runProjectionsAggregate(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.IDsFile, "ids-file", "", "file with experiment ids")
	f.StringVar(&opts.Cache, "cache", "", "cache directory (default $CCC_PROJECTION_CACHE or ./allen-cache)")
	f.IntVar(&opts.Resolution, "resolution", 100, "grid resolution in um: 10, 25, 50 or 100")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset holding the experiments and receiving the result")
	f.StringVar(&opts.Name, "name", "default", "result name (artifact aggregate/NAME)")
	f.StringVar(&opts.MetadataCSV, "metadata-csv", "", "also write the per-experiment metadata CSV here")
	f.StringVar(&opts.Agg.Normalization, "normalization", projection.NormNone, "none, injectionVolume or injectionIntensity")
	f.BoolVar(&opts.Agg.Subtract, "subtract", false, "subtract the other hemisphere (mirrored) from the injected one")
	f.StringVar(&opts.Agg.GroupBy, "group-by", "", "AP, ML, DV or regions (default: one group)")
	f.IntVar(&opts.Agg.Bins, "bins", 5, "equal-width bins for AP/ML/DV grouping")
	f.StringArrayVar(&opts.RegionGroups, "region-group", nil, "NAME=R1,R2,... (repeatable) for --group-by regions")
	f.BoolVar(&opts.Agg.KeepIndividual, "keep-individual", false, "also store every experiment's processed volume")
	f.IntVar(&opts.Agg.Workers, "jobs", 0, "experiments processed in parallel (default: all cores)")
	f.StringVar(&opts.Find.Region, "region", "", "select experiments by injection region")
	f.BoolVar(&opts.Find.IncludeDescendants, "include-descendants", false, "with --region: also regions below it")
	f.StringVar(&opts.Find.Line, "line", "", "select experiments by transgenic line")
	f.BoolVar(&opts.Find.WildType, "wild-type", false, "select wild-type experiments")
	f.StringVar(&opts.Ontology, "ontology", "", "region ontology file (default: the atlas in the store, else the Allen CCF 2017)")
	f.BoolVar(&opts.Fetch, "fetch", false, "download missing injection summaries and grids from the Allen API first")
	opts.Net.register(f)
	f.StringVar(&opts.API, "api", projection.DefaultAPI, "Allen API base URL (with --fetch)")
	addWaitFlag(cmd)
	return cmd
}

func parseRegionGroups(specs []string) ([]projection.RegionGroup, error) {
	var out []projection.RegionGroup
	for _, s := range specs {
		name, regs, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(regs) == "" {
			return nil, usageErr("--region-group %q: write NAME=R1,R2", s)
		}
		var rs []string
		for _, r := range strings.Split(regs, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, r)
			}
		}
		out = append(out, projection.RegionGroup{Name: strings.TrimSpace(name), Regions: rs})
	}
	return out, nil
}

func runProjectionsAggregate(ctx context.Context, o *projectionsAggregateOptions) error {
	ids, err := parseIDs(o.IDs, o.IDsFile)
	if err != nil {
		return err
	}
	selecting := o.Find.Region != "" || o.Find.Line != "" || o.Find.WildType
	if len(ids) == 0 && !selecting {
		return usageErr("give experiment ids (arguments or --ids-file) or select them with --region/--line/--wild-type")
	}
	if o.Agg.RegionGroups, err = parseRegionGroups(o.RegionGroups); err != nil {
		return err
	}
	if o.Cache == "" {
		o.Cache = defaultCache(o.IO)
	}
	dims, err := projection.GridDims(o.Resolution)
	if err != nil {
		return err
	}
	o.Agg.Dims, o.Agg.Spacing = dims, float64(o.Resolution)
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	exps, err := projection.LoadExperiments(ctx, st, store.Ref{}, o.Dataset)
	if err != nil {
		return err
	}
	if selecting || o.Agg.GroupBy == projection.GroupRegions {
		ont, err := projectionOntology(st, store.Ref{}, o.Ontology, "")
		if err != nil {
			return err
		}
		o.Agg.Ontology = ont
		if selecting {
			found, err := projection.Find(exps, ont, o.Find)
			if err != nil {
				return err
			}
			if len(ids) > 0 { // intersect, keeping the given order
				keep := map[int64]bool{}
				for _, e := range found {
					keep[e.ID] = true
				}
				var sel []int64
				for _, id := range ids {
					if keep[id] {
						sel = append(sel, id)
					}
				}
				ids = sel
			} else {
				for _, e := range found {
					ids = append(ids, e.ID)
				}
			}
			if len(ids) == 0 {
				return usageErr("no experiment matches the selection")
			}
		}
	}
	cache := projection.Cache{Dir: o.Cache, Resolution: o.Resolution}
	if o.Fetch {
		pol, err := o.Net.policy()
		if err != nil {
			return err
		}
		bar := progress.New(o.IO.ErrOut, "fetch", "experiments", int64(len(ids)), o.Global.Quiet)
		f := &projection.Fetcher{BaseURL: o.API, Policy: pol, OnDone: func(int64, int64) { bar.Add(1) }}
		err = f.Fetch(ctx, cache, ids, projection.FetchOptions{Summary: true, Grid: true})
		bar.Finish()
		if err != nil {
			return err
		}
	}
	ins, err := projection.LoadInputs(exps, ids, cache)
	if err != nil {
		return err
	}
	if o.Agg.KeepIndividual {
		// stream the individual volumes to disk instead of holding them all
		tmp, err := os.MkdirTemp("", "ccc-individual-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		o.Agg.IndividualDir = filepath.Join(tmp, "individual.zarr")
	}
	res, err := projection.Aggregate(ctx, ins, o.Agg)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", w)
	}
	if o.MetadataCSV != "" {
		f, err := os.Create(o.MetadataCSV)
		if err != nil {
			return err
		}
		if err := projection.WriteMetadataCSV(f, res.Metadata); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	v, name, err := projection.SaveAggregate(ctx, st, res, projection.SaveOptions{Dataset: o.Dataset, Name: o.Name,
		Extra: map[string]any{"command": "projections aggregate", "experiments": ids, "cache": o.Cache}})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.Out, "aggregated %d experiments into %d group(s): %s artifact %s, version %d\n", len(ins), len(res.Groups), o.Dataset, name, v.Number)
	for _, g := range res.Groups {
		c := ""
		if !math.IsNaN(g.Centre) {
			c = fmt.Sprintf("  centre %.0f um [%.0f, %.0f]", g.Centre, g.Lo, g.Hi)
		}
		fmt.Fprintf(o.IO.Out, "  %-10s %4d experiments%s\n", g.Label, len(g.Experiments), c)
	}
	return nil
}
