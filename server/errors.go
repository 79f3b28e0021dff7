package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Sentinel errors of the server.
var (
	// ErrUnauthorized: no token, or an unknown token (401).
	ErrUnauthorized = errors.New("server: missing or unknown token")
	// ErrForbidden: the token lacks the scope for the dataset (403).
	ErrForbidden = errors.New("server: token lacks the scope")
)

// httpError is an error with its HTTP status.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ccc.ErrUsage}, a...)...)
}

func notFoundf(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ccc.ErrNotFound}, a...)...)
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	var he *httpError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, ccc.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ccc.ErrUsage), errors.Is(err, ccc.ErrFormat), errors.Is(err, ccc.ErrSchema):
		return http.StatusBadRequest
	case errors.Is(err, ccc.ErrInvalidData):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ccc.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ccc.ErrLocked):
		return http.StatusLocked
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// fail writes err as a JSON error, with the store directory elided from the
// message (clients need not learn server paths).
func (s *Server) fail(w http.ResponseWriter, err error) {
	status := statusOf(err)
	msg := err.Error()
	if s.storeDir != "" {
		msg = strings.ReplaceAll(msg, s.storeDir, "<store>")
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ccc"`)
	}
	writeJSON(w, status, errorBody{Error: msg, Status: status})
}
