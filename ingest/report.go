package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc/store"
)

// Issue is one error or warning of an ingest.
type Issue struct {
	File    string `json:"file,omitempty"` // input file (when several)
	Row     *int64 `json:"row,omitempty"`  // 0-based record index in the file; absent for file-wide issues
	Line    int64  `json:"line,omitempty"` // 1-based line in a CSV/TSV file (header is line 1), when known
	ID      string `json:"id,omitempty"`   // identifier of the record, when its class has one
	Key     string `json:"key,omitempty"`  // unique-key values of the record, e.g. "(3141, manual)", when its class is keyed by a unique key
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
	Count   int64  `json:"count,omitempty"` // for summary issues: how many values
}

func (is Issue) String() string {
	var b strings.Builder
	if is.File != "" {
		b.WriteString(is.File + ": ")
	}
	if is.Row != nil {
		fmt.Fprintf(&b, "row %d", *is.Row)
		if is.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", is.Line)
		}
		if is.ID != "" {
			fmt.Fprintf(&b, " id %s", is.ID)
		}
		if is.Key != "" {
			fmt.Fprintf(&b, " key %s", is.Key)
		}
		b.WriteString(": ")
	}
	if is.Field != "" {
		b.WriteString("field " + is.Field + ": ")
	}
	b.WriteString(is.Message)
	if is.Value != "" {
		v := is.Value
		if len(v) > 60 {
			v = v[:60] + "..."
		}
		fmt.Fprintf(&b, " (value %q)", v)
	}
	return b.String()
}

// Counts are the totals of an ingest.
type Counts struct {
	Rows      int64 `json:"rows"`      // records read from the inputs
	Instances int64 `json:"instances"` // records written (after lenient drops)
	Errors    int64 `json:"errors"`    // values rejected (all, not only those listed)
	Warnings  int64 `json:"warnings"`  // values or records tolerated with a warning
	Existing  int64 `json:"existing"`  // rows the dataset's table had before (append/upsert)
	Inserted  int64 `json:"inserted"`  // new records (by identifier or unique key)
	Updated   int64 `json:"updated"`   // records replaced by identifier or unique key (upsert)
	Total     int64 `json:"total"`     // rows of the table in the new version
}

// Provenance says where the data came from and where it went.
type Provenance struct {
	Source        string        `json:"source"`
	SHA256        string        `json:"sha256"` // of the input (several: of their "path\0sha256\n" lines)
	Inputs        []store.Input `json:"inputs"` // each with its sha256
	Timestamp     time.Time     `json:"timestamp"`
	Version       int           `json:"version"` // store version committed, 0 when nothing was
	Store         string        `json:"store"`
	SchemaVersion string        `json:"schema_version,omitempty"`
	CCCVersion    string        `json:"ccc_version"`
}

// Report is the outcome of an ingest (written as JSON by --report).
type Report struct {
	Class     string            `json:"class"`
	Dataset   string            `json:"dataset"`
	Mode      Mode              `json:"mode"`
	Lenient   bool              `json:"lenient"`
	Committed bool              `json:"committed"`
	Mapping   map[string]string `json:"mapping"` // stored column (slot, or slot_sub) -> input column
	How       map[string]string `json:"mapping_how"`
	Unmapped  []string          `json:"unmapped_columns"`
	Errors    []Issue           `json:"errors"`
	Warnings  []Issue           `json:"warnings"`
	// ErrorsTruncated is true when more errors exist than MaxErrors lets
	// the report list (Counts.Errors has them all).
	ErrorsTruncated bool             `json:"errors_truncated"`
	Counts          Counts           `json:"counts"`
	Unresolved      map[string]int64 `json:"unresolved"` // slot -> references not found
	// ResolvedBy says, per reference slot, how many references each
	// source resolved: "input" (this input) or "dataset NAME" (the
	// dataset written, or one named with RefDatasets).
	ResolvedBy map[string]map[string]int64 `json:"resolved_by"`
	// Dropped counts the rows lenient mode dropped, per reason.
	Dropped    map[string]int64   `json:"dropped,omitempty"`
	Provenance Provenance         `json:"provenance"`
	Seconds    map[string]float64 `json:"seconds"` // time per phase
	// Error is the error that stopped the ingest ("" when committed).
	Error string `json:"error,omitempty"`
}

