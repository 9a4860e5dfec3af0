package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The numpy reference of the standard frame, testdata/numpyref/
// standard_frame.py, is the yardstick of BenchmarkStandardFrameNumpy. The
// test below keeps it honest: for several scenarios it must give the
// frame Render gives, cell for cell.

const (
	numpyPython = "/usr/bin/python3" // Debian's, with python3-numpy
	numpyScript = "testdata/numpyref/standard_frame.py"
)

// numpyPython3 returns the Python that runs the reference, or skips the
// test when it or numpy is missing; with the environment variable CI set
// it fails instead, as the browser tests do (.ci/run installs
// python3-numpy).
func numpyPython3(tb testing.TB) string {
	tb.Helper()
	// Read the script so that go test's cache sees when it changes (it
	// does not see what the Python process reads).
	if _, err := os.ReadFile(numpyScript); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(numpyPython, "-c", "import numpy").CombinedOutput()
	if err == nil {
		return numpyPython
	}
	why := fmt.Sprintf("%s with numpy is needed for the numpy reference (%v: %s); install it with: apt-get install -y python3-numpy",
		numpyPython, err, bytes.TrimSpace(out))
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s; CI is set, so the numpy reference must run", why)
	}
	tb.Skip(why)
	return ""
}

// numpyInput is the script's JSON input.
type numpyInput struct {
	Points     [][2]float64 `json:"points"`
	Beta       float64      `json:"beta"`
	Steps      int          `json:"steps"`
	Tolerance  float64      `json:"tolerance"`
	SupportEps float64      `json:"supportEps"`
	Grid       struct {
		NX     int        `json:"nx"`
		NY     int        `json:"ny"`
		Bounds [4]float64 `json:"bounds"`
	} `json:"grid"`
	Maps []string `json:"maps"`
}

// numpyOutput is the script's JSON output; a NaN energy is null.
type numpyOutput struct {
	XS, YS []float64
	Panels []struct {
		Map     string
		Energy  []*float64
		Labels  []int32
		Support []int32
	}
}

// numpyInputOf is the script's input for frame f of fs: the points are
// the frame's own, so both sides start from the same float64 numbers.
func numpyInputOf(f *Frame, fs *FrameSettings) numpyInput {
	in := numpyInput{Beta: fs.Beta, Steps: fs.Steps, Tolerance: fs.Tolerance, SupportEps: fs.SupportEps}
	for i := 0; i < len(f.Points); i += 2 {
		in.Points = append(in.Points, [2]float64{f.Points[i], f.Points[i+1]})
	}
	b := fs.Grid.Bounds
	in.Grid.NX, in.Grid.NY, in.Grid.Bounds = fs.Grid.NX, fs.Grid.NY, [4]float64{b.XMin, b.XMax, b.YMin, b.YMax}
	for _, m := range fs.Separations {
		in.Maps = append(in.Maps, m.Name())
	}
	return in
}

// runNumpy runs the script on in, with args before --input -.
func runNumpy(tb testing.TB, python string, in any, args ...string) []byte {
	tb.Helper()
	js, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(python, append([]string{numpyScript}, append(args, "--input", "-")...)...)
	cmd.Stdin = bytes.NewReader(js)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", python, numpyScript, err, stderr.Bytes())
	}
	return out
}

// numpyEnergyTol bounds |E_numpy − E_go| relative to the size of the
// energy's two terms, S = ½‖q₀‖² + |Ψ*(z)/β| (so that it stays tight where
// E crosses 0 by cancellation). The scores, the sparse maps' p and every
// update are the same float64 numbers on both sides (the test checks the
// outcome: same labels and support), and so are the sums of Ψ* (numpy adds
// the rows of an (M, cells) array in order, as Go adds in index order):
// the sparse maps' energies come out bit for bit (logged). What differs is
// softmax's exponentials: numpy's exp and Go's portable one are each within
// an ulp of e^x, so they may differ by 2 ulps, and the sum, its log and the
// normalised p carry that into Ψ* and the states by a few units of 2⁻⁵³ S.
// 16 of them (1.8e-15) leave room without hiding a real error, which would
// be orders of magnitude larger; the largest seen is about 5 (logged).
const numpyEnergyTol = 16 * 0x1p-53

