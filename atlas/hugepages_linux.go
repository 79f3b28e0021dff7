package atlas

import (
	"syscall"
	"unsafe"
)

// Linux madvise advice values (not all in package syscall).
const (
	madvHugePage = 14 // MADV_HUGEPAGE
	hugePageSize = 2 << 20
)

// adviseHugePages asks the kernel to back the 2 MiB-aligned interior of b
// with transparent huge pages (the "madvise" THP mode most distributions
// ship, and the mode NumPy uses for its own large arrays). A random lookup
// into a 300 MB annotation volume otherwise misses the TLB on almost every
// point; with 2 MiB pages the page walks mostly disappear. Best effort:
// errors (old kernels, THP disabled) leave ordinary pages, which are only
// slower. Call it before the memory is first written: pages already
// touched become huge pages only when khugepaged gets to them.
func adviseHugePages(b []byte) {
	if len(b) < 2*hugePageSize {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	off := int((hugePageSize - p%hugePageSize) % hugePageSize)
	n := (len(b) - off) &^ (hugePageSize - 1)
	if n <= 0 {
		return
	}
	r := b[off : off+n]
	_ = syscall.Madvise(r, madvHugePage)
}
