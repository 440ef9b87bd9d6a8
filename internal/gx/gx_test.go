package gx

import (
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"testing"

	"github.com/chewxy/hm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestScalarNamesCarryDtype(t *testing.T) {
	g := G.NewGraph()
	x64 := G.NewScalar(g, tensor.Float64, G.WithName("x64"), G.WithValue(2.0))
	x32 := G.NewScalar(g, tensor.Float32, G.WithName("x32"), G.WithValue(float32(2)))
	y64, err := G.Mul(x64, Scalar(tensor.Float64, 0.5))
	require.NoError(t, err)
	// With default names the float32 constant would be merged into the
	// float64 one and the product would fail to type-check.
	y32, err := G.Mul(x32, Scalar(tensor.Float32, 0.5))
	require.NoError(t, err)
	assert.Equal(t, tensor.Float32, y32.Dtype())
	assert.Equal(t, "float32(0.5)", Scalar(tensor.Float32, 0.5).Name())
	assert.NotEqual(t, Scalar(tensor.Float64, 0.1).Name(), Scalar(tensor.Float64, math.Nextafter(0.1, 1)).Name())
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	assert.Equal(t, 1.0, y64.Value().Data())
	assert.Equal(t, float32(1), y32.Value().Data())

	m, err := Matrix(tensor.Float32, "ones", 2, 2, []float64{1, 1, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, "ones.float32", m.Name())
	_, err = Matrix(tensor.Float32, "ones", 2, 2, []float64{1})
	assert.Error(t, err)
}

func TestDenseAndSet(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		d, err := Dense(dt, []float64{1, 2, 3, 4, 5, 6}, 2, 3)
		require.NoError(t, err)
		assert.Equal(t, tensor.Shape{2, 3}, d.Shape())
		assert.Equal(t, []float64{1, 2, 3, 4, 5, 6}, ToFloat64s(d))
		require.NoError(t, SetFloat64s(d, []float64{6, 5, 4, 3, 2, 1}))
		assert.Equal(t, []float64{6, 5, 4, 3, 2, 1}, ToFloat64s(d))
		for _, bad := range [][]float64{{1}, {1, 2, 3, 4, 5, math.NaN()}, {math.Inf(1), 0, 0, 0, 0, 0}} {
			assert.Error(t, SetFloat64s(d, bad), "%v", bad)
		}
		assert.Equal(t, []float64{6, 5, 4, 3, 2, 1}, ToFloat64s(d), "a failed Set leaves the tensor alone")
	}
	for _, tc := range []struct {
		dt    tensor.Dtype
		vals  []float64
		shape []int
	}{
		{tensor.Int, []float64{1}, []int{1}},
		{tensor.Float64, []float64{1}, nil},
		{tensor.Float64, nil, []int{0}},
		{tensor.Float64, []float64{1}, []int{-1}},
		{tensor.Float64, []float64{1, 2}, []int{3}},
		{tensor.Float64, nil, []int{1 << 20, 1 << 20}},
	} {
		_, err := Dense(tc.dt, tc.vals, tc.shape...)
		assert.Error(t, err, "%v %v %v", tc.dt, tc.vals, tc.shape)
	}
	assert.Error(t, SetFloat64s(nil, nil))
	assert.Error(t, SetFloat64s(tensor.New(tensor.WithBacking([]int{1})), []float64{1}))
}

func TestToFloat64(t *testing.T) {
	var nilDense *tensor.Dense
	var nilF64 *G.F64
	tests := []struct {
		in   any
		want []float64
	}{
		{[]float64{1, 2}, []float64{1, 2}},
		{[]float32{1.5}, []float64{1.5}},
		{2.5, []float64{2.5}},
		{float32(0.25), []float64{0.25}},
		{G.NewF64(3), []float64{3}},
		{G.NewF32(4), []float64{4}},
		{tensor.New(tensor.WithBacking([]float32{1, 2})), []float64{1, 2}},
		{nil, nil},
		{nilDense, nil},
		{nilF64, nil},
		{[]int{1}, nil},
		{"x", nil},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, ToFloat64s(tc.in), "%T %v", tc.in, tc.in)
	}
	src := []float64{1}
	ToFloat64s(src)[0] = 9
	assert.Equal(t, 1.0, src[0], "a copy")
	v, ok := ToFloat64(G.NewF32(2))
	assert.True(t, ok)
	assert.Equal(t, 2.0, v)
	for _, bad := range []any{nil, []float64{1, 2}, []float64{}, "x"} {
		v, ok := ToFloat64(bad)
		assert.False(t, ok)
		assert.True(t, math.IsNaN(v))
	}
}

