package sqlite

// Queued is how many writes wait for the writer of s.
func Queued(s *Store) int { return s.writes.Queued() }
