package linkml

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestFastJSONValue(t *testing.T) {
	tests := []struct {
		in   string
		want any
		ok   bool
	}{
		{`{"id": 1, "name": "VISp", "x": -2.5, "n": null, "b": [true, false], "o": {}}`, map[string]any{
			"id": int64(1), "name": "VISp", "x": -2.5, "n": nil, "b": []any{true, false}, "o": map[string]any{}}, true},
		{`123456789012345678`, int64(123456789012345678), true},
		{`9223372036854775807`, int64(9223372036854775807), true},
		{`9223372036854775808`, 9223372036854775808.0, true},
		{`1E700`, json.Number("1E700"), true},
		{`-0`, int64(0), true},
		{`"é"`, "é", true},
		{`{"a": 1, "a": 2}`, map[string]any{"a": int64(2)}, true},
		{`"a\"b"`, nil, false}, // escapes: encoding/json decodes them
		{`{"a": 1} x`, nil, false},
		{`01`, nil, false},
		{`[1,]`, nil, false},
		{`NaN`, nil, false},
		{"\"\xff\"", nil, false},
	}
	for _, tc := range tests {
		got, ok := fastJSONValue([]byte(tc.in))
		if ok != tc.ok || (ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: got %#v %v, want %#v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzFastJSON: whatever the strict reader accepts, encoding/json (the
// reference, with normalizeJSON) decodes to the same value.
func FuzzFastJSON(f *testing.F) {
	for _, s := range []string{`{"id": 1, "a": [1.5, "x", null, true]}`, `-12e-3`, `"abc"`, `{"a":{"b":{}}}`, `[]`, `1E700`, `{"a":1,"a":"2"}`} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`[{"id": 1}, null, {}, [], {"a": null}, [null, 1], 2]`))
	f.Add([]byte(`[{"a": 1, "a": null}, {"@x": 1, "b": [[], [null], {}, {"c": {}}]}, {"d": {}, "d": 2}]`))
	f.Add([]byte(`[{"s": ", {"}, {"l": [{"x": 1}, {"y": 2}]}, {"t": "a, {b"} , {} ]`))
	f.Add([]byte(` [ 1 , 2,3 ,"x, 4", [5, 6], {"a": [7, 8]} ] `))
	f.Fuzz(func(t *testing.T, b []byte) {
		if spans, ok := StrictJSONArray(b); ok {
			// element by element = the whole document (json_clean included)
			want, err := DecodeJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%q: StrictJSONArray accepted, DecodeJSON: %v", b, err)
			}
			got := []any{}
			for _, sp := range spans {
				if v, keep := DecodeJSONElement(b[sp[0]:sp[1]]); keep {
					got = append(got, v)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: elements %#v, DecodeJSON %#v", b, got, want)
			}
			// cut in parts on guessed element starts: the same records
			for _, pb := range []int{1, 2, 5, 1 << 20} {
				got, ok := readJSONArrayParts(b, pb)
				if !ok || !reflect.DeepEqual(got, want) {
					t.Fatalf("%q in parts of %d bytes: %#v %v, DecodeJSON %#v", b, pb, got, ok, want)
				}
			}
		} else if _, ok := readJSONArrayParts(b, 3); ok {
			t.Fatalf("%q: accepted in parts, refused whole", b)
		}
		b = bytes.TrimSpace(b)
		got, ok := fastJSONValue(b)
		if !ok || len(b) == 0 {
			return
		}
		want, err := decodeJSONValue(b, 1)
		if err != nil {
			t.Fatalf("%q: strict reader accepted, encoding/json: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: strict reader %#v, encoding/json %#v", b, got, want)
		}
	})
}

// readJSONArrayParts reads a JSON array with JSONArrayReader in parts of
// partBytes, as the validate command does (parts read out of order, maps
// given for the records), and returns its records.
func readJSONArrayParts(b []byte, partBytes int) ([]any, bool) {
	r, ok := NewJSONArrayReader(b, partBytes)
	if !ok {
		return nil, false
	}
	parts := make([]*JSONArrayPart, r.Parts())
	maps := func() map[string]any { return map[string]any{} }
	for k := len(parts) - 1; k >= 0; k-- {
		parts[k] = r.Part(k, maps)
	}
	got, pos := []any{}, 0
	for k, p := range parts {
		q, next, closed, ok := r.Join(k, pos, p, maps)
		if !ok {
			return nil, false
		}
		got = append(got, q.Records...)
		if closed {
			return got, true
		}
		pos = next
	}
	return got, len(parts) == 0
}
