package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/ingest"
	"github.com/ccc-connectivity/ccc/store"
)

// contentFormats maps request media types to ingest formats.
var contentFormats = map[string]ingest.Format{
	"text/csv": "csv", "text/tab-separated-values": "tsv", "application/json": "json", "application/x-ndjson": "jsonl",
	"application/jsonl": "jsonl", "application/yaml": "yaml", "application/vnd.apache.parquet": "parquet", "application/x-parquet": "parquet",
}

// handleIngest writes the body to a private temporary file (under the
// body limit) and runs the same ingest as 'ccc ingest': one new version,
// or nothing.
func handleIngest(s *Server, w http.ResponseWriter, r *http.Request) error {
	dataset, class := r.PathValue("dataset"), r.PathValue("class")
	if err := validName("dataset", dataset); err != nil {
		return err
	}
	if err := store.ValidDataset(dataset); err != nil {
		return usagef("%v", err)
	}
	if err := validName("class", class); err != nil {
		return err
	}
	if err := s.canWrite(r, dataset); err != nil {
		return err
	}
	qs := r.URL.Query()
	format := ingest.Format(qs.Get("input_format"))
	if format == "" {
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil {
			format = contentFormats[mt]
		}
		if format == "" {
			format = "csv"
		}
	}
	switch format {
	case "csv", "tsv", "json", "jsonl", "yaml", "parquet":
	default:
		return usagef("input_format %q: want csv, tsv, json, jsonl, yaml or parquet", format)
	}
	mode := ingest.ModeReplace
	switch m := qs.Get("mode"); m {
	case "", "replace":
	case "append":
		mode = ingest.ModeAppend
	case "upsert":
		mode = ingest.ModeUpsert
	default:
		return usagef("mode %q: want replace, append or upsert", m)
	}
	lenient, err := boolParam(r, "lenient")
	if err != nil {
		return err
	}
	dry, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "ccc-serve-ingest-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// the file name is ours, never the client's
	path := filepath.Join(dir, "upload."+string(format))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &httpError{status: http.StatusRequestEntityTooLarge, msg: "request body is over the limit of " + strconv.FormatInt(mbe.Limit, 10) + " bytes"}
		}
		return err
	}
	msg := qs.Get("message")
	if msg == "" {
		msg = "ingest over HTTP by " + requestToken(r).Name
	}
	rep, err := ingest.Run(r.Context(), s.st, ingest.Options{Class: class, Dataset: dataset, Inputs: []string{path}, Format: format,
		Lenient: lenient, Mode: mode, Message: msg, DryRun: dry, MemoryLimit: s.cfg.MemoryLimit, Threads: s.cfg.Threads, Quiet: true})
	if err != nil && rep != nil && (errors.Is(err, ccc.ErrInvalidData) || errors.Is(err, ccc.ErrConflict)) {
		rep.Error = err.Error()
		return s.writeReport(w, statusOf(err), rep, dir)
	}
	if err != nil {
		return &redacted{msg: strings.ReplaceAll(err.Error(), dir, "<upload>"), err: err}
	}
	status := http.StatusCreated
	if dry {
		status = http.StatusOK
	}
	return s.writeReport(w, status, rep, dir)
}

// writeReport writes an ingest report with the server's paths (upload
// directory, store) elided.
func (s *Server) writeReport(w http.ResponseWriter, status int, rep *ingest.Report, dir string) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	for _, p := range []string{dir, s.storeDir} {
		q, _ := json.Marshal(p)
		b = bytes.ReplaceAll(b, q[1:len(q)-1], []byte("<"+map[bool]string{true: "upload", false: "store"}[p == dir]+">"))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// redacted is err with a rewritten message (temporary paths removed); its
// kind is kept for the status.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }
