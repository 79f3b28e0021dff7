// Package mmap maps whole files read-only into memory (the synapse graph
// index, the raw blocks of HDF5 datasets) and advises large, sparsely
// written buffers to transparent huge pages (HugePages).
package mmap

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// Open maps the file at path read-only and returns its bytes and size at
// the time of mapping; an empty file gives nil. Release with Close.
func Open(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return nil, nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return m, nil
}

// Close unmaps what Open mapped (nil is fine).
func Close(m []byte) {
	if m != nil {
		_ = syscall.Munmap(m)
	}
}

// hugePage is the size of a transparent huge page on x86-64 and arm64
// (4 KiB base pages).
const hugePage = 2 << 20

// HugePages asks the kernel to back the 2 MiB-aligned part of b with
// transparent huge pages (madvise MADV_HUGEPAGE; the systems' default
// THP mode, "madvise", only does so when asked). For large buffers that
// are written sparsely for the first time (the gene columns of a CSR
// extraction): one fault per 2 MiB instead of one per 4 KiB page. Call it
// before the first write; a kernel without THP ignores it.
func HugePages(b []byte) {
	if len(b) < 2*hugePage {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo := (p + hugePage - 1) &^ (hugePage - 1)
	hi := (p + uintptr(len(b))) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	_ = syscall.Madvise(b[lo-p:hi-p], syscall.MADV_HUGEPAGE)
}
