package linkml

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
)

// Timestamp is an unquoted YAML date or date-time (2024-01-31). PyYAML,
// which linkml-validate uses, decodes these as date objects, not strings,
// so they do not validate as string, date or datetime slots; DecodeYAML
// returns them as Timestamp to keep that verdict.
type Timestamp string

func isList(v any) bool {
	switch v.(type) {
	case []any, []string, []int64, []float64:
		return true
	case nil, string, map[string]any, int64, float64, bool, int:
		return false
	}
	k := reflect.ValueOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case uint:
		return int64(x), uint64(x) <= math.MaxInt64
	}
	return 0, false
}

// asFloat returns a numeric value as float64; booleans are not numbers.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case uint64:
		return float64(x), true
	}
	if n, ok := asInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

// isInteger follows jsonschema: integers, and floats with no fractional
// part (1.0), are integers; booleans are not.
func isInteger(v any) bool {
	switch x := v.(type) {
	case int64, int:
		return true
	case float64:
		return x == math.Trunc(x) && !math.IsInf(x, 0)
	case float32:
		f := float64(x)
		return f == math.Trunc(f) && !math.IsInf(f, 0)
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return true
		}
		f, err := x.Float64()
		return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
	case uint64:
		return true
	}
	_, ok := asInt(v)
	return ok
}

// describe names a value's JSON type and shows it.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string " + strconv.Quote(short(x))
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case Timestamp:
		return "unquoted YAML date " + string(x) + " (quote it to make it a string)"
	case map[string]any:
		return "an object"
	}
	if isList(v) {
		return "a list"
	}
	if isInteger(v) {
		if _, isF := v.(float64); !isF {
			return "integer " + fmtNum(v)
		}
	}
	if _, ok := asFloat(v); ok {
		return "number " + fmtNum(v)
	}
	return fmt.Sprintf("%T", v)
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(short(s))
	}
	return valueString(v)
}

func fmtNum(v any) string {
	switch x := v.(type) {
	case float64:
		return fmtFloat(x)
	case float32:
		return fmtFloat(float64(x))
	case json.Number:
		return x.String()
	}
	if n, ok := asInt(v); ok {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprint(v)
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// valueString renders a value compactly for messages and reports.
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case Timestamp:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any, []any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return short(string(b))
	}
	if _, ok := asFloat(v); ok {
		return fmtNum(v)
	}
	return short(fmt.Sprint(v))
}
