package crossmodal

import (
	"strings"
	"testing"
)

// TestSiteProjectionsSQL: the statement names the atlas, source, matrix,
// session and statistic it was built for, quoted.
func TestSiteProjectionsSQL(t *testing.T) {
	q := SiteProjectionsSQL("ccf'2017", 385, "allen_connectivity", "m1", "s'1", "median")
	for _, want := range []string{"c.dataset = 'ccf''2017'", "c.ancestor_structure_id = 385", `p."matrix" = 'm1'`,
		"WHERE s.data_item = 's''1'", `median(p."value") AS strength`} {
		if !strings.Contains(q, want) {
			t.Errorf("statement lacks %q:\n%s", want, q)
		}
	}
	if strings.Contains(SiteProjectionsSQL("a", 1, "d", "m", "", "mean"), "WHERE s.data_item") {
		t.Error("no session: no session filter")
	}
	c := CoverageSQL("a", []int64{385, 549}, CoverageSources[:2])
	for _, want := range []string{"[385, 549]", "FROM \"ConnectivityExperiment\"", "AS recording_sites"} {
		if !strings.Contains(c, want) {
			t.Errorf("coverage statement lacks %q:\n%s", want, c)
		}
	}
}

// TestSiteProjectionOf: an answer row reads alike from both engines'
// values (DuckDB's int32/int64, Spark's int64); a row without a matched
// column is unmatched with zero fields.
func TestSiteProjectionOf(t *testing.T) {
	duck := SiteProjectionOf([]any{"s1", "e7", int32(7), int64(593), "VISp1", int64(385), "VISp", int32(1), 0.25, int64(3)})
	spark := SiteProjectionOf([]any{"s1", "e7", int64(7), int64(593), "VISp1", int64(385), "VISp", int64(1), 0.25, int64(3)})
	want := SiteProjection{Session: "s1", Site: "e7", ElectrodeID: 7, SiteRegion: 593, SiteAcronym: "VISp1", Matched: true,
		MatchedRegion: 385, MatchedAcronym: "VISp", LevelsUp: 1, Strength: 0.25, Experiments: 3}
	if duck != want || spark != want {
		t.Errorf("duckdb %+v\nspark  %+v\nwant   %+v", duck, spark, want)
	}
	none := SiteProjectionOf([]any{"s1", "e8", int64(8), nil, nil, nil, nil, nil, nil, nil})
	if (none != SiteProjection{Session: "s1", Site: "e8", ElectrodeID: 8}) {
		t.Errorf("unmatched: %+v", none)
	}
}
