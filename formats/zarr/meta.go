package zarr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// DataType is a Zarr v3 data type name ("float32", "uint16", ...).
type DataType string

// The supported data types.
const (
	Float32 DataType = "float32"
	Float64 DataType = "float64"
	Int8    DataType = "int8"
	Int16   DataType = "int16"
	Int32   DataType = "int32"
	Int64   DataType = "int64"
	Uint8   DataType = "uint8"
	Uint16  DataType = "uint16"
	Uint32  DataType = "uint32"
	Uint64  DataType = "uint64"
)

type dtypeInfo struct {
	v2   string // numpy typestr without the byte-order character, e.g. "f4"
	size int
}

var dtypes = map[DataType]dtypeInfo{
	Float32: {"f4", 4}, Float64: {"f8", 8},
	Int8: {"i1", 1}, Int16: {"i2", 2}, Int32: {"i4", 4}, Int64: {"i8", 8},
	Uint8: {"u1", 1}, Uint16: {"u2", 2}, Uint32: {"u4", 4}, Uint64: {"u8", 8},
}

// Size returns the number of bytes of one element (0 for unknown types).
func (d DataType) Size() int { return dtypes[d].size }

// IsFloat reports whether d is float32 or float64.
func (d DataType) IsFloat() bool { return d == Float32 || d == Float64 }

// Compressors.
const (
	None = ""
	Gzip = "gzip"
	Zstd = "zstd"
)

// Meta describes an array. Shape, DataType and Format are required when
// creating; Chunks defaults to Shape (one chunk), Format to 3.
type Meta struct {
	Format     int      // 2 or 3
	Shape      []int    // array shape, C order (last dimension fastest)
	Chunks     []int    // chunk shape
	DataType   DataType // element type
	Compressor string   // None, Gzip or Zstd
	Level      int      // compression level (gzip 1-9, zstd 1-22; 0 = codec default)
	FillValue  float64  // value of elements in chunks that are not stored
	// Attributes are user attributes (.zattrs in v2, "attributes" in v3).
	Attributes map[string]any
	// DimensionNames (v3 only, optional) name the axes.
	DimensionNames []string

	bigEndian bool   // stored byte order (read side only; ccc writes little-endian)
	sep       string // chunk key separator
	v2Keys    bool   // v3 array using the "v2" chunk key encoding
}

// NumElements is the product of Shape.
func (m *Meta) NumElements() int {
	n := 1
	for _, s := range m.Shape {
		n *= s
	}
	return n
}

// chunkGrid is the number of chunks along each dimension.
func (m *Meta) chunkGrid() []int {
	g := make([]int, len(m.Shape))
	for i := range m.Shape {
		g[i] = (m.Shape[i] + m.Chunks[i] - 1) / m.Chunks[i]
	}
	return g
}

// validate checks a Meta for internal consistency; path names the metadata
// file in errors (empty on the write side).
func (m *Meta) validate(path string) error {
	bad := func(msg string) error {
		if path == "" {
			return usageErr("%s", msg)
		}
		return formatErr(path, msg, nil)
	}
	if m.Format != 2 && m.Format != 3 {
		return bad(fmt.Sprintf("zarr_format %d not supported (2 or 3)", m.Format))
	}
	if _, ok := dtypes[m.DataType]; !ok {
		return bad(fmt.Sprintf("data type %q not supported (float32/64, int8..64, uint8..64)", m.DataType))
	}
	if len(m.Shape) == 0 || len(m.Shape) > 32 {
		return bad(fmt.Sprintf("%d dimensions not supported (1 to 32)", len(m.Shape)))
	}
	if len(m.Chunks) != len(m.Shape) {
		return bad(fmt.Sprintf("chunk shape %v does not match array shape %v", m.Chunks, m.Shape))
	}
	total := int64(1)
	chunkN := int64(1)
	for i := range m.Shape {
		if m.Shape[i] < 0 || m.Chunks[i] <= 0 {
			return bad(fmt.Sprintf("invalid shape %v / chunks %v", m.Shape, m.Chunks))
		}
		total *= int64(m.Shape[i])
		chunkN *= int64(m.Chunks[i])
		if total > 1<<40 || chunkN > 1<<31 {
			return bad(fmt.Sprintf("array shape %v / chunks %v too large", m.Shape, m.Chunks))
		}
	}
	switch m.Compressor {
	case None, Gzip, Zstd:
	default:
		return bad(fmt.Sprintf("compressor %q not supported (none, gzip, zstd)", m.Compressor))
	}
	return nil
}

// ---- Zarr v2 ----

