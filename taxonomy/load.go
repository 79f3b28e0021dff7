package taxonomy

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Input formats.
const (
	FormatABC   = "abc"   // Allen Brain Cell Atlas cluster_annotation_term.csv (+ membership CSV)
	FormatCAS   = "cas"   // Cell Annotation Schema JSON
	FormatPairs = "pairs" // plain parent/child CSV
)

// LoadOptions describe one taxonomy file.
type LoadOptions struct {
	Name       string   // taxonomy name (default: the file name without extension)
	Format     string   // abc, cas or pairs; "" detects
	Membership string   // ABC cluster_to_cluster_annotation_membership.csv (aliases, parents when the term file has none)
	Levels     []string // level names broadest first; nil: term_set_order, CAS ranks, or the hierarchy
	LabelCol   string   // pairs: column of the cluster label (default: label, child, id, cluster)
	ParentCol  string   // pairs: column of the parent label (default: parent, parent_label, parent_term_label, parent_id)
	NameCol    string   // pairs: column of the display name (default: name)
	LevelCol   string   // pairs: column of the level name (default: level; none: the depth)
}

// Load reads a taxonomy file in any supported format.
func Load(path string, o LoadOptions) (*Taxonomy, error) {
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Msg: "cannot read the file", Kind: ccc.ErrNotFound, Err: err}
	}
	format := strings.ToLower(o.Format)
	if format == "" {
		format = detect(data)
	}
	if format != FormatPairs && (o.LabelCol != "" || o.ParentCol != "" || o.NameCol != "" || o.LevelCol != "") {
		return nil, fmt.Errorf("%w: --label-col, --parent-col, --name-col and --level-col are for parent/child CSVs; %s is read as %s", ccc.ErrUsage, path, format)
	}
	switch format {
	case FormatCAS:
		if o.Membership != "" {
			return nil, fmt.Errorf("%w: --membership is for Allen Brain Cell Atlas term CSVs, not CAS JSON", ccc.ErrUsage)
		}
		return loadCAS(path, data, o)
	case FormatABC, FormatPairs:
		tab, err := readCSV(path, data)
		if err != nil {
			return nil, err
		}
		if format == FormatABC {
			return loadABC(tab, o)
		}
		if o.Membership != "" {
			return nil, fmt.Errorf("%w: --membership is for Allen Brain Cell Atlas term CSVs (cluster_annotation_term.csv)", ccc.ErrUsage)
		}
		return loadPairs(tab, o)
	}
	return nil, fmt.Errorf("%w: unknown taxonomy format %q (use abc, cas or pairs)", ccc.ErrUsage, o.Format)
}

func detect(data []byte) string {
	if t := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		return FormatCAS
	}
	head := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		head = data[:i]
	}
	if bytes.Contains(head, []byte("cluster_annotation_term_set")) {
		return FormatABC
	}
	return FormatPairs
}

// csvTable is a small CSV file held in memory.
type csvTable struct {
	path   string
	header []string
	rows   [][]string
	lines  []int
}

func readCSV(path string, data []byte) (*csvTable, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.ReuseRecord = false
	t := &csvTable{path: path}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &ccc.Error{Op: "load taxonomy", Path: path, Line: line, Row: -1, Msg: "malformed CSV", Kind: ccc.ErrFormat, Err: err,
				Hint: "every row needs as many fields as the header; quote fields that hold commas"}
		}
		if t.header == nil {
			t.header = rec
			continue
		}
		line, _ := r.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if t.header == nil {
		return nil, &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Msg: "empty file", Kind: ccc.ErrInvalidData, Hint: "give a CSV with a header row"}
	}
	return t, nil
}

