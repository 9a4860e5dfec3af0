package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"hoplab/internal/codetable"
	"hoplab/internal/golden"
	"hoplab/internal/scenario"
	"hoplab/internal/workpool"
)

// figuresPath computes one of the paper's figures (docs/api.md, "Figures").
const figuresPath = "/api/v1/figures"

// Names of the figures, the request's "figure".
const (
	figureEnergy = "energy" // Figure 1: energy landscapes, 2 and 4 memories (contours.py)
	figureBasins = "basins" // the basins-of-attraction figure, 5 memories (basins.py)
	figureProp31 = "prop31" // the Prop. 3.1 figure: Δmin of the best 3-D codes between the bounds (bound_simulation.py)
)

// figureField is the one member of a figure request.
const figureField = "figure"

// The feature maps a figure run starts from ("map" in the answer).
const (
	// mapIdentity is the paper's row N = 0, "no feature map": the raw
	// (unit-normalised) memories, which are snapshot 0 of the identity map.
	mapIdentity = "identity"
	// mapAuthors is the authors' initial map W₀, b₀ (the golden case), then
	// U-Hop+: the rows N = 1, 2, 5.
	mapAuthors = "authors"
)

// figureMargin widens the box of the plotted points on every side, as the
// authors' scripts do (view.grid.margin).
const figureMargin = 0.1

// paperRows are the U-Hop+ iterations of the paper's rows after N = 0.
var paperRows = []int{1, 2, 5}

// paperSeparations are the columns of the paper's grids: α = 1, 1.5, 2.
var paperSeparations = []string{"softmax", "entmax15", "sparsemax"}

// figureSpec is one figure: its title, and either the /run scenarios it
// is drawn from or (Prop. 3.1) the table of codes.
type figureSpec struct {
	title string
	// grid is the side of every run's grid (nx = ny), around the plotted
	// points widened by their margin, as the authors' scripts do.
	grid int
	// runs are the /run scenarios, in the order the answer lists them.
	runs []figureRunSpec
	// codesDim, when not 0, makes the figure the table of codes for that
	// dimension, as GET /api/v1/spherical-codes?dim= answers it.
	codesDim int
}

// figureRunSpec is one /run of a figure.
type figureRunSpec struct {
	name     string // for people: "2 memories, no feature map (N = 0)"
	golden   string // the golden case whose memories, β and U-Hop+ settings it takes
	memories int    // M, as the case has it (checked)
	startMap string // mapIdentity or mapAuthors
	// published draws softmax alone, without the 1/β of its energy, as the
	// published Figure 1 does (view.paperSoftmaxEnergy).
	published bool
}

// figureSpecs lists the figures by name.
var figureSpecs = map[string]figureSpec{
	figureEnergy: {
		title: "Figure 1: energy landscapes",
		grid:  40,
		runs: func() []figureRunSpec {
			var out []figureRunSpec
			for _, c := range []struct {
				name string
				m    int
			}{{golden.Contours2, 2}, {golden.Contours4, 4}} {
				for _, published := range []bool{false, true} {
					suffix := ""
					if published {
						suffix = ", softmax as published"
					}
					out = append(out,
						figureRunSpec{name: fmt.Sprintf("%d memories, no feature map (N = 0)%s", c.m, suffix), golden: c.name, memories: c.m, startMap: mapIdentity, published: published},
						figureRunSpec{name: fmt.Sprintf("%d memories, the authors' W₀ and U-Hop+ (N = 1, 2, 5)%s", c.m, suffix), golden: c.name, memories: c.m, startMap: mapAuthors, published: published})
				}
			}
			return out
		}(),
	},
	figureBasins: {
		title: "Basins of attraction",
		grid:  100,
		runs: []figureRunSpec{
			{name: "5 memories, no feature map (N = 0)", golden: golden.Basins5, memories: 5, startMap: mapIdentity},
			{name: "5 memories, the authors' W₀ and U-Hop+ (N = 1, 2, 5)", golden: golden.Basins5, memories: 5, startMap: mapAuthors},
		},
	},
	figureProp31: {
		title:    "Prop. 3.1: the separation of optimal codes in 3-D and its bounds",
		codesDim: 3,
	},
}

// figureNames returns the names of the figures, sorted.
func figureNames() []string { return slices.Sorted(maps.Keys(figureSpecs)) }

