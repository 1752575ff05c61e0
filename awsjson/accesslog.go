package awsjson

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
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
		b = appendRFC3339Nano(b, t)
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
	b = appendDuration(b, d)
	return append(b, '\n')
}

// appendRFC3339Millis is slog's text time: RFC 3339 with exactly three
// digits of milliseconds.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	st := stampOf(t)
	b = append(b, st.prefix...)
	ms := t.Nanosecond() / 1e6
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, st.zone...)
}

// appendRFC3339Nano is t.AppendFormat(b, time.RFC3339Nano): the fraction
// without its trailing zeros, none when it is zero.
func appendRFC3339Nano(b []byte, t time.Time) []byte {
	st := stampOf(t)
	b = append(b, st.prefix...)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i > 0; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, st.zone...)
}

// stamp is the formatted second of a time and its zone: every line of a
// second shares it, so that formatting a time costs no calendar
// arithmetic.
type stamp struct {
	sec    int64
	loc    *time.Location
	prefix string // 2006-01-02T15:04:05
	zone   string // Z07:00
}

var lastStamp atomic.Pointer[stamp]

func stampOf(t time.Time) *stamp {
	sec, loc := t.Unix(), t.Location()
	if st := lastStamp.Load(); st != nil && st.sec == sec && st.loc == loc {
		return st
	}
	st := &stamp{sec: sec, loc: loc, prefix: t.Format("2006-01-02T15:04:05"), zone: t.Format("Z07:00")}
	lastStamp.Store(st)
	return st
}

// appendDuration is d.String() appended, without its allocation for a
// duration under a second (time's own algorithm); others use String.
func appendDuration(b []byte, d time.Duration) []byte {
	if d <= 0 || d >= time.Second {
		return append(b, d.String()...)
	}
	var buf [32]byte
	w := len(buf) - 1
	buf[w] = 's'
	u := uint64(d)
	var prec int
	switch {
	case u < uint64(time.Microsecond):
		w--
		buf[w] = 'n'
	case u < uint64(time.Millisecond):
		prec = 3
		w -= 2
		copy(buf[w:], "µ")
	default:
		prec = 6
		w--
		buf[w] = 'm'
	}
	// The fraction, trailing zeros omitted up to and including the point.
	print := false
	for range prec {
		digit := u % 10
		print = print || digit != 0
		if print {
			w--
			buf[w] = byte(digit) + '0'
		}
		u /= 10
	}
	if print {
		w--
		buf[w] = '.'
	}
	if u == 0 {
		w--
		buf[w] = '0'
	}
	for ; u > 0; u /= 10 {
		w--
		buf[w] = byte(u%10) + '0'
	}
	return append(b, buf[w:]...)
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
