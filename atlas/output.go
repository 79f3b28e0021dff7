package atlas

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Output formats of the atlas commands.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
)

// CheckFormat returns a usage error for an unknown output format.
func CheckFormat(f string) error {
	switch f {
	case FormatTable, FormatCSV, FormatJSON:
		return nil
	}
	return fmt.Errorf("%w: unknown --format %q (use table, csv or json)", ccc.ErrUsage, f)
}

// RegionRecord is the CSV/JSON form of a region.
// Its id is the stored BrainRegion id (MBA:385, BR1, 385), structure_id
// the region's integer number, as in the BrainRegion table.
type RegionRecord struct {
	Identifier       string  `json:"id"`
	ID               int64   `json:"structure_id"`
	Acronym          string  `json:"acronym"`
	Name             string  `json:"name"`
	Color            string  `json:"color_hex_triplet"`
	ParentIdentifier *string `json:"parent_identifier"`
	ParentID         *int64  `json:"parent_structure_id"`
	ParentAcronym    string  `json:"parent_acronym,omitempty"`
	Depth            int     `json:"depth"`
	AnnotationValue  int64   `json:"annotation_value"`
	Children         int     `json:"children"`
	Descendants      int     `json:"descendants"` // below the region, itself excluded
	Path             string  `json:"structure_id_path"`
	Match            string  `json:"match,omitempty"` // search results only
}

// Record returns the CSV/JSON form of region id.
func (o *Ontology) Record(id int64) RegionRecord {
	r, ok := o.ByID(id)
	if !ok {
		return RegionRecord{ID: id}
	}
	rec := RegionRecord{Identifier: r.Identifier, ID: r.ID, Acronym: r.Acronym, Name: r.Name, Color: r.Color, Depth: r.Depth,
		AnnotationValue: r.AnnotationValue, Children: len(o.children[r.idx]), Descendants: int(r.size) - 1}
	if p := o.Parent(id); p != nil {
		pid, pident := p.ID, p.Identifier
		rec.ParentID, rec.ParentIdentifier, rec.ParentAcronym = &pid, &pident, p.Acronym
	}
	var b strings.Builder
	b.WriteByte('/')
	for _, a := range o.Ancestors(id) {
		b.WriteString(strconv.FormatInt(a, 10))
		b.WriteByte('/')
	}
	rec.Path = b.String()
	return rec
}

var recordHeader = []string{"id", "structure_id", "acronym", "name", "color_hex_triplet", "parent_identifier", "parent_acronym",
	"depth", "annotation_value", "children", "descendants", "structure_id_path"}

func (r RegionRecord) fields() []string {
	parent := ""
	if r.ParentIdentifier != nil {
		parent = *r.ParentIdentifier
	}
	return []string{r.Identifier, strconv.FormatInt(r.ID, 10), r.Acronym, r.Name, r.Color, parent, r.ParentAcronym,
		strconv.Itoa(r.Depth), strconv.FormatInt(r.AnnotationValue, 10), strconv.Itoa(r.Children),
		strconv.Itoa(r.Descendants), r.Path}
}

// WriteRegions writes regions: "table" is one acronym per line, "csv" one
// row per region with a header, "json" an array of RegionRecord.
func WriteRegions(w io.Writer, format string, recs []RegionRecord) error {
	switch format {
	case FormatTable:
		for _, r := range recs {
			if _, err := fmt.Fprintln(w, r.Acronym); err != nil {
				return err
			}
		}
		return nil
	case FormatCSV:
		cw := csv.NewWriter(w)
		head := recordHeader
		withMatch := len(recs) > 0 && recs[0].Match != ""
		if withMatch {
			head = append(append([]string(nil), head...), "match")
		}
		_ = cw.Write(head)
		for _, r := range recs {
			f := r.fields()
			if withMatch {
				f = append(f, r.Match)
			}
			_ = cw.Write(f)
		}
		cw.Flush()
		return cw.Error()
	case FormatJSON:
		if recs == nil {
			recs = []RegionRecord{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(recs)
	}
	return CheckFormat(format)
}

// WriteInfo writes one region: "table" as aligned "key: value" lines.
func WriteInfo(w io.Writer, format string, r RegionRecord) error {
	if format != FormatTable {
		if format == FormatJSON {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		return WriteRegions(w, format, []RegionRecord{r})
	}
	f := r.fields()
	for i, h := range recordHeader {
		if _, err := fmt.Fprintf(w, "%-18s %s\n", h+":", f[i]); err != nil {
			return err
		}
	}
	return nil
}

// WriteDepths writes the depth histogram.
func WriteDepths(w io.Writer, format string, hist []int) error {
	switch format {
	case FormatTable:
		fmt.Fprintf(w, "%5s %8s\n", "depth", "regions")
		for d, n := range hist {
			fmt.Fprintf(w, "%5d %8d\n", d, n)
		}
		return nil
	case FormatCSV:
		fmt.Fprintln(w, "depth,regions")
		for d, n := range hist {
			fmt.Fprintf(w, "%d,%d\n", d, n)
		}
		return nil
	case FormatJSON:
		type row struct {
			Depth   int `json:"depth"`
			Regions int `json:"regions"`
		}
		rows := make([]row, len(hist))
		for d, n := range hist {
			rows[d] = row{d, n}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	return CheckFormat(format)
}
