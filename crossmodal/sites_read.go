package crossmodal

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
	"github.com/ccc-connectivity/ccc/store"
)

// siteColumns are the RecordingSite columns the question reads.
var siteColumns = []string{"data_item", "id", "electrode_id", "brain_region"}

// siteRows are recording sites in columns (every RecordingSite table of
// the version, in dataset order): sessions as a dictionary, site ids as
// one byte buffer with offsets, no string per row.
type siteRows struct {
	n                     int
	sessions              dictionary
	session               []int32
	siteBytes             []byte
	siteOff               []int32 // n+1 offsets into siteBytes
	electrode, region     []int64
	electrodeOK, regionOK []bool // nil: no NULL
}

// readSites reads the sites of every RecordingSite table (only the
// session's, when session is not ""). A table whose columns are not
// strings and integers is errNotColumnar.
func readSites(ctx context.Context, sn *store.Snapshot, session string) (*siteRows, error) {
	s := &siteRows{siteOff: []int32{0}}
	for _, t := range sn.Tables("RecordingSite") {
		if err := s.readTable(ctx, t, session); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *siteRows) readTable(ctx context.Context, t store.TableInfo, session string) error {
	return readColumns(ctx, t, siteColumns, []string{"data_item"}, func(c []arrow.Array) error {
		sess, ok1 := s.sessionsOf(c[0])
		ids, ok2 := c[1].(*array.String)
		el, reg := c[2], c[3]
		if !ok1 || !ok2 || ids.NullN() > 0 || !isInt(el) || !isInt(reg) {
			return errNotColumnar
		}
		keep := -1 // every row
		if session != "" {
			k, ok := s.sessions.index[session]
			keep = int(k)
			if !ok {
				return nil
			}
		}
		off, data := ids.ValueOffsets(), ids.ValueBytes()
		if keep < 0 && int64(len(s.siteBytes))+int64(len(data)) <= math.MaxInt32 { // the whole batch
			base := int32(len(s.siteBytes)) - off[0]
			s.session = append(s.session, sess...)
			s.siteBytes = append(s.siteBytes, data...)
			for _, o := range off[1:] {
				s.siteOff = append(s.siteOff, o+base)
			}
			s.electrode, s.electrodeOK = appendInts(s.electrode, s.electrodeOK, s.n, el)
			s.region, s.regionOK = appendInts(s.region, s.regionOK, s.n, reg)
			s.n += len(sess)
			return nil
		}
		for i := range sess {
			if keep >= 0 && int(sess[i]) != keep {
				continue
			}
			if int64(len(s.siteBytes))+int64(off[i+1]-off[i]) > math.MaxInt32 {
				return errNotColumnar // beyond an Arrow string column
			}
			s.session = append(s.session, sess[i])
			s.siteBytes = append(s.siteBytes, data[off[i]-off[0]:off[i+1]-off[0]]...)
			s.siteOff = append(s.siteOff, int32(len(s.siteBytes)))
			s.electrode, s.electrodeOK = appendInt(s.electrode, s.electrodeOK, s.n, el, i)
			s.region, s.regionOK = appendInt(s.region, s.regionOK, s.n, reg, i)
			s.n++
		}
		return nil
	})
}

// sessionsOf numbers a batch's sessions in s.sessions (a dictionary array:
// once per dictionary entry); NULL sessions are refused.
func (s *siteRows) sessionsOf(a arrow.Array) ([]int32, bool) {
	if a.NullN() > 0 {
		return nil, false
	}
	out := make([]int32, a.Len())
	switch v := a.(type) {
	case *array.Dictionary:
		dict, ok := v.Dictionary().(*array.String)
		if !ok {
			return nil, false
		}
		ids := make([]int32, dict.Len())
		for k := range ids {
			ids[k] = s.sessions.add(strings.Clone(dict.Value(k)))
		}
		for i := range out {
			out[i] = ids[v.GetValueIndex(i)]
		}
	case *array.String:
		for i := range out {
			out[i] = s.sessions.add(strings.Clone(v.Value(i)))
		}
	default:
		return nil, false
	}
	return out, true
}

// appendInts appends the integer column a to v, as appendInt row by row.
func appendInts(v []int64, ok []bool, n int, a arrow.Array) ([]int64, []bool) {
	if a.NullN() > 0 && ok == nil {
		ok = make([]bool, n, n+a.Len())
		for j := range ok {
			ok[j] = true
		}
	}
	at := len(v)
	switch x := a.(type) {
	case *array.Int64:
		v = append(v, x.Int64Values()...)
	case *array.Int32:
		for _, e := range x.Int32Values() {
			v = append(v, int64(e))
		}
	}
	if ok != nil {
		for i := range a.Len() {
			valid := a.IsValid(i)
			if !valid {
				v[at+i] = 0 // as a NULL reads
			}
			ok = append(ok, valid)
		}
	}
	return v, ok
}

// appendInt appends row i of integer column a to v, keeping ok (the
// validity of v's first n values) nil until a NULL shows.
func appendInt(v []int64, ok []bool, n int, a arrow.Array, i int) ([]int64, []bool) {
	x, valid := intAt(a, i)
	if !valid && ok == nil {
		ok = make([]bool, n, cap(v))
		for j := range ok {
			ok[j] = true
		}
	}
	if ok != nil {
		ok = append(ok, valid)
	}
	return append(v, x), ok
}

// readColumns streams the named columns of a Parquet table in batches; fn
// gets one array per name (same order). A missing column is
// errNotColumnar (the class view would give NULLs). The file is checked
// against the manifest's SHA-256 first: arrow-go can panic on damaged
// Parquet in goroutines of its own, where no recover reaches.
func readColumns(ctx context.Context, t store.TableInfo, names, dict []string, fn func([]arrow.Array) error) error {
	path := t.Path
	if err := store.VerifyFile(t); err != nil {
		return err
	}
	err := pqcols.Read(ctx, path, names, pqcols.Options{Parallel: true, Dictionary: dict}, fn)
	switch {
	case errors.Is(err, pqcols.ErrMissing):
		return errNotColumnar
	case err != nil:
		return &ccc.Error{Op: "ask site-projections", Path: path, Row: -1, Msg: "cannot read the Parquet table", Kind: ccc.ErrFormat, Err: err}
	}
	return nil
}

func isInt(a arrow.Array) bool {
	switch a.(type) {
	case *array.Int64, *array.Int32:
		return true
	}
	return false
}

func intAt(a arrow.Array, i int) (int64, bool) {
	if a.IsNull(i) {
		return 0, false
	}
	switch v := a.(type) {
	case *array.Int64:
		return v.Value(i), true
	case *array.Int32:
		return int64(v.Value(i)), true
	}
	return 0, false
}

// order is the statement's ORDER BY session, electrode_id, site (NULLs
// last) as a permutation, or nil when the rows are already in that order
// (checked in one pass).
func (s *siteRows) order() []int32 {
	sess := s.sessions.values
	site := func(i int32) []byte { return s.siteBytes[s.siteOff[i]:s.siteOff[i+1]] }
	hasElectrode := func(i int32) bool { return s.electrodeOK == nil || s.electrodeOK[i] }
	less := func(i, j int32) int {
		if si, sj := s.session[i], s.session[j]; si != sj {
			if c := cmp.Compare(sess[si], sess[sj]); c != 0 {
				return c
			}
		}
		switch hi, hj := hasElectrode(i), hasElectrode(j); {
		case hi && hj:
			if c := cmp.Compare(s.electrode[i], s.electrode[j]); c != 0 {
				return c
			}
		case hi != hj:
			if hi {
				return -1
			}
			return 1
		}
		return bytes.Compare(site(i), site(j))
	}
	sorted := true
	for i := 1; i < s.n && sorted; i++ {
		sorted = less(int32(i-1), int32(i)) <= 0
	}
	if sorted {
		return nil
	}
	p := make([]int32, s.n)
	for i := range p {
		p[i] = int32(i)
	}
	slices.SortStableFunc(p, less)
	return p
}
