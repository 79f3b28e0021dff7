package synth

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// strategyAxon follows the proportions of proofreading_status_and_strategy
// (seed 001: 979 partially extended, 233 column truncated, 144 interareal,
// 80 fully extended).
var strategyAxon = []struct {
	name string
	w    float64
}{{"axon_partially_extended", 979}, {"axon_column_truncated", 233}, {"axon_interareal", 144}, {"axon_fully_extended", 80}}

type csvOut struct {
	f *os.File
	w *bufio.Writer
}

func createCSV(path string, header string) (*csvOut, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(header)
	w.WriteByte('\n')
	return &csvOut{f, w}, nil
}

func (c *csvOut) close() error {
	if err := c.w.Flush(); err != nil {
		c.f.Close()
		return err
	}
	return c.f.Close()
}

const cellHeader = "id,created,valid,target_id,classification_system,cell_type,pt_supervoxel_id,pt_root_id,pt_position_x,pt_position_y,pt_position_z"

// writeCells writes the automated and manual cell-type tables and the
// proofreading table. Besides the synapse-making neurons, the automated table
// lists non-neuronal cells (25% extra) and, like MICrONS, a few roots that
// carry two nuclei (merge errors) which analyses drop.
func writeCells(o Options, nm *neurons, dir string, sum *Summary) error {
	r := rand.New(rand.NewPCG(o.Seed, 0x63656c6c73))
	n := len(nm.Root)
	exclude := make(map[int64]bool, n)
	for _, v := range nm.Root {
		exclude[v] = true
	}
	nNon := n / 4
	nonRoots := uniqueRoots(r, nNon, exclude)
	nonCum := cumCounts(nonNeuronTypes)
	nucleusMax := int64(max(800000, 10*(n+nNon)))
	usedNuc := map[int64]bool{}
	nucleus := func() int64 {
		for {
			v := 100000 + r.Int64N(nucleusMax)
			if !usedNuc[v] {
				usedNuc[v] = true
				return v
			}
		}
	}
	created := time.Date(2023, 12, 19, 22, 38, 0, 0, time.UTC)
	ts := func() string {
		return created.Add(time.Duration(r.Int64N(int64(10 * time.Hour)))).Format("2006-01-02 15:04:05.000000+00:00")
	}
	pos := func(x, y, z float64) string {
		return fmt.Sprintf("%d,%d,%d", int64(x), int64(y), int64(z))
	}
	sv := func(x, y, z float64) int64 { return supervoxel(int64(x), int64(y), int64(z), r) }

	auto, err := createCSV(filepath.Join(dir, CellTypesAutoFile), cellHeader)
	if err != nil {
		return err
	}
	id := int64(1)
	row := func(c *csvOut, system, typ string, root int64, x, y, z float64) {
		fmt.Fprintf(c.w, "%d,%s,t,%d,%s,%s,%d,%d,%s\n", id, ts(), nucleus(), system, typ, sv(x, y, z), root, pos(x, y, z))
		id++
		sum.Cells++
	}
	nucleusOf := make([]int64, n)
	for i := 0; i < n; i++ {
		ct := neuronTypes[nm.Type[i]]
		nuc := nucleus()
		nucleusOf[i] = nuc
		fmt.Fprintf(auto.w, "%d,%s,t,%d,%s,%s,%d,%d,%s\n", id, ts(), nuc, ct.System, ct.Name, sv(nm.X[i], nm.Y[i], nm.Z[i]), nm.Root[i], pos(nm.X[i], nm.Y[i], nm.Z[i]))
		id++
		sum.Cells++
		// about 0.5% of the roots carry a second nucleus (a merge error)
		if r.Float64() < 0.005 {
			row(auto, ct.System, ct.Name, nm.Root[i], nm.X[i]+2000, nm.Y[i]+2000, nm.Z[i])
		}
	}
	for _, root := range nonRoots {
		ct := nonNeuronTypes[sampleType(r, nonNeuronTypes, nonCum)]
		x, y, z := xLo+r.Float64()*(xHi-xLo), ct.YLo+r.Float64()*(ct.YHi-ct.YLo), zLo+r.Float64()*(zHi-zLo)
		row(auto, ct.System, ct.Name, root, x, y, z)
	}
	if err := auto.close(); err != nil {
		return err
	}

	// manual labels: most proofread neurons plus about 1% of the others,
	// agreeing with the automated label 90% of the time.
	man, err := createCSV(filepath.Join(dir, CellTypesManFile), cellHeader)
	if err != nil {
		return err
	}
	id = 1
	for i := 0; i < n; i++ {
		p := 0.01
		if nm.Proofread[i] {
			p = 0.7
		}
		if r.Float64() >= p {
			continue
		}
		ct := neuronTypes[nm.Type[i]]
		if r.Float64() < 0.1 { // disagreement within the same coarse class
			for {
				alt := neuronTypes[r.IntN(len(neuronTypes))]
				if alt.Inhibitory == ct.Inhibitory {
					ct = alt
					break
				}
			}
		}
		fmt.Fprintf(man.w, "%d,%s,t,%d,%s,%s,%d,%d,%s\n", id, ts(), nucleusOf[i], ct.Manual, ct.Name,
			sv(nm.X[i], nm.Y[i], nm.Z[i]), nm.Root[i], pos(nm.X[i], nm.Y[i], nm.Z[i]))
		id++
		sum.ManualCells++
	}
	if err := man.close(); err != nil {
		return err
	}

	pr, err := createCSV(filepath.Join(dir, ProofreadingFile),
		"id,valid,pt_supervoxel_id,pt_root_id,pt_position_x,pt_position_y,pt_position_z,status_dendrite,status_axon,strategy_dendrite,strategy_axon")
	if err != nil {
		return err
	}
	totalW := 0.0
	for _, s := range strategyAxon {
		totalW += s.w
	}
	id = 1
	for i := 0; i < n; i++ {
		if !nm.Proofread[i] {
			continue
		}
		axon, strat := "t", ""
		if r.Float64() < 0.1 {
			axon, strat = "f", "none"
		} else {
			u := r.Float64() * totalW
			for _, s := range strategyAxon {
				if u < s.w {
					strat = s.name
					break
				}
				u -= s.w
			}
			if strat == "" {
				strat = strategyAxon[len(strategyAxon)-1].name
			}
			sum.ProofreadAxons++
		}
		fmt.Fprintf(pr.w, "%d,t,%d,%d,%s,t,%s,dendrite_extended,%s\n", id, sv(nm.X[i], nm.Y[i], nm.Z[i]), nm.Root[i],
			pos(nm.X[i], nm.Y[i], nm.Z[i]), axon, strat)
		id++
		sum.Proofread++
	}
	if err := pr.close(); err != nil {
		return err
	}
	for _, f := range []string{CellTypesAutoFile, CellTypesManFile, ProofreadingFile} {
		sum.Files = append(sum.Files, filepath.Join(dir, f))
	}
	return nil
}
