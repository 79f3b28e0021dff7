package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ccc-connectivity/ccc"
)

// LockInfo describes the process holding the writer lock.
type LockInfo struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

func (l LockInfo) String() string {
	if l.PID == 0 {
		return "another process"
	}
	return fmt.Sprintf("pid %d on %s (%s), since %s", l.PID, l.Host, l.Command, l.Started.Format(time.RFC3339))
}

// writerLock is a held flock on <store>/lock.
type writerLock struct {
	f *os.File
}

type waitKey struct{}

// WithWait returns a context that makes Begin and GC wait up to d for the
// writer lock when their own options give no wait (TxOptions.Wait,
// GCOptions.Wait zero). Commands set it once for all their writes.
func WithWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, waitKey{}, d)
}

// waitFor returns explicit, or the wait of ctx (WithWait) when explicit is 0.
func waitFor(ctx context.Context, explicit time.Duration) time.Duration {
	if explicit != 0 || ctx == nil {
		return explicit
	}
	d, _ := ctx.Value(waitKey{}).(time.Duration)
	return d
}

// lockPollInterval is how often a waiting writer retries.
const lockPollInterval = 50 * time.Millisecond

// acquireLock takes the writer lock, waiting up to wait (0: fail at once).
// The lock file itself is never removed; the kernel releases the flock when
// the holder exits, even on SIGKILL.
func acquireLock(ctx context.Context, dir string, wait time.Duration) (*writerLock, error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o664) // umask applies: group-writable for labs under umask 002
	if err != nil {
		return nil, fmt.Errorf("store: open lock: %w", err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("store: lock %s: %w", path, err)
		}
		if wait <= 0 || time.Now().After(deadline) {
			holder := readLockInfo(path)
			f.Close()
			msg := "the store is being written by " + holder.String()
			if wait > 0 {
				msg += fmt.Sprintf(" (waited %s)", wait)
			}
			return nil, &ccc.Error{Op: "lock store", Path: dir, Row: -1, Msg: msg, Kind: ccc.ErrLocked,
				Hint: "wait for that writer to finish (or pass --wait DURATION); a lock held by a dead process is released automatically"}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPollInterval):
		}
	}
	host, _ := os.Hostname()
	info := LockInfo{PID: os.Getpid(), Host: host, Command: strings.Join(os.Args, " "), Started: time.Now().UTC()}
	if len(info.Command) > 300 {
		info.Command = info.Command[:300] + "..."
	}
	b, _ := json.Marshal(info)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
	}
	return &writerLock{f: f}, nil
}

// release clears the holder record and drops the lock.
func (l *writerLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

func readLockInfo(path string) LockInfo {
	var info LockInfo
	b, err := os.ReadFile(path)
	if err == nil {
		_ = json.Unmarshal(b, &info)
	}
	return info
}

// Holder returns who holds the writer lock, and false when nobody does.
func (s *Store) Holder() (LockInfo, bool) {
	path := filepath.Join(s.dir, "lock")
	f, err := os.Open(path) // read-only: readers of a shared store need no write access
	if err != nil {
		return LockInfo{}, false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return LockInfo{}, false
	}
	return readLockInfo(path), true
}
