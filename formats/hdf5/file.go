package hdf5

/*
#cgo pkg-config: hdf5
#include "helpers.h"
*/
import "C"

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// mu serializes every call into libhdf5: the library is thread-safe only
// when built so (Debian's 1.10 package is, with one global lock inside;
// other builds are not). Unexported functions taking hid_t arguments
// expect it to be held.
var mu sync.Mutex

// lock takes mu, pins the goroutine to its OS thread and switches off
// libhdf5's automatic error printing for that thread: in thread-safe builds
// the error-stack settings are per thread, and a goroutine that is not
// pinned may make its next libhdf5 call from another thread, whose errors
// libhdf5 would print to stderr. unlock undoes both.
func lock() {
	mu.Lock()
	runtime.LockOSThread()
	if !opened {
		// the library starts on first use, not in init: a ccc process
		// that reads no HDF5 file does not pay for it (issue 18)
		C.H5open()
		opened = true
	}
	C.ccc_silence()
}

// opened reports whether H5open ran (mu held).
var opened bool

// unlock releases what lock took.
func unlock() {
	runtime.UnlockOSThread()
	mu.Unlock()
}

// File is an HDF5 file opened read-only (Open) or for writing (Create).
type File struct {
	path     string
	id       C.hid_t
	writable bool
	refCache map[uint64]string
	size     int64         // bytes of the file at Open (0: unknown, e.g. being written)
	open     []openDataset // most recently used first, at most maxOpen
	chunks   chunkCache    // decoded chunks of the direct path (chunks.go)
}

// openDataset is a dataset kept open between reads so that its chunk
// cache (libhdf5 keeps one per open dataset) serves consecutive slices.
type openDataset struct {
	path string
	id   C.hid_t
}

const maxOpen = 8

// dataset returns an open identifier for the dataset at p from the small
// LRU of open datasets (the caller must not close it); mu held.
func (f *File) dataset(p string) C.hid_t {
	for i, o := range f.open {
		if o.path == p {
			copy(f.open[1:i+1], f.open[:i])
			f.open[0] = o
			return o.id
		}
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	// a larger chunk cache than libhdf5 1.10's 1 MiB default for the
	// datasets the direct path does not handle (HDF5 2.0 uses 8 MiB)
	dapl := C.H5Pcreate(C.ccc_dapl())
	C.H5Pset_chunk_cache(dapl, 8191, 8<<20, 0.75)
	id := C.H5Dopen2(f.id, cp, dapl)
	C.H5Pclose(dapl)
	if id < 0 {
		return id
	}
	if len(f.open) == maxOpen {
		C.H5Dclose(f.open[maxOpen-1].id)
		f.open = f.open[:maxOpen-1]
	}
	f.open = append([]openDataset{{path: p, id: id}}, f.open...)
	return id
}

// Open opens an HDF5 file read-only. Only the superblock and root group are
// read. A file without the HDF5 signature gives ErrNotHDF5, one libhdf5
// cannot open (truncated, damaged) ErrCorrupt; both name the path.
func Open(p string) (*File, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, newErr("open hdf5", p, "", ErrNoObject, "file does not exist", err)
	}
	if st.IsDir() {
		return nil, newErr("open hdf5", p, "", ErrNotHDF5, "is a directory, not an HDF5 file", nil)
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	lock()
	defer unlock()
	is := C.H5Fis_hdf5(cp)
	if is <= 0 {
		return nil, newErr("open hdf5", p, "", ErrNotHDF5, fmt.Sprintf("not an HDF5 file (no HDF5 signature in %d bytes)", st.Size()), nil)
	}
	fapl := C.H5Pcreate(C.ccc_fapl())
	defer C.H5Pclose(fapl)
	C.H5Pset_fclose_degree(fapl, C.H5F_CLOSE_STRONG)
	id := C.H5Fopen(cp, C.H5F_ACC_RDONLY, fapl)
	if id < 0 {
		return nil, newErr("open hdf5", p, "", ErrCorrupt,
			fmt.Sprintf("HDF5 signature present but libhdf5 cannot open the file (%d bytes): truncated or corrupt", st.Size()), nil)
	}
	return &File{path: p, id: id, refCache: map[uint64]string{}, size: st.Size()}, nil
}

// Path returns the file's path as given to Open or Create.
func (f *File) Path() string { return f.path }

// Close releases the file. Using the File afterwards returns ErrClosed.
func (f *File) Close() error {
	lock()
	defer unlock()
	if f.id <= 0 {
		return nil
	}
	for _, o := range f.open {
		C.H5Dclose(o.id)
	}
	f.open = nil
	f.chunks = chunkCache{}
	r := C.H5Fclose(f.id)
	f.id = -1
	if r < 0 {
		return newErr("close hdf5", f.path, "", ErrCorrupt, "H5Fclose failed", nil)
	}
	return nil
}

func (f *File) check() error {
	if f.id <= 0 {
		return ErrClosed
	}
	return nil
}

// clean normalizes an in-file path to an absolute one.
func clean(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return path.Clean(p)
}

// ObjectType is the kind of object a path names.
type ObjectType int

// Object types.
const (
	TypeUnknown ObjectType = iota
	TypeGroup
	TypeDataset
	TypeNamedDatatype
)

func (t ObjectType) String() string {
	switch t {
	case TypeGroup:
		return "group"
	case TypeDataset:
		return "dataset"
	case TypeNamedDatatype:
		return "datatype"
	}
	return "unknown"
}

// Exists reports whether p names an object (following soft links).
func (f *File) Exists(p string) bool {
	_, err := f.TypeOf(p)
	return err == nil
}

// TypeOf returns the type of the object at p (soft links followed).
func (f *File) TypeOf(p string) (ObjectType, error) {
	p = clean(p)
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return 0, err
	}
	t, _, err := f.objInfo(p)
	return t, err
}

