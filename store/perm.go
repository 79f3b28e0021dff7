package store

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Permission model (docs/security.md): the store honours the process umask
// but never creates anything writable by "other" (the effective mask is
// umask | 0002). Published files (table files, artifact files, manifests,
// the marker and the catalog) are read-only for everyone the umask lets
// read them: 0444 &^ mask, so 0444 under umask 000/002/022 and 0400 under
// umask 077. Directories are 0777 &^ mask (0775 under umask 002). A lab
// shares a store through a group: umask 002 and a setgid store directory
// (chgrp lab DIR; chmod g+s DIR) make every file group-readable and every
// directory group-writable, so any member can read and write it.

// dirPerm is passed to Mkdir; the kernel applies the umask to it.
const dirPerm os.FileMode = 0o775

// umask returns the process umask without changing it (Linux
// /proc/self/status; elsewhere a Umask round trip).
func umask() os.FileMode {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
				if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return os.FileMode(n)
				}
			}
		}
	}
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return os.FileMode(m)
}

// storeMask is the mask applied to everything the store creates.
func storeMask() os.FileMode { return (umask() | 0o002) & 0o777 }

// FileMode is the mode of published (immutable) store files under the
// current umask: 0444 &^ (umask | 0002).
func FileMode() os.FileMode { return 0o444 &^ storeMask() }

// DirMode is the mode of store directories: 0777 &^ (umask | 0002).
func DirMode() os.FileMode { return 0o777 &^ storeMask() }

// sealFile gives a published file the store's read-only mode.
func sealFile(path string) error { return os.Chmod(path, FileMode()) }

// sealTree gives every file below dir the read-only file mode and every
// directory the directory mode (directories stay writable by the owner so
// that gc can remove unreferenced versions).
func sealTree(dir string) error {
	fm, dm := FileMode(), DirMode()
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Chmod(p, dm)
		case d.Type().IsRegular():
			return os.Chmod(p, fm)
		}
		return nil
	})
}

// mkdirAll creates dir and its parents with the store's directory mode.
func mkdirAll(dir string) error { return os.MkdirAll(dir, dirPerm) }
