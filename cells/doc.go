// Package cells stores cell tables of any modality (MERFISH/spatial cells
// in the CCF, EM nuclei, Patch-seq, BARseq/MAPseq cells) in the ccc store
// and answers cell-type questions over them.
//
// Ingest writes one store version per dataset: DataSet (with the
// modality), DataItem and CellMetadata rows for the cells, the position as
// spatial_location and a brain region assigned through the atlas (the
// annotation volume at the CCF position, ccf_region, and the ontology
// region of a parcellation label, location_region; brain_region takes the
// first, region_source says which; both are kept when they disagree).
// Cluster assignments become CellToClusterMapping rows in one MappingSet
// with the AlgorithmRun that made them.
//
// Count groups the cells of a taxonomy level per brain region, rolled up
// the atlas hierarchy (a region counts the cells of all its descendants
// with IncludeDescendants), in one DuckDB query over the Parquet tables.
package cells
