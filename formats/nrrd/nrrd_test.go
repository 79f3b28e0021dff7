package nrrd

import (
	"bytes"
	"compress/gzip"
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

func TestSharedFiles(t *testing.T) {
	for _, tc := range []struct {
		file    string
		sizes   []int
		data    []int64
		spacing []float64
		fail    string
	}{
		{file: "scalar.nrrd", sizes: []int{1, 2}, data: []int64{11, 22}, spacing: []float64{10, 20}},
		{file: "vector.nrrd", sizes: []int{3, 1, 2}, data: []int64{11, 12, 13, 21, 22, 23}, spacing: []float64{math.NaN(), 10, 20}},
		{file: "space_directions.nrrd", sizes: []int{3, 1, 2}, data: []int64{11, 12, 13, 21, 22, 23}, spacing: []float64{math.NaN(), 10, 20}},
		{file: "no_spacings_fail.nrrd", fail: "neither space directions nor spacings are given"},
		{file: "space_directions_fail.nrrd", fail: "2 space directions for dimension 3"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := testenv.SharedData(t, "nrrd/"+tc.file)
			img, err := ReadFile(p)
			if tc.fail != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), tc.fail) || !strings.Contains(err.Error(), p) {
					t.Errorf("error %q: want ErrFormat naming the file and %q", err, tc.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(img.Sizes, tc.sizes) || !reflect.DeepEqual(img.Data, tc.data) || img.Type != "int64" || img.Encoding != "gzip" {
				t.Errorf("got sizes %v type %s data %v", img.Sizes, img.Type, img.Data)
			}
			sp := img.Spacing()
			for i := range sp {
				if !(sp[i] == tc.spacing[i] || math.IsNaN(sp[i]) && math.IsNaN(tc.spacing[i])) {
					t.Errorf("spacing %v, want %v", sp, tc.spacing)
				}
			}
			if !reflect.DeepEqual(img.SpaceOrigin, []float64{100, 200}) {
				t.Errorf("origin %v", img.SpaceOrigin)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	sizes := []int{4, 3, 2}
	n := 24
	datas := []any{
		make([]int8, n), make([]uint8, n), make([]int16, n), make([]uint16, n), make([]int32, n),
		make([]uint32, n), make([]int64, n), make([]uint64, n), make([]float32, n), make([]float64, n),
	}
	for i := 0; i < n; i++ {
		datas[0].([]int8)[i] = int8(-i)
		datas[1].([]uint8)[i] = uint8(200 + i)
		datas[2].([]int16)[i] = int16(-300 * i)
		datas[3].([]uint16)[i] = uint16(2000 * i)
		datas[4].([]int32)[i] = int32(-70000 * i)
		datas[5].([]uint32)[i] = uint32(480149202 + i)
		datas[6].([]int64)[i] = -1 << 40 * int64(i)
		datas[7].([]uint64)[i] = 1<<63 + uint64(i)
		datas[8].([]float32)[i] = float32(i) / 3
		datas[9].([]float64)[i] = -float64(i) / 7
	}
	dir := t.TempDir()
	for _, data := range datas {
		for _, enc := range []string{"raw", "gzip"} {
			for _, big := range []bool{false, true} {
				typ, _ := TypeOf(data)
				name := typ + "-" + enc
				if big {
					name += "-big"
				}
				t.Run(name, func(t *testing.T) {
					in := &Image{Header: Header{Sizes: sizes, SpaceDimension: 3,
						SpaceDirections: [][]float64{{25, 0, 0}, {0, 25, 0}, {0, 0, 25}}, SpaceOrigin: []float64{0, 0, 0}}, Data: data}
					p := filepath.Join(dir, name+".nrrd")
					if err := WriteFile(p, in, WriteOptions{Encoding: enc, BigEndian: big}); err != nil {
						t.Fatal(err)
					}
					out, err := ReadFile(p)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(out.Data, data) || out.Type != typ || !reflect.DeepEqual(out.Sizes, sizes) {
						t.Errorf("round trip: %v", out.Data)
					}
					if sp := out.Spacing(); !reflect.DeepEqual(sp, []float64{25, 25, 25}) {
						t.Errorf("spacing %v", sp)
					}
					want := "little"
					if big {
						want = "big"
					}
					if out.Endian != want {
						t.Errorf("endian %s", out.Endian)
					}
				})
			}
		}
	}
}

func TestDetachedAndASCII(t *testing.T) {
	dir := t.TempDir()
	raw := []byte{0, 0, 0, 7, 0, 0, 1, 0} // two big-endian uint32: 7, 256
	os.WriteFile(filepath.Join(dir, "vol.raw"), append([]byte("skip me\n"), raw...), 0o644)
	hdr := "NRRD0004\ntype: unsigned int\ndimension: 1\nsizes: 2\nendian: big\nencoding: raw\nline skip: 1\ndata file: vol.raw\n"
	p := filepath.Join(dir, "vol.nhdr")
	os.WriteFile(p, []byte(hdr), 0o644)
	img, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.Data, []uint32{7, 256}) {
		t.Errorf("detached: %v", img.Data)
	}
	asc := "NRRD0001\ntype: short\ndimension: 2\nsizes: 2 2\nspacings: 1.5 2\nencoding: ascii\n\n1 -2\n3 4\n"
	img, err = Read(strings.NewReader(asc))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(img.Data, []int16{1, -2, 3, 4}) || !reflect.DeepEqual(img.Spacing(), []float64{1.5, 2}) {
		t.Errorf("ascii: %v %v", img.Data, img.Spacing())
	}
	os.Remove(filepath.Join(dir, "vol.raw"))
	if _, err := ReadFile(p); !errors.Is(err, ccc.ErrNotFound) || !strings.Contains(err.Error(), "vol.raw") {
		t.Errorf("missing data file: %v", err)
	}
}

func TestCorrupt(t *testing.T) {
	var good bytes.Buffer
	if err := Write(&good, &Image{Header: Header{Sizes: []int{10, 10}, Spacings: []float64{1, 1}}, Data: make([]uint32, 100)}, WriteOptions{Encoding: "raw"}); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	Write(&gz, &Image{Header: Header{Sizes: []int{10, 10}}, Data: make([]uint32, 100)}, WriteOptions{})
	head := "NRRD0004\ntype: uint32\ndimension: 2\nsizes: 10 10\nendian: little\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not nrrd", "P6\n3 2\n", "not a NRRD file"},
		{"empty", "", "not a NRRD file"},
		{"truncated raw", good.String()[:good.Len()-5], "data truncated: 395 of 400 bytes"},
		{"truncated gzip", gz.String()[:gz.Len()-30], "truncated"},
		{"corrupt gzip", head + "encoding: gzip\n\nthis is not gzip", "gzip data is corrupt"},
		{"no type", "NRRD0004\ndimension: 1\nsizes: 1\nencoding: raw\n\n\x00", "field type: required field missing"},
		{"bad type", strings.Replace(head, "uint32", "complex", 1) + "encoding: raw\n\n", "unknown type"},
		{"sizes mismatch", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 10 10\nencoding: raw\n\n", "2 sizes for dimension 3"},
		{"zero size", "NRRD0004\ntype: uint8\ndimension: 1\nsizes: 0\nencoding: raw\n\n", "positive integers"},
		{"huge", "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 100000 100000 100000\nencoding: raw\n\n", "too many samples"},
		{"no endian", "NRRD0004\ntype: uint32\ndimension: 1\nsizes: 2\nencoding: raw\n\n", "field endian: required"},
		{"bzip2", head + "encoding: bzip2\n\n", "unsupported encoding"},
		{"bad line", head + "this is junk\n\n", "neither"},
		{"bad spacings", head + "encoding: raw\nspacings: 1 x\n\n", "spacings must be numbers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want ErrFormat with %q", err, tc.want)
			}
		})
	}
	// gzip stream of the right header but short
	var short bytes.Buffer
	zw := gzip.NewWriter(&short)
	zw.Write(make([]byte, 10))
	zw.Close()
	if _, err := Read(strings.NewReader(head + "encoding: gzip\n\n" + short.String())); !errors.Is(err, ccc.ErrFormat) || !strings.Contains(err.Error(), "10 of 400") {
		t.Errorf("short gzip: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Write(&b, &Image{Header: Header{Sizes: []int{2, 2}, Spacings: []float64{1, 2}}, Data: []uint16{1, 2, 3, 4}}, WriteOptions{Encoding: "raw"})
	f.Add(b.Bytes())
	b.Reset()
	Write(&b, &Image{Header: Header{Sizes: []int{3}}, Data: []float32{1, 2, 3}}, WriteOptions{})
	f.Add(b.Bytes())
	f.Add([]byte("NRRD0004\ntype: short\ndimension: 2\nsizes: 2 2\nencoding: ascii\n\n1 2 3 4\n"))
	f.Add([]byte("NRRD0005\ntype: int64\ndimension: 3\nspace dimension: 2\nsizes: 3 1 2\nspace directions: none (10.0,0.0) (0.0,20.0)\nendian: little\nencoding: raw\n\n"))
	f.Add([]byte("NRRD0004\ntype: uint32\ndimension: 3\nsizes: 2048 2048 2048\nendian: little\nencoding: gzip\n\n\x1f\x8b"))
	f.Add([]byte("NRRD0004\ntype: uint8\ndimension: 1\nsizes: 8\nencoding: raw\ndata file: /etc/passwd\n"))
	// the real files of ../shared/data/nrrd, when there
	shared, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(f), "..", "shared", "data", "nrrd", "*.nrrd"))
	for _, p := range shared {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Read(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ccc.ErrFormat) && !errors.Is(err, ccc.ErrNotFound) && !errors.Is(err, ccc.ErrInvalidData) {
				t.Fatalf("error without a kind: %v", err)
			}
			return
		}
		if _, n := TypeOf(img.Data); n != img.Len() {
			t.Fatalf("%d samples for sizes %v", n, img.Sizes)
		}
	})
}
