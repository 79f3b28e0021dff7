package zarr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/formats/internal/rawdata"
	"github.com/ccc-connectivity/ccc/internal/mmap"
)

// Number is the set of Go element types matching the supported data types.
type Number interface {
	~float32 | ~float64 | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Array is an open Zarr array in a directory.
type Array struct {
	Dir  string
	Meta Meta
}

// Create writes the metadata of a new array in dir (created if needed) and
// returns it for chunk writes. Existing metadata of another format version
// is removed so the directory holds exactly one array.
func Create(dir string, m Meta) (*Array, error) {
	if m.Format == 0 {
		m.Format = 3
	}
	if len(m.Chunks) == 0 {
		m.Chunks = make([]int, len(m.Shape))
		for i, s := range m.Shape {
			m.Chunks[i] = max(s, 1)
		}
	}
	m.Shape = append([]int(nil), m.Shape...)
	m.Chunks = append([]int(nil), m.Chunks...)
	if err := m.validate(""); err != nil {
		return nil, err
	}
	m.bigEndian = false
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("zarr: %w", err)
	}
	if m.Format == 2 {
		m.sep = "."
		meta, attrs, err := m.marshalV2()
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, ".zarray"), meta); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, ".zattrs"), attrs); err != nil {
			return nil, err
		}
		os.Remove(filepath.Join(dir, "zarr.json"))
	} else {
		m.sep = "/"
		meta, err := m.marshalV3()
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, "zarr.json"), meta); err != nil {
			return nil, err
		}
		os.Remove(filepath.Join(dir, ".zarray"))
		os.Remove(filepath.Join(dir, ".zattrs"))
	}
	return &Array{Dir: dir, Meta: m}, nil
}

// Open reads the metadata of the array in dir (zarr.json or .zarray).
func Open(dir string) (*Array, error) {
	m, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	return &Array{Dir: dir, Meta: *m}, nil
}

// ChunkPath returns the file of the chunk at grid coordinates idx.
func (a *Array) ChunkPath(idx []int) string {
	parts := make([]string, len(idx))
	for i, v := range idx {
		parts[i] = strconv.Itoa(v)
	}
	key := strings.Join(parts, a.Meta.sep)
	if a.Meta.Format == 3 && !a.Meta.v2Keys {
		key = "c" + a.Meta.sep + key
	}
	return filepath.Join(a.Dir, filepath.FromSlash(key))
}

// chunkBytes is the decoded size of one chunk.
func (a *Array) chunkBytes() int {
	n := a.Meta.DataType.Size()
	for _, c := range a.Meta.Chunks {
		n *= c
	}
	return n
}

// WriteChunk encodes one chunk (C order, little-endian, exactly the chunk
// shape: edge chunks padded) and writes it atomically.
func (a *Array) WriteChunk(idx []int, raw []byte) error {
	if len(idx) != len(a.Meta.Shape) {
		return usageErr("chunk index %v for %d dimensions", idx, len(a.Meta.Shape))
	}
	g := a.Meta.chunkGrid()
	for i, v := range idx {
		if v < 0 || v >= g[i] {
			return usageErr("chunk index %v outside the chunk grid %v", idx, g)
		}
	}
	if len(raw) != a.chunkBytes() {
		return usageErr("chunk %v has %d bytes, want %d", idx, len(raw), a.chunkBytes())
	}
	enc, err := encode(a.Meta.Compressor, a.Meta.Level, raw)
	if err != nil {
		return err
	}
	p := a.ChunkPath(idx)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("zarr: %w", err)
	}
	return writeFileAtomic(p, enc)
}

// ReadChunk returns the decoded bytes of one chunk (little-endian, C order,
// full chunk shape), or ok=false when the chunk is not stored (all fill).
func (a *Array) ReadChunk(idx []int) (raw []byte, ok bool, err error) {
	return a.ReadChunkBuf(idx, nil)
}

// ChunkBuffers are a reader's buffers for ReadChunkBuf, reused from one
// chunk to the next (one per goroutine).
type ChunkBuffers struct {
	// Map: compressed chunks are decoded from the file mapped into memory
	// (internal/mmap) rather than read into a buffer first: one copy of
	// the chunk's bytes less. For files nothing truncates while they are
	// read (a store's immutable artifacts).
	Map bool

	file, raw []byte
}

