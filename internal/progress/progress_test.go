package progress

import (
	"bytes"
	"testing"
)

func TestSilentWhenNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "ingest", "rows", 100, false)
	b.Add(40)
	b.Add(60)
	b.Finish()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", buf.String())
	}
	if b.Done() != 100 {
		t.Errorf("Done() = %d, want 100", b.Done())
	}
	var nilBar *Bar
	nilBar.Add(1) // must not panic
	nilBar.Finish()
}

func TestHuman(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{999, "999"}, {12345, "12.3k"}, {2500000, "2.50M"}, {3e9, "3.00G"}} {
		if got := Human(tc.n); got != tc.want {
			t.Errorf("Human(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDrawFormat(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "rows", "rows", 200, false)
	b.enabled = true
	b.Add(100)
	b.Finish()
	s := buf.String()
	if !bytes.Contains([]byte(s), []byte("100/200 rows")) {
		t.Errorf("bar %q lacks count", s)
	}
}
