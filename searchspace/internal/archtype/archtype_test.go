package archtype

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
)

type cell [2]int

func (cell) String() string { return "cell" }

type other struct{}

func (other) String() string { return "other" }

func TestAs(t *testing.T) {
	c := cell{1, 2}
	got, err := As[cell](c, "a test")
	require.NoError(t, err)
	assert.Equal(t, c, got)
	got, err = As[cell](&c, "a test")
	require.NoError(t, err)
	assert.Equal(t, c, got)
	for a, msg := range map[searchspace.Arch]string{
		(*cell)(nil): "invalid architecture: nil *archtype.cell",
		other{}:      "invalid architecture: archtype.other is not a test architecture (want archtype.cell)",
	} {
		_, err := As[cell](a, "a test")
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		assert.EqualError(t, err, msg)
	}
	_, err = As[cell](nil, "a test")
	assert.EqualError(t, err, "invalid architecture: <nil> is not a test architecture (want archtype.cell)")
}

func TestValid(t *testing.T) {
	errOdd := errors.New("odd")
	check := func(c cell) error {
		if c[0]%2 == 1 {
			return errOdd
		}
		return nil
	}
	got, err := Valid(&cell{2, 3}, "a test", check)
	require.NoError(t, err)
	assert.Equal(t, cell{2, 3}, got)
	_, err = Valid(cell{1, 2}, "a test", check)
	assert.ErrorIs(t, err, errOdd)
	_, err = Valid(other{}, "a test", check)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch, "the type is checked first")
}

func TestParse(t *testing.T) {
	parse := func(s string) (cell, error) {
		if s != "cell" {
			return cell{}, errors.New("not a cell")
		}
		return cell{1, 2}, nil
	}
	a, err := Parse("cell", parse)
	require.NoError(t, err)
	assert.Equal(t, cell{1, 2}, a)
	a, err = Parse("x", parse)
	assert.EqualError(t, err, "not a cell")
	assert.Nil(t, a, "a failed parse is a nil Arch, not a zero cell")
}

func TestMutate(t *testing.T) {
	as := func(a searchspace.Arch) (cell, error) { return As[cell](a, "a test") }
	swap := func(c cell, _ *rand.Rand) cell { return cell{c[1], c[0]} }
	m, err := Mutate(cell{1, 2}, rand.New(rand.NewPCG(1, 1)), "test", as, swap)
	require.NoError(t, err)
	assert.Equal(t, cell{2, 1}, m)
	m, err = Mutate(other{}, rand.New(rand.NewPCG(1, 1)), "test", as, swap)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.Nil(t, m)
	m, err = Mutate(cell{1, 2}, nil, "test", as, swap)
	assert.EqualError(t, err, "test: Mutate needs a random source, got a nil *rand.Rand")
	assert.Nil(t, m)
}

func TestAll(t *testing.T) {
	at := func(i int) (cell, error) { return cell{i, -i}, nil }
	var got []searchspace.Arch
	for i, a := range All(3, at) {
		assert.Equal(t, len(got), i)
		got = append(got, a)
	}
	assert.Equal(t, []searchspace.Arch{cell{0, 0}, cell{1, -1}, cell{2, -2}}, got)
	for i := range All(3, at) {
		if i == 1 {
			break // an early stop is honoured
		}
	}
}
