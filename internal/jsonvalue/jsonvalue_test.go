package jsonvalue_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/jsonvalue"
)

type text string

func (t text) String() string { return "text:" + string(t) }

func TestSafe(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ts := time.Date(2026, 12, 6, 8, 30, 1, 500, time.FixedZone("CET", 3600))
	for _, c := range []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `null`},
		{"int", int64(-3), `-3`},
		{"float", 2.5, `2.5`},
		{"NaN", nan, `null`},
		{"-Inf", -inf, `null`},
		{"float32 NaN", float32(nan), `null`},
		{"float32", float32(0.5), `0.5`},
		{"time in UTC", ts, `"2026-12-06T07:30:01.0000005Z"`},
		{"position", []float64{1, nan, 3}, `[1,null,3]`},
		{"float32 list", []float32{float32(inf), 2}, `[null,2]`},
		{"nested", map[string]any{"a": []any{nan, "x", map[string]any{"t": ts}}}, `{"a":[null,"x",{"t":"2026-12-06T07:30:01.0000005Z"}]}`},
		{"stringer", text("u"), `"text:u"`},
		{"marshaler kept", big.NewInt(12), `12`},
		{"string", "NaN", `"NaN"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(jsonvalue.Safe(c.in))
			if err != nil || string(b) != c.want {
				t.Errorf("Safe(%v) = %s (%v), want %s", c.in, b, err, c.want)
			}
		})
	}
}

func ExampleSafe() {
	b, _ := json.Marshal(jsonvalue.Safe(map[string]any{"pt_position": []float64{1, math.NaN(), 3}, "size": math.Inf(1)}))
	fmt.Println(string(b))
	// Output: {"pt_position":[1,null,3],"size":null}
}
