package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// Config configures a Server. Zero values take the defaults noted.
type Config struct {
	Store    *store.Store
	Tokens   *Tokens // nil: reads open to all, writes refused
	AllowSQL bool    // enable POST /api/v1/sql (read-only, no external files)

	RequestTimeout time.Duration // per request (default 5m)
	MemoryLimit    string        // DuckDB memory_limit per request (default "512MB")
	Threads        int           // DuckDB threads per request, and pqarrow column decoding of a table stream when > 1 (default 2)
	MaxBodyBytes   int64         // request body limit (default 256 MiB)

	ReadHeaderTimeout time.Duration // default 10s
	ReadTimeout       time.Duration // whole request incl. body (default 5m)
	WriteTimeout      time.Duration // whole response (default 30m: large streams)
	IdleTimeout       time.Duration // keep-alive (default 2m)

	Logger     *slog.Logger // access log (default: discard)
	NoExplorer bool         // do not serve the web explorer at "/"
}

func (c *Config) defaults() {
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 5 * time.Minute
	}
	if c.MemoryLimit == "" {
		c.MemoryLimit = "512MB"
	}
	if c.Threads <= 0 {
		c.Threads = 2
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 256 << 20
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 5 * time.Minute
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 30 * time.Minute
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Server serves one store.
type Server struct {
	cfg      Config
	st       *store.Store
	storeDir string
	mux      *http.ServeMux
	metrics  *metrics

	noDirect     bool         // tests: every table request through SQL
	directServed atomic.Int64 // table requests answered by the direct path
	verified     sync.Map     // "path\x00sha256" -> *verifiedFile (direct path)

	mu       sync.Mutex
	synCache map[string]*synapse.Dataset // "version/dataset" -> open dataset (immutable)
}

// maxCachedDatasets bounds the open synapse datasets kept between requests.
const maxCachedDatasets = 16

// New returns a server for cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if _, err := parseMemoryLimit(cfg.MemoryLimit); cfg.MemoryLimit != "" && err != nil {
		return nil, err
	}
	cfg.defaults()
	s := &Server{cfg: cfg, st: cfg.Store, storeDir: cfg.Store.Dir(), mux: http.NewServeMux(), metrics: newMetrics(),
		synCache: map[string]*synapse.Dataset{}}
	for i := range routes {
		rt := &routes[i]
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	if !cfg.NoExplorer {
		index, assets := webHandler()
		s.mux.Handle("GET /{$}", index)
		s.mux.Handle("GET /web/", assets)
	}
	return s, nil
}

// Close releases the cached synapse datasets.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, d := range s.synCache {
		d.Close()
		delete(s.synCache, k)
	}
	return nil
}

// Handler returns the server's handler with access logging and metrics.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		s.metrics.inFlight.Add(1)
		defer func() {
			s.metrics.inFlight.Add(-1)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.observe(route, r.Method, status, d, rec.bytes)
			s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
				slog.Int("status", status), slog.Int64("bytes", rec.bytes), slog.Duration("duration", d),
				slog.String("remote", r.RemoteAddr), slog.String("token", tokenName(r)))
		}()
		s.mux.ServeHTTP(rec, r)
	})
}

// HTTPServer returns an http.Server for addr with the configured timeouts.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout, ReadTimeout: s.cfg.ReadTimeout,
		WriteTimeout: s.cfg.WriteTimeout, IdleTimeout: s.cfg.IdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn)}
}

