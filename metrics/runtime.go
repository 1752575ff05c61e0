package metrics

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// memStats are the go_memstats_ series, under the names and types of the
// Prometheus Go client's Go collector, so that its dashboards read them.
var memStats = []struct {
	name, typ, help string
	value           func(*runtime.MemStats) float64
}{
	{"go_memstats_alloc_bytes", "gauge", "Number of bytes allocated in heap and currently in use.", func(m *runtime.MemStats) float64 { return float64(m.Alloc) }},
	{"go_memstats_alloc_bytes_total", "counter", "Total number of bytes allocated in heap until now, even if released already.", func(m *runtime.MemStats) float64 { return float64(m.TotalAlloc) }},
	{"go_memstats_buck_hash_sys_bytes", "gauge", "Number of bytes used by the profiling bucket hash table.", func(m *runtime.MemStats) float64 { return float64(m.BuckHashSys) }},
	{"go_memstats_frees_total", "counter", "Total number of heap objects frees.", func(m *runtime.MemStats) float64 { return float64(m.Frees) }},
	{"go_memstats_gc_sys_bytes", "gauge", "Number of bytes used for garbage collection system metadata.", func(m *runtime.MemStats) float64 { return float64(m.GCSys) }},
	{"go_memstats_heap_alloc_bytes", "gauge", "Number of heap bytes allocated and currently in use.", func(m *runtime.MemStats) float64 { return float64(m.HeapAlloc) }},
	{"go_memstats_heap_idle_bytes", "gauge", "Number of heap bytes waiting to be used.", func(m *runtime.MemStats) float64 { return float64(m.HeapIdle) }},
	{"go_memstats_heap_inuse_bytes", "gauge", "Number of heap bytes that are in use.", func(m *runtime.MemStats) float64 { return float64(m.HeapInuse) }},
	{"go_memstats_heap_objects", "gauge", "Number of currently allocated objects.", func(m *runtime.MemStats) float64 { return float64(m.HeapObjects) }},
	{"go_memstats_heap_released_bytes", "gauge", "Number of heap bytes released to OS.", func(m *runtime.MemStats) float64 { return float64(m.HeapReleased) }},
	{"go_memstats_heap_sys_bytes", "gauge", "Number of heap bytes obtained from system.", func(m *runtime.MemStats) float64 { return float64(m.HeapSys) }},
	{"go_memstats_last_gc_time_seconds", "gauge", "Number of seconds since 1970 of last garbage collection.", func(m *runtime.MemStats) float64 { return float64(m.LastGC) / 1e9 }},
	{"go_memstats_mallocs_total", "counter", "Total number of heap objects allocated.", func(m *runtime.MemStats) float64 { return float64(m.Mallocs) }},
	{"go_memstats_mcache_inuse_bytes", "gauge", "Number of bytes in use by mcache structures.", func(m *runtime.MemStats) float64 { return float64(m.MCacheInuse) }},
	{"go_memstats_mcache_sys_bytes", "gauge", "Number of bytes used for mcache structures obtained from system.", func(m *runtime.MemStats) float64 { return float64(m.MCacheSys) }},
	{"go_memstats_mspan_inuse_bytes", "gauge", "Number of bytes in use by mspan structures.", func(m *runtime.MemStats) float64 { return float64(m.MSpanInuse) }},
	{"go_memstats_mspan_sys_bytes", "gauge", "Number of bytes used for mspan structures obtained from system.", func(m *runtime.MemStats) float64 { return float64(m.MSpanSys) }},
	{"go_memstats_next_gc_bytes", "gauge", "Number of heap bytes when next garbage collection will take place.", func(m *runtime.MemStats) float64 { return float64(m.NextGC) }},
	{"go_memstats_other_sys_bytes", "gauge", "Number of bytes used for other system allocations.", func(m *runtime.MemStats) float64 { return float64(m.OtherSys) }},
	{"go_memstats_stack_inuse_bytes", "gauge", "Number of bytes in use by the stack allocator.", func(m *runtime.MemStats) float64 { return float64(m.StackInuse) }},
	{"go_memstats_stack_sys_bytes", "gauge", "Number of bytes obtained from system for stack allocator.", func(m *runtime.MemStats) float64 { return float64(m.StackSys) }},
	{"go_memstats_sys_bytes", "gauge", "Number of bytes obtained from system.", func(m *runtime.MemStats) float64 { return float64(m.Sys) }},
}

