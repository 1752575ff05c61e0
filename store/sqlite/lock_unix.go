//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
)

// ownVFS opens the database through SQLite's unix-excl VFS: the first
// connection to read the file locks it for this process, which lock
// already claims, and the WAL's index lives in this process's memory
// instead of a mapped -shm file, so a transaction's begin and end take no
// fcntl lock (7.5 % of the CPU of an Associate at 8 connections; without
// them it answers 8-11 % more requests, docs/performance.md). Every
// connection must name it: one through the plain unix VFS would look for
// the index in the -shm file.
const ownVFS = "vfs=unix-excl&"

// fileID is a file's identity: its device and inode, whatever path names it.
type fileID struct{ dev, ino uint64 }

// held is the database files this process has locked. flock alone would
// do across processes, but inside one process a second Open must not
// even open and close a descriptor of a file SQLite uses: closing any
// descriptor of a file drops every POSIX (fcntl) lock the process holds on
// it, SQLite's own included.
var held = struct {
	sync.Mutex
	files map[fileID]*dbLock
}{files: map[fileID]*dbLock{}}

// dbLock is the lock of one database file, held through an open descriptor.
type dbLock struct {
	id   fileID
	f    *os.File
	info string // path + ".lock", where the holder's pid is written
	// extra are descriptors of the file opened while it was held (a race
	// with a path swapped under us); they are closed with the lock, once
	// SQLite has let go of the file.
	extra []*os.File
}

// lock locks the database file itself (its inode) for this process, or
// fails with ErrInUse naming the process that holds it, so that a second
// wslocal cannot reach the file through a symbolic or hard link, or after
// someone deleted a lock file beside it. The lock is flock(2) on the
// database file: on Linux and the BSDs it is independent of the fcntl
// locks SQLite takes on the same file (it is not on NFS, where Linux
// emulates flock with fcntl locks: keep the database on a local disk). The
// kernel lets go of it when the process ends, however it ends.
//
// The holder's pid is written to path + ".lock" for the message only;
// deleting that file changes nothing.
func lock(path string) (io.Closer, error) {
	held.Lock()
	defer held.Unlock()
	if st, err := os.Stat(path); err == nil {
		if id := idOf(st); held.files[id] != nil {
			return nil, fmt.Errorf("%w (pid %d)", ErrInUse, os.Getpid())
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	id := idOf(st)
	if l := held.files[id]; l != nil {
		// The path named another file a moment ago. Closing f now would
		// drop SQLite's locks on the held file: keep it until the lock goes.
		l.extra = append(l.extra, f)
		return nil, fmt.Errorf("%w (pid %d)", ErrInUse, os.Getpid())
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		// No descriptor of this process holds SQLite locks on the file
		// (it is not in held), so closing f drops nothing.
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder, _ := os.ReadFile(path + ".lock")
			if h := strings.TrimSpace(string(holder)); h != "" && len(h) < 64 {
				return nil, fmt.Errorf("%w (%s)", ErrInUse, h)
			}
			return nil, ErrInUse
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	l := &dbLock{id: id, f: f, info: path + ".lock"}
	_ = os.WriteFile(l.info, []byte(fmt.Sprintf("pid %d\n", os.Getpid())), 0o644)
	held.files[id] = l
	return l, nil
}

// Close lets go of the lock; SQLite must be done with the file.
func (l *dbLock) Close() error {
	held.Lock()
	defer held.Unlock()
	delete(held.files, l.id)
	for _, f := range l.extra {
		f.Close()
	}
	return l.f.Close()
}

func idOf(st os.FileInfo) fileID {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}
	}
	return fileID{dev: uint64(sys.Dev), ino: uint64(sys.Ino)}
}
