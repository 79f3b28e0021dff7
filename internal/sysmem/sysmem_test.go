package sysmem

import (
	"runtime/debug"
	"testing"
)

// TestDefaultMaxBytes: the bound is the machine's memory from
// /proc/meminfo (this is Linux), or Go's memory limit when lower.
func TestDefaultMaxBytes(t *testing.T) {
	total := memTotal()
	if total < 64<<20 {
		t.Fatalf("MemTotal %d bytes", total)
	}
	want := total
	if l := debug.SetMemoryLimit(-1); l > 0 && l < want {
		want = l
	}
	if got := DefaultMaxBytes(); got != want {
		t.Errorf("DefaultMaxBytes %d, want %d", got, want)
	}
}
