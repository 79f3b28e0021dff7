// Package sysmem tells how much memory a read may plan to use: the
// machine's physical memory, or Go's memory limit when that is lower. The
// readers of untrusted files (formats/*, internal/pqcols) refuse inputs
// whose headers declare more before they allocate anything.
package sysmem

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// fallbackMaxBytes is the memory bound when the machine's memory is unknown.
const fallbackMaxBytes = 16 << 30

var (
	defaultOnce sync.Once
	defaultMax  int64
)

// DefaultMaxBytes is the memory a read may need when the caller sets no
// bound: the machine's physical memory (MemTotal), or Go's memory limit
// (GOMEMLIMIT) when that is lower; 16 GiB when neither is known.
func DefaultMaxBytes() int64 {
	defaultOnce.Do(func() {
		defaultMax = memTotal()
		if defaultMax <= 0 {
			defaultMax = fallbackMaxBytes
		}
		if l := debug.SetMemoryLimit(-1); l > 0 && l < defaultMax {
			defaultMax = l
		}
	})
	return defaultMax
}

func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