// recorder notes the status and the bytes written.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wrap applies authentication, the body limit and the time limit to a
// route, and turns its error into a response.
func (s *Server) wrap(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		tok, err := s.cfg.Tokens.authenticate(r)
		if err == nil && rt.Write && tok == nil {
			if s.cfg.Tokens == nil {
				err = &httpError{status: http.StatusForbidden, msg: "writes are disabled: the server runs without --auth"}
			} else {
				err = fmt.Errorf("%w: this endpoint writes; send a token with write scope (Authorization: Bearer TOKEN)", ErrUnauthorized)
			}
		}
		if err == nil && tok == nil && !rt.Public && s.cfg.Tokens != nil && !s.cfg.Tokens.PublicRead {
			err = fmt.Errorf("%w: send Authorization: Bearer TOKEN", ErrUnauthorized)
		}
		if err == nil {
			err = rt.checkQuery(r)
		}
		if err != nil {
			s.fail(w, err)
			return
		}
		r = r.WithContext(withToken(ctx, tok))
		if r.ContentLength > s.cfg.MaxBodyBytes {
			s.fail(w, &httpError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body of %d bytes is over the limit of %d", r.ContentLength, s.cfg.MaxBodyBytes)})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		rec, _ := w.(*recorder)
		if err := rt.h(s, w, r); err != nil {
			if rec != nil && rec.status != 0 {
				// the body has started: cut the connection so that the
				// client sees an incomplete response, not a short table
				s.cfg.Logger.Warn("stream aborted", "path", r.URL.Path, "error", err.Error())
				panic(http.ErrAbortHandler)
			}
			s.fail(w, err)
		}
	})
}

// ref reads ?version= / ?timestamp= of a request.
func ref(r *http.Request) (store.Ref, error) {
	q := r.URL.Query()
	v, ts := q.Get("version"), q.Get("timestamp")
	if v != "" && ts != "" {
		return store.Ref{}, usagef("give version or timestamp, not both")
	}
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return store.Ref{}, usagef("version %q: want a positive integer", v)
		}
		return store.Ref{Version: n}, nil
	}
	if ts == "" {
		return store.Ref{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, ts); err == nil {
			// times in responses (Arrow, Parquet) have microseconds; a
			// time without finer digits means the whole microsecond, so
			// that a version's reported time selects that version
			if t.Nanosecond()%1000 == 0 {
				t = t.Add(999 * time.Nanosecond)
			}
			return store.Ref{Time: t.UTC()}, nil
		}
	}
	return store.Ref{}, usagef("timestamp %q: use RFC 3339, e.g. 2026-11-22T03:00:00Z", ts)
}

// snapshot resolves the request's version.
func (s *Server) snapshot(r *http.Request) (*store.Snapshot, error) {
	rf, err := ref(r)
	if err != nil {
		return nil, err
	}
	return s.st.Snapshot(rf)
}

// snapshotDB resolves the request's version and opens its locked-down
// query database (queryDB); the caller closes the database.
func (s *Server) snapshotDB(r *http.Request) (*store.Snapshot, *sql.DB, error) {
	sn, err := s.snapshot(r)
	if err != nil {
		return nil, nil, err
	}
	db, err := s.queryDB(r.Context(), sn)
	if err != nil {
		return nil, nil, err
	}
	return sn, db, nil
}

// queryDB opens a DuckDB database over sn for one request: the class
// views, the request's memory and thread limits, and no file access beyond
// the snapshot's tables (enable_external_access = false, configuration
// locked), so that even user SQL (--allow-sql) can neither read other
// files nor write any.
func (s *Server) queryDB(ctx context.Context, sn *store.Snapshot) (*sql.DB, error) {
	db, err := sn.DB(ctx)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var paths []string
	for _, t := range sn.AllTables() {
		paths = append(paths, store.QuoteString(t.Path))
	}
	for _, q := range []string{
		"SET memory_limit = " + store.QuoteString(s.cfg.MemoryLimit),
		"SET threads = " + strconv.Itoa(s.cfg.Threads),
		"SET allowed_paths = [" + strings.Join(paths, ", ") + "]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("server: prepare query database: %w", err)
		}
	}
	return db, nil
}

// parseMemoryLimit checks a DuckDB memory limit such as "512MB" or "2GB".
func parseMemoryLimit(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	for _, u := range []struct {
		suf string
		mul int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}} {
		if n, ok := strings.CutSuffix(t, u.suf); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
			if err == nil && v > 0 {
				return v * u.mul, nil
			}
		}
	}
	return 0, usagef("memory limit %q: want e.g. 512MB or 2GB", s)
}
