// Package metaimage reads and writes ITK MetaImage files: a text header
// (.mhd) with a raw data file (.raw), or both in one .mha file
// (ElementDataFile = LOCAL). The Allen Mouse Connectivity projection grids
// (density.mhd + density.raw) use it. See docs/formats/metaimage.md.
//
// Data is returned as a typed slice in file order: the first DimSize axis
// varies fastest.
package metaimage

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/internal/rawdata"
)

// MaxElements bounds the number of samples a header may declare.
const MaxElements = 1 << 33

// Header is a parsed MetaImage header.
type Header struct {
	NDims           int
	DimSize         []int
	ElementType     string    // MET_UCHAR, MET_FLOAT, ...
	ElementSpacing  []float64 // nil when absent
	Offset          []float64
	ByteOrderMSB    bool   // big-endian samples
	Compressed      bool   // zlib (CompressedData = True)
	ElementDataFile string // "LOCAL" or a file name relative to the header
	HeaderSize      int    // bytes to skip in the data file (-1: data at the end)
	Channels        int    // ElementNumberOfChannels (default 1)
	Fields          map[string]string
	Order           []string // field names in file order
}

// Image is a header and its samples.
type Image struct {
	Header
	// Data is []int8, []uint8, []int16, []uint16, []int32, []uint32,
	// []int64, []uint64, []float32 or []float64.
	Data any
}

// Len returns the number of samples (channels included).
func (h *Header) Len() int {
	n := max(h.Channels, 1)
	for _, s := range h.DimSize {
		n *= s
	}
	return n
}

var elementTypes = map[string]struct {
	typ  string
	size int
}{
	"MET_CHAR": {"int8", 1}, "MET_UCHAR": {"uint8", 1}, "MET_SHORT": {"int16", 2}, "MET_USHORT": {"uint16", 2},
	"MET_INT": {"int32", 4}, "MET_UINT": {"uint32", 4}, "MET_LONG": {"int32", 4}, "MET_ULONG": {"uint32", 4},
	"MET_LONG_LONG": {"int64", 8}, "MET_ULONG_LONG": {"uint64", 8}, "MET_FLOAT": {"float32", 4}, "MET_DOUBLE": {"float64", 8},
}

func formatErr(path, field, value, msg string) error {
	return &ccc.Error{Op: "read metaimage", Path: path, Row: -1, Field: field, Value: value, Msg: msg, Kind: ccc.ErrFormat}
}

// ReadHeader parses a header; it stops after ElementDataFile (the last
// field by definition), leaving r at the first data byte for LOCAL data.
func ReadHeader(r *bufio.Reader, path string) (*Header, error) {
	h := &Header{Fields: map[string]string{}, Channels: 1}
	for line := 1; ; line++ {
		s, err := r.ReadString('\n')
		if len(s) > 1<<16 {
			return nil, formatErr(path, "", "", "header line too long (is this a MetaImage header?)")
		}
		t := strings.TrimSpace(s)
		if t != "" {
			i := strings.IndexByte(t, '=')
			if i < 0 {
				return nil, &ccc.Error{Op: "read metaimage", Path: path, Line: line, Row: -1, Value: t, Msg: "header line is not \"Key = Value\"", Kind: ccc.ErrFormat}
			}
			k, v := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:])
			h.Fields[k] = v
			h.Order = append(h.Order, k)
			if k == "ElementDataFile" {
				break
			}
		}
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, formatErr(path, "", "", "cannot read header: "+err.Error())
		}
	}
	return h, h.parse(path)
}

