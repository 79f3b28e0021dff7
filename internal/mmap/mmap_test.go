package mmap

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Open(p)
	if err != nil || string(m) != "hello" {
		t.Fatalf("%q %v", m, err)
	}
	Close(m)
	e := filepath.Join(dir, "empty")
	os.WriteFile(e, nil, 0o644)
	if m, err := Open(e); m != nil || err != nil {
		t.Fatalf("empty: %v %v", m, err)
	}
	if _, err := Open(filepath.Join(dir, "none")); err == nil {
		t.Fatal("no error for a missing file")
	}
}

// TestHugePages: advising small, unaligned and large buffers leaves their
// contents as they were (the advice changes only how pages are backed).
func TestHugePages(t *testing.T) {
	for _, n := range []int{0, 1, 4 << 20, 9<<20 + 123} {
		b := make([]byte, n+1)[1:] // unaligned start
		for i := 0; i < len(b); i += 4093 {
			b[i] = byte(i)
		}
		HugePages(b)
		for i := 0; i < len(b); i += 4093 {
			if b[i] != byte(i) {
				t.Fatalf("%d bytes: byte %d changed", n, i)
			}
		}
	}
}
