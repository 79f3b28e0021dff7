// Package download is the one HTTP client of ccc's downloads ('ccc atlas
// download', 'ccc projections fetch'): it does not trust the network.
//
//   - https only, unless Policy.AllowHTTP (a --allow-http flag);
//   - a connect timeout (TCP and TLS handshake) and a read timeout: the
//     longest wait for the response headers or for the next body bytes, so
//     a server that stalls mid-transfer fails instead of hanging;
//   - a size cap per response (Policy.MaxBytes, raised by a flag), checked
//     against Content-Length before the transfer and enforced while reading;
//   - redirects only to the request's own host (or Policy.AllowHosts), never
//     from https to http, at most 10;
//   - ToFile writes a temporary file next to the destination and renames it
//     into place once complete and verified (SHA-256), removing it on any
//     failure or cancellation (the commands cancel on SIGINT/SIGTERM);
//   - the final URL (after redirects) is reported, for provenance.
package download

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// Defaults of Policy.
const (
	DefaultConnectTimeout = 30 * time.Second
	DefaultReadTimeout    = 60 * time.Second
	DefaultMaxBytes       = 4 << 30 // 4 GiB
	maxRedirects          = 10
)

// Errors of package download (wrapped in *ccc.Error with the URL).
var (
	// ErrTooLarge: the response is bigger than Policy.MaxBytes.
	ErrTooLarge = errors.New("response larger than the size limit")
	// ErrRedirect: a redirect to another host (or from https to http) was refused.
	ErrRedirect = errors.New("redirect refused")
	// ErrInsecure: an http:// URL without Policy.AllowHTTP.
	ErrInsecure = errors.New("plain http refused")
	// ErrReadTimeout: the server sent nothing for Policy.ReadTimeout.
	ErrReadTimeout = errors.New("read timeout")
)

// Policy bounds downloads; zero fields take the defaults.
type Policy struct {
	ConnectTimeout time.Duration // TCP connect plus TLS handshake
	ReadTimeout    time.Duration // wait for response headers, and between body reads
	MaxBytes       int64         // bytes of one response body
	AllowHTTP      bool          // accept http:// URLs (and redirects from https to http)
	AllowHosts     []string      // hosts redirects may lead to besides the request's own
	// Transport is the base transport (tests: an httptest TLS server's);
	// its dialer and timeouts are replaced. Nil: a new http.Transport.
	Transport *http.Transport
}

func (p Policy) withDefaults() Policy {
	if p.ConnectTimeout <= 0 {
		p.ConnectTimeout = DefaultConnectTimeout
	}
	if p.ReadTimeout <= 0 {
		p.ReadTimeout = DefaultReadTimeout
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = DefaultMaxBytes
	}
	return p
}

// CheckURL refuses a URL that is not absolute http(s), and plain http
// unless p.AllowHTTP.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "not an absolute https URL", Kind: ccc.ErrUsage}
	}
	if u.Scheme == "http" && !p.AllowHTTP {
		return &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "plain http is refused (the bytes could be altered on the way)",
			Hint: "use the https URL, or pass --allow-http for a server you trust on your network", Kind: ccc.ErrUsage, Err: ErrInsecure}
	}
	return nil
}

// Client returns an http.Client with p's connect and header timeouts and
// redirect rules (the body read timeout and size cap are Body's).
func (p Policy) Client() *http.Client {
	p = p.withDefaults()
	tr := &http.Transport{}
	if p.Transport != nil {
		tr = p.Transport.Clone()
	}
	tr.Proxy = http.ProxyFromEnvironment
	tr.DialContext = (&net.Dialer{Timeout: p.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = p.ConnectTimeout
	tr.ResponseHeaderTimeout = p.ReadTimeout
	tr.ForceAttemptHTTP2 = true
	return &http.Client{Transport: tr, CheckRedirect: p.checkRedirect}
}

func (p Policy) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirect, maxRedirects)
	}
	from := via[0].URL
	if req.URL.Scheme != "https" && !(p.AllowHTTP && req.URL.Scheme == "http") {
		return fmt.Errorf("%w: to %s (not https)", ErrRedirect, req.URL.Redacted())
	}
	host := req.URL.Hostname()
	if strings.EqualFold(host, from.Hostname()) {
		return nil
	}
	for _, h := range p.AllowHosts {
		if strings.EqualFold(host, h) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s redirects to another host, %s", ErrRedirect, from.Hostname(), host)
}

// Response is an open download: Body enforces the read timeout and the
// size cap; FinalURL is the URL after redirects.
type Response struct {
	*http.Response
	FinalURL string
	cancel   context.CancelFunc
}

// Close closes the body and releases the request.
func (r *Response) Close() error {
	err := r.Body.Close()
	r.cancel()
	return err
}