func (h *Header) parse(path string) error {
	var errs []error
	bad := func(k, v, msg string) { errs = append(errs, formatErr(path, k, v, msg)) }
	f := h.Fields
	if len(f) == 0 {
		return formatErr(path, "", "", "empty header (not a MetaImage file)")
	}
	if v, ok := f["ObjectType"]; ok && !strings.EqualFold(v, "Image") {
		bad("ObjectType", v, "only Image objects are supported")
	}
	if v, ok := f["NDims"]; !ok {
		bad("NDims", "", "required field missing")
	} else if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 16 {
		bad("NDims", v, "NDims must be an integer from 1 to 16")
	} else {
		h.NDims = n
	}
	if v, ok := f["DimSize"]; !ok {
		bad("DimSize", "", "required field missing")
	} else {
		n := 1
		for _, p := range strings.Fields(v) {
			d, err := strconv.Atoi(p)
			if err != nil || d < 1 {
				bad("DimSize", v, "DimSize must be positive integers")
				break
			}
			if n > MaxElements/d {
				bad("DimSize", v, "too many samples")
				break
			}
			n *= d
			h.DimSize = append(h.DimSize, d)
		}
		if h.NDims > 0 && len(h.DimSize) != h.NDims && len(errs) == 0 {
			bad("DimSize", v, fmt.Sprintf("%d sizes for NDims %d", len(h.DimSize), h.NDims))
		}
	}
	if v, ok := f["ElementType"]; !ok {
		bad("ElementType", "", "required field missing")
	} else if _, ok := elementTypes[strings.ToUpper(v)]; !ok {
		bad("ElementType", v, "unknown or unsupported element type")
	} else {
		h.ElementType = strings.ToUpper(v)
	}
	if v, ok := f["ElementNumberOfChannels"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 1024 {
			bad("ElementNumberOfChannels", v, "must be a positive integer")
		} else {
			h.Channels = n
		}
	}
	floats := func(k string) []float64 {
		v, ok := f[k]
		if !ok {
			return nil
		}
		var out []float64
		for _, p := range strings.Fields(v) {
			x, err := strconv.ParseFloat(p, 64)
			if err != nil {
				bad(k, v, "not a list of numbers")
				return nil
			}
			out = append(out, x)
		}
		if h.NDims > 0 && len(out) != h.NDims {
			bad(k, v, fmt.Sprintf("%d values for NDims %d", len(out), h.NDims))
			return nil
		}
		return out
	}
	h.ElementSpacing = floats("ElementSpacing")
	if h.ElementSpacing == nil {
		h.ElementSpacing = floats("ElementSize")
	}
	h.Offset = floats("Offset")
	if h.Offset == nil {
		h.Offset = floats("Position")
	}
	boolean := func(keys ...string) bool {
		for _, k := range keys {
			if v, ok := f[k]; ok {
				switch strings.ToLower(v) {
				case "true", "1":
					return true
				case "false", "0":
					return false
				default:
					bad(k, v, "must be True or False")
				}
			}
		}
		return false
	}
	h.ByteOrderMSB = boolean("BinaryDataByteOrderMSB", "ElementByteOrderMSB")
	h.Compressed = boolean("CompressedData")
	if v, ok := f["BinaryData"]; ok && strings.EqualFold(v, "false") {
		bad("BinaryData", v, "ASCII MetaImage data is not supported")
	}
	if v, ok := f["HeaderSize"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < -1 {
			bad("HeaderSize", v, "must be an integer >= -1")
		} else {
			h.HeaderSize = n
		}
	}
	if v, ok := f["ElementDataFile"]; !ok {
		bad("ElementDataFile", "", "required field missing (the last header line names the data file or LOCAL)")
	} else if v == "" || strings.HasPrefix(v, "LIST") || strings.Contains(v, "%") {
		bad("ElementDataFile", v, "multi-file data (LIST or patterns) is not supported")
	} else {
		h.ElementDataFile = v
	}
	return errors.Join(errs...)
}

// ReadOptions bound what reading a file may do.
type ReadOptions struct {
	// MaxBytes bounds the memory the samples may need (0: the machine's
	// memory, see DefaultMaxBytes). A header declaring more is refused
	// before anything is allocated or decompressed.
	MaxBytes int64
	// AllowExternalData lets a .mhd header name an ElementDataFile outside
	// its own directory (an absolute path, "../", a symlink out).
	AllowExternalData bool
}

// DefaultMaxBytes is the memory bound used when ReadOptions.MaxBytes is 0:
// the machine's physical memory, or GOMEMLIMIT when lower.
func DefaultMaxBytes() int64 { return rawdata.DefaultMaxBytes() }

// ReadFile reads a .mhd (with its data file, which must lie in the
// header's directory) or .mha file with default ReadOptions.
func ReadFile(path string) (*Image, error) { return ReadFileOptions(path, ReadOptions{}) }

