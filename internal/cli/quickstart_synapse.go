package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ccc-connectivity/ccc/internal/plot"
	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
	"github.com/ccc-connectivity/ccc/synapse/synth"
)

func init() { registerQuickstartStep(30, "synapses", quickstartSynapses) }

// quickstartSynapses ingests the real MICrONS corner synapses and cells
// (or a synthetic MICrONS-like dataset with proofreading when they are
// absent), then runs the CAVE tutorial: the subgraph among a neuron set,
// per-pair counts, the binarized heatmap and the cell-type matrix.
func quickstartSynapses(q *quickstartEnv) error {
	st, err := store.Init(q.StoreDir)
	if err != nil {
		return err
	}
	defer st.Close()
	out := q.IO.Out
	f5, f50 := q.DataFile("microns/synapses_23P_corner_5.csv"), q.DataFile("microns/synapses_23P_corner_50.csv")
	cellsCSV := q.DataFile("microns/cells_no_repeats.csv")
	dataset := "minnie65"
	real := f5 != "" && f50 != "" && cellsCSV != ""
	if real {
		// positions of these extracts are in um
		r, err := synapse.Ingest(q.Ctx, st, synapse.StoreIngestOptions{Dataset: dataset, Files: []string{f5, f50},
			Resolution: synapse.Resolution{1000, 1000, 1000}, DropUnknown: true, Message: "quickstart: MICrONS 23P corner synapses"})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   ingested %d real MICrONS synapses among %d neurons (version %d)\n", r.Rows, r.Neurons, r.Version.Number)
		// the extract has no nucleus id column; its pandas index
		// (unique per row) stands in as the id
		_, n, err := synapse.IngestCells(q.Ctx, st, dataset, cellsCSV,
			synapse.CellTableOptions{Kind: synapse.KindCellType, Source: "automated", DropUnknown: true, IDColumn: "Unnamed: 0"}, "quickstart: MICrONS cell types")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   stored %d automated cell-type rows (cells_no_repeats.csv; its index column as nucleus id)\n", n)
	} else {
		dataset = "synth-minnie"
		dir := filepath.Join(q.OutDir, "synth-synapses")
		sum, err := synth.Generate(q.Ctx, synth.Options{Neurons: 3000, Synapses: 300000, Seed: 1}, dir)
		if err != nil {
			return err
		}
		r, err := synapse.Ingest(q.Ctx, st, synapse.StoreIngestOptions{Dataset: dataset, Files: []string{filepath.Join(dir, synth.SynapsesFile)},
			Message: "quickstart: synthetic MICrONS-like synapses"})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   no real MICrONS files: ingested %d synthetic synapses among %d neurons (version %d)\n", r.Rows, r.Neurons, r.Version.Number)
		for _, c := range []struct {
			file string
			o    synapse.CellTableOptions
		}{
			{synth.CellTypesAutoFile, synapse.CellTableOptions{Kind: synapse.KindCellType, Source: "automated"}},
			{synth.CellTypesManFile, synapse.CellTableOptions{Kind: synapse.KindCellType, Source: "manual"}},
			{synth.ProofreadingFile, synapse.CellTableOptions{Kind: synapse.KindProofreading}},
		} {
			if _, _, err := synapse.IngestCells(q.Ctx, st, dataset, filepath.Join(dir, c.file), c.o, "quickstart: "+c.file); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "   stored %d automated + %d manual cell types, %d proofread neurons\n", sum.Cells, sum.ManualCells, sum.Proofread)
	}
	ds, err := synapse.OpenDataset(st, store.Ref{}, dataset)
	if err != nil {
		return err
	}
	defer ds.Close()
	cells, err := ds.Cells(q.Ctx)
	if err != nil {
		return err
	}
	// the neuron set: proofread axons (synthetic), else the 40 most
	// connected neurons of the real extract
	var set []int64
	what := "neurons with proofread axons"
	if cells.HasProof {
		set, _ = cells.Proofread("axon")
	} else {
		set = mostConnected(ds.Index, 40)
		what = "most connected neurons"
	}
	req := &synapse.Request{Pre: set, PreGiven: true, Post: set, PostGiven: true, RemoveAutapses: true}
	pairsPath := filepath.Join(q.OutDir, "synapse_pairs.csv")
	f, err := os.Create(pairsPath)
	if err != nil {
		return err
	}
	rw, _ := synapse.NewRowWriter("csv", f, "")
	stats, err := ds.WritePairs(q.Ctx, req, rw, true)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	m, err := ds.Matrix(q.Ctx, req, set, set, synapse.ValueBinary)
	if err != nil {
		return err
	}
	connected := 0
	for _, v := range m.Values {
		if v > 0 {
			connected++
		}
	}
	fmt.Fprintf(out, "   subgraph among %d %s: %d synapses in %d connected pairs (autapses removed)\n", len(set), what, m.Synapses, stats.Rows)
	labels := make([]string, len(m.RowIDs))
	for i, id := range m.RowIDs {
		labels[i] = strconv.FormatInt(id, 10)
	}
	pngPath := filepath.Join(q.OutDir, "synapse_matrix_binary.png")
	if err := plot.Heatmap(pngPath, fmt.Sprintf("Connected - binary (%d neurons)", len(labels)), labels, labels, m.Values,
		plot.HeatmapOptions{Binary: true, XLabel: "post", YLabel: "pre"}); err != nil {
		return err
	}
	// cell-type matrix over every neuron with synapses in the table
	all := make([]int64, len(ds.Index.Roots))
	copy(all, ds.Index.Roots)
	tset := set
	if !cells.HasProof {
		tset = all
	}
	tm, err := ds.ByCellType(q.Ctx, &synapse.Request{}, tset, tset)
	if err != nil {
		return err
	}
	typesPath := filepath.Join(q.OutDir, "synapse_celltype_matrix.csv")
	tf, err := os.Create(typesPath)
	if err != nil {
		return err
	}
	trw, _ := synapse.NewRowWriter("csv", tf, "")
	err = synapse.WriteTypeMatrix(tm, trw)
	if cerr := tf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	typesPNG := filepath.Join(q.OutDir, "synapse_celltype_probability.png")
	if err := plot.Heatmap(typesPNG, "Connection probability by cell type", tm.PreTypes, tm.PostTypes, tm.Probability(),
		plot.HeatmapOptions{XLabel: "post cell type", YLabel: "pre cell type"}); err != nil {
		return err
	}
	fmt.Fprintf(out, "   cell-type matrix: %d pre x %d post types\n", len(tm.PreTypes), len(tm.PostTypes))
	q.Output("synapse per-pair counts (CSV)", pairsPath)
	q.Output("synapse binarized connectivity heatmap (PNG)", pngPath)
	q.Output("synapse cell-type matrix (CSV)", typesPath)
	q.Output("synapse connection probability by type (PNG)", typesPNG)
	return nil
}

// mostConnected returns the n root ids with the most synapses (in + out).
func mostConnected(ix *synapse.Index, n int) []int64 {
	idx := make([]uint32, ix.Neurons())
	for i := range idx {
		idx[i] = uint32(i)
	}
	deg := func(i uint32) int { return ix.OutDegree(i) + ix.InDegree(i) }
	sort.Slice(idx, func(a, b int) bool {
		if deg(idx[a]) != deg(idx[b]) {
			return deg(idx[a]) > deg(idx[b])
		}
		return idx[a] < idx[b]
	})
	if len(idx) > n {
		idx = idx[:n]
	}
	out := make([]int64, len(idx))
	for k, i := range idx {
		out[k] = ix.Roots[i]
	}
	return out
}
