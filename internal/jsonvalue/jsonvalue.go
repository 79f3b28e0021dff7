// Package jsonvalue turns the values a query or a reader returns (DuckDB's
// scanned values, NWB rows) into values encoding/json writes: NaN and ±Inf
// become null (JSON has no such numbers, and encoding/json refuses them),
// times are RFC 3339 in UTC, lists and maps are converted element by
// element, and other Stringers that are not json.Marshalers (DuckDB's UUID,
// decimals, intervals) travel as their text. The CLI's JSON output and the
// server's both use it, so a value reads the same from either.
package jsonvalue

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Safe returns v in a form json.Marshal accepts (see the package comment).
func Safe(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Safe(e)
		}
		return out
	case []float32:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Safe(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Safe(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Safe(e)
		}
		return out
	case fmt.Stringer:
		if _, ok := v.(json.Marshaler); !ok {
			return x.String()
		}
	}
	return v
}
