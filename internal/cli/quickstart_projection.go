package cli

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/projection"
	"github.com/ccc-connectivity/ccc/store"
)

func init() { registerQuickstartStep(40, "projections", quickstartProjections) }

// quickstartProjections ingests the real Allen experiment table (synthetic
// when absent), finds the VISp experiments through the atlas hierarchy,
// aggregates synthetic density grids (real grids need the network) with
// normalization, hemisphere subtraction and AP grouping, builds projection
// matrices (grid sums through the annotation volume, MAPseq-like barcode
// counts) and draws a heatmap and slice pictures.
func quickstartProjections(q *quickstartEnv) error {
	w := q.IO.Out
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	cache := projection.Cache{Dir: filepath.Join(q.OutDir, "allen-cache")}
	synth, err := projection.Synthetic(cache, projection.SyntheticOptions{N: 12, Seed: 2026})
	if err != nil {
		return err
	}

	// 1. experiments
	table := q.DataFile("allen-connectivity/allenAtlasProjection_info.csv")
	var exps []projection.Experiment
	if table != "" {
		if exps, err = projection.ReadExperimentsFile(table); err != nil {
			return err
		}
	} else {
		for _, in := range synth {
			exps = append(exps, in.Experiment)
		}
		table = "(synthetic table)"
	}
	v, err := projection.IngestExperiments(q.Ctx, st, exps, projection.IngestOptions{Source: q.DataFile("allen-connectivity/allenAtlasProjection_info.csv")})
	if err != nil {
		return err
	}
	wt := 0
	for i := range exps {
		if exps[i].WildType() {
			wt++
		}
	}
	fmt.Fprintf(w, "   ccc projections ingest %s\n     %d experiments (%d wild type, %d Cre), store version %d\n", filepath.Base(table), len(exps), wt, len(exps)-wt, v.Number)

	// 2. find VISp experiments through the hierarchy
	ont, err := projectionOntology(st, store.Ref{}, "", "")
	if err != nil {
		return err
	}
	visp, err := projection.Find(exps, ont, projection.FindOptions{Region: "VISp", IncludeDescendants: true})
	if err != nil {
		return err
	}
	vispWT, _ := projection.Find(exps, ont, projection.FindOptions{Region: "VISp", IncludeDescendants: true, WildType: true})
	prefix := 0
	for _, e := range exps {
		if strings.HasPrefix(e.StructureAbbrev, "VISp") {
			prefix++
		}
	}
	found := filepath.Join(q.OutDir, "visp_experiments.csv")
	f, err := os.Create(found)
	if err != nil {
		return err
	}
	if err := projection.WriteExperiments(f, projection.FormatCSV, visp); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc projections find --region VISp --include-descendants --format csv\n     %d experiments (%d wild type); an acronym-prefix match would wrongly give %d (VISpm, VISpl, VISpor...)\n",
		len(visp), len(vispWT), prefix)
	q.Output("VISp experiments (CSV)", found)
	var sums []*projection.Summary
	for _, in := range synth {
		sums = append(sums, in.Summary)
	}
	if s := q.DataFile("allen-connectivity/100141219/injectionSummary_all.json"); s != "" {
		sum, err := projection.ReadSummaryFile(s, 100141219)
		if err != nil {
			return err
		}
		if inj, ok := sum.Injection(); ok {
			fmt.Fprintf(w, "     experiment 100141219: %d unionize records, injection volume %.4f mm^3, max voxel z %.0f um\n",
				len(sum.Records), inj.ProjectionVolume, inj.MaxVoxelZ)
		}
		sums = append(sums, sum)
	}
	sv, err := projection.IngestSummaries(q.Ctx, st, sums, projection.IngestOptions{SourceURI: cache.Dir})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   ccc projections summaries --cache allen-cache\n     %d injection summaries as InjectionSummary, version %d\n", len(sums), sv.Number)

	// 3. aggregate synthetic grids (real grids: 'ccc projections fetch --grid')
	res, err := projection.Aggregate(q.Ctx, synth, projection.AggregateOptions{Normalization: projection.NormVolume, Subtract: true,
		GroupBy: projection.GroupAP, Bins: 3})
	if err != nil {
		return err
	}
	av, name, err := projection.SaveAggregate(q.Ctx, st, res, projection.SaveOptions{Name: "quickstart-ap",
		Extra: map[string]any{"command": "quickstart", "grids": "synthetic"}})
	if err != nil {
		return err
	}
	var gs []string
	for _, g := range res.Groups {
		gs = append(gs, fmt.Sprintf("%s (%d exp, AP %.0f um)", g.Label, len(g.Experiments), g.Centre))
	}
	fmt.Fprintf(w, "   ccc projections aggregate --normalization injectionVolume --subtract --group-by AP --bins 3 (12 synthetic grids)\n     %s; artifact %s, version %d\n",
		strings.Join(gs, ", "), name, av.Number)
	meta := filepath.Join(q.OutDir, "projection_metadata.csv")
	if f, err = os.Create(meta); err != nil {
		return err
	}
	if err := projection.WriteMetadataCSV(f, res.Metadata); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	q.Output("aggregation metadata (CSV)", meta)

	// annotation volume for outlines and grid matrices: the atlas step's one
	var labels []uint32
	if a, err := atlas.Open(st, store.Ref{}, ""); err == nil {
		if vol, err := a.Volume(100); err == nil && vol.Dims == res.Dims {
			labels = vol.Labels
		}
	}
	for _, pl := range []struct{ plane, file string }{{projection.Horizontal, "projection_horizontal_max.png"}, {projection.Coronal, "projection_coronal.png"}} {
		png := filepath.Join(q.OutDir, pl.file)
		idx := -1
		if pl.plane == projection.Coronal {
			idx = int(math.Round(res.Groups[0].Centre / res.Spacing))
		}
		if err := projection.WriteSlicePNG(png, res.Mean[0], res.Dims, pl.plane, idx, fmt.Sprintf("%s %s (%s)", name, res.Groups[0].Label, pl.plane), labels); err != nil {
			return err
		}
		q.Output("projection "+pl.plane+" (PNG)", png)
	}

	// 4. matrices
	targets := []string{"VISp", "VISl", "VISam", "MOp", "MOs", "SSp", "ACA", "RSP", "CP", "TH"}
	var ids []int64
	for _, t := range targets {
		if r, err := ont.Lookup(t); err == nil {
			ids = append(ids, r.ID)
		}
	}
	var m *projection.Matrix
	if labels != nil {
		// the regions painted in the synthetic annotation volume
		var gridIDs []int64
		for _, t := range []string{"grey", "Isocortex", "VISp", "VISp1", "TH", "CB"} {
			if r, err := ont.Lookup(t); err == nil {
				gridIDs = append(gridIDs, r.ID)
			}
		}
		m, err = projection.MatrixFromGrids(synth, labels, res.Dims, gridIDs, ont)
	} else {
		sums := make([]*projection.Summary, len(synth))
		r := rand.New(rand.NewPCG(7, 7))
		for i, in := range synth {
			s := &projection.Summary{ExperimentID: in.Experiment.ID}
			for _, id := range ids {
				s.Records = append(s.Records, projection.Unionize{ExperimentID: in.Experiment.ID, StructureID: id, HemisphereID: 3,
					ProjectionDensity: r.Float64() * r.Float64()})
			}
			sums[i] = s
		}
		m, err = projection.MatrixFromUnionizes(sums, "projection_density", 3, ids, ont)
	}
	if err != nil {
		return err
	}
	m.ID, m.Description = "quickstart-density", "synthetic experiments x target regions"
	if _, err := projection.SaveMatrix(q.Ctx, st, m, "", map[string]any{"command": "quickstart"}, nil, 0); err != nil {
		return err
	}
	cells := filepath.Join(q.OutDir, "mapseq_counts.csv")
	if err := writeQuickstartMAPseq(cells, targets[:6]); err != nil {
		return err
	}
	cm, err := projection.ReadCellVectorsFile(cells, ont)
	if err != nil {
		return err
	}
	cm.ID, cm.Modality, cm.MeasurementType, cm.Unit = "quickstart-mapseq", "MAPSEQ", "BARCODE_COUNT", "count"
	mv, err := projection.SaveMatrix(q.Ctx, st, cm, "mapseq_demo", map[string]any{"command": "quickstart"}, []string{cells}, 0)
	if err != nil {
		return err
	}
	from := "grids --annotation (the atlas step's synthetic volume)"
	if labels == nil {
		from = "unionizes (synthetic)"
	}
	fmt.Fprintf(w, "   ccc projections matrix build quickstart-density --from %s\n     %d experiments x %d regions\n", from, len(m.Rows), len(m.RegionIDs))
	fmt.Fprintf(w, "   ccc projections matrix ingest quickstart-mapseq mapseq_counts.csv --modality MAPseq --dataset mapseq_demo\n     %d cells x %d regions, version %d\n", len(cm.Rows), len(cm.RegionIDs), mv.Number)
	heat := filepath.Join(q.OutDir, "projection_matrix.png")
	if _, e := runMatrixExportQuiet(q, "quickstart-density", heat); e != nil {
		return e
	}
	fmt.Fprintf(w, "   ccc projections matrix export quickstart-density --heatmap projection_matrix.png\n")
	q.Output("projection matrix heatmap (PNG)", heat)
	return nil
}

