package nwb

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/store"
)

// TestIngestAppend: --append keeps the dataset's sessions and adds new
// ones (ids scoped by session, so both number electrodes from 0); a session
// the dataset already holds rejects that file only; an ingest without
// --append replaces the dataset's sessions while older versions keep them.
func TestIngestAppend(t *testing.T) {
	dir := t.TempDir()
	syn := func(name, id string, electrodes, units int) string {
		p := filepath.Join(dir, name)
		if err := WriteSynthetic(p, SynthOptions{Electrodes: electrodes, Samples: 10, Units: units, Seed: 1, Identifier: id}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	s1, s2, s3 := syn("s1.nwb", "sess-1", 8, 2), syn("s2.nwb", "sess-2", 4, 3), syn("s3.nwb", "sess-3", 6, 1)
	st, err := store.Init(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	ingest := func(files []string, appendMode bool) (*IngestReport, error) {
		return Ingest(ctx, st, files, IngestOptions{Dataset: "ephys", Append: appendMode})
	}
	// counts returns sessions, sites, units, arrays and distinct site ids
	// of the dataset at version v (0: latest)
	counts := func(v int) [5]int64 {
		t.Helper()
		db, err := st.DB(ctx, store.Ref{Version: v})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var c [5]int64
		if err := db.QueryRow(`SELECT (SELECT count(*) FROM RecordingSession), (SELECT count(*) FROM RecordingSite),
			(SELECT count(*) FROM SortedUnit), (SELECT count(*) FROM NWBArray), (SELECT count(DISTINCT id) FROM RecordingSite)`).
			Scan(&c[0], &c[1], &c[2], &c[3], &c[4]); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := ingest([]string{s1}, true); err != nil { // append to a dataset that does not exist yet
		t.Fatal(err)
	}
	rep, err := ingest([]string{s2}, true)
	if err != nil || rep.Version != 2 {
		t.Fatalf("append: %v %+v", err, rep)
	}
	if got, want := counts(0), [5]int64{2, 12, 5, 2, 12}; got != want {
		t.Fatalf("after append %v, want %v", got, want)
	}
	sn, _ := st.Snapshot(store.Ref{})
	if files, _ := sn.Meta("ephys")["nwb_files"].([]any); len(files) != 2 {
		t.Errorf("nwb_files %v", sn.Meta("ephys")["nwb_files"])
	}
	// the peak channels of both sessions reference their own session's sites
	db, _ := st.DB(ctx, store.Ref{})
	var orphans int64
	if err := db.QueryRow(`SELECT count(*) FROM SortedUnit u ANTI JOIN RecordingSite s ON s.id = u.peak_channel AND s.data_item = u.data_item
		WHERE u.peak_channel IS NOT NULL`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("peak channels without their site: %d %v", orphans, err)
	}
	db.Close()

	// s1 again: nothing new, the store is unchanged
	_, err = ingest([]string{s1}, true)
	var ce *ccc.Error
	if !errors.Is(err, ccc.ErrConflict) || !errors.As(err, &ce) || ce.Field != "identifier" || ce.Value != "sess-1" {
		t.Fatalf("duplicate session: %v", err)
	}
	if n, _ := st.Latest(); n != 2 {
		t.Fatalf("a rejected append wrote version %d", n)
	}
	// s1 and s3 together: s1 is reported, s3 is added
	rep, err = ingest([]string{s1, s3}, true)
	if err != nil || rep.Good != 1 || rep.Bad != 1 || rep.Files[0].Error == "" || rep.Files[1].Error != "" || rep.Electrodes != 6 {
		t.Fatalf("mixed append: %v %+v", err, rep)
	}
	if got, want := counts(0), [5]int64{3, 18, 6, 3, 18}; got != want {
		t.Fatalf("after the mixed append %v, want %v", got, want)
	}
	// without --append the sessions given replace the dataset's
	if _, err := ingest([]string{s2}, false); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(0), [5]int64{1, 4, 3, 1, 4}; got != want {
		t.Fatalf("after replace %v, want %v", got, want)
	}
	if got, want := counts(3), [5]int64{3, 18, 6, 3, 18}; got != want {
		t.Fatalf("version 3 now reads %v, want %v", got, want)
	}
}