// col finds a column: the override, else the first candidate present
// (case-insensitive); -1 when absent and not required.
func (t *csvTable) col(override string, cands []string, required bool, flag string) (int, error) {
	if override != "" {
		cands = []string{override}
	}
	for _, c := range cands {
		for i, h := range t.header {
			if strings.EqualFold(strings.TrimSpace(h), c) {
				return i, nil
			}
		}
	}
	if !required && override == "" {
		return -1, nil
	}
	return -1, &ccc.Error{Op: "load taxonomy", Path: t.path, Row: -1, Field: cands[0], Msg: "no " + cands[0] + " column (looked for " + strings.Join(cands, ", ") + ")",
		Hint: "name it with " + flag + "; columns are: " + strings.Join(t.header, ", "), Kind: ccc.ErrInvalidData}
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func loadPairs(t *csvTable, o LoadOptions) (*Taxonomy, error) {
	lc, err := t.col(o.LabelCol, []string{"label", "child", "id", "cluster", "cell_type"}, true, "--label-col")
	if err != nil {
		return nil, err
	}
	pc, err := t.col(o.ParentCol, []string{"parent", "parent_label", "parent_term_label", "parent_id"}, true, "--parent-col")
	if err != nil {
		return nil, err
	}
	nc, err := t.col(o.NameCol, []string{"name"}, false, "--name-col")
	if err != nil {
		return nil, err
	}
	vc, err := t.col(o.LevelCol, []string{"level"}, false, "--level-col")
	if err != nil {
		return nil, err
	}
	terms := make([]Term, len(t.rows))
	for i, rec := range t.rows {
		terms[i] = Term{Label: cell(rec, lc), Parent: cell(rec, pc), Name: cell(rec, nc), Level: cell(rec, vc), Row: i, Line: t.lines[i]}
	}
	return Build(o.Name, terms, BuildOptions{Path: t.path, Levels: o.Levels, LabelField: t.header[lc], ParentField: t.header[pc], LevelField: headerOr(t, vc, "level")})
}

func headerOr(t *csvTable, i int, def string) string {
	if i < 0 {
		return def
	}
	return t.header[i]
}

func loadABC(t *csvTable, o LoadOptions) (*Taxonomy, error) {
	lc, err := t.col("", []string{"label"}, true, "a label column")
	if err != nil {
		return nil, err
	}
	nc, _ := t.col("", []string{"name"}, false, "")
	vc, _ := t.col("", []string{"cluster_annotation_term_set_name"}, false, "")
	vlc, err := t.col("", []string{"cluster_annotation_term_set_label"}, vc < 0, "a cluster_annotation_term_set_label column")
	if err != nil {
		return nil, err
	}
	if vc < 0 {
		vc = vlc
	}
	pc, _ := t.col("", []string{"parent_term_label"}, false, "")
	oc, _ := t.col("", []string{"term_set_order"}, false, "")
	terms := make([]Term, len(t.rows))
	setOrder := map[string]int{}
	for i, rec := range t.rows {
		terms[i] = Term{Label: cell(rec, lc), Name: cell(rec, nc), Level: cell(rec, vc), Parent: cell(rec, pc), Row: i, Line: t.lines[i]}
		if oc >= 0 {
			v, err := strconv.Atoi(cell(rec, oc))
			if err != nil {
				return nil, &ccc.Error{Op: "load taxonomy", Path: t.path, Line: t.lines[i], Row: i, Field: t.header[oc], Value: cell(rec, oc),
					Msg: "term_set_order is not an integer", Hint: "term_set_order numbers the levels from 0 (broadest)", Kind: ccc.ErrInvalidData}
			}
			if prev, ok := setOrder[terms[i].Level]; ok && prev != v {
				return nil, &ccc.Error{Op: "load taxonomy", Path: t.path, Line: t.lines[i], Row: i, Field: t.header[oc], Value: cell(rec, oc),
					Msg: fmt.Sprintf("level %s has term_set_order %d and %d", terms[i].Level, prev, v), Hint: "one term_set_order per term set", Kind: ccc.ErrInvalidData}
			}
			setOrder[terms[i].Level] = v
		}
	}
	levels := o.Levels
	if len(levels) == 0 && len(setOrder) > 0 {
		for l := range setOrder {
			levels = append(levels, l)
		}
		sort.Slice(levels, func(i, j int) bool { return setOrder[levels[i]] < setOrder[levels[j]] })
	}
	if o.Membership != "" {
		if err := applyMembership(o.Membership, terms, pc >= 0, levels); err != nil {
			return nil, err
		}
	} else if pc < 0 {
		return nil, &ccc.Error{Op: "load taxonomy", Path: t.path, Row: -1, Field: "parent_term_label", Msg: "no parent_term_label column and no membership file",
			Hint: "give --membership cluster_to_cluster_annotation_membership.csv, which links every cluster to its terms of each level", Kind: ccc.ErrInvalidData}
	}
	return Build(o.Name, terms, BuildOptions{Path: t.path, Levels: levels, LabelField: "label", ParentField: "parent_term_label", LevelField: t.header[vc]})
}

// applyMembership reads an ABC cluster_to_cluster_annotation_membership
// CSV: each cluster alias lists its term at every level. The alias goes to
// the alias's finest term; when the term file has no parents, consecutive
// levels give them; otherwise every listed term must be an ancestor of the
// finest one (checked after Build through the parents).
func applyMembership(path string, terms []Term, haveParents bool, levels []string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Msg: "cannot read the membership file", Kind: ccc.ErrNotFound, Err: err}
	}
	t, err := readCSV(path, data)
	if err != nil {
		return err
	}
	ac, err := t.col("", []string{"cluster_alias"}, true, "a cluster_alias column")
	if err != nil {
		return err
	}
	tc, err := t.col("", []string{"cluster_annotation_term_label"}, true, "a cluster_annotation_term_label column")
	if err != nil {
		return err
	}
	byLabel := make(map[string]int, len(terms))
	for i := range terms {
		byLabel[terms[i].Label] = i
	}
	rank := map[string]int{}
	for i, l := range levels {
		rank[l] = i
	}
	if !haveParents && len(levels) == 0 {
		return &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Msg: "cannot order the levels: the term file has neither parent_term_label nor term_set_order",
			Hint: "give --levels class,subclass,supertype,cluster", Kind: ccc.ErrUsage}
	}
	type mem struct{ term, row int }
	byAlias := map[string][]mem{}
	var aliases []string
	for i, rec := range t.rows {
		a, lab := cell(rec, ac), cell(rec, tc)
		k, ok := byLabel[lab]
		if !ok {
			return &ccc.Error{Op: "load taxonomy", Path: path, Line: t.lines[i], Row: i, Field: t.header[tc], Value: lab,
				Msg: "membership names a term the term file does not have", Hint: "use the membership file of the same taxonomy release", Kind: ccc.ErrInvalidData}
		}
		if a == "" {
			return &ccc.Error{Op: "load taxonomy", Path: path, Line: t.lines[i], Row: i, Field: t.header[ac], Msg: "empty cluster_alias", Kind: ccc.ErrInvalidData,
				Hint: "every membership row names a cluster alias"}
		}
		if _, seen := byAlias[a]; !seen {
			aliases = append(aliases, a)
		}
		byAlias[a] = append(byAlias[a], mem{k, i})
	}
	for _, a := range aliases {
		ms := byAlias[a]
		if !haveParents {
			for _, m := range ms {
				if _, ok := rank[terms[m.term].Level]; !ok {
					return &ccc.Error{Op: "load taxonomy", Path: path, Line: t.lines[m.row], Row: m.row, Field: "cluster_annotation_term_set", Value: terms[m.term].Level,
						Msg: "unknown level", Hint: "levels are " + strings.Join(levels, " > "), Kind: ccc.ErrInvalidData}
				}
			}
			sort.SliceStable(ms, func(i, j int) bool { return rank[terms[ms[i].term].Level] < rank[terms[ms[j].term].Level] })
			for i := 1; i < len(ms); i++ {
				c, p := &terms[ms[i].term], terms[ms[i-1].term].Label
				if c.Parent != "" && c.Parent != p {
					return &ccc.Error{Op: "load taxonomy", Path: path, Line: t.lines[ms[i].row], Row: ms[i].row, Field: "cluster_annotation_term_label", Value: c.Label,
						Msg: fmt.Sprintf("term %s has two parents in the membership (%s and %s)", c.Label, c.Parent, p), Hint: "each term has one parent", Kind: ccc.ErrInvalidData}
				}
				c.Parent = p
			}
		}
		leaf := ms[0].term
		if haveParents {
			// the finest term is the one the others are ancestors of: the
			// one whose parent chain is longest
			best := -1
			for _, m := range ms {
				if d := chainLen(terms, byLabel, m.term); d > best {
					best, leaf = d, m.term
				}
			}
			onChain := map[int]bool{}
			for c, guard := leaf, 0; guard <= len(terms); guard++ {
				onChain[c] = true
				p, ok := byLabel[terms[c].Parent]
				if !ok {
					break
				}
				c = p
			}
			for _, m := range ms {
				if !onChain[m.term] {
					return &ccc.Error{Op: "load taxonomy", Path: path, Line: t.lines[m.row], Row: m.row, Field: "cluster_annotation_term_label", Value: terms[m.term].Label,
						Msg:  fmt.Sprintf("cluster alias %s lists term %s, which is not an ancestor of its cluster %s", a, terms[m.term].Label, terms[leaf].Label),
						Hint: "the membership and the term file's parent_term_label disagree: use files of the same release", Kind: ccc.ErrInvalidData}
				}
			}
		} else {
			leaf = ms[len(ms)-1].term
		}
		if prev := terms[leaf].Alias; prev != "" && prev != a {
			return &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Field: "cluster_alias", Value: a,
				Msg: fmt.Sprintf("cluster %s has two aliases (%s and %s)", terms[leaf].Label, prev, a), Hint: "each cluster has one alias", Kind: ccc.ErrInvalidData}
		}
		terms[leaf].Alias = a
	}
	return nil
}

