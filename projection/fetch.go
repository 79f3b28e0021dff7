package projection

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/download"
)

// Cache is the local directory of per-experiment files:
//
//	<dir>/<id>/injectionSummary_all.json        injection structure unionizes (list of records)
//	<dir>/<id>/projectionSummary_all.json       all structure unionizes (matrices; fetch --unionizes)
//	<dir>/<id>/projection_density_<res>um.nrrd  density grid as the Allen grid service sends it
//	<dir>/<id>/density.mhd + density.raw        the 100 um grid in the older MetaImage layout (read too)
type Cache struct {
	Dir        string
	Resolution int // um: 10, 25, 50 or 100 (0 = 100)
}

func (c Cache) res() int {
	if c.Resolution == 0 {
		return 100
	}
	return c.Resolution
}

// ExperimentDir is the directory of one experiment.
func (c Cache) ExperimentDir(id int64) string { return filepath.Join(c.Dir, strconv.FormatInt(id, 10)) }

// SummaryPath is the injection summary file of an experiment.
func (c Cache) SummaryPath(id int64) string {
	return filepath.Join(c.ExperimentDir(id), "injectionSummary_all.json")
}

// UnionizePath is the file with all structure unionizes of an experiment.
func (c Cache) UnionizePath(id int64) string {
	return filepath.Join(c.ExperimentDir(id), "projectionSummary_all.json")
}

// FetchGridPath is where fetch stores the density grid.
func (c Cache) FetchGridPath(id int64) string {
	return filepath.Join(c.ExperimentDir(id), fmt.Sprintf("projection_density_%dum.nrrd", c.res()))
}

// GridPath returns the first grid file present for the experiment at the
// cache resolution; a ccc.ErrNotFound error names the candidates otherwise.
func (c Cache) GridPath(id int64) (string, error) {
	cands := []string{c.FetchGridPath(id), filepath.Join(c.ExperimentDir(id), fmt.Sprintf("density_%dum.mhd", c.res()))}
	if c.res() == 100 {
		cands = append(cands, filepath.Join(c.ExperimentDir(id), "density.mhd"), filepath.Join(c.ExperimentDir(id), "density.raw"))
	}
	for _, p := range cands {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", &ccc.Error{Op: "aggregate", Path: c.ExperimentDir(id), Row: -1, Value: strconv.FormatInt(id, 10),
		Msg:  fmt.Sprintf("no %d um density grid cached for experiment %d", c.res(), id),
		Hint: fmt.Sprintf("run 'ccc projections fetch --cache %s --resolution %d %d'", c.Dir, c.res(), id), Kind: ccc.ErrNotFound}
}

// DefaultAPI is the Allen Brain Atlas API.
const DefaultAPI = "https://api.brain-map.org"

// Fetcher downloads experiment files from the Allen API into a Cache.
type Fetcher struct {
	BaseURL     string          // default DefaultAPI
	Policy      download.Policy // https only, timeouts, size cap per response, redirects (zero: defaults)
	Client      *http.Client    // default: Policy.Client()
	Retries     int             // attempts after the first one on network errors, 429 and 5xx (default 4)
	Backoff     time.Duration   // first wait, doubled each retry (default 1 s)
	Concurrency int             // experiments downloaded at once (default 4)
	// OnDone is called after each experiment (for a progress bar).
	OnDone func(id int64, bytes int64)
}

// FetchOptions choose what to download.
type FetchOptions struct {
	Summary   bool // injection summary (default true when nothing is chosen)
	Grid      bool // projection density grid
	Unionizes bool // all structure unionizes (for projection matrices)
	Reload    bool // download again even if cached
}

// SummaryURL is the structure-unionize query of an experiment.
func (f *Fetcher) SummaryURL(id int64, injection bool) string {
	q := fmt.Sprintf("model::ProjectionStructureUnionize,rma::criteria,[section_data_set_id$eq%d][is_injection$eq%t],rma::options[num_rows$eq'all'][count$eqfalse]", id, injection)
	return f.base() + "/api/v2/data/query.json?q=" + url.QueryEscape(q)
}

