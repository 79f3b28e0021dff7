package linkml

import (
	"math/big"
	"strings"
	"time"
)

// RowMapper builds records from table rows (Parquet, SQL query results)
// for a validator's class: it maps column names to slots, including
// flattened inlined objects (soma_location_x or soma_location.x for the x
// slot of an inlined soma_location), and converts driver values to the
// plain values the validator expects (time.Time to date / datetime strings
// by slot range, []byte to string, small ints to int64). Null cells are
// left out of the record.
type RowMapper struct {
	v    *Validator
	cols []colTarget
}

type colTarget struct {
	slot  string // top-level key
	sub   string // nested key for flattened objects, "" otherwise
	kind  valueKind
	other string // original name when not a slot (reported as unknown)
}

// NewRowMapper prepares the mapping for the given column names.
func (v *Validator) NewRowMapper(columns []string) *RowMapper {
	m := &RowMapper{v: v}
	for _, c := range columns {
		t := colTarget{other: c}
		if i, ok := v.plan.index[c]; ok {
			t = colTarget{slot: c, kind: v.plan.slots[i].kind}
		} else if sp, sub, ok := v.flattened(c); ok {
			t = colTarget{slot: sp.name, sub: sub.name, kind: sub.kind}
		}
		m.cols = append(m.cols, t)
	}
	return m
}

// flattened resolves "<slot>_<field>" / "<slot>.<field>" for a single-
// valued inlined class slot.
func (v *Validator) flattened(col string) (*slotPlan, *slotPlan, bool) {
	for _, sp := range v.plan.slots {
		if sp.kind != kObject || sp.multivalued || len(sp.nested) != 1 {
			continue
		}
		for _, sep := range []string{"_", "."} {
			if rest, ok := strings.CutPrefix(col, sp.name+sep); ok {
				if j, ok := sp.nested[0].index[rest]; ok {
					return sp, sp.nested[0].slots[j], true
				}
			}
		}
	}
	return nil, nil, false
}

// Record builds one record from a row's values (in column order).
func (m *RowMapper) Record(vals []any) map[string]any {
	rec := make(map[string]any, len(vals))
	for i, raw := range vals {
		if i >= len(m.cols) {
			break
		}
		val := plainValue(raw, m.cols[i].kind)
		if val == nil {
			continue
		}
		t := m.cols[i]
		switch {
		case t.slot == "":
			rec[t.other] = val
		case t.sub == "":
			rec[t.slot] = val
		default:
			obj, _ := rec[t.slot].(map[string]any)
			if obj == nil {
				obj = map[string]any{}
				rec[t.slot] = obj
			}
			obj[t.sub] = val
		}
	}
	return rec
}

func plainValue(v any, k valueKind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		switch k {
		case kDate:
			return x.Format("2006-01-02")
		case kTime:
			return x.Format("15:04:05.999999999Z07:00")
		}
		return x.Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case int:
		return int64(x)
	case uint32:
		return int64(x)
	case uint16:
		return int64(x)
	case uint8:
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e, k)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for kk, e := range x {
			if pv := plainValue(e, kString); pv != nil {
				out[kk] = pv
			}
		}
		return out
	}
	return v
}
