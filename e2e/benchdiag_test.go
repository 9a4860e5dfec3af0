package e2e

// What the browser benchmarks measure besides the rows of the table, to
// say where the time goes: the CPU time of the server, of Chromium (of its
// page's main thread apart) and of every other process (from /proc, on
// Linux), the server's frame counters (from its /metrics), and, when asked
// for, a V8 CPU profile or a Chrome trace of the page during the drag or
// play.

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

var browserProfile = flag.Bool("browser.profile", false,
	"BenchmarkBrowser*: sample the page's main thread with the V8 CPU profiler during the drag or play, "+
		"print the functions that took the most time and write the profile to e2e/artifacts (for DevTools)")

// frameStats are the server's counters of frames: how many were rendered
// and sent, their render time (the frame job, encoding included) and bytes.
type frameStats struct {
	rendered   float64
	renderSecs float64
	sent       float64
	bytes      float64
}

func (a frameStats) minus(b frameStats) frameStats {
	return frameStats{a.rendered - b.rendered, a.renderSecs - b.renderSecs, a.sent - b.sent, a.bytes - b.bytes}
}

func frameStatsSum(all []frameStats) string {
	var s frameStats
	for _, f := range all {
		s.rendered += f.rendered
		s.renderSecs += f.renderSecs
		s.sent += f.sent
		s.bytes += f.bytes
	}
	if s.rendered == 0 || s.sent == 0 {
		return "no frames\n"
	}
	return fmt.Sprintf("%.0f frames rendered, %.1f ms each on average (render + encode, pool waits included); %.0f sent, %.1f KB each\n",
		s.rendered, 1000*s.renderSecs/s.rendered, s.sent, s.bytes/s.sent/1000)
}

// serverFrames reads the frame counters from the server's /metrics.
func serverFrames(b *testing.B) frameStats {
	b.Helper()
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		b.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	var f frameStats
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			continue
		}
		switch name {
		case `hoplab_render_seconds_count{kind="frame"}`:
			f.rendered = v
		case `hoplab_render_seconds_sum{kind="frame"}`:
			f.renderSecs = v
		case `hoplab_live_sent_frames_total`:
			f.sent = v
		case `hoplab_live_sent_bytes_total{message="frame"}`:
			f.bytes = v
		}
	}
	if err := sc.Err(); err != nil {
		b.Fatalf("read /metrics: %v", err)
	}
	return f
}

// startProfile starts the V8 CPU profiler when -browser.profile is set and
// returns the function that stops it, prints the functions with the most
// self time and writes e2e/artifacts/browser-<name>.cpuprofile.
func (tb *tab) startProfile(b *testing.B) func(name string) {
	b.Helper()
	if !*browserProfile {
		return func(string) {}
	}
	if _, err := chromedp.Call(tb.ctx, profiler.Enable, cdp.Empty{}); err != nil {
		b.Fatalf("profiler: %v", err)
	}
	if _, err := chromedp.Call(tb.ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 250}); err != nil {
		b.Fatalf("profiler: %v", err)
	}
	if _, err := chromedp.Call(tb.ctx, profiler.Start, cdp.Empty{}); err != nil {
		b.Fatalf("profiler: %v", err)
	}
	return func(name string) {
		res, err := chromedp.Call(tb.ctx, profiler.Stop, cdp.Empty{})
		if err != nil || res.Profile == nil {
			b.Fatalf("profiler: %v", err)
		}
		raw, err := json.Marshal(res.Profile)
		if err != nil {
			b.Fatal(err)
		}
		writeArtifact(b, "browser-"+name+".cpuprofile", raw)
		fmt.Print(profileTop(res.Profile, 25))
	}
}

// profileTop lists the n functions with the most self time in a profile.
func profileTop(p *profiler.Profile, n int) string {
	byID := map[int64]*profiler.ProfileNode{}
	for _, nd := range p.Nodes {
		byID[nd.ID] = nd
	}
	self := map[string]float64{}
	var total float64
	for i, id := range p.Samples {
		if i >= len(p.TimeDeltas) {
			break
		}
		// A sample's time is the delta to the next sample.
		var dt float64
		if i+1 < len(p.TimeDeltas) {
			dt = float64(p.TimeDeltas[i+1]) / 1000
		}
		nd := byID[id]
		if nd == nil || nd.CallFrame == nil {
			continue
		}
		cf := nd.CallFrame
		name := cf.FunctionName
		if name == "" {
			name = "(anonymous)"
		}
		key := name
		if cf.URL != "" {
			key = fmt.Sprintf("%s %s:%d", name, filepath.Base(cf.URL), cf.LineNumber+1)
		}
		self[key] += dt
		total += dt
	}
	keys := make([]string, 0, len(self))
	for k := range self {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return self[keys[i]] > self[keys[j]] })
	var sb strings.Builder
	fmt.Fprintf(&sb, "main thread, %.0f ms sampled; self time:\n", total)
	for _, k := range keys[:min(n, len(keys))] {
		fmt.Fprintf(&sb, "  %8.1f ms %5.1f %%  %s\n", self[k], 100*self[k]/total, k)
	}
	return sb.String()
}

