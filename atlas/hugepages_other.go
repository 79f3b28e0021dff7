//go:build !linux

package atlas

// adviseHugePages is a no-op where transparent huge pages are not
// available through madvise.
func adviseHugePages(b []byte) {}
