package hdf5

/*
#include "helpers.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"strings"
	"unsafe"
)

// Class is the HDF5 datatype class, reduced to what callers care about.
type Class int

// Datatype classes.
const (
	ClassUnknown Class = iota
	ClassInt
	ClassUint
	ClassFloat
	ClassString
	ClassBool // h5py-style enum {FALSE=0, TRUE=1}
	ClassEnum
	ClassCompound
	ClassReference
	ClassOpaque
	ClassArray
	ClassVLen
	ClassBitfield
)

// RefKind tells object references from dataset-region references.
type RefKind int

// Reference kinds.
const (
	RefObject RefKind = iota
	RefRegion
)

// DType describes a datatype as stored in the file.
type DType struct {
	Class      Class
	Size       int  // bytes per element in the file (pointer size for variable strings)
	VarLen     bool // variable-length string
	UTF8       bool // string character set is UTF-8
	RefKind    RefKind
	Fields     []Field  // compound members
	EnumNames  []string // enum member names
	EnumValues []int64  // enum member values
	Base       *DType   // element type of arrays and vlen sequences
	Dims       []int    // array dimensions (ClassArray)
	BigEndian  bool     // numeric types stored big-endian
}

// Field is one member of a compound datatype.
type Field struct {
	Name string
	Type DType
}

// String returns a short numpy-like name: int64, float32, bool, string,
// object-ref, compound{a int32, b float64}.
func (t DType) String() string {
	switch t.Class {
	case ClassInt:
		return fmt.Sprintf("int%d", 8*t.Size)
	case ClassUint:
		return fmt.Sprintf("uint%d", 8*t.Size)
	case ClassFloat:
		return fmt.Sprintf("float%d", 8*t.Size)
	case ClassBool:
		return "bool"
	case ClassString:
		if t.VarLen {
			return "string"
		}
		return fmt.Sprintf("string[%d]", t.Size)
	case ClassEnum:
		return fmt.Sprintf("enum(%s)", strings.Join(t.EnumNames, ","))
	case ClassReference:
		if t.RefKind == RefRegion {
			return "region-ref"
		}
		return "object-ref"
	case ClassCompound:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + " " + f.Type.String()
		}
		return "compound{" + strings.Join(parts, ", ") + "}"
	case ClassOpaque:
		return fmt.Sprintf("opaque[%d]", t.Size)
	case ClassArray:
		b := "?"
		if t.Base != nil {
			b = t.Base.String()
		}
		return fmt.Sprintf("array%v(%s)", t.Dims, b)
	case ClassVLen:
		b := "?"
		if t.Base != nil {
			b = t.Base.String()
		}
		return "vlen(" + b + ")"
	case ClassBitfield:
		return fmt.Sprintf("bitfield%d", 8*t.Size)
	}
	return "unknown"
}

// IsNumeric reports integer, unsigned, float and bool types.
func (t DType) IsNumeric() bool {
	switch t.Class {
	case ClassInt, ClassUint, ClassFloat, ClassBool:
		return true
	}
	return false
}

// describe builds a DType from a type id; mu held.
func describe(tid C.hid_t) DType {
	size := int(C.H5Tget_size(tid))
	switch C.H5Tget_class(tid) {
	case C.H5T_INTEGER:
		be := C.H5Tget_order(tid) == C.H5T_ORDER_BE
		if C.H5Tget_sign(tid) == C.H5T_SGN_NONE {
			return DType{Class: ClassUint, Size: size, BigEndian: be}
		}
		return DType{Class: ClassInt, Size: size, BigEndian: be}
	case C.H5T_FLOAT:
		return DType{Class: ClassFloat, Size: size, BigEndian: C.H5Tget_order(tid) == C.H5T_ORDER_BE}
	case C.H5T_STRING:
		return DType{Class: ClassString, Size: size, VarLen: C.H5Tis_variable_str(tid) > 0, UTF8: C.H5Tget_cset(tid) == C.H5T_CSET_UTF8}
	case C.H5T_BITFIELD:
		return DType{Class: ClassBitfield, Size: size}
	case C.H5T_OPAQUE:
		return DType{Class: ClassOpaque, Size: size}
	case C.H5T_REFERENCE:
		if C.H5Tequal(tid, C.ccc_ref_reg()) > 0 {
			return DType{Class: ClassReference, Size: size, RefKind: RefRegion}
		}
		return DType{Class: ClassReference, Size: size, RefKind: RefObject}
	case C.H5T_ENUM:
		t := DType{Class: ClassEnum, Size: size}
		nt := C.H5Tget_native_type(tid, C.H5T_DIR_ASCEND)
		defer C.H5Tclose(nt)
		super := C.H5Tget_super(nt)
		signed := C.H5Tget_sign(super) != C.H5T_SGN_NONE
		bsz := int(C.H5Tget_size(super))
		C.H5Tclose(super)
		n := int(C.H5Tget_nmembers(nt))
		for i := 0; i < n; i++ {
			cn := C.H5Tget_member_name(nt, C.uint(i))
			t.EnumNames = append(t.EnumNames, C.GoString(cn))
			C.H5free_memory(unsafe.Pointer(cn))
			var v [8]byte
			C.H5Tget_member_value(nt, C.uint(i), unsafe.Pointer(&v[0]))
			t.EnumValues = append(t.EnumValues, decodeInt(v[:bsz], signed))
		}
		if n == 2 && t.EnumNames[0] == "FALSE" && t.EnumNames[1] == "TRUE" && t.EnumValues[0] == 0 && t.EnumValues[1] == 1 {
			t.Class = ClassBool
		}
		return t
	case C.H5T_COMPOUND:
		t := DType{Class: ClassCompound, Size: size}
		n := int(C.H5Tget_nmembers(tid))
		for i := 0; i < n; i++ {
			cn := C.H5Tget_member_name(tid, C.uint(i))
			name := C.GoString(cn)
			C.H5free_memory(unsafe.Pointer(cn))
			mt := C.H5Tget_member_type(tid, C.uint(i))
			t.Fields = append(t.Fields, Field{Name: name, Type: describe(mt)})
			C.H5Tclose(mt)
		}
		return t
	case C.H5T_ARRAY:
		t := DType{Class: ClassArray, Size: size}
		nd := int(C.H5Tget_array_ndims(tid))
		if nd > 0 {
			dims := make([]C.hsize_t, nd)
			C.H5Tget_array_dims2(tid, &dims[0])
			for _, d := range dims {
				t.Dims = append(t.Dims, int(d))
			}
		}
		super := C.H5Tget_super(tid)
		b := describe(super)
		C.H5Tclose(super)
		t.Base = &b
		return t
	case C.H5T_VLEN:
		super := C.H5Tget_super(tid)
		b := describe(super)
		C.H5Tclose(super)
		return DType{Class: ClassVLen, Size: size, Base: &b}
	}
	return DType{Class: ClassUnknown, Size: size}
}

func decodeInt(b []byte, signed bool) int64 {
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
		if signed {
			return int64(int8(b[0]))
		}
	case 2:
		u = uint64(binary.LittleEndian.Uint16(b))
		if signed {
			return int64(int16(u))
		}
	case 4:
		u = uint64(binary.LittleEndian.Uint32(b))
		if signed {
			return int64(int32(u))
		}
	default:
		u = binary.LittleEndian.Uint64(b)
	}
	return int64(u)
}
