//go:build !unix

package sqlite

import "io"

// lock has no portable flock here: the database is opened unlocked and its
// views are read without the cache, as another process may write to it.
func lock(string) (io.Closer, error) { return nil, nil }

// ownVFS is SQLite's default VFS: the file is not this process's alone.
const ownVFS = ""
