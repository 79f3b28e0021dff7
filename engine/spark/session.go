package spark

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	sparksql "github.com/apache/spark-connect-go/spark/sql"

	"github.com/ccc-connectivity/ccc"
)

// DefaultRemote is the Spark Connect address used when none is given: the
// local server of scripts/spark.sh.
const DefaultRemote = "sc://127.0.0.1:15002"

// Options configure a Session.
type Options struct {
	// Remote is the Spark Connect address, sc://HOST[:PORT][/;params]
	// ("" = $CCC_SPARK_REMOTE, else DefaultRemote).
	Remote string
	// StoreURI is the store directory as the cluster sees it: a prefix that
	// replaces the local store path in every file URI ("" =
	// $CCC_SPARK_STORE_URI, else file://<absolute local store path>, right
	// when Spark runs on this machine or mounts the same path).
	StoreURI string
	// DialTimeout bounds the first TCP connection to the server (default 10 s).
	DialTimeout time.Duration
}

// Session is a connection to a Spark Connect server.
type Session struct {
	remote   string
	storeURI string
	s        sparksql.SparkSession
	views    []string
}

// RemoteFromEnv returns remote, or $CCC_SPARK_REMOTE, or DefaultRemote.
func RemoteFromEnv(remote string) string {
	if remote != "" {
		return remote
	}
	if env := os.Getenv("CCC_SPARK_REMOTE"); env != "" {
		return env
	}
	return DefaultRemote
}

