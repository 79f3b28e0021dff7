// Package nrrd reads and writes NRRD files (teem's "nearly raw raster
// data", format NRRD0001-NRRD0005), the format of the Allen CCF annotation
// volumes. See docs/formats/nrrd.md for what is supported.
//
// Data is returned as a typed slice ([]uint32, []float32, ...) in file
// order: the first axis of "sizes" varies fastest.
package nrrd

import (
	"bufio"
	"bytes"
	"compress/gzip"
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

// MaxElements bounds the number of samples a file may declare (guards
// against corrupt headers asking for absurd allocations): 2^33.
const MaxElements = 1 << 33

// Header is a parsed NRRD header.
type Header struct {
	Magic           string // "NRRD0004"
	Type            string // canonical: int8 uint8 int16 uint16 int32 uint32 int64 uint64 float32 float64
	Dimension       int
	Sizes           []int
	Endian          string      // "little" or "big" ("" for 1-byte types)
	Encoding        string      // canonical: raw, gzip, ascii
	Space           string      // e.g. "left-posterior-superior"; "" when absent
	SpaceDimension  int         // 0 when no space is set
	SpaceDirections [][]float64 // per axis; nil entry for "none"
	SpaceOrigin     []float64
	Spacings        []float64 // per axis, NaN when not given; nil when absent
	Kinds           []string
	DataFile        string            // detached data file ("" when attached)
	LineSkip        int               // lines to skip in a detached file
	ByteSkip        int               // bytes to skip in a detached file
	Fields          map[string]string // every field as written (lower-case keys)
	KeyValues       map[string]string // key:=value pairs
	Comments        []string
}

// Image is a header and its samples.
type Image struct {
	Header
	// Data holds the samples: []int8, []uint8, []int16, []uint16, []int32,
	// []uint32, []int64, []uint64, []float32 or []float64, first axis
	// fastest.
	Data any
}

// Len returns the number of samples the header declares.
func (h *Header) Len() int {
	n := 1
	for _, s := range h.Sizes {
		n *= s
	}
	return n
}

// TypeSize returns the size of one sample in bytes.
func (h *Header) TypeSize() int { return typeSizes[h.Type] }

// Spacing returns the sample spacing of each axis: the "spacings" field,
// else the length of each "space directions" vector. Axes without one
// (e.g. a vector axis with "none") get NaN.
func (h *Header) Spacing() []float64 {
	out := make([]float64, h.Dimension)
	for i := range out {
		out[i] = math.NaN()
		if i < len(h.Spacings) {
			out[i] = h.Spacings[i]
		}
		if i < len(h.SpaceDirections) && h.SpaceDirections[i] != nil {
			var s float64
			for _, v := range h.SpaceDirections[i] {
				s += v * v
			}
			out[i] = math.Sqrt(s)
		}
	}
	return out
}

var typeSizes = map[string]int{"int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4,
	"int64": 8, "uint64": 8, "float32": 4, "float64": 8}

// typeNames maps every spelling the NRRD spec allows to the canonical name.
var typeNames = map[string]string{}

func init() {
	for canon, names := range map[string][]string{
		"int8":    {"signed char", "int8", "int8_t"},
		"uint8":   {"uchar", "unsigned char", "uint8", "uint8_t"},
		"int16":   {"short", "short int", "signed short", "signed short int", "int16", "int16_t"},
		"uint16":  {"ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"},
		"int32":   {"int", "signed int", "int32", "int32_t"},
		"uint32":  {"uint", "unsigned int", "uint32", "uint32_t"},
		"int64":   {"longlong", "long long", "long long int", "signed long long", "signed long long int", "int64", "int64_t"},
		"uint64":  {"ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"},
		"float32": {"float", "float32"},
		"float64": {"double", "float64"},
	} {
		for _, n := range names {
			typeNames[n] = canon
		}
	}
}

// formatErr builds a ccc.ErrFormat error.
func formatErr(path string, line int, field, value, msg string) error {
	return &ccc.Error{Op: "read nrrd", Path: path, Line: line, Row: -1, Field: field, Value: value, Msg: msg, Kind: ccc.ErrFormat}
}

// ReadHeader parses the header from r, leaving r at the first data byte.
// path is used in error messages only.
func ReadHeader(r *bufio.Reader, path string) (*Header, error) {
	h := &Header{Fields: map[string]string{}, KeyValues: map[string]string{}}
	line, err := readLine(r)
	if err != nil || !strings.HasPrefix(line, "NRRD000") || len(line) != 8 || line[7] < '1' || line[7] > '5' {
		return nil, &ccc.Error{Op: "read nrrd", Path: path, Line: 1, Row: -1, Value: line, Msg: "not a NRRD file (no NRRD000N magic line)", Kind: ccc.ErrFormat}
	}
	h.Magic = line
	lineNo := 1
	fieldLine := map[string]int{}
	for {
		line, err = readLine(r)
		lineNo++
		if err != nil {
			if err == io.EOF && line == "" {
				// header without data (detached files may end here)
				break
			}
			if err != io.EOF {
				return nil, formatErr(path, lineNo, "", "", "cannot read header: "+err.Error())
			}
		}
		if line == "" {
			break
		}
		if strings.HasPrefix(line, "#") {
			h.Comments = append(h.Comments, strings.TrimSpace(line[1:]))
			continue
		}
		if i := strings.Index(line, ":="); i >= 0 {
			h.KeyValues[line[:i]] = line[i+2:]
			continue
		}
		i := strings.Index(line, ": ")
		if i < 0 {
			return nil, formatErr(path, lineNo, "", line, "header line is neither \"field: value\" nor \"key:=value\"")
		}
		key := strings.ToLower(strings.TrimSpace(line[:i]))
		if _, dup := h.Fields[key]; dup {
			return nil, formatErr(path, lineNo, key, "", "field given twice")
		}
		h.Fields[key] = strings.TrimSpace(line[i+2:])
		fieldLine[key] = lineNo
		if err == io.EOF {
			break
		}
	}
	if err := h.parseFields(path, fieldLine); err != nil {
		return nil, err
	}
	return h, nil
}

// readLine reads one line without its end (\n or \r\n).
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		b = append(b, chunk...)
		if len(b) > 1<<20 {
			return "", errors.New("header line longer than 1 MiB")
		}
		if err != nil {
			return string(b), err
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

func (h *Header) parseFields(path string, at map[string]int) error {
	var errs []error
	bad := func(field, value, msg string) {
		errs = append(errs, formatErr(path, at[field], field, value, msg))
	}
	get := func(names ...string) (string, string, bool) {
		for _, n := range names {
			if v, ok := h.Fields[n]; ok {
				return n, v, true
			}
		}
		return names[0], "", false
	}
	// required fields
	if _, v, ok := get("type"); !ok {
		bad("type", "", "required field missing")
	} else if t, ok := typeNames[strings.ToLower(v)]; !ok {
		if strings.EqualFold(v, "block") {
			bad("type", v, "block type is not supported")
		} else {
			bad("type", v, "unknown type")
		}
	} else {
		h.Type = t
	}
	if _, v, ok := get("dimension"); !ok {
		bad("dimension", "", "required field missing")
	} else if d, err := strconv.Atoi(v); err != nil || d < 1 || d > 16 {
		bad("dimension", v, "dimension must be an integer from 1 to 16")
	} else {
		h.Dimension = d
	}
	if _, v, ok := get("sizes"); !ok {
		bad("sizes", "", "required field missing")
	} else {
		n := 1
		for _, f := range strings.Fields(v) {
			s, err := strconv.Atoi(f)
			if err != nil || s < 1 {
				bad("sizes", v, "sizes must be positive integers")
				break
			}
			h.Sizes = append(h.Sizes, s)
			if n > MaxElements/s {
				bad("sizes", v, "too many samples")
				break
			}
			n *= s
		}
		if h.Dimension > 0 && len(h.Sizes) != h.Dimension && len(errs) == 0 {
			bad("sizes", v, fmt.Sprintf("%d sizes for dimension %d", len(h.Sizes), h.Dimension))
		}
	}
	if _, v, ok := get("encoding"); !ok {
		bad("encoding", "", "required field missing")
	} else {
		switch strings.ToLower(v) {
		case "raw":
			h.Encoding = "raw"
		case "gzip", "gz":
			h.Encoding = "gzip"
		case "ascii", "text", "txt":
			h.Encoding = "ascii"
		default:
			bad("encoding", v, "unsupported encoding (raw, gzip and ascii are supported; recompress bzip2/hex files with unu)")
		}
	}
	if k, v, ok := get("endian"); ok {
		switch strings.ToLower(v) {
		case "little", "big":
			h.Endian = strings.ToLower(v)
		default:
			bad(k, v, "endian must be little or big")
		}
	} else if h.TypeSize() > 1 && h.Encoding != "ascii" && h.Encoding != "" {
		bad("endian", "", "required for multi-byte types with "+h.Encoding+" encoding")
	}
	// space
	if k, v, ok := get("space"); ok {
		h.Space = v
		if d := spaceDims(v); d > 0 {
			h.SpaceDimension = d
		} else {
			bad(k, v, "unknown space")
		}
		if _, ok := h.Fields["space dimension"]; ok {
			bad("space dimension", h.Fields["space dimension"], "give either space or space dimension, not both")
		}
	} else if k, v, ok := get("space dimension"); ok {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 {
			bad(k, v, "space dimension must be a positive integer")
		} else {
			h.SpaceDimension = d
		}
	}
	if k, v, ok := get("space directions"); ok {
		if h.SpaceDimension == 0 {
			bad(k, v, "space directions given without space or space dimension")
		} else {
			dirs, err := parseVectors(v, h.SpaceDimension, true)
			switch {
			case err != nil:
				bad(k, v, err.Error())
			case h.Dimension > 0 && len(dirs) != h.Dimension:
				bad(k, v, fmt.Sprintf("%d space directions for dimension %d (use \"none\" for non-spatial axes)", len(dirs), h.Dimension))
			default:
				h.SpaceDirections = dirs
			}
		}
	} else if h.SpaceDimension > 0 && h.Fields["spacings"] == "" {
		bad("space directions", "", "space or space dimension is set but neither space directions nor spacings are given: the sample spacing is unknown")
	}
	if k, v, ok := get("space origin"); ok {
		o, err := parseVectors(v, h.SpaceDimension, false)
		if err != nil || len(o) != 1 {
			bad(k, v, "space origin must be one vector with space dimension components")
		} else {
			h.SpaceOrigin = o[0]
		}
	}
	if k, v, ok := get("spacings"); ok {
		for _, f := range strings.Fields(v) {
			s, err := strconv.ParseFloat(f, 64)
			if err != nil {
				bad(k, v, "spacings must be numbers or nan")
				break
			}
			h.Spacings = append(h.Spacings, s)
		}
		if h.Dimension > 0 && len(h.Spacings) != h.Dimension {
			bad(k, v, fmt.Sprintf("%d spacings for dimension %d", len(h.Spacings), h.Dimension))
		}
		if h.SpaceDirections != nil {
			bad(k, v, "give spacings or space directions, not both")
		}
	}
	if k, v, ok := get("kinds"); ok {
		h.Kinds = strings.Fields(v)
		if h.Dimension > 0 && len(h.Kinds) != h.Dimension {
			bad(k, v, fmt.Sprintf("%d kinds for dimension %d", len(h.Kinds), h.Dimension))
		}
	}
	if k, v, ok := get("data file", "datafile"); ok {
		if strings.HasPrefix(v, "LIST") || strings.Contains(v, "%") {
			bad(k, v, "multi-file data (LIST or format patterns) is not supported")
		}
		h.DataFile = v
	}
	if k, v, ok := get("line skip", "lineskip"); ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			bad(k, v, "line skip must be a non-negative integer")
		} else {
			h.LineSkip = n
		}
	}
	if k, v, ok := get("byte skip", "byteskip"); ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			bad(k, v, "byte skip must be a non-negative integer (-1 is not supported)")
		} else {
			h.ByteSkip = n
		}
	}
	return errors.Join(errs...)
}

