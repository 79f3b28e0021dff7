// Package atlas is the ccc brain atlas: region ontologies (the Allen Mouse
// Brain CCF structure graph and compatible terminologies), hierarchy
// queries, annotation volumes and point-to-region lookup.
//
// An Ontology is loaded from any of the formats the Allen Institute and
// the community publish (LoadOntology): the Allen API CSV
// (structure_tree_safe_2017.csv), the Allen structure_graph nested JSON
// ({"msg": [root node with "children"]}), the flat JSON list of AllenSDK and
// brainglobe (structure_id_path as a list, rgb_triplet) and the newer
// terminology tables (identifier, parent_identifier, annotation_value, ...)
// as CSV or Parquet. Columns are mapped automatically and can be overridden
// with LoadOptions.
//
// On load the hierarchy is validated (one root, no cycles, every parent
// exists, unique ids and acronyms; all problems are reported at once) and
// indexed with an Euler tour: every region gets a preorder number and the
// size of its subtree, so Descendants is one contiguous slice and
// IsDescendant is two integer comparisons.
//
// Volumes (annotation label volumes) and Locate map CCF coordinates in
// micrometres to region labels; see volume.go for the axis convention.
package atlas
