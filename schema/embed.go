// Package schema embeds the ccc connectivity LinkML schema: the modules
// (base, core, brain_region, ...) and the aggregator connectivity_schema.yaml.
// Imports of the form "ccc:<module>" resolve against FS.
package schema

import "embed"

// FS holds the built-in schema modules, one YAML file each.
//
//go:embed *.yaml
var FS embed.FS

// Root is the aggregator module, the schema's primary entry point.
const Root = "connectivity_schema.yaml"
