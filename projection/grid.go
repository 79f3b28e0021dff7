package projection

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/metaimage"
	"github.com/ccc-connectivity/ccc/formats/nrrd"
)

// Grid is a projection density grid in the Allen CCF: Dims are (AP, DV, ML)
// voxels, Data is float32 in Fortran order (AP fastest, ML slowest), the
// layout of the Allen .raw files, so one ML plane (an AP x DV sagittal
// section) is a contiguous run of Dims[0]*Dims[1] values.
type Grid struct {
	Dims    [3]int
	Spacing float64 // um, isotropic
	Data    []float32
}

// Len is the number of voxels.
func (g *Grid) Len() int { return g.Dims[0] * g.Dims[1] * g.Dims[2] }

// At returns the voxel (ap, dv, ml).
func (g *Grid) At(ap, dv, ml int) float32 {
	return g.Data[ap+g.Dims[0]*(dv+g.Dims[1]*ml)]
}

// GridDims returns the CCF grid size at a resolution of 10, 25, 50 or 100 um.
func GridDims(resolution int) ([3]int, error) {
	switch resolution {
	case 10:
		return [3]int{1320, 800, 1140}, nil
	case 25:
		return [3]int{528, 320, 456}, nil
	case 50:
		return [3]int{264, 160, 228}, nil
	case 100:
		return [3]int{132, 80, 114}, nil
	}
	return [3]int{}, usage("resolution %d um not supported (10, 25, 50 or 100)", resolution)
}

func gridErr(path, msg, hint string, kind error) error {
	return &ccc.Error{Op: "read grid", Path: path, Row: -1, Msg: msg, Hint: hint, Kind: kind}
}

// gridHeader is what a .mhd or .nrrd header says.
type gridHeader struct {
	dims     [3]int
	spacing  float64
	dataFile string // absolute; "" = data follows the header in the same file
	offset   int64  // data offset within dataFile (NRRD attached data)
	gzip     bool
	elemSize int       // 4 float32, 8 float64
	pre      []float32 // data already decoded (MetaImage slow path)
}

// ReadGrid reads a projection grid: a MetaImage header (.mhd with its .raw),
// an NRRD file (.nrrd, raw or gzip encoding, float or double), or a bare
// .raw file whose size must match want (or, when want is zero, one of the CCF
// grid sizes). When want is non-zero the grid must have exactly that size.
// buf, when large enough, is reused for the data.
func ReadGrid(path string, want [3]int, buf []float32) (*Grid, error) {
	h, err := openGridHeader(path, want)
	if err != nil {
		return nil, err
	}
	n := h.dims[0] * h.dims[1] * h.dims[2]
	if cap(buf) >= n {
		buf = buf[:n]
	} else {
		buf = make([]float32, n)
	}
	if h.pre != nil {
		copy(buf, h.pre)
	} else if err := readGridData(h, buf); err != nil {
		return nil, err
	}
	return &Grid{Dims: h.dims, Spacing: h.spacing, Data: buf}, nil
}

// openGridHeader reads and checks a grid's header (size against want,
// memory): what ReadGrid does before reading the samples.
func openGridHeader(path string, want [3]int) (gridHeader, error) {
	var h gridHeader
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mhd":
		h, err = readMHD(path)
	case ".nrrd":
		h, err = readNRRDHeader(path)
	case ".raw":
		h, err = rawHeader(path, want)
	default:
		return h, gridErr(path, "unknown grid file type", "use .mhd (+ .raw), .nrrd or .raw", ccc.ErrUsage)
	}
	if err != nil {
		return h, err
	}
	if want != ([3]int{}) && h.dims != want {
		return h, gridErr(path, fmt.Sprintf("grid is %dx%dx%d, want %dx%dx%d", h.dims[0], h.dims[1], h.dims[2], want[0], want[1], want[2]),
			"all grids of one aggregation must have the same resolution (132x80x114 at 100 um)", ccc.ErrInvalidData)
	}
	n := h.dims[0] * h.dims[1] * h.dims[2]
	if need, limit := int64(n)*int64(4+h.elemSize), nrrd.DefaultMaxBytes(); need > limit {
		return h, gridErr(path, fmt.Sprintf("grid %dx%dx%d needs %d MiB of memory, more than this machine's %d MiB",
			h.dims[0], h.dims[1], h.dims[2], need>>20, limit>>20), "the header is corrupt or not a CCF projection grid", ccc.ErrInvalidData)
	}
	return h, nil
}