func runMatrixExportQuiet(q *quickstartEnv, name, heat string) (string, error) {
	io := &IO{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{}, Getenv: q.IO.Getenv}
	o := &matrixExportOptions{IO: io, Global: &globalOptions{StoreDir: q.StoreDir}, Name: name, Format: "csv",
		Out: filepath.Join(q.OutDir, name+".csv"), Heatmap: heat, Dataset: projection.DefaultDataset}
	return o.Out, runMatrixExport(q.Ctx, o)
}

// writeQuickstartMAPseq writes MAPseq-like barcode counts: 40 neurons, each
// projecting mostly to one or two of the targets.
func writeQuickstartMAPseq(path string, targets []string) error {
	r := rand.New(rand.NewPCG(40, 2))
	var b strings.Builder
	b.WriteString("cell_id," + strings.Join(targets, ",") + "\n")
	for c := 0; c < 40; c++ {
		fmt.Fprintf(&b, "neuron%02d", c+1)
		main := r.IntN(len(targets))
		for t := range targets {
			n := r.IntN(3)
			if t == main {
				n = 20 + r.IntN(80)
			} else if r.IntN(4) == 0 {
				n += r.IntN(15)
			}
			fmt.Fprintf(&b, ",%d", n)
		}
		b.WriteString("\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
