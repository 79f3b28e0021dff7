package metaimage

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// The real header of an Allen projection density grid, with a synthetic
// .raw of its shape (the real one is not in the shared data).
func TestAllenDensityHeader(t *testing.T) {
	src := testenv.SharedData(t, "allen-connectivity/100141219/density.mhd")
	hdr, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "density.mhd")
	os.WriteFile(p, hdr, 0o644)
	if _, err := ReadFile(p); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "density.raw") {
		t.Errorf("missing raw: %v", err)
	}
	n := 132 * 80 * 114
	raw := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(i%1000)/1000))
	}
	os.WriteFile(filepath.Join(dir, "density.raw"), raw, 0o644)
	img, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.DimSize, []int{132, 80, 114}) || !reflect.DeepEqual(img.ElementSpacing, []float64{100, 100, 100}) ||
		img.ElementType != "MET_FLOAT" || img.ByteOrderMSB || !reflect.DeepEqual(img.Offset, []float64{0, 0, 0}) {
		t.Errorf("header %+v", img.Header)
	}
	d := img.Data.([]float32)
	if len(d) != n || d[999] != 0.999 || d[1000] != 0 {
		t.Errorf("data: %d samples, d[999]=%v", len(d), d[999])
	}
	// truncated raw
	os.WriteFile(filepath.Join(dir, "density.raw"), raw[:len(raw)-7], 0o644)
	if _, err := ReadFile(p); !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "data truncated: 4815353 of 4815360 bytes") {
		t.Errorf("truncated: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	datas := []any{[]int8{-1, 2, -3, 4, 5, 6}, []uint8{1, 2, 3, 4, 5, 255}, []int16{-1, 2, 3, 4, 5, -32768},
		[]uint16{1, 2, 3, 4, 5, 65535}, []int32{-1, 2, 3, 4, 5, 6}, []uint32{1, 2, 3, 4, 5, 480149202},
		[]int64{-1, 2, 3, 4, 5, 1 << 50}, []uint64{1, 2, 3, 4, 5, 1 << 63}, []float32{0.5, 2, 3, 4, 5, 6}, []float64{-0.25, 2, 3, 4, 5, 6}}
	for _, data := range datas {
		for _, ext := range []string{".mhd", ".mha"} {
			for _, msb := range []bool{false, true} {
				met, _ := metType(data)
				name := met + ext
				if msb {
					name = "big-" + name
				}
				t.Run(name, func(t *testing.T) {
					p := filepath.Join(dir, name)
					in := &Image{Header: Header{DimSize: []int{3, 2, 1}, ElementSpacing: []float64{25, 25, 10}, ByteOrderMSB: msb}, Data: data}
					if err := WriteFile(p, in); err != nil {
						t.Fatal(err)
					}
					out, err := ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(out.Data, data) || !reflect.DeepEqual(out.ElementSpacing, []float64{25, 25, 10}) || out.ByteOrderMSB != msb {
						t.Errorf("round trip %v %+v", out.Data, out.Header)
					}
				})
			}
		}
	}
}

func TestCompressedAndErrors(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte{1, 0, 2, 0, 3, 0})
	zw.Close()
	in := "ObjectType = Image\nNDims = 1\nDimSize = 3\nElementType = MET_USHORT\nCompressedData = True\nElementDataFile = LOCAL\n" + z.String()
	img, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.Data, []uint16{1, 2, 3}) {
		t.Errorf("compressed: %v", img.Data)
	}
	head := "ObjectType = Image\nNDims = 2\nDimSize = 2 2\n"
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty header"},
		{"junk", "hello world\n", "not \"Key = Value\""},
		{"no type", head + "ElementDataFile = LOCAL\n", "field ElementType: required field missing"},
		{"bad type", head + "ElementType = MET_COMPLEX\nElementDataFile = LOCAL\n", "unknown or unsupported element type"},
		{"dims", "NDims = 3\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n", "2 sizes for NDims 3"},
		{"spacing", head + "ElementSpacing = 1\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n", "1 values for NDims 2"},
		{"truncated", head + "ElementType = MET_UCHAR\nElementDataFile = LOCAL\n\x01\x02", "data truncated: 2 of 4 bytes"},
		{"corrupt zlib", head + "ElementType = MET_UCHAR\nCompressedData = True\nElementDataFile = LOCAL\nnotzlib", "corrupt"},
		{"huge", "NDims = 3\nDimSize = 100000 100000 100000\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n", "too many samples"},
		{"ascii", head + "BinaryData = False\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n", "ASCII"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrFormat with %q", err, tc.want)
			}
		})
	}
	if _, err := ReadHeader(bufio.NewReader(strings.NewReader(head+"ElementType = MET_FLOAT\nElementDataFile = x.raw\n")), "h.mhd"); err != nil {
		t.Errorf("header only: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("ObjectType = Image\nNDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n\x01\x02\x03\x04"))
	f.Add([]byte("NDims = 1\nDimSize = 2\nBinaryDataByteOrderMSB = True\nElementType = MET_FLOAT\nElementSpacing = 2\nElementDataFile = LOCAL\n\x3f\x80\x00\x00\x40\x00\x00\x00"))
	f.Add([]byte("NDims = 1\nDimSize = 3\nElementType = MET_USHORT\nCompressedData = True\nHeaderSize = 0\nElementDataFile = LOCAL\nx\x9c"))
	f.Add([]byte("NDims = 3\nDimSize = 2048 2048 2048\nElementType = MET_FLOAT\nCompressedData = True\nElementDataFile = LOCAL\nx\x9c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Read(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrInvalidData) {
				t.Fatalf("error without the format kind: %v", err)
			}
			return
		}
		if _, n := metType(img.Data); n != img.Len() {
			t.Fatalf("%d samples for DimSize %v", n, img.DimSize)
		}
	})
}