func rawHeader(path string, want [3]int) (gridHeader, error) {
	st, err := os.Stat(path)
	if err != nil {
		return gridHeader{}, gridErr(path, "cannot read", "run 'ccc projections fetch' for this experiment", ccc.ErrNotFound)
	}
	h := gridHeader{dataFile: path, elemSize: 4}
	if want != ([3]int{}) {
		h.dims = want
		h.spacing = spacingFor(want)
		return h, nil
	}
	for _, r := range []int{100, 50, 25, 10} {
		d, _ := GridDims(r)
		if st.Size() == int64(d[0]*d[1]*d[2]*4) {
			h.dims, h.spacing = d, float64(r)
			return h, nil
		}
	}
	return h, gridErr(path, fmt.Sprintf("%d bytes is no CCF grid size (132x80x114 float32 = %d bytes at 100 um)", st.Size(), 132*80*114*4),
		"the file is truncated or not a projection grid; re-fetch it", ccc.ErrInvalidData)
}

func spacingFor(d [3]int) float64 {
	for _, r := range []int{100, 50, 25, 10} {
		if g, _ := GridDims(r); g == d {
			return float64(r)
		}
	}
	return 0
}

// readMHD parses a MetaImage header with formats/metaimage. The Allen
// layout (float or double samples in a separate uncompressed .raw) is read
// by the fast path into the caller's buffer; anything else MetaImage allows
// (.mha LOCAL data, zlib compression, integer samples) is decoded by
// formats/metaimage and converted.
func readMHD(path string) (gridHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return gridHeader{}, gridErr(path, "cannot read", "run 'ccc projections fetch' for this experiment", ccc.ErrNotFound)
	}
	defer f.Close()
	mh, err := metaimage.ReadHeader(bufio.NewReader(io.LimitReader(f, 1<<20)), path)
	if err != nil {
		return gridHeader{}, &ccc.Error{Op: "read grid", Path: path, Row: -1, Msg: "bad MetaImage header", Kind: ccc.ErrFormat, Err: err}
	}
	bad := func(msg string) (gridHeader, error) {
		return gridHeader{}, gridErr(path, msg, "", ccc.ErrFormat)
	}
	if mh.NDims != 3 || len(mh.DimSize) != 3 || mh.Channels > 1 {
		return bad(fmt.Sprintf("a projection grid has 3 dimensions and 1 channel (NDims %d)", mh.NDims))
	}
	h := gridHeader{}
	for i, d := range mh.DimSize {
		if d <= 0 || d > 1<<14 {
			return bad(fmt.Sprintf("bad DimSize %v", mh.DimSize))
		}
		h.dims[i] = d
	}
	if len(mh.ElementSpacing) > 0 {
		h.spacing = mh.ElementSpacing[0]
	}
	fast := !mh.Compressed && !mh.ByteOrderMSB && mh.ElementDataFile != "LOCAL" && mh.HeaderSize >= 0 &&
		(mh.ElementType == "MET_FLOAT" || mh.ElementType == "MET_DOUBLE") && !strings.ContainsAny(mh.ElementDataFile, "% ")
	if err := mh.CheckSize(path, 0); err != nil {
		return gridHeader{}, err
	}
	if !fast {
		img, err := metaimage.ReadFile(path)
		if err != nil {
			return gridHeader{}, &ccc.Error{Op: "read grid", Path: path, Row: -1, Msg: "cannot read the MetaImage data", Kind: ccc.ErrInvalidData, Err: err}
		}
		h.pre, err = toFloat32(img.Data)
		if err != nil {
			return bad(err.Error())
		}
		if len(h.pre) != h.dims[0]*h.dims[1]*h.dims[2] {
			return bad("sample count does not match DimSize")
		}
		h.dataFile = path
		return h, nil
	}
	h.elemSize = 4
	if mh.ElementType == "MET_DOUBLE" {
		h.elemSize = 8
	}
	h.offset = int64(mh.HeaderSize)
	if h.dataFile, err = mh.DataFilePath(path, false); err != nil {
		return gridHeader{}, err
	}
	return h, nil
}

