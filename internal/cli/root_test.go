package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// runCLI runs one command line in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return env[k] }}
	code := Run(context.Background(), args, io)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"invalid data", fmt.Errorf("ingest x.csv: %w", ccc.ErrInvalidData), 1},
		{"conflict", &ccc.Error{Kind: ccc.ErrConflict, Msg: "id exists"}, 1},
		{"usage", fmt.Errorf("%w: bad flag", ccc.ErrUsage), 2},
		{"schema", &ccc.Error{Kind: ccc.ErrSchema, Path: "s.yaml", Line: 3}, 2},
		{"not found", errors.Join(errors.New("x"), ccc.ErrNotFound), 2},
		{"format", fmt.Errorf("read: %w", ccc.ErrFormat), 2},
		{"locked", fmt.Errorf("begin: %w", ccc.ErrLocked), 3},
		{"plain io", errors.New("open x: permission denied"), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitCode(tc.err); got != tc.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}

func TestRootUsageErrors(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "no-such-command")
	if code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: code %d stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "version", "--no-such-flag")
	if code != 2 || !strings.Contains(stderr, "unknown flag") {
		t.Errorf("unknown flag: code %d stderr %q", code, stderr)
	}
	code, out, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "ccc "+ccc.Version) {
		t.Errorf("version: code %d out %q", code, out)
	}
}

func TestStorePathPrecedence(t *testing.T) {
	g := &globalOptions{}
	io := &IO{Getenv: func(k string) string { return map[string]string{"CCC_STORE": "/env/store"}[k] }}
	if got := g.StorePath(io); got != "/env/store" {
		t.Errorf("env: %q", got)
	}
	g.StoreDir = "/flag/store"
	if got := g.StorePath(io); got != "/flag/store" {
		t.Errorf("flag: %q", got)
	}
	if got := (&globalOptions{}).StorePath(&IO{Getenv: func(string) string { return "" }}); got != "ccc-data" {
		t.Errorf("default: %q", got)
	}
}

func TestErrorMessage(t *testing.T) {
	e := &ccc.Error{Op: "ingest", Path: "cells.csv", Line: 0, Row: 12, Field: "pt_root_id", Value: "abc",
		Msg: "not an integer", Hint: "root ids are 64-bit integers", Kind: ccc.ErrInvalidData}
	want := "ingest: cells.csv: row 12: field pt_root_id: not an integer (value \"abc\")\n  hint: root ids are 64-bit integers"
	if e.Error() != want {
		t.Errorf("got %q\nwant %q", e.Error(), want)
	}
	if !errors.Is(e, ccc.ErrInvalidData) {
		t.Error("errors.Is kind failed")
	}
}
