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
