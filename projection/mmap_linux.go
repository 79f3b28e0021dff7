package projection

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only (nil when it cannot:
// the caller then reads with pread). size must not exceed the file.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || size != int64(int(size)) {
		return nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	_ = syscall.Madvise(m, syscall.MADV_SEQUENTIAL)
	return m
}

func unmapFile(m []byte) { _ = syscall.Munmap(m) }
