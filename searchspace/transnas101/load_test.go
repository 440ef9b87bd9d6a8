package transnas101

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
)

func TestLoadErrors(t *testing.T) {
	_, err := LoadMicro(t.TempDir())
	assert.ErrorContains(t, err, MicroFile)
	assert.ErrorContains(t, err, searchspace.DataEnv)
	t.Setenv(searchspace.DataEnv, "")
	_, err = LoadMacro("")
	assert.ErrorIs(t, err, searchspace.ErrNoData)

	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "transnas101"), 0o755))
	write := func(file, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(file)), []byte(content), 0o644))
	}
	write(MacroFile, "naslib_op_indices,tnb_arch_str,val_jigsaw\n1-1-1-1,64-1111-basic,3\n")
	_, err = LoadMacro(dir)
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