func newReport(o *Options) *Report {
	return &Report{Class: o.Class, Dataset: o.Dataset, Mode: o.Mode, Lenient: o.Lenient,
		Mapping: map[string]string{}, How: map[string]string{}, Unmapped: []string{}, Errors: []Issue{}, Warnings: []Issue{},
		Unresolved: map[string]int64{}, ResolvedBy: map[string]map[string]int64{}, Seconds: map[string]float64{}}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteFile writes the report as JSON to path.
func (r *Report) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// droppedText lists the reasons rows were dropped with their counts
// ("id: identifier missing 3, duplicate identifier 1"); a row can have
// several reasons.
func (r *Report) droppedText() string {
	var out []string
	for why, n := range r.Dropped {
		out = append(out, fmt.Sprintf("%s %d", why, n))
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "no reason recorded"
	}
	return strings.Join(out, ", ")
}

// Summary writes the human summary.
func (r *Report) Summary(w io.Writer) {
	verdict := "REJECTED (store unchanged)"
	if r.Committed {
		verdict = fmt.Sprintf("committed as version %d", r.Provenance.Version)
	} else if r.Counts.Errors == 0 && len(r.Errors) == 0 {
		verdict = "not committed"
	}
	fmt.Fprintf(w, "ingest %s into dataset %s (%s): %s\n", r.Class, r.Dataset, r.Mode, verdict)
	fmt.Fprintf(w, "  rows %d, instances %d, errors %d, warnings %d", r.Counts.Rows, r.Counts.Instances, r.Counts.Errors, r.Counts.Warnings)
	if r.Mode != ModeReplace {
		fmt.Fprintf(w, ", existing %d, inserted %d, updated %d", r.Counts.Existing, r.Counts.Inserted, r.Counts.Updated)
	}
	if r.Committed {
		fmt.Fprintf(w, ", table now %d rows", r.Counts.Total)
	}
	fmt.Fprintln(w)
	var cols []string
	for c := range r.Mapping {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	var ms []string
	for _, c := range cols {
		if r.Mapping[c] == c {
			ms = append(ms, c)
		} else {
			ms = append(ms, fmt.Sprintf("%s<-%s", c, r.Mapping[c]))
		}
	}
	fmt.Fprintf(w, "  mapped: %s\n", strings.Join(ms, ", "))
	if d := r.Counts.Rows - r.Counts.Instances; d > 0 && len(r.Dropped) > 0 {
		fmt.Fprintf(w, "  dropped %d row(s) (--lenient): %s\n", d, r.droppedText())
	}
	if len(r.Unmapped) > 0 {
		fmt.Fprintf(w, "  unmapped input columns (not stored): %s\n", strings.Join(r.Unmapped, ", "))
	}
	var un []string
	for s, n := range r.Unresolved {
		if n > 0 {
			un = append(un, fmt.Sprintf("%s %d", s, n))
		}
	}
	sort.Strings(un)
	if len(un) > 0 {
		fmt.Fprintf(w, "  unresolved references: %s\n", strings.Join(un, ", "))
	}
	var slots []string
	for s := range r.ResolvedBy {
		slots = append(slots, s)
	}
	sort.Strings(slots)
	for _, s := range slots {
		var srcs []string
		for src, n := range r.ResolvedBy[s] {
			srcs = append(srcs, fmt.Sprintf("%s %d", src, n))
		}
		sort.Strings(srcs)
		if len(srcs) == 0 {
			srcs = []string{"nothing to resolve against"}
		}
		fmt.Fprintf(w, "  references %s resolved by: %s\n", s, strings.Join(srcs, ", "))
	}
	show := func(what string, xs []Issue) {
		for i, is := range xs {
			if i == 20 {
				fmt.Fprintf(w, "  ... %d more %s (see --report)\n", len(xs)-20, what)
				break
			}
			fmt.Fprintf(w, "  %s: %s\n", strings.TrimSuffix(what, "s"), is)
		}
	}
	show("errors", r.Errors)
	show("warnings", r.Warnings)
}