func TestOut(t *testing.T) {
	d := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(2, 3))
	assert.Same(t, d, Out(d, tensor.Float64, 2, 3))
	assert.NotSame(t, d, Out(d, tensor.Float64, 3, 2), "other shape")
	assert.NotSame(t, d, Out(d, tensor.Float32, 2, 3), "other dtype")
	assert.NotSame(t, d, Out(G.NewF64(1), tensor.Float64, 2, 3), "not a tensor")
	assert.Equal(t, tensor.Shape{4}, Out(nil, tensor.Float32, 4).Shape())
	v, err := d.Slice(G.S(0))
	require.NoError(t, err)
	assert.NotSame(t, v, Out(v, tensor.Float64, 3), "a view")
}

func TestOutBuf(t *testing.T) {
	var b OutBuf
	d := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(2, 3))
	assert.Same(t, d, b.Out(d, tensor.Float64, 2, 3), "a fitting prealloc first")
	first := b.Out(nil, tensor.Float64, 2, 3)
	assert.Same(t, first, b.Out(nil, tensor.Float64, 2, 3), "kept from call to call")
	wrong := tensor.New(tensor.Of(tensor.Float64), tensor.WithShape(3, 2))
	assert.Same(t, first, b.Out(wrong, tensor.Float64, 2, 3), "a prealloc of another shape")
	other := b.Out(nil, tensor.Float32, 2, 3)
	assert.NotSame(t, first, other, "another dtype")
	assert.Equal(t, tensor.Float32, other.Dtype())
	var none *OutBuf
	assert.NotSame(t, none.Out(nil, tensor.Float64, 2), none.Out(nil, tensor.Float64, 2), "a nil buffer keeps nothing")
}

func TestRecover(t *testing.T) {
	f := func(boom bool) (n int, err error) {
		defer Recover(&err, "pkg", "doing it")
		n = 1
		if boom {
			var m map[string]int
			m["x"] = 1
		}
		return 2, nil
	}
	n, err := f(false)
	assert.Equal(t, 2, n)
	assert.NoError(t, err)
	n, err = f(true)
	assert.Equal(t, 1, n)
	assert.ErrorIs(t, err, ErrPanic)
	assert.Contains(t, err.Error(), "pkg: panic while doing it: assignment to entry in nil map")
}

func TestUniqueName(t *testing.T) {
	g := G.NewGraph()
	assert.Equal(t, "x", UniqueName(g, "x"))
	G.NewScalar(g, tensor.Float64, G.WithName("x"))
	assert.Equal(t, "x#2", UniqueName(g, "x"))
	G.NewScalar(g, tensor.Float64, G.WithName("x#2"))
	assert.Equal(t, "x#3", UniqueName(g, "x"))
	assert.Equal(t, "x", UniqueName(nil, "x"))
}

// TestCheckHashes builds two input nodes whose names collide in Gorgonia's
// 32-bit node hash (an input hashes its type, shape, name and child count).
func TestCheckHashes(t *testing.T) {
	g := G.NewGraph()
	a := G.NewScalar(g, tensor.Float64, G.WithName("a"))
	_, err := G.Add(a, Scalar(tensor.Float64, 1))
	require.NoError(t, err)
	require.NoError(t, CheckHashes(g))
	prefix := fmt.Sprintf("%v%v", a.Type(), a.Shape())
	seen := map[uint32]string{}
	for i := 0; ; i++ {
		name := fmt.Sprintf("n%d", i)
		h := fnv.New32a()
		h.Write([]byte(prefix + name))
		h.Write([]byte{0})
		if other, ok := seen[h.Sum32()]; ok {
			G.NewScalar(g, tensor.Float64, G.WithName(other))
			G.NewScalar(g, tensor.Float64, G.WithName(name))
			break
		}
		seen[h.Sum32()] = name
	}
	assert.ErrorContains(t, CheckHashes(g), "share the hash")
	assert.Error(t, CheckHashes(nil))
}

