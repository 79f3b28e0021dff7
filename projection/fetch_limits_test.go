package projection

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ccc-connectivity/ccc/internal/download"
)

// Issue 12, defect 7: fetch refuses plain http by default, redirects to
// another host and oversize answers (without retrying them), times out on
// a stalled server and leaves no partial file in the cache.
func TestFetchLimits(t *testing.T) {
	g := testGrid([3]int{132, 80, 114}, func(ap, dv, ml int) float32 { return 1 })
	grid := writeNRRD(t, "", g, "gzip")
	var hits int
	mux := http.NewServeMux()
	hs := httptest.NewServer(mux)
	defer hs.Close()
	_, port, _ := net.SplitHostPort(hs.Listener.Addr().String())
	mode := ""
	mux.HandleFunc("/grid_data/download_file/7", func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch mode {
		case "redirect":
			http.Redirect(w, r, "http://localhost:"+port+"/x", http.StatusFound)
		case "stall":
			w.Write(grid[:1000])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		default:
			w.Write(grid)
		}
	})
	tests := []struct {
		name, mode string
		pol        download.Policy
		want       string
		hits       int
	}{
		{"plain http refused", "", download.Policy{}, "plain http is refused", 0},
		{"redirect to another host", "redirect", download.Policy{AllowHTTP: true}, "redirects to another host, localhost", 1},
		{"oversize", "", download.Policy{AllowHTTP: true, MaxBytes: 1000}, "response larger than the size limit", 1},
		{"stalled", "stall", download.Policy{AllowHTTP: true, ReadTimeout: 200 * time.Millisecond}, "read timeout", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, mode = 0, tc.mode
			cache := Cache{Dir: t.TempDir(), Resolution: 100}
			f := &Fetcher{BaseURL: hs.URL, Policy: tc.pol, Retries: 1, Backoff: time.Millisecond, Concurrency: 1}
			err := f.Fetch(context.Background(), cache, []int64{7}, FetchOptions{Grid: true})
			if err == nil || !strings.Contains(err.Error(), tc.want) || hits != tc.hits {
				t.Fatalf("got %v after %d requests, want %q after %d", err, hits, tc.want, tc.hits)
			}
			es, _ := os.ReadDir(cache.ExperimentDir(7))
			for _, e := range es {
				t.Errorf("left in the cache: %s", e.Name())
			}
		})
	}
	if !strings.HasPrefix(DefaultAPI, "https://") {
		t.Errorf("DefaultAPI is not https: %s", DefaultAPI)
	}
}
