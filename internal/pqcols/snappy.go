package pqcols

import (
	"io"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/snappy"
)

// s2Snappy is arrow-go's Snappy codec with klauspost/compress's
// implementation (s2 in Snappy-compatible mode: the same block format,
// encoded and decoded several times faster than github.com/golang/snappy).
// Registered for every Parquet read and write through arrow-go in a
// process that links this package.
type s2Snappy struct{}

func (s2Snappy) Encode(dst, src []byte) []byte { return s2.EncodeSnappy(dst, src) }

func (s2Snappy) EncodeLevel(dst, src []byte, _ int) []byte { return s2.EncodeSnappy(dst, src) }

// Decode panics on a corrupt block, as arrow-go's own Snappy codec does
// (hence: read only files known good, see the package doc).
func (s2Snappy) Decode(dst, src []byte) []byte {
	dst, err := snappy.Decode(dst, src)
	if err != nil {
		panic(err)
	}
	return dst
}

func (s2Snappy) NewReader(r io.Reader) io.ReadCloser { return io.NopCloser(snappy.NewReader(r)) }

func (s2Snappy) CompressBound(n int64) int64 { return int64(s2.MaxEncodedLen(int(n))) }

func (s2Snappy) NewWriter(w io.Writer) io.WriteCloser { return snappy.NewBufferedWriter(w) }

func (s s2Snappy) NewWriterLevel(w io.Writer, _ int) (io.WriteCloser, error) {
	return s.NewWriter(w), nil
}

func init() { compress.RegisterCodec(compress.Codecs.Snappy, s2Snappy{}) }
