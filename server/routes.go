package server

import (
	"net/http"
	"strings"
)

// route is one endpoint: the ServeMux pattern and the OpenAPI operation
// are both made from it.
type route struct {
	Method, Path string
	ID           string // OpenAPI operationId
	Tag          string
	Summary      string
	Params       []param
	Body         string // request body media type ("" = none)
	Produces     string // "table" (json/csv/parquet/arrow), "json", "png", "text"
	Write        bool   // needs a token with write scope
	Public       bool   // no token needed even when reads are closed
	h            func(s *Server, w http.ResponseWriter, r *http.Request) error
}

// checkQuery refuses query parameters the route does not document (a
// parameter accepted and ignored would mislead); NAME.COLUMN parameters
// match any column.
func (rt *route) checkQuery(r *http.Request) error {
	for k := range r.URL.Query() {
		ok := false
		for _, p := range rt.Params {
			if p.In != "query" {
				continue
			}
			if p.Name == k || strings.HasSuffix(p.Name, ".COLUMN") && strings.HasPrefix(k, strings.TrimSuffix(p.Name, "COLUMN")) && len(k) > len(p.Name)-6 {
				ok = true
				break
			}
		}
		if !ok {
			var known []string
			for _, p := range rt.Params {
				if p.In == "query" {
					known = append(known, p.Name)
				}
			}
			return usagef("unknown parameter %q for %s %s (parameters: %s)", k, rt.Method, rt.Path, strings.Join(known, ", "))
		}
	}
	return nil
}

// param is a path or query parameter.
type param struct {
	Name, In, Type, Desc string
	Required             bool
}

func q(name, typ, desc string) param { return param{Name: name, In: "query", Type: typ, Desc: desc} }
func p(name, desc string) param {
	return param{Name: name, In: "path", Type: "string", Desc: desc, Required: true}
}

var (
	refParams = []param{q("version", "integer", "read this store version (default: latest)"),
		q("timestamp", "string", "read the store as of this time (RFC 3339 or YYYY-MM-DD)")}
	formatParam  = q("format", "string", "json, csv, parquet or arrow (overrides the Accept header)")
	atlasParam   = q("atlas", "string", "atlas name (default: the only atlas in the store)")
	synSelParams = []param{
		q("dataset", "string", "synapse dataset (default: the only one)"),
		q("pre", "string", "presynaptic root ids, comma-separated (pre_ids)"),
		q("post", "string", "postsynaptic root ids, comma-separated (post_ids)"),
		q("remove_autapses", "boolean", "drop synapses of a neuron onto itself"),
		q("proofread", "string", "axon, dendrite, both or subgraph"),
		q("pre_type", "string", "presynaptic cell types, comma-separated"),
		q("post_type", "string", "postsynaptic cell types, comma-separated"),
		q("in.COLUMN", "string", "keep rows whose COLUMN is one of the comma-separated values (filter_in_dict)"),
		q("eq.COLUMN", "string", "keep rows whose COLUMN equals the value (filter_equal_dict)"),
		q("out.COLUMN", "string", "drop rows whose COLUMN is one of the comma-separated values (filter_out_dict)"),
	}
)

func join(ps ...[]param) []param {
	var out []param
	for _, x := range ps {
		out = append(out, x...)
	}
	return out
}

// routes is the API. Keep it the only list of endpoints.
var routes []route