func spaceDims(s string) int {
	switch strings.ToLower(s) {
	case "right-anterior-superior", "ras", "left-anterior-superior", "las", "left-posterior-superior", "lps",
		"scanner-xyz", "3d-right-handed", "3d-left-handed":
		return 3
	case "right-anterior-superior-time", "rast", "left-anterior-superior-time", "last", "left-posterior-superior-time", "lpst",
		"scanner-xyz-time", "3d-right-handed-time", "3d-left-handed-time":
		return 4
	}
	return 0
}

// parseVectors parses "(1,0,0) (0,1,0) none" into vectors of n components.
func parseVectors(s string, n int, allowNone bool) ([][]float64, error) {
	var out [][]float64
	for _, tok := range strings.Fields(s) {
		if allowNone && tok == "none" {
			out = append(out, nil)
			continue
		}
		if !strings.HasPrefix(tok, "(") || !strings.HasSuffix(tok, ")") {
			return nil, fmt.Errorf("vector %q is not (a,b,...)", tok)
		}
		parts := strings.Split(tok[1:len(tok)-1], ",")
		if n > 0 && len(parts) != n {
			return nil, fmt.Errorf("vector %q has %d components, space dimension is %d", tok, len(parts), n)
		}
		v := make([]float64, len(parts))
		for i, p := range parts {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return nil, fmt.Errorf("vector %q: %q is not a number", tok, p)
			}
			v[i] = f
		}
		out = append(out, v)
	}
	return out, nil
}

