package atlas

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Column is an extra column of a LocatedTable: a float per point, or the
// same string (Const) for every point when Float is nil.
type Column struct {
	Name  string
	Float []float64
	Const string
}

// LocatedTable is the answer of 'ccc atlas locate' as written: the id
// column (when the points have one), the coordinate columns as read, the
// Extra columns, then label, region_id, acronym and status. It is written
// column by column (CSV in parallel chunks, Parquet with arrow-go), never
// through a row of strings per point.
type LocatedTable struct {
	Points   *Points
	Res      *Located
	Ontology *Ontology
	Extra    []Column
}

// Len is the number of points.
func (t *LocatedTable) Len() int { return len(t.Points.X) }

// Header is the column names.
func (t *LocatedTable) Header() []string {
	var h []string
	if t.Points.IDCol != "" {
		h = append(h, t.Points.IDCol)
	}
	h = append(h, t.Points.Cols[0], t.Points.Cols[1], t.Points.Cols[2])
	for _, c := range t.Extra {
		h = append(h, c.Name)
	}
	return append(h, "label", "region_id", "acronym", "status")
}

// Row is point i as CSV writes it (for the table and JSON outputs).
func (t *LocatedTable) Row(i int) []string {
	var row []string
	p := t.Points
	if p.IDCol != "" {
		row = append(row, p.IDs[i])
	}
	row = append(row, ftoa(p.X[i]), ftoa(p.Y[i]), ftoa(p.Z[i]))
	for _, c := range t.Extra {
		if c.Float != nil {
			row = append(row, ftoa(c.Float[i]))
		} else {
			row = append(row, c.Const)
		}
	}
	acr, rid := "", ""
	if id := t.Res.RegionID[i]; id != 0 {
		r, _ := t.Ontology.ByID(id)
		acr, rid = r.Acronym, strconv.FormatInt(id, 10)
	}
	return append(row, strconv.FormatUint(uint64(t.Res.Labels[i]), 10), rid, acr, StatusNames[t.Res.Status[i]])
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// regionCodes returns, per point, the index of its region in ids and
// acronyms (-1: no region): a direct-mapped cache on the region id in
// front of one map lookup per distinct region, not a lookup per point.
func (t *LocatedTable) regionCodes() (codes []int32, ids []int64, acronyms []string) {
	codes, ids = dictCodes(t.Res.RegionID, func(id int64) bool { return id != 0 })
	acronyms = make([]string, len(ids))
	for i, id := range ids {
		r, _ := t.Ontology.ByID(id)
		acronyms[i] = r.Acronym
	}
	return codes, ids, acronyms
}

// dictCodes dictionary-codes v: codes[i] indexes dict, -1 where keep is
// false. A direct-mapped cache on the value sits in front of the map, so
// points in few regions cost no map lookup each.
func dictCodes[T int64 | uint32](v []T, keep func(T) bool) (codes []int32, dict []T) {
	const slots = 1 << 12
	var cacheVal [slots]T
	var cacheCode [slots]int32
	for i := range cacheCode {
		cacheCode[i] = -1
	}
	index := map[T]int32{}
	codes = make([]int32, len(v))
	for i, x := range v {
		if !keep(x) {
			codes[i] = -1
			continue
		}
		s := (uint64(x) * 0x9E3779B97F4A7C15) >> 52
		if cacheCode[s] >= 0 && cacheVal[s] == x {
			codes[i] = cacheCode[s]
			continue
		}
		c, ok := index[x]
		if !ok {
			c = int32(len(dict))
			dict = append(dict, x)
			index[x] = c
		}
		cacheVal[s], cacheCode[s], codes[i] = x, c, c
	}
	return codes, dict
}

// csvChunkRows is the rows each CSV worker formats at a time (a variable
// for the tests).
var csvChunkRows = 1 << 14

// WriteCSV writes the table as CSV with a header, as encoding/csv would
// (same quoting), formatting chunks of rows on every core and writing them
// in order.
func (t *LocatedTable) WriteCSV(w io.Writer) error {
	var head []byte
	for i, h := range t.Header() {
		if i > 0 {
			head = append(head, ',')
		}
		head = appendCSVField(head, h)
	}
	if _, err := w.Write(append(head, '\n')); err != nil {
		return err
	}
	codes, _, acronyms := t.regionCodes()
	quotedAcr := make([][]byte, len(acronyms))
	for i, a := range acronyms {
		quotedAcr[i] = appendCSVField(nil, a)
	}
	consts := make([][]byte, len(t.Extra))
	for i, c := range t.Extra {
		consts[i] = appendCSVField(nil, c.Const)
	}
	n := t.Len()
	format := func(b []byte, lo, hi int) []byte {
		p, r := t.Points, t.Res
		for i := lo; i < hi; i++ {
			if p.IDCol != "" {
				b = appendCSVField(b, p.IDs[i])
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, p.X[i], 'g', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, p.Y[i], 'g', -1, 64)
			b = append(b, ',')
			b = strconv.AppendFloat(b, p.Z[i], 'g', -1, 64)
			for j, c := range t.Extra {
				b = append(b, ',')
				if c.Float != nil {
					b = strconv.AppendFloat(b, c.Float[i], 'g', -1, 64)
				} else {
					b = append(b, consts[j]...)
				}
			}
			b = append(b, ',')
			b = strconv.AppendUint(b, uint64(r.Labels[i]), 10)
			b = append(b, ',')
			if id := r.RegionID[i]; id != 0 {
				b = strconv.AppendInt(b, id, 10)
			}
			b = append(b, ',')
			if c := codes[i]; c >= 0 {
				b = append(b, quotedAcr[c]...)
			}
			b = append(b, ',')
			b = append(b, StatusNames[r.Status[i]]...)
			b = append(b, '\n')
		}
		return b
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), (n+csvChunkRows-1)/csvChunkRows))
	bufs := make([][]byte, workers)
	for lo := 0; lo < n; lo += workers * csvChunkRows {
		var wg sync.WaitGroup
		for k := range workers {
			a := lo + k*csvChunkRows
			b := min(a+csvChunkRows, n)
			bufs[k] = bufs[k][:0]
			if a >= b {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				bufs[k] = format(bufs[k], a, b)
			}()
		}
		wg.Wait()
		for _, b := range bufs {
			if len(b) == 0 {
				continue
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendCSVField appends s as encoding/csv's Writer writes a field (comma
// delimiter, LF line ends): quoted when it holds a comma, a quote, CR or
// LF, begins with a space or is `\.`; quotes doubled.
func appendCSVField(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