// Get checks raw, sends a GET with client (nil: p.Client()) and returns
// the response whatever its status; the caller closes it. Errors are
// *ccc.Error; errors.Is(err, ErrRedirect) for a refused redirect.
func (p Policy) Get(ctx context.Context, client *http.Client, raw string, header http.Header) (*Response, error) {
	p = p.withDefaults()
	if err := p.CheckURL(raw); err != nil {
		return nil, err
	}
	if client == nil {
		client = p.Client()
	}
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		cancel()
		return nil, &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "bad URL", Kind: ccc.ErrUsage, Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		if errors.Is(err, ErrRedirect) {
			return nil, &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "redirect refused", Kind: ccc.ErrUsage, Err: errors.Unwrap(err),
				Hint: "downloads follow redirects only to the same host over https; download the file yourself and pass its path if you trust the other host"}
		}
		return nil, &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "request failed", Kind: ccc.ErrNotFound, Err: err}
	}
	final := raw
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL.String()
	}
	if resp.StatusCode == http.StatusOK && resp.ContentLength > p.MaxBytes {
		resp.Body.Close()
		cancel()
		return nil, tooLarge(raw, p.MaxBytes, fmt.Sprintf("the server announces %d bytes", resp.ContentLength))
	}
	resp.Body = newBody(resp.Body, p, cancel)
	return &Response{Response: resp, FinalURL: final, cancel: cancel}, nil
}

func tooLarge(raw string, max int64, what string) error {
	return &ccc.Error{Op: "download", Path: raw, Row: -1, Kind: ccc.ErrFormat, Err: ErrTooLarge,
		Msg:  fmt.Sprintf("response larger than the limit of %d bytes (%s)", max, what),
		Hint: "raise the limit with --max-bytes if the file is really that big"}
}

// body enforces the idle read timeout (cancelling the request when no
// bytes come for ReadTimeout) and the size cap.
type body struct {
	rc       io.ReadCloser
	max, n   int64
	timeout  time.Duration
	timer    *time.Timer
	mu       sync.Mutex
	timedOut bool
}

func newBody(rc io.ReadCloser, p Policy, cancel context.CancelFunc) *body {
	b := &body{rc: rc, max: p.MaxBytes, timeout: p.ReadTimeout}
	b.timer = time.AfterFunc(p.ReadTimeout, func() {
		b.mu.Lock()
		b.timedOut = true
		b.mu.Unlock()
		cancel()
	})
	return b
}

func (b *body) Read(p []byte) (int, error) {
	if int64(len(p)) > b.max-b.n+1 {
		p = p[:b.max-b.n+1]
	}
	k, err := b.rc.Read(p)
	b.n += int64(k)
	if b.n > b.max {
		return k, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		b.mu.Lock()
		to := b.timedOut
		b.mu.Unlock()
		if to {
			return k, fmt.Errorf("%w: no data for %s", ErrReadTimeout, b.timeout)
		}
		return k, err
	}
	if err == nil {
		b.timer.Reset(b.timeout)
	}
	return k, err
}

func (b *body) Close() error {
	b.timer.Stop()
	return b.rc.Close()
}

// Result describes a completed download.
type Result struct {
	FinalURL string // after redirects
	SHA256   string // hex
	Bytes    int64
}

// Progress follows a transfer (a *progress.Bar does).
type Progress interface {
	SetTotal(bytes int64) // when the server announces the size
	Add(bytes int64)
}

// ToFile downloads raw into dest: the bytes go to a temporary file in
// dest's directory, which is renamed to dest when the transfer is complete
// (Content-Length matched) and its SHA-256 equals wantSHA256 (when not
// empty), and removed otherwise, also when ctx is cancelled. progress may
// be nil. A non-200 answer is a *ccc.Error; retry tells whether another
// attempt may succeed.
func (p Policy) ToFile(ctx context.Context, client *http.Client, raw, dest, wantSHA256 string, progress Progress) (res Result, retry bool, err error) {
	resp, err := p.Get(ctx, client, raw, http.Header{"User-Agent": {"ccc (common connectivity)"}})
	if err != nil {
		return Result{}, errors.Is(err, ccc.ErrNotFound) && ctx.Err() == nil, err
	}
	defer resp.Close()
	if resp.StatusCode != http.StatusOK {
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return Result{}, retry, &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "server answered " + resp.Status,
			Hint: "check the URL or try again later", Kind: ccc.ErrNotFound}
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return Result{}, false, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if progress != nil {
		if resp.ContentLength > 0 {
			progress.SetTotal(resp.ContentLength)
		}
		w = io.MultiWriter(w, progressWriter{progress})
	}
	n, err := io.Copy(w, resp.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		return Result{}, false, tooLarge(raw, p.withDefaults().MaxBytes, "read so far")
	case err != nil && ctx.Err() != nil:
		return Result{}, false, ctx.Err()
	case err != nil:
		return Result{}, true, &ccc.Error{Op: "download", Path: raw, Row: -1, Msg: "transfer interrupted", Kind: ccc.ErrFormat, Err: err}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if wantSHA256 != "" && !strings.EqualFold(wantSHA256, sum) {
		return Result{}, false, &ccc.Error{Op: "download", Path: raw, Row: -1, Value: sum, Msg: "checksum mismatch: expected sha256 " + strings.ToLower(wantSHA256),
			Hint: "the server sent different bytes; retry later, or check the --sha256 value", Kind: ccc.ErrFormat}
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return Result{}, false, err
	}
	done = true
	return Result{FinalURL: resp.FinalURL, SHA256: sum, Bytes: n}, false, nil
}

type progressWriter struct{ p Progress }

func (w progressWriter) Write(b []byte) (int, error) {
	w.p.Add(int64(len(b)))
	return len(b), nil
}
