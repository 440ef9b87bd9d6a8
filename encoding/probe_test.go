package encoding

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/internal/apicheck"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// badSpace declares sizes that no encoding can have.
type badSpace struct {
	searchspace.SearchSpace
	nodes, cellNodes, units int
}

func (s badSpace) MaxNodes() int     { return s.nodes }
func (s badSpace) MaxCellNodes() int { return s.cellNodes }
func (s badSpace) MaxUnits() int     { return s.units }

// TestNoPanics calls every exported function and method with zero,
// negative, nil, mismatched and out-of-range arguments: each returns an
// error (or, marked "(ok)", a harmless zero result) and none panics.
func TestNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nb201 := nasbench201.New()
	shape := Shape{Units: 2, Nodes: 3, Vocab: 3}
	cfg := Config{Shape: shape, Hidden: 4, Layers: 1}
	p, err := NewParams(tensor.Float64)
	require.NoError(t, err)
	require.NoError(t, InitParams(p, cfg, rng))
	g := G.NewGraph()
	enc, err := NewEncoder(g, p, cfg, 2)
	require.NoError(t, err)
	b, err := NewBatch(shape, 2)
	require.NoError(t, err)
	in, err := NewInput(g, tensor.Float64, "probe", 2, 3)
	require.NoError(t, err)
	g3 := G.NewTensor(g, tensor.Float64, 3, G.WithShape(2, 3, 3), G.WithName("g3"))
	p3 := G.NewTensor(g, tensor.Float64, 3, G.WithShape(2, 3, 4), G.WithName("p3"))
	w2 := G.NewMatrix(g, tensor.Float64, G.WithShape(2, 3), G.WithName("w2"))
	f32 := G.NewTensor(g, tensor.Float32, 3, G.WithShape(2, 3, 4), G.WithName("f32"))
	other := G.NewTensor(G.NewGraph(), tensor.Float64, 3, G.WithShape(2, 3, 4), G.WithName("other"))
	chainSeq := searchspace.Sequence{chain(0, 2, 1)}
	nanFeat := chain(0, 1, 2)
	nanFeat.Features = [][]float64{{0}, {math.NaN()}, {1}}
	errOf := func(_ any, err error) error { return err }

	apicheck.Run(t, ".", map[string]func() error{
		"ShapeOf/nil space":          func() error { return errOf(ShapeOf(nil, true)) },
		"ShapeOf/zero MaxNodes":      func() error { return errOf(ShapeOf(badSpace{nb201, 0, 3, 3}, true)) },
		"ShapeOf/zero MaxCellNodes":  func() error { return errOf(ShapeOf(badSpace{nb201, 3, 0, 3}, false)) },
		"ShapeOf/negative MaxUnits":  func() error { return errOf(ShapeOf(badSpace{nb201, 3, 3, -1}, true)) },
		"Shape.Validate/zero":        func() error { return Shape{}.Validate() },
		"Config.Validate/no layers":  func() error { return Config{Shape: shape, Hidden: 1}.Validate() },
		"NewBatch/negative size":     func() error { return errOf(NewBatch(shape, -1)) },
		"NewBatch/zero size":         func() error { return errOf(NewBatch(shape, 0)) },
		"NewBatch/zero shape":        func() error { return errOf(NewBatch(Shape{}, 2)) },
		"NewBatch/huge":              func() error { return errOf(NewBatch(Shape{Units: 1 << 20, Nodes: 1 << 20, Vocab: 2}, 1<<20)) },
		"Batch.Pack/nil batch":       func() error { return (*Batch)(nil).Pack(nil) },
		"Batch.Pack/zero batch":      func() error { return (&Batch{}).Pack(nil) },
		"Batch.Pack/literal":         func() error { return (&Batch{Shape: shape, Size: 2}).Pack(nil) },
		"Batch.Pack/too many":        func() error { return b.Pack(make([]searchspace.Sequence, 3)) },
		"Batch.Pack/empty sequence":  func() error { return b.Pack([]searchspace.Sequence{nil}) },
		"Batch.Set/row -1":           func() error { return b.Set(-1, chainSeq) },
		"Batch.Set/row out of range": func() error { return b.Set(2, chainSeq) },
		"Batch.Set/nil sequence":     func() error { return b.Set(0, nil) },
		"Batch.Set/empty graph":      func() error { return b.Set(0, searchspace.Sequence{{}}) },
		"Batch.Set/ragged adjacency": func() error {
			g := chain(0, 1, 2)
			g.Adj[1] = g.Adj[1][:1]
			return b.Set(0, searchspace.Sequence{g})
		},
		"Batch.Set/features undeclared": func() error { return b.Set(0, searchspace.Sequence{nanFeat}) },
		"Batch.Set/NaN feature": func() error {
			bf, err := NewBatch(Shape{Units: 1, Nodes: 3, Vocab: 3, Features: 1}, 1)
			if err != nil {
				return nil // fails the probe: NewBatch should succeed
			}
			return bf.Set(0, searchspace.Sequence{nanFeat})
		},
		"Batch.Set/nil batch":            func() error { return (*Batch)(nil).Set(0, chainSeq) },
		"NewParams/int dtype":            func() error { return errOf(NewParams(tensor.Int)) },
		"Params.DType/nil (ok)":          func() error { _ = (*Params)(nil).DType(); return nil },
		"Params.Names/nil (ok)":          func() error { _ = (*Params)(nil).Names(); return nil },
		"Params.Get/nil (ok)":            func() error { _ = (*Params)(nil).Get("x"); return nil },
		"Params.Float64s/missing (ok)":   func() error { _ = p.Float64s("missing"); return nil },
		"Params.NumValues/nil (ok)":      func() error { _ = (*Params)(nil).NumValues(); return nil },
		"Params.FlushDenormals/nil (ok)": func() error { (*Params)(nil).FlushDenormals(); return nil },
		"Params.Clone/nil (ok)":          func() error { _ = (*Params)(nil).Clone(); return nil },
		"Params.Init/nil params":         func() error { return errOf((*Params)(nil).Init("w", tensor.Shape{2}, rng, 0)) },
		"Params.Init/zero params":        func() error { return errOf((&Params{}).Init("w", tensor.Shape{2}, rng, 0)) },
		"Params.Init/scalar shape":       func() error { return errOf(p.Init("w", tensor.Shape{}, rng, 0)) },
		"Params.Init/zero dimension":     func() error { return errOf(p.Init("w", tensor.Shape{0, 3}, rng, 0)) },
		"Params.Init/negative dimension": func() error { return errOf(p.Init("w", tensor.Shape{-2, 3}, rng, 0)) },
		"Params.Init/nil rng":            func() error { return errOf(p.Init("w", tensor.Shape{2}, nil, 0)) },
		"Params.Init/NaN scale":          func() error { return errOf(p.Init("w", tensor.Shape{2}, rng, math.NaN())) },
		"Params.Set/wrong size":          func() error { return errOf(p.Set("w", tensor.Shape{2, 3}, make([]float64, 5))) },
		"Params.Set/no shape":            func() error { return errOf(p.Set("w", nil, nil)) },
		"Params.Set/NaN":                 func() error { return errOf(p.Set("w", tensor.Shape{1}, []float64{math.NaN()})) },
		"Params.Set/no name":             func() error { return errOf(p.Set("", tensor.Shape{1}, []float64{1})) },
		"Params.Node/nil graph":          func() error { return errOf(p.Node(nil, "enc/embed")) },
		"Params.Node/missing":            func() error { return errOf(p.Node(G.NewGraph(), "missing")) },
		"Params.CopyFrom/nil":            func() error { return p.CopyFrom(nil) },
		"Params.CopyFrom/other dtype": func() error {
			q, _ := NewParams(tensor.Float32)
			return p.CopyFrom(q)
		},
		"InitParams/nil params":             func() error { return InitParams(nil, cfg, rng) },
		"InitParams/nil rng":                func() error { return InitParams(p, cfg, nil) },
		"InitParams/bad config":             func() error { return InitParams(p, Config{}, rng) },
		"NewEncoder/nil graph":              func() error { return errOf(NewEncoder(nil, p, cfg, 2)) },
		"NewEncoder/nil params":             func() error { return errOf(NewEncoder(G.NewGraph(), nil, cfg, 2)) },
		"NewEncoder/batch 0":                func() error { return errOf(NewEncoder(G.NewGraph(), p, cfg, 0)) },
		"NewEncoder/missing weights":        func() error { return errOf(NewEncoder(G.NewGraph(), p, Config{Shape: shape, Hidden: 5, Layers: 1}, 2)) },
		"NewEncoderNamed/same prefix twice": func() error { return errOf(NewEncoderNamed(g, p, cfg, 2, "")) },
		"Encoder.Bind/nil batch":            func() error { return enc.Bind(nil) },
		"Encoder.Bind/nil encoder":          func() error { return (*Encoder)(nil).Bind(b) },
		"Encoder.Bind/zero encoder":         func() error { return (&Encoder{}).Bind(&Batch{}) },
		"Encoder.Bind/other shape":          func() error { return enc.Bind(mustBatch(t, shape, 3)) },
		"Encoder.Bind/tampered batch": func() error {
			bb := mustBatch(t, shape, 2)
			bb.OneHot = bb.OneHot[:1]
			return enc.Bind(bb)
		},
		"NewInput/nil graph":      func() error { return errOf(NewInput(nil, tensor.Float64, "x", 2)) },
		"NewInput/int dtype":      func() error { return errOf(NewInput(G.NewGraph(), tensor.Int, "x", 2)) },
		"NewInput/no shape":       func() error { return errOf(NewInput(G.NewGraph(), tensor.Float64, "x")) },
		"NewInput/negative shape": func() error { return errOf(NewInput(G.NewGraph(), tensor.Float64, "x", -1)) },
		"NewInput/name taken":     func() error { return errOf(NewInput(g, tensor.Float64, "probe", 2, 3)) },
		"Input.Set/wrong length":  func() error { return in.Set(make([]float64, 5)) },
		"Input.Set/NaN":           func() error { return in.Set([]float64{0, 0, 0, 0, 0, math.NaN()}) },
		"Input.Set/Inf":           func() error { return in.Set([]float64{0, 0, math.Inf(-1), 0, 0, 0}) },
		"Input.Set/nil input":     func() error { return (*Input)(nil).Set(nil) },
		"Input.Set/zero input":    func() error { return (&Input{}).Set(nil) },
		"GCNCombine/nil":          func() error { return errOf(GCNCombine(nil, g3, p3)) },
		"GCNCombine/shapes":       func() error { return errOf(GCNCombine(g3, g3, w2)) },
		"GCNCombine/dtypes":       func() error { return errOf(GCNCombine(g3, g3, f32)) },
		"GCNCombine/graphs":       func() error { return errOf(GCNCombine(g3, g3, other)) },
		"Pool/nil":                func() error { return errOf(Pool(nil, p3)) },
		"Pool/shapes":             func() error { return errOf(Pool(g3, p3)) },
		"Pool/graphs":             func() error { return errOf(Pool(w2, other)) },
		"NewForward/nil params":   func() error { return errOf(NewForward(nil, cfg)) },
		"NewForward/bad config":   func() error { return errOf(NewForward(p, Config{})) },
		"NewForward/missing":      func() error { return errOf(NewForward(p, Config{Shape: shape, Hidden: 5, Layers: 1})) },
		"Forward.Load/nil":        func() error { return (*Forward)(nil).Load(p) },
		"Forward.Load/zero":       func() error { return (&Forward{}).Load(p) },
		"Forward.Embed/zero":      func() error { return (&Forward{}).Embed(nil, nil) },
		"Forward.Embed/bad sequence": func() error {
			f, err := NewForward(p, cfg)
			if err != nil {
				return nil // fails the probe: NewForward should succeed
			}
			return f.Embed([]searchspace.Sequence{{{}}}, make([]float64, 4))
		},
	})
}
