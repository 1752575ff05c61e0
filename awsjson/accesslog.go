package awsjson

import (
	"io"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// AccessLog writes the access log's line per request straight into a pooled
// buffer and hands it to its writer in one Write: the bytes are those that
// slog's TextHandler or JSONHandler (default options) write for
//
//	LogAttrs(ctx, slog.LevelInfo, "request", operation, status, error,
//	         account, region, request_id, duration)
//
// at the same instant, without building a slog.Record (and its call-site
// lookup) for every request. Other log records still go through slog.
type AccessLog struct {
	w    io.Writer
	json bool
}

// NewAccessLog returns an access log writing to w in slog's text format, or
// in its JSON format when json is set. w gets one Write per line and must
// not keep the slice it is given.
func NewAccessLog(w io.Writer, json bool) *AccessLog {
	return &AccessLog{w: w, json: json}
}

var accessLogBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Log writes the line of one request that ended at t.
func (l *AccessLog) Log(t time.Time, op string, status int, code, account, region, reqID string, d time.Duration) {
	bp := accessLogBufs.Get().(*[]byte)
	b := l.appendLine((*bp)[:0], t, op, status, code, account, region, reqID, d)
	_, _ = l.w.Write(b)
	if cap(b) <= 4<<10 { // a line of clipped fields; keep the pool's buffers small
		*bp = b
		accessLogBufs.Put(bp)
	}
}

func (l *AccessLog) appendLine(b []byte, t time.Time, op string, status int, code, account, region, reqID string, d time.Duration) []byte {
	t = t.Round(0)
	if l.json {
		b = append(b, `{"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","level":"INFO","msg":"request","operation":"`...)
		b = appendJSONString(b, op)
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		b = append(b, `,"error":"`...)
		b = appendJSONString(b, code)
		b = append(b, `","account":"`...)
		b = appendJSONString(b, account)
		b = append(b, `","region":"`...)
		b = appendJSONString(b, region)
		b = append(b, `","request_id":"`...)
		b = appendJSONString(b, reqID)
		b = append(b, `","duration":`...)
		b = strconv.AppendInt(b, int64(d), 10)
		return append(b, "}\n"...)
	}
	b = append(b, "time="...)
	b = appendRFC3339Millis(b, t)
	b = append(b, " level=INFO msg=request operation="...)
	b = appendTextString(b, op)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, " error="...)
	b = appendTextString(b, code)
	b = append(b, " account="...)
	b = appendTextString(b, account)
	b = append(b, " region="...)
	b = appendTextString(b, region)
	b = append(b, " request_id="...)
	b = appendTextString(b, reqID)
	b = append(b, " duration="...)
	b = append(b, d.String()...)
	return append(b, '\n')
}

// appendRFC3339Millis is slog's text time: RFC 3339 with exactly three
// digits of milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
}

// jsonSafe reports whether an ASCII byte stands for itself inside a JSON
// string (encoding/json's and slog's safeSet).
func jsonSafe(c byte) bool { return c >= 0x20 && c != '"' && c != '\\' }

// appendTextString is slog's text value: as is, or Go-quoted when empty or
// holding a space, '=', a quote, a control or non-printing character, or
// invalid UTF-8.
func appendTextString(b []byte, s string) []byte {
	if textNeedsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func textNeedsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != '\\' && (c == ' ' || c == '=' || !jsonSafe(c)) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendJSONString is slog's JSON string escaping (without the quotes):
// invalid UTF-8 becomes \ufffd, U+2028 and U+2029 are escaped, '<', '>'
// and '&' are not.
func appendJSONString(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