// ReadFileOptions is ReadFile with explicit bounds.
func ReadFileOptions(path string, o ReadOptions) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ccc.Error{Op: "read metaimage", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	h, err := ReadHeader(br, path)
	if err != nil {
		return nil, err
	}
	if err := h.checkSize(path, o.MaxBytes); err != nil {
		return nil, err
	}
	var src io.Reader = br
	dataPath := path
	if !strings.EqualFold(h.ElementDataFile, "LOCAL") {
		dataPath, err = h.DataFilePath(path, o.AllowExternalData)
		if err != nil {
			return nil, err
		}
		df, err := os.Open(dataPath)
		if err != nil {
			return nil, &ccc.Error{Op: "read metaimage", Path: path, Row: -1, Field: "ElementDataFile", Value: h.ElementDataFile,
				Msg: "data file cannot be opened", Hint: "the .raw file must sit next to the .mhd header", Kind: ccc.ErrNotFound, Err: err}
		}
		defer df.Close()
		if h.HeaderSize == -1 {
			st, err := df.Stat()
			if err != nil {
				return nil, err
			}
			if _, err := df.Seek(st.Size()-int64(h.Len()*h.typeSize()), io.SeekStart); err != nil {
				return nil, formatErr(dataPath, "HeaderSize", "-1", "data file shorter than the samples")
			}
		}
		src = bufio.NewReaderSize(df, 1<<20)
	}
	if h.HeaderSize > 0 {
		if _, err := io.CopyN(io.Discard, src, int64(h.HeaderSize)); err != nil {
			return nil, formatErr(dataPath, "HeaderSize", strconv.Itoa(h.HeaderSize), "data shorter than HeaderSize")
		}
	}
	return readData(h, src, dataPath)
}

// Read reads a MetaImage with LOCAL data from r.
func Read(r io.Reader) (*Image, error) {
	br := bufio.NewReader(r)
	h, err := ReadHeader(br, "")
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(h.ElementDataFile, "LOCAL") {
		return nil, formatErr("", "ElementDataFile", h.ElementDataFile, "Read needs LOCAL data; use ReadFile for .mhd + .raw")
	}
	if err := h.checkSize("", 0); err != nil {
		return nil, err
	}
	if h.HeaderSize > 0 {
		if _, err := io.CopyN(io.Discard, br, int64(h.HeaderSize)); err != nil {
			return nil, formatErr("", "HeaderSize", strconv.Itoa(h.HeaderSize), "data shorter than HeaderSize")
		}
	}
	return readData(h, br, "")
}

func (h *Header) typeSize() int { return elementTypes[h.ElementType].size }

// DataFilePath returns the path of the header's ElementDataFile (the
// header's own path for LOCAL data), refusing a file outside the header's
// directory unless allowExternal.
func (h *Header) DataFilePath(headerPath string, allowExternal bool) (string, error) {
	if strings.EqualFold(h.ElementDataFile, "LOCAL") {
		return headerPath, nil
	}
	return rawdata.DataPath("read metaimage", headerPath, filepath.Dir(headerPath), "ElementDataFile", h.ElementDataFile, allowExternal)
}

// CheckSize refuses a header whose samples need more than maxBytes of
// memory (0: DefaultMaxBytes), naming path, DimSize and --max-bytes.
func (h *Header) CheckSize(path string, maxBytes int64) error { return h.checkSize(path, maxBytes) }

// checkSize refuses a header whose samples need more than maxBytes.
func (h *Header) checkSize(path string, maxBytes int64) error {
	return rawdata.CheckSize("read metaimage", path, "DimSize", h.DimSize, h.Len(), h.typeSize(), false, maxBytes)
}

func readData(h *Header, src io.Reader, path string) (*Image, error) {
	if h.Compressed {
		zr, err := zlib.NewReader(src)
		if err != nil {
			return nil, &ccc.Error{Op: "read metaimage", Path: path, Row: -1, Msg: "compressed data is corrupt or truncated", Kind: ccc.ErrFormat, Err: err}
		}
		defer zr.Close()
		src = zr
	}
	n := h.Len()
	size := n * h.typeSize()
	buf, err := rawdata.ReadN(src, size)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, &ccc.Error{Op: "read metaimage", Path: path, Row: -1,
				Msg:  fmt.Sprintf("data truncated: %d of %d bytes (%d %s samples, DimSize %v)", len(buf), size, n, h.ElementType, h.DimSize),
				Hint: "the data file was cut short or belongs to another header", Kind: ccc.ErrFormat}
		}
		return nil, &ccc.Error{Op: "read metaimage", Path: path, Row: -1, Msg: "cannot read data", Kind: ccc.ErrFormat, Err: err}
	}
	var order binary.ByteOrder = binary.LittleEndian
	if h.ByteOrderMSB {
		order = binary.BigEndian
	}
	return &Image{Header: *h, Data: rawdata.Decode(buf, elementTypes[h.ElementType].typ, n, order)}, nil
}

