package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// Reading untrusted HDF5 (NWB) files in a child process.
//
// libhdf5 trusts what it reads: a damaged file can make it dereference a
// wild pointer, and a crash in C cannot be recovered in process. So the
// commands that read NWB files (nwb info, table, series, schema) run in a
// child process of this binary, and nwb ingest first reads each file in a
// child (the hidden 'nwb probe'): a crash becomes a clean error naming the
// file, and ingest skips that file. A damaged file can also make libhdf5
// loop forever (seen: a global heap collection read for a variable-length
// string attribute): the child is killed after a time limit
// (readTimeout, CCC_READ_TIMEOUT) and the file reported as unreadable.

// childEnv marks a child process: it does the reading itself.
const childEnv = "CCC_READ_CHILD"

// noIsolationEnv=1 reads in process (faster, but a corrupt file can crash ccc).
const noIsolationEnv = "CCC_NO_ISOLATION"

// readTimeoutEnv overrides the time limits of the reader processes (a Go
// duration: 30m; 0 for none).
const readTimeoutEnv = "CCC_READ_TIMEOUT"

// Time limits of a reader process: reading metadata (nwb info, schema and
// ingest's probe) takes seconds even for large files; table and series
// reads copy data and get more.
const (
	metadataReadTimeout = 2 * time.Minute
	dataReadTimeout     = 30 * time.Minute
)

// readTimeout is the limit for a reader process: def, or CCC_READ_TIMEOUT.
func readTimeout(def time.Duration) (time.Duration, error) {
	v := os.Getenv(readTimeoutEnv)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, usageErr("%s=%q: want a duration such as 10m (0: no limit)", readTimeoutEnv, v)
	}
	return d, nil
}

// isolation is switched on by Main (the real binary), never by in-process
// tests, where os.Executable is a test binary.
var isolation bool

// childExit is the exit code of a child that already printed its error.
type childExit struct{ code int }

func (e *childExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// crashMarkers start the lines the Go runtime prints when the process dies
// (a signal in C code, a panic, a fatal error).
var crashMarkers = []string{"SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE", "SIGTRAP", "SIGSYS", "fatal error:", "panic:", "unexpected fault address"}

// crashFilter forwards a child's stderr line by line until a crash marker,
// then keeps only that first line.
type crashFilter struct {
	out   io.Writer
	crash string
	wg    sync.WaitGroup
}

func (c *crashFilter) run(r io.Reader) {
	defer c.wg.Done()
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" && c.crash == "" {
			for _, m := range crashMarkers {
				if strings.HasPrefix(line, m) {
					c.crash = strings.TrimSpace(line)
					break
				}
			}
			if c.crash == "" && c.out != nil {
				io.WriteString(c.out, line)
			}
		}
		if err != nil {
			return
		}
	}
}

// runChild runs this binary with args in a child process (stdout to out,
// stderr filtered to errOut). It returns nil when the child exits 0, a
// *childExit for a clean error (already printed), or a ccc.ErrFormat error
// naming file when the child crashed.
func runChild(args []string, file string, limit time.Duration, out, errOut io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot start a reader process: %w", err)
	}
	ctx := context.Background()
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.WaitDelay = 2 * time.Second
	setParentDeathSignal(cmd)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdin = nil
	cmd.Stdout = out
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	f := &crashFilter{out: errOut}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start a reader process: %w", err)
	}
	f.wg.Add(1)
	go f.run(pipe)
	f.wg.Wait()
	err = cmd.Wait()
	if err == nil && f.crash == "" {
		return nil
	}
	if ctx.Err() == context.DeadlineExceeded {
		return &ccc.Error{Op: "read nwb", Path: file, Row: -1, Kind: ccc.ErrFormat,
			Msg:  fmt.Sprintf("reading this file did not finish in %s: the HDF5 library is stuck on a damaged structure, or the file is very large", limit),
			Hint: "check it with 'h5dump -H FILE'; to allow more time set " + readTimeoutEnv + "=1h (0: no limit)"}
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) && f.crash == "" {
		return err
	}
	signaled := false
	if ee != nil {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			if ws.Signal() == syscall.SIGPIPE && f.crash == "" {
				// stdout was closed by the reader (ccc nwb info F | head)
				return &childExit{code: 128 + int(syscall.SIGPIPE)}
			}
			signaled = true
			if f.crash == "" {
				f.crash = ws.Signal().String()
			}
		}
	}
	if f.crash == "" && !signaled {
		return &childExit{code: ee.ExitCode()}
	}
	if strings.HasPrefix(f.crash, "panic:") || strings.HasPrefix(f.crash, "fatal error:") && !strings.Contains(f.crash, "out of memory") {
		return &ccc.Error{Op: "read nwb", Path: file, Row: -1, Kind: ccc.ErrFormat,
			Msg:  "internal error of ccc while reading this file (" + f.crash + ")",
			Hint: "please report it with the file; the file is probably corrupt"}
	}
	return &ccc.Error{Op: "read nwb", Path: file, Row: -1, Kind: ccc.ErrFormat,
		Msg:  "the HDF5 library crashed reading this file (" + f.crash + "): it is corrupt or truncated",
		Hint: "download or export it again; 'h5dump -H FILE' shows where it is damaged"}
}

// isolated runs the current command line in a child process when isolation
// is on and this is not the child (handled=true, err is the child's
// outcome). out is an output file the command creates: when the child
// crashes it is removed unless it existed before.
func isolated(iox *IO, file, out string, limit time.Duration) (handled bool, err error) {
	if !isolation || os.Getenv(childEnv) != "" || os.Getenv(noIsolationEnv) == "1" {
		return false, nil
	}
	if limit, err = readTimeout(limit); err != nil {
		return true, err
	}
	existed := true
	if out != "" {
		_, serr := os.Lstat(out)
		existed = serr == nil
	}
	err = runChild(os.Args[1:], file, limit, iox.Out, iox.ErrOut)
	var ce *childExit
	if err != nil && !errors.As(err, &ce) && out != "" && !existed {
		os.Remove(out)
	}
	return true, err
}

// probeNWB reads an NWB file as ingest does, in a child process ('nwb
// probe'); nil when isolation is off or the child exits without crashing
// (its clean errors are found again by the in-process read).
func probeNWB(path string) error {
	if !isolation || os.Getenv(childEnv) != "" || os.Getenv(noIsolationEnv) == "1" {
		return nil
	}
	limit, err := readTimeout(metadataReadTimeout)
	if err != nil {
		return err
	}
	err = runChild([]string{"nwb", "probe", path}, path, limit, io.Discard, nil)
	var ce *childExit
	if errors.As(err, &ce) {
		return nil
	}
	return err
}