type v2Array struct {
	ZarrFormat         int             `json:"zarr_format"`
	Shape              []int           `json:"shape"`
	Chunks             []int           `json:"chunks"`
	DType              json.RawMessage `json:"dtype"`
	Compressor         json.RawMessage `json:"compressor"`
	FillValue          json.RawMessage `json:"fill_value"`
	Order              string          `json:"order"`
	Filters            json.RawMessage `json:"filters"`
	DimensionSeparator string          `json:"dimension_separator,omitempty"`
}

type v2Codec struct {
	ID    string `json:"id"`
	Level *int   `json:"level,omitempty"`
	// numcodecs Zstd has "checksum": a frame carrying a content checksum
	// is verified on read whatever it says (written: false, no checksum).
}

func parseV2(path string, data, attrs []byte) (*Meta, error) {
	var a v2Array
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, formatErr(path, "invalid JSON in .zarray", err)
	}
	if a.ZarrFormat != 2 {
		return nil, formatErr(path, fmt.Sprintf("zarr_format is %d, want 2", a.ZarrFormat), nil)
	}
	m := &Meta{Format: 2, Shape: a.Shape, Chunks: a.Chunks, sep: "."}
	var dt string
	if err := json.Unmarshal(a.DType, &dt); err != nil {
		return nil, formatErr(path, "dtype must be a simple numpy type string like \"<f4\" (structured dtypes are not supported)", err)
	}
	if len(dt) != 3 {
		return nil, formatErr(path, fmt.Sprintf("dtype %q not supported", dt), nil)
	}
	switch dt[0] {
	case '<', '|':
	case '>':
		m.bigEndian = true
	default:
		return nil, formatErr(path, fmt.Sprintf("dtype %q: unknown byte order", dt), nil)
	}
	for name, info := range dtypes {
		if info.v2 == dt[1:] {
			m.DataType = name
		}
	}
	if m.DataType == "" {
		return nil, formatErr(path, fmt.Sprintf("dtype %q not supported (f4, f8, i1..i8, u1..u8)", dt), nil)
	}
	if m.DataType.Size() == 1 {
		m.bigEndian = false
	}
	if a.Order != "C" {
		return nil, formatErr(path, fmt.Sprintf("order %q not supported (only C)", a.Order), nil)
	}
	if f := bytes.TrimSpace(a.Filters); len(f) > 0 && !bytes.Equal(f, []byte("null")) && !bytes.Equal(f, []byte("[]")) {
		return nil, formatErr(path, "filters are not supported", nil)
	}
	switch a.DimensionSeparator {
	case "", ".":
	case "/":
		m.sep = "/"
	default:
		return nil, formatErr(path, fmt.Sprintf("dimension_separator %q not supported", a.DimensionSeparator), nil)
	}
	if c := bytes.TrimSpace(a.Compressor); len(c) > 0 && !bytes.Equal(c, []byte("null")) {
		var codec v2Codec
		if err := json.Unmarshal(c, &codec); err != nil {
			return nil, formatErr(path, "invalid compressor", err)
		}
		switch codec.ID {
		case "gzip":
			m.Compressor = Gzip
		case "zstd":
			m.Compressor = Zstd
		default:
			return nil, formatErr(path, fmt.Sprintf("compressor %q not supported (gzip, zstd or null)", codec.ID), nil)
		}
		if codec.Level != nil {
			m.Level = *codec.Level
		}
	}
	fv, err := parseFill(a.FillValue, m.DataType)
	if err != nil {
		return nil, formatErr(path, "invalid fill_value", err)
	}
	m.FillValue = fv
	if len(bytes.TrimSpace(attrs)) > 0 {
		if err := json.Unmarshal(attrs, &m.Attributes); err != nil {
			return nil, formatErr(filepath.Join(filepath.Dir(path), ".zattrs"), "invalid JSON in .zattrs", err)
		}
	}
	if err := m.validate(path); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Meta) marshalV2() ([]byte, []byte, error) {
	var comp any
	switch m.Compressor {
	case Gzip:
		lvl := m.Level
		if lvl == 0 {
			lvl = 5
		}
		comp = map[string]any{"id": "gzip", "level": lvl}
	case Zstd:
		lvl := m.Level
		if lvl == 0 {
			lvl = 3
		}
		comp = map[string]any{"id": "zstd", "level": lvl, "checksum": false}
	}
	fill, err := fillJSON(m.FillValue, m.DataType)
	if err != nil {
		return nil, nil, err
	}
	a := map[string]any{
		"zarr_format":         2,
		"shape":               m.Shape,
		"chunks":              m.Chunks,
		"dtype":               "<" + dtypes[m.DataType].v2,
		"compressor":          comp,
		"fill_value":          fill,
		"order":               "C",
		"filters":             nil,
		"dimension_separator": ".",
	}
	if m.DataType.Size() == 1 {
		a["dtype"] = "|" + dtypes[m.DataType].v2
	}
	b, err := json.MarshalIndent(a, "", "    ")
	if err != nil {
		return nil, nil, err
	}
	attrs := m.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	at, err := json.MarshalIndent(attrs, "", "    ")
	if err != nil {
		return nil, nil, usageErr("attributes are not JSON-encodable: %v", err)
	}
	return b, at, nil
}

