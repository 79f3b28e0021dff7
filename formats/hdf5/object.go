package hdf5

/*
#include "helpers.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/ccc-connectivity/ccc/formats/internal/rawdata"
)

// object is what groups and datasets share: a file and an absolute path.
type object struct {
	f    *File
	path string
}

// Path returns the absolute path inside the file.
func (o *object) Path() string { return o.path }

// File returns the file the object belongs to.
func (o *object) File() *File { return o.f }

// Name returns the last path component ("/" for the root).
func (o *object) Name() string {
	if o.path == "/" {
		return "/"
	}
	return o.path[strings.LastIndexByte(o.path, '/')+1:]
}

// Group is an HDF5 group addressed by path.
type Group struct{ object }

// AttrNames lists the object's attribute names in name order.
func (o *object) AttrNames() ([]string, error) {
	f := o.f
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	cp := C.CString(o.path)
	defer C.free(unsafe.Pointer(cp))
	var info C.H5O_info_t
	if C.H5Oget_info_by_name2(f.id, cp, &info, C.H5O_INFO_NUM_ATTRS, C.H5P_DEFAULT) < 0 {
		return nil, newErr("read hdf5", f.path, o.path, ErrNoObject, "", nil)
	}
	n := int(info.num_attrs)
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		l := C.H5Aget_name_by_idx(f.id, cp, C.H5_INDEX_NAME, C.H5_ITER_INC, C.hsize_t(i), nil, 0, C.H5P_DEFAULT)
		if l < 0 {
			return nil, newErr("read hdf5", f.path, o.path, ErrCorrupt, fmt.Sprintf("cannot read name of attribute %d", i), nil)
		}
		buf := (*C.char)(C.malloc(C.size_t(l + 1)))
		C.H5Aget_name_by_idx(f.id, cp, C.H5_INDEX_NAME, C.H5_ITER_INC, C.hsize_t(i), buf, C.size_t(l+1), C.H5P_DEFAULT)
		out = append(out, C.GoString(buf))
		C.free(unsafe.Pointer(buf))
	}
	return out, nil
}

// HasAttr reports whether the object has the attribute.
func (o *object) HasAttr(name string) bool {
	lock()
	defer unlock()
	if o.f.check() != nil {
		return false
	}
	cp := C.CString(o.path)
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cn))
	return C.H5Aexists_by_name(o.f.id, cp, cn, C.H5P_DEFAULT) > 0
}

// Attr reads one attribute. A missing attribute gives ErrNoObject naming
// path@name.
func (o *object) Attr(name string) (*Array, error) {
	f := o.f
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	where := o.path + "@" + name
	cp := C.CString(o.path)
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cn))
	if C.H5Aexists_by_name(f.id, cp, cn, C.H5P_DEFAULT) <= 0 {
		return nil, newErr("read hdf5", f.path, where, ErrNoObject, "no such attribute", nil)
	}
	aid := C.H5Aopen_by_name(f.id, cp, cn, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if aid < 0 {
		return nil, newErr("read hdf5", f.path, where, ErrCorrupt, "cannot open attribute", nil)
	}
	defer C.H5Aclose(aid)
	sp := C.H5Aget_space(aid)
	defer C.H5Sclose(sp)
	ft := C.H5Aget_type(aid)
	defer C.H5Tclose(ft)
	dt := describe(ft)
	shape, n, err := spaceShape(sp)
	if err != nil {
		return nil, newErr("read hdf5", f.path, where, ErrCorrupt, "attribute "+err.Error(), nil)
	}
	if C.H5Sget_simple_extent_type(sp) == C.H5S_NULL {
		n = 0
		shape = []int{0}
	}
	// an attribute's values are stored in the file (object header or
	// dense storage) in the file type's size: a damaged dataspace or type
	// declaring more than the file holds is refused before libhdf5
	// allocates and converts it
	if esize := int64(C.H5Tget_size(ft)); f.size > 0 && (esize <= 0 || int64(n) > f.size/max(esize, 1)) {
		return nil, newErr("read hdf5", f.path, where, ErrCorrupt,
			fmt.Sprintf("attribute declares %d values of %d bytes, more than the file's %d bytes", n, esize, f.size), nil)
	}
	r := &reading{f: f, where: where, n: n, space: sp, rd: func(mt C.hid_t, buf unsafe.Pointer) C.herr_t {
		return C.H5Aread(aid, mt, buf)
	}}
	defer r.done()
	data, fields, err := r.values(ft, dt, func(m C.hid_t) C.hid_t { return m })
	if err != nil {
		return nil, err
	}
	return &Array{Shape: shape, Type: dt, Data: data, Fields: fields}, nil
}

// AttrString reads a string attribute (the first element of an array).
func (o *object) AttrString(name string) (string, error) {
	a, err := o.Attr(name)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// maxRank is libhdf5's H5S_MAX_RANK.
const maxRank = 32

// maxElements bounds the elements of one dataspace (2^48): beyond it a
// shape is damage, and products of its dimensions could overflow.
const maxElements = 1 << 48

// spaceShape returns a dataspace's dimensions (nil for scalars) and number
// of elements, refusing a rank or extent no real file has; mu held.
func spaceShape(sp C.hid_t) ([]int, int, error) {
	nd := int(C.H5Sget_simple_extent_ndims(sp))
	if nd < 0 {
		return nil, 0, fmt.Errorf("dataspace cannot be read")
	}
	if nd > maxRank {
		return nil, 0, fmt.Errorf("dataspace of rank %d (at most %d)", nd, maxRank)
	}
	if nd == 0 {
		return nil, 1, nil
	}
	dims := make([]C.hsize_t, nd)
	C.H5Sget_simple_extent_dims(sp, &dims[0], nil)
	out := make([]int, nd)
	n := uint64(1)
	for i, d := range dims {
		if uint64(d) > maxElements || n*max(uint64(d), 1) > maxElements {
			return nil, 0, fmt.Errorf("dataspace of %v elements (damaged extent)", dims)
		}
		n *= uint64(d)
		out[i] = int(d)
	}
	return out, int(n), nil
}

// Dataset is an HDF5 dataset: metadata read at open, values on demand.
type Dataset struct {
	object
	Shape    []int    // current dimensions (nil for a scalar)
	MaxShape []int    // maximum dimensions, -1 for unlimited
	Chunks   []int    // chunk dimensions, nil when not chunked
	Type     DType    // datatype in the file
	Filters  []string // filter pipeline: "gzip", "shuffle", "fletcher32", "szip", or "filter-<id>"
}

// Len returns the number of elements (1 for a scalar).
func (d *Dataset) Len() int {
	n := 1
	for _, v := range d.Shape {
		n *= v
	}
	return n
}

// datasetMeta reads a dataset's metadata; mu held.
func (f *File) datasetMeta(p string) (*Dataset, error) {
	did := f.dataset(p)
	if did < 0 {
		return nil, newErr("read hdf5", f.path, p, ErrCorrupt, "cannot open dataset", nil)
	}
	d := &Dataset{object: object{f, p}}
	sp := C.H5Dget_space(did)
	defer C.H5Sclose(sp)
	var err error
	if d.Shape, _, err = spaceShape(sp); err != nil {
		return nil, newErr("read hdf5", f.path, p, ErrCorrupt, "dataset "+err.Error(), nil)
	}
	if nd := len(d.Shape); nd > 0 {
		dims := make([]C.hsize_t, nd)
		maxd := make([]C.hsize_t, nd)
		C.H5Sget_simple_extent_dims(sp, &dims[0], &maxd[0])
		d.MaxShape = make([]int, nd)
		for i, m := range maxd {
			if m == C.ccc_unlimited() {
				d.MaxShape[i] = -1
			} else {
				d.MaxShape[i] = int(m)
			}
		}
	}
	ft := C.H5Dget_type(did)
	defer C.H5Tclose(ft)
	d.Type = describe(ft)
	pl := C.H5Dget_create_plist(did)
	defer C.H5Pclose(pl)
	if C.H5Pget_layout(pl) == C.H5D_CHUNKED && len(d.Shape) > 0 {
		cd := make([]C.hsize_t, len(d.Shape))
		C.H5Pget_chunk(pl, C.int(len(cd)), &cd[0])
		for _, c := range cd {
			d.Chunks = append(d.Chunks, int(c))
		}
	}
	nf := int(C.H5Pget_nfilters(pl))
	for i := 0; i < nf; i++ {
		var flags C.uint
		var nelm C.size_t
		var cfg C.uint
		id := C.H5Pget_filter2(pl, C.uint(i), &flags, &nelm, nil, 0, nil, &cfg)
		switch id {
		case C.H5Z_FILTER_DEFLATE:
			d.Filters = append(d.Filters, "gzip")
		case C.H5Z_FILTER_SHUFFLE:
			d.Filters = append(d.Filters, "shuffle")
		case C.H5Z_FILTER_FLETCHER32:
			d.Filters = append(d.Filters, "fletcher32")
		case C.H5Z_FILTER_SZIP:
			d.Filters = append(d.Filters, "szip")
		default:
			d.Filters = append(d.Filters, fmt.Sprintf("filter-%d", int(id)))
		}
	}
	return d, nil
}

// directReads enables the parallel direct chunk path (chunks.go); tests
// switch it off to compare with libhdf5's own reads.
var directReads = true

// Read reads the whole dataset.
func (d *Dataset) Read() (*Array, error) {
	start := make([]int, len(d.Shape))
	return d.Slice(start, d.Shape)
}

// Rows reads n entries along the first dimension starting at start (all of
// the other dimensions).
func (d *Dataset) Rows(start, n int) (*Array, error) {
	if len(d.Shape) == 0 {
		return nil, newErr("read hdf5", d.f.path, d.path, ErrCorrupt, "cannot take rows of a scalar dataset", nil)
	}
	st := make([]int, len(d.Shape))
	cnt := append([]int(nil), d.Shape...)
	st[0], cnt[0] = start, n
	return d.Slice(st, cnt)
}

// Slice reads the hyperslab start[i] .. start[i]+count[i] in every
// dimension. Only the chunks the hyperslab touches are read from disk.
func (d *Dataset) Slice(start, count []int) (*Array, error) {
	f := d.f
	if len(start) != len(d.Shape) || len(count) != len(d.Shape) {
		return nil, newErr("read hdf5", f.path, d.path, ErrNoObject,
			fmt.Sprintf("slice of rank %d/%d for a dataset of shape %v", len(start), len(count), d.Shape), nil)
	}
	n := 1
	for i := range start {
		if start[i] < 0 || count[i] < 0 || start[i]+count[i] > d.Shape[i] {
			return nil, newErr("read hdf5", f.path, d.path, ErrNoObject,
				fmt.Sprintf("slice [%d:%d] out of range in dimension %d (size %d)", start[i], start[i]+count[i], i, d.Shape[i]), nil)
		}
		n *= count[i]
	}
	if need := int64(n) * int64(max(d.Type.Size, 1)); need > rawdata.DefaultMaxBytes() {
		return nil, newErr("read hdf5", f.path, d.path, ErrCorrupt,
			fmt.Sprintf("reading %v of %s needs %s of memory, more than the limit of %s", count, d.Type, rawdata.FormatBytes(need), rawdata.FormatBytes(rawdata.DefaultMaxBytes())), nil)
	}
	if directReads && len(start) > 0 && d.directOK() {
		a, ok, err := d.sliceDirect(start, count)
		if err != nil || ok {
			return a, err
		}
	}
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	did := f.dataset(d.path)
	if did < 0 {
		return nil, newErr("read hdf5", f.path, d.path, ErrCorrupt, "cannot open dataset", nil)
	}
	fs := C.H5Dget_space(did)
	defer C.H5Sclose(fs)
	var ms C.hid_t
	var shape []int
	if len(start) == 0 {
		ms = C.H5Screate(C.H5S_SCALAR)
	} else {
		st := make([]C.hsize_t, len(start))
		ct := make([]C.hsize_t, len(start))
		for i := range start {
			st[i], ct[i] = C.hsize_t(start[i]), C.hsize_t(count[i])
		}
		if n > 0 && C.H5Sselect_hyperslab(fs, C.H5S_SELECT_SET, &st[0], nil, &ct[0], nil) < 0 {
			return nil, newErr("read hdf5", f.path, d.path, ErrCorrupt, "cannot select hyperslab", nil)
		}
		ms = C.H5Screate_simple(C.int(len(ct)), &ct[0], nil)
		shape = append([]int(nil), count...)
	}
	defer C.H5Sclose(ms)
	ft := C.H5Dget_type(did)
	defer C.H5Tclose(ft)
	r := &reading{f: f, where: d.path, n: n, space: ms, rd: func(mt C.hid_t, buf unsafe.Pointer) C.herr_t {
		return C.H5Dread(did, mt, ms, fs, C.H5P_DEFAULT, buf)
	}}
	defer r.done()
	data, fields, err := r.values(ft, d.Type, func(m C.hid_t) C.hid_t { return m })
	if err != nil {
		return nil, err
	}
	return &Array{Shape: shape, Type: d.Type, Data: data, Fields: fields}, nil
}