// scenarioJSON returns the run's scenario: the golden case's memories, β,
// initial map and U-Hop+ settings; the feature view on a grid×grid grid
// around the plotted points (figureMargin, recomputed for every snapshot);
// the three maps, or softmax alone as published; snapshot 0 of the
// identity map, or snapshots 1, 2 and 5 from the authors' W₀.
func (r figureRunSpec) scenarioJSON(grid int) ([]byte, error) {
	seps := paperSeparations
	view := map[string]any{"space": "feature", "grid": map[string]any{"nx": grid, "ny": grid, "margin": figureMargin}}
	if r.published {
		seps = []string{"softmax"}
		view["paperSoftmaxEnergy"] = true
	}
	over := map[string]any{"separations": seps, "view": view, "snapshots": paperRows}
	if r.startMap == mapIdentity {
		over["featureMap"] = map[string]any{"W": nil, "b": nil, "init": "identity"}
		over["uhop"] = map[string]any{"iterations": 0}
		over["snapshots"] = []int{0}
	}
	return golden.Scenario(r.golden, over)
}

// preparedFigure is a figure request checked and planned: its runs'
// scenarios in canonical form with their plans, the total of its chunks
// and its estimated work.
type preparedFigure struct {
	name   string
	spec   figureSpec
	runs   []preparedFigureRun
	chunks int64
	work   float64 // estimated CPU-ns, as scenario.Plan.Work counts it
}

type preparedFigureRun struct {
	spec     figureRunSpec
	scenario []byte // canonical: every field explicit, with its snapshots
	plan     *scenario.Plan
}

// prepareFigure decodes a figure request ({"figure": name}) strictly and
// plans its runs under the server's limits, as /run checks a scenario. A
// run that the limits refuse refuses the figure, with the run's reason
// and "field": "figure".
func (s *server) prepareFigure(request []byte) (*preparedFigure, error) {
	name, e := decodeFigureRequest(request)
	if e != nil {
		return nil, e
	}
	return planFigure(name, figureSpecs[name], s.limits)
}

// planFigure plans figure spec (named name) under lim. Every scenario is
// put in canonical form, and the run is planned from that form, so that
// the scenario in the answer is exactly what was computed.
func planFigure(name string, spec figureSpec, lim scenario.Limits) (*preparedFigure, error) {
	fig := &preparedFigure{name: name, spec: spec}
	if spec.codesDim != 0 {
		fig.chunks = 1
		return fig, nil
	}
	for _, r := range spec.runs {
		raw, err := r.scenarioJSON(spec.grid)
		if err != nil {
			return nil, fmt.Errorf("api: figure %s: %w", name, err) // compiled-in data: a bug
		}
		canon, p, err := canonicalPlan(raw, lim)
		if err != nil {
			e := scenario.AsError(err)
			if e.Status >= 500 {
				return nil, err
			}
			field := ""
			if e.Field != "" {
				field = " (" + e.Field + ")"
			}
			return nil, &scenario.Error{Status: e.Status, Code: e.Code, Field: figureField,
				Message: fmt.Sprintf("figure %q needs a run that this server's limits refuse: %s: %s%s", name, r.name, e.Message, field)}
		}
		if m, _, _ := p.Dims(); m != r.memories {
			return nil, fmt.Errorf("api: figure %s: golden case %s has %d memories, want %d", name, r.golden, m, r.memories)
		}
		fig.runs = append(fig.runs, preparedFigureRun{spec: r, scenario: canon, plan: p})
		fig.chunks += int64(computeChunks(p))
		fig.work += p.Work()
	}
	return fig, nil
}

// canonicalPlan decodes and resolves the scenario raw, writes it in
// canonical form (every field explicit, with its snapshots) and resolves
// that form again: the plan is the canonical scenario's.
func canonicalPlan(raw []byte, lim scenario.Limits) ([]byte, *scenario.Plan, error) {
	sc, err := scenario.DecodeWithin(raw, lim)
	if err != nil {
		return nil, nil, err
	}
	p, err := scenario.Resolve(sc, lim)
	if err != nil {
		return nil, nil, err
	}
	c := scenario.Canonical(p, sc, p.Iterations)
	snaps := scenario.Ints(slices.Clone(p.Snapshots))
	c.Snapshots = &snaps
	canon, err := json.Marshal(c)
	if err != nil {
		return nil, nil, err
	}
	sc, err = scenario.DecodeWithin(canon, lim)
	if err != nil {
		return nil, nil, err
	}
	p, err = scenario.Resolve(sc, lim)
	if err != nil {
		return nil, nil, err
	}
	return canon, p, nil
}

