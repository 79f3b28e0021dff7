package hdf5

import (
	"fmt"
	"math"
	"strconv"

	"github.com/ccc-connectivity/ccc"
)

// Array holds values read from a dataset or attribute, row-major.
// Data is one of []int8, []int16, []int32, []int64, []uint8, []uint16,
// []uint32, []uint64, []float32, []float64, []bool, []string or []Ref; for
// compound types Data is nil and Fields holds one Array per member.
type Array struct {
	Shape  []int // nil for scalars
	Type   DType
	Data   any
	Fields []NamedArray
}

// NamedArray is one column of a compound Array.
type NamedArray struct {
	Name string
	*Array
}

// Ref is an HDF5 reference, resolved to the target's path.
type Ref struct {
	Kind   RefKind
	Path   string  // absolute path of the referenced object ("" when null)
	Null   bool    // the reference points nowhere
	Region *Region // selection of a region reference
}

// Region is the selection of a dataset-region reference: either
// hyperslab blocks (inclusive start and end coordinates per dimension) or
// single points.
type Region struct {
	Blocks [][2][]int64
	Points [][]int64
}

// String returns a compact "path[start:end,...]" form.
func (r Ref) String() string {
	if r.Null {
		return ""
	}
	if r.Region == nil {
		return r.Path
	}
	s := r.Path
	for _, b := range r.Region.Blocks {
		s += "["
		for d := range b[0] {
			if d > 0 {
				s += ","
			}
			s += fmt.Sprintf("%d:%d", b[0][d], b[1][d]+1)
		}
		s += "]"
	}
	if len(r.Region.Points) > 0 {
		s += fmt.Sprintf("%v", r.Region.Points)
	}
	return s
}

// Len returns the number of elements (1 for a scalar).
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Field returns the compound member name.
func (a *Array) Field(name string) (*Array, error) {
	for _, f := range a.Fields {
		if f.Name == name {
			return f.Array, nil
		}
	}
	return nil, fmt.Errorf("%w: compound has no field %q (has %s)", ccc.ErrNotFound, name, a.Type)
}

// Float64s converts numeric data to float64 (bools become 0/1).
func (a *Array) Float64s() ([]float64, error) {
	switch d := a.Data.(type) {
	case []float64:
		return d, nil
	case []float32:
		return conv(d, func(v float32) float64 { return float64(v) }), nil
	case []int8:
		return conv(d, func(v int8) float64 { return float64(v) }), nil
	case []int16:
		return conv(d, func(v int16) float64 { return float64(v) }), nil
	case []int32:
		return conv(d, func(v int32) float64 { return float64(v) }), nil
	case []int64:
		return conv(d, func(v int64) float64 { return float64(v) }), nil
	case []uint8:
		return conv(d, func(v uint8) float64 { return float64(v) }), nil
	case []uint16:
		return conv(d, func(v uint16) float64 { return float64(v) }), nil
	case []uint32:
		return conv(d, func(v uint32) float64 { return float64(v) }), nil
	case []uint64:
		return conv(d, func(v uint64) float64 { return float64(v) }), nil
	case []bool:
		return conv(d, func(v bool) float64 {
			if v {
				return 1
			}
			return 0
		}), nil
	}
	return nil, fmt.Errorf("%w: %s values are not numeric", ccc.ErrInvalidData, a.Type)
}

// Int64s converts integer (and bool) data to int64; floats are rejected
// unless every value is integral.
func (a *Array) Int64s() ([]int64, error) {
	switch d := a.Data.(type) {
	case []int64:
		return d, nil
	case []int8:
		return conv(d, func(v int8) int64 { return int64(v) }), nil
	case []int16:
		return conv(d, func(v int16) int64 { return int64(v) }), nil
	case []int32:
		return conv(d, func(v int32) int64 { return int64(v) }), nil
	case []uint8:
		return conv(d, func(v uint8) int64 { return int64(v) }), nil
	case []uint16:
		return conv(d, func(v uint16) int64 { return int64(v) }), nil
	case []uint32:
		return conv(d, func(v uint32) int64 { return int64(v) }), nil
	case []uint64:
		out := make([]int64, len(d))
		for i, v := range d {
			if v > math.MaxInt64 {
				return nil, fmt.Errorf("%w: uint64 value %d overflows int64", ccc.ErrInvalidData, v)
			}
			out[i] = int64(v)
		}
		return out, nil
	case []bool:
		return conv(d, func(v bool) int64 {
			if v {
				return 1
			}
			return 0
		}), nil
	case []float32, []float64:
		fs, _ := a.Float64s()
		out := make([]int64, len(fs))
		for i, v := range fs {
			if v != math.Trunc(v) {
				return nil, fmt.Errorf("%w: value %g is not an integer", ccc.ErrInvalidData, v)
			}
			out[i] = int64(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s values are not integers", ccc.ErrInvalidData, a.Type)
}

// Strings returns string data; other types are formatted.
func (a *Array) Strings() []string {
	switch d := a.Data.(type) {
	case []string:
		return d
	case []Ref:
		return conv(d, Ref.String)
	case []bool:
		return conv(d, strconv.FormatBool)
	}
	if fs, err := a.Float64s(); err == nil {
		if a.Type.Class == ClassFloat {
			return conv(fs, func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) })
		}
		is, _ := a.Int64s()
		if a.Type.Class == ClassUint {
			if u, ok := a.Data.([]uint64); ok {
				return conv(u, func(v uint64) string { return strconv.FormatUint(v, 10) })
			}
		}
		return conv(is, func(v int64) string { return strconv.FormatInt(v, 10) })
	}
	if a.Fields != nil {
		out := make([]string, a.Len())
		for i := range out {
			s := "("
			for j, f := range a.Fields {
				if j > 0 {
					s += ", "
				}
				s += f.Strings()[i]
			}
			out[i] = s + ")"
		}
		return out
	}
	return make([]string, a.Len())
}

// Refs returns reference data.
func (a *Array) Refs() ([]Ref, error) {
	if r, ok := a.Data.([]Ref); ok {
		return r, nil
	}
	return nil, fmt.Errorf("%w: %s values are not references", ccc.ErrInvalidData, a.Type)
}

// String returns the first value as a string ("" when empty).
func (a *Array) String() string {
	s := a.Strings()
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// Float64 returns the first value as float64.
func (a *Array) Float64() (float64, error) {
	f, err := a.Float64s()
	if err != nil {
		return 0, err
	}
	if len(f) == 0 {
		return 0, fmt.Errorf("%w: empty array", ccc.ErrInvalidData)
	}
	return f[0], nil
}

// Int64 returns the first value as int64.
func (a *Array) Int64() (int64, error) {
	v, err := a.Int64s()
	if err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return 0, fmt.Errorf("%w: empty array", ccc.ErrInvalidData)
	}
	return v[0], nil
}

func conv[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
