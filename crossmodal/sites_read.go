package crossmodal

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sync"

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
		if err := s.readTable(ctx, t); err != nil {
			return nil, err
		}
	}
	if session != "" {
		s = s.only(session)
	}
	return s, nil
}

func (s *siteRows) readTable(ctx context.Context, t store.TableInfo) error {
	f, err := openTable(t)
	if err != nil {
		return err
	}
	defer f.Close()
	n := f.NumRows()
	// the four columns at once, each into its own slices
	var electrode, region []int64
	var electrodeOK, regionOK []bool
	sess := make([]int32, 0, n)
	off := make([]int32, 1, n+1)
	site := make([]byte, 0, max(0, f.UncompressedSize("id")-4*int64(n)))
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for c, read := range []func() error{
		func() (err error) { electrode, electrodeOK, err = f.Int64s("electrode_id"); return },
		func() (err error) { region, regionOK, err = f.Int64s("brain_region"); return },
		func() error {
			return f.Bytes("id", func(_ int, v []byte, ok bool) error {
				if !ok || len(site)+len(v) > math.MaxInt32 {
					return errNotColumnar // a NULL id, or beyond an Arrow string column
				}
				site = append(site, v...)
				off = append(off, int32(len(site)))
				return nil
			})
		},
		func() error {
			var last []byte
			var k int32 = -1
			return f.Bytes("data_item", func(_ int, v []byte, ok bool) error {
				if !ok {
					return errNotColumnar
				}
				if k < 0 || !bytes.Equal(v, last) { // sessions come in runs
					k, last = s.sessions.add(string(v)), append(last[:0], v...)
				}
				sess = append(sess, k)
				return nil
			})
		},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[c] = read()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return tableErr(t.Path, err)
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if s.n == 0 { // the first table: its columns as read
		s.session, s.siteBytes, s.siteOff = sess, site, off
		s.electrode, s.electrodeOK, s.region, s.regionOK = electrode, electrodeOK, region, regionOK
		s.n = n
		return nil
	}
	base := int32(len(s.siteBytes))
	s.session = append(s.session, sess...)
	s.siteBytes = append(s.siteBytes, site...)
	for _, o := range off[1:] {
		s.siteOff = append(s.siteOff, base+o)
	}
	s.electrode, s.electrodeOK = appendValid(s.electrode, s.electrodeOK, electrode, electrodeOK)
	s.region, s.regionOK = appendValid(s.region, s.regionOK, region, regionOK)
	s.n += n
	return nil
}

// only is the rows of session.
func (s *siteRows) only(session string) *siteRows {
	out := &siteRows{siteOff: []int32{0}}
	keep, ok := s.sessions.index[session]
	if !ok {
		return out
	}
	out.sessions.add(session)
	for i := range s.n {
		if s.session[i] != keep {
			continue
		}
		out.session = append(out.session, 0)
		out.siteBytes = append(out.siteBytes, s.siteBytes[s.siteOff[i]:s.siteOff[i+1]]...)
		out.siteOff = append(out.siteOff, int32(len(out.siteBytes)))
		out.electrode, out.electrodeOK = appendValid(out.electrode, out.electrodeOK, s.electrode[i:i+1], sliceOK(s.electrodeOK, i))
		out.region, out.regionOK = appendValid(out.region, out.regionOK, s.region[i:i+1], sliceOK(s.regionOK, i))
		out.n++
	}
	return out
}

// appendValid appends values v (validity ok, nil: all valid) to a column
// and its validity (kept nil while every value is valid).
func appendValid(col []int64, colOK []bool, v []int64, ok []bool) ([]int64, []bool) {
	if ok != nil && colOK == nil {
		colOK = make([]bool, len(col), cap(col))
		for i := range colOK {
			colOK[i] = true
		}
	}
	if colOK != nil {
		if ok == nil {
			for range v {
				colOK = append(colOK, true)
			}
		} else {
			colOK = append(colOK, ok...)
		}
	}
	return append(col, v...), colOK
}

func sliceOK(ok []bool, i int) []bool {
	if ok == nil {
		return nil
	}
	return ok[i : i+1]
}

// openTable opens a table's Parquet file for column reads once its bytes
// match the manifest's checksum.
func openTable(t store.TableInfo) (*pqcols.File, error) {
	if err := store.VerifyFile(t); err != nil {
		return nil, err
	}
	f, err := pqcols.Open(t.Path)
	if err != nil {
		return nil, tableErr(t.Path, err)
	}
	return f, nil
}

// tableErr maps a column read error: a missing column or one of another
// type is errNotColumnar (the statement answers), others name the file.
func tableErr(path string, err error) error {
	switch {
	case errors.Is(err, errNotColumnar), errors.Is(err, pqcols.ErrMissing), errors.Is(err, pqcols.ErrType):
		return errNotColumnar
	case err != nil:
		return &ccc.Error{Op: "ask site-projections", Path: path, Row: -1, Msg: "cannot read the Parquet table", Kind: ccc.ErrFormat, Err: err}
	}
	return nil
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
