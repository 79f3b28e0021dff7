package linkml

import (
	"fmt"
	"reflect"
	"testing"
)

// TestStreamRollback: records added after a Checkpoint and rolled back
// leave no trace: adding other records then gives the violations of a
// stream that never saw them (identifiers, integer ones past the bitmap
// too, unique keys, references, record numbers).
func TestStreamRollback(t *testing.T) {
	flat := flatValidator(t, ValidateOptions{CheckUnique: true, CheckRefs: true})
	rec := func(id int64, parent int64) map[string]any {
		r := flatRecord(0)
		r["id"], r["parent_identifier"] = id, parent
		return r
	}
	big := int64(1) << 40
	first := []any{rec(1, 1), rec(big, 1)}
	undone := []any{rec(2, 1), rec(big+1, 9), rec(1, 77), rec(3, 3)} // 1 repeats; 9 and 77 point nowhere
	then := []any{rec(2, 1), rec(big+1, 1), rec(big, 2)}             // big repeats
	run := func(v *Validator, recs [][]any, rollback bool) ([]string, int) {
		st := v.NewStream()
		var out []Violation
		for i, part := range recs {
			st.Source = fmt.Sprintf("file%d", i)
			if i == 1 && rollback {
				st.Checkpoint()
				keep := len(out)
				for _, r := range part {
					out = st.Add(r, out)
				}
				if len(out) == keep {
					t.Fatal("the rolled-back records must report something")
				}
				st.Rollback()
				out = out[:keep]
				continue
			}
			for _, r := range part {
				out = st.Add(r, out)
			}
		}
		out = st.Finish(out)
		var got []string
		for _, o := range out {
			got = append(got, fmt.Sprintf("%s %d %s %s %v", o.Source, o.Record, o.Path, o.Rule, o.Value))
		}
		return got, st.Records()
	}
	got, n := run(flat, [][]any{first, undone, then}, true)
	want, wn := run(flat, [][]any{first, {}, then}, false)
	if !reflect.DeepEqual(got, want) || n != wn || len(want) != 1 {
		t.Errorf("rolled back: %d records %q; never added: %d records %q", n, got, wn, want)
	}

	// string identifiers and unique keys
	uk := func() *Validator {
		s, err := LoadBytes("u.yaml", []byte(probeSchema), LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.NewValidator("Probe", ValidateOptions{CheckUnique: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}()
	p := func(id, lab string, serial int64) map[string]any {
		return map[string]any{"id": id, "lab": lab, "serial": serial}
	}
	first = []any{p("p1", "A", 1)}
	undone = []any{p("p2", "A", 2), p("p1", "A", 1), p("p3", "B", 1)}
	then = []any{p("p2", "A", 2), p("p3", "A", 2)}
	got, n = run(uk, [][]any{first, undone, then}, true)
	want, wn = run(uk, [][]any{first, {}, then}, false)
	if !reflect.DeepEqual(got, want) || n != wn || len(want) != 1 {
		t.Errorf("rolled back: %d records %q; never added: %d records %q", n, got, wn, want)
	}
}