// chainLen is the number of parents above term k (bounded: cycles are
// reported by Build).
func chainLen(terms []Term, byLabel map[string]int, k int) int {
	n := 0
	for n <= len(terms) {
		p, ok := byLabel[terms[k].Parent]
		if !ok {
			return n
		}
		k = p
		n++
	}
	return n
}

// CAS (Cell Annotation Schema) documents: only the parts ccc reads.
type casDoc struct {
	Title       string          `json:"title"`
	Labelsets   []casLabelset   `json:"labelsets"`
	Annotations []casAnnotation `json:"annotations"`
}

type casLabelset struct {
	Name string       `json:"name"`
	Rank *json.Number `json:"rank"`
}

type casAnnotation struct {
	Labelset     string   `json:"labelset"`
	CellLabel    string   `json:"cell_label"`
	FullName     string   `json:"cell_fullname"`
	Accession    string   `json:"cell_set_accession"`
	Parent       string   `json:"parent_cell_set_accession"`
	CellIDs      []string `json:"cell_ids"`
	ParentName   string   `json:"parent_cell_set_name"`
	CellOntology string   `json:"cell_ontology_term_id"`
}

// loadCAS reads a CAS JSON: labelsets are the levels (higher rank =
// broader; rank 0 is the most specific), annotations the clusters,
// identified by cell_set_accession (else labelset:cell_label) with parents
// by parent_cell_set_accession; cell_ids become members.
func loadCAS(path string, data []byte, o LoadOptions) (*Taxonomy, error) {
	var doc casDoc
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Msg: "not a Cell Annotation Schema JSON document", Kind: ccc.ErrFormat, Err: err,
			Hint: "CAS files hold {\"labelsets\": [...], \"annotations\": [...]}"}
	}
	if len(doc.Annotations) == 0 {
		return nil, &ccc.Error{Op: "load taxonomy", Path: path, Row: -1, Field: "annotations", Msg: "no annotations", Kind: ccc.ErrInvalidData,
			Hint: "a CAS file lists its cell sets under \"annotations\""}
	}
	levels := o.Levels
	if len(levels) == 0 && len(doc.Labelsets) > 0 {
		ranked := true
		rank := map[string]float64{}
		for i, ls := range doc.Labelsets {
			if ls.Rank == nil {
				ranked = false
				break
			}
			r, err := ls.Rank.Float64()
			if err != nil {
				return nil, &ccc.Error{Op: "load taxonomy", Path: path, Row: i, Field: fmt.Sprintf("labelsets[%d].rank", i), Value: ls.Rank.String(),
					Msg: "rank is not a number", Hint: "rank 0 is the most specific labelset", Kind: ccc.ErrInvalidData}
			}
			rank[ls.Name] = r
			levels = append(levels, ls.Name)
		}
		if ranked {
			sort.SliceStable(levels, func(i, j int) bool { return rank[levels[i]] > rank[levels[j]] })
		} else {
			levels = nil // order by the hierarchy
		}
	}
	terms := make([]Term, len(doc.Annotations))
	for i, a := range doc.Annotations {
		label := a.Accession
		if label == "" && a.CellLabel != "" {
			label = a.Labelset + ":" + a.CellLabel
		}
		terms[i] = Term{Label: label, Name: or(a.CellLabel, a.FullName), Level: a.Labelset, Parent: a.Parent, Cells: a.CellIDs, Row: i}
	}
	name := o.Name
	return Build(name, terms, BuildOptions{Path: path, Levels: levels, LabelField: "cell_set_accession", ParentField: "parent_cell_set_accession", LevelField: "labelset"})
}
