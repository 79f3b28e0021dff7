package cells

import (
	"bufio"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/taxonomy"
)

// SynthOptions size a synthetic ABC-like cell set.
type SynthOptions struct {
	Seed       int64
	Classes    int               // taxonomy classes (default 5)
	Spatial    int               // MERFISH-like spatial cells (default 5000)
	BARseq     int               // BARseq-like cells with projection vectors (default 300)
	EM         int               // EM nuclei (default 200)
	Acronyms   map[uint32]string // volume label -> region acronym for the label column (default: DemoAcronyms)
	Parents    map[uint32]uint32 // volume label -> parent label (coarser labels for a few cells; default DemoParents)
	Targets    []string          // BARseq target regions (default: DemoTargets)
	Volume     *atlas.Volume     // where cells are placed (default: the quickstart's 100 um box volume)
	EMTypes    []string          // EM cell types (default: MICrONS-like)
	Disagree   float64           // fraction of spatial cells labelled with the parent region (default 0.03)
	Unassigned float64           // fraction of spatial cells without a label (default 0.01)
}

// DemoAcronyms name the labels of atlas.DemoBoxes.
var DemoAcronyms = map[uint32]string{8: "grey", 315: "Isocortex", 385: "VISp", 593: "VISp1", 549: "TH", 512: "CB"}

// DemoParents are the parents of the DemoBoxes labels that have one among them.
var DemoParents = map[uint32]uint32{315: 8, 385: 315, 593: 385, 549: 8, 512: 8}

// DemoTargets are the BARseq target regions of the synthetic set.
var DemoTargets = []string{"VISp", "Isocortex", "TH", "CB"}

// SynthSummary lists what WriteSynthetic wrote.
type SynthSummary struct {
	Dir                 string
	Clusters            int
	LevelCounts         []int
	Spatial, BARseq, EM int
	Disagree, NoLabel   int
	Files               []string
}