func toFloat32(data any) ([]float32, error) {
	conv := func(n int, at func(i int) float32) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	switch d := data.(type) {
	case []float32:
		return d, nil
	case []float64:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []uint8:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []int8:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []uint16:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []int16:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []uint32:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	case []int32:
		return conv(len(d), func(i int) float32 { return float32(d[i]) }), nil
	}
	return nil, fmt.Errorf("sample type %T not supported for a projection grid", data)
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readNRRDHeader parses an NRRD header with formats/nrrd. Attached float
// or double data, raw or gzip, little-endian (what the Allen grid service
// sends) is read by the fast path into the caller's buffer; anything else
// (detached data, integer samples, big-endian, ascii) is decoded by
// formats/nrrd and converted.
func readNRRDHeader(path string) (gridHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return gridHeader{}, gridErr(path, "cannot read", "run 'ccc projections fetch' for this experiment", ccc.ErrNotFound)
	}
	defer f.Close()
	cr := &countReader{r: f}
	br := bufio.NewReaderSize(cr, 1<<16)
	nh, err := nrrd.ReadHeader(br, path)
	if err != nil {
		return gridHeader{}, &ccc.Error{Op: "read grid", Path: path, Row: -1, Msg: "bad NRRD header", Kind: ccc.ErrFormat, Err: err}
	}
	bad := func(msg string) (gridHeader, error) {
		return gridHeader{}, gridErr(path, msg, "", ccc.ErrFormat)
	}
	if nh.Dimension != 3 || len(nh.Sizes) != 3 {
		return bad(fmt.Sprintf("a projection grid has 3 dimensions, not %d", nh.Dimension))
	}
	h := gridHeader{dataFile: path, offset: cr.n - int64(br.Buffered())}
	for i, d := range nh.Sizes {
		if d <= 0 || d > 1<<14 {
			return bad(fmt.Sprintf("bad sizes %v", nh.Sizes))
		}
		h.dims[i] = d
	}
	if len(nh.SpaceDirections) > 0 && len(nh.SpaceDirections[0]) > 0 {
		h.spacing = math.Abs(nh.SpaceDirections[0][0])
	} else if len(nh.Spacings) > 0 && !math.IsNaN(nh.Spacings[0]) {
		h.spacing = nh.Spacings[0]
	}
	fast := nh.DataFile == "" && nh.Endian != "big" && (nh.Type == "float32" || nh.Type == "float64") &&
		(nh.Encoding == "raw" || nh.Encoding == "gzip")
	if !fast {
		img, err := nrrd.ReadFile(path)
		if err != nil {
			return gridHeader{}, &ccc.Error{Op: "read grid", Path: path, Row: -1, Msg: "cannot read the NRRD data", Kind: ccc.ErrInvalidData, Err: err}
		}
		if h.pre, err = toFloat32(img.Data); err != nil {
			return bad(err.Error())
		}
		if len(h.pre) != h.dims[0]*h.dims[1]*h.dims[2] {
			return bad("sample count does not match sizes")
		}
		return h, nil
	}
	h.elemSize = 4
	if nh.Type == "float64" {
		h.elemSize = 8
	}
	h.gzip = nh.Encoding == "gzip"
	return h, nil
}

// readGridData reads exactly len(dst) elements from the header's data file.
func readGridData(h gridHeader, dst []float32) error {
	f, err := os.Open(h.dataFile)
	if err != nil {
		return gridErr(h.dataFile, "cannot read the grid data", "run 'ccc projections fetch' for this experiment", ccc.ErrNotFound)
	}
	defer f.Close()
	if _, err := f.Seek(h.offset, io.SeekStart); err != nil {
		return gridErr(h.dataFile, "cannot seek to the data", "", ccc.ErrFormat)
	}
	var r io.Reader = f
	if h.gzip {
		zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			return gridErr(h.dataFile, "corrupt gzip data", "", ccc.ErrFormat)
		}
		defer zr.Close()
		r = zr
	}
	n := len(dst)
	want := int64(n * h.elemSize)
	if h.elemSize == 4 {
		b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), n*4)
		got, err := io.ReadFull(r, b)
		if err != nil {
			return truncated(h, int64(got), want)
		}
	} else {
		b := make([]byte, want)
		got, err := io.ReadFull(r, b)
		if err != nil {
			return truncated(h, int64(got), want)
		}
		for i := range dst {
			dst[i] = float32(math.Float64frombits(leU64(b[i*8:])))
		}
	}
	if !h.gzip {
		// extra bytes mean the header does not describe the file
		var one [1]byte
		if k, _ := r.Read(one[:]); k > 0 {
			st, _ := f.Stat()
			return gridErr(h.dataFile, fmt.Sprintf("%d bytes of data, want %d (%dx%dx%d x %d bytes)", st.Size()-h.offset, want,
				h.dims[0], h.dims[1], h.dims[2], h.elemSize), "the header does not match the data file", ccc.ErrInvalidData)
		}
	}
	return nil
}

func truncated(h gridHeader, got, want int64) error {
	return gridErr(h.dataFile, fmt.Sprintf("truncated: %d bytes of data, want %d (%dx%dx%d x %d bytes)", got, want,
		h.dims[0], h.dims[1], h.dims[2], h.elemSize), "re-fetch the grid ('ccc projections fetch --reload')", ccc.ErrInvalidData)
}

func leU64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// WriteGridMHD writes g as name.mhd + name.raw (the Allen layout) in dir.
func WriteGridMHD(dir, name string, g *Grid) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(g.Data))), len(g.Data)*4)
	if err := writeFileAtomic(filepath.Join(dir, name+".raw"), raw); err != nil {
		return "", err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"+
		"TransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = 0 0 0\nCenterOfRotation = 0 0 0\nAnatomicalOrientation = RAI\n"+
		"ElementSpacing = %g %g %g\nDimSize = %d %d %d\nElementType = MET_FLOAT\nElementDataFile = %s.raw\n",
		g.Spacing, g.Spacing, g.Spacing, g.Dims[0], g.Dims[1], g.Dims[2], name)
	p := filepath.Join(dir, name+".mhd")
	return p, writeFileAtomic(p, b.Bytes())
}

// writeFileAtomic writes b to path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	os.Chmod(tmp, 0o644)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
