package synapse

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

// TestPlanColumns: the output columns of a row query, the stored columns
// each reads and the scale of position components.
func TestPlanColumns(t *testing.T) {
	res := Resolution{4, 4, 40}
	for _, c := range []struct {
		name string
		r    Request
		want string
	}{
		{"default", Request{}, "[{id 0 [id] false} {created 4 [created] false} {valid 3 [valid] false} {size 1 [size] false} {pre_pt_supervoxel_id 0 [pre_pt_supervoxel_id] false} " +
			"{pre_pt_root_id 0 [pre_pt_root_id] false} {post_pt_supervoxel_id 0 [post_pt_supervoxel_id] false} {post_pt_root_id 0 [post_pt_root_id] false} " +
			"{pre_pt_position 5 [pre_pt_position_x pre_pt_position_y pre_pt_position_z] false} {post_pt_position 5 [post_pt_position_x post_pt_position_y post_pt_position_z] false} " +
			"{ctr_pt_position 5 [ctr_pt_position_x ctr_pt_position_y ctr_pt_position_z] false}]"},
		{"split", Request{Columns: []string{"ctr_pt_position", "cell_type_post"}, SplitPositions: true},
			"[{ctr_pt_position_x 1 [ctr_pt_position_x] false} {ctr_pt_position_y 1 [ctr_pt_position_y] false} {ctr_pt_position_z 1 [ctr_pt_position_z] false} {cell_type_post 2 [post_pt_root_id] true}]"},
		{"component", Request{Columns: []string{"pre_pt_position_z", "cell_type_pre"}}, "[{pre_pt_position_z 1 [pre_pt_position_z] false} {cell_type_pre 2 [pre_pt_root_id] true}]"},
	} {
		cols, err := PlanColumns(&c.r, res)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []string
		for _, oc := range cols {
			got = append(got, fmt.Sprintf("{%s %d %v %v}", oc.Col.Name, oc.Col.Kind, oc.Sources, oc.CellType))
			for _, s := range oc.Scales {
				if s != 1 {
					t.Errorf("%s: %s scaled by %v without --desired-resolution", c.name, oc.Col.Name, s)
				}
			}
		}
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, s, c.want)
		}
	}
	cols, err := PlanColumns(&Request{Columns: []string{"ctr_pt_position", "post_pt_position_z", "size"}, Desired: &Resolution{1, 2, 1}}, res)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cols[0].Scales, cols[1].Scales, cols[2].Scales) != "[4 2 40] [40] [1]" {
		t.Errorf("scales %v %v %v, want [4 2 40] [40] [1]", cols[0].Scales, cols[1].Scales, cols[2].Scales)
	}
	if _, err := PlanColumns(&Request{Columns: []string{"id", "nope"}}, res); !errors.Is(err, ccc.ErrNotFound) {
		t.Errorf("unknown column: %v, want ErrNotFound", err)
	}
	list := cols[0].Value([]any{1.5, nil, int64(3)})
	if l, ok := list.([]float64); !ok || l[0] != 1.5 || !math.IsNaN(l[1]) || !math.IsNaN(l[2]) {
		t.Errorf("list value %v", list) // an int component is not a float: NaN, as the embedded reader does
	}
	if v := cols[0].Value([]any{nil, nil, nil}); v != nil {
		t.Errorf("all-null position: %v, want nil", v)
	}
	if v := cols[2].Value(float32(2.5)); v != float64(2.5) {
		t.Errorf("float32: %v (%T)", v, v)
	}
}

func TestCheckFilterColumn(t *testing.T) {
	for col, kind := range map[string]error{"valid": nil, "pre_pt_position_x": nil, "pre_pt_position": ccc.ErrNotFound, "nope": ccc.ErrNotFound, "cell_type_pre": ccc.ErrUsage} {
		err := CheckFilterColumn(col, "in")
		if kind == nil && err != nil || kind != nil && !errors.Is(err, kind) {
			t.Errorf("%s: %v, want %v", col, err, kind)
		}
	}
}
