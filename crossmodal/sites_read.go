package crossmodal

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
	"github.com/ccc-connectivity/ccc/store"
)

// siteColumns are the RecordingSite columns the question reads.
var siteColumns = []string{"data_item", "id", "electrode_id", "brain_region"}

// siteRows are recording sites in columns (every RecordingSite table of
// the version, in dataset order).
type siteRows struct {
	session, site           []string
	electrode, region       []int64
	hasElectrode, hasRegion []bool
}

// readSites reads the sites of every RecordingSite table (only the
// session's, when session is not ""). A table whose columns are not
// strings and integers is errNotColumnar.
func readSites(ctx context.Context, sn *store.Snapshot, session string) (*siteRows, error) {
	s := &siteRows{}
	for _, t := range sn.Tables("RecordingSite") {
		if err := s.readTable(ctx, t, session); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *siteRows) readTable(ctx context.Context, t store.TableInfo, session string) error {
	return readColumns(ctx, t, siteColumns, func(c []arrow.Array) error {
		sess, ok1 := stringsOf(c[0])
		ids, ok2 := stringsOf(c[1])
		el, reg := c[2], c[3]
		if !ok1 || !ok2 || !isInt(el) || !isInt(reg) {
			return errNotColumnar
		}
		for i := range sess {
			if session != "" && sess[i] != session {
				continue
			}
			s.session = append(s.session, sess[i])
			s.site = append(s.site, ids[i])
			e, he := intAt(el, i)
			r, hr := intAt(reg, i)
			s.electrode, s.hasElectrode = append(s.electrode, e), append(s.hasElectrode, he)
			s.region, s.hasRegion = append(s.region, r), append(s.hasRegion, hr)
		}
		return nil
	})
}

// readColumns streams the named columns of a Parquet table in batches; fn
// gets one array per name (same order). A missing column is
// errNotColumnar (the class view would give NULLs). The file is checked
// against the manifest's SHA-256 first: arrow-go can panic on damaged
// Parquet in goroutines of its own, where no recover reaches.
func readColumns(ctx context.Context, t store.TableInfo, names []string, fn func([]arrow.Array) error) error {
	path := t.Path
	if err := store.VerifyFile(t); err != nil {
		return err
	}
	err := pqcols.Read(ctx, path, names, pqcols.Options{Parallel: true}, fn)
	switch {
	case errors.Is(err, pqcols.ErrMissing):
		return errNotColumnar
	case err != nil:
		return &ccc.Error{Op: "ask site-projections", Path: path, Row: -1, Msg: "cannot read the Parquet table", Kind: ccc.ErrFormat, Err: err}
	}
	return nil
}

// stringsOf returns the values of a string column without NULLs, sharing
// one copy of the batch's bytes (no allocation per value).
func stringsOf(a arrow.Array) ([]string, bool) {
	if a.NullN() > 0 {
		return nil, false
	}
	out := make([]string, a.Len())
	switch v := a.(type) {
	case *array.String:
		off := v.ValueOffsets()
		all := string(v.ValueBytes())
		for i := range out {
			out[i] = all[off[i]-off[0] : off[i+1]-off[0]]
		}
	case *array.LargeString:
		off := v.ValueOffsets()
		all := string(v.ValueBytes())
		for i := range out {
			out[i] = all[off[i]-off[0] : off[i+1]-off[0]]
		}
	default:
		return nil, false
	}
	return out, true
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
// last) as a permutation; already sorted input is only checked.
func (s *siteRows) order() []int32 {
	less := func(i, j int32) int {
		if c := cmp.Compare(s.session[i], s.session[j]); c != 0 {
			return c
		}
		switch hi, hj := s.hasElectrode[i], s.hasElectrode[j]; {
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
		return cmp.Compare(s.site[i], s.site[j])
	}
	p := make([]int32, len(s.site))
	sorted := true
	for i := range p {
		p[i] = int32(i)
		if i > 0 && sorted && less(int32(i-1), int32(i)) > 0 {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(p, less)
	}
	return p
}
