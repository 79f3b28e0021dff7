package cli

import (
	"fmt"
	"math"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
)

// Shares of --memory-limit (docs/security.md, "Limits"): DuckDB's
// memory_limit bounds its buffer manager (sorts, joins, Parquet writes;
// beyond it DuckDB spills to the store's staging directory or fails), Go's
// soft heap limit (runtime/debug.SetMemoryLimit, as GOMEMLIMIT) makes the
// garbage collector work harder before the Go heap passes its share, and
// the rest is headroom for what neither accounts for (DuckDB allocations
// outside the buffer manager, thread stacks, C libraries).
const (
	memShareDuckDB = 0.60
	memShareGo     = 0.25
	minMemoryLimit = 64 << 20
)

var memSizeRe = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?I?B?)\s*$`)

// parseMemorySize reads sizes such as 512MB, 4GB, 1.5GiB, 768M or 1000000.
// Decimal (KB, MB, GB, TB) and binary (KiB, MiB, GiB, TiB) units; a bare
// K/M/G/T is binary, as DuckDB reads it.
func parseMemorySize(s string) (int64, error) {
	m := memSizeRe.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0, fmt.Errorf("not a size")
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	unit := strings.TrimSuffix(m[2], "B")
	mult := 1.0
	if unit != "" {
		exp := float64(strings.IndexByte("KMGT", unit[0]) + 1)
		if strings.HasSuffix(unit, "I") || len(m[2]) == 1 {
			mult = math.Pow(1024, exp)
		} else {
			mult = math.Pow(1000, exp)
		}
	}
	n := v * mult
	if n > math.MaxInt64/2 {
		return 0, fmt.Errorf("too large")
	}
	return int64(n), nil
}

// applyMemoryLimit turns --memory-limit into a budget for the whole
// process: it returns the DuckDB memory_limit to use ("" when the flag is
// empty: the command's default) and sets Go's soft memory limit until
// restore is called.
func applyMemoryLimit(flag string) (duckdb string, restore func(), err error) {
	restore = func() {}
	if strings.TrimSpace(flag) == "" {
		return "", restore, nil
	}
	n, err := parseMemorySize(flag)
	if err != nil || n < minMemoryLimit {
		return "", restore, usageErr("--memory-limit %q: give a size of at least 64MB, such as 512MB or 4GB", flag)
	}
	old := debug.SetMemoryLimit(int64(float64(n) * memShareGo))
	restore = func() { debug.SetMemoryLimit(old) }
	return fmt.Sprintf("%dMiB", int64(float64(n)*memShareDuckDB)>>20), restore, nil
}

// outOfMemoryHint rewrites DuckDB's out-of-memory advice (which suggests
// SQL SET statements) into ccc's: the --memory-limit flag.
func outOfMemoryHint(msg string) (string, bool) {
	if !strings.Contains(msg, "Out of Memory Error") {
		return msg, false
	}
	if i := strings.Index(msg, "Possible solutions"); i > 0 {
		msg = strings.TrimRight(msg[:i], " \n\t:")
	}
	return msg + "\n  hint: raise --memory-limit (e.g. --memory-limit 4GB) if the machine has the memory, or split the input; see docs/security.md (Limits)", true
}
