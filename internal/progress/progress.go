// Package progress draws a one-line progress bar (count, rate, ETA) on a
// terminal and stays silent when the output is not a terminal, so logs and
// CI output are not flooded.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Bar reports progress of a long task. A nil *Bar is valid and does nothing.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	unit    string
	total   int64 // 0 when unknown
	done    int64
	start   time.Time
	last    time.Time
	enabled bool
}

// New returns a bar writing to w; it draws only when w is a terminal
// (an *os.File attached to a TTY) and quiet is false. total may be 0.
func New(w io.Writer, label, unit string, total int64, quiet bool) *Bar {
	enabled := false
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		enabled = true
	}
	now := time.Now()
	return &Bar{w: w, label: label, unit: unit, total: total, start: now, enabled: enabled}
}

// Add advances the bar by n units.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if !b.enabled {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < 100*time.Millisecond && (b.total == 0 || b.done < b.total) {
		return
	}
	b.last = now
	b.draw(now)
}

// SetTotal sets the expected total once it becomes known.
func (b *Bar) SetTotal(total int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.total = total
	b.mu.Unlock()
}

// Done returns how many units were reported.
func (b *Bar) Done() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done
}

// Finish draws the final state and ends the line.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.enabled {
		return
	}
	b.draw(time.Now())
	fmt.Fprintln(b.w)
}

func (b *Bar) draw(now time.Time) {
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(b.done) / el
	}
	var s string
	if b.total > 0 {
		frac := float64(b.done) / float64(b.total)
		if frac > 1 {
			frac = 1
		}
		const width = 24
		n := int(frac * width)
		eta := "?"
		if rate > 0 {
			eta = (time.Duration(float64(b.total-b.done)/rate) * time.Second).Round(time.Second).String()
		}
		s = fmt.Sprintf("\r%s [%s%s] %s/%s %s  %s/s  ETA %s ", b.label, strings.Repeat("=", n), strings.Repeat(" ", width-n),
			Human(b.done), Human(b.total), b.unit, Human(int64(rate)), eta)
	} else {
		s = fmt.Sprintf("\r%s %s %s  %s/s ", b.label, Human(b.done), b.unit, Human(int64(rate)))
	}
	io.WriteString(b.w, s)
}

// Human formats n with k/M/G suffixes.
func Human(n int64) string {
	f := float64(n)
	switch {
	case f >= 1e9:
		return fmt.Sprintf("%.2fG", f/1e9)
	case f >= 1e6:
		return fmt.Sprintf("%.2fM", f/1e6)
	case f >= 1e4:
		return fmt.Sprintf("%.1fk", f/1e3)
	}
	return fmt.Sprintf("%d", n)
}
