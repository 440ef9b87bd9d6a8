package tnbdata_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/hypernas/go-hypernas/searchspace/transnas101/tnbdata"
)

var wantMetrics = []string{
	"val_class_scene", "val_class_object", "val_jigsaw", "val_room_layout", "val_segmentsemantic", "val_normal", "val_autoencoder",
	"zen_class_scene", "zen_class_object", "zen_jigsaw", "zen_room_layout", "zen_segmentsemantic", "zen_normal", "zen_autoencoder",
	"synflow_class_scene", "synflow_class_object", "synflow_jigsaw", "synflow_room_layout",
	"epe_nas_class_scene", "epe_nas_class_object", "epe_nas_jigsaw", "epe_nas_room_layout",
}

var spaces = []struct {
	name     string
	file     string // the loader's file in a data folder
	embedded func() (*searchspace.Benchmark, error)
	files    func(string) (*searchspace.Benchmark, error)
	space    searchspace.Enumerable
	first    string
	scene    float64 // val_class_scene of the first row
}{
	{"micro", transnas101.MicroFile, tnbdata.LoadMicro, transnas101.LoadMicro, transnas101.NewMicro(), "64-41414-0_00_000", 7.484076499938965},
	{"macro", transnas101.MacroFile, tnbdata.LoadMacro, transnas101.LoadMacro, transnas101.NewMacro(), "64-111114-basic", 51.04996109008789},
}

func TestLoad(t *testing.T) {
	for _, tt := range spaces {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.embedded()
			require.NoError(t, err)
			assert.Equal(t, tt.space.Size(), b.Table.Len())
			assert.Equal(t, wantMetrics, b.Table.Metrics())
			for _, task := range transnas101.Tasks {
				assert.True(t, b.Table.HasMetric(transnas101.Metric(task)), task)
			}
			first, err := b.Table.Arch(0)
			require.NoError(t, err)
			assert.Equal(t, tt.first, first)
			v, err := b.Table.Value(0, transnas101.Metric("class_scene"))
			require.NoError(t, err)
			assert.Equal(t, tt.scene, v)
			// The table lists the whole space in enumeration order.
			for i, a := range tt.space.All() {
				require.Equal(t, a, b.Archs[i], "row %d", i)
			}
			assert.Equal(t, tt.space.Name(), b.Space.Name())
		})
	}
}

// TestMatchesCSV checks that the embedded tables are exactly what the
// loaders read from the benchmark's files, when they are at hand.
func TestMatchesCSV(t *testing.T) {
	for _, tt := range spaces {
		t.Run(tt.name, func(t *testing.T) { tabletest.Matches(t, tt.embedded, tt.files) })
	}
}

// TestLoadFiles reads full-size benchmark files, written from the built-in
// tables, with the folder loaders: they must give back the same tables.
func TestLoadFiles(t *testing.T) {
	for _, tt := range spaces {
		b, err := tt.embedded()
		require.NoError(t, err)
		tabletest.LoadsBack(t, b, tt.file, transnas101.KeyColumn, nil, tt.files)
	}
}

func BenchmarkLoadMicro(b *testing.B) { tabletest.BenchmarkLoad(b, tnbdata.LoadMicro) }
func BenchmarkLoadMacro(b *testing.B) { tabletest.BenchmarkLoad(b, tnbdata.LoadMacro) }