// ReadOptions bound what reading a file may do.
type ReadOptions struct {
	// MaxBytes bounds the memory the samples may need (0: the machine's
	// memory, see DefaultMaxBytes). A header declaring more is refused
	// before anything is allocated or decompressed.
	MaxBytes int64
	// AllowExternalData lets a detached header (.nhdr) name a data file
	// outside its own directory (an absolute path, "../", a symlink out).
	AllowExternalData bool
}

// DefaultMaxBytes is the memory bound used when ReadOptions.MaxBytes is 0:
// the machine's physical memory, or GOMEMLIMIT when lower.
func DefaultMaxBytes() int64 { return rawdata.DefaultMaxBytes() }

// ReadFile reads a NRRD file (.nrrd with attached data, or .nhdr with a
// detached data file in the header's directory) with default ReadOptions.
func ReadFile(path string) (*Image, error) { return ReadFileOptions(path, ReadOptions{}) }

// ReadFileOptions is ReadFile with explicit bounds.
func ReadFileOptions(path string, o ReadOptions) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &ccc.Error{Op: "read nrrd", Path: path, Row: -1, Msg: "file does not exist", Kind: ccc.ErrNotFound}
		}
		return nil, &ccc.Error{Op: "read nrrd", Path: path, Row: -1, Msg: "cannot open", Kind: ccc.ErrNotFound, Err: err}
	}
	defer f.Close()
	return read(bufio.NewReaderSize(f, 1<<20), path, filepath.Dir(path), o)
}

