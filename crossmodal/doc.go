// Package crossmodal answers documented questions that join modalities in
// one store version: recording sites (NWB) against mesoscale projection
// strength, through the atlas's region closure (BrainRegionClosure) and the
// long form of projection matrices (ProjectionMeasurement). Each question is
// one SQL statement over the store's class views (SiteProjectionsSQL), which
// the CLI ('ccc ask') and docs/query.md share, after its names have been
// checked against the store. AnswerSiteProjections computes the statement's
// answer in Go, column by column (matrix reduced once per column from Zarr,
// nearest column once per region, one gather over the sites), and runs the
// statement itself only for tables it cannot read that way; tests compare
// both.
//
// Errors: unknown regions, matrices and sessions are ccc.ErrNotFound;
// ambiguous or unusable choices are ccc.ErrUsage; all are *ccc.Error with a
// hint naming what the store holds.
package crossmodal
