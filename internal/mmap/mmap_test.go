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