// TestNumpyReference renders frames with Go and with the numpy reference
// and checks that they agree: the grid bit for bit, labels and support
// exactly for every cell of every panel, energies within numpyEnergyTol.
// The scenarios are the standard frame (BenchmarkStandardFrame), the
// clustered preset after 30 U-Hop+ steps on a wider, odd-sized grid, and
// 13 random memories at another β with more retrieval steps, so that the
// reference is not tuned to one case.
func TestNumpyReference(t *testing.T) {
	python := numpyPython3(t)

	clustered := clusteredRun(t)
	for range 30 {
		clustered.Step()
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	mem := make([][]float64, 13)
	for i := range mem {
		mem[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	random, err := New(Settings{Memories: mem, NormalizeMemories: true, UHop: UHopSettings{Optimizer: Adam, LR: 0.1, Tau: 1}})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		run  *Run
		t    int
		fs   func(*FrameSettings)
	}{
		{"standard", standardRun(t), 0, func(*FrameSettings) {}},
		{"clustered", clustered, 30, func(fs *FrameSettings) {
			fs.Grid = GridSpec{NX: 91, NY: 64, Bounds: &Rect{-1.5, 1.5, -1.3, 1.6}}
		}},
		{"random", random, 0, func(fs *FrameSettings) {
			fs.Beta, fs.Steps, fs.Tolerance, fs.SupportEps = 45, 9, 0.02, 0.05
			fs.Separations = append(fs.Separations[1:], fs.Separations[0]) // another order
			fs.Grid = GridSpec{NX: 77, NY: 50, Bounds: &Rect{-2, 1.7, -1.1, 1.9}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := standardFrameSettings(t)
			c.fs(&fs)
			var f Frame
			if err := c.run.Render(&f, c.t, fs, Serial{}); err != nil {
				t.Fatal(err)
			}
			var got numpyOutput
			if err := json.Unmarshal(runNumpy(t, python, numpyInputOf(&f, &fs)), &got); err != nil {
				t.Fatal(err)
			}
			compareNumpy(t, &f, &got)
		})
	}
}

// compareNumpy checks the numpy output np against the Go frame f.
func compareNumpy(t *testing.T, f *Frame, np *numpyOutput) {
	t.Helper()
	sameFloats := func(what string, a, b []float64) {
		if len(a) != len(b) {
			t.Fatalf("%s: numpy has %d values, Go %d", what, len(b), len(a))
		}
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				t.Fatalf("%s[%d]: numpy %v, Go %v", what, i, b[i], a[i])
			}
		}
	}
	sameFloats("xs", f.XS, np.XS)
	sameFloats("ys", f.YS, np.YS)
	if len(np.Panels) != len(f.Panels) {
		t.Fatalf("numpy has %d panels, Go %d", len(np.Panels), len(f.Panels))
	}
	nx := len(f.XS)
	for k := range f.Panels {
		gp, npp := &f.Panels[k], &np.Panels[k]
		name := gp.Separation.Name()
		if npp.Map != name {
			t.Fatalf("panel %d: numpy's map is %s, Go's %s", k, npp.Map, name)
		}
		n := len(gp.Labels)
		if len(npp.Energy) != n || len(npp.Labels) != n || len(npp.Support) != n {
			t.Fatalf("%s: numpy has %d/%d/%d cells, Go %d", name, len(npp.Energy), len(npp.Labels), len(npp.Support), n)
		}
		bad, worst := 0, 0.0
		for i := range n {
			x, y := f.XS[i%nx], f.YS[i/nx]
			e := math.NaN()
			if npp.Energy[i] != nil {
				e = *npp.Energy[i]
			}
			half := 0.5 * (x*x + y*y)
			scale := half + math.Abs(half-gp.Energy[i]) // ½‖q₀‖² + |Ψ*/β|
			diff := math.Abs(e - gp.Energy[i])
			energyOK := diff <= numpyEnergyTol*scale || math.IsNaN(e) && math.IsNaN(gp.Energy[i])
			if !math.IsNaN(diff) {
				worst = max(worst, diff/scale)
			}
			if npp.Labels[i] != gp.Labels[i] || npp.Support[i] != gp.Support[i] || !energyOK {
				if bad++; bad <= 5 {
					t.Errorf("%s, cell %d at (%v, %v): numpy label %d support %d energy %.17g, Go %d %d %.17g",
						name, i, x, y, npp.Labels[i], npp.Support[i], e, gp.Labels[i], gp.Support[i], gp.Energy[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d cells differ", name, bad, n)
		}
		t.Logf("%s: largest energy difference %.2g of the terms' size (tolerance %.2g); %d white cells",
			name, worst, numpyEnergyTol, gp.Unlabeled)
	}
}

// numpyKeepHeap are glibc tunables that keep freed memory in the heap:
// with them glibc neither trims the heap nor maps large blocks
// separately, so numpy's temporaries (1 MiB each for the standard frame)
// are reused rather than returned to the kernel and faulted in again.
// numpyLogged records which variants have logged numpy's version and
// pools in this process: once is enough.
var numpyLogged = map[string]bool{}

const numpyKeepHeap = "glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=1073741824"

// BenchmarkStandardFrameNumpy reports as ns/op the time the numpy
// reference takes per standard frame (its --bench mode, timed with
// time.perf_counter inside Python after a warm-up frame; the start of the
// process is not part of it), so that
//
//	go test ./internal/sim -run '^$' -bench 'StandardFrame$|StandardFrameNumpy' -count 5
//
// measures Go and numpy in the same run. Python is started without
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set for
// older OpenBLAS builds and which slow a current one (the env notes); the
// BLAS and OpenMP pools threadpoolctl then sees are logged.
//
// Two allocators: malloc=default is Python as Debian starts it;
// malloc=keep adds numpyKeepHeap. Where a page fault is dear (about 15 µs
// on the virtual machines this was measured on, against well under 1 µs on
// bare metal) numpy spends most of a default frame in faults, reported as
// faults/op; malloc=keep measures its arithmetic. cpu-ns/op is the
// process's user and system time per frame.
func BenchmarkStandardFrameNumpy(b *testing.B) {
	python := numpyPython3(b)
	run := standardRun(b)
	fs := standardFrameSettings(b)
	var f Frame
	if err := run.Render(&f, 0, fs, Serial{}); err != nil {
		b.Fatal(err)
	}
	js, err := json.Marshal(numpyInputOf(&f, &fs))
	if err != nil {
		b.Fatal(err)
	}
	env := withoutEnv(os.Environ(), "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "GLIBC_TUNABLES")
	for _, v := range []struct {
		name string
		env  []string
	}{
		{"malloc=default", env},
		{"malloc=keep", append(env[:len(env):len(env)], "GLIBC_TUNABLES="+numpyKeepHeap)},
	} {
		b.Run(v.name, func(b *testing.B) {
			cmd := exec.Command(python, numpyScript, "--bench", fmt.Sprint(b.N), "--input", "-")
			cmd.Env = v.env
			cmd.Stdin = bytes.NewReader(js)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("%s: %v\n%s", numpyScript, err, stderr.Bytes())
			}
			var res struct {
				Frames     int             `json:"frames"`
				NsPerFrame float64         `json:"ns_per_frame"`
				CPUNs      float64         `json:"cpu_ns_per_frame"`
				Faults     float64         `json:"page_faults_per_frame"`
				Numpy      string          `json:"numpy"`
				Threadpool json.RawMessage `json:"threadpool"`
			}
			if err := json.Unmarshal(out, &res); err != nil {
				b.Fatalf("%s: %v: %s", numpyScript, err, out)
			}
			if res.Frames != b.N {
				b.Fatalf("%s timed %d frames, want %d", numpyScript, res.Frames, b.N)
			}
			b.ReportMetric(res.NsPerFrame, "ns/op")
			b.ReportMetric(res.CPUNs, "cpu-ns/op")
			b.ReportMetric(res.Faults, "faults/op")
			if b.N > 1 && !numpyLogged[v.name] {
				numpyLogged[v.name] = true
				b.Logf("numpy %s; threadpoolctl (BLAS and OpenMP pools): %s", res.Numpy, res.Threadpool)
			}
		})
	}
}

// withoutEnv returns env without the variables named.
func withoutEnv(env []string, names ...string) []string {
	var out []string
outer:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}