// objInfo returns type and address; mu held.
func (f *File) objInfo(p string) (ObjectType, uint64, error) {
	if p != "/" && !f.pathExists(p) {
		return 0, 0, newErr("read hdf5", f.path, p, ErrNoObject, "", nil)
	}
	cp := C.CString(p)
	defer C.free(unsafe.Pointer(cp))
	var info C.H5O_info_t
	if C.H5Oget_info_by_name2(f.id, cp, &info, C.H5O_INFO_BASIC, C.H5P_DEFAULT) < 0 {
		return 0, 0, newErr("read hdf5", f.path, p, ErrNoObject, "cannot resolve object (dangling link?)", nil)
	}
	t := TypeUnknown
	switch info._type {
	case C.H5O_TYPE_GROUP:
		t = TypeGroup
	case C.H5O_TYPE_DATASET:
		t = TypeDataset
	case C.H5O_TYPE_NAMED_DATATYPE:
		t = TypeNamedDatatype
	}
	return t, uint64(info.addr), nil
}

// pathExists checks each component with H5Lexists (which fails, rather
// than returning false, when an intermediate component is missing); mu held.
func (f *File) pathExists(p string) bool {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := ""
	for _, part := range parts {
		cur += "/" + part
		cp := C.CString(cur)
		r := C.H5Lexists(f.id, cp, C.H5P_DEFAULT)
		C.free(unsafe.Pointer(cp))
		if r <= 0 {
			return false
		}
		// the component must resolve to an object for the next step
		cp = C.CString(cur)
		r2 := C.H5Oexists_by_name(f.id, cp, C.H5P_DEFAULT)
		C.free(unsafe.Pointer(cp))
		if r2 <= 0 {
			return false
		}
	}
	return true
}

// Group returns the group at p.
func (f *File) Group(p string) (*Group, error) {
	p = clean(p)
	t, err := f.TypeOf(p)
	if err != nil {
		return nil, err
	}
	if t != TypeGroup {
		return nil, newErr("read hdf5", f.path, p, ErrNoObject, "is a "+t.String()+", not a group", nil)
	}
	return &Group{object{f, p}}, nil
}

// Root returns the root group.
func (f *File) Root() *Group { return &Group{object{f, "/"}} }

// Dataset opens the dataset at p and reads its metadata (not its values).
func (f *File) Dataset(p string) (*Dataset, error) {
	p = clean(p)
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	t, _, err := f.objInfo(p)
	if err != nil {
		return nil, err
	}
	if t != TypeDataset {
		return nil, newErr("read hdf5", f.path, p, ErrNoObject, "is a "+t.String()+", not a dataset", nil)
	}
	return f.datasetMeta(p)
}

// LinkKind is how a group member is linked.
type LinkKind int

// Link kinds.
const (
	LinkHard LinkKind = iota
	LinkSoft
	LinkExternal
)

func (k LinkKind) String() string {
	switch k {
	case LinkSoft:
		return "soft"
	case LinkExternal:
		return "external"
	}
	return "hard"
}

// Member is one link in a group.
type Member struct {
	Name   string
	Path   string     // absolute path of the link
	Link   LinkKind   // hard, soft or external
	Target string     // soft link target path ("" for hard links)
	Type   ObjectType // type of the object linked to (TypeUnknown when dangling)
	Addr   uint64     // address of the object in the file (identifies hard links to one object)
}

