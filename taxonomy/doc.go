// Package taxonomy holds cell-type taxonomies: ordered levels (class >
// subclass > supertype > cluster in the Allen Whole Mouse Brain taxonomy)
// of clusters with one parent each, loaded from Allen Brain Cell Atlas
// term CSVs, Cell Annotation Schema (CAS) JSON or a plain parent/child CSV,
// and stored in the ccc store as the schema's ClusterHierarchy, Cluster and
// ClusterMembership classes (one dataset per taxonomy, several side by
// side).
//
// A Taxonomy is indexed like the atlas ontology: int32 parents, an Euler
// tour (preorder numbers and subtree sizes, so a descendant set is one
// contiguous range and an ancestry test two comparisons) and a per-level
// ancestor table, so rolling a cell's cluster up to its subclass is one
// slice read. Every taxonomy has one synthetic root (level 0, labelled by
// the taxonomy name) above its broadest level.
package taxonomy
