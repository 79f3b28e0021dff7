package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/linkml"
)

// tabularHeader applies the loaders' column rule to the header of a CSV,
// TSV or Parquet file before validation (unless --open or --closed):
// columns named like a slot, or like one of its aliases, are validated as
// that slot (as 'ccc ingest' stores them); columns that map to no slot are
// not validated and are named once on stderr (ingest does not store them);
// pandas index columns are ignored. It returns the header to validate with
// and the names whose values each record drops.
func tabularHeader(opts *validateOptions, s *linkml.Schema, file string, header []string) ([]string, map[string]bool) {
	if opts.Open || opts.Closed {
		return header, nil
	}
	m, err := ingest.NewModel(s, opts.Class)
	if err != nil {
		return header, nil
	}
	slots, unmapped, nested, err := ingest.MapHeader(m, header)
	if err != nil {
		return header, nil
	}
	keep := map[string]bool{}
	for _, c := range nested {
		keep[c] = true
	}
	out := make([]string, len(header))
	drop := map[string]bool{}
	var renamed []string
	for i, h := range header {
		switch {
		case slots[i] != "":
			out[i] = slots[i]
			if slots[i] != h {
				renamed = append(renamed, h+" -> "+slots[i])
			}
		case keep[h]:
			out[i] = h // a flattened object column: closed-world as before
		default:
			out[i] = fmt.Sprintf("\x00unmapped %d", i)
			drop[out[i]] = true
		}
	}
	if !opts.Global.Quiet {
		if len(renamed) > 0 {
			sort.Strings(renamed)
			fmt.Fprintf(opts.IO.ErrOut, "%s: columns validated as slots (aliases, as ccc ingest maps them): %s\n", file, strings.Join(renamed, ", "))
		}
		if len(unmapped) > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "%s: columns not validated (no slot of %s; ccc ingest does not store them; --closed checks them): %s\n",
				file, opts.Class, strings.Join(unmapped, ", "))
		}
	}
	return out, drop
}

// mappedDelimited returns a reader of the delimited file r whose header
// line has been passed through tabularHeader, and the dropped names. A
// header that cannot be read as one line is left as it is.
func mappedDelimited(opts *validateOptions, s *linkml.Schema, file string, r io.Reader, comma rune) (io.Reader, map[string]bool) {
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return io.MultiReader(strings.NewReader(line), br), nil
	}
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma = comma
	cr.LazyQuotes = comma == '\t'
	header, herr := cr.Read()
	if herr != nil {
		return io.MultiReader(strings.NewReader(line), br), nil
	}
	out, drop := tabularHeader(opts, s, file, header)
	if drop == nil && strings.Join(out, "\x00") == strings.Join(header, "\x00") {
		return io.MultiReader(strings.NewReader(line), br), nil
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	_ = w.Write(out)
	w.Flush()
	return io.MultiReader(&b, br), drop
}

func dropKeys(rec map[string]any, drop map[string]bool) map[string]any {
	for k := range drop {
		delete(rec, k)
	}
	return rec
}