// decodeFigureRequest decodes a figure request strictly, as
// scenario.Decode decodes a scenario: one JSON object, no key given twice,
// exactly the member "figure", one of the figures' names.
func decodeFigureRequest(body []byte) (string, *scenario.Error) {
	const what = `a figure request: {"figure": …}`
	names := strings.Join(figureNames(), ", ")
	dec := json.NewDecoder(bytes.NewReader(body))
	var members map[string]json.RawMessage
	if err := dec.Decode(&members); err != nil {
		if e, ok := scenario.JSONError(body, err, what); ok {
			return "", e
		}
		return "", &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeInvalidJSON,
			Message: fmt.Sprintf("the body must be a JSON object (%s), not %s", what, scenario.DescribeJSON(body))}
	}
	if members == nil {
		return "", &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeInvalidJSON,
			Message: fmt.Sprintf("the body must be a JSON object (%s), not null", what)}
	}
	if dup := scenario.DuplicateError(body[:dec.InputOffset()]); dup != nil {
		return "", dup
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeInvalidJSON,
			Message: fmt.Sprintf("unexpected data after the figure request at byte %d; send exactly one JSON object", dec.InputOffset())}
	}
	for _, key := range slices.Sorted(maps.Keys(members)) {
		if key == figureField {
			continue
		}
		msg := fmt.Sprintf("unknown field %q; a figure request has one member, \"figure\": one of %s", key, names)
		if strings.EqualFold(key, figureField) {
			msg = fmt.Sprintf("unknown field %q; did you mean %q? (names are case-sensitive camelCase)", key, figureField)
		}
		return "", &scenario.Error{Status: http.StatusBadRequest, Code: scenario.CodeUnknownField, Field: key, Message: msg}
	}
	raw, ok := members[figureField]
	var name string
	switch {
	case !ok || bytes.Equal(raw, []byte("null")):
		return "", scenario.Invalid(figureField, "is required: one of %s", names)
	case raw[0] != '"' || json.Unmarshal(raw, &name) != nil:
		return "", scenario.Invalid(figureField, "must be a string, one of %s, not %s", names, scenario.DescribeJSON(raw))
	}
	if _, ok := figureSpecs[name]; !ok {
		return "", scenario.Invalid(figureField, "unknown figure %q: want one of %s", name, names)
	}
	return name, nil
}

// prepareFigureJob prepares a job of kind "figure": its request is a
// figure request, its answer POST /api/v1/figures's. A figure computed
// before is answered at once from the server's copy (figureCache): the
// job is accepted done. Its answer's bytes are the copy's, for every job.
func prepareFigureJob(s *server, request []byte) (*jobWork, error) {
	fig, err := s.prepareFigure(request)
	if err != nil {
		return nil, err
	}
	if body, ok := s.figures.get(fig.name); ok {
		return &jobWork{chunks: fig.chunks, ready: &jobAnswer{status: http.StatusOK, body: body}, shared: true}, nil
	}
	return &jobWork{chunks: fig.chunks, shared: true, run: func(ctx context.Context, owner *workpool.Owner, prog *workpool.Progress) (int, []byte, error) {
		body, err := s.figureAnswer(ctx, fig, owner, prog, nil)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, body, nil
	}}, nil
}

// figureAnswer returns the answer of fig: the server's copy if the figure
// has been computed, or the answer of its computation in flight (for
// another request or job) once it ends, counting every chunk in prog as
// done; or else computes it (computeFigure) and keeps it. admit, when not
// nil, admits the computation before it starts (a refusal is returned
// wrapping errFigureNotStarted); the callers that wait do not compute and
// are not admitted.
func (s *server) figureAnswer(ctx context.Context, fig *preparedFigure, owner *workpool.Owner, prog *workpool.Progress, admit func() (release func(), refused string)) ([]byte, error) {
	body, computed, err := s.figures.do(ctx, fig.name, func() ([]byte, error) {
		if admit != nil {
			release, refused := admit()
			if refused != "" {
				return nil, fmt.Errorf("%w: %s", errFigureNotStarted, refused)
			}
			defer release()
		}
		return s.computeFigure(ctx, fig, owner, prog)
	})
	if err != nil {
		return nil, err
	}
	if !computed && prog != nil {
		prog.Add(fig.chunks)
	}
	return body, nil
}

// errFigureDiverged is a figure run that left the float64 range: the
// figures' settings are fixed, so this is a bug, answered 500.
var errFigureDiverged = errors.New("api: a figure's run diverged")

