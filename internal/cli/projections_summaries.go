package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func init() {
	projectionSubs = append(projectionSubs, newCmdProjectionsSummaries)
}

type projectionsSummariesOptions struct {
	IO      *IO
	Global  *globalOptions
	IDs     []string
	IDsFile string
	Cache   string
	Dataset string
}

func newCmdProjectionsSummaries(io *IO, g *globalOptions) *cobra.Command {
	opts := &projectionsSummariesOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "summaries [IDS...]",
		Short: "Store the cached injection summaries (structure unionizes) as the InjectionSummary table",
		Long: `Read injectionSummary_all.json of the given experiments (default: every experiment in the
cache) and write their unionize records as the InjectionSummary table of the dataset.`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.IDs = args
			return runProjectionsSummaries(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.IDsFile, "ids-file", "", "file with experiment ids")
	f.StringVar(&opts.Cache, "cache", "", "cache directory (default $CCC_PROJECTION_CACHE or ./allen-cache)")
	f.StringVar(&opts.Dataset, "dataset", projection.DefaultDataset, "dataset to write")
	addWaitFlag(cmd)
	return cmd
}

func runProjectionsSummaries(ctx context.Context, o *projectionsSummariesOptions) error {
	ids, err := parseIDs(o.IDs, o.IDsFile)
	if err != nil {
		return err
	}
	if o.Cache == "" {
		o.Cache = defaultCache(o.IO)
	}
	cache := projection.Cache{Dir: o.Cache}
	if len(ids) == 0 {
		ents, err := os.ReadDir(o.Cache)
		if err != nil {
			return usageErr("cannot read the cache %s: %v", o.Cache, err)
		}
		for _, e := range ents {
			id, err := strconv.ParseInt(e.Name(), 10, 64)
			if err != nil || !e.IsDir() {
				continue
			}
			if _, err := os.Stat(cache.SummaryPath(id)); err == nil {
				ids = append(ids, id)
			}
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if len(ids) == 0 {
			return usageErr("no injection summaries in %s (run 'ccc projections fetch')", o.Cache)
		}
	}
	var sums []*projection.Summary
	for _, id := range ids {
		s, err := projection.ReadSummaryFile(cache.SummaryPath(id), id)
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	st, err := store.Open(o.Global.StorePath(o.IO))
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := projection.IngestSummaries(ctx, st, sums, projection.IngestOptions{Dataset: o.Dataset, SourceURI: o.Cache})
	if err != nil {
		return err
	}
	n := 0
	for _, s := range sums {
		n += len(s.Records)
	}
	fmt.Fprintf(o.IO.Out, "stored %d unionize records of %d experiments as %s in %s, version %d\n", n, len(sums), projection.SummaryClass, o.Dataset, v.Number)
	return nil
}
