package rawdata

import (
	"errors"
	"testing"

	"github.com/ccc-connectivity/ccc"
)

func TestFormatBytesAndNeed(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{7, "7B"}, {1536, "1.5KiB"}, {64 << 30, "64GiB"}, {1 << 40, "1TiB"}} {
		if got := FormatBytes(tc.n); got != tc.want {
			t.Errorf("FormatBytes(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
	if Need(10, 1, false) != 10 || Need(10, 4, false) != 80 || Need(10, 2, true) != 100 {
		t.Errorf("Need: %d %d %d", Need(10, 1, false), Need(10, 4, false), Need(10, 2, true))
	}
	if DefaultMaxBytes() <= 0 {
		t.Error("no default bound")
	}
	if err := CheckSize("read x", "f", "sizes", []int{10}, 10, 4, false, 80); err != nil {
		t.Errorf("at the bound: %v", err)
	}
	if err := CheckSize("read x", "f", "sizes", []int{10}, 10, 4, false, 79); !errors.Is(err, ccc.ErrInvalidData) {
		t.Errorf("over the bound: %v", err)
	}
}