// Read reads a NRRD image with attached data from r. A detached data file
// must lie in the working directory.
func Read(r io.Reader) (*Image, error) {
	return read(bufio.NewReaderSize(r, 1<<16), "", ".", ReadOptions{})
}

func read(br *bufio.Reader, path, dir string, o ReadOptions) (*Image, error) {
	h, err := ReadHeader(br, path)
	if err != nil {
		return nil, err
	}
	n := h.Len()
	if err := rawdata.CheckSize("read nrrd", path, "sizes", h.Sizes, n, h.TypeSize(), h.Encoding == "ascii", o.MaxBytes); err != nil {
		return nil, err
	}
	img := &Image{Header: *h}
	src := io.Reader(br)
	dataPath := path
	if h.DataFile != "" {
		dataPath, err = rawdata.DataPath("read nrrd", path, dir, "data file", h.DataFile, o.AllowExternalData)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(dataPath)
		if err != nil {
			return nil, &ccc.Error{Op: "read nrrd", Path: path, Row: -1, Field: "data file", Value: h.DataFile,
				Msg: "detached data file cannot be opened", Kind: ccc.ErrNotFound, Err: err}
		}
		defer f.Close()
		dbr := bufio.NewReaderSize(f, 1<<20)
		for i := 0; i < h.LineSkip; i++ {
			if _, err := dbr.ReadBytes('\n'); err != nil {
				return nil, formatErr(dataPath, 0, "line skip", strconv.Itoa(h.LineSkip), "data file has fewer lines than line skip")
			}
		}
		src = dbr
	}
	if h.Encoding == "gzip" {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, &ccc.Error{Op: "read nrrd", Path: dataPath, Row: -1, Msg: "gzip data is corrupt or truncated", Kind: ccc.ErrFormat, Err: err}
		}
		defer zr.Close()
		src = zr
	}
	if h.ByteSkip > 0 {
		if _, err := io.CopyN(io.Discard, src, int64(h.ByteSkip)); err != nil {
			return nil, formatErr(dataPath, 0, "byte skip", strconv.Itoa(h.ByteSkip), "data shorter than byte skip")
		}
	}
	if h.Encoding == "ascii" {
		img.Data, err = readASCII(src, h.Type, n, dataPath)
		return img, err
	}
	size := n * h.TypeSize()
	buf, err := rawdata.ReadN(src, size)
	got := len(buf)
	if err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return nil, &ccc.Error{Op: "read nrrd", Path: dataPath, Row: -1,
				Msg:  fmt.Sprintf("data truncated: %d of %d bytes (%d %s samples, sizes %v)", got, size, n, h.Type, h.Sizes),
				Hint: "the file was cut short; download it again", Kind: ccc.ErrFormat}
		}
		return nil, &ccc.Error{Op: "read nrrd", Path: dataPath, Row: -1, Msg: "cannot read data", Kind: ccc.ErrFormat, Err: err}
	}
	var order binary.ByteOrder = binary.LittleEndian
	if h.Endian == "big" {
		order = binary.BigEndian
	}
	img.Data = rawdata.Decode(buf, h.Type, n, order)
	return img, nil
}

