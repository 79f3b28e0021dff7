package rawdata

import (
	"bytes"
	"encoding/binary"
	"io"
	"reflect"
	"testing"
)

func TestDecode(t *testing.T) {
	le := []byte{0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0x80, 0x3f}
	for _, tc := range []struct {
		typ   string
		n     int
		order binary.ByteOrder
		want  any
	}{
		{"int8", 2, binary.LittleEndian, []int8{1, 0}},
		{"uint8", 3, binary.LittleEndian, []uint8{1, 0, 0xff}},
		{"int16", 2, binary.LittleEndian, []int16{1, -1}},
		{"uint16", 2, binary.BigEndian, []uint16{0x0100, 0xffff}},
		{"int32", 2, binary.LittleEndian, []int32{-65535, 0x3f800000}},
		{"float32", 2, binary.LittleEndian, []float32{}}, // checked below
		{"uint64", 1, binary.LittleEndian, []uint64{0x3f8000_00ffff0001}},
		{"complex", 1, binary.LittleEndian, nil},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			got := Decode(le, tc.typ, tc.n, tc.order)
			if tc.want == nil {
				if got != nil {
					t.Fatalf("unknown type decoded as %v", got)
				}
				return
			}
			if tc.typ == "float32" { // first sample is a NaN pattern: compare bits of the second
				if f := got.([]float32); len(f) != 2 || f[1] != 1 {
					t.Fatalf("got %v", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestReadN(t *testing.T) {
	b, err := ReadN(bytes.NewReader([]byte("abcdef")), 4)
	if err != nil || string(b) != "abcd" {
		t.Fatalf("%q %v", b, err)
	}
	b, err = ReadN(bytes.NewReader([]byte("abc")), 5)
	if err != io.ErrUnexpectedEOF || string(b) != "abc" {
		t.Fatalf("short read: %q %v", b, err)
	}
	// a header may declare a huge size: nothing that large is allocated
	// before the data arrives
	b, err = ReadN(bytes.NewReader(nil), 1<<40)
	if err != io.EOF || cap(b) > 64<<20 {
		t.Fatalf("huge declared size: cap %d, %v", cap(b), err)
	}
}
