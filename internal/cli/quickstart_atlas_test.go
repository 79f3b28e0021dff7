package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuickstartAtlasSynthetic(t *testing.T) {
	out := t.TempDir()
	stdout, e, code := runAtlasCmd(t, "quickstart", "--only", "atlas", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, w := range []string{
		"root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp > VISp1",
		"VISp1 VISp2/3 VISp4 VISp5 VISp6a VISp6b",
		"(3960, 1050, 3420) um -> VISp1  ok",
		"(20000, 0, 0) um -> -      outside",
		"(50, 50, 50) um -> -      unlabelled",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("quickstart output lacks %q:\n%s", w, stdout)
		}
	}
	for _, f := range []string{"atlas_depths.png", "atlas_located_points.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
