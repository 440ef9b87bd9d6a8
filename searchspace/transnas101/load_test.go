package transnas101

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

var wantMetrics = []string{
	"val_class_scene", "val_class_object", "val_jigsaw", "val_room_layout", "val_segmentsemantic", "val_normal", "val_autoencoder",
	"zen_class_scene", "zen_class_object", "zen_jigsaw", "zen_room_layout", "zen_segmentsemantic", "zen_normal", "zen_autoencoder",
	"synflow_class_scene", "synflow_class_object", "synflow_jigsaw", "synflow_room_layout",
	"epe_nas_class_scene", "epe_nas_class_object", "epe_nas_jigsaw", "epe_nas_room_layout",
}

func TestLoad(t *testing.T) {
	dir := datadir.Dir(t)
	tests := []struct {
		name  string
		load  func(string) (*searchspace.Benchmark, error)
		space searchspace.Enumerable
		first string
		scene float64 // val_class_scene of the first row
	}{
		{"micro", LoadMicro, NewMicro(), "64-41414-0_00_000", 7.484076499938965},
		{"macro", LoadMacro, NewMacro(), "64-111114-basic", 51.04996109008789},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.load(dir)
			require.NoError(t, err)
			assert.Equal(t, tt.space.Size(), b.Table.Len())
			assert.Equal(t, wantMetrics, b.Table.Metrics())
			for _, task := range Tasks {
				assert.True(t, b.Table.HasMetric(Metric(task)), task)
			}
			first, err := b.Table.Arch(0)
			require.NoError(t, err)
			assert.Equal(t, tt.first, first)
			v, err := b.Table.Value(0, Metric("class_scene"))
			require.NoError(t, err)
			assert.Equal(t, tt.scene, v)
			// The file lists the whole space in enumeration order.
			for i, a := range tt.space.All() {
				key, err := b.Table.Arch(i)
				require.NoError(t, err)
				require.Equal(t, a.String(), key, "row %d", i)
				require.Equal(t, a, b.Archs[i])
			}
			assert.Equal(t, tt.space.Name(), b.Space.Name())
		})
	}
}

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
