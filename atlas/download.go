package atlas

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/progress"
)

// AllenAnnotationBase is the Allen Institute download server directory of
// the CCF v3 (2017) annotation volumes annotation_<res>.nrrd.
const AllenAnnotationBase = "http://download.alleninstitute.org/informatics-archive/current-release/mouse_ccf/annotation/ccf_2017/"

// AnnotationURL returns the official URL of the CCF 2017 annotation volume
// at 10, 25, 50 or 100 um.
func AnnotationURL(res int) (string, error) {
	if _, ok := CCFDims[res]; !ok {
		return "", fmt.Errorf("%w: --resolution must be 10, 25, 50 or 100 (um), not %d", ccc.ErrUsage, res)
	}
	return fmt.Sprintf("%sannotation_%d.nrrd", AllenAnnotationBase, res), nil
}

// DownloadOptions tune Download.
type DownloadOptions struct {
	Client  *http.Client  // default: http.DefaultClient
	Retries int           // attempts after the first (0: 3, negative: none)
	Backoff time.Duration // wait before the first retry, doubled each time (default 1 s)
	SHA256  string        // expected checksum (hex); "" accepts any
	Bar     *progress.Bar // progress (nil: none)
}

// Download fetches url into dest (written whole or not at all), retrying
// on network errors and 5xx/429 answers, and returns the SHA-256 of the
// bytes and their number.
func Download(ctx context.Context, url, dest string, o DownloadOptions) (sum string, n int64, err error) {
	if o.Client == nil {
		o.Client = http.DefaultClient
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Backoff == 0 {
		o.Backoff = time.Second
	}
	wait := o.Backoff
	for attempt := 0; ; attempt++ {
		var retry bool
		sum, n, retry, err = downloadOnce(ctx, url, dest, o)
		if err == nil || !retry || attempt >= o.Retries {
			break
		}
		select {
		case <-ctx.Done():
			return "", 0, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		return "", 0, err
	}
	if o.SHA256 != "" && !strings.EqualFold(o.SHA256, sum) {
		os.Remove(dest)
		return "", 0, &ccc.Error{Op: "download", Path: url, Row: -1, Value: sum, Msg: "checksum mismatch: expected sha256 " + o.SHA256,
			Hint: "the server sent different bytes; retry later or drop --sha256", Kind: ccc.ErrFormat}
	}
	return sum, n, nil
}

func downloadOnce(ctx context.Context, url, dest string, o DownloadOptions) (string, int64, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, false, fmt.Errorf("%w: bad URL %q: %v", ccc.ErrUsage, url, err)
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return "", 0, ctx.Err() == nil, &ccc.Error{Op: "download", Path: url, Row: -1, Msg: "request failed", Kind: ccc.ErrNotFound, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return "", 0, retry, &ccc.Error{Op: "download", Path: url, Row: -1, Msg: "server answered " + resp.Status,
			Hint: "check the URL (--url) or try again later", Kind: ccc.ErrNotFound}
	}
	if resp.ContentLength > 0 {
		o.Bar.SetTotal(resp.ContentLength)
	}
	tmp := dest + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, false, err
	}
	defer os.Remove(tmp)
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h, barWriter{o.Bar}), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.ContentLength > 0 && n != resp.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)
	}
	if err != nil {
		return "", 0, ctx.Err() == nil, &ccc.Error{Op: "download", Path: url, Row: -1, Msg: "transfer interrupted", Kind: ccc.ErrFormat, Err: err}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return "", 0, false, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, false, nil
}

type barWriter struct{ b *progress.Bar }

func (w barWriter) Write(p []byte) (int, error) {
	w.b.Add(int64(len(p)))
	return len(p), nil
}
