package projection

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/ccc-connectivity/ccc/atlas"
)

// FindOptions select experiments.
type FindOptions struct {
	// Region is an acronym or id ("VISp", "385"); "" matches every region.
	Region string
	// IncludeDescendants also matches injections into regions below Region
	// in the atlas hierarchy (VISp1, VISp2/3, ... for VISp; never VISpm,
	// which is a sibling).
	IncludeDescendants bool
	// Line keeps only this transgenic line (exact match).
	Line string
	// WildType keeps only wild-type experiments.
	WildType bool
}

// Find returns the experiments matching o, in input order. The region is
// resolved through the ontology (an unknown region is a ccc.ErrNotFound
// error with suggestions) and matched by id on the primary injection
// structure: never by acronym prefix.
func Find(exps []Experiment, ont *atlas.Ontology, o FindOptions) ([]Experiment, error) {
	if o.Line != "" && o.WildType {
		return nil, usage("--line and --wild-type exclude each other")
	}
	var region int64
	if o.Region != "" {
		if ont == nil {
			return nil, usage("an atlas ontology is needed to select by region")
		}
		r, err := ont.Lookup(o.Region)
		if err != nil {
			return nil, err
		}
		region = r.ID
	}
	var out []Experiment
	for _, e := range exps {
		if region != 0 {
			if o.IncludeDescendants {
				if !ont.IsDescendant(e.StructureID, region) {
					continue
				}
			} else if e.StructureID != region {
				continue
			}
		}
		if o.WildType && !e.WildType() {
			continue
		}
		if o.Line != "" && e.TransgenicLine != o.Line {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// Output formats of WriteExperiments.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

var experimentColumns = []string{"id", "transgenic_line", "structure_id", "structure_abbrev", "injection_volume",
	"injection_ap_um", "injection_dv_um", "injection_ml_um", "gender", "strain"}

func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func experimentRow(e *Experiment) []string {
	return []string{strconv.FormatInt(e.ID, 10), e.TransgenicLine, strconv.FormatInt(e.StructureID, 10), e.StructureAbbrev,
		fmtNum(e.InjectionVolume), fmtNum(e.InjectionAP), fmtNum(e.InjectionDV), fmtNum(e.InjectionML), e.Gender, e.Strain}
}

// WriteExperiments prints experiments as a table, CSV or JSON (one object
// per experiment, in an array). Wild type is an empty transgenic_line in
// CSV/JSON and "(wild type)" in the table.
func WriteExperiments(w io.Writer, format string, exps []Experiment) error {
	switch format {
	case FormatTable, "":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\ttransgenic_line\tstructure\tinjection_volume\tap_um\tdv_um\tml_um\tgender")
		for i := range exps {
			e := &exps[i]
			line := e.TransgenicLine
			if line == "" {
				line = "(wild type)"
			}
			vol := ""
			if !math.IsNaN(e.InjectionVolume) {
				vol = strconv.FormatFloat(e.InjectionVolume, 'g', 6, 64)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s (%d)\t%s\t%s\t%s\t%s\t%s\n", e.ID, line, e.StructureAbbrev, e.StructureID,
				vol, fmtNum(e.InjectionAP), fmtNum(e.InjectionDV), fmtNum(e.InjectionML), e.Gender)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "%d experiments\n", len(exps))
		return err
	case FormatCSV:
		cw := csv.NewWriter(w)
		cw.Write(experimentColumns)
		for i := range exps {
			cw.Write(experimentRow(&exps[i]))
		}
		cw.Flush()
		return cw.Error()
	case FormatJSON:
		out := make([]map[string]any, len(exps))
		for i := range exps {
			e := &exps[i]
			out[i] = map[string]any{"id": e.ID, "transgenic_line": e.TransgenicLine, "structure_id": e.StructureID,
				"structure_abbrev": e.StructureAbbrev, "injection_volume": nullable(e.InjectionVolume),
				"injection_ap_um": nullable(e.InjectionAP), "injection_dv_um": nullable(e.InjectionDV),
				"injection_ml_um": nullable(e.InjectionML), "gender": e.Gender, "strain": e.Strain}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return usage("unknown format %q (table, csv or json)", format)
}
