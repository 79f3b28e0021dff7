// Package ccc holds what every layer of common connectivity shares: the
// release version and the kinds of error that the command line maps to exit
// codes.
//
// The layers are: linkml (schema engine) -> store (versioned Parquet/Zarr
// directory) -> domain packages (atlas, synapse, projection, nwb) ->
// internal/cli and server. Domain errors wrap one of the kinds below so that
// a caller can tell bad data from bad usage with errors.Is.
package ccc

// Version is the ccc release recorded in every store version's provenance.
var Version = "0.1.0-dev"
