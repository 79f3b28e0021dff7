package server

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// durationBuckets are the upper bounds (seconds) of the request-duration
// histogram.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type seriesKey struct {
	route, method string
	status        int
}

type histogram struct {
	counts []uint64 // per bucket (not cumulative), plus +Inf last
	sum    float64
	n      uint64
}

// metrics are the Prometheus series of /metrics, kept by hand.
type metrics struct {
	inFlight atomic.Int64
	mu       sync.Mutex
	requests map[seriesKey]uint64
	bytes    map[string]uint64
	dur      map[string]*histogram
	started  time.Time
}

func newMetrics() *metrics {
	return &metrics{requests: map[seriesKey]uint64{}, bytes: map[string]uint64{}, dur: map[string]*histogram{}, started: time.Now()}
}

func (m *metrics) observe(route, method string, status int, d time.Duration, n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[seriesKey{route, method, status}]++
	m.bytes[route] += uint64(n)
	h := m.dur[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets)+1)}
		m.dur[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(durationBuckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

// quoteLabel escapes a Prometheus label value.
func quoteLabel(s string) string { return strconv.Quote(s) }

// write prints the metrics in the Prometheus text format 0.0.4.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP ccc_http_requests_total HTTP requests by route pattern, method and status.")
	fmt.Fprintln(w, "# TYPE ccc_http_requests_total counter")
	keys := make([]seriesKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		fmt.Fprintf(w, "ccc_http_requests_total{route=%s,method=%s,status=\"%d\"} %d\n", quoteLabel(k.route), quoteLabel(k.method), k.status, m.requests[k])
	}
	routes := make([]string, 0, len(m.dur))
	for r := range m.dur {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP ccc_http_request_duration_seconds Time to serve a request, by route pattern.")
	fmt.Fprintln(w, "# TYPE ccc_http_request_duration_seconds histogram")
	for _, r := range routes {
		h := m.dur[r]
		var cum uint64
		for i, le := range durationBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "ccc_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", quoteLabel(r), le, cum)
		}
		cum += h.counts[len(durationBuckets)]
		fmt.Fprintf(w, "ccc_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quoteLabel(r), cum)
		fmt.Fprintf(w, "ccc_http_request_duration_seconds_sum{route=%s} %g\n", quoteLabel(r), h.sum)
		fmt.Fprintf(w, "ccc_http_request_duration_seconds_count{route=%s} %d\n", quoteLabel(r), h.n)
	}
	fmt.Fprintln(w, "# HELP ccc_http_response_bytes_total Response body bytes, by route pattern.")
	fmt.Fprintln(w, "# TYPE ccc_http_response_bytes_total counter")
	for _, r := range routes {
		fmt.Fprintf(w, "ccc_http_response_bytes_total{route=%s} %d\n", quoteLabel(r), m.bytes[r])
	}
	fmt.Fprintln(w, "# HELP ccc_http_requests_in_flight Requests being served.")
	fmt.Fprintln(w, "# TYPE ccc_http_requests_in_flight gauge")
	fmt.Fprintf(w, "ccc_http_requests_in_flight %d\n", m.inFlight.Load())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintln(w, "# HELP ccc_go_heap_bytes Go heap in use (DuckDB memory is outside it).")
	fmt.Fprintln(w, "# TYPE ccc_go_heap_bytes gauge")
	fmt.Fprintf(w, "ccc_go_heap_bytes %d\n", ms.HeapInuse)
	fmt.Fprintln(w, "# HELP ccc_uptime_seconds Seconds since the server started.")
	fmt.Fprintln(w, "# TYPE ccc_uptime_seconds gauge")
	fmt.Fprintf(w, "ccc_uptime_seconds %g\n", time.Since(m.started).Seconds())
}

func handleMetrics(s *Server, w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	return nil
}

func handleHealth(s *Server, w http.ResponseWriter, r *http.Request) error {
	n, err := s.st.Latest()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": n})
	return nil
}
