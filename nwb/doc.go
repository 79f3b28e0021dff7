// Package nwb reads Neurodata Without Borders (NWB 2.x) files: HDF5 files
// whose groups and datasets carry a neurodata_type and a namespace, and
// which cache the specifications of those namespaces under /specifications.
//
// Reading is lazy (formats/hdf5): Open checks the root attributes and reads
// nothing else; Info walks the metadata; DynamicTables (Table) read their
// columns when asked, ragged columns through their VectorIndex (and
// double-ragged ones through an index of an index), DynamicTableRegions
// resolve to rows of their target table; TimeSeries data is read by
// hyperslab (Series.Data().Slice).
//
// The cached specifications are translated into LinkML (Schema / LinkML):
// neurodata_type_def becomes a class, neurodata_type_inc its is_a, group
// and dataset members become slots (quantity gives required/multivalued,
// dims/shape a LinkML array, dtype a range, references a non-inlined range),
// so that the ccc LinkML engine and Python's linkml load the NWB schema of
// the exact version each file was written with, extensions included.
//
// Ingest places a session into the ccc store: DataSet and DataItem rows,
// RecordingSession, RecordingSite (electrodes with x, y, z, location and the
// atlas region) and SortedUnit (units with quality metrics and peak
// channel); electrode and unit ids are scoped by the session
// (<identifier>:<id>). Arrays stay in the NWB file and are registered in
// NWBArray by file path and HDF5 path.
package nwb
