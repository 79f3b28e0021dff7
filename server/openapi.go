package server

import (
	"net/http"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// OpenAPI returns the OpenAPI 3.0 document of the API, made from the route
// table.
func OpenAPI() map[string]any {
	paths := map[string]any{}
	tableContent := map[string]any{}
	for _, f := range []string{FormatJSON, FormatCSV, FormatParquet, FormatArrow} {
		mt := strings.SplitN(formatTypes[f], ";", 2)[0]
		var sch map[string]any
		if f == FormatJSON {
			sch = map[string]any{"type": "array", "items": map[string]any{"type": "object"}}
		} else {
			sch = map[string]any{"type": "string", "format": "binary"}
		}
		tableContent[mt] = map[string]any{"schema": sch}
	}
	errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	for _, rt := range routes {
		var params []any
		for _, p := range rt.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required, "description": p.Desc,
				"schema": map[string]any{"type": p.Type}})
		}
		var ok map[string]any
		switch rt.Produces {
		case "table":
			ok = map[string]any{"description": "a table (streamed)", "content": tableContent}
		case "png":
			ok = map[string]any{"description": "PNG image", "content": map[string]any{"image/png": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
		case "text":
			ok = map[string]any{"description": "text", "content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
		default:
			ok = map[string]any{"description": "JSON", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		responses := map[string]any{"200": ok, "400": errResp, "404": errResp}
		if !rt.Public {
			responses["401"] = errResp
			responses["403"] = errResp
		}
		if rt.Write {
			responses["201"] = ok
			responses["413"] = errResp
			responses["422"] = errResp
			responses["409"] = errResp
		}
		op := map[string]any{"operationId": rt.ID, "summary": rt.Summary, "tags": []string{rt.Tag}, "responses": responses}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Body != "" {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{rt.Body: map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		if rt.Write {
			op["security"] = []any{map[string]any{"bearer": []string{"write"}}}
		}
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "ccc API", "version": ccc.Version,
			"description": "Read API over a ccc store (versions, tables, atlas, synapses, projections) and token-scoped ingest. " +
				"Tables come as JSON, CSV, Parquet or Arrow IPC stream (Accept header or ?format=), streamed without row caps."},
		"paths": paths,
		"components": map[string]any{
			"schemas": map[string]any{"Error": map[string]any{"type": "object", "properties": map[string]any{
				"error": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"}}}},
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func handleOpenAPI(s *Server, w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, OpenAPI())
	return nil
}
