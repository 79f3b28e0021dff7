// Package crossmodal answers documented questions that join modalities in
// one store version: recording sites (NWB) against mesoscale projection
// strength, through the atlas's region closure (BrainRegionClosure) and the
// long form of projection matrices (ProjectionMeasurement); EM cell types
// (CellTypeAnnotation, placed in the CCF by a declared region or through a
// registered coordinate space) against the projection profile of their
// region; region x modality coverage. Each question is one SQL statement
// over the store's class views (SiteProjectionsSQL, EMTypesSQL), which the
// CLI ('ccc ask') and docs/query.md share, after its names have been
// checked against the store. AskSiteProjections (and AnswerSiteProjections,
// for a prepared question) computes the site-projections answer in Go,
// column by column (matrix reduced once per column from Zarr, nearest
// column once per region, the sites read while the names are checked
// (the matrix and the source experiments found from the tables' columns
// and the matrix's zarr.json, DuckDB only for tables not in that shape), one
// gather over them, SiteAnswers written as Parquet from its columns), and
// runs the statement itself only for tables it cannot read that way; tests
// compare both.
//
// Errors: unknown regions, matrices, sessions and spaces are ccc.ErrNotFound;
// EM cells that land in no labelled voxel ccc.ErrInvalidData;
// ambiguous or unusable choices are ccc.ErrUsage; all are *ccc.Error with a
// hint naming what the store holds.
package crossmodal