// ReadChunkBuf is ReadChunk reading and decoding into buf's buffers (nil:
// new ones each call): no allocation, and no zeroing of a chunk's bytes,
// once they are as large as a chunk. The result is valid until the next
// call with the same buf.
func (a *Array) ReadChunkBuf(idx []int, buf *ChunkBuffers) (raw []byte, ok bool, err error) {
	p := a.ChunkPath(idx)
	if err := a.checkMemory(p, "chunk shape", a.Meta.Chunks, a.chunkBytes()/a.Meta.DataType.Size(), 0); err != nil {
		return nil, false, err
	}
	if buf == nil {
		buf = &ChunkBuffers{}
	}
	var b []byte
	if buf.Map && a.Meta.Compressor != None {
		b, err = mmap.Open(p)
		defer mmap.Close(b)
	} else {
		b, err = readFileInto(p, buf.file)
		buf.file = b
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, formatErr(p, "cannot read chunk", err)
	}
	raw, err = decodeChunk(p, a.Meta.Compressor, b, a.chunkBytes(), buf.raw)
	if err != nil {
		return nil, false, err
	}
	if a.Meta.Compressor != None {
		buf.raw = raw
	}
	if a.Meta.bigEndian {
		swapBytes(raw, a.Meta.DataType.Size())
	}
	return raw, true, nil
}

// readFileInto reads the file at path into buf (grown when too small).
func readFileInto(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// one byte more than the size: a file that grew is read to its end
	if n := int(fi.Size()) + 1; cap(buf) < n {
		buf = make([]byte, 0, n)
	}
	buf = buf[:0]
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// decodeChunk decompresses b and checks it decodes to exactly want bytes.
// dst is reused for the output when its capacity is want or more.
func decodeChunk(path, comp string, b []byte, want int, dst []byte) ([]byte, error) {
	if cap(dst) < want {
		dst = make([]byte, 0, want)
	}
	var out []byte
	switch comp {
	case None:
		out = b
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, formatErr(path, "corrupt gzip chunk", err)
		}
		buf := bytes.NewBuffer(dst[:0:want])
		if _, err := io.Copy(buf, io.LimitReader(zr, int64(want)+1)); err != nil {
			return nil, formatErr(path, "corrupt or truncated gzip chunk", err)
		}
		out = buf.Bytes()
	case Zstd:
		// a frame declaring more than a chunk holds is refused before decoding
		var zh zstd.Header
		if err := zh.Decode(b); err == nil && zh.HasFCS && !zh.Skippable && zh.FrameContentSize > uint64(want) {
			return nil, formatErr(path, fmt.Sprintf("zstd chunk declares %d bytes, want %d (wrong chunk shape or data type)", zh.FrameContentSize, want), nil)
		}
		// DecodeAll stops at the capacity (WithDecodeAllCapLimit): frames
		// without a declared size, or several frames, inflate at most want
		d := zstdDecoder()
		var err error
		out, err = d.DecodeAll(b, dst[:0:want])
		if err != nil {
			return nil, formatErr(path, "corrupt or truncated zstd chunk", err)
		}
	}
	if len(out) != want {
		return nil, formatErr(path, fmt.Sprintf("chunk decodes to %d bytes, want %d (truncated or wrong chunk shape)", len(out), want), nil)
	}
	return out, nil
}

var (
	zdecOnce sync.Once
	zdec     *zstd.Decoder
	zencs    sync.Map // level -> *zstd.Encoder
)

func zstdDecoder() *zstd.Decoder {
	zdecOnce.Do(func() {
		zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<32), zstd.WithDecodeAllCapLimit(true))
	})
	return zdec
}

func encode(comp string, level int, raw []byte) ([]byte, error) {
	switch comp {
	case Gzip:
		if level == 0 {
			level = 5
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, level)
		if err != nil {
			return nil, usageErr("gzip level %d: %v", level, err)
		}
		zw.Write(raw)
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case Zstd:
		if level == 0 {
			level = 3
		}
		e, ok := zencs.Load(level)
		if !ok {
			// no content checksum in the frames: the metadata declares
			// "checksum": false (numcodecs' default); a chunk written with
			// one is still verified on read
			enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false))
			if err != nil {
				return nil, usageErr("zstd level %d: %v", level, err)
			}
			e, _ = zencs.LoadOrStore(level, enc)
		}
		return e.(*zstd.Encoder).EncodeAll(raw, nil), nil
	}
	return raw, nil
}

