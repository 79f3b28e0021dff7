package server

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/ccc-connectivity/ccc/store"
)

// maxSQLBytes bounds the SQL text of one request.
const maxSQLBytes = 1 << 20

// handleSQL runs one read-only statement (--allow-sql) over the class
// views of the request's version. The database has external access off and
// its configuration locked (see queryDB): no file outside the snapshot's
// tables can be read, none written, no extension loaded, no network.
func handleSQL(s *Server, w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.AllowSQL {
		return &httpError{status: http.StatusForbidden, msg: "SQL is disabled on this server (start it with --allow-sql)"}
	}
	if err := s.canRead(r, ""); err != nil {
		return err
	}
	format, err := negotiate(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxSQLBytes+1))
	if err != nil {
		return err
	}
	if len(b) > maxSQLBytes {
		return &httpError{status: http.StatusRequestEntityTooLarge, msg: "SQL text over 1 MiB"}
	}
	text := string(b)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var body struct {
			SQL string `json:"sql"`
		}
		if err := json.Unmarshal(b, &body); err != nil {
			return usagef("body: %v (want {\"sql\": \"SELECT ...\"})", err)
		}
		text = body.SQL
	}
	text = strings.TrimRight(strings.TrimSpace(text), "; \n\t")
	if text == "" {
		return usagef("empty SQL: POST the statement as the body")
	}
	_, db, err := s.snapshotDB(r)
	if err != nil {
		return err
	}
	defer db.Close()
	// one SELECT only, checked by DuckDB's parser, as ccc query does: the
	// locked-down database is the second line of defence, not the first
	if err := store.CheckSelect(r.Context(), db, text); err != nil {
		return usagef("%v", err)
	}
	return streamQuery(r, db, text, nil, newRowWriter(w, format))
}