// GridURL is the grid-data service URL of an experiment's density grid.
func (f *Fetcher) GridURL(id int64, resolution int) string {
	return fmt.Sprintf("%s/grid_data/download_file/%d?image=projection_density&resolution=%d", f.base(), id, resolution)
}

func (f *Fetcher) base() string {
	if f.BaseURL == "" {
		return DefaultAPI
	}
	return f.BaseURL
}

// Fetch downloads what o asks for, for every id, skipping cached files
// unless o.Reload. Files are written atomically (temporary file + rename)
// and validated first. All failures are returned joined; experiments that
// succeeded stay cached.
func (f *Fetcher) Fetch(ctx context.Context, c Cache, ids []int64, o FetchOptions) error {
	if !o.Summary && !o.Grid && !o.Unionizes {
		o.Summary = true
	}
	if _, err := GridDims(c.res()); err != nil {
		return err
	}
	conc := f.Concurrency
	if conc <= 0 {
		conc = 4
	}
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(id int64) {
			defer func() { <-sem; wg.Done() }()
			n, err := f.fetchOne(ctx, c, id, o)
			mu.Lock()
			if err != nil {
				errs = append(errs, err)
			}
			mu.Unlock()
			if f.OnDone != nil {
				f.OnDone(id, n)
			}
		}(id)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (f *Fetcher) fetchOne(ctx context.Context, c Cache, id int64, o FetchOptions) (int64, error) {
	if err := os.MkdirAll(c.ExperimentDir(id), 0o755); err != nil {
		return 0, err
	}
	var total int64
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil && !o.Reload }
	if o.Summary && !exists(c.SummaryPath(id)) {
		n, err := f.fetchSummary(ctx, id, true, c.SummaryPath(id))
		total += n
		if err != nil {
			return total, err
		}
	}
	if o.Unionizes && !exists(c.UnionizePath(id)) {
		n, err := f.fetchSummary(ctx, id, false, c.UnionizePath(id))
		total += n
		if err != nil {
			return total, err
		}
	}
	if o.Grid && !exists(c.FetchGridPath(id)) {
		n, err := f.fetchGrid(ctx, c, id)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// fetchSummary downloads a unionize query and stores its records (with
// experimentID added) as a JSON list.
func (f *Fetcher) fetchSummary(ctx context.Context, id int64, injection bool, dst string) (int64, error) {
	u := f.SummaryURL(id, injection)
	var body []byte
	err := f.retry(ctx, u, func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		body = b
		return err
	})
	if err != nil {
		return 0, err
	}
	var resp struct {
		Success bool             `json:"success"`
		Msg     []map[string]any `json:"msg"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || !resp.Success {
		return int64(len(body)), &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: "the Allen API did not return unionize records", Kind: ccc.ErrFormat, Err: err}
	}
	for _, r := range resp.Msg {
		r["experimentID"] = id
	}
	out, err := json.Marshal(resp.Msg)
	if err != nil {
		return 0, err
	}
	if _, err := ParseSummary(out, dst, id); err != nil {
		return int64(len(body)), err
	}
	return int64(len(body)), writeFileAtomic(dst, out)
}

func (f *Fetcher) fetchGrid(ctx context.Context, c Cache, id int64) (int64, error) {
	u := f.GridURL(id, c.res())
	dst := c.FetchGridPath(id)
	var n int64
	err := f.retry(ctx, u, func(resp *http.Response) error {
		tmp, err := os.CreateTemp(filepath.Dir(dst), ".download-*.nrrd")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		n, err = io.Copy(tmp, resp.Body)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return fmt.Errorf("short download: %d of %d bytes", n, resp.ContentLength)
		}
		want, _ := GridDims(c.res())
		if _, err := ReadGrid(tmp.Name(), want, nil); err != nil {
			return &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: "downloaded grid is invalid", Kind: ccc.ErrFormat, Err: err}
		}
		os.Chmod(tmp.Name(), 0o644)
		return os.Rename(tmp.Name(), dst)
	})
	return n, err
}

// retryable marks errors worth another attempt.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }
func (r retryable) Unwrap() error { return r.err }

// retry GETs u and hands a 200 response to handle, retrying network errors,
// 429 and 5xx (and errors while reading the body) with exponential backoff.
func (f *Fetcher) retry(ctx context.Context, u string, handle func(*http.Response) error) error {
	if err := f.Policy.CheckURL(u); err != nil {
		return err
	}
	client := f.Client
	if client == nil {
		client = f.Policy.Client()
	}
	retries := f.Retries
	if retries == 0 {
		retries = 4
	}
	wait := f.Backoff
	if wait == 0 {
		wait = time.Second
	}
	var last error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		err := f.get(ctx, client, u, handle)
		if err == nil {
			return nil
		}
		last = err
		var r retryable
		if !errors.As(err, &r) {
			return err
		}
	}
	return &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: fmt.Sprintf("giving up after %d attempts", retries+1), Err: last,
		Hint: "check the network or try again later (the Allen API rate-limits bursts)"}
}

func (f *Fetcher) get(ctx context.Context, client *http.Client, u string, handle func(*http.Response) error) error {
	resp, err := f.Policy.Get(ctx, client, u, http.Header{"User-Agent": {"ccc (common connectivity)"}})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ccc.ErrNotFound) { // network error
			return retryable{err}
		}
		return err // refused URL, redirect or size: retrying cannot help
	}
	defer resp.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return retryable{fmt.Errorf("HTTP %s", resp.Status)}
	case resp.StatusCode == http.StatusNotFound:
		return &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: "not found (HTTP 404)", Hint: "check the experiment id", Kind: ccc.ErrNotFound}
	default:
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: fmt.Sprintf("HTTP %s: %s", resp.Status, bytes.TrimSpace(b))}
	}
	if err := handle(resp.Response); err != nil {
		var ce *ccc.Error
		if errors.As(err, &ce) {
			return err
		}
		if errors.Is(err, download.ErrTooLarge) {
			return &ccc.Error{Op: "fetch", Path: u, Row: -1, Msg: "response larger than the size limit", Kind: ccc.ErrFormat, Err: err,
				Hint: "raise the limit with --max-bytes if the file is really that big"}
		}
		return retryable{err}
	}
	return nil
}

// LoadInputs pairs experiments with their cached summary and grid. ids
// selects and orders them (nil: all of exps). Every problem (unknown id,
// missing grid, unreadable summary) is reported at once; a missing summary
// is not an error here (Aggregate decides whether it needs one).
func LoadInputs(exps []Experiment, ids []int64, c Cache) ([]Input, error) {
	byID := make(map[int64]*Experiment, len(exps))
	for i := range exps {
		byID[exps[i].ID] = &exps[i]
	}
	if ids == nil {
		for i := range exps {
			ids = append(ids, exps[i].ID)
		}
	}
	var errs []error
	var out []Input
	for _, id := range ids {
		e, ok := byID[id]
		if !ok {
			errs = append(errs, &ccc.Error{Op: "aggregate", Row: -1, Value: strconv.FormatInt(id, 10),
				Msg: fmt.Sprintf("experiment %d is not in the experiment table", id), Hint: "check the id or ingest the table that lists it", Kind: ccc.ErrNotFound})
			continue
		}
		in := Input{Experiment: *e}
		if _, err := os.Stat(c.SummaryPath(id)); err == nil {
			s, err := ReadSummaryFile(c.SummaryPath(id), id)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			in.Summary = s
		}
		p, err := c.GridPath(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		in.GridPath = p
		out = append(out, in)
	}
	if len(errs) > 0 {
		if len(errs) > 20 {
			errs = append(errs[:20], fmt.Errorf("... and %d more", len(errs)-20))
		}
		return nil, errors.Join(errs...)
	}
	return out, nil
}