func init() {
	routes = []route{
		{Method: "GET", Path: "/healthz", ID: "health", Tag: "service", Summary: "Liveness: ok and the latest store version", Produces: "json", Public: true, h: handleHealth},
		{Method: "GET", Path: "/metrics", ID: "metrics", Tag: "service", Summary: "Prometheus metrics (text format 0.0.4)", Produces: "text", Public: true, h: handleMetrics},
		{Method: "GET", Path: "/openapi.json", ID: "openapi", Tag: "service", Summary: "This OpenAPI 3 document", Produces: "json", Public: true, h: handleOpenAPI},

		{Method: "GET", Path: "/api/v1/versions", ID: "getVersions", Tag: "store", Summary: "Store versions, oldest first (what each commit wrote, when, from what)",
			Params: []param{q("dataset", "string", "only versions that wrote this dataset"), formatParam}, Produces: "table", h: handleVersions},
		{Method: "GET", Path: "/api/v1/datasets", ID: "getDatasets", Tag: "store", Summary: "Datasets of a version with their tables and artifacts",
			Params: join(refParams, []param{formatParam}), Produces: "table", h: handleDatasets},
		{Method: "GET", Path: "/api/v1/tables", ID: "getTables", Tag: "store", Summary: "Tables of a version: dataset, class, rows, columns",
			Params: join(refParams, []param{q("dataset", "string", "only this dataset"), formatParam}), Produces: "table", h: handleTables},
		{Method: "GET", Path: "/api/v1/tables/{class}", ID: "queryTable", Tag: "store", Summary: "Rows of a class (the union over datasets), filtered, ordered and paged; streamed",
			Params: join([]param{p("class", "class name, e.g. BrainRegion"),
				q("dataset", "string", "only these datasets, comma-separated"),
				q("select", "string", "columns, comma-separated (select_columns; default all)"),
				q("in.COLUMN", "string", "COLUMN is one of the comma-separated values (filter_in_dict)"),
				q("eq.COLUMN", "string", "COLUMN equals the value (filter_equal_dict)"),
				q("out.COLUMN", "string", "COLUMN is none of the comma-separated values (filter_out_dict)"),
				q("ne.COLUMN", "string", "COLUMN differs from the value"),
				q("gt.COLUMN", "string", "COLUMN > value"),
				q("ge.COLUMN", "string", "COLUMN >= value"),
				q("lt.COLUMN", "string", "COLUMN < value"),
				q("le.COLUMN", "string", "COLUMN <= value"),
				q("order_by", "string", "columns, comma-separated; a leading '-' sorts descending"),
				q("limit", "integer", "at most N rows (default: all)"),
				q("offset", "integer", "skip N rows"),
				q("after", "string", "keyset pagination: rows after this value of the single order_by column")},
				refParams, []param{formatParam}), Produces: "table", h: handleQueryTable},
		{Method: "GET", Path: "/api/v1/tables/{class}/columns", ID: "getColumns", Tag: "store", Summary: "Columns and types of a class view",
			Params: join([]param{p("class", "class name")}, refParams, []param{formatParam}), Produces: "table", h: handleColumns},
		{Method: "POST", Path: "/api/v1/datasets/{dataset}/tables/{class}", ID: "ingestTable", Tag: "store",
			Summary: "Ingest the body (CSV, TSV, JSON, JSON lines, YAML or Parquet) as the class table of a dataset: one new version, or nothing",
			Params: []param{p("dataset", "dataset name"), p("class", "class name"),
				q("input_format", "string", "csv, tsv, json, jsonl, yaml or parquet (default: from Content-Type, else csv)"),
				q("mode", "string", "replace (default), append or upsert"),
				q("lenient", "boolean", "tolerate bad values as warnings"),
				q("dry_run", "boolean", "validate only"),
				q("message", "string", "version message")},
			Body: "application/octet-stream", Produces: "json", Write: true, h: handleIngest},
		{Method: "POST", Path: "/api/v1/sql", ID: "sql", Tag: "store", Summary: "Read-only SQL over the class views (only with --allow-sql; no file access)",
			Params: join(refParams, []param{formatParam}), Body: "text/plain", Produces: "table", h: handleSQL},

		{Method: "GET", Path: "/api/v1/schema/classes", ID: "getSchemaClasses", Tag: "schema", Summary: "Classes of the ccc LinkML schema (module, is_a, abstract, induced slots)",
			Params: []param{formatParam}, Produces: "table", h: handleSchemaClasses},
		{Method: "GET", Path: "/api/v1/schema/classes/{class}", ID: "getSchemaClass", Tag: "schema", Summary: "Induced slots of a schema class (range, required, multivalued, identifier)",
			Params: []param{p("class", "class name"), formatParam}, Produces: "table", h: handleSchemaClass},
		{Method: "GET", Path: "/api/v1/schema/erdiagram", ID: "getERDiagram", Tag: "schema", Summary: "Mermaid ER diagram of the schema (or of some classes)",
			Params: []param{q("classes", "string", "only these classes, comma-separated")}, Produces: "text", h: handleERDiagram},

		{Method: "GET", Path: "/api/v1/atlas", ID: "getAtlases", Tag: "atlas", Summary: "Atlases in the store",
			Params: join(refParams, []param{formatParam}), Produces: "table", h: handleAtlases},
		{Method: "GET", Path: "/api/v1/atlas/search", ID: "searchRegions", Tag: "atlas", Summary: "Regions by name or acronym, best matches first",
			Params:   join([]param{q("q", "string", "text to find"), q("limit", "integer", "at most N matches (default 20, 0 = all)"), atlasParam}, refParams, []param{formatParam}),
			Produces: "table", h: handleAtlasSearch},
		{Method: "GET", Path: "/api/v1/atlas/locate", ID: "locatePoints", Tag: "atlas", Summary: "Map CCF points (um) to regions through an annotation volume",
			Params: join([]param{q("x", "string", "AP coordinates, comma-separated"), q("y", "string", "DV coordinates"), q("z", "string", "ML coordinates"),
				q("resolution", "number", "volume resolution in um (default: the finest stored)"), atlasParam}, refParams, []param{formatParam}),
			Produces: "table", h: handleAtlasLocate},
		{Method: "GET", Path: "/api/v1/atlas/regions/{region}", ID: "getRegion", Tag: "atlas", Summary: "One region by id or acronym",
			Params: join([]param{p("region", "id or acronym"), atlasParam}, refParams, []param{formatParam}), Produces: "table", h: handleRegion},
		{Method: "GET", Path: "/api/v1/atlas/regions/{region}/{relation}", ID: "getRelatives", Tag: "atlas", Summary: "ancestors (root first), children or descendants (the region first) of a region",
			Params:   join([]param{p("region", "id or acronym"), p("relation", "ancestors, children or descendants"), atlasParam}, refParams, []param{formatParam}),
			Produces: "table", h: handleRelatives},

		{Method: "GET", Path: "/api/v1/synapses/query", ID: "synapseQuery", Tag: "synapses", Summary: "Synapses by pre/post root ids and filters, through the graph index, in (pre, post, id) order; streamed",
			Params: join(synSelParams, []param{q("columns", "string", "output columns, comma-separated"), q("limit", "integer", "at most N rows"),
				q("split_positions", "boolean", "positions as _x/_y/_z columns"), q("desired_resolution", "string", "X,Y,Z nm per unit"),
				q("group_by", "string", "pair: per-pair counts"), q("with_cell_types", "boolean", "with group_by=pair: cell types"),
				q("sort", "string", "with group_by=pair: syn_count")}, refParams, []param{formatParam}),
			Produces: "table", h: handleSynapseQuery},
		{Method: "GET", Path: "/api/v1/synapses/matrix", ID: "synapseMatrix", Tag: "synapses", Summary: "Neuron x neuron matrix (pre rows, post columns), or cell type x cell type with by=cell_type",
			Params: join(synSelParams, []param{q("neurons", "string", "root ids for both sides, comma-separated"), q("value", "string", "count (default), binary or size"),
				q("by", "string", "cell_type: connection probabilities between types")}, refParams, []param{formatParam}),
			Produces: "table", h: handleSynapseMatrix},
		{Method: "GET", Path: "/api/v1/synapses/degree", ID: "synapseDegree", Tag: "synapses", Summary: "In/out degrees and partner counts of neurons",
			Params:   join(synSelParams, []param{q("neurons", "string", "root ids, comma-separated (default: every neuron)"), q("partners", "string", "count only these partners")}, refParams, []param{formatParam}),
			Produces: "table", h: handleSynapseDegree},

		{Method: "GET", Path: "/api/v1/projections/experiments", ID: "findExperiments", Tag: "projections", Summary: "Mesoscale experiments by injection region (through the hierarchy), line, wild type",
			Params: join([]param{q("dataset", "string", "experiment dataset (default allen_connectivity)"), q("region", "string", "injection region, id or acronym"),
				q("include_descendants", "boolean", "also injections below the region"), q("line", "string", "transgenic line"),
				q("wild_type", "boolean", "wild-type experiments only"), atlasParam}, refParams, []param{formatParam}),
			Produces: "table", h: handleFindExperiments},
		{Method: "GET", Path: "/api/v1/projections/matrices", ID: "getMatrices", Tag: "projections", Summary: "Projection matrices (dataset, name, shape, measurement)",
			Params: join(refParams, []param{formatParam}), Produces: "table", h: handleMatrices},
		{Method: "GET", Path: "/api/v1/projections/matrices/{dataset}/{name}", ID: "getMatrix", Tag: "projections", Summary: "A projection matrix: long (data_item, region_id, region_acronym, value) or wide",
			Params:   join([]param{p("dataset", "dataset"), p("name", "matrix name"), q("layout", "string", "long (default) or wide")}, refParams, []param{formatParam}),
			Produces: "table", h: handleMatrix},
		{Method: "GET", Path: "/api/v1/projections/slices/{dataset}/{name}", ID: "getSlice", Tag: "projections", Summary: "PNG of one plane of an aggregated projection volume",
			Params: join([]param{p("dataset", "dataset"), p("name", "aggregate name"), q("group", "string", "group label or 1-based number (default: the first)"),
				q("plane", "string", "coronal (default), sagittal or horizontal"), q("index", "integer", "slice index (default: the middle)")}, refParams),
			Produces: "png", h: handleSlice},
	}
}