var browserTrace = flag.Bool("browser.trace", false,
	"BenchmarkBrowser*: record a Chrome trace during the drag or play and print each thread's busy time "+
		"and the renderer main thread's events with the most self time")

// traceEvent is one event of the Chrome trace event format.
type traceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	TS   float64        `json:"ts"`            // µs
	Dur  float64        `json:"dur,omitempty"` // µs, for ph "X"
	Pid  int64          `json:"pid"`
	Tid  int64          `json:"tid"`
	Args map[string]any `json:"args,omitempty"`
}

// startTrace starts Chrome's tracing when -browser.trace is set and returns
// the function that stops it and prints where each thread's time went.
func (tb *tab) startTrace(b *testing.B) func(name string) {
	b.Helper()
	if !*browserTrace {
		return func(string) {}
	}
	var mu sync.Mutex
	var events []traceEvent
	done := make(chan struct{})
	go func() {
		for ev, err := range chromedp.Events(tb.ctx, tracing.DataCollected) {
			if err != nil {
				return
			}
			mu.Lock()
			for _, v := range ev.Value {
				var te traceEvent
				if json.Unmarshal(v, &te) == nil {
					events = append(events, te)
				}
			}
			mu.Unlock()
		}
	}()
	go func() {
		for _, err := range chromedp.Events(tb.ctx, tracing.TracingComplete) {
			if err == nil {
				close(done)
			}
			return
		}
	}()
	cats := []string{"toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink", "cc", "viz", "gpu"}
	if _, err := chromedp.Call(tb.ctx, tracing.Start, tracing.StartParams{TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig: &tracing.TraceConfig{IncludedCategories: cats}}); err != nil {
		b.Fatalf("tracing: %v", err)
	}
	return func(name string) {
		if _, err := chromedp.Call(tb.ctx, tracing.End, cdp.Empty{}); err != nil {
			b.Fatalf("tracing: %v", err)
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatalf("tracing: no tracingComplete within 30 s")
		}
		mu.Lock()
		defer mu.Unlock()
		if raw, err := json.Marshal(map[string]any{"traceEvents": events}); err == nil {
			writeArtifact(b, "browser-"+name+".trace.json", raw)
		}
		fmt.Printf("trace of the %s:\n%s", name, traceSummary(events))
	}
}

// traceSummary prints each thread's busy time (its top-level tasks) and
// the self time of the renderer main thread's events by name.
func traceSummary(evs []traceEvent) string {
	type key struct{ pid, tid int64 }
	names := map[key]string{}
	procs := map[int64]string{}
	var t0, t1 float64 = math.Inf(1), math.Inf(-1)
	byThread := map[key][]traceEvent{}
	for _, e := range evs {
		switch e.Ph {
		case "M":
			if n, ok := e.Args["name"].(string); ok {
				if e.Name == "thread_name" {
					names[key{e.Pid, e.Tid}] = n
				} else if e.Name == "process_name" {
					procs[e.Pid] = n
				}
			}
		case "X":
			k := key{e.Pid, e.Tid}
			byThread[k] = append(byThread[k], e)
			t0, t1 = math.Min(t0, e.TS), math.Max(t1, e.TS+e.Dur)
		}
	}
	secs := (t1 - t0) / 1e6
	var sb strings.Builder
	fmt.Fprintf(&sb, "  %.1f s traced; busy ms per second, by thread (top-level tasks):\n", secs)
	type row struct {
		name string
		busy float64
		self map[string]float64
	}
	var rows []row
	for k, list := range byThread {
		sort.Slice(list, func(i, j int) bool {
			if list[i].TS != list[j].TS {
				return list[i].TS < list[j].TS
			}
			return list[i].Dur > list[j].Dur
		})
		// Self time by name: an event's duration less its children's.
		self := map[string]float64{}
		var stack []traceEvent
		var child []float64
		var busy float64
		pop := func() {
			e := stack[len(stack)-1]
			self[e.Name] += e.Dur - child[len(child)-1]
			stack, child = stack[:len(stack)-1], child[:len(child)-1]
			if len(child) > 0 {
				child[len(child)-1] += e.Dur
			} else {
				busy += e.Dur
			}
		}
		for _, e := range list {
			for len(stack) > 0 && e.TS >= stack[len(stack)-1].TS+stack[len(stack)-1].Dur {
				pop()
			}
			stack = append(stack, e)
			child = append(child, 0)
		}
		for len(stack) > 0 {
			pop()
		}
		rows = append(rows, row{fmt.Sprintf("%s/%s", procs[k.pid], names[k]), busy, self})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].busy > rows[j].busy })
	for _, r := range rows[:min(12, len(rows))] {
		fmt.Fprintf(&sb, "  %7.1f  %s\n", r.busy/1000/secs, r.name)
	}
	for _, r := range rows {
		if !strings.HasSuffix(r.name, "/CrRendererMain") {
			continue
		}
		ks := make([]string, 0, len(r.self))
		for k := range r.self {
			ks = append(ks, k)
		}
		sort.Slice(ks, func(i, j int) bool { return r.self[ks[i]] > r.self[ks[j]] })
		fmt.Fprintf(&sb, "  %s, self ms per second by event:\n", r.name)
		for _, k := range ks[:min(20, len(ks))] {
			fmt.Fprintf(&sb, "    %7.1f  %s\n", r.self[k]/1000/secs, k)
		}
	}
	return sb.String()
}

