package nwb

import (
	"fmt"
	"path"

	"github.com/ccc-connectivity/ccc/formats/hdf5"
)

// Series is a TimeSeries (ElectricalSeries, SpatialSeries, ...). Its data
// stay in the file: Data() returns the lazy dataset, Values reads a slice.
type Series struct {
	f             *File
	Path          string
	NeurodataType string
	Description   string
	Unit          string
	Conversion    float64 // data * Conversion + Offset gives Unit
	Offset        float64
	Resolution    float64
	// Time: either Timestamps (a dataset path) or StartingTime + i/Rate.
	TimestampsPath string
	StartingTime   float64
	Rate           float64
	// ElectricalSeries: the electrodes DynamicTableRegion.
	ElectrodesPath  string
	ElectrodesTable string

	data *hdf5.Dataset
}

// Series opens the TimeSeries group at p (metadata only).
func (f *File) Series(p string) (*Series, error) {
	g, err := f.H5.Group(p)
	if err != nil {
		return nil, err
	}
	s := &Series{f: f, Path: g.Path(), Conversion: 1, Resolution: -1}
	s.NeurodataType, _ = f.typeOf(s.Path)
	if g.HasAttr("description") {
		s.Description, _ = g.AttrString("description")
	}
	dp := path.Join(s.Path, "data")
	d, err := f.H5.Dataset(dp)
	if err != nil {
		return nil, errAt("read nwb series", f.Path, s.Path, ErrNotTable,
			fmt.Sprintf("%s (neurodata_type %q) has no data dataset, so it is not a TimeSeries", s.Path, s.NeurodataType), "", err)
	}
	s.data = d
	if d.HasAttr("unit") {
		s.Unit, _ = d.AttrString("unit")
	}
	for name, dst := range map[string]*float64{"conversion": &s.Conversion, "offset": &s.Offset, "resolution": &s.Resolution} {
		if d.HasAttr(name) {
			if a, err := d.Attr(name); err == nil {
				if v, err := a.Float64(); err == nil {
					*dst = v
				}
			}
		}
	}
	if tp := path.Join(s.Path, "timestamps"); f.H5.Exists(tp) {
		s.TimestampsPath = tp
	} else if sp := path.Join(s.Path, "starting_time"); f.H5.Exists(sp) {
		st, err := f.H5.Dataset(sp)
		if err != nil {
			return nil, err
		}
		a, err := st.Read()
		if err != nil {
			return nil, err
		}
		s.StartingTime, _ = a.Float64()
		if st.HasAttr("rate") {
			ra, _ := st.Attr("rate")
			s.Rate, _ = ra.Float64()
		}
	}
	if ep := path.Join(s.Path, "electrodes"); f.H5.Exists(ep) {
		s.ElectrodesPath = ep
		if ed, err := f.H5.Dataset(ep); err == nil && ed.HasAttr("table") {
			if a, err := ed.Attr("table"); err == nil {
				if r, err := a.Refs(); err == nil && len(r) > 0 {
					s.ElectrodesTable = r[0].Path
				}
			}
		}
	}
	return s, nil
}

// Data returns the data dataset: read it by slice, never whole.
func (s *Series) Data() *hdf5.Dataset { return s.data }

// Shape returns the data shape (time first).
func (s *Series) Shape() []int { return s.data.Shape }

// Values reads the hyperslab start/count of the data as float64; with
// scaled, data * conversion + offset (the values in Unit).
func (s *Series) Values(start, count []int, scaled bool) ([]float64, error) {
	a, err := s.data.Slice(start, count)
	if err != nil {
		return nil, err
	}
	v, err := a.Float64s()
	if err != nil {
		return nil, err
	}
	if scaled && (s.Conversion != 1 || s.Offset != 0) {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = x*s.Conversion + s.Offset
		}
		return out, nil
	}
	return v, nil
}

// Times returns the times in seconds of samples start .. start+n: from the
// timestamps dataset, or starting_time + i/rate.
func (s *Series) Times(start, n int) ([]float64, error) {
	if s.TimestampsPath != "" {
		d, err := s.f.H5.Dataset(s.TimestampsPath)
		if err != nil {
			return nil, err
		}
		a, err := d.Rows(start, n)
		if err != nil {
			return nil, err
		}
		return a.Float64s()
	}
	if s.Rate <= 0 {
		return nil, errAt("read nwb series", s.f.Path, s.Path, ErrBadTable, "series has neither timestamps nor starting_time with a rate", "", nil)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = s.StartingTime + float64(start+i)/s.Rate
	}
	return out, nil
}

// Electrodes returns the rows of the electrodes table this series records
// from (ElectricalSeries) and the table's path.
func (s *Series) Electrodes() (table string, rows []int64, err error) {
	if s.ElectrodesPath == "" {
		return "", nil, errAt("read nwb series", s.f.Path, s.Path, ErrNotTable, "series has no electrodes region", "", nil)
	}
	d, err := s.f.H5.Dataset(s.ElectrodesPath)
	if err != nil {
		return "", nil, err
	}
	a, err := d.Read()
	if err != nil {
		return "", nil, err
	}
	rows, err = a.Int64s()
	return s.ElectrodesTable, rows, err
}
