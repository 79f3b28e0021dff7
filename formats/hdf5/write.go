package hdf5

/*
#include "helpers.h"
*/
import "C"

import (
	"fmt"
	"os"
	"path"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
)

// The writer is deliberately small: it makes fixtures, synthetic files for
// benchmarks and the quickstart (groups, typed datasets with chunking and
// gzip, attributes, soft links, object references). It is not a general
// HDF5 writer.

// Create creates (truncates) an HDF5 file for writing.
func Create(p string) (*File, error) {
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	lock()
	defer unlock()
	fapl := C.H5Pcreate(C.ccc_fapl())
	defer C.H5Pclose(fapl)
	C.H5Pset_fclose_degree(fapl, C.H5F_CLOSE_STRONG)
	id := C.H5Fcreate(cp, C.H5F_ACC_TRUNC, C.H5P_DEFAULT, fapl)
	if id < 0 {
		if _, err := os.Stat(path.Dir(p)); err != nil {
			return nil, newErr("create hdf5", p, "", ErrNoObject, "directory does not exist", err)
		}
		return nil, newErr("create hdf5", p, "", ErrCorrupt, "cannot create HDF5 file", nil)
	}
	return &File{path: p, id: id, writable: true, refCache: map[uint64]string{}}, nil
}

// OpenRW opens an existing HDF5 file for reading and writing (to add
// groups, datasets, attributes or links).
func OpenRW(p string) (*File, error) {
	if _, err := os.Stat(p); err != nil {
		return nil, newErr("open hdf5", p, "", ErrNoObject, "file does not exist", err)
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	lock()
	defer unlock()
	if C.H5Fis_hdf5(cp) <= 0 {
		return nil, newErr("open hdf5", p, "", ErrNotHDF5, "", nil)
	}
	fapl := C.H5Pcreate(C.ccc_fapl())
	defer C.H5Pclose(fapl)
	C.H5Pset_fclose_degree(fapl, C.H5F_CLOSE_STRONG)
	id := C.H5Fopen(cp, C.H5F_ACC_RDWR, fapl)
	if id < 0 {
		return nil, newErr("open hdf5", p, "", ErrCorrupt, "cannot open for writing", nil)
	}
	return &File{path: p, id: id, writable: true, refCache: map[uint64]string{}}, nil
}

func (f *File) wcheck(p string) error {
	if err := f.check(); err != nil {
		return err
	}
	if !f.writable {
		return &ccc.Error{Op: "write hdf5", Path: f.path + ":" + p, Row: -1, Msg: "file is open read-only", Kind: ccc.ErrUsage}
	}
	return nil
}

func (f *File) werr(p, msg string) error {
	return newErr("write hdf5", f.path, p, ErrCorrupt, msg, nil)
}

// CreateGroup creates a group and any missing parents.
func (f *File) CreateGroup(p string) error {
	p = clean(p)
	lock()
	defer unlock()
	if err := f.wcheck(p); err != nil {
		return err
	}
	if p == "/" || f.pathExists(p) {
		return nil
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	lcpl := C.H5Pcreate(C.ccc_lcpl())
	defer C.H5Pclose(lcpl)
	C.H5Pset_create_intermediate_group(lcpl, 1)
	g := C.H5Gcreate2(f.id, cp, lcpl, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if g < 0 {
		return f.werr(p, "cannot create group")
	}
	C.H5Gclose(g)
	return nil
}

// WriteOptions control dataset layout.
type WriteOptions struct {
	Chunks   []int // chunk shape (required for Gzip and unlimited dimensions)
	Gzip     int   // deflate level 1-9, 0 for none
	MaxShape []int // maximum dimensions, -1 for unlimited; nil = Shape
}

// memType returns the memory/file type and a pointer to the data for a
// typed slice; free releases what was allocated; mu held.
func (f *File) memType(data any) (t C.hid_t, ptr unsafe.Pointer, n int, free func(), err error) {
	free = func() {}
	nat := func(cls, size, sign int) C.hid_t { return C.ccc_native(C.int(cls), C.int(size), C.int(sign)) }
	switch d := data.(type) {
	case []float64:
		return nat(1, 8, 1), sliceptr(d), len(d), free, nil
	case []float32:
		return nat(1, 4, 1), sliceptr(d), len(d), free, nil
	case []int64:
		return nat(0, 8, 1), sliceptr(d), len(d), free, nil
	case []int32:
		return nat(0, 4, 1), sliceptr(d), len(d), free, nil
	case []int16:
		return nat(0, 2, 1), sliceptr(d), len(d), free, nil
	case []int8:
		return nat(0, 1, 1), sliceptr(d), len(d), free, nil
	case []uint64:
		return nat(0, 8, 0), sliceptr(d), len(d), free, nil
	case []uint32:
		return nat(0, 4, 0), sliceptr(d), len(d), free, nil
	case []uint16:
		return nat(0, 2, 0), sliceptr(d), len(d), free, nil
	case []uint8:
		return nat(0, 1, 0), sliceptr(d), len(d), free, nil
	case []bool:
		et := C.H5Tenum_create(nat(0, 1, 1))
		for i, name := range []string{"FALSE", "TRUE"} {
			cn := C.CString(name)
			v := C.int8_t(i)
			C.H5Tenum_insert(et, cn, unsafe.Pointer(&v))
			C.free(unsafe.Pointer(cn))
		}
		b := make([]int8, len(d))
		for i, v := range d {
			if v {
				b[i] = 1
			}
		}
		return et, sliceptr(b), len(d), func() { C.H5Tclose(et) }, nil
	case []string:
		st := C.H5Tcopy(C.ccc_c_s1())
		C.H5Tset_size(st, C.H5T_VARIABLE)
		C.H5Tset_cset(st, C.H5T_CSET_UTF8)
		buf := (**C.char)(C.calloc(C.size_t(len(d)+1), C.size_t(unsafe.Sizeof(uintptr(0)))))
		ptrs := unsafe.Slice(buf, len(d)+1)
		for i, s := range d {
			ptrs[i] = C.CString(s)
		}
		return st, unsafe.Pointer(buf), len(d), func() {
			for i := range d {
				C.free(unsafe.Pointer(ptrs[i]))
			}
			C.free(unsafe.Pointer(buf))
			C.H5Tclose(st)
		}, nil
	case []Ref:
		refs := make([]C.hobj_ref_t, len(d))
		for i, r := range d {
			if r.Null || r.Path == "" {
				continue
			}
			cp := C.CString(r.Path)
			rc := C.H5Rcreate(unsafe.Pointer(&refs[i]), f.id, cp, C.H5R_OBJECT, -1)
			C.free(unsafe.Pointer(cp))
			if rc < 0 {
				return 0, nil, 0, free, f.werr(r.Path, "cannot create object reference (target missing?)")
			}
		}
		return C.ccc_ref_obj(), sliceptr(refs), len(d), free, nil
	}
	return 0, nil, 0, free, fmt.Errorf("%w: hdf5 writer cannot write %T", ccc.ErrUsage, data)
}

// WriteDataset writes a typed slice ([]float64 ... []uint8, []bool,
// []string as variable-length UTF-8, []Ref as object references) as a
// dataset of the given shape (nil shape = scalar of one element). Parent
// groups are created.
func (f *File) WriteDataset(p string, data any, shape []int, o *WriteOptions) error {
	p = clean(p)
	if err := f.CreateGroup(path.Dir(p)); err != nil {
		return err
	}
	lock()
	defer unlock()
	if err := f.wcheck(p); err != nil {
		return err
	}
	mt, ptr, n, free, err := f.memType(data)
	if err != nil {
		return err
	}
	defer free()
	want := 1
	for _, s := range shape {
		want *= s
	}
	if want != n {
		return f.werr(p, fmt.Sprintf("shape %v needs %d values, got %d", shape, want, n))
	}
	var sp C.hid_t
	if shape == nil {
		sp = C.H5Screate(C.H5S_SCALAR)
	} else {
		dims := make([]C.hsize_t, len(shape))
		maxd := make([]C.hsize_t, len(shape))
		for i, s := range shape {
			dims[i] = C.hsize_t(s)
			maxd[i] = C.hsize_t(s)
			if o != nil && o.MaxShape != nil {
				if o.MaxShape[i] < 0 {
					maxd[i] = C.ccc_unlimited()
				} else {
					maxd[i] = C.hsize_t(o.MaxShape[i])
				}
			}
		}
		var dp, mp *C.hsize_t
		if len(dims) > 0 {
			dp, mp = &dims[0], &maxd[0]
		}
		sp = C.H5Screate_simple(C.int(len(dims)), dp, mp)
	}
	defer C.H5Sclose(sp)
	dcpl := C.H5Pcreate(C.ccc_dcpl())
	defer C.H5Pclose(dcpl)
	if o != nil && len(o.Chunks) > 0 {
		cd := make([]C.hsize_t, len(o.Chunks))
		for i, c := range o.Chunks {
			cd[i] = C.hsize_t(c)
		}
		C.H5Pset_chunk(dcpl, C.int(len(cd)), &cd[0])
		if o.Gzip > 0 {
			C.H5Pset_deflate(dcpl, C.uint(o.Gzip))
		}
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	did := C.H5Dcreate2(f.id, cp, mt, sp, C.H5P_DEFAULT, dcpl, C.H5P_DEFAULT)
	if did < 0 {
		return f.werr(p, "cannot create dataset (exists already?)")
	}
	defer C.H5Dclose(did)
	if n > 0 && C.H5Dwrite(did, mt, C.H5S_ALL, C.H5S_ALL, C.H5P_DEFAULT, ptr) < 0 {
		return f.werr(p, "cannot write dataset values")
	}
	return nil
}

// SetAttr writes an attribute on the object at objPath. value is a string,
// int, int64, float64, bool, Ref, or a slice handled by WriteDataset.
func (f *File) SetAttr(objPath, name string, value any) error {
	objPath = clean(objPath)
	var data any
	scalar := true
	switch v := value.(type) {
	case string:
		data = []string{v}
	case int:
		data = []int64{int64(v)}
	case int64:
		data = []int64{v}
	case int32:
		data = []int32{v}
	case float64:
		data = []float64{v}
	case float32:
		data = []float32{v}
	case bool:
		data = []bool{v}
	case Ref:
		data = []Ref{v}
	default:
		data, scalar = value, false
	}
	lock()
	defer unlock()
	where := objPath + "@" + name
	if err := f.wcheck(where); err != nil {
		return err
	}
	mt, ptr, n, free, err := f.memType(data)
	if err != nil {
		return err
	}
	defer free()
	var sp C.hid_t
	if scalar {
		sp = C.H5Screate(C.H5S_SCALAR)
	} else {
		d := C.hsize_t(n)
		sp = C.H5Screate_simple(1, &d, nil)
	}
	defer C.H5Sclose(sp)
	cp := C.CString(objPath)
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cp))
	defer C.free(unsafe.Pointer(cn))
	if C.H5Aexists_by_name(f.id, cp, cn, C.H5P_DEFAULT) > 0 {
		C.H5Adelete_by_name(f.id, cp, cn, C.H5P_DEFAULT)
	}
	aid := C.H5Acreate_by_name(f.id, cp, cn, mt, sp, C.H5P_DEFAULT, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if aid < 0 {
		return f.werr(where, "cannot create attribute (object missing?)")
	}
	defer C.H5Aclose(aid)
	if n > 0 && C.H5Awrite(aid, mt, ptr) < 0 {
		return f.werr(where, "cannot write attribute")
	}
	return nil
}

// SoftLink creates a soft link at linkPath pointing to target.
func (f *File) SoftLink(linkPath, target string) error {
	linkPath = clean(linkPath)
	if err := f.CreateGroup(path.Dir(linkPath)); err != nil {
		return err
	}
	lock()
	defer unlock()
	if err := f.wcheck(linkPath); err != nil {
		return err
	}
	ct := C.CString(target)
	cl := C.CString(linkPath)
	defer C.free(unsafe.Pointer(ct))
	defer C.free(unsafe.Pointer(cl))
	if C.H5Lcreate_soft(ct, f.id, cl, C.H5P_DEFAULT, C.H5P_DEFAULT) < 0 {
		return f.werr(linkPath, "cannot create soft link")
	}
	return nil
}
