package server

import (
	"fmt"
	"io"
	"strings"
)

// WriteAPIMarkdown writes docs/api.md: the endpoints of the route table
// (the same source as /openapi.json), grouped by tag, with their
// parameters.
func WriteAPIMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# ccc HTTP API\n\n")
	b.WriteString("<!-- generated from the route table of package server (the source of /openapi.json);\n")
	b.WriteString("     regenerate with: CCC_UPDATE_DOCS=1 go test ./server -run TestAPIDoc -->\n\n")
	b.WriteString("`ccc serve [--store DIR] [--addr 127.0.0.1:8080] [--auth tokens.yaml] [--allow-sql]` serves these endpoints; ")
	b.WriteString("the machine-readable description is `GET /openapi.json` (OpenAPI 3.0). ")
	b.WriteString("Endpoints marked *table* answer JSON (an array of objects), CSV, Parquet or an Arrow IPC stream, chosen by ")
	b.WriteString("`?format=json|csv|parquet|arrow` or the `Accept` header (`application/json`, `text/csv`, ")
	b.WriteString("`application/vnd.apache.parquet`, `application/vnd.apache.arrow.stream`); `Accept: application/json; int64=string` ")
	b.WriteString("writes integers beyond 2^53 (root ids) as strings for JavaScript. Results stream without row caps. ")
	b.WriteString("Errors are JSON `{\"error\": \"...\", \"status\": N}` (400 bad request, 401 no or unknown token, 403 scope, ")
	b.WriteString("404 not found, 406 format, 409 conflict, 413 body too large, 422 invalid data, 423 store locked, 504 time limit).\n\n")
	b.WriteString("Authentication: `Authorization: Bearer TOKEN` with the tokens of `--auth FILE`; `/healthz`, `/metrics` and ")
	b.WriteString("`/openapi.json` are always open; writes need a token whose `write` scope names the dataset.\n")
	tag := ""
	for _, rt := range routes {
		if rt.Tag != tag {
			tag = rt.Tag
			fmt.Fprintf(&b, "\n## %s\n", tag)
		}
		kind := rt.Produces
		if rt.Write {
			kind += ", write scope"
		}
		fmt.Fprintf(&b, "\n### `%s %s`\n\n%s (*%s*).\n", rt.Method, rt.Path, rt.Summary, kind)
		if rt.Body != "" {
			fmt.Fprintf(&b, "\nRequest body: `%s`.\n", rt.Body)
		}
		if len(rt.Params) > 0 {
			b.WriteString("\n| parameter | in | type | description |\n|---|---|---|---|\n")
			for _, p := range rt.Params {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", p.Name, p.In, p.Type, strings.ReplaceAll(p.Desc, "|", "\\|"))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
