//go:build !linux

package projection

import "os"

// mapFile is Linux-only; elsewhere grids are read with pread.
func mapFile(f *os.File, size int64) []byte { return nil }

func unmapFile(m []byte) {}
