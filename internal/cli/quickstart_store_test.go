package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestQuickstartStoreStepSynthetic(t *testing.T) {
	out := filepath.Join(t.TempDir(), "qs")
	code, stdout, stderr := runCLI(t, nil, "quickstart", "--only", "store", "--out", out, "--data", filepath.Join(out, "no-data"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"version 1: 12 instances, 0 errors", "version 2: 2000 instances, 0 errors",
		"ancestors of VISp: root > grey > CH > CTX > CTXpl > Isocortex > VIS > VISp", "most frequent cell types: 23P 600"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, map[string]string{"CCC_STORE": filepath.Join(out, "store")}, "check")
	if code != 0 || !strings.Contains(stdout, "2 version(s)") {
		t.Fatalf("check: %d %s", code, stdout)
	}
}
