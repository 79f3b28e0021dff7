package linkml

import "unsafe"

// Boxes for decoded JSON values (issue 18). Putting a string or an int64
// into an interface allocates one small object per value; a record of
// the strict JSON reader holds several, and these allocations were a
// tenth of the decoding. The reader instead keeps the values in slabs of
// 64 (when it decodes many values: fastJSON.slabs) and makes each
// interface point into its slab, as the runtime would
// point it at its own copy: the interface holds the type and a pointer to
// a value that is never written again, so it reads, compares and keeps
// the slab alive like any other.

// eface is the runtime's layout of an interface{} value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

const boxSlab = 64

var (
	stringType = typeOf("")
	int64Type  = typeOf(int64(0))
)

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// box returns an interface of type typ whose value is at data.
func box(typ, data unsafe.Pointer) (v any) {
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

// boxString is any(s) from a slab.
func (p *fastJSON) boxString(s string) any {
	if len(s) == 0 || !p.slabs {
		return s // "" is boxed without allocating
	}
	if len(p.strs) == cap(p.strs) {
		p.strs = make([]string, 0, boxSlab)
	}
	p.strs = append(p.strs, s)
	return box(stringType, unsafe.Pointer(&p.strs[len(p.strs)-1]))
}

// boxInt is any(n) from a slab.
func (p *fastJSON) boxInt(n int64) any {
	if (n >= 0 && n < 256) || !p.slabs {
		return n // the runtime boxes these without allocating
	}
	if len(p.ints) == cap(p.ints) {
		p.ints = make([]int64, 0, boxSlab)
	}
	p.ints = append(p.ints, n)
	return box(int64Type, unsafe.Pointer(&p.ints[len(p.ints)-1]))
}
