package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"

	"hoplab/internal/sim"
	"hoplab/internal/sim/separation"
)

// Capacity is the request body of POST /api/v1/capacity (docs/api.md): the
// fields of a Scenario that a capacity run uses, memories that may be
// generated, and the queries. view, snapshots and retrieval.tolerance are
// accepted, so that a /run scenario can be reused, and ignored.
type Capacity struct {
	Memories          *MemorySource      `json:"memories,omitempty"`
	Queries           *QuerySource       `json:"queries,omitempty"`
	NormalizeMemories *bool              `json:"normalizeMemories,omitempty"`
	NormalizeQueries  *bool              `json:"normalizeQueries,omitempty"`
	Beta              *float64           `json:"beta,omitempty"`
	Separations       *Strings           `json:"separations,omitempty"`
	FeatureMap        *FeatureMap        `json:"featureMap,omitempty"`
	UHop              *UHop              `json:"uhop,omitempty"`
	Retrieval         *CapacityRetrieval `json:"retrieval,omitempty"`
	// ReturnInputs (extension) adds the memories and queries as used to
	// the answer.
	ReturnInputs *bool `json:"returnInputs,omitempty"`
	// View and Snapshots are ignored.
	View      *View `json:"view,omitempty"`
	Snapshots *Ints `json:"snapshots,omitempty"`
	// UI holds the page's UI-only settings (a JSON object), ignored.
	UI json.RawMessage `json:"ui,omitempty"`
}

// CapacityRetrieval is the capacity request's "retrieval" object.
type CapacityRetrieval struct {
	Steps *int `json:"steps,omitempty"`
	// Tolerance is ignored.
	Tolerance         *float64 `json:"tolerance,omitempty"`
	SupportEps        *float64 `json:"supportEps,omitempty"`
	NormalizeFeatures *bool    `json:"normalizeFeatures,omitempty"`
}

// MemorySource is the capacity request's "memories": explicit rows, as in
// a Scenario, or {"gaussian": {"count", "dim", "seed"}}. Exactly one of
// the two is set after decoding. The struct tags are not encoding/json's
// (MemorySource decodes itself) but tell the decoder's key checks where
// the object's keys belong.
type MemorySource struct {
	Rows     Matrix          `json:"-"`
	Gaussian *MemoryGaussian `json:"gaussian,omitempty"`
}

// MemoryGaussian draws M memories of length d from the seed
// (sim.GaussianRows on sim.MemoryStream).
type MemoryGaussian struct {
	Count *int   `json:"count,omitempty"`
	Dim   *int   `json:"dim,omitempty"`
	Seed  *int64 `json:"seed,omitempty"`
}

// QuerySource is the capacity request's "queries": explicit rows, or
// {"gaussian": {"count", "seed"}}, of the memories' length d.
type QuerySource struct {
	Rows     Matrix         `json:"-"`
	Gaussian *QueryGaussian `json:"gaussian,omitempty"`
}

