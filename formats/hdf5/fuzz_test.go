package hdf5

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/testenv"
)

// walkEnv names a file the test binary walks (then exits) instead of
// running tests: the child process of FuzzOpen.
const walkEnv = "HDF5_FUZZ_WALK"

func TestMain(m *testing.M) {
	if p := os.Getenv(walkEnv); p != "" {
		// a damaged variable-length string can declare gigabytes, which
		// libhdf5 allocates and clears: bound the address space so that
		// such a read fails fast instead of stalling the fuzzer
		lim := syscall.Rlimit{Cur: 3 << 30, Max: 3 << 30}
		syscall.Setrlimit(syscall.RLIMIT_AS, &lim)
		walk(p)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// walk opens p and reads everything in it: every attribute of every
// object, every dataset's metadata and small datasets' values. Errors are
// fine; only a crash is not.
func walk(p string) {
	h, err := Open(p)
	if err != nil {
		return
	}
	defer h.Close()
	attrs := func(o *object) {
		names, _ := o.AttrNames()
		for _, n := range names {
			o.Attr(n)
		}
	}
	attrs(&h.Root().object)
	h.Root().Walk(func(m Member) error {
		switch m.Type {
		case TypeDataset:
			if d, err := h.Dataset(m.Path); err == nil {
				attrs(&d.object)
				d.ReadVarStrings() // before libhdf5 reads the same heaps (it may hang on them)
				if d.Len() < 1<<16 {
					d.Read()
				}
				if len(d.Shape) > 0 && d.Shape[0] > 0 {
					d.Rows(0, 1)
				}
			}
		case TypeGroup:
			if g, err := h.Group(m.Path); err == nil {
				attrs(&g.object)
			}
		}
		return nil
	})
}

// FuzzOpen feeds damaged HDF5 files to Open and a full walk in a child
// process (a crash in libhdf5 cannot be caught in process; the ccc
// commands read NWB files in a child for that reason, see
// internal/cli/isolate.go). The child may end with an error or be killed
// by a signal inside C code, which ccc turns into a clean error; a Go
// panic or fatal error is a bug of this package and fails the target.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.h5")
	w, err := Create(p)
	if err != nil {
		f.Fatal(err)
	}
	w.WriteDataset("/g/d", []float64{1, 2, 3}, []int{3}, nil)
	w.WriteDataset("/g/s", []string{"a", "bc"}, []int{2}, nil)
	w.SetAttr("/g", "name", "x")
	w.SetAttr("/g/d", "unit", "volts")
	w.Close()
	seed, _ := os.ReadFile(p)
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	// the real NWB files, when there
	for _, name := range []string{"aibs_ecephys.nwb"} {
		if b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(f), "..", "shared", "data", "nwb", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q := filepath.Join(t.TempDir(), "f.h5")
		os.WriteFile(q, data, 0o644)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), walkEnv+"="+q)
		cmd.WaitDelay = time.Second
		setParentDeathSignal(cmd) // never outlive a fuzz worker that is stopped
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ctx.Err() != nil {
			// libhdf5 can loop forever on a damaged file (a global heap
			// collection read for a variable-length string attribute,
			// kept under testdata/fuzz/FuzzOpen): not a crash, and ccc
			// bounds it by killing its reader process (CCC_READ_TIMEOUT,
			// internal/cli/isolate.go)
			t.Logf("walk did not finish in 10s (libhdf5 stuck on this input; killed)")
			return
		}
		if err == nil {
			return
		}
		e := stderr.String()
		if strings.HasPrefix(e, "panic:") || strings.Contains(e, "\npanic:") || strings.HasPrefix(e, "fatal error:") && !strings.Contains(e, "signal arrived during cgo execution") {
			t.Fatalf("Go crash reading a damaged file:\n%s", e[:min(len(e), 3000)])
		}
		if !strings.Contains(e, "signal arrived during cgo execution") && !strings.Contains(e, "SIGABRT") {
			t.Fatalf("walk failed outside libhdf5: %v\n%s", err, e[:min(len(e), 3000)])
		}
	})
}
