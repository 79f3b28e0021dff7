package cli

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/cells"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

func init() { registerQuickstartStep(60, "cells", quickstartCells) }

// quickstartCells writes the synthetic ABC-like cell set, loads its
// taxonomy, ingests the spatial cells with CCF regions (through the atlas
// step's synthetic volume) and cluster assignments, and counts cells per
// subclass in VISp with its layers.
func quickstartCells(q *quickstartEnv) error {
	w := q.IO.Out
	dir := filepath.Join(q.OutDir, "cells")
	sum, err := cells.WriteSynthetic(dir, cells.SynthOptions{Seed: 1})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc synth cells --out cells --seed 1\n     %d clusters %v, %d spatial cells, %d BARseq cells, %d EM nuclei\n",
		sum.Clusters, sum.LevelCounts, sum.Spatial, sum.BARseq, sum.EM)
	g := &globalOptions{StoreDir: q.StoreDir, Quiet: true}
	run := func(show string, f func(io *IO) error) error {
		var out bytes.Buffer
		io := &IO{Out: &out, ErrOut: &out, Getenv: func(string) string { return "" }}
		if err := f(io); err != nil {
			return err
		}
		fmt.Fprintf(w, "   %s\n", show)
		for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
			fmt.Fprintf(w, "     %s\n", l)
		}
		return nil
	}
	abc := filepath.Join(dir, "abc")
	err = run("ccc taxonomy load --name wmb-synth --membership cells/abc/cluster_to_cluster_annotation_membership.csv cells/abc/cluster_annotation_term.csv",
		func(io *IO) error {
			return runTaxonomyLoad(q.Ctx, &taxonomyLoadOptions{IO: io, Global: g, File: filepath.Join(abc, "cluster_annotation_term.csv"),
				Load: taxonomyLoadOpts("wmb-synth", filepath.Join(abc, "cluster_to_cluster_annotation_membership.csv"))})
		})
	if err != nil {
		return err
	}
	err = run("ccc taxonomy ancestors 7 (a cluster alias)", func(io *IO) error {
		return runTaxonomyQuery(&taxonomyQueryOptions{taxonomyOptions: taxonomyOptions{IO: io, Global: g, Taxonomy: "wmb-synth", Format: "table"}, Verb: "ancestors", Cluster: "7"})
	})
	if err != nil {
		return err
	}
	err = run("ccc cells ingest --dataset merfish_demo --modality TRANSCRIPTOMICS --taxonomy wmb-synth --score-col score cells/spatial_cells.csv",
		func(io *IO) error {
			o := &cellsIngestOptions{IO: io, Global: g, File: filepath.Join(dir, "spatial_cells.csv"), Taxonomy: "wmb-synth"}
			o.Ingest.Dataset, o.Ingest.Modality, o.Ingest.ScoreCol, o.Ingest.Algorithm = "merfish_demo", "TRANSCRIPTOMICS", "score", "synthetic label transfer"
			return runCellsIngest(q.Ctx, o)
		})
	if err != nil {
		return err
	}
	return run("ccc cells count --by class --region VISp --include-descendants", func(io *IO) error {
		return runCellsCount(q.Ctx, &cellsCountOptions{IO: io, Global: g, By: "class", Regions: "VISp", IncludeDescendants: true, Format: "table"})
	})
}

func taxonomyLoadOpts(name, membership string) (o taxonomy.LoadOptions) {
	o.Name, o.Membership = name, membership
	return o
}