// QueryGaussian draws Q queries from the seed (sim.GaussianRows on
// sim.QueryStream).
type QueryGaussian struct {
	Count *int   `json:"count,omitempty"`
	Seed  *int64 `json:"seed,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler: an array of rows or an
// object {"gaussian": …}.
func (s *MemorySource) UnmarshalJSON(data []byte) error {
	var obj struct {
		Gaussian *MemoryGaussian `json:"gaussian"`
	}
	rows, isObj, err := decodeSource(data, reflect.TypeFor[MemorySource](), &obj)
	if err != nil {
		return err
	}
	*s = MemorySource{Rows: rows}
	if isObj {
		s.Gaussian = obj.Gaussian
	}
	return nil
}

// MarshalJSON implements json.Marshaler: the form it was decoded from
// (an object, {} when it had no "gaussian").
func (s MemorySource) MarshalJSON() ([]byte, error) {
	if s.Rows == nil { // an object, possibly without "gaussian"
		return json.Marshal(struct {
			Gaussian *MemoryGaussian `json:"gaussian,omitempty"`
		}{s.Gaussian})
	}
	return json.Marshal(s.Rows)
}

// UnmarshalJSON implements json.Unmarshaler: an array of rows or an
// object {"gaussian": …}.
func (s *QuerySource) UnmarshalJSON(data []byte) error {
	var obj struct {
		Gaussian *QueryGaussian `json:"gaussian"`
	}
	rows, isObj, err := decodeSource(data, reflect.TypeFor[QuerySource](), &obj)
	if err != nil {
		return err
	}
	*s = QuerySource{Rows: rows}
	if isObj {
		s.Gaussian = obj.Gaussian
	}
	return nil
}

// MarshalJSON implements json.Marshaler: the form it was decoded from
// (an object, {} when it had no "gaussian").
func (s QuerySource) MarshalJSON() ([]byte, error) {
	if s.Rows == nil { // an object, possibly without "gaussian"
		return json.Marshal(struct {
			Gaussian *QueryGaussian `json:"gaussian,omitempty"`
		}{s.Gaussian})
	}
	return json.Marshal(s.Rows)
}

// decodeSource decodes data, an array of rows or an object decoded
// strictly into obj (unknown keys refused: the decoder's error names the
// key, and Decode finds its path). t is the source's type, for a wrong
// JSON type.
func decodeSource(data []byte, t reflect.Type, obj any) (rows Matrix, isObj bool, err error) {
	switch bytes.TrimSpace(data)[0] {
	case '[':
		err = rows.UnmarshalJSON(data)
		return rows, false, err
	case '{':
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		return nil, true, dec.Decode(obj)
	}
	return nil, false, elemTypeError(data, t, "")
}

// capacityDefaultSeed is the seed of generated memories and queries when
// none is given, as featureMap.seed's.
const capacityDefaultSeed = 1

// CapacityPlan is a capacity request with its defaults applied and checked
// against the Limits: the U-Hop+ run of its Plan (Settings, Iterations;
// Frame holds β, the maps, the retrieval steps and supportEps) and the
// queries, which Queries builds.
type CapacityPlan struct {
	Plan
	// NQueries is Q.
	NQueries int
	// NormalizeQueries scales each query to unit length.
	NormalizeQueries bool
	// NormalizeFeatures adds the models with unit-normalised features.
	NormalizeFeatures bool
	// ReturnInputs adds the memories and queries to the answer.
	ReturnInputs bool

	queryRows  Matrix // explicit queries, or nil
	querySeed  uint64 // generated queries
	queryField string // the field that sets Q, for the limits
}

// ResolveCapacity applies the docs/api.md defaults to c and checks it
// against lim, as Resolve checks a scenario (whose checks it runs on the
// fields they share), with the capacity limits on M, d, D_Φ and the
// queries. The work is not checked here: CheckWork does, for the endpoint
// or for a job. Errors are *Error.
func ResolveCapacity(c *Capacity, lim Limits) (*CapacityPlan, error) {
	cp := &CapacityPlan{}

	// memories
	var mem Matrix
	switch {
	case c.Memories == nil:
		return nil, Invalid("memories", `is required: an array of M memories, each an array of d numbers, or {"gaussian": {"count": M, "dim": d, "seed": s}}`)
	case c.Memories.Gaussian != nil:
		g := c.Memories.Gaussian
		m, err := count(g.Count, "memories.gaussian.count", lim.MaxCapacityMemories, "memories M")
		if err != nil {
			return nil, err
		}
		d, err := count(g.Dim, "memories.gaussian.dim", lim.MaxCapacityInputDim, "the memory length d")
		if err != nil {
			return nil, err
		}
		seed, err := seedOf(g.Seed, "memories.gaussian.seed")
		if err != nil {
			return nil, err
		}
		flat := make([]float64, m*d)
		sim.GaussianRows(flat, seed, sim.MemoryStream)
		mem = make(Matrix, m)
		for i := range mem {
			mem[i] = flat[i*d : i*d+d : i*d+d]
		}
	case c.Memories.Rows == nil:
		return nil, Invalid("memories", `must be an array of memories or {"gaussian": {"count": M, "dim": d, "seed": s}}`)
	default:
		mem = c.Memories.Rows
	}

	// The fields a capacity run shares with a scenario, checked as /run
	// checks them (no snapshot: nothing is drawn), with the capacity
	// limits on M, d and D_Φ.
	rt := valueOr(c.Retrieval, CapacityRetrieval{})
	sc := Scenario{
		Memories:          &mem,
		NormalizeMemories: c.NormalizeMemories,
		Beta:              c.Beta,
		Separations:       c.Separations,
		FeatureMap:        c.FeatureMap,
		UHop:              c.UHop,
		Retrieval:         &Retrieval{Steps: rt.Steps, SupportEps: rt.SupportEps},
		Snapshots:         &Ints{},
		UI:                c.UI,
	}
	sl := lim
	sl.MaxMemories, sl.MaxInputDim, sl.MaxFeatureDim = lim.MaxCapacityMemories, lim.MaxCapacityInputDim, lim.MaxCapacityFeatureDim
	p, err := Resolve(&sc, sl)
	if err != nil {
		return nil, err
	}
	cp.Plan = *p
	m, d, _ := cp.Dims()

	// queries
	cp.NormalizeQueries = valueOr(c.NormalizeQueries, cp.Settings.NormalizeMemories)
	switch {
	case c.Queries == nil:
		return nil, Invalid("queries", `is required: an array of Q queries, each an array of d numbers, or {"gaussian": {"count": Q, "seed": s}}`)
	case c.Queries.Gaussian != nil:
		g := c.Queries.Gaussian
		q, err := count(g.Count, "queries.gaussian.count", lim.MaxCapacityQueries, "generated queries Q")
		if err != nil {
			return nil, err
		}
		if cp.querySeed, err = seedOf(g.Seed, "queries.gaussian.seed"); err != nil {
			return nil, err
		}
		cp.NQueries = q
	case c.Queries.Rows == nil:
		return nil, Invalid("queries", `must be an array of queries or {"gaussian": {"count": Q, "seed": s}}`)
	default:
		rows := c.Queries.Rows
		if len(rows) == 0 {
			return nil, Invalid("queries", "needs at least one query")
		}
		for i, row := range rows {
			field := fmt.Sprintf("queries[%d]", i)
			if len(row) != d {
				return nil, Invalid(field, "has %d coordinates; the memories have d = %d", len(row), d)
			}
			if err := checkAbs(row, field, lim); err != nil {
				return nil, err
			}
			if cp.NormalizeQueries && maxAbsRow(row) == 0 {
				return nil, Invalid(field, "query %d is the zero vector, which cannot be normalised to unit length (normalizeQueries)", i)
			}
		}
		cp.queryRows, cp.NQueries = rows, len(rows)
	}
	cp.queryField = "queries"
	if c.Queries.Gaussian != nil {
		cp.queryField = "queries.gaussian.count"
	}
	if values := int64(cp.NQueries) * int64(d); values > lim.MaxCapacityQueryValues {
		return nil, OverLimit(cp.queryField, "Q·d = %d·%d = %d query values exceed the limit of %d", cp.NQueries, d, values, lim.MaxCapacityQueryValues)
	}

	cp.NormalizeFeatures = valueOr(rt.NormalizeFeatures, false)
	cp.ReturnInputs = valueOr(c.ReturnInputs, false)
	if values := int64(m+cp.NQueries) * int64(d); cp.ReturnInputs && values > lim.MaxTrajectoryValues {
		return nil, OverLimit("returnInputs", "the inputs have (M+Q)·d = (%d+%d)·%d = %d numbers, beyond the limit of %d on returned numbers",
			m, cp.NQueries, d, values, lim.MaxTrajectoryValues)
	}
	return cp, nil
}

// count reads a required count in 1 … max; what names it for the limit.
func count(v *int, field string, limit int, what string) (int, error) {
	if v == nil {
		return 0, Invalid(field, "is required: an integer ≥ 1")
	}
	if *v < 1 {
		return 0, Invalid(field, "must be an integer ≥ 1, not %d", *v)
	}
	if *v > limit {
		return 0, OverLimit(field, "%s = %d exceeds the limit of %d", what, *v, limit)
	}
	return *v, nil
}

// seedOf reads an optional seed in 0 … 2^53 (default 1).
func seedOf(v *int64, field string) (uint64, error) {
	seed := valueOr(v, capacityDefaultSeed)
	if seed < 0 || seed > MaxSeed {
		return 0, Invalid(field, "must be an integer in 0 … 2^53, not %d", seed)
	}
	return uint64(seed), nil
}

func maxAbsRow(row []float64) float64 {
	m := 0.0
	for _, v := range row {
		m = max(m, math.Abs(v))
	}
	return m
}

// Queries returns the Q×d queries as the retrieval starts from them,
// row-major: explicit or generated (sim.GaussianRows on sim.QueryStream),
// then scaled to unit length if NormalizeQueries (a generated row of zeros,
// which has probability 0, stays as it is). It allocates Q·d numbers:
// callers build them when the computation starts, not while it waits.
func (cp *CapacityPlan) Queries() []float64 {
	_, d, _ := cp.Dims()
	q := make([]float64, cp.NQueries*d)
	if cp.queryRows != nil {
		for i, row := range cp.queryRows {
			copy(q[i*d:], row)
		}
	} else {
		sim.GaussianRows(q, cp.querySeed, sim.QueryStream)
	}
	if cp.NormalizeQueries {
		sim.NormalizeRows(q, d)
	}
	return q
}

// ModelSettings returns the settings of the models of separation map i:
// β, the map, the retrieval steps and supportEps of the plan (the
// tolerance, which only labels, is the default).
func (cp *CapacityPlan) ModelSettings(i int) sim.ModelSettings {
	ms := cp.Frame.Model(i)
	ms.Space = sim.InputSpace
	ms.Tolerance = defaultTolerance
	return ms
}

// The capacity lab's cost model, in nanoseconds of one core, calibrated
// by BenchmarkCapacityUnits (internal/api) on a 2-core AMD EPYC: one
// retrieval update of one query costs, per memory, capacityMulAddNs per
// multiply-add of its scores and of its update (d each for the plain and
// the kernelized model; D_Φ and d for the normalised one, whose features
// add D_Φ·d per update) and the map's own cost per memory (renderUnitNs);
// each query adds its label (M·d per model) and, in the kernelized model,
// its energy (D_Φ·d). Over shapes from M = 2 to 1024 and d = 5 to 512,
// every map, with and without the normalised model, the model is 1.2 to
// 5.3 times the time measured at β = 0.01 and 1 (where few queries settle
// early; up to 26 times at β = 20, where most do): the least with M = 10,
// d = 5, where each update is a few hundred nanoseconds of fixed cost, the
// most with M = 1024, d = 64, whose products overlap (0.35 ns per
// multiply-add) and whose sparse updates skip most memories.
const capacityMulAddNs = 1.0

// updateNs is the estimated worst cost of one retrieval update of one
// query by every model of map sep: the plain and the kernelized model,
// and the normalised one if asked.
func (cp *CapacityPlan) updateNs(sep separation.Map) float64 {
	m, d, k := cp.Dims()
	mf, df, kf := float64(m), float64(d), float64(k)
	sepNs := renderUnitNs(sep, m)
	ns := float64(2 * mf * (float64(2*df*capacityMulAddNs) + sepNs))
	if cp.NormalizeFeatures {
		ns += float64(mf*(float64((kf+df)*capacityMulAddNs)+sepNs)) + float64(kf*df*capacityMulAddNs)
	}
	return ns
}

// queryNs is the estimated worst cost of what every query costs once per
// map besides its updates: the labels of its final states (M·d per model)
// and the kernelized model's energy at the query (D_Φ·d).
func (cp *CapacityPlan) queryNs() float64 {
	m, d, k := cp.Dims()
	models := 2.0
	if cp.NormalizeFeatures {
		models = 3
	}
	return (float64(models*float64(m*d)) + float64(k*d)) * capacityMulAddNs
}

// RetrievalWork is the estimated worst CPU time of the retrievals, in
// nanoseconds of one core: Q queries, each through retrieval.steps updates
// of every model of every map (the early stop of settled queries aside)
// and queryNs; and, per model, one update from each of the M memories (a
// model finds which memories are fixed points when it is built).
func (cp *CapacityPlan) RetrievalWork() float64 {
	m, _, _ := cp.Dims()
	q := float64(cp.NQueries)
	work := 0.0
	for _, sep := range cp.Frame.Separations {
		work += float64((float64(q*float64(cp.Frame.Steps))+float64(m))*cp.updateNs(sep)) + float64(q*cp.queryNs())
	}
	return work
}

// Work is the estimated worst CPU time of the capacity run, in nanoseconds
// of one core: the start and N U-Hop+ steps (StepNs) and the retrievals
// (RetrievalWork).
func (cp *CapacityPlan) Work() float64 {
	m, d, k := cp.Dims()
	return float64(float64(cp.Iterations+1)*StepNs(m, d, k)) + cp.RetrievalWork()
}

// CheckWork checks the estimated work against the limit of the endpoint
// (MaxCapacityWork: POST /api/v1/capacity answers on its connection) or
// of a job (MaxCapacityJobWork). A request beyond the endpoint's limit but
// within a job's is told to run as a job.
func (cp *CapacityPlan) CheckWork(lim Limits, job bool) error {
	work := cp.Work()
	field := cp.queryField
	limit := lim.MaxCapacityWork
	if job {
		limit = lim.MaxCapacityJobWork
	}
	if work <= float64(limit) {
		return nil
	}
	m, d, k := cp.Dims()
	what := fmt.Sprintf("Q = %d queries · %d steps · %d maps over M = %d memories (d = %d, D_Φ = %d), and %d U-Hop+ steps, would take about %.3g CPU-seconds",
		cp.NQueries, cp.Frame.Steps, len(cp.Frame.Separations), m, d, k, cp.Iterations, work/1e9)
	if !job && work <= float64(lim.MaxCapacityJobWork) {
		return OverLimit(field, `%s, beyond the limit of %.3g for an answer on the connection; run it as a background job: POST /api/v1/jobs with {"kind": "capacity", "request": …this body…} (up to %.3g CPU-seconds)`,
			what, float64(limit)/1e9, float64(lim.MaxCapacityJobWork)/1e9)
	}
	return OverLimit(field, "%s, beyond the limit of %.3g; ask for fewer queries, steps or maps", what, float64(limit)/1e9)
}

// DecodeCapacity decodes a capacity request as Decode decodes a scenario:
// exactly one JSON object with only the fields of Capacity, each at most
// once, case-sensitive. Errors are *Error; an integer field's error names
// its range with the upper ends of DefaultLimits (DecodeCapacityWithin:
// of other limits).
func DecodeCapacity(body []byte) (*Capacity, error) {
	return DecodeCapacityWithin(body, DefaultLimits())
}

// DecodeCapacityWithin decodes body as DecodeCapacity does; the errors
// about integer fields name their ranges with lim's upper ends (those
// ResolveCapacity checks against lim).
func DecodeCapacityWithin(body []byte, lim Limits) (*Capacity, error) {
	return decodeObject[Capacity](body, "capacity request", lim)
}

// CapacityChunkNs is the estimated CPU time a chunk of a capacity
// evaluation aims at: a worker returns to the pool's scheduler, and a
// cancelled job stops, within about this time.
const CapacityChunkNs = 5e6

// EvaluationChunks is the number of chunks the retrievals of one map aim
// at (they are evaluated map by map): their share of the work
// (RetrievalWork over the maps) in chunks of about CapacityChunkNs, at
// least sim.DefaultChunks and at most 4096 (fewer when there are fewer
// queries: a chunk is whole queries).
func (cp *CapacityPlan) EvaluationChunks() int {
	n := cp.RetrievalWork() / float64(max(len(cp.Frame.Separations), 1)) / CapacityChunkNs
	return int(min(max(n, sim.DefaultChunks), maxFrameChunks))
}
