package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc/store"
	"github.com/ccc-connectivity/ccc/synapse"
)

// ids parses comma-separated root ids. Unlike the command line there is no
// @FILE form: a client must not name server files.
func ids(name, v string) ([]int64, error) {
	if strings.TrimSpace(v) == "" {
		return []int64{}, nil
	}
	parts := strings.Split(v, ",")
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, usagef("%s: %q is not a root id (want comma-separated integers)", name, p)
		}
		out = append(out, n)
	}
	return out, nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("%s %q: want true or false", name, v)
	}
	return b, nil
}

// synapseRequest reads the selection parameters shared by query, matrix
// and degree; other parameters must be in extra.
func synapseRequest(r *http.Request, extra ...string) (*synapse.Request, error) {
	qs := r.URL.Query()
	req := &synapse.Request{Proofread: qs.Get("proofread")}
	var err error
	if qs.Has("pre") {
		if req.Pre, err = ids("pre", qs.Get("pre")); err != nil {
			return nil, err
		}
		req.PreGiven = true
	}
	if qs.Has("post") {
		if req.Post, err = ids("post", qs.Get("post")); err != nil {
			return nil, err
		}
		req.PostGiven = true
	}
	if req.RemoveAutapses, err = boolParam(r, "remove_autapses"); err != nil {
		return nil, err
	}
	if v := qs.Get("pre_type"); v != "" {
		req.PreTypes = strings.Split(v, ",")
	}
	if v := qs.Get("post_type"); v != "" {
		req.PostTypes = strings.Split(v, ",")
	}
	known := map[string]bool{"dataset": true, "pre": true, "post": true, "remove_autapses": true, "proofread": true, "pre_type": true,
		"post_type": true, "format": true, "version": true, "timestamp": true}
	for _, e := range extra {
		known[e] = true
	}
	for k, vs := range qs {
		op, col, ok := strings.Cut(k, ".")
		if !ok {
			if !known[k] {
				return nil, usagef("unknown parameter %q", k)
			}
			continue
		}
		for _, v := range vs {
			switch op {
			case "in":
				if req.FilterIn == nil {
					req.FilterIn = map[string][]string{}
				}
				req.FilterIn[col] = append(req.FilterIn[col], strings.Split(v, ",")...)
			case "out":
				if req.FilterOut == nil {
					req.FilterOut = map[string][]string{}
				}
				req.FilterOut[col] = append(req.FilterOut[col], strings.Split(v, ",")...)
			case "eq":
				if req.FilterEqual == nil {
					req.FilterEqual = map[string]string{}
				}
				if _, dup := req.FilterEqual[col]; dup {
					return nil, usagef("eq.%s given twice (use in.%s for several values)", col, col)
				}
				req.FilterEqual[col] = v
			default:
				return nil, usagef("unknown filter %q (in, eq, out)", op)
			}
		}
	}
	return req, nil
}

// synapseDataset returns the open synapse dataset of the request's
// version, cached per (version, dataset) since versions are immutable.
// release must be called when done.
func (s *Server) synapseDataset(r *http.Request) (ds *synapse.Dataset, release func(), err error) {
	sn, err := s.snapshot(r)
	if err != nil {
		return nil, nil, err
	}
	name := r.URL.Query().Get("dataset")
	if name != "" {
		if err := validName("dataset", name); err != nil {
			return nil, nil, err
		}
	}
	rf := store.Ref{Version: sn.Number()}
	key := strconv.Itoa(sn.Number()) + "/" + name
	s.mu.Lock()
	ds = s.synCache[key]
	s.mu.Unlock()
	release = func() {}
	if ds == nil {
		if ds, err = synapse.OpenDataset(s.st, rf, name); err != nil {
			return nil, nil, err
		}
		// load the cell tables now: Dataset.Cells fills a field lazily,
		// which concurrent requests on a shared dataset must not race on
		if _, err := ds.Cells(r.Context()); err != nil {
			ds.Close()
			return nil, nil, err
		}
		s.mu.Lock()
		if old := s.synCache[key]; old != nil {
			ds.Close()
			ds = old
		} else if len(s.synCache) < maxCachedDatasets {
			s.synCache[key] = ds
		} else {
			d := ds
			release = func() { d.Close() }
		}
		s.mu.Unlock()
	}
	if err := s.canRead(r, ds.Name); err != nil {
		release()
		return nil, nil, err
	}
	return ds, release, nil
}