// ---- Zarr v3 ----

type v3Array struct {
	ZarrFormat       int             `json:"zarr_format"`
	NodeType         string          `json:"node_type"`
	Shape            []int           `json:"shape"`
	DataType         json.RawMessage `json:"data_type"`
	ChunkGrid        v3Named         `json:"chunk_grid"`
	ChunkKeyEncoding v3Named         `json:"chunk_key_encoding"`
	FillValue        json.RawMessage `json:"fill_value"`
	Codecs           []v3Named       `json:"codecs"`
	Attributes       map[string]any  `json:"attributes,omitempty"`
	DimensionNames   []*string       `json:"dimension_names,omitempty"`
	StorageT         json.RawMessage `json:"storage_transformers,omitempty"`
}

type v3Named struct {
	Name          string         `json:"name"`
	Configuration map[string]any `json:"configuration,omitempty"`
}

func parseV3(path string, data []byte) (*Meta, error) {
	var a v3Array
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, formatErr(path, "invalid JSON in zarr.json", err)
	}
	if a.ZarrFormat != 3 {
		return nil, formatErr(path, fmt.Sprintf("zarr_format is %d, want 3", a.ZarrFormat), nil)
	}
	if a.NodeType != "array" {
		return nil, formatErr(path, fmt.Sprintf("node_type is %q, not an array", a.NodeType), nil)
	}
	if s := bytes.TrimSpace(a.StorageT); len(s) > 0 && !bytes.Equal(s, []byte("[]")) && !bytes.Equal(s, []byte("null")) {
		return nil, formatErr(path, "storage transformers are not supported", nil)
	}
	m := &Meta{Format: 3, Shape: a.Shape, Attributes: a.Attributes, sep: "/"}
	var dt string
	if err := json.Unmarshal(a.DataType, &dt); err != nil {
		return nil, formatErr(path, "data_type must be a string", err)
	}
	m.DataType = DataType(dt)
	if _, ok := dtypes[m.DataType]; !ok {
		return nil, formatErr(path, fmt.Sprintf("data_type %q not supported", dt), nil)
	}
	if a.ChunkGrid.Name != "regular" {
		return nil, formatErr(path, fmt.Sprintf("chunk_grid %q not supported (regular)", a.ChunkGrid.Name), nil)
	}
	cs, ok := a.ChunkGrid.Configuration["chunk_shape"].([]any)
	if !ok {
		return nil, formatErr(path, "chunk_grid has no chunk_shape", nil)
	}
	for _, v := range cs {
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || f < 1 || f > 1<<31 {
			return nil, formatErr(path, fmt.Sprintf("invalid chunk_shape %v", cs), nil)
		}
		m.Chunks = append(m.Chunks, int(f))
	}
	switch a.ChunkKeyEncoding.Name {
	case "default", "":
		m.sep = "/"
	case "v2":
		m.sep = "."
		m.v2Keys = true
	default:
		return nil, formatErr(path, fmt.Sprintf("chunk_key_encoding %q not supported", a.ChunkKeyEncoding.Name), nil)
	}
	if s, ok := a.ChunkKeyEncoding.Configuration["separator"].(string); ok {
		if s != "/" && s != "." {
			return nil, formatErr(path, fmt.Sprintf("chunk key separator %q not supported", s), nil)
		}
		m.sep = s
	}
	sawBytes := false
	for i, c := range a.Codecs {
		switch c.Name {
		case "bytes":
			if sawBytes || i != 0 {
				return nil, formatErr(path, "codec \"bytes\" must come first and once (array-to-array codecs such as transpose are not supported)", nil)
			}
			sawBytes = true
			if e, ok := c.Configuration["endian"].(string); ok {
				switch e {
				case "little":
				case "big":
					m.bigEndian = m.DataType.Size() > 1
				default:
					return nil, formatErr(path, fmt.Sprintf("bytes codec endian %q", e), nil)
				}
			}
		case "gzip", "zstd":
			if !sawBytes || m.Compressor != None {
				return nil, formatErr(path, fmt.Sprintf("codec %q must follow \"bytes\" and be the only compressor", c.Name), nil)
			}
			m.Compressor = c.Name
			if l, ok := c.Configuration["level"].(float64); ok {
				m.Level = int(l)
			}
		default:
			return nil, formatErr(path, fmt.Sprintf("codec %q not supported (bytes, gzip, zstd)", c.Name), nil)
		}
	}
	if !sawBytes {
		return nil, formatErr(path, "codecs lack the \"bytes\" codec", nil)
	}
	for _, n := range a.DimensionNames {
		if n == nil {
			m.DimensionNames = append(m.DimensionNames, "")
		} else {
			m.DimensionNames = append(m.DimensionNames, *n)
		}
	}
	fv, err := parseFill(a.FillValue, m.DataType)
	if err != nil {
		return nil, formatErr(path, "invalid fill_value", err)
	}
	m.FillValue = fv
	if err := m.validate(path); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Meta) marshalV3() ([]byte, error) {
	codecs := []v3Named{{Name: "bytes", Configuration: map[string]any{"endian": "little"}}}
	switch m.Compressor {
	case Gzip:
		lvl := m.Level
		if lvl == 0 {
			lvl = 5
		}
		codecs = append(codecs, v3Named{Name: "gzip", Configuration: map[string]any{"level": lvl}})
	case Zstd:
		lvl := m.Level
		if lvl == 0 {
			lvl = 3
		}
		codecs = append(codecs, v3Named{Name: "zstd", Configuration: map[string]any{"level": lvl, "checksum": false}})
	}
	if m.DataType.Size() == 1 {
		codecs[0].Configuration = nil
	}
	fill, err := fillJSON(m.FillValue, m.DataType)
	if err != nil {
		return nil, err
	}
	attrs := m.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	a := map[string]any{
		"zarr_format":        3,
		"node_type":          "array",
		"shape":              m.Shape,
		"data_type":          string(m.DataType),
		"chunk_grid":         v3Named{Name: "regular", Configuration: map[string]any{"chunk_shape": m.Chunks}},
		"chunk_key_encoding": v3Named{Name: "default", Configuration: map[string]any{"separator": "/"}},
		"fill_value":         fill,
		"codecs":             codecs,
		"attributes":         attrs,
	}
	if len(m.DimensionNames) > 0 {
		if len(m.DimensionNames) != len(m.Shape) {
			return nil, usageErr("%d dimension names for %d dimensions", len(m.DimensionNames), len(m.Shape))
		}
		a["dimension_names"] = m.DimensionNames
	}
	b, err := json.MarshalIndent(a, "", "    ")
	if err != nil {
		return nil, usageErr("metadata is not JSON-encodable: %v", err)
	}
	return b, nil
}