// testOp hashes k and stride, and, unless sloppy, scale too.
type testOp struct {
	OpDefaults
	k, stride int
	scale     [2]float64
	sloppy    bool
}

func (testOp) Arity() int                                        { return 1 }
func (testOp) Type() hm.Type                                     { a := hm.TypeVariable('a'); return hm.NewFnType(a, a) }
func (testOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) { return ds[0].(tensor.Shape), nil }
func (testOp) Do(...G.Value) (G.Value, error)                    { return nil, errors.New("not run") }
func (op testOp) String() string                                 { return "testOp" }
func (op testOp) Hashcode() uint32                               { return Hashcode(op) }
func (op testOp) WriteHash(h hash.Hash) {
	if op.sloppy {
		WriteHash(h, "testOp", op.k, op.stride, op.sloppy)
		return
	}
	type fields testOp
	WriteHash(h, "testOp", fields(op))
}

func TestCheckHashFields(t *testing.T) {
	require.NoError(t, CheckHashFields(testOp{k: 3}))
	assert.ErrorContains(t, CheckHashFields(testOp{sloppy: true}), "field scale[0] does not change the hash")
	assert.Error(t, CheckHashFields(&testOp{}), "not a struct")
	var op G.Op = testOp{}
	assert.False(t, op.ReturnsPtr() || op.CallsExtern())
	assert.Equal(t, -1, op.OverwritesInput())
}

func TestWriteHash(t *testing.T) {
	type fields struct{ K, S int }
	a, b := fnv.New32a(), fnv.New32a()
	WriteHash(a, "hypernas.target.Conv", fields{3, 1})
	fmt.Fprintf(b, "hypernas.target.%s%+v", "Conv", fields{3, 1})
	assert.Equal(t, b.Sum32(), a.Sum32(), "the bytes of the Fprintf it replaces")
}

func TestBLAS(t *testing.T) {
	y := []float64{1, 1, 1}
	Axpy(2.0, []float64{1, 2, 3}, y)
	assert.Equal(t, []float64{3, 5, 7}, y)
	y32 := []float32{1, 1}
	Axpy(float32(0.5), []float32{2, 4}, y32)
	assert.Equal(t, []float32{2, 3}, y32)
	// (2×3)·(3×2), then transposes of the same product
	a := []float64{1, 2, 3, 4, 5, 6}
	b := []float64{1, 0, 0, 1, 1, 1}
	c := make([]float64, 4)
	Gemm(false, false, 2, 2, 3, a, b, 0, c)
	assert.Equal(t, []float64{4, 5, 10, 11}, c)
	at := []float64{1, 4, 2, 5, 3, 6} // aᵀ, 3×2
	Gemm(true, false, 2, 2, 3, at, b, 0, c)
	assert.Equal(t, []float64{4, 5, 10, 11}, c)
	c32 := []float32{1, 1, 1, 1}
	Gemm(false, true, 2, 2, 3, []float32{1, 2, 3, 4, 5, 6}, []float32{1, 0, 1, 0, 1, 1}, 1, c32)
	assert.Equal(t, []float32{5, 6, 11, 12}, c32)
	assert.Equal(t, []float64{1, 2}, Data[float64](tensor.New(tensor.WithBacking([]float64{1, 2}))))
}

func TestCheckDtypeAndSize(t *testing.T) {
	assert.NoError(t, CheckDtype(tensor.Float32))
	assert.Error(t, CheckDtype(tensor.Int))
	n, err := Size(2, 3, 4)
	require.NoError(t, err)
	assert.Equal(t, 24, n)
	for _, s := range [][]int{nil, {0}, {2, -1}, {math.MaxInt / 2, 4}} {
		_, err := Size(s...)
		assert.Error(t, err, "%v", s)
	}
}