func handleSynapseQuery(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	req, err := synapseRequest(r, "columns", "limit", "split_positions", "desired_resolution", "group_by", "with_cell_types", "sort")
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	if v := qs.Get("limit"); v != "" {
		if req.Limit, err = strconv.ParseInt(v, 10, 64); err != nil || req.Limit < 0 {
			return usagef("limit %q: want a non-negative integer", v)
		}
	}
	if v := qs.Get("columns"); v != "" {
		req.Columns = strings.Split(v, ",")
	}
	if req.SplitPositions, err = boolParam(r, "split_positions"); err != nil {
		return err
	}
	if v := qs.Get("desired_resolution"); v != "" {
		d, err := synapse.ParseResolution(v)
		if err != nil {
			return err
		}
		req.Desired = &d
	}
	group := qs.Get("group_by")
	if group != "" && group != "pair" {
		return usagef("group_by %q: only pair", group)
	}
	withTypes, err := boolParam(r, "with_cell_types")
	if err != nil {
		return err
	}
	switch v := qs.Get("sort"); {
	case v == "":
	case v != "syn_count":
		return usagef("sort %q: only syn_count", v)
	case group != "pair":
		return usagef("sort=syn_count needs group_by=pair")
	default:
		req.SortPairs = true
	}
	ds, release, err := s.synapseDataset(r)
	if err != nil {
		return err
	}
	defer release()
	w.Header().Set("X-CCC-Version", strconv.Itoa(ds.Version))
	rw := newRowWriter(w, format)
	if group == "pair" {
		_, err = ds.WritePairs(r.Context(), req, rw, withTypes)
	} else {
		_, err = ds.Query(r.Context(), req, rw)
	}
	return err
}

func handleSynapseMatrix(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	req, err := synapseRequest(r, "neurons", "value", "by")
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	val := synapse.ValueCount
	switch v := qs.Get("value"); v {
	case "", "count":
	case "binary":
		val = synapse.ValueBinary
	case "size":
		val = synapse.ValueSize
	default:
		return usagef("value %q: want count, binary or size", v)
	}
	by := qs.Get("by")
	if by != "" && by != "cell_type" {
		return usagef("by %q: only cell_type", by)
	}
	rowIDs, colIDs := req.Pre, req.Post
	if qs.Has("neurons") {
		n, err := ids("neurons", qs.Get("neurons"))
		if err != nil {
			return err
		}
		if !req.PreGiven {
			rowIDs = n
		}
		if !req.PostGiven {
			colIDs = n
		}
	}
	ds, release, err := s.synapseDataset(r)
	if err != nil {
		return err
	}
	defer release()
	if rowIDs == nil || colIDs == nil {
		if req.Proofread == "" {
			return usagef("give neurons (or pre and post), or proofread=subgraph for the proofread neurons")
		}
		cells, err := ds.Cells(r.Context())
		if err != nil {
			return err
		}
		which := map[string][2]string{"axon": {"axon", ""}, "dendrite": {"", "dendrite"}, "both": {"axon", "dendrite"}, "subgraph": {"axon", "axon"}}[req.Proofread]
		for i, p := range []*[]int64{&rowIDs, &colIDs} {
			if *p == nil && which[i] != "" {
				if *p, err = cells.Proofread(which[i]); err != nil {
					return err
				}
			}
		}
		if rowIDs == nil || colIDs == nil {
			return usagef("proofread=%s gives one side only; give the other with pre or post", req.Proofread)
		}
	}
	rw := newRowWriter(w, format)
	if by == "cell_type" {
		tm, err := ds.ByCellType(r.Context(), req, rowIDs, colIDs)
		if err != nil {
			return err
		}
		return synapse.WriteTypeMatrix(tm, rw)
	}
	m, err := ds.Matrix(r.Context(), req, rowIDs, colIDs, val)
	if err != nil {
		return err
	}
	return synapse.WriteMatrix(m, rw)
}

func handleSynapseDegree(s *Server, w http.ResponseWriter, r *http.Request) error {
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	req, err := synapseRequest(r, "neurons", "partners")
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	var neurons []int64
	if qs.Has("neurons") {
		if neurons, err = ids("neurons", qs.Get("neurons")); err != nil {
			return err
		}
	}
	if qs.Has("partners") {
		p, err := ids("partners", qs.Get("partners"))
		if err != nil {
			return err
		}
		req.Pre, req.PreGiven, req.Post, req.PostGiven = p, true, p, true
	}
	ds, release, err := s.synapseDataset(r)
	if err != nil {
		return err
	}
	defer release()
	_, err = ds.WriteDegrees(r.Context(), neurons, req, newRowWriter(w, format))
	return err
}
