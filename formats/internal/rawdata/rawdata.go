// Package rawdata holds what the NRRD and MetaImage readers share: reading
// a declared number of raw bytes without trusting the declaration, and
// decoding little- or big-endian samples into typed slices.
package rawdata

import (
	"encoding/binary"
	"io"
	"math"
)

// ReadN reads exactly size bytes, growing the buffer as data arrives so
// that a corrupt header declaring huge sizes cannot force a huge
// allocation before the data is seen.
func ReadN(r io.Reader, size int) ([]byte, error) {
	const step = 64 << 20
	buf := make([]byte, 0, min(size, step))
	for len(buf) < size {
		if len(buf) == cap(buf) {
			buf = append(buf[:cap(buf)], make([]byte, min(size-len(buf), max(cap(buf), step)))...)[:len(buf)]
		}
		m, err := io.ReadFull(r, buf[len(buf):min(size, cap(buf))])
		buf = buf[:len(buf)+m]
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// Decode turns n samples of typ (int8 ... uint64, float32, float64) in
// byte order order into a typed slice ([]uint8 shares b); nil for an
// unknown type.
func Decode(b []byte, typ string, n int, order binary.ByteOrder) any {
	switch typ {
	case "int8":
		out := make([]int8, n)
		for i := range out {
			out[i] = int8(b[i])
		}
		return out
	case "uint8":
		return b[:n]
	case "int16":
		out := make([]int16, n)
		for i := range out {
			out[i] = int16(order.Uint16(b[2*i:]))
		}
		return out
	case "uint16":
		out := make([]uint16, n)
		for i := range out {
			out[i] = order.Uint16(b[2*i:])
		}
		return out
	case "int32":
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(order.Uint32(b[4*i:]))
		}
		return out
	case "uint32":
		out := make([]uint32, n)
		for i := range out {
			out[i] = order.Uint32(b[4*i:])
		}
		return out
	case "int64":
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(order.Uint64(b[8*i:]))
		}
		return out
	case "uint64":
		out := make([]uint64, n)
		for i := range out {
			out[i] = order.Uint64(b[8*i:])
		}
		return out
	case "float32":
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(order.Uint32(b[4*i:]))
		}
		return out
	case "float64":
		out := make([]float64, n)
		for i := range out {
			out[i] = math.Float64frombits(order.Uint64(b[8*i:]))
		}
		return out
	}
	return nil
}
