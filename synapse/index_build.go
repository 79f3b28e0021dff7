package synapse

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/pqcols"
)

// IndexFormat is the version of the index layout (docs/formats/synapse-index.md).
const IndexFormat = 1

// IndexArtifact is the artifact name of the graph index in a dataset.
const IndexArtifact = "synapse/index"

// IndexMeta is meta.json of an index directory.
type IndexMeta struct {
	Format    int    `json:"format"`
	Rows      int64  `json:"rows"`
	Neurons   int    `json:"neurons"`
	SortedBy  string `json:"sorted_by"`
	Endian    string `json:"endian"`
	TableRows int64  `json:"table_rows"`
}

// readColumns streams the named int64/float64 columns of a Parquet file in
// batches; fn gets one array per name (same order).
func readColumns(ctx context.Context, path string, names []string, fn func(cols []arrow.Array) error) error {
	err := pqcols.Read(ctx, path, names, pqcols.Options{}, fn)
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return &ccc.Error{Op: "index", Path: path, Row: -1, Msg: "cannot read the Parquet table", Kind: ccc.ErrFormat, Err: err}
	}
	return err
}

func int64Values(a arrow.Array) ([]int64, error) {
	v, ok := a.(*array.Int64)
	if !ok {
		return nil, fmt.Errorf("%w: column type %s, want int64", ccc.ErrFormat, a.DataType())
	}
	return v.Int64Values(), nil
}

func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// BuildIndex writes the graph index of a Synapse Parquet table (sorted by
// pre_pt_root_id, as WriteTable writes it) into dir. Memory use is
// proportional to the number of neurons, not of synapses.
func BuildIndex(ctx context.Context, table, dir string) (*IndexMeta, error) {
	if !littleEndian() {
		return nil, fmt.Errorf("synapse index: big-endian machines are not supported")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// pass 1: the dictionary of root ids
	seen := map[int64]struct{}{}
	var last int64 = math.MinInt64
	var lastPost int64 = math.MinInt64
	var rows int64
	err := readColumns(ctx, table, []string{"pre_pt_root_id", "post_pt_root_id"}, func(c []arrow.Array) error {
		if c[0].NullN() > 0 || c[1].NullN() > 0 {
			return &ccc.Error{Op: "index", Path: table, Row: -1, Field: "pre_pt_root_id/post_pt_root_id", Msg: "null root id", Kind: ccc.ErrFormat}
		}
		pre, err := int64Values(c[0])
		if err != nil {
			return err
		}
		post, err := int64Values(c[1])
		if err != nil {
			return err
		}
		for i, p := range pre {
			if p != last {
				if p < last {
					return fmt.Errorf("%w (row %d)", ErrUnsorted, rows+int64(i))
				}
				seen[p] = struct{}{}
				last = p
			}
			if q := post[i]; q != lastPost {
				seen[q] = struct{}{}
				lastPost = q
			}
		}
		rows += int64(len(pre))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rows > math.MaxUint32 {
		return nil, fmt.Errorf("synapse index: %d rows exceed the 2^32 row limit of format %d", rows, IndexFormat)
	}
	roots := make([]int64, 0, len(seen))
	for r := range seen {
		roots = append(roots, r)
	}
	slices.Sort(roots)
	dense := make(map[int64]uint32, len(roots))
	for i, r := range roots {
		dense[r] = uint32(i)
	}
	n := len(roots)
	outDeg := make([]uint64, n+1)
	inDeg := make([]uint64, n+1)

	// pass 2: dense columns
	files := map[string]*os.File{}
	writers := map[string]*bufio.Writer{}
	for _, name := range []string{"pre.u32", "post.u32", "id.i64", "size.f64"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		files[name] = f
		writers[name] = bufio.NewWriterSize(f, 1<<20)
	}
	preBuf := make([]uint32, 0, 1<<17)
	postBuf := make([]uint32, 0, 1<<17)
	sizeBuf := make([]float64, 0, 1<<17)
	idBuf := make([]int64, 0, 1<<17)
	err = readColumns(ctx, table, []string{"id", "pre_pt_root_id", "post_pt_root_id", "size"}, func(c []arrow.Array) error {
		pre, err := int64Values(c[1])
		if err != nil {
			return err
		}
		post, err := int64Values(c[2])
		if err != nil {
			return err
		}
		ids, err := int64Values(c[0])
		if err != nil {
			return err
		}
		sz, ok := c[3].(*array.Float64)
		if !ok {
			return fmt.Errorf("%w: size column type %s, want double", ccc.ErrFormat, c[3].DataType())
		}
		preBuf, postBuf, sizeBuf, idBuf = preBuf[:0], postBuf[:0], sizeBuf[:0], idBuf[:0]
		var lastRoot int64 = math.MinInt64
		var lastIdx uint32
		var lastPostRoot int64 = math.MinInt64
		var lastPostIdx uint32
		for i, p := range pre {
			if p != lastRoot {
				lastRoot, lastIdx = p, dense[p]
			}
			q := post[i]
			if q != lastPostRoot {
				lastPostRoot, lastPostIdx = q, dense[q]
			}
			preBuf = append(preBuf, lastIdx)
			postBuf = append(postBuf, lastPostIdx)
			outDeg[lastIdx+1]++
			inDeg[lastPostIdx+1]++
			if sz.IsNull(i) {
				sizeBuf = append(sizeBuf, math.NaN())
			} else {
				sizeBuf = append(sizeBuf, sz.Value(i))
			}
			if c[0].IsNull(i) {
				idBuf = append(idBuf, 0)
			} else {
				idBuf = append(idBuf, ids[i])
			}
		}
		for name, b := range map[string][]byte{"pre.u32": asBytes(preBuf), "post.u32": asBytes(postBuf), "id.i64": asBytes(idBuf), "size.f64": asBytes(sizeBuf)} {
			if _, err := writers[name].Write(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, w := range writers {
		if err := w.Flush(); err != nil {
			return nil, err
		}
		if err := files[name].Close(); err != nil {
			return nil, err
		}
	}
	for i := 1; i <= n; i++ {
		outDeg[i] += outDeg[i-1]
		inDeg[i] += inDeg[i-1]
	}
	if err := writeFile(filepath.Join(dir, "roots.i64"), asBytes(roots)); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "pre_off.u64"), asBytes(outDeg)); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "post_off.u64"), asBytes(inDeg)); err != nil {
		return nil, err
	}
	// post permutation: a stable counting sort of the rows by post index
	// (rows are in (pre, post, id) order, so the result is (post, pre, id))
	if err := buildPostPerm(dir, rows, inDeg); err != nil {
		return nil, err
	}
	meta := &IndexMeta{Format: IndexFormat, Rows: rows, Neurons: n, SortedBy: "pre_pt_root_id,post_pt_root_id,id", Endian: "little", TableRows: rows}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := writeFile(filepath.Join(dir, "meta.json"), b); err != nil {
		return nil, err
	}
	return meta, nil
}

func writeFile(path string, b []byte) error {
	return os.WriteFile(path, b, 0o644)
}

func buildPostPerm(dir string, rows int64, postOff []uint64) error {
	post, pm, err := mmapFile(filepath.Join(dir, "post.u32"))
	if err != nil {
		return err
	}
	defer munmap(pm)
	posts := bytesAs[uint32](post)
	perm := make([]uint32, rows)
	cursor := slices.Clone(postOff[:len(postOff)-1])
	for r, p := range posts {
		perm[cursor[p]] = uint32(r)
		cursor[p]++
	}
	return writeFile(filepath.Join(dir, "post_perm.u32"), asBytes(perm))
}
