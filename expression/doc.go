// Package expression brings gene-expression data (AnnData .h5ad files,
// read lazily through formats/anndata) into ccc: Extract pulls selected
// genes for every cell without loading the matrix, and IngestH5AD stores
// obs as CellMetadata, var as GeneMetadata and the matrix as a checksummed
// Zarr artifact referenced by one CellGeneData row.
//
// Errors are ccc.Error values naming the file and the element (from
// formats/anndata) or the option at fault; unknown genes and columns wrap
// ccc.ErrNotFound, bad files ccc.ErrFormat, bad options ccc.ErrUsage.
package expression