// Write creates the array described by m in dir and writes data (C order,
// len = product of m.Shape) chunk by chunk. m.DataType is set from T when
// empty and must match T otherwise.
func Write[T Number](dir string, m Meta, data []T) (*Array, error) {
	dt := dataTypeOf[T]()
	if m.DataType == "" {
		m.DataType = dt
	}
	if m.DataType != dt {
		return nil, usageErr("data type %s does not match Go element type %s", m.DataType, dt)
	}
	if len(data) != m.NumElements() {
		return nil, usageErr("%d values for shape %v (%d elements)", len(data), m.Shape, m.NumElements())
	}
	a, err := Create(dir, m)
	if err != nil {
		return nil, err
	}
	src := asBytes(data)
	err = a.forEachChunk(func(idx []int, chunk []byte) error {
		fillBytes(chunk, a.Meta.FillValue, a.Meta.DataType)
		a.copyBlock(idx, src, chunk, true)
		return a.WriteChunk(idx, chunk)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Read opens the array in dir and returns its values as T, which must match
// the stored data type (use ReadFloat64 to convert).
func Read[T Number](dir string) ([]T, *Array, error) {
	a, err := Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if dt := dataTypeOf[T](); a.Meta.DataType != dt {
		return nil, nil, &ccc.Error{Op: "read zarr", Path: dir, Row: -1, Kind: ccc.ErrUsage,
			Msg: fmt.Sprintf("array holds %s, not %s", a.Meta.DataType, dt), Hint: "use zarr.ReadFloat64 to convert"}
	}
	if err := a.checkMemory(dir, "shape", a.Meta.Shape, a.Meta.NumElements(), 0); err != nil {
		return nil, nil, err
	}
	out := make([]T, a.Meta.NumElements())
	if err := a.readInto(asBytes(out)); err != nil {
		return nil, nil, err
	}
	return out, a, nil
}

// ReadFloat64 reads any supported array converting its values to float64.
func ReadFloat64(dir string) ([]float64, *Array, error) {
	a, err := Open(dir)
	if err != nil {
		return nil, nil, err
	}
	n := a.Meta.NumElements()
	if err := a.checkMemory(dir, "shape", a.Meta.Shape, n, 8); err != nil {
		return nil, nil, err
	}
	raw := make([]byte, n*a.Meta.DataType.Size())
	if err := a.readInto(raw); err != nil {
		return nil, nil, err
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = elemFloat(raw, i, a.Meta.DataType)
	}
	return out, a, nil
}

// checkMemory refuses to read n elements (plus extra bytes per element)
// when they need more than the machine's memory (or GOMEMLIMIT).
func (a *Array) checkMemory(path, field string, dims []int, n, extra int) error {
	need := int64(n) * int64(a.Meta.DataType.Size()+extra)
	if limit := rawdata.DefaultMaxBytes(); need > limit {
		return &ccc.Error{Op: "read zarr", Path: path, Row: -1, Field: field, Value: fmt.Sprint(dims), Kind: ccc.ErrInvalidData,
			Msg:  fmt.Sprintf("%s %v of %s needs %s of memory, more than the limit of %s", field, dims, a.Meta.DataType, rawdata.FormatBytes(need), rawdata.FormatBytes(limit)),
			Hint: "the metadata is corrupt, or read the array by chunks (ReadChunk) on a machine with more memory"}
	}
	return nil
}

// readInto fills dst (the whole array, little-endian) from the chunks.
func (a *Array) readInto(dst []byte) error {
	fillBytes(dst, a.Meta.FillValue, a.Meta.DataType)
	return a.forEachChunk(func(idx []int, _ []byte) error {
		raw, ok, err := a.ReadChunk(idx)
		if err != nil || !ok {
			return err
		}
		a.copyBlock(idx, dst, raw, false)
		return nil
	})
}

// forEachChunk calls fn for every chunk index with a scratch chunk buffer.
func (a *Array) forEachChunk(fn func(idx []int, chunk []byte) error) error {
	g := a.Meta.chunkGrid()
	for _, n := range g {
		if n == 0 {
			return nil
		}
	}
	buf := make([]byte, a.chunkBytes())
	idx := make([]int, len(g))
	for {
		if err := fn(idx, buf); err != nil {
			return err
		}
		d := len(g) - 1
		for d >= 0 {
			idx[d]++
			if idx[d] < g[d] {
				break
			}
			idx[d] = 0
			d--
		}
		if d < 0 {
			return nil
		}
	}
}

// copyBlock copies between the whole array arr and the chunk buffer chunk
// for chunk idx: toChunk copies array -> chunk, else chunk -> array.
func (a *Array) copyBlock(idx []int, arr, chunk []byte, toChunk bool) {
	m := &a.Meta
	nd := len(m.Shape)
	es := m.DataType.Size()
	lo := make([]int, nd)
	ext := make([]int, nd)
	for i := range nd {
		lo[i] = idx[i] * m.Chunks[i]
		ext[i] = min(m.Chunks[i], m.Shape[i]-lo[i])
	}
	// strides in elements
	astr := make([]int, nd)
	cstr := make([]int, nd)
	as, cs := 1, 1
	for i := nd - 1; i >= 0; i-- {
		astr[i], cstr[i] = as, cs
		as *= m.Shape[i]
		cs *= m.Chunks[i]
	}
	run := ext[nd-1] * es
	pos := make([]int, nd-1)
	for {
		ao, co := lo[nd-1], 0
		for i := 0; i < nd-1; i++ {
			ao += (lo[i] + pos[i]) * astr[i]
			co += pos[i] * cstr[i]
		}
		if toChunk {
			copy(chunk[co*es:co*es+run], arr[ao*es:ao*es+run])
		} else {
			copy(arr[ao*es:ao*es+run], chunk[co*es:co*es+run])
		}
		d := nd - 2
		for d >= 0 {
			pos[d]++
			if pos[d] < ext[d] {
				break
			}
			pos[d] = 0
			d--
		}
		if d < 0 {
			return
		}
	}
}

func dataTypeOf[T Number]() DataType {
	var z T
	switch reflect.TypeOf(z).Kind() {
	case reflect.Float32:
		return Float32
	case reflect.Float64:
		return Float64
	case reflect.Int8:
		return Int8
	case reflect.Int16:
		return Int16
	case reflect.Int32:
		return Int32
	case reflect.Int64:
		return Int64
	case reflect.Uint8:
		return Uint8
	case reflect.Uint16:
		return Uint16
	case reflect.Uint32:
		return Uint32
	default:
		return Uint64
	}
}

// asBytes views a slice of numbers as little-endian bytes (the host must be
// little-endian, which init checks).
func asBytes[T Number](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(z)))
}

func init() {
	var x uint16 = 1
	if *(*byte)(unsafe.Pointer(&x)) != 1 {
		panic("zarr: big-endian hosts are not supported")
	}
}

func swapBytes(b []byte, size int) {
	for i := 0; i+size <= len(b); i += size {
		for j := 0; j < size/2; j++ {
			b[i+j], b[i+size-1-j] = b[i+size-1-j], b[i+j]
		}
	}
}

func fillBytes(b []byte, v float64, dt DataType) {
	if v == 0 && !math.Signbit(v) {
		clear(b)
		return
	}
	es := dt.Size()
	var one [8]byte
	putElem(one[:], 0, v, dt)
	for i := 0; i+es <= len(b); i += es {
		copy(b[i:i+es], one[:es])
	}
}

func putElem(b []byte, i int, v float64, dt DataType) {
	le := binary.LittleEndian
	switch dt {
	case Float32:
		le.PutUint32(b[i*4:], math.Float32bits(float32(v)))
	case Float64:
		le.PutUint64(b[i*8:], math.Float64bits(v))
	case Int8:
		b[i] = byte(int8(v))
	case Uint8:
		b[i] = byte(uint8(v))
	case Int16:
		le.PutUint16(b[i*2:], uint16(int16(v)))
	case Uint16:
		le.PutUint16(b[i*2:], uint16(v))
	case Int32:
		le.PutUint32(b[i*4:], uint32(int32(v)))
	case Uint32:
		le.PutUint32(b[i*4:], uint32(v))
	case Int64:
		le.PutUint64(b[i*8:], uint64(int64(v)))
	case Uint64:
		le.PutUint64(b[i*8:], uint64(v))
	}
}

func elemFloat(b []byte, i int, dt DataType) float64 {
	le := binary.LittleEndian
	switch dt {
	case Float32:
		return float64(math.Float32frombits(le.Uint32(b[i*4:])))
	case Float64:
		return math.Float64frombits(le.Uint64(b[i*8:]))
	case Int8:
		return float64(int8(b[i]))
	case Uint8:
		return float64(b[i])
	case Int16:
		return float64(int16(le.Uint16(b[i*2:])))
	case Uint16:
		return float64(le.Uint16(b[i*2:]))
	case Int32:
		return float64(int32(le.Uint32(b[i*4:])))
	case Uint32:
		return float64(le.Uint32(b[i*4:]))
	case Int64:
		return float64(int64(le.Uint64(b[i*8:])))
	case Uint64:
		return float64(le.Uint64(b[i*8:]))
	}
	return 0
}

// writeFileAtomic writes b to path through a temporary file and a rename.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("zarr: %w", err)
	}
	tmp := f.Name()
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("zarr: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zarr: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zarr: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("zarr: write %s: %w", path, err)
	}
	return nil
}
