// Package projection is ccc's mesoscale projection domain: the Allen Mouse
// Connectivity Atlas experiments (metadata table, injection summaries,
// projection density grids), their aggregation into grouped mean volumes,
// and projection matrices (experiments or cells x target regions) in the
// ProjectionMeasurementMatrix shape shared with single-cell projection data
// (BARseq/MAPseq barcode counts, axon length per region).
//
// The aggregation follows the semantics of bsv's fetch_connectivity_data
// with its defects fixed (see docs/projections.md): the injected hemisphere
// is decided in micrometres from the injection coordinate, the midline comes
// from the actual grid size, region groups use the atlas hierarchy (VISp
// does not capture VISpm), injectionIntensity divides by the injection's
// sum_pixel_intensity, and group means divide by the experiments actually
// accumulated.
//
// Results go into the store (package store) as Parquet tables and Zarr
// artifacts (package formats/zarr) with their parameters as provenance.
package projection
