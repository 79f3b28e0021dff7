package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/atlas"
)

// Issue 12, defect 7: 'atlas download' and 'projections fetch' use https
// by default, refuse redirects to other hosts and oversize answers, time
// out on a stalled server, leave no partial file, and the version records
// the final URL.
func TestDownloadLimits(t *testing.T) {
	if !strings.HasPrefix(atlas.AllenAnnotationBase, "https://") {
		t.Errorf("default annotation URL is not https: %s", atlas.AllenAnnotationBase)
	}
	dir := atlasStore(t)
	good := demoNRRD(t, atlas.CCFDims[100], atlas.DemoBoxes)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	mux.HandleFunc("/annotation_100.nrrd", func(w http.ResponseWriter, r *http.Request) { w.Write(good) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/annotation_100.nrrd", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/annotation_100.nrrd", http.StatusFound)
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(good)))
		w.Write(good[:len(good)/3])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	})
	keep := t.TempDir()
	kept := filepath.Join(keep, "annotation_100.nrrd")
	dl := func(args ...string) (string, int) {
		_, e, code := runAtlasCmd(t, append([]string{"--store", dir, "--quiet", "atlas", "download", "--retries", "0", "--keep", kept}, args...)...)
		return e, code
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plain http without --allow-http", []string{"--url", srv.URL + "/annotation_100.nrrd"}, "plain http is refused"},
		{"redirect to another host", []string{"--allow-http", "--url", srv.URL + "/elsewhere"}, "127.0.0.1 redirects to another host, localhost"},
		{"oversize", []string{"--allow-http", "--max-bytes", "10KB", "--url", srv.URL + "/annotation_100.nrrd"}, "response larger than the limit of 10000 bytes"},
		{"stalled server", []string{"--allow-http", "--read-timeout", "300ms", "--url", srv.URL + "/stall"}, "read timeout: no data for 300ms"},
		{"bad --sha256", []string{"--allow-http", "--sha256", "abc", "--url", srv.URL + "/annotation_100.nrrd"}, "a SHA-256 is 64 hex digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, code := dl(tc.args...)
			if code != 2 || !strings.Contains(e, tc.want) {
				t.Fatalf("exit %d, want 2 and %q:\n%s", code, tc.want, e)
			}
			if es, _ := os.ReadDir(keep); len(es) != 0 {
				t.Fatalf("left behind: %s", es[0].Name())
			}
		})
	}
	if out, _, _ := runAtlasCmd(t, "--store", dir, "versions"); strings.Contains(out, "volume") {
		t.Fatalf("a refused download made a version:\n%s", out)
	}
	// a same-host redirect is followed; the version records the final URL
	// (with no --sha256 and no built-in hash for this URL, a warning says the
	// bytes were not checked, and the version records that)
	if e, code := dl("--allow-http", "--resolution", "100", "--url", srv.URL+"/moved"); code != 0 || !strings.Contains(e, "warning: no known SHA-256 for "+srv.URL+"/moved") {
		t.Fatalf("download: %d %s", code, e)
	}
	out, e, code := runAtlasCmd(t, "--store", dir, "versions", "--format", "json")
	var vs []struct {
		SourceURI string         `json:"source_uri"`
		Params    map[string]any `json:"params"`
	}
	if err := json.Unmarshal([]byte(out), &vs); code != 0 || err != nil {
		t.Fatalf("versions: %d %v %s", code, err, e)
	}
	last := vs[len(vs)-1]
	if last.SourceURI != srv.URL+"/annotation_100.nrrd" || last.Params["url"] != srv.URL+"/annotation_100.nrrd" || last.Params["requested_url"] != srv.URL+"/moved" || last.Params["sha256_checked"] != "none" {
		t.Fatalf("version provenance: %+v", last)
	}
}

// Killing a download (SIGTERM, as Ctrl-C or a job scheduler does) removes
// the partial file: runs 'ccc atlas download' in a child process.
func TestDownloadSIGTERMRemovesPartialFile(t *testing.T) {
	if os.Getenv("CCC_TEST_DOWNLOAD_CHILD") == "1" {
		args := strings.Split(os.Getenv("CCC_TEST_ARGS"), "\x1f")
		os.Exit(Run(context.Background(), args, &IO{In: strings.NewReader(""), Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}))
	}
	dir := atlasStore(t)
	started := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 100_000))
		w.(http.Flusher).Flush()
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	}))
	defer srv.Close()
	keep := t.TempDir()
	args := []string{"--store", dir, "--quiet", "atlas", "download", "--allow-http", "--retries", "0",
		"--keep", filepath.Join(keep, "annotation_100.nrrd"), "--url", srv.URL + "/annotation_100.nrrd"}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestDownloadSIGTERMRemovesPartialFile$")
	cmd.Env = append(os.Environ(), "CCC_TEST_DOWNLOAD_CHILD=1", "CCC_TEST_ARGS="+strings.Join(args, "\x1f"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child never started the download")
	}
	// the partial file exists while the transfer hangs
	deadline := time.Now().Add(10 * time.Second)
	for {
		es, _ := os.ReadDir(keep)
		if len(es) == 1 && strings.Contains(es[0].Name(), ".part-") {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no partial file while downloading: %v", es)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	if es, _ := os.ReadDir(keep); len(es) != 0 {
		t.Fatalf("partial file left after SIGTERM: %s", es[0].Name())
	}
}