// WriteFile writes img as path (.mhd) plus a .raw data file next to it
// (or one .mha file with LOCAL data when path ends in .mha). Samples are
// little-endian unless img.ByteOrderMSB.
func WriteFile(path string, img *Image) error {
	met, n := metType(img.Data)
	if met == "" {
		return fmt.Errorf("%w: metaimage: unsupported data type %T", ccc.ErrUsage, img.Data)
	}
	h := img.Header
	if len(h.DimSize) == 0 {
		h.DimSize = []int{n}
	}
	if h.Len() != n {
		return fmt.Errorf("%w: metaimage: DimSize %v holds %d samples, data has %d", ccc.ErrUsage, h.DimSize, h.Len(), n)
	}
	var hb bytes.Buffer
	fmt.Fprintf(&hb, "ObjectType = Image\nNDims = %d\nBinaryData = True\nBinaryDataByteOrderMSB = %s\n", len(h.DimSize), pyBool(h.ByteOrderMSB))
	if h.Offset != nil {
		fmt.Fprintf(&hb, "Offset = %s\n", join(h.Offset))
	}
	if h.ElementSpacing != nil {
		fmt.Fprintf(&hb, "ElementSpacing = %s\n", join(h.ElementSpacing))
	}
	dims := make([]float64, len(h.DimSize))
	for i, d := range h.DimSize {
		dims[i] = float64(d)
	}
	fmt.Fprintf(&hb, "DimSize = %s\n", join(dims))
	if h.Channels > 1 {
		fmt.Fprintf(&hb, "ElementNumberOfChannels = %d\n", h.Channels)
	}
	fmt.Fprintf(&hb, "ElementType = %s\n", met)
	var order binary.ByteOrder = binary.LittleEndian
	if h.ByteOrderMSB {
		order = binary.BigEndian
	}
	data := encode(img.Data, order)
	if strings.EqualFold(filepath.Ext(path), ".mha") {
		hb.WriteString("ElementDataFile = LOCAL\n")
		return os.WriteFile(path, append(hb.Bytes(), data...), 0o644)
	}
	raw := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".raw"
	fmt.Fprintf(&hb, "ElementDataFile = %s\n", raw)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), raw), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(path, hb.Bytes(), 0o644)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func join(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}

func metType(data any) (string, int) {
	switch d := data.(type) {
	case []int8:
		return "MET_CHAR", len(d)
	case []uint8:
		return "MET_UCHAR", len(d)
	case []int16:
		return "MET_SHORT", len(d)
	case []uint16:
		return "MET_USHORT", len(d)
	case []int32:
		return "MET_INT", len(d)
	case []uint32:
		return "MET_UINT", len(d)
	case []int64:
		return "MET_LONG_LONG", len(d)
	case []uint64:
		return "MET_ULONG_LONG", len(d)
	case []float32:
		return "MET_FLOAT", len(d)
	case []float64:
		return "MET_DOUBLE", len(d)
	}
	return "", 0
}

func encode(data any, order binary.ByteOrder) []byte {
	var b []byte
	ao := order.(binary.AppendByteOrder)
	switch d := data.(type) {
	case []uint8:
		return append(b, d...)
	case []int8:
		for _, x := range d {
			b = append(b, byte(x))
		}
	case []int16:
		for _, x := range d {
			b = ao.AppendUint16(b, uint16(x))
		}
	case []uint16:
		for _, x := range d {
			b = ao.AppendUint16(b, x)
		}
	case []int32:
		for _, x := range d {
			b = ao.AppendUint32(b, uint32(x))
		}
	case []uint32:
		for _, x := range d {
			b = ao.AppendUint32(b, x)
		}
	case []int64:
		for _, x := range d {
			b = ao.AppendUint64(b, uint64(x))
		}
	case []uint64:
		for _, x := range d {
			b = ao.AppendUint64(b, x)
		}
	case []float32:
		for _, x := range d {
			b = ao.AppendUint32(b, math.Float32bits(x))
		}
	case []float64:
		for _, x := range d {
			b = ao.AppendUint64(b, math.Float64bits(x))
		}
	}
	return b
}
