package nrrd

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// WriteOptions tune Write.
type WriteOptions struct {
	Encoding  string // "gzip" (default) or "raw"
	BigEndian bool   // write big-endian samples (default little)
	Level     int    // gzip level (default gzip.DefaultCompression)
}

// nrrdTypeName is the spelling written to headers (teem's own names for floats).
var nrrdTypeName = map[string]string{"int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16",
	"int32": "int32", "uint32": "uint32", "int64": "int64", "uint64": "uint64", "float32": "float", "float64": "double"}

// TypeOf returns the NRRD type name of a sample slice, "" when unsupported.
func TypeOf(data any) (string, int) {
	switch d := data.(type) {
	case []int8:
		return "int8", len(d)
	case []uint8:
		return "uint8", len(d)
	case []int16:
		return "int16", len(d)
	case []uint16:
		return "uint16", len(d)
	case []int32:
		return "int32", len(d)
	case []uint32:
		return "uint32", len(d)
	case []int64:
		return "int64", len(d)
	case []uint64:
		return "uint64", len(d)
	case []float32:
		return "float32", len(d)
	case []float64:
		return "float64", len(d)
	}
	return "", 0
}

// Write writes img as a NRRD0004 file with attached data. The header's
// Type, Dimension, Encoding and Endian are taken from img.Data and opts;
// Sizes, Space*, Spacings, Kinds and KeyValues are written as given.
func Write(w io.Writer, img *Image, opts WriteOptions) error {
	typ, n := TypeOf(img.Data)
	if typ == "" {
		return fmt.Errorf("%w: nrrd: unsupported data type %T", ccc.ErrUsage, img.Data)
	}
	h := img.Header
	if len(h.Sizes) == 0 {
		h.Sizes = []int{n}
	}
	if h.Len() != n {
		return fmt.Errorf("%w: nrrd: sizes %v hold %d samples, data has %d", ccc.ErrUsage, h.Sizes, h.Len(), n)
	}
	enc := opts.Encoding
	if enc == "" {
		enc = "gzip"
	}
	if enc != "gzip" && enc != "raw" {
		return fmt.Errorf("%w: nrrd: cannot write encoding %q", ccc.ErrUsage, enc)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "NRRD0004\n# written by ccc\ntype: %s\ndimension: %d\n", nrrdTypeName[typ], len(h.Sizes))
	if h.Space != "" {
		fmt.Fprintf(bw, "space: %s\n", h.Space)
	} else if h.SpaceDimension > 0 {
		fmt.Fprintf(bw, "space dimension: %d\n", h.SpaceDimension)
	}
	fmt.Fprintf(bw, "sizes:%s\n", ints(h.Sizes))
	if h.SpaceDirections != nil {
		var parts []string
		for _, d := range h.SpaceDirections {
			parts = append(parts, vec(d))
		}
		fmt.Fprintf(bw, "space directions: %s\n", strings.Join(parts, " "))
	} else if h.Spacings != nil {
		fmt.Fprintf(bw, "spacings:%s\n", floats(h.Spacings))
	}
	if h.Kinds != nil {
		fmt.Fprintf(bw, "kinds: %s\n", strings.Join(h.Kinds, " "))
	}
	order := binary.AppendByteOrder(binary.LittleEndian)
	if opts.BigEndian {
		order = binary.BigEndian
		fmt.Fprintf(bw, "endian: big\n")
	} else {
		fmt.Fprintf(bw, "endian: little\n")
	}
	fmt.Fprintf(bw, "encoding: %s\n", enc)
	if h.SpaceOrigin != nil {
		fmt.Fprintf(bw, "space origin: %s\n", vec(h.SpaceOrigin))
	}
	for k, v := range h.KeyValues {
		fmt.Fprintf(bw, "%s:=%s\n", k, v)
	}
	bw.WriteString("\n")
	var out io.Writer = bw
	var zw *gzip.Writer
	if enc == "gzip" {
		level := opts.Level
		if level == 0 {
			level = gzip.DefaultCompression
		}
		var err error
		if zw, err = gzip.NewWriterLevel(bw, level); err != nil {
			return err
		}
		out = zw
	}
	if err := encode(out, img.Data, order); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteFile writes img to path (atomically: a temporary file renamed into place).
func WriteFile(path string, img *Image, opts WriteOptions) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nrrd-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := Write(tmp, img, opts); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func encode(w io.Writer, data any, order binary.AppendByteOrder) error {
	const chunk = 1 << 16
	buf := make([]byte, 0, chunk*8)
	flush := func() error {
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	put := func(n int, f func(i int)) error {
		for i := 0; i < n; i++ {
			f(i)
			if len(buf) >= chunk*8-8 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	}
	switch d := data.(type) {
	case []uint8:
		_, err := w.Write(d)
		return err
	case []int8:
		return put(len(d), func(i int) { buf = append(buf, byte(d[i])) })
	case []int16:
		return put(len(d), func(i int) { buf = order.AppendUint16(buf, uint16(d[i])) })
	case []uint16:
		return put(len(d), func(i int) { buf = order.AppendUint16(buf, d[i]) })
	case []int32:
		return put(len(d), func(i int) { buf = order.AppendUint32(buf, uint32(d[i])) })
	case []uint32:
		return put(len(d), func(i int) { buf = order.AppendUint32(buf, d[i]) })
	case []int64:
		return put(len(d), func(i int) { buf = order.AppendUint64(buf, uint64(d[i])) })
	case []uint64:
		return put(len(d), func(i int) { buf = order.AppendUint64(buf, d[i]) })
	case []float32:
		return put(len(d), func(i int) { buf = order.AppendUint32(buf, math.Float32bits(d[i])) })
	case []float64:
		return put(len(d), func(i int) { buf = order.AppendUint64(buf, math.Float64bits(d[i])) })
	}
	return fmt.Errorf("nrrd: unsupported data type %T", data)
}

func ints(v []int) string {
	var b strings.Builder
	for _, x := range v {
		fmt.Fprintf(&b, " %d", x)
	}
	return b.String()
}

func floats(v []float64) string {
	var b strings.Builder
	for _, x := range v {
		if math.IsNaN(x) {
			b.WriteString(" nan")
		} else {
			fmt.Fprintf(&b, " %g", x)
		}
	}
	return b.String()
}

func vec(v []float64) string {
	if v == nil {
		return "none"
	}
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%g", x)
	}
	return "(" + strings.Join(parts, ",") + ")"
}
