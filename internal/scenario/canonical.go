package scenario

import (
	"bytes"
	"encoding/json"
)

// Canonical returns the scenario of plan p with every field explicit, as
// live sessions report it: what a script or a permalink needs to get the
// same run again, whatever the defaults become. orig supplies what the plan
// does not keep (explicit W and b, view.space, ui); its snapshots are
// dropped, because live sessions draw their own views. uhop.iterations is t.
func Canonical(p *Plan, orig *Scenario, t int) *Scenario {
	s, fs := &p.Settings, &p.Frame
	mem := make(Matrix, len(s.Memories))
	for i, row := range s.Memories {
		mem[i] = append([]float64(nil), row...)
	}
	seps := make(Strings, len(fs.Separations))
	for i, sep := range fs.Separations {
		seps[i] = sep.Name()
	}
	fm := FeatureMap{
		Dim:    ptr(s.FeatureMap.Dim),
		Affine: ptr(s.FeatureMap.Affine),
		Init:   ptr(inits.name(s.FeatureMap.Init)),
		Seed:   ptr(int64(s.FeatureMap.Seed)),
	}
	if s.FeatureMap.W != nil {
		w := make(Matrix, len(s.FeatureMap.W))
		for i, row := range s.FeatureMap.W {
			w[i] = append([]float64(nil), row...)
		}
		fm.W = &w
	}
	if s.FeatureMap.B != nil {
		b := append(Vector(nil), s.FeatureMap.B...)
		fm.B = &b
	}
	optimizer, loss := optimizers.name(s.UHop.Optimizer), losses.name(s.UHop.Loss)
	var order *IntMatrix
	if s.UHop.BatchOrder != nil {
		o := make(IntMatrix, len(s.UHop.BatchOrder))
		for i, row := range s.UHop.BatchOrder {
			o[i] = append([]int(nil), row...)
		}
		order = &o
	}
	g := Grid{NX: ptr(fs.Grid.NX), NY: ptr(fs.Grid.NY), Margin: ptr(fs.Grid.Margin)}
	if b := fs.Grid.Bounds; b != nil {
		g.XMin, g.XMax, g.YMin, g.YMax = ptr(b.XMin), ptr(b.XMax), ptr(b.YMin), ptr(b.YMax)
	}
	v := View{Grid: &g, PaperSoftmaxEnergy: ptr(fs.PaperSoftmaxEnergy)}
	if orig.View != nil && orig.View.Space != nil {
		v.Space = ptr(*orig.View.Space)
	}
	out := &Scenario{
		Memories:          &mem,
		NormalizeMemories: ptr(s.NormalizeMemories),
		Beta:              ptr(fs.Beta),
		Separations:       &seps,
		FeatureMap:        &fm,
		UHop: &UHop{
			Iterations: ptr(t),
			Optimizer:  ptr(optimizer),
			LR:         ptr(s.UHop.LR),
			Momentum:   ptr(s.UHop.Momentum),
			Tau:        ptr(s.UHop.Tau),
			Loss:       ptr(loss),
			BatchOrder: order,
		},
		Retrieval: &Retrieval{Steps: ptr(fs.Steps), Tolerance: ptr(fs.Tolerance), SupportEps: ptr(fs.SupportEps)},
		View:      &v,
	}
	if ui := bytes.TrimSpace(orig.UI); len(ui) > 0 && !bytes.Equal(ui, []byte("null")) {
		out.UI = append(json.RawMessage(nil), ui...)
	}
	return out
}

// MergePatch applies the JSON merge patch (RFC 7386) patch to target and
// returns the result: an object patch replaces target's members one by one
// (null removes a member, objects merge recursively); any other patch
// replaces target whole. Both are values decoded with UseNumber.
func MergePatch(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(tm, k)
		} else {
			tm[k] = MergePatch(tm[k], v)
		}
	}
	return tm
}

// DecodeAny decodes JSON into generic values, keeping numbers as written.
func DecodeAny(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func ptr[T any](v T) *T { return &v }
