package hdf5

/*
#include "helpers.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"unsafe"
)

// rdFn reads all selected elements into buf using memory type mt.
type rdFn func(mt C.hid_t, buf unsafe.Pointer) C.herr_t

// wrapFn turns a leaf memory type into the type handed to rdFn (identity
// at top level; a one-member compound when reading one compound field).
type wrapFn func(mt C.hid_t) C.hid_t

// reading carries one read's state; mu held throughout.
type reading struct {
	f     *File
	where string  // in-file path for errors
	n     int     // number of elements
	space C.hid_t // memory dataspace of n elements (vlen reclaim)
	rd    rdFn
	types []C.hid_t // types created here, closed by done
}

func (r *reading) done() {
	for _, t := range r.types {
		C.H5Tclose(t)
	}
}

func (r *reading) own(t C.hid_t) C.hid_t {
	r.types = append(r.types, t)
	return t
}

func (r *reading) fail(msg string) error {
	return newErr("read hdf5", r.f.path, r.where, ErrCorrupt, msg, nil)
}

// values reads the n elements of file type ft (described by dt).
func (r *reading) values(ft C.hid_t, dt DType, wrap wrapFn) (any, []NamedArray, error) {
	switch dt.Class {
	case ClassInt, ClassUint, ClassFloat:
		return r.numeric(dt, wrap)
	case ClassBool, ClassEnum:
		nt := r.own(C.H5Tget_native_type(ft, C.H5T_DIR_ASCEND))
		size := int(C.H5Tget_size(nt))
		super := C.H5Tget_super(nt)
		signed := C.H5Tget_sign(super) != C.H5T_SGN_NONE
		C.H5Tclose(super)
		raw, err := r.raw(wrap(nt), size)
		if err != nil {
			return nil, nil, err
		}
		if dt.Class == ClassBool {
			out := make([]bool, r.n)
			for i := range out {
				out[i] = decodeInt(raw[i*size:(i+1)*size], signed) != 0
			}
			return out, nil, nil
		}
		out := make([]int64, r.n)
		for i := range out {
			out[i] = decodeInt(raw[i*size:(i+1)*size], signed)
		}
		return out, nil, nil
	case ClassString:
		return r.strings(dt, wrap)
	case ClassReference:
		return r.refs(dt, wrap)
	case ClassCompound:
		var fields []NamedArray
		for i, fd := range dt.Fields {
			mt := C.H5Tget_member_type(ft, C.uint(i))
			name := fd.Name
			inner := func(m C.hid_t) C.hid_t {
				sz := C.H5Tget_size(m)
				ct := r.own(C.H5Tcreate(C.H5T_COMPOUND, sz))
				cn := C.CString(name)
				C.H5Tinsert(ct, cn, 0, m)
				C.free(unsafe.Pointer(cn))
				return wrap(ct)
			}
			data, sub, err := r.values(mt, fd.Type, inner)
			C.H5Tclose(mt)
			if err != nil {
				return nil, nil, fmt.Errorf("field %s: %w", name, err)
			}
			fields = append(fields, NamedArray{Name: name, Array: &Array{Type: fd.Type, Data: data, Fields: sub}})
		}
		return nil, fields, nil
	}
	return nil, nil, newErr("read hdf5", r.f.path, r.where, ErrUnsupported, "unsupported HDF5 datatype "+dt.String(), nil)
}

func (r *reading) numeric(dt DType, wrap wrapFn) (any, []NamedArray, error) {
	cls := 0
	if dt.Class == ClassFloat {
		cls = 1
	}
	signed := 0
	if dt.Class == ClassInt {
		signed = 1
	}
	mt := C.ccc_native(C.int(cls), C.int(dt.Size), C.int(signed))
	var out any
	var ptr unsafe.Pointer
	n := r.n
	switch {
	case cls == 1 && dt.Size <= 4:
		s := make([]float32, n)
		out, ptr = s, sliceptr(s)
	case cls == 1:
		s := make([]float64, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 1 && signed == 1:
		s := make([]int8, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 1:
		s := make([]uint8, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 2 && signed == 1:
		s := make([]int16, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 2:
		s := make([]uint16, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 4 && signed == 1:
		s := make([]int32, n)
		out, ptr = s, sliceptr(s)
	case dt.Size == 4:
		s := make([]uint32, n)
		out, ptr = s, sliceptr(s)
	case signed == 1:
		s := make([]int64, n)
		out, ptr = s, sliceptr(s)
	default:
		s := make([]uint64, n)
		out, ptr = s, sliceptr(s)
	}
	if n > 0 && r.rd(wrap(mt), ptr) < 0 {
		return nil, nil, r.fail("cannot read " + dt.String() + " values")
	}
	return out, nil, nil
}

func sliceptr[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}

// raw reads n elements of size bytes each into a Go byte slice.
func (r *reading) raw(mt C.hid_t, size int) ([]byte, error) {
	buf := make([]byte, r.n*size)
	if r.n > 0 && r.rd(mt, unsafe.Pointer(&buf[0])) < 0 {
		return nil, r.fail("cannot read values")
	}
	return buf, nil
}

func (r *reading) strings(dt DType, wrap wrapFn) (any, []NamedArray, error) {
	out := make([]string, r.n)
	if r.n == 0 {
		return out, nil, nil
	}
	mt := r.own(C.H5Tcopy(C.ccc_c_s1()))
	cset := C.H5T_cset_t(C.H5T_CSET_ASCII)
	if dt.UTF8 {
		cset = C.H5T_CSET_UTF8
	}
	C.H5Tset_cset(mt, cset)
	if dt.VarLen {
		C.H5Tset_size(mt, C.H5T_VARIABLE)
		wt := wrap(mt)
		buf := C.calloc(C.size_t(r.n), C.size_t(unsafe.Sizeof(uintptr(0))))
		defer C.free(buf)
		if r.rd(wt, buf) < 0 {
			return nil, nil, r.fail("cannot read variable-length strings")
		}
		ptrs := unsafe.Slice((**C.char)(buf), r.n)
		for i, p := range ptrs {
			if p != nil {
				out[i] = C.GoString(p)
			}
		}
		C.H5Dvlen_reclaim(wt, r.space, C.H5P_DEFAULT, buf)
		return out, nil, nil
	}
	C.H5Tset_size(mt, C.size_t(dt.Size))
	C.H5Tset_strpad(mt, C.H5T_STR_NULLPAD)
	raw, err := r.raw(wrap(mt), dt.Size)
	if err != nil {
		return nil, nil, err
	}
	for i := range out {
		b := raw[i*dt.Size : (i+1)*dt.Size]
		if j := bytes.IndexByte(b, 0); j >= 0 {
			b = b[:j]
		}
		out[i] = string(bytes.TrimRight(b, " "))
	}
	return out, nil, nil
}

func (r *reading) refs(dt DType, wrap wrapFn) (any, []NamedArray, error) {
	out := make([]Ref, r.n)
	if r.n == 0 {
		return out, nil, nil
	}
	if dt.RefKind == RefObject {
		buf := make([]uint64, r.n)
		if r.rd(wrap(C.ccc_ref_obj()), unsafe.Pointer(&buf[0])) < 0 {
			return nil, nil, r.fail("cannot read object references")
		}
		for i, addr := range buf {
			out[i] = r.f.resolveObj(addr)
		}
		return out, nil, nil
	}
	const sz = C.H5R_DSET_REG_REF_BUF_SIZE
	buf := make([]byte, r.n*sz)
	if r.rd(wrap(C.ccc_ref_reg()), unsafe.Pointer(&buf[0])) < 0 {
		return nil, nil, r.fail("cannot read region references")
	}
	for i := range out {
		out[i] = r.f.resolveRegion(buf[i*sz : (i+1)*sz])
	}
	return out, nil, nil
}

// resolveObj turns an object reference into the target's path; mu held.
func (f *File) resolveObj(addr uint64) Ref {
	if addr == 0 || addr == ^uint64(0) {
		return Ref{Kind: RefObject, Null: true}
	}
	if p, ok := f.refCache[addr]; ok {
		return Ref{Kind: RefObject, Path: p}
	}
	ref := C.hobj_ref_t(addr)
	oid := C.H5Rdereference2(f.id, C.H5P_DEFAULT, C.H5R_OBJECT, unsafe.Pointer(&ref))
	if oid < 0 {
		return Ref{Kind: RefObject, Null: true}
	}
	defer C.H5Oclose(oid)
	p := objName(oid)
	f.refCache[addr] = p
	return Ref{Kind: RefObject, Path: p}
}

func objName(oid C.hid_t) string {
	n := C.H5Iget_name(oid, nil, 0)
	if n <= 0 {
		return ""
	}
	buf := (*C.char)(C.malloc(C.size_t(n + 1)))
	defer C.free(unsafe.Pointer(buf))
	C.H5Iget_name(oid, buf, C.size_t(n+1))
	return C.GoString(buf)
}

// resolveRegion decodes a dataset-region reference; mu held.
func (f *File) resolveRegion(b []byte) Ref {
	if bytes.Count(b, []byte{0}) == len(b) {
		return Ref{Kind: RefRegion, Null: true}
	}
	ptr := C.CBytes(b)
	defer C.free(ptr)
	did := C.H5Rdereference2(f.id, C.H5P_DEFAULT, C.H5R_DATASET_REGION, ptr)
	if did < 0 {
		return Ref{Kind: RefRegion, Null: true}
	}
	defer C.H5Oclose(did)
	ref := Ref{Kind: RefRegion, Path: objName(did), Region: &Region{}}
	sp := C.H5Rget_region(f.id, C.H5R_DATASET_REGION, ptr)
	if sp < 0 {
		return ref
	}
	defer C.H5Sclose(sp)
	rank := int(C.H5Sget_simple_extent_ndims(sp))
	if rank <= 0 {
		return ref
	}
	switch C.H5Sget_select_type(sp) {
	case C.H5S_SEL_HYPERSLABS:
		nb := int(C.H5Sget_select_hyper_nblocks(sp))
		if nb > 0 {
			buf := make([]C.hsize_t, nb*2*rank)
			C.H5Sget_select_hyper_blocklist(sp, 0, C.hsize_t(nb), &buf[0])
			for i := 0; i < nb; i++ {
				var blk [2][]int64
				for k := 0; k < 2; k++ {
					blk[k] = make([]int64, rank)
					for d := 0; d < rank; d++ {
						blk[k][d] = int64(buf[i*2*rank+k*rank+d])
					}
				}
				ref.Region.Blocks = append(ref.Region.Blocks, blk)
			}
		}
	case C.H5S_SEL_POINTS:
		np := int(C.H5Sget_select_elem_npoints(sp))
		if np > 0 {
			buf := make([]C.hsize_t, np*rank)
			C.H5Sget_select_elem_pointlist(sp, 0, C.hsize_t(np), &buf[0])
			for i := 0; i < np; i++ {
				pt := make([]int64, rank)
				for d := range pt {
					pt[d] = int64(buf[i*rank+d])
				}
				ref.Region.Points = append(ref.Region.Points, pt)
			}
		}
	case C.H5S_SEL_ALL:
		dims := make([]C.hsize_t, rank)
		C.H5Sget_simple_extent_dims(sp, &dims[0], nil)
		blk := [2][]int64{make([]int64, rank), make([]int64, rank)}
		for d := range dims {
			blk[1][d] = int64(dims[d]) - 1
		}
		ref.Region.Blocks = append(ref.Region.Blocks, blk)
	}
	return ref
}
