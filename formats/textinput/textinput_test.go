package textinput

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func TestCheckDelimited(t *testing.T) {
	tests := []struct {
		name, in   string
		comma      rune
		lim        Limits
		rows       int64
		header     string
		line, col  int    // of the error
		wantErrMsg string // "" = valid
	}{
		{"valid, quotes and line breaks", "id,name\n1,\"a \"\"b\"\"\"\n2,\"x\ny\"\n3,\n", ',', Limits{}, 3, "id|name", 0, 0, ""},
		{"CRLF", "id,name\r\n1,a\r\n", ',', Limits{}, 1, "id|name", 0, 0, ""},
		{"empty file", "", ',', Limits{}, 0, "", 0, 0, ""},
		{"header only", "id,name\n", ',', Limits{}, 0, "id|name", 0, 0, ""},
		{"pandas index column", ",id\n0,1\n", ',', Limits{}, 1, "|id", 0, 0, ""},
		{"TSV", "id\tname\n1\ta,b\n", '\t', Limits{}, 1, "id|name", 0, 0, ""},
		{"unterminated quote", "id,name\n1,\"grey\n", ',', Limits{}, 0, "", 2, 9, "unterminated or misplaced quote"},
		{"quote then text", "id,name\n1,\"a\"b\n", ',', Limits{}, 0, "", 2, 5, "unterminated or misplaced quote"},
		{"bare quote", "id,name\n1,a\"b\n", ',', Limits{}, 0, "", 2, 4, `bare " in an unquoted field`},
		{"long row", "id,name\n1,a\n2,b,c\n", ',', Limits{}, 0, "", 3, 0, "row has 3 fields, the header has 2"},
		{"short row", "id,name\n1\n", ',', Limits{}, 0, "", 2, 0, "row has 1 fields, the header has 2"},
		{"invalid UTF-8", "id,name\n1,\xff\n", ',', Limits{}, 0, "", 2, 3, "invalid UTF-8 in a field"},
		{"invalid UTF-8 header", "id,n\xe9\n", ',', Limits{}, 0, "", 1, 4, "invalid UTF-8 in a field"},
		{"NUL", "id,name\n1,a\x00\n", ',', Limits{}, 0, "", 2, 3, "NUL byte in a field"},
		{"duplicate header", "a,b,a\n1,2,3\n", ',', Limits{}, 0, "", 1, 5, "duplicate column name (columns 1 and 3)"},
		{"too many columns", "a,b,c,d\n", ',', Limits{MaxColumns: 3}, 0, "", 1, 0, "header has 4 columns, more than the limit of 3"},
		{"header too long", strings.Repeat("x", 5000) + "\n", ',', Limits{MaxColumns: 3}, 0, "", 1, 0, "header longer than 3072 bytes"},
		{"record too long", "id\n\"" + strings.Repeat("x", 300<<10), ',', Limits{MaxRecordBytes: 100 << 10}, 0, "", 1, 0, "record longer than 102400 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := CheckDelimited(strings.NewReader(tc.in), "f.csv", tc.comma, tc.lim)
			if tc.wantErrMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				if st.Rows != tc.rows || strings.Join(st.Header, "|") != tc.header {
					t.Fatalf("rows %d header %q, want %d %q", st.Rows, st.Header, tc.rows, tc.header)
				}
				return
			}
			var ce *ccc.Error
			if !errors.As(err, &ce) || !errors.Is(err, ccc.ErrFormat) {
				t.Fatalf("want a ccc.Error of kind ErrFormat, got %v", err)
			}
			if ce.Path != "f.csv" || ce.Line != tc.line || ce.Col != tc.col || !strings.Contains(ce.Msg, tc.wantErrMsg) {
				t.Fatalf("got %s:%d:%d %q, want line %d col %d %q", ce.Path, ce.Line, ce.Col, ce.Msg, tc.line, tc.col, tc.wantErrMsg)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name, in  string
		depth     int
		line, col int
		msg       string
	}{
		{"valid", `[{"a": [1, {"b": "]]]]["}]}]`, 4, 0, 0, ""},
		{"escaped quote in string", `{"a": "x\"[[[[", "b": 1}`, 1, 0, 0, ""},
		{"UTF-8", "{\"a\": \"caf\u00e9 \U0001F42D\"}", 1, 0, 0, ""},
		{"too deep", "[\n[[[]]]]", 3, 2, 3, "nested more than 3 levels deep"},
		{"too deep in JSONL", "{\"a\":1}\n{\"a\":{\"b\":{\"c\":{}}}}\n", 3, 2, 16, "nested more than 3 levels deep"},
		{"invalid UTF-8", "[\"\xe9t\xe9\"]", 3, 1, 3, "invalid UTF-8"},
		{"overlong UTF-8", "[\"\xc0\xaf\"]", 3, 1, 3, "invalid UTF-8"},
		{"truncated UTF-8", "[\"\xe2\x82", 3, 1, 3, "invalid UTF-8 at the end of the file"},
		{"NUL", "[\"a\x00\"]", 3, 1, 4, "NUL byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckJSON(strings.NewReader(tc.in), "f.json", Limits{MaxDepth: tc.depth})
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *ccc.Error
			if !errors.As(err, &ce) || ce.Line != tc.line || ce.Col != tc.col || !strings.Contains(ce.Msg, tc.msg) {
				t.Fatalf("got %v (%+v), want %d:%d %q", err, ce, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestCheckDepth(t *testing.T) {
	v := any(map[string]any{"a": []any{map[any]any{"b": []any{1}}}}) // 4 levels
	if err := CheckDepth(v, "x.yaml", Limits{MaxDepth: 4}); err != nil {
		t.Fatal(err)
	}
	err := CheckDepth(v, "x.yaml", Limits{MaxDepth: 3})
	if err == nil || !strings.Contains(err.Error(), "x.yaml: nested more than 3 levels deep") {
		t.Fatalf("got %v", err)
	}
}

func TestJSONSyntax(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, in string
		line           int // 0: valid
	}{
		{"valid array", "a.json", "[\n{\"a\": 1},\n{\"a\": 2}\n]\n", 0},
		{"missing bracket", "b.json", "[\n{\"a\": 1},\n{\"a\": 2}\n", 3},
		{"bad value", "c.json", "[\n{\"a\": 1},\n{\"a\": tru}\n]", 3},
		{"valid lines", "d.jsonl", "{\"a\": 1}\n\n{\"a\": 2}\n", 0},
		{"bad line", "e.jsonl", "{\"a\": 1}\n{\"a\": 2,\n{\"a\": 3}\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			os.WriteFile(p, []byte(tc.in), 0o644)
			err := JSONSyntax(p, strings.HasSuffix(tc.file, "l"))
			var ce *ccc.Error
			if tc.line == 0 {
				if err != nil {
					t.Fatal(err)
				}
			} else if !errors.As(err, &ce) || ce.Line != tc.line || !strings.Contains(ce.Msg, "malformed JSON") {
				t.Fatalf("got %v, want line %d", err, tc.line)
			}
		})
	}
}

func TestCheckFileGzipAndBOM(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("id,name\n1,\"open\n"))
	zw.Close()
	gz := filepath.Join(dir, "x.csv.gz")
	os.WriteFile(gz, b.Bytes(), 0o644)
	if err := CheckFile(gz, CSV, Limits{}); err == nil || !strings.Contains(err.Error(), "x.csv.gz:2:") {
		t.Fatalf("gzip: %v", err)
	}
	bom := filepath.Join(dir, "bom.csv")
	os.WriteFile(bom, []byte("\xef\xbb\xbfid,id2\n1,2\n"), 0o644)
	r, err := Open(bom)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, err := CheckDelimited(r, bom, ',', Limits{})
	if err != nil || st.Header[0] != "id" || st.Rows != 1 {
		t.Fatalf("BOM: %v %+v", err, st)
	}
	if err := CheckFile(filepath.Join(dir, "missing.csv"), CSV, Limits{}); !errors.Is(err, ccc.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}
