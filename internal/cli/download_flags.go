package cli

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/ccc-connectivity/ccc/internal/download"
)

// downloadFlags are the network limits of the commands that download
// ('atlas download', 'projections fetch', 'projections aggregate --fetch').
type downloadFlags struct {
	AllowHTTP      bool
	AllowHosts     []string
	MaxBytes       string
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

func (d *downloadFlags) register(f *pflag.FlagSet) {
	f.BoolVar(&d.AllowHTTP, "allow-http", false, "accept plain http URLs (default: https only)")
	f.StringArrayVar(&d.AllowHosts, "allow-host", nil, "host that redirects may lead to besides the URL's own (repeatable)")
	f.StringVar(&d.MaxBytes, "max-bytes", "4GiB", "largest response accepted (e.g. 500MB, 8GiB)")
	f.DurationVar(&d.ConnectTimeout, "connect-timeout", download.DefaultConnectTimeout, "timeout to connect (TCP and TLS)")
	f.DurationVar(&d.ReadTimeout, "read-timeout", download.DefaultReadTimeout, "give up when the server sends nothing for this long")
}

func (d *downloadFlags) policy() (download.Policy, error) {
	n, err := parseByteSize(d.MaxBytes)
	if err != nil {
		return download.Policy{}, usageErr("--max-bytes %q: %v", d.MaxBytes, err)
	}
	if d.ConnectTimeout <= 0 || d.ReadTimeout <= 0 {
		return download.Policy{}, usageErr("--connect-timeout and --read-timeout must be positive")
	}
	return download.Policy{AllowHTTP: d.AllowHTTP, AllowHosts: d.AllowHosts, MaxBytes: n,
		ConnectTimeout: d.ConnectTimeout, ReadTimeout: d.ReadTimeout}, nil
}

// parseByteSize reads 123, 10KB, 500MB, 4GiB, 1TB (KB = 1000, KiB = 1024).
func parseByteSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}} {
		if strings.HasSuffix(t, u.suf) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suf)), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v*float64(mult) > 1<<62 {
		return 0, strconv.ErrSyntax
	}
	return int64(v * float64(mult)), nil
}
