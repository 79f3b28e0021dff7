package cli

import (
	"errors"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Exit codes, the one place where error kinds become numbers.
const (
	ExitOK      = 0 // success, everything committed or valid
	ExitInvalid = 1 // data rejected: invalid records, conflicts (store unchanged)
	ExitUsage   = 2 // usage, I/O, schema or format errors
	ExitLocked  = 3 // the store is locked by another writer
)

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	var child *childExit
	switch {
	case errors.As(err, &child): // a child process (isolate.go) already reported
		return child.code
	case err == nil:
		return ExitOK
	case errors.Is(err, ccc.ErrLocked):
		return ExitLocked
	case errors.Is(err, ccc.ErrUsage), errors.Is(err, ccc.ErrSchema),
		errors.Is(err, ccc.ErrFormat), errors.Is(err, ccc.ErrNotFound):
		return ExitUsage
	case errors.Is(err, ccc.ErrInvalidData), errors.Is(err, ccc.ErrConflict):
		return ExitInvalid
	case isCobraUsage(err):
		return ExitUsage
	default:
		// I/O and anything unclassified: not a verdict on the data.
		return ExitUsage
	}
}

func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.Contains(s, "accepts ") || strings.Contains(s, "requires at least")
}
