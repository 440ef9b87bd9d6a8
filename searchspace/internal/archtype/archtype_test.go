package archtype

import (
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