// computeFigure computes fig as jobs of owner at Background priority,
// counting its chunks in prog (if not nil), and returns the answer of
// POST /api/v1/figures (docs/api.md, "Figures"):
//
//	{"figure": name, "title": …, "runs": [{"name", "memories", "map", "scenario", "result"}, …]}
//
// where each run's result is, byte for byte, POST /api/v1/run's answer to
// its scenario; or, for a table of codes,
//
//	{"figure": name, "title": …, "source": "GET …", "codes": {"dim", "codes"}}
//
// where codes is GET /api/v1/spherical-codes's answer for that dimension.
func (s *server) computeFigure(ctx context.Context, fig *preparedFigure, owner *workpool.Owner, prog *workpool.Progress) ([]byte, error) {
	var buf bytes.Buffer
	head, err := json.Marshal(struct {
		Figure string `json:"figure"`
		Title  string `json:"title"`
	}{fig.name, fig.spec.title})
	if err != nil {
		return nil, err
	}
	buf.Write(head[:len(head)-1]) // the members, without the closing brace
	if dim := fig.spec.codesDim; dim != 0 {
		// A table lookup of microseconds: computed here, counted as the
		// figure's one chunk.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msg := codesMsg{Dim: dim, Codes: make([]codetable.Entry, 0, 64)}
		for _, m := range defaultCodeMs(dim) {
			msg.Codes = append(msg.Codes, codetable.Lookup(dim, m))
		}
		codes, err := encodeCodes(&msg)
		if err != nil {
			return nil, err
		}
		if prog != nil {
			prog.Add(1)
		}
		fmt.Fprintf(&buf, `,"source":%q,"codes":`, fmt.Sprintf("GET %s?dim=%d", codesPath, dim))
		buf.Write(bytes.TrimSuffix(codes, []byte("\n")))
		buf.WriteString("}\n")
		return bytes.Clone(buf.Bytes()), nil
	}
	buf.WriteString(`,"runs":[`)
	for i, r := range fig.runs {
		res, err := s.computeAs(ctx, "figure", r.plan, owner, prog)
		if _, ok := errors.AsType[*scenario.DivergedRun](err); ok {
			return nil, fmt.Errorf("%w: %s", errFigureDiverged, r.spec.name)
		}
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		meta, err := json.Marshal(struct {
			Name     string `json:"name"`
			Memories int    `json:"memories"`
			Map      string `json:"map"`
		}{r.spec.name, r.spec.memories, r.spec.startMap})
		if err != nil {
			return nil, err
		}
		buf.Write(meta[:len(meta)-1])
		buf.WriteString(`,"scenario":`)
		buf.Write(r.scenario)
		buf.WriteString(`,"result":`)
		if err := writeResult(&buf, res); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // writeResult's final newline
		buf.WriteByte('}')
	}
	buf.WriteString("]}\n")
	return bytes.Clone(buf.Bytes()), nil // exactly its length: kept results are counted by the memory they hold
}

// encodeCodes writes a spherical-codes answer as GET
// /api/v1/spherical-codes writes it.
func encodeCodes(msg *codesMsg) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(msg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// handleFigure serves POST /api/v1/figures: it checks the request and
// answers from the server's copy of the figure if it has been computed;
// otherwise it admits the figure by its estimated work as /run admits a
// run, computes it on the shared pool, keeps it and answers with it
// (computeFigure). The page at /figures runs the same request as a job of
// kind "figure", to show its progress.
func (s *server) handleFigure(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSON(w, r, `the figure request ({"figure": …})`)
	if !ok {
		return
	}
	fig, err := s.prepareFigure(body)
	if err != nil {
		writeError(w, scenario.AsError(err))
		return
	}
	if out, ok := s.figures.get(fig.name); ok {
		s.writeFigure(w, out)
		return
	}
	ctx, cancel := s.runContext(r.Context())
	defer cancel()
	out, err := s.figureAnswer(ctx, fig, workpool.NewOwner("figure "+r.RemoteAddr), nil, func() (func(), string) {
		return s.admission.admit(fig.work)
	})
	switch {
	case err == nil:
	case errors.Is(err, errFigureNotStarted):
		writeBusy(w, strings.TrimPrefix(err.Error(), errFigureNotStarted.Error()+": "))
		return
	case errors.Is(context.Cause(ctx), errShuttingDown):
		writeError(w, shuttingDown)
		return
	case r.Context().Err() != nil:
		s.log.Info("figure abandoned: the client went away", "path", r.URL.Path, "err", err)
		return
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, &scenario.Error{Status: http.StatusServiceUnavailable, Code: codeTimeout,
			Message: fmt.Sprintf("the figure took longer than %v and was stopped; retry when the server is less busy", s.limits.RunTimeout)})
		return
	default:
		e := scenario.AsError(err)
		if e.Status >= 500 {
			logFailure(s.log, "figure failed", err)
		}
		writeError(w, e)
		return
	}
	s.writeFigure(w, out)
}

// writeFigure writes a figure's answer.
func (s *server) writeFigure(w http.ResponseWriter, out []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if _, err := w.Write(out); err != nil {
		s.log.Info("writing the figure failed", "err", err)
	}
}