// ---- fill values ----

func parseFill(raw json.RawMessage, dt DataType) (float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		if strings.HasPrefix(s, "0x") && dt.IsFloat() {
			u, err := strconv.ParseUint(s[2:], 16, 64)
			if err != nil {
				return 0, err
			}
			if dt == Float32 {
				return float64(math.Float32frombits(uint32(u))), nil
			}
			return math.Float64frombits(u), nil
		}
		return 0, fmt.Errorf("unknown fill value %q", s)
	}
	if bytes.Equal(raw, []byte("true")) {
		return 1, nil
	}
	if bytes.Equal(raw, []byte("false")) {
		return 0, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, err
	}
	return f, nil
}

func fillJSON(v float64, dt DataType) (any, error) {
	switch {
	case math.IsNaN(v):
		if !dt.IsFloat() {
			return nil, usageErr("fill value NaN for integer type %s", dt)
		}
		return "NaN", nil
	case math.IsInf(v, 1):
		return "Infinity", nil
	case math.IsInf(v, -1):
		return "-Infinity", nil
	}
	if !dt.IsFloat() {
		if v != math.Trunc(v) {
			return nil, usageErr("fill value %v for integer type %s", v, dt)
		}
		return int64(v), nil
	}
	return v, nil
}

// readMeta loads the metadata of the array in dir, v3 first.
func readMeta(dir string) (*Meta, error) {
	p3 := filepath.Join(dir, "zarr.json")
	if b, err := os.ReadFile(p3); err == nil {
		return parseV3(p3, b)
	}
	p2 := filepath.Join(dir, ".zarray")
	b, err := os.ReadFile(p2)
	if err != nil {
		return nil, &ccc.Error{Op: "open zarr", Path: dir, Row: -1, Msg: "no Zarr array here (neither zarr.json nor .zarray)", Kind: ccc.ErrNotFound, Err: err}
	}
	attrs, _ := os.ReadFile(filepath.Join(dir, ".zattrs"))
	return parseV2(p2, b, attrs)
}