func readASCII(r io.Reader, typ string, n int, path string) (any, error) {
	vals := make([]float64, 0, min(n, 1<<20))
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	sc.Split(bufio.ScanWords)
	for len(vals) < n && sc.Scan() {
		f, err := strconv.ParseFloat(string(bytes.TrimRight(sc.Bytes(), ",")), 64)
		if err != nil {
			return nil, formatErr(path, 0, "", sc.Text(), fmt.Sprintf("ascii sample %d is not a number", len(vals)))
		}
		vals = append(vals, f)
	}
	if len(vals) < n {
		return nil, &ccc.Error{Op: "read nrrd", Path: path, Row: -1, Msg: fmt.Sprintf("data truncated: %d of %d ascii samples", len(vals), n), Kind: ccc.ErrFormat}
	}
	return convertFloats(vals, typ), nil
}

func convertFloats(v []float64, typ string) any {
	conv := func(f func(x float64, i int)) {
		for i, x := range v {
			f(x, i)
		}
	}
	switch typ {
	case "int8":
		o := make([]int8, len(v))
		conv(func(x float64, i int) { o[i] = int8(x) })
		return o
	case "uint8":
		o := make([]uint8, len(v))
		conv(func(x float64, i int) { o[i] = uint8(x) })
		return o
	case "int16":
		o := make([]int16, len(v))
		conv(func(x float64, i int) { o[i] = int16(x) })
		return o
	case "uint16":
		o := make([]uint16, len(v))
		conv(func(x float64, i int) { o[i] = uint16(x) })
		return o
	case "int32":
		o := make([]int32, len(v))
		conv(func(x float64, i int) { o[i] = int32(x) })
		return o
	case "uint32":
		o := make([]uint32, len(v))
		conv(func(x float64, i int) { o[i] = uint32(x) })
		return o
	case "int64":
		o := make([]int64, len(v))
		conv(func(x float64, i int) { o[i] = int64(x) })
		return o
	case "uint64":
		o := make([]uint64, len(v))
		conv(func(x float64, i int) { o[i] = uint64(x) })
		return o
	case "float32":
		o := make([]float32, len(v))
		conv(func(x float64, i int) { o[i] = float32(x) })
		return o
	}
	return v
}