// cpuSnap is the CPU time used so far (seconds): by the machine, and by
// the server, the browser (every other process started by this test
// binary) and this process.
type cpuSnap struct {
	at                             time.Time
	total, server, browser, itself float64
	// renderers: the CPU time of each renderer process's main thread
	// (its first thread), by pid.
	renderers map[int]float64
}

// clockTick is USER_HZ, the unit of /proc's CPU times, on Linux.
const clockTick = 100.0

// readCPU reads /proc; on a system without it every number is 0.
func readCPU() cpuSnap {
	s := cpuSnap{at: time.Now(), renderers: map[int]float64{}}
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(line)
		// cpu user nice system idle iowait irq softirq steal …
		for i, v := range f[1:min(len(f), 9)] {
			if i == 3 || i == 4 {
				continue // idle, iowait
			}
			x, _ := strconv.ParseFloat(v, 64)
			s.total += x / clockTick
		}
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return s
	}
	type proc struct {
		ppid int
		secs float64
	}
	procs := map[int]proc{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime stime are fields 14 and 15.
		rest := string(data)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		procs[pid] = proc{ppid, (ut + st) / clockTick}
	}
	self := os.Getpid()
	serverPid := 0
	if srv != nil && srv.cmd != nil && srv.cmd.Process != nil {
		serverPid = srv.cmd.Process.Pid
	}
	for pid, p := range procs {
		switch {
		case pid == self:
			s.itself += p.secs
		case pid == serverPid:
			s.server += p.secs
		default:
			for q, n := p.ppid, 0; q > 1 && n < 64; q, n = procs[q].ppid, n+1 {
				if q == serverPid {
					break
				}
				if q == self {
					s.browser += p.secs
					if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(cmd), "--type=renderer") {
						s.renderers[pid] = threadSecs(pid)
					}
					break
				}
			}
		}
	}
	return s
}

// threadSecs is the CPU time of the main thread of process pid.
func threadSecs(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/stat", pid, pid))
	if err != nil {
		return 0
	}
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / clockTick
}

// mainThreadMS is the CPU time (ms) that the busiest renderer's main
// thread used between a and b: the page's main thread.
func mainThreadMS(a, b cpuSnap) float64 {
	best := 0.0
	for pid, t := range b.renderers {
		best = math.Max(best, t-a.renderers[pid])
	}
	return 1000 * best
}

// costReport is what painting a frame cost the machine between a and b:
// CPU time per painted frame of the page's main thread, of all of
// Chromium and of the server. Unlike wall times, these hardly change when
// other processes share the cores.
func costReport(a, b cpuSnap, painted int) string {
	if painted == 0 {
		return ""
	}
	n := float64(painted)
	return fmt.Sprintf("CPU per painted frame: the page's main thread %.1f ms, all of Chromium %.1f ms, the server %.1f ms\n",
		mainThreadMS(a, b)/n, 1000*(b.browser-a.browser)/n, 1000*(b.server-a.server)/n)
}

// cpuReport says how the cores were used between a and b, in % of one core.
func cpuReport(a, b cpuSnap) string {
	wall := b.at.Sub(a.at).Seconds()
	if wall <= 0 {
		return ""
	}
	pc := func(x, y float64) float64 { return 100 * (y - x) / wall }
	total, server, browser, itself := pc(a.total, b.total), pc(a.server, b.server), pc(a.browser, b.browser), pc(a.itself, b.itself)
	return fmt.Sprintf("CPU over the run, %% of one core (the machine has %d): Chromium %.0f, server %.0f, benchmark %.0f, other processes %.0f\n",
		runtime.NumCPU(), browser, server, itself, math.Max(0, total-browser-server-itself))
}
