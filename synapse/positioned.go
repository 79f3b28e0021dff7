package synapse

import (
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
)

// Positioned reads. A process that answers one query and exits (the CLI)
// touches each index page once: a page fault on a mapped file maps 64 KB
// around the page (fault-around), costs about 2 us, and the exit unmaps it
// again, so a query that touches a few thousand scattered rows spends most
// of its time in the kernel and holds hundreds of MB of mapped pages. With
// positioned reads the rows a query needs are read with pread(2) instead,
// nearby rows in one read (about 0.5 us each, nothing mapped). Long-lived
// processes (the server, 'ccc synapses bench') keep the default: their
// mapped pages stay resident between queries and cost nothing once touched.

// The column files read by positioned reads, by position in colFiles.
const (
	colPre = iota
	colPost
	colPerm
	colID
	colSize
)

var colFileNames = [...]string{colPre: "pre.u32", colPost: "post.u32", colPerm: "post_perm.u32", colID: "id.i64", colSize: "size.f64"}

type colFiles [len(colFileNames)]*os.File

// UsePositionedReads switches the index to positioned reads for the
// selective queries (rows of a few neurons) and their output columns; scans
// of the whole table keep reading the mapped files. Meant for a process
// that runs one query. Close releases the files.
func (ix *Index) UsePositionedReads() error {
	if ix.files != nil {
		return nil
	}
	fs := &colFiles{}
	for c, name := range colFileNames {
		f, err := os.Open(filepath.Join(ix.dir, name))
		if err != nil {
			fs.close()
			return &ccc.Error{Op: "open synapse index", Path: filepath.Join(ix.dir, name), Row: -1, Msg: "cannot open index file",
				Hint: "re-run 'ccc synapses ingest'", Kind: ccc.ErrFormat, Err: err}
		}
		fs[c] = f
	}
	ix.files = fs
	return nil
}

func (fs *colFiles) close() {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// file is column c's file for positioned reads, nil without them.
func (ix *Index) file(c int) *os.File {
	if ix.files == nil {
		return nil
	}
	return ix.files[c]
}

// readRange reads the len(dst) elements from element lo of a column file.
func readRange[T any](f *os.File, lo uint64, dst []T) error {
	if len(dst) == 0 {
		return nil
	}
	var z T
	es := uint64(unsafe.Sizeof(z))
	b := unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), len(dst)*int(es))
	if _, err := f.ReadAt(b, int64(lo*es)); err != nil {
		// the sizes were checked against meta.json when the index was
		// opened: a short read means the file changed since
		return &ccc.Error{Op: "read synapse index", Path: f.Name(), Row: -1, Msg: fmt.Sprintf("cannot read %d bytes at offset %d", len(b), lo*es),
			Hint: "the index file changed or is damaged; run 'ccc check' and re-run 'ccc synapses ingest'", Kind: ccc.ErrFormat, Err: err}
	}
	return nil
}

// gapBytes is how far apart two wanted elements may be and still be read
// in one pread: reading a page of unwanted bytes is cheaper than a call.
const gapBytes = 4096

// maxRunBytes bounds one read (and the scratch buffer).
const maxRunBytes = 1 << 20

// gatherer reads the elements of ascending (or any) row numbers of one
// column, coalescing nearby rows into one read. Its scratch buffer is
// reused between calls.
type gatherer struct {
	buf []uint64 // 8-byte aligned for every element type
}

// runs counts the reads gather would make for rows.
func runs(rows []uint32, es int) int {
	gap := uint32(gapBytes / es)
	maxRun := uint32(maxRunBytes / es)
	n := 0
	for k := 0; k < len(rows); {
		start, end := rows[k], rows[k]
		k++
		for k < len(rows) && rows[k] >= end && rows[k]-end <= gap && rows[k]-start < maxRun {
			end = rows[k]
			k++
		}
		n++
	}
	return n
}

// faultBytes is what one page fault on a mapped file maps (the kernel's
// fault-around); a variable so that tests can force positioned reads on
// small files.
var faultBytes = 64 << 10

// gather fills dst[k] = column[rows[k]] (rows ascending) from f, or from
// the mapping m when that is cheaper: without positioned reads, or when the
// rows need more reads than half the fault-around blocks their range spans
// (most blocks are hit anyway, and a fault maps a block without a copy).
func gather[T any](g *gatherer, f *os.File, m []T, rows []uint32, dst []T) error {
	var z T
	es := int(unsafe.Sizeof(z))
	if len(rows) == 0 {
		return nil
	}
	first, last := rows[0], rows[len(rows)-1]
	if f == nil || last < first || runs(rows, es) > (int(last-first)+1)*es/faultBytes/2 {
		for k, r := range rows {
			dst[k] = m[r]
		}
		return nil
	}
	gap := uint32(gapBytes / es)
	maxRun := uint32(maxRunBytes / es)
	for k := 0; k < len(rows); {
		start, end := rows[k], rows[k]
		j := k + 1
		for j < len(rows) && rows[j] >= end && rows[j]-end <= gap && rows[j]-start < maxRun {
			end = rows[j]
			j++
		}
		n := int(end-start) + 1
		if len(g.buf)*8 < n*es {
			g.buf = make([]uint64, (n*es+7)/8)
		}
		vals := unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(g.buf))), n)
		if err := readRange(f, uint64(start), vals); err != nil {
			return err
		}
		for ; k < j; k++ {
			dst[k] = vals[rows[k]-start]
		}
	}
	return nil
}
