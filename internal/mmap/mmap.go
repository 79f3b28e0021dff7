// Package mmap maps whole files read-only into memory (the synapse graph
// index, the raw blocks of HDF5 datasets).
package mmap

import (
	"fmt"
	"os"
	"syscall"
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
