// Package crossmodal answers documented questions that join modalities in
// one store version: recording sites (NWB) against mesoscale projection
// strength, through the atlas's region closure (BrainRegionClosure) and the
// long form of projection matrices (ProjectionMeasurement). Each question is
// one SQL statement over the store's class views (SiteProjectionsSQL), which
// the CLI ('ccc ask') and docs/query.md share, after its names have been
// checked against the store.
//
// Errors: unknown regions, matrices and sessions are ccc.ErrNotFound;
// ambiguous or unusable choices are ccc.ErrUsage; all are *ccc.Error with a
// hint naming what the store holds.
package crossmodal