// Members lists a group's links in name order. Soft links are reported with
// their target and the type of the object they resolve to.
func (g *Group) Members() ([]Member, error) {
	f := g.f
	lock()
	defer unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	cp := C.CString(g.path)
	defer C.free(unsafe.Pointer(cp))
	gid := C.H5Gopen2(f.id, cp, C.H5P_DEFAULT)
	if gid < 0 {
		return nil, newErr("read hdf5", f.path, g.path, ErrNoObject, "cannot open group", nil)
	}
	defer C.H5Gclose(gid)
	var gi C.H5G_info_t
	if C.H5Gget_info(gid, &gi) < 0 {
		return nil, newErr("read hdf5", f.path, g.path, ErrCorrupt, "cannot read group info", nil)
	}
	dot := C.CString(".")
	defer C.free(unsafe.Pointer(dot))
	out := make([]Member, 0, int(gi.nlinks))
	for i := C.hsize_t(0); i < gi.nlinks; i++ {
		n := C.H5Lget_name_by_idx(gid, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, nil, 0, C.H5P_DEFAULT)
		if n < 0 {
			return nil, newErr("read hdf5", f.path, g.path, ErrCorrupt, fmt.Sprintf("cannot read name of link %d", i), nil)
		}
		buf := (*C.char)(C.malloc(C.size_t(n + 1)))
		C.H5Lget_name_by_idx(gid, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, buf, C.size_t(n+1), C.H5P_DEFAULT)
		name := C.GoString(buf)
		m := Member{Name: name, Path: path.Join(g.path, name)}
		var li C.H5L_info_t
		if C.H5Lget_info(gid, buf, &li, C.H5P_DEFAULT) >= 0 {
			switch li._type {
			case C.H5L_TYPE_SOFT:
				m.Link = LinkSoft
				sz := C.ccc_link_val_size(&li)
				tb := (*C.char)(C.malloc(sz + 1))
				if C.H5Lget_val(gid, buf, unsafe.Pointer(tb), sz+1, C.H5P_DEFAULT) >= 0 {
					m.Target = C.GoString(tb)
				}
				C.free(unsafe.Pointer(tb))
			case C.H5L_TYPE_EXTERNAL:
				m.Link = LinkExternal
			}
		}
		if m.Link != LinkExternal {
			var oi C.H5O_info_t
			if C.H5Oget_info_by_name2(gid, buf, &oi, C.H5O_INFO_BASIC, C.H5P_DEFAULT) >= 0 {
				m.Addr = uint64(oi.addr)
				switch oi._type {
				case C.H5O_TYPE_GROUP:
					m.Type = TypeGroup
				case C.H5O_TYPE_DATASET:
					m.Type = TypeDataset
				case C.H5O_TYPE_NAMED_DATATYPE:
					m.Type = TypeNamedDatatype
				}
			}
		}
		C.free(unsafe.Pointer(buf))
		out = append(out, m)
	}
	return out, nil
}

// Walk calls fn for every link below g, depth first in name order. Soft
// links are reported but not followed, and a group reached again through
// another hard link is reported but not entered again (so cycles cannot
// loop). Returning an error from fn stops the walk.
func (g *Group) Walk(fn func(m Member) error) error {
	return g.walk(fn, map[uint64]bool{}, 0)
}

func (g *Group) walk(fn func(m Member) error, seen map[uint64]bool, depth int) error {
	if depth > 256 {
		return newErr("read hdf5", g.f.path, g.path, ErrCorrupt, "groups nested more than 256 deep", nil)
	}
	ms, err := g.Members()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := fn(m); err != nil {
			return err
		}
		if m.Link == LinkHard && m.Type == TypeGroup && !seen[m.Addr] {
			seen[m.Addr] = true
			if err := (&Group{object{g.f, m.Path}}).walk(fn, seen, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// Group returns the child group name (relative or absolute path).
func (g *Group) Group(name string) (*Group, error) { return g.f.Group(g.join(name)) }

// Dataset returns the child dataset name (relative or absolute path).
func (g *Group) Dataset(name string) (*Dataset, error) { return g.f.Dataset(g.join(name)) }

// Has reports whether a relative or absolute path exists below g.
func (g *Group) Has(name string) bool { return g.f.Exists(g.join(name)) }

func (o *object) join(name string) string {
	if strings.HasPrefix(name, "/") {
		return clean(name)
	}
	return clean(path.Join(o.path, name))
}
