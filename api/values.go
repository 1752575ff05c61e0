package api

import "time"

// String returns a pointer to s, for the optional members of shapes.
func String(s string) *string { return &s }

// Int32 returns a pointer to v.
func Int32(v int32) *int32 { return &v }

// Bool returns a pointer to v.
func Bool(v bool) *bool { return &v }

// ToString returns *s, or "" when s is nil.
func ToString(s *string) string { return deref(s) }

// ToInt32 returns *v, or def when v is nil.
func ToInt32(v *int32, def int32) int32 {
	if v == nil {
		return def
	}
	return *v
}

// ToBool returns *v, or false when v is nil.
func ToBool(v *bool) bool { return v != nil && *v }

// TimeOf returns t as a timestamp member.
func TimeOf(t time.Time) *Time {
	v := Time(t)
	return &v
}
