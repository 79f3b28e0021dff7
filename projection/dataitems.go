package projection

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccc-connectivity/ccc/store"
)

// Classes of the core schema that matrices index.
const (
	DataSetClass  = "DataSet"
	DataItemClass = "DataItem"
)

// dataItem is one DataItem row.
type dataItem struct {
	ID, Name string
}

// dataSetRow describes the dataset (DataSet row) written with the items.
type dataSetRow struct {
	ID, Name, Publication, Modality string
}

// writeDataItems stages the dataset's DataSet and DataItem tables: the
// existing rows of the snapshot are kept, the given items added (replacing
// rows of the same id, or, with keepExisting, only where the id is new), and
// the DataSet row added when the dataset has none, so every data_item_index
// entry of a matrix resolves to a DataItem of the dataset.
func writeDataItems(ctx context.Context, db *sql.DB, tx *store.Tx, sn *store.Snapshot, ds dataSetRow, items []dataItem, keepExisting bool) error {
	dataset := tx.Dataset()
	// DataSet
	setNd := filepath.Join(tx.StagingDir(), "dataset.ndjson")
	b, _ := json.Marshal(map[string]any{"id": ds.ID, "name": ds.Name, "publication": nullString(ds.Publication), "modality": ds.Modality})
	if err := os.WriteFile(setNd, append(b, '\n'), 0o644); err != nil {
		return err
	}
	newSet := fmt.Sprintf(`SELECT * FROM read_json(%s, format='newline_delimited', columns={id: 'VARCHAR', name: 'VARCHAR', publication: 'VARCHAR', modality: 'VARCHAR'})`, store.QuoteString(setNd))
	q := newSet
	if ti, err := sn.Table(dataset, DataSetClass); err == nil {
		q = fmt.Sprintf(`SELECT * FROM read_parquet(%s) UNION ALL BY NAME (%s WHERE id NOT IN (SELECT id FROM read_parquet(%s)))`, store.QuoteString(ti.Path), newSet, store.QuoteString(ti.Path))
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd)`, q, store.QuoteString(tx.TablePath(DataSetClass)))); err != nil {
		return fmt.Errorf("write %s table: %w", DataSetClass, err)
	}
	// DataItem
	itemNd := filepath.Join(tx.StagingDir(), "dataitems.ndjson")
	f, err := os.Create(itemNd)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(map[string]any{"id": it.ID, "name": it.Name, "dataset": ds.ID}); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	newItems := fmt.Sprintf(`SELECT * FROM read_json(%s, format='newline_delimited', columns={id: 'VARCHAR', name: 'VARCHAR', dataset: 'VARCHAR'})`, store.QuoteString(itemNd))
	q = newItems
	if ti, err := sn.Table(dataset, DataItemClass); err == nil {
		old := store.QuoteString(ti.Path)
		if keepExisting {
			q = fmt.Sprintf(`SELECT * FROM read_parquet(%s) UNION ALL BY NAME (%s WHERE id NOT IN (SELECT id FROM read_parquet(%s)))`, old, newItems, old)
		} else {
			q = fmt.Sprintf(`SELECT * FROM read_parquet(%s) WHERE id NOT IN (SELECT id FROM (%s)) UNION ALL BY NAME %s`, old, newItems, newItems)
		}
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`COPY (%s ORDER BY id) TO %s (FORMAT parquet, COMPRESSION zstd)`, q, store.QuoteString(tx.TablePath(DataItemClass)))); err != nil {
		return fmt.Errorf("write %s table: %w", DataItemClass, err)
	}
	return nil
}

// allenDataSet is the DataSet row of the Allen connectivity experiments.
func allenDataSet(dataset string) dataSetRow {
	return dataSetRow{ID: dataset, Name: "Allen Mouse Brain Connectivity Atlas",
		Publication: "Oh et al. (2014) A mesoscale connectome of the mouse brain. Nature 508:207-214. doi:10.1038/nature13186",
		Modality:    "MESOSCALE_TRACING"}
}

// ExperimentItemID is the DataItem id of an Allen experiment.
func ExperimentItemID(id int64) string { return fmt.Sprintf("allen:%d", id) }