// hostPort extracts HOST:PORT from an sc:// address (port 15002 when absent).
func hostPort(remote string) (string, error) {
	if !strings.HasPrefix(remote, "sc://") {
		return "", &ccc.Error{Op: "connect to spark", Row: -1, Field: "--spark-remote", Value: remote, Msg: "not a Spark Connect address",
			Hint: "write it as sc://HOST:PORT, e.g. sc://127.0.0.1:15002", Kind: ccc.ErrUsage}
	}
	rest := strings.TrimPrefix(remote, "sc://")
	if i := strings.IndexAny(rest, "/;"); i >= 0 {
		rest = rest[:i]
	}
	u, err := url.Parse("tcp://" + rest)
	if err != nil || u.Hostname() == "" {
		return "", &ccc.Error{Op: "connect to spark", Row: -1, Field: "--spark-remote", Value: remote, Msg: "no host in the address",
			Hint: "write it as sc://HOST:PORT, e.g. sc://127.0.0.1:15002", Kind: ccc.ErrUsage}
	}
	port := u.Port()
	if port == "" {
		port = "15002"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// Connect opens a session. It checks that the server accepts a TCP
// connection first, so that a wrong address fails at once with a clear
// error instead of after gRPC's retries.
func Connect(ctx context.Context, o Options) (*Session, error) {
	remote := RemoteFromEnv(o.Remote)
	hp, err := hostPort(remote)
	if err != nil {
		return nil, err
	}
	timeout := o.DialTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", hp)
	if err != nil {
		return nil, unreachable("connect to spark", remote, err)
	}
	conn.Close()
	s, err := sparksql.NewSessionBuilder().Remote(remote).Build(ctx)
	if err != nil {
		return nil, unreachable("connect to spark", remote, err)
	}
	storeURI := o.StoreURI
	if storeURI == "" {
		storeURI = os.Getenv("CCC_SPARK_STORE_URI")
	}
	return &Session{remote: remote, storeURI: storeURI, s: s}, nil
}

// Remote returns the server address.
func (s *Session) Remote() string { return s.remote }

// Close drops the session's temporary views and ends the session.
func (s *Session) Close() error {
	if s == nil || s.s == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, v := range s.views {
		if df, err := s.s.Sql(ctx, "DROP VIEW IF EXISTS "+quoteIdent(v)); err == nil {
			df.Collect(ctx)
		}
	}
	s.views = nil
	return s.s.Stop()
}

// exec runs a statement for its effect.
func (s *Session) exec(ctx context.Context, op, q string) error {
	df, err := s.s.Sql(ctx, q)
	if err != nil {
		return classify(op, s.remote, err)
	}
	if _, err := df.Collect(ctx); err != nil {
		return classify(op, s.remote, err)
	}
	return nil
}

// Query runs one Spark SQL statement and returns its result as an Arrow
// table (nil table and no error for a statement without rows). The Spark
// Connect Go client gathers the result's Arrow batches in memory: write
// results larger than memory with Spark itself.
func (s *Session) Query(ctx context.Context, q string) (arrow.Table, error) {
	df, err := s.s.Sql(ctx, q)
	if err != nil {
		return nil, classify("spark query", s.remote, err)
	}
	t, err := df.ToArrow(ctx)
	if err != nil {
		return nil, classify("spark query", s.remote, err)
	}
	if t == nil {
		return nil, nil
	}
	return *t, nil
}

// DefaultMaxRows bounds the rows a command collects from Spark (see
// QueryMax): 10 million rows of a dozen numeric columns take about 1 GB of Arrow
// buffers in this process.
const DefaultMaxRows = 10_000_000

// QueryMax runs a query like Query but collects at most max rows (max <= 0:
// no bound): the Spark Connect Go client (spark-connect-go, the
// pseudo-version in go.mod) has no streaming reader: DataFrame.ToArrow and
// DataFrame.All gather every Arrow batch of a result before returning, so
// a result larger than memory cannot be streamed to the output writer. A
// SELECT (or WITH) statement is cut on the cluster at max+1 rows; any
// result with more than max rows fails with ErrTooManyRows, and nothing is
// written.
func (s *Session) QueryMax(ctx context.Context, q string, max int64) (arrow.Table, error) {
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	if max > 0 && isSelect(q) {
		q = "SELECT * FROM (" + q + "\n) LIMIT " + strconv.FormatInt(max+1, 10)
	}
	t, err := s.Query(ctx, q)
	if err != nil || t == nil || max <= 0 || t.NumRows() <= max {
		return t, err
	}
	t.Release()
	return nil, &kindError{&ccc.Error{Op: "spark query", Row: -1, Field: "--spark-max-rows", Value: strconv.FormatInt(max, 10),
		Msg: fmt.Sprintf("the result has more than %d rows: the Spark Connect Go client collects a whole result in memory before ccc writes it (no streaming)", max),
		Hint: "narrow the query (filters, --limit, an aggregation), raise --spark-max-rows if this machine's memory allows (Arrow holds about 8 bytes per number, more for strings and lists), " +
			"or let the cluster write it: ccc query --engine spark --sql \"INSERT OVERWRITE DIRECTORY 'DIR' USING parquet SELECT ...\"",
		Kind: ccc.ErrUsage, Err: ErrTooManyRows}, ErrTooManyRows}
}

// isSelect reports whether a statement is a query that can be wrapped in
// SELECT * FROM (...) LIMIT n (leading comments skipped).
func isSelect(q string) bool {
	for {
		q = strings.TrimSpace(q)
		switch {
		case strings.HasPrefix(q, "--"):
			if i := strings.IndexByte(q, '\n'); i >= 0 {
				q = q[i+1:]
				continue
			}
			return false
		case strings.HasPrefix(q, "/*"):
			if i := strings.Index(q, "*/"); i >= 0 {
				q = q[i+2:]
				continue
			}
			return false
		}
		break
	}
	w := strings.ToUpper(q)
	if i := strings.IndexFunc(w, func(r rune) bool { return !(r >= 'A' && r <= 'Z') }); i >= 0 {
		w = w[:i]
	}
	return w == "SELECT" || w == "WITH"
}

// Version returns the server's Spark version.
func (s *Session) Version(ctx context.Context) (string, error) {
	t, err := s.Query(ctx, "SELECT version()")
	if err != nil {
		return "", err
	}
	defer t.Release()
	r := NewRows(t)
	if !r.Next() {
		return "", fmt.Errorf("spark: version() returned no row")
	}
	v := r.Values()[0]
	if str, ok := v.(string); ok {
		if i := strings.IndexByte(str, ' '); i > 0 {
			str = str[:i]
		}
		return str, nil
	}
	return fmt.Sprint(v), nil
}

// quoteIdent quotes a Spark SQL identifier.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// quoteString quotes a Spark SQL string literal (backslash escapes are
// on by default in Spark SQL, so backslashes are doubled too).
func quoteString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}
