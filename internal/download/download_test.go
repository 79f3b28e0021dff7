package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc"
)

var payload = []byte(strings.Repeat("annotation volume bytes ", 1000)) // 24,000 bytes

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// server is an httptest server on 127.0.0.1 with a few misbehaving paths.
func server(t *testing.T, tls bool) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(payload)))
		w.Write(payload)
	})
	mux.HandleFunc("/redirect-same", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/file", http.StatusFound) })
	mux.HandleFunc("/chunked-big", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 10; i++ { // no Content-Length: the cap applies while reading
			w.Write(payload)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/stall-body", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(payload)))
		w.Write(payload[:1000])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/stall-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(payload)))
		w.Write(payload[:len(payload)/2])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	var srv *httptest.Server
	if tls {
		srv = httptest.NewTLSServer(mux)
		// https -> http on the same host
		mux.HandleFunc("/redirect-http", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://"+r.Host+"/file", http.StatusFound)
		})
	} else {
		srv = httptest.NewServer(mux)
	}
	t.Cleanup(srv.Close)
	return srv
}

func policy(srv *httptest.Server) Policy {
	p := Policy{ReadTimeout: 300 * time.Millisecond, ConnectTimeout: time.Second, MaxBytes: 100_000}
	if tr, ok := srv.Client().Transport.(*http.Transport); ok && srv.TLS != nil {
		p.Transport = tr
	} else {
		p.AllowHTTP = true
	}
	return p
}

// noFiles fails when dir holds anything (a partial or temporary file).
func noFiles(t *testing.T, dir string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestToFile(t *testing.T) {
	plain, tls := server(t, false), server(t, true)
	// another host: same server, reached by name instead of address
	_, port, _ := net.SplitHostPort(plain.Listener.Addr().String())
	otherHost := "http://localhost:" + port + "/file"
	plain.Config.Handler.(*http.ServeMux).HandleFunc("/redirect-other", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherHost, http.StatusFound)
	})

	tests := []struct {
		name    string
		srv     *httptest.Server
		path    string
		edit    func(*Policy)
		sha     string
		want    error  // errors.Is; nil: success
		msg     string // in the error
		final   string // path of the final URL on success
		kindErr error
	}{
		{"https", tls, "/file", nil, "", nil, "", "/file", nil},
		{"checksum ok", tls, "/file", nil, sum(payload), nil, "", "/file", nil},
		{"same-host redirect, final URL", plain, "/redirect-same", nil, "", nil, "", "/file", nil},
		{"redirect to another host", plain, "/redirect-other", nil, "", ErrRedirect, "127.0.0.1 redirects to another host, localhost", "", ccc.ErrUsage},
		{"redirect to an allowed host", plain, "/redirect-other", func(p *Policy) { p.AllowHosts = []string{"localhost"} }, "", nil, "", "/file", nil},
		{"https to http redirect", tls, "/redirect-http", nil, "", ErrRedirect, "(not https)", "", ccc.ErrUsage},
		{"plain http refused", plain, "/file", func(p *Policy) { p.AllowHTTP = false }, "", ErrInsecure, "plain http is refused", "", ccc.ErrUsage},
		{"oversize by Content-Length", tls, "/file", func(p *Policy) { p.MaxBytes = 1000 }, "", ErrTooLarge, "the server announces 24000 bytes", "", ccc.ErrFormat},
		{"oversize while reading", tls, "/chunked-big", nil, "", ErrTooLarge, "larger than the limit of 100000 bytes", "", ccc.ErrFormat},
		{"slow body times out", tls, "/stall-body", nil, "", ErrReadTimeout, "no data for 300ms", "", ccc.ErrFormat},
		{"slow headers time out", tls, "/stall-headers", nil, "", nil, "timeout awaiting response headers", "", ccc.ErrNotFound},
		{"truncated transfer", plain, "/truncated", nil, "", nil, "transfer interrupted", "", ccc.ErrFormat},
		{"checksum mismatch", tls, "/file", nil, strings.Repeat("0", 64), nil, "checksum mismatch", "", ccc.ErrFormat},
		{"not found", tls, "/missing", nil, "", nil, "server answered 404", "", ccc.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := filepath.Join(dir, "annotation_25.nrrd")
			p := policy(tc.srv)
			if tc.edit != nil {
				tc.edit(&p)
			}
			t0 := time.Now()
			res, _, err := p.ToFile(context.Background(), nil, tc.srv.URL+tc.path, dest, tc.sha, nil)
			if time.Since(t0) > 5*time.Second {
				t.Errorf("took %s: a timeout did not fire", time.Since(t0))
			}
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := os.ReadFile(dest)
				if string(b) != string(payload) || res.Bytes != int64(len(payload)) || res.SHA256 != sum(payload) || !strings.HasSuffix(res.FinalURL, tc.final) {
					t.Fatalf("got %d bytes, result %+v", len(b), res)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || (tc.want != nil && !errors.Is(err, tc.want)) || !errors.Is(err, tc.kindErr) {
				t.Fatalf("got %v, want %q (%v, %v)", err, tc.msg, tc.want, tc.kindErr)
			}
			noFiles(t, dir)
		})
	}
}

// A cancelled download (the commands cancel on SIGINT/SIGTERM) removes its
// temporary file.
func TestToFileCancelRemovesPartialFile(t *testing.T) {
	srv := server(t, true)
	dir := t.TempDir()
	p := policy(srv)
	p.ReadTimeout = 5 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	pr := &cancelAfter{n: 1000, cancel: cancel}
	go func() {
		_, _, err := p.ToFile(ctx, nil, srv.URL+"/stall-body", filepath.Join(dir, "x.nrrd"), "", pr)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || pr.total != int64(len(payload)) || pr.got != 1000 {
			t.Fatalf("got %v after %d of %d bytes", err, pr.got, pr.total)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not stop the download")
	}
	noFiles(t, dir)
}

func TestCheckURL(t *testing.T) {
	for _, u := range []string{"ftp://x/y", "file:///etc/passwd", "/relative", "https://"} {
		if err := (Policy{}).CheckURL(u); !errors.Is(err, ccc.ErrUsage) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if err := (Policy{}).CheckURL("https://download.alleninstitute.org/x.nrrd"); err != nil {
		t.Error(err)
	}
}

// cancelAfter cancels once n bytes arrived (the temporary file exists then).
type cancelAfter struct {
	got, n, total int64
	cancel        func()
}

func (c *cancelAfter) SetTotal(n int64) { c.total = n }
func (c *cancelAfter) Add(n int64) {
	if c.got += n; c.got >= c.n {
		c.cancel()
	}
}
