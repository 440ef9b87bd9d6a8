package transnas101

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

func TestLoadErrors(t *testing.T) {
	probe.MissingData(t, MicroFile, LoadMicro)
	probe.MissingData(t, MacroFile, LoadMacro)

	dir := t.TempDir()
	write := func(file, content string) { datadir.WriteFile(t, dir, file, content) }
	write(MacroFile, "naslib_op_indices,tnb_arch_str,val_jigsaw\n1-1-1-1,64-1111-basic,3\n")
	_, err := LoadMacro(dir)
	assert.ErrorIs(t, err, searchspace.ErrParse)
	assert.ErrorContains(t, err, "line 2")
	assert.ErrorContains(t, err, "found a skeleton with 0 modules that double the width")
	write(MicroFile, "tnb_arch_str,val_jigsaw\n64-41414-3_33_333,x\n")
	_, err = LoadMicro(dir)
	assert.ErrorContains(t, err, `line 2, column 2 (val_jigsaw): "x" is not a finite number`)
	write(MicroFile, "")
	_, err = LoadMicro(dir)
	assert.ErrorIs(t, err, searchspace.ErrParse)
	write(MicroFile, "tnb_arch_str,val_jigsaw\n64-41414-3_33_333,1\n64-41414-0_00_000,2\n")
	b, err := LoadMicro(dir)
	require.NoError(t, err)
	assert.Equal(t, 2, b.Table.Len())
	assert.Equal(t, Cell{}, b.Archs[1])
}
