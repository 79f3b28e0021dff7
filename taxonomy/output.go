package taxonomy

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/ccc-connectivity/ccc/atlas"
)

// Output formats of the taxonomy commands: the atlas commands' formats.
const (
	FormatTable = atlas.FormatTable
	FormatCSV   = atlas.FormatCSV
	FormatJSON  = atlas.FormatJSON
)

// CheckFormat returns a usage error for an unknown output format.
func CheckFormat(f string) error { return atlas.CheckFormat(f) }

// Record is the CSV/JSON form of a cluster.
type Record struct {
	Label       string `json:"label"`
	Name        string `json:"name"`
	Level       string `json:"level"`
	LevelNumber int    `json:"level_number"` // 1 = broadest
	Parent      string `json:"parent"`       // "" for the broadest level
	Alias       string `json:"alias,omitempty"`
	Children    int    `json:"children"`
	Descendants int    `json:"descendants"` // below the cluster, itself excluded
}

// Record returns the CSV/JSON form of cluster k.
func (t *Taxonomy) Record(k int32) Record {
	r := Record{Label: t.label[k], Name: t.name[k], Level: t.LevelName(k), LevelNumber: int(t.level[k]), Alias: t.alias[k],
		Children: len(t.Children(k)), Descendants: int(t.size[k]) - 1}
	if p := t.parent[k]; p > 0 {
		r.Parent = t.label[p]
	}
	return r
}

var recordHeader = []string{"label", "name", "level", "level_number", "parent", "alias", "children", "descendants"}

func (r Record) fields() []string {
	return []string{r.Label, r.Name, r.Level, strconv.Itoa(r.LevelNumber), r.Parent, r.Alias, strconv.Itoa(r.Children), strconv.Itoa(r.Descendants)}
}

// WriteRecords writes clusters: "table" as label, level and name columns,
// "csv" with a header, "json" as an array of Record.
func WriteRecords(w io.Writer, format string, recs []Record) error {
	switch format {
	case FormatTable:
		for _, r := range recs {
			if _, err := fmt.Fprintf(w, "%-24s %-10s %s\n", r.Label, r.Level, r.Name); err != nil {
				return err
			}
		}
		return nil
	case FormatCSV:
		cw := csv.NewWriter(w)
		_ = cw.Write(recordHeader)
		for _, r := range recs {
			_ = cw.Write(r.fields())
		}
		cw.Flush()
		return cw.Error()
	case FormatJSON:
		if recs == nil {
			recs = []Record{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(recs)
	}
	return CheckFormat(format)
}

// WriteInfo writes one cluster: "table" as "key: value" lines.
func WriteInfo(w io.Writer, format string, r Record) error {
	switch format {
	case FormatTable:
		for i, f := range r.fields() {
			if _, err := fmt.Fprintf(w, "%-13s %s\n", recordHeader[i]+":", f); err != nil {
				return err
			}
		}
		return nil
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return WriteRecords(w, format, []Record{r})
}

// Records maps cluster indices to records.
func (t *Taxonomy) Records(ks []int32) []Record {
	out := make([]Record, len(ks))
	for i, k := range ks {
		out[i] = t.Record(k)
	}
	return out
}