// WriteSynthetic writes a deterministic (per seed) ABC-like cell set to
// dir:
//
//	abc/cluster_annotation_term.csv, abc/cluster_to_cluster_annotation_membership.csv
//	                        a 4-level taxonomy (class > subclass > supertype > cluster)
//	spatial_cells.csv       cell_label, x, y, z (CCF um), parcellation_substructure, cluster_alias, score
//	barseq_cells.csv        cell_id, x, y, z, cluster_alias (BARseq cells, transcriptomic type)
//	barseq_projections.csv  cell_id, one barcode-count column per target region
//	em_cells.csv            nucleus_id, x, y, z, cell_type (EM nuclei)
//	em_types.csv            the EM cell types as a one-level taxonomy (label, parent, level)
//	em_crosswalk.csv        source_cluster (EM cell type), target_cluster (subclass label), score
//
// Each cluster prefers a few regions (a cell's cluster depends on its
// region), so counts per region and type are not uniform.
func WriteSynthetic(dir string, o SynthOptions) (*SynthSummary, error) {
	if o.Classes == 0 {
		o.Classes = 5
	}
	if o.Spatial == 0 {
		o.Spatial = 5000
	}
	if o.BARseq == 0 {
		o.BARseq = 300
	}
	if o.EM == 0 {
		o.EM = 200
	}
	if o.Acronyms == nil {
		o.Acronyms, o.Parents = DemoAcronyms, DemoParents
	}
	if o.Targets == nil {
		o.Targets = DemoTargets
	}
	if o.Volume == nil {
		o.Volume = atlas.BoxVolume(atlas.CCFDims[100], 100, atlas.DemoBoxes)
	}
	if o.EMTypes == nil {
		o.EMTypes = []string{"23P", "4P", "5P-IT", "5P-ET", "6P-IT", "BC", "MC", "BPC"}
	}
	if o.Disagree == 0 {
		o.Disagree = 0.03
	}
	if o.Unassigned == 0 {
		o.Unassigned = 0.01
	}
	if err := os.MkdirAll(filepath.Join(dir, "abc"), 0o755); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewSource(o.Seed))
	terms := taxonomy.Synthetic(o.Seed, o.Classes)
	if err := taxonomy.WriteABC(filepath.Join(dir, "abc"), terms, taxonomy.SyntheticLevels); err != nil {
		return nil, err
	}
	sum := &SynthSummary{Dir: dir, Clusters: len(terms), LevelCounts: make([]int, 4),
		Files: []string{"abc/cluster_annotation_term.csv", "abc/cluster_to_cluster_annotation_membership.csv"}}
	var leaves, subclasses []taxonomy.Term
	for _, t := range terms {
		for i, l := range taxonomy.SyntheticLevels {
			if t.Level == l {
				sum.LevelCounts[i]++
			}
		}
		switch t.Level {
		case "cluster":
			leaves = append(leaves, t)
		case "subclass":
			subclasses = append(subclasses, t)
		}
	}
	// labels present in the volume, each with its preferred clusters
	present := map[uint32]bool{}
	for _, l := range o.Volume.Labels {
		if l != 0 {
			present[l] = true
		}
	}
	var labels []uint32
	for l := range present {
		labels = append(labels, l)
	}
	sort.Slice(labels, func(i, j int) bool { return labels[i] < labels[j] })
	prefer := map[uint32][]int{}
	for _, l := range labels {
		k := 2 + rng.Intn(4)
		for i := 0; i < k; i++ {
			prefer[l] = append(prefer[l], rng.Intn(len(leaves)))
		}
	}
	res := o.Volume.Resolution()
	place := func() (x, y, z float64, label uint32) {
		for {
			i, j, k := rng.Intn(o.Volume.Dims[0]), rng.Intn(o.Volume.Dims[1]), rng.Intn(o.Volume.Dims[2])
			// rounded to the 0.1 um the files hold, so the written point is
			// the one checked
			x, y, z = round1((float64(i)+rng.Float64())*res), round1((float64(j)+rng.Float64())*res), round1((float64(k)+rng.Float64())*res)
			if l, ok := o.Volume.LabelAt(x, y, z); ok && l != 0 {
				return x, y, z, l
			}
		}
	}
	pickCluster := func(l uint32) taxonomy.Term {
		if p := prefer[l]; rng.Float64() < 0.8 {
			return leaves[p[rng.Intn(len(p))]]
		}
		return leaves[rng.Intn(len(leaves))]
	}
	acronym := func(l uint32) string {
		if a, ok := o.Acronyms[l]; ok {
			return a
		}
		return strconv.FormatUint(uint64(l), 10)
	}
	write := func(name string, fill func(w *bufio.Writer)) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		fill(w)
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		sum.Files = append(sum.Files, name)
		return f.Close()
	}
	err := write("spatial_cells.csv", func(w *bufio.Writer) {
		w.WriteString("cell_label,x,y,z,parcellation_substructure,cluster_alias,score\n")
		for c := 0; c < o.Spatial; c++ {
			x, y, z, l := place()
			lab := acronym(l)
			switch u := rng.Float64(); {
			case u < o.Unassigned:
				lab = "unassigned"
				sum.NoLabel++
			case u < o.Unassigned+o.Disagree:
				if p, ok := o.Parents[l]; ok {
					lab = acronym(p)
					sum.Disagree++
				}
			}
			cl := pickCluster(l)
			fmt.Fprintf(w, "merfish_%07d,%.1f,%.1f,%.1f,%s,%s,%.3f\n", c+1, x, y, z, lab, cl.Alias, 0.5+0.5*rng.Float64())
		}
	})
	if err != nil {
		return nil, err
	}
	sum.Spatial = o.Spatial
	// BARseq cells: in the labels, with a cluster, projecting mostly to one
	// or two targets that depend on the cell's subclass
	type bc struct {
		id      string
		cluster taxonomy.Term
		x, y, z float64
	}
	bcs := make([]bc, o.BARseq)
	for c := range bcs {
		x, y, z, l := place()
		bcs[c] = bc{fmt.Sprintf("barseq_%05d", c+1), pickCluster(l), x, y, z}
	}
	err = write("barseq_cells.csv", func(w *bufio.Writer) {
		w.WriteString("cell_id,x,y,z,cluster_alias\n")
		for _, c := range bcs {
			fmt.Fprintf(w, "%s,%.1f,%.1f,%.1f,%s\n", c.id, c.x, c.y, c.z, c.cluster.Alias)
		}
	})
	if err != nil {
		return nil, err
	}
	err = write("barseq_projections.csv", func(w *bufio.Writer) {
		w.WriteString("cell_id")
		for _, t := range o.Targets {
			w.WriteString("," + t)
		}
		w.WriteString("\n")
		for _, c := range bcs {
			main := int(hash(c.cluster.Parent)) % len(o.Targets)
			w.WriteString(c.id)
			for t := range o.Targets {
				n := 0
				switch {
				case t == main:
					n = 10 + rng.Intn(60)
				case rng.Intn(4) == 0:
					n = rng.Intn(8)
				}
				fmt.Fprintf(w, ",%d", n)
			}
			w.WriteString("\n")
		}
	})
	if err != nil {
		return nil, err
	}
	sum.BARseq = o.BARseq
	err = write("em_cells.csv", func(w *bufio.Writer) {
		w.WriteString("nucleus_id,x,y,z,cell_type\n")
		for c := 0; c < o.EM; c++ {
			x, y, z, _ := place()
			fmt.Fprintf(w, "%d,%.1f,%.1f,%.1f,%s\n", 100000+c, x, y, z, o.EMTypes[rng.Intn(len(o.EMTypes))])
		}
	})
	if err != nil {
		return nil, err
	}
	sum.EM = o.EM
	err = write("em_types.csv", func(w *bufio.Writer) {
		w.WriteString("label,parent,level\n")
		for _, t := range o.EMTypes {
			fmt.Fprintf(w, "%s,,type\n", t)
		}
	})
	if err != nil {
		return nil, err
	}
	err = write("em_crosswalk.csv", func(w *bufio.Writer) {
		w.WriteString("source_cluster,target_cluster,score\n")
		for i, t := range o.EMTypes {
			s := subclasses[(i*7+int(o.Seed))%len(subclasses)]
			fmt.Fprintf(w, "%s,%s,%.2f\n", t, s.Label, 0.6+0.4*rng.Float64())
			if i%3 == 0 { // some EM types map to two subclasses
				s2 := subclasses[(i*7+3+int(o.Seed))%len(subclasses)]
				if s2.Label != s.Label {
					fmt.Fprintf(w, "%s,%s,%.2f\n", t, s2.Label, 0.2+0.3*rng.Float64())
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// hash is FNV-1a of s (stable target choice per subclass).
func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