// writeRuntime writes the Go runtime's figures and, on Linux, the
// process's, as the Prometheus Go client's Go and process collectors name
// them.
func writeRuntime(t *text) {
	gc := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
	debug.ReadGCStats(&gc)
	t.family("go_gc_duration_seconds", "summary", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		t.sample("go_gc_duration_seconds", gc.PauseQuantiles[i].Seconds(), "quantile", q)
	}
	t.sample("go_gc_duration_seconds_sum", gc.PauseTotal.Seconds())
	t.sample("go_gc_duration_seconds_count", float64(gc.NumGC))

	t.family("go_gc_gomemlimit_bytes", "gauge", "Go runtime memory limit configured by the user, otherwise math.MaxInt64.")
	t.sample("go_gc_gomemlimit_bytes", float64(debug.SetMemoryLimit(-1))) // a negative limit only reads it
	t.family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	t.sample("go_goroutines", float64(runtime.NumGoroutine()))
	t.family("go_info", "gauge", "Information about the Go environment.")
	t.sample("go_info", 1, "version", runtime.Version())

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	for _, s := range memStats {
		t.family(s.name, s.typ, s.help)
		t.sample(s.name, s.value(&ms))
	}
	t.family("go_sched_gomaxprocs_threads", "gauge", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.")
	t.sample("go_sched_gomaxprocs_threads", float64(runtime.GOMAXPROCS(0)))
	threads, _ := runtime.ThreadCreateProfile(nil)
	t.family("go_threads", "gauge", "Number of OS threads created.")
	t.sample("go_threads", float64(threads))

	if runtime.GOOS == "linux" {
		writeProcess(t)
	}
}

// userHZ is the unit of /proc's CPU times: 100 a second on every Linux
// Go runs on (the Prometheus client assumes it too).
const userHZ = 100

// writeProcess writes the process_ series from /proc/self; a figure that
// cannot be read is left out rather than reported as zero.
func writeProcess(t *text) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return
	}
	f := statFields(string(stat))
	if len(f) < 22 {
		return
	}
	field := func(n int) float64 { // n as proc(5) numbers the fields
		v, _ := strconv.ParseFloat(f[n-3], 64)
		return v
	}
	t.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
	t.sample("process_cpu_seconds_total", (field(14)+field(15))/userHZ)
	limits, _ := os.ReadFile("/proc/self/limits")
	if limit, ok := softLimit(string(limits), "Max open files"); ok {
		t.family("process_max_fds", "gauge", "Maximum number of open file descriptors.")
		t.sample("process_max_fds", limit)
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		t.family("process_open_fds", "gauge", "Number of open file descriptors.")
		t.sample("process_open_fds", float64(len(fds)))
	}
	t.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
	t.sample("process_resident_memory_bytes", field(24)*float64(os.Getpagesize()))
	if boot, ok := bootTime(); ok {
		t.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
		t.sample("process_start_time_seconds", boot+field(22)/userHZ)
	}
	t.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.")
	t.sample("process_virtual_memory_bytes", field(23))
	if limit, ok := softLimit(string(limits), "Max address space"); ok {
		t.family("process_virtual_memory_max_bytes", "gauge", "Maximum amount of virtual memory available in bytes.")
		t.sample("process_virtual_memory_max_bytes", limit)
	}
}

// statFields are the fields of a /proc/<pid>/stat line after the
// command's closing parenthesis (the last one: the command may hold one),
// from the state (field 3 of proc(5)) on.
func statFields(stat string) []string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(stat[i+1:])
}

// softLimit reads a soft limit of limits, the text of /proc/self/limits;
// unlimited is RLIM_INFINITY, as getrlimit(2) gives it.
func softLimit(limits, name string) (float64, bool) {
	for line := range strings.Lines(limits) {
		rest, ok := strings.CutPrefix(line, name+" ")
		if f := strings.Fields(rest); ok && len(f) > 0 {
			if f[0] == "unlimited" {
				return 1<<64 - 1, true
			}
			v, err := strconv.ParseFloat(f[0], 64)
			return v, err == nil
		}
	}
	return 0, false
}

// bootTime is the btime of /proc/stat: when the system booted, in seconds
// since the epoch.
func bootTime() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			t, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return t, err == nil
		}
	}
	return 0, false
}
