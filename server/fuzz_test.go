package server

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// FuzzNegotiate: any Accept header or ?format= gives a known format or an
// error, never a panic.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "text/csv", "application/json; int64=string", "*/*;q=0", "a/b;q=x, text/csv;q=0.5", ";;,,", "application/vnd.apache.arrow.stream;q=1e400"} {
		f.Add(s, "")
	}
	f.Add("", "parquet")
	f.Add("", "json-int64-string")
	f.Fuzz(func(t *testing.T, accept, format string) {
		r := httptest.NewRequest("GET", "/x?format="+url.QueryEscape(format), nil)
		r.Header.Set("Accept", accept)
		got, err := negotiate(r)
		if err == nil {
			if _, ok := formatTypes[got]; !ok {
				t.Fatalf("negotiate(%q, %q) = unknown format %q", accept, format, got)
			}
		}
	})
}

// FuzzTokens: any token file loads or fails with an error, and a loaded
// file never holds a short or duplicate token.
func FuzzTokens(f *testing.F) {
	f.Add("public_read: true\ntokens:\n  - {name: a, token: 0123456789abcdef, read: [\"*\"]}\n")
	f.Add("tokens: [{name: a, token: x}]")
	f.Add("tokens:\n  - name: a\n    token: 0123456789abcdef\n    write: [../x]\n")
	f.Add(": :")
	f.Fuzz(func(t *testing.T, y string) {
		p := filepath.Join(t.TempDir(), "t.yaml")
		if err := os.WriteFile(p, []byte(y), 0o600); err != nil {
			t.Fatal(err)
		}
		toks, err := LoadTokens(p)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, k := range toks.Tokens {
			if len(k.Token) < minTokenLen || seen[k.Token] || k.Name == "" {
				t.Fatalf("accepted a bad token %+v", k)
			}
			seen[k.Token] = true
		}
	})
}

// FuzzValidName: an accepted name never leaves its directory.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"lab", "..", "../x", "a/b", ".hidden", "a\x00b", "ccf2017", "x..y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if validName("dataset", s) != nil {
			return
		}
		if filepath.Base(s) != s || s == "." || s == ".." || filepath.Clean(filepath.Join("/root", s)) != filepath.Join("/root", s) {
			t.Fatalf("validName accepted %q", s)
		}
	})
}
