package taxonomy

import (
	"encoding/csv"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
)

// SyntheticLevels are the levels of the synthetic taxonomy (those of the
// Allen Whole Mouse Brain taxonomy).
var SyntheticLevels = []string{"class", "subclass", "supertype", "cluster"}

var synthCodes = []string{"CLAS", "SUBC", "SUPT", "CLUS"}

var synthWords = []string{"IT", "ET", "CT", "NP", "L6b", "Pvalb", "Sst", "Vip", "Lamp5", "Astro", "Oligo", "OPC", "Micro", "Endo", "Glut", "Gaba"}

// Synthetic makes a deterministic ABC-like 4-level taxonomy: nClass
// classes, each with 2-4 subclasses, each with 1-3 supertypes, each with
// 1-3 clusters (counts drawn from seed). Labels follow the ABC pattern
// (CS<date>_CLAS_01); leaf clusters get aliases 1, 2, ...
func Synthetic(seed int64, nClass int) []Term {
	rng := rand.New(rand.NewSource(seed))
	var terms []Term
	count := make([]int, 4)
	alias := 0
	var add func(level int, parent string)
	add = func(level int, parent string) {
		count[level]++
		n := count[level]
		label := fmt.Sprintf("CS20230722_%s_%04d", synthCodes[level], n)
		name := fmt.Sprintf("%04d %s %s", n, synthWords[rng.Intn(len(synthWords))], synthWords[rng.Intn(len(synthWords))])
		tm := Term{Label: label, Name: name, Level: SyntheticLevels[level], Parent: parent, Row: len(terms)}
		if level == 3 {
			alias++
			tm.Alias = strconv.Itoa(alias)
		}
		terms = append(terms, tm)
		if level == 3 {
			return
		}
		lo, hi := 1, 3
		if level == 0 {
			lo, hi = 2, 4
		}
		for i, m := 0, lo+rng.Intn(hi-lo+1); i < m; i++ {
			add(level+1, label)
		}
	}
	for i := 0; i < nClass; i++ {
		add(0, "")
	}
	return terms
}

// WriteABC writes terms as Allen Brain Cell Atlas-style CSVs in dir:
// cluster_annotation_term.csv (label, name, cluster_annotation_term_set_label,
// cluster_annotation_term_set_name, parent_term_label, term_set_order) and
// cluster_to_cluster_annotation_membership.csv (cluster_alias,
// cluster_annotation_term_label, cluster_annotation_term_set_name), the
// latter listing every alias's term at each level.
func WriteABC(dir string, terms []Term, levels []string) error {
	order := map[string]int{}
	for i, l := range levels {
		order[l] = i
	}
	byLabel := map[string]*Term{}
	for i := range terms {
		byLabel[terms[i].Label] = &terms[i]
	}
	write := func(name string, rows [][]string) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		if err := w.WriteAll(rows); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	rows := [][]string{{"label", "name", "cluster_annotation_term_set_label", "cluster_annotation_term_set_name", "parent_term_label", "term_set_order"}}
	mem := [][]string{{"cluster_alias", "cluster_annotation_term_label", "cluster_annotation_term_set_name"}}
	for _, tm := range terms {
		rows = append(rows, []string{tm.Label, tm.Name, "CCN20230722_" + tm.Level, tm.Level, tm.Parent, strconv.Itoa(order[tm.Level])})
		if tm.Alias == "" {
			continue
		}
		for c := &tm; c != nil; c = byLabel[c.Parent] {
			mem = append(mem, []string{tm.Alias, c.Label, c.Level})
		}
	}
	if err := write("cluster_annotation_term.csv", rows); err != nil {
		return err
	}
	return write("cluster_to_cluster_annotation_membership.csv", mem)
}
