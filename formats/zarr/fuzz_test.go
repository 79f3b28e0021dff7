package zarr

import (
	"errors"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(`{"zarr_format":3,"node_type":"array","shape":[4,5],"data_type":"float32","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2,2]}},"chunk_key_encoding":{"name":"default","configuration":{"separator":"/"}},"fill_value":"NaN","codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":3}}],"attributes":{"a":1}}`), []byte(nil), true)
	f.Add([]byte(`{"zarr_format":2,"shape":[4,5],"chunks":[2,2],"dtype":"<u2","compressor":{"id":"gzip","level":5},"fill_value":0,"order":"C","filters":null}`), []byte(`{"units":"um"}`), false)
	f.Add([]byte(`{"zarr_format":2,"shape":[4],"chunks":[0],"dtype":">f8","compressor":null,"fill_value":"-Infinity","order":"C"}`), []byte(`{"a":[1,{"b":null}]}`), false)
	f.Fuzz(func(t *testing.T, data, attrs []byte, v3 bool) {
		var m *Meta
		var err error
		if v3 {
			m, err = parseV3("zarr.json", data)
		} else {
			m, err = parseV2(".zarray", data, attrs)
		}
		if err != nil {
			if !errors.Is(err, ccc.ErrFormat) {
				t.Fatalf("error of wrong kind: %v", err)
			}
			return
		}
		if err := m.validate("x"); err != nil {
			t.Fatalf("parsed metadata does not validate: %v", err)
		}
	})
}

func FuzzDecodeChunk(f *testing.F) {
	raw := make([]byte, 64)
	for i := range raw {
		raw[i] = byte(i)
	}
	gz, _ := encode(Gzip, 5, raw)
	zs, _ := encode(Zstd, 3, raw)
	f.Add(gz, uint8(1))
	f.Add(zs, uint8(2))
	f.Add(raw, uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, c uint8) {
		comp := []string{None, Gzip, Zstd}[c%3]
		out, err := decodeChunk("c/0", comp, b, 64, nil)
		if err != nil {
			if !errors.Is(err, ccc.ErrFormat) {
				t.Fatalf("error of wrong kind: %v", err)
			}
			return
		}
		if len(out) != 64 {
			t.Fatalf("decoded %d bytes without error", len(out))
		}
	})
}
