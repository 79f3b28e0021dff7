// Package synapse holds EM synapse tables in CAVE's shape (MICrONS
// minnie65, FlyWire, H01) and answers connectivity queries on them fast.
//
// Ingest normalises CSV, Parquet and Arrow/Feather files to the Synapse
// class (positions split into _x/_y/_z columns, each table records its voxel
// resolution) and writes two things into one store version: the Parquet
// interchange copy, sorted by (pre_pt_root_id, post_pt_root_id, id) with
// row-group statistics, and a graph index artifact ("synapse/index") of flat
// little-endian column files that are memory-mapped at query time:
//
//	roots.i64      sorted unique root ids (the dictionary; a neuron's dense index is its position)
//	pre.u32        dense pre index per row (rows in Parquet order, clustered by pre)
//	post.u32       dense post index per row
//	pre_off.u64    CSR offsets: rows of neuron i as pre are [pre_off[i], pre_off[i+1])
//	post_perm.u32  row numbers ordered by (post, pre, id)
//	post_off.u64   CSR offsets into post_perm
//	id.i64, size.f64  synapse id and size per row
//
// A query for "pre in A and post in B" walks the CSR ranges of the smaller
// side and tests the other side in a bitset over dense indices, so its cost
// is proportional to the synapses of the queried neurons, not to the table.
// See docs/formats/synapse-index.md.
//
// Cell-type (manual and automated) and proofreading tables are stored as the
// CellTypeAnnotation and ProofreadingStatus classes of the same dataset and
// joined to queries by root id. CellTypeAnnotation is keyed by (nucleus id,
// source): each cell-type ingest replaces one source's rows, and a nucleus
// id repeated within one file is rejected (WriteCellTable), so the stored
// tables validate against their classes.
package synapse
