package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/server"
	"github.com/ccc-connectivity/ccc/store"
)

const proofCSV = `id,pt_root_id,status_axon,status_dendrite,strategy_axon
1,864691132807665487,extended,extended,axon_fully_extended
2,864691137627043144,clean,extended,axon_partially_extended
`

const (
	readTok  = "read-token-0123456789"
	writeTok = "write-token-0123456789"
	otherTok = "other-token-0123456789"
	dsTok    = "ccf-only-token-0123456789"
)

func writeTokens(t *testing.T, publicRead bool) *server.Tokens {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tokens.yaml")
	y := fmt.Sprintf(`public_read: %v
tokens:
  - {name: reader, token: %s, read: ["*"]}
  - {name: writer, token: %s, read: ["*"], write: [lab]}
  - {name: other, token: %s, write: [elsewhere]}
  - {name: ccf, token: %s, read: [ccf2017]}
`, publicRead, readTok, writeTok, otherTok, dsTok)
	if err := os.WriteFile(p, []byte(y), 0o600); err != nil {
		t.Fatal(err)
	}
	toks, err := server.LoadTokens(p)
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

func do(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	bufio.NewReader(resp.Body).WriteTo(&sb)
	return resp.StatusCode, sb.String()
}

// writeOps lists the write operations of the OpenAPI document (those with
// a security requirement), with sample path values filled in.
func writeOps(t *testing.T, base string) [][2]string {
	t.Helper()
	_, b := get(t, base+"/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Security []any `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if len(op.Security) > 0 {
				p := strings.NewReplacer("{dataset}", "lab", "{class}", "ProofreadingStatus").Replace(path)
				out = append(out, [2]string{strings.ToUpper(method), base + p})
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no write operations documented")
	}
	return out
}

func TestWriteAuth(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	ts := newServer(t, dir, server.Config{Tokens: writeTokens(t, true)})
	open := newServer(t, dir, server.Config{}) // no --auth: writes refused
	for _, op := range writeOps(t, ts.URL) {
		for _, c := range []struct {
			who, token string
			code       int
		}{
			{"no token", "", 401},
			{"unknown token", "not-a-known-token-at-all", 401},
			{"read token", readTok, 403},
			{"write token of another dataset", otherTok, 403},
			{"write token", writeTok, 201},
		} {
			code, body := do(t, op[0], op[1], c.token, proofCSV)
			if code != c.code {
				t.Errorf("%s %s with %s: %d %s, want %d", op[0], op[1], c.who, code, body, c.code)
			}
		}
		u := strings.Replace(op[1], ts.URL, open.URL, 1)
		if code, body := do(t, op[0], u, writeTok, proofCSV); code != 401 {
			t.Errorf("without --auth, a token: %d %s", code, body)
		}
		if code, body := do(t, op[0], u, "", proofCSV); code != 403 || !strings.Contains(body, "without --auth") {
			t.Errorf("without --auth: %d %s", code, body)
		}
	}
	// exactly one version was written, by the write token
	st, _ = store.Open(dir)
	defer st.Close()
	vs, _ := st.Versions("")
	if len(vs) != 1 || vs[0].Dataset != "lab" || vs[0].Message != "ingest over HTTP by writer" {
		t.Fatalf("versions: %+v", vs)
	}
	rows := getRows(t, ts.URL+"/api/v1/tables/ProofreadingStatus?select=pt_root_id,status_axon&order_by=id")
	if len(rows) != 2 || rows[1]["status_axon"] != "clean" {
		t.Errorf("ingested rows: %v", rows)
	}
	// bad data: 422 with the report, store unchanged
	code, body := do(t, "POST", ts.URL+"/api/v1/datasets/lab/tables/ProofreadingStatus", writeTok, "id,pt_root_id\nx,notanumber\n")
	if code != 422 || !strings.Contains(body, `"committed": false`) || strings.Contains(body, "ccc-serve-ingest") || strings.Contains(body, dir) {
		t.Errorf("bad data: %d %s", code, body)
	}
	if vs, _ := st.Versions(""); len(vs) != 1 {
		t.Errorf("bad data wrote a version")
	}
	// path traversal in dataset and class names
	for _, p := range []string{"..%2F..%2Ftmp/ProofreadingStatus", "lab/..%2F..%2Fx", "..", ".hidden/ProofreadingStatus", "lab/Proof%00x"} {
		if code, body := do(t, "POST", ts.URL+"/api/v1/datasets/"+p+"/tables/X", writeTok, proofCSV); code != 400 && code != 404 && code != 403 && code != 405 {
			t.Errorf("dataset %s: %d %s", p, code, body)
		}
		if code, body := do(t, "POST", ts.URL+"/api/v1/datasets/lab/tables/"+p, writeTok, proofCSV); code != 400 && code != 404 {
			t.Errorf("class %s: %d %s", p, code, body)
		}
	}
	if vs, _ := st.Versions(""); len(vs) != 1 {
		t.Errorf("traversal attempts wrote a version")
	}
}

func TestReadScopes(t *testing.T) {
	ts := newServer(t, "", server.Config{Tokens: writeTokens(t, false)})
	u := ts.URL + "/api/v1/tables/BrainRegion?select=acronym&eq.acronym=VISp"
	for _, c := range []struct {
		token string
		code  int
	}{{"", 401}, {"wrong-token-0123456789", 401}, {readTok, 200}, {dsTok, 200}, {otherTok, 200}} {
		if code, body := do(t, "GET", u, c.token, ""); code != c.code {
			t.Errorf("token %q: %d %s, want %d", c.token, code, body, c.code)
		}
	}
	// the other token may read no dataset: the class view is empty for it
	if code, body := do(t, "GET", u, otherTok, ""); body != "[]\n" {
		t.Errorf("other token sees %d %s", code, body)
	}
	// the ccf token reads ccf2017 but not the synapses
	if code, _ := do(t, "GET", ts.URL+"/api/v1/atlas/regions/VISp", dsTok, ""); code != 200 {
		t.Errorf("ccf token, atlas: %d", code)
	}
	if code, _ := do(t, "GET", ts.URL+"/api/v1/synapses/query?limit=1", dsTok, ""); code != 403 {
		t.Errorf("ccf token, synapses: %d", code)
	}
	if code, body := do(t, "GET", ts.URL+"/api/v1/datasets", dsTok, ""); !strings.Contains(body, "ccf2017") || strings.Contains(body, "synth-minnie") {
		t.Errorf("ccf token, datasets: %d %s", code, body)
	}
	if code, _ := do(t, "GET", ts.URL+"/api/v1/tables/Synapse?limit=1&dataset=synth-minnie", dsTok, ""); code != 403 {
		t.Errorf("ccf token, Synapse of synth-minnie: %d", code)
	}
	// the same scopes on the direct Arrow path: no file of an unreadable dataset is read
	if code, body := do(t, "GET", ts.URL+"/api/v1/tables/Synapse?limit=1&dataset=synth-minnie&format=arrow", dsTok, ""); code != 403 {
		t.Errorf("ccf token, Synapse of synth-minnie as Arrow: %d %.200s", code, body)
	}
	for tok, want := range map[string]int{otherTok: 0, dsTok: 0, readTok: 44 + 4} {
		code, body := do(t, "GET", ts.URL+"/api/v1/tables/ProofreadingStatus?select=id,pt_root_id&format=arrow", tok, "")
		if tb := readArrow(t, []byte(body)); code != 200 || len(tb.rows) != want {
			t.Errorf("ProofreadingStatus as Arrow: %d, %d rows, want %d", code, len(tb.rows), want)
		}
	}
	// health, metrics and the API description stay open
	for _, p := range []string{"/healthz", "/metrics", "/openapi.json"} {
		if code, _ := do(t, "GET", ts.URL+p, "", ""); code != 200 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

func TestTokenFile(t *testing.T) {
	for _, c := range []struct{ yaml, msg string }{
		{"tokens:\n  - {name: a, token: short}\n", "shorter than 16"},
		{"tokens:\n  - {name: a, token: 0123456789abcdef}\n  - {name: a, token: 0123456789abcdeg}\n", "used twice"},
		{"tokens:\n  - {name: a, token: 0123456789abcdef}\n  - {name: b, token: 0123456789abcdef}\n", "repeats"},
		{"tokens:\n  - {name: a, token: 0123456789abcdef, write: [../x]}\n", "dataset"},
		{"tokens:\n  - {name: a, token: 0123456789abcdef, admin: true}\n", "admin"},
	} {
		p := filepath.Join(t.TempDir(), "t.yaml")
		os.WriteFile(p, []byte(c.yaml), 0o600)
		if _, err := server.LoadTokens(p); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.msg)
		}
	}
}

func TestBodyLimitAndTimeouts(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, _ = store.Open(dir)
	defer st.Close()
	srv, err := server.New(server.Config{Store: st, Tokens: writeTokens(t, true), MaxBodyBytes: 1024,
		ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	big := proofCSV + strings.Repeat("3,864691137627043144,clean,extended,axon_partially_extended\n", 40)
	if code, body := do(t, "POST", base+"/api/v1/datasets/lab/tables/ProofreadingStatus", writeTok, big); code != 413 {
		t.Errorf("oversized body: %d %s", code, body)
	}
	// without Content-Length (chunked) the limit holds while reading
	req, _ := http.NewRequest("POST", base+"/api/v1/datasets/lab/tables/ProofreadingStatus", struct{ *strings.Reader }{strings.NewReader(big)})
	req.Header.Set("Authorization", "Bearer "+writeTok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 || req.ContentLength != 0 {
		t.Errorf("chunked oversized body: %d (content length %d)", resp.StatusCode, req.ContentLength)
	}
	if vs, _ := st.Versions(""); len(vs) != 0 {
		t.Errorf("oversized bodies wrote %d versions", len(vs))
	}
	// a client that never finishes its headers is cut off
	slow := func(payload string) time.Duration {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprint(c, payload)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("server kept a slow client for 5s (%q)", payload)
				}
				return time.Since(start)
			}
		}
	}
	if d := slow("GET /healthz HTTP/1.1\r\nHost: x\r\n"); d > 3*time.Second {
		t.Errorf("slow headers: cut after %v", d)
	}
	// a body that trickles in is cut by the read timeout
	if d := slow("POST /api/v1/datasets/lab/tables/ProofreadingStatus HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + writeTok +
		"\r\nContent-Length: 500\r\n\r\nid,"); d > 3*time.Second {
		t.Errorf("slow body: cut after %v", d)
	}
}

func TestAllowSQL(t *testing.T) {
	off := newServer(t, "", server.Config{})
	if code, body := do(t, "POST", off.URL+"/api/v1/sql", "", "SELECT 1"); code != 403 || !strings.Contains(body, "--allow-sql") {
		t.Errorf("SQL without --allow-sql: %d %s", code, body)
	}
	ts := newServer(t, "", server.Config{AllowSQL: true})
	code, body := do(t, "POST", ts.URL+"/api/v1/sql", "", "SELECT count(*) AS n FROM Synapse")
	if code != 200 || body != "[\n{\"n\":300000}\n]\n" {
		t.Errorf("count: %d %s", code, body)
	}
	out := filepath.Join(t.TempDir(), "x.csv")
	secret := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(secret, []byte("a\nsecret\n"), 0o600)
	for _, q := range []string{
		"COPY (SELECT 1) TO '" + out + "'",
		"COPY BrainRegion TO '" + out + "' (FORMAT parquet)",
		"SELECT * FROM read_csv('" + secret + "')",
		"SELECT * FROM read_text('/etc/passwd')",
		"SELECT * FROM read_parquet('https://example.com/x.parquet')",
		"INSTALL httpfs",
		"ATTACH '" + out + ".duckdb' AS x",
		"SET enable_external_access = true",
		"SELECT 1; COPY (SELECT 1) TO '" + out + "'",
	} {
		code, body := do(t, "POST", ts.URL+"/api/v1/sql", "", q)
		if code == 200 || strings.Contains(body, "secret") && !strings.Contains(body, "secret.csv") {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	for _, p := range []string{out, out + ".duckdb"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("SQL wrote %s", p)
		}
	}
}

// TestCancel: a query whose client goes away stops, and one over the
// request time limit ends with 504.
func TestCancel(t *testing.T) {
	ts := newServer(t, "", server.Config{AllowSQL: true})
	long := "SELECT sum(hash(a.range + b.range)) FROM range(100000) a, range(1000000) b"
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/v1/sql", strings.NewReader(long))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("long query answered %d", resp.StatusCode)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := get(t, ts.URL+"/metrics")
		if strings.Contains(string(m), "ccc_http_requests_in_flight 1\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the query still runs 10s after its client left:\n%s", m)
		}
		time.Sleep(50 * time.Millisecond)
	}
	limited := newServer(t, "", server.Config{AllowSQL: true, RequestTimeout: 300 * time.Millisecond})
	start := time.Now()
	code, body := do(t, "POST", limited.URL+"/api/v1/sql", "", long)
	if code != 504 || time.Since(start) > 10*time.Second {
		t.Errorf("over the time limit: %d %s after %v", code, body, time.Since(start))
	}
}
