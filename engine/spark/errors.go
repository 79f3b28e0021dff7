package spark

import (
	"errors"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Sentinel errors of the Spark engine. Each is wrapped in a *ccc.Error of
// kind ccc.ErrUsage (exit 2) that carries the remote's message and a hint;
// test with errors.Is.
var (
	// ErrUnreachable: no Spark Connect server answers at the remote address.
	ErrUnreachable = errors.New("spark connect server unreachable")
	// ErrPathNotVisible: the cluster cannot read a file of the store version
	// at the URI ccc gave it (wrong --spark-store-uri, or the store is not on
	// a file system the cluster mounts).
	ErrPathNotVisible = errors.New("store file not visible to the cluster")
	// ErrSQL: Spark rejected or failed a query.
	ErrSQL = errors.New("spark sql error")
	// ErrTooManyRows: a result exceeds the row bound of QueryMax (the Spark
	// Connect Go client gathers a result in memory before ccc writes it).
	ErrTooManyRows = errors.New("spark result larger than the row bound")
)

// kindError is a *ccc.Error whose Is also reports a package sentinel.
type kindError struct {
	e        *ccc.Error
	sentinel error
}

func (e *kindError) Error() string { return e.e.Error() }

func (e *kindError) Is(target error) bool { return target == e.sentinel }

// Unwrap gives the *ccc.Error (and through it the kind) to errors.Is/As.
func (e *kindError) Unwrap() error { return e.e }

// classify turns an error of the Spark client into a user-facing error.
func classify(op, remote string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "PATH_NOT_FOUND") || strings.Contains(msg, "Path does not exist"):
		return &kindError{&ccc.Error{Op: op, Row: -1, Msg: "the Spark cluster cannot read a file of the store version: " + firstLines(msg, 3),
			Hint: "pass --spark-store-uri (or $CCC_SPARK_STORE_URI) with the store's location as the cluster sees it, e.g. file:///shared/ccc-data, hdfs://nn/ccc-data or s3a://bucket/ccc-data",
			Kind: ccc.ErrUsage, Err: err}, ErrPathNotVisible}
	case strings.Contains(msg, "Unavailable") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host"):
		return unreachable(op, remote, err)
	}
	return &kindError{&ccc.Error{Op: op, Row: -1, Msg: "Spark: " + firstLines(msg, 6),
		Hint: "the query runs on Spark SQL (not DuckDB): check the statement against Spark's SQL reference, or drop --engine spark to run it on the embedded engine",
		Kind: ccc.ErrUsage, Err: err}, ErrSQL}
}

func unreachable(op, remote string, err error) error {
	return &kindError{&ccc.Error{Op: op, Row: -1, Msg: "no Spark Connect server answers at " + remote + ": " + firstLines(err.Error(), 2),
		Hint: "start a local one with 'scripts/spark.sh start', or give the cluster's address with --spark-remote sc://HOST:15002 (or $CCC_SPARK_REMOTE)",
		Kind: ccc.ErrUsage, Err: err}, ErrUnreachable}
}

// firstLines keeps the first n non-empty lines of a (JVM) message.
func firstLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
			if len(out) == n {
				break
			}
		}
	}
	return strings.Join(out, " | ")
}
