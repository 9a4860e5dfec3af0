package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"hoplab/internal/golden"
	"hoplab/internal/scenario"
	"hoplab/internal/sim"
)

// behaviourHashesFile pins what users get: the bytes of POST /api/v1/run
// for the golden and preset scenarios, and the cells (energy before any
// quantisation, label, support) of every preset's live views at t = 0 and
// t = 5. A change meant to alter no behaviour (a refactoring) must leave
// every hash as it is; a change meant to alter it rewrites the file with
//
//	go test ./internal/api -run TestBehaviourHashes -update
//
// and says why in its commit.
const behaviourHashesFile = "testdata/behaviour-hashes.json"

func TestBehaviourHashes(t *testing.T) {
	got := map[string]string{}
	h := newTestServer(t, scenario.Limits{}).routes(nil)

	// /run bytes: every preset at snapshots 0 and 5 (both views where the
	// dimensions allow), and the golden Figure 1 scenarios.
	for _, p := range scenario.Presets() {
		for _, space := range []string{"input", "feature"} {
			var sc map[string]any
			if err := json.Unmarshal([]byte(p.Scenario(1)), &sc); err != nil {
				t.Fatal(err)
			}
			sc["uhop"].(map[string]any)["iterations"] = 5
			view := sc["view"].(map[string]any)
			view["space"] = space
			if g, ok := view["grid"].(map[string]any); ok {
				g["nx"], g["ny"] = 48, 48
				if space == "feature" {
					delete(g, "xmin")
					delete(g, "xmax")
					delete(g, "ymin")
					delete(g, "ymax")
				}
			}
			sc["snapshots"] = []int{0, 5}
			body, err := json.Marshal(sc)
			if err != nil {
				t.Fatal(err)
			}
			rec := postRun(h, string(body))
			if rec.Code != 200 {
				t.Fatalf("preset %s, %s view: status %d: %.300s", p.Name, space, rec.Code, rec.Body)
			}
			got[fmt.Sprintf("run/%s/%s", p.Name, space)] = hashBytes(rec.Body.Bytes())
		}
	}
	for _, name := range []string{"contours2", "contours4"} {
		raw, err := golden.Raw(name)
		if err != nil {
			t.Fatal(err)
		}
		var g struct {
			Scenario map[string]any `json:"scenario"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatal(err)
		}
		g.Scenario["snapshots"] = []int{0, 1, 2, 5}
		g.Scenario["view"] = map[string]any{"grid": map[string]any{"nx": 40, "ny": 40}}
		body, err := json.Marshal(g.Scenario)
		if err != nil {
			t.Fatal(err)
		}
		rec := postRun(h, string(body))
		if rec.Code != 200 {
			t.Fatalf("%s: status %d: %.300s", name, rec.Code, rec.Body)
		}
		got["run/"+name] = hashBytes(rec.Body.Bytes())
	}

	// Live cells: each preset's plan, rendered as a session draws it.
	for _, p := range scenario.Presets() {
		sc, err := scenario.Decode([]byte(p.Scenario(1)))
		if err != nil {
			t.Fatal(err)
		}
		pl, err := scenario.Resolve(scenario.WithoutSnapshots(sc), scenario.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		run, err := pl.Start()
		if err != nil {
			t.Fatal(err)
		}
		for run.Iterations() < 5 {
			run.Step()
		}
		_, d, k := run.Dims()
		for _, space := range []sim.Space{sim.InputSpace, sim.FeatureSpace} {
			if space == sim.InputSpace && d != 2 || space == sim.FeatureSpace && k != 2 {
				continue
			}
			for _, it := range []int{0, 5} {
				var f sim.Frame
				if err := run.Render(&f, it, scenario.ViewSettings(pl, space), sim.Serial{}); err != nil {
					t.Fatal(err)
				}
				got[fmt.Sprintf("cells/%s/%s/t%d", p.Name, space, it)] = hashCells(&f)
			}
		}
	}

	if *update {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b bytes.Buffer
		b.WriteString("{\n")
		for i, k := range keys {
			sep := ","
			if i == len(keys)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "  %q: %q%s\n", k, got[k], sep)
		}
		b.WriteString("}\n")
		if err := os.WriteFile(behaviourHashesFile, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(behaviourHashesFile)
	if err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for k, v := range got {
		if want[k] != v {
			t.Errorf("%s: hash %s, pinned %s", k, v, want[k])
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s is pinned but no longer computed", k)
		}
	}
}

func hashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// hashCells hashes a frame's grid and every panel's energies (their float64
// bits), labels and support.
func hashCells(f *sim.Frame) string {
	hs := sha256.New()
	w := func(v uint64) { _ = binary.Write(hs, binary.LittleEndian, v) }
	for _, v := range f.XS {
		w(math.Float64bits(v))
	}
	for _, v := range f.YS {
		w(math.Float64bits(v))
	}
	for _, v := range f.Points {
		w(math.Float64bits(v))
	}
	for i := range f.Panels {
		p := &f.Panels[i]
		hs.Write([]byte(p.Separation.Name()))
		for _, v := range p.Energy {
			w(math.Float64bits(v))
		}
		for _, v := range p.Labels {
			w(uint64(int64(v)))
		}
		for _, v := range p.Support {
			w(uint64(v))
		}
	}
	return hex.EncodeToString(hs.Sum(nil))
}
