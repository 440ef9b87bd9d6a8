package nasbench201

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

const header = "index,arch,cifar10_valid_acc,cifar10_test_acc,cifar100_test_acc,cifar10_test_acc_12ep,cifar100_test_acc_12ep,params_cifar10,params_cifar100,train_time_s\n"

func TestLoadErrors(t *testing.T) {
	good0 := "0,|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,81.9,85.8,52.9,69.5,31.2,129306,135156,1444.2\n"
	good1 := "1," + row1 + ",90.7,93.66,70.2,88.2,58.2,802426,808276,2169.6\n"
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		{"bad number", header + good0 + strings.Replace(good1, "93.66", "9x.66", 1),
			[]string{"line 3", "column 4", "cifar10_test_acc", `"9x.66"`}},
		{"bad arch", header + good0 + strings.Replace(good1, "avg_pool_3x3", "max_pool_3x3", 1),
			[]string{"line 3", "column 2", "column 34", `unknown op "max_pool_3x3"`}},
		{"index out of order", header + good1 + good0, []string{"line 2", "index is 1, expected 0"}},
		{"too few rows", header + good0 + good1, []string{"2 architectures", "15625"}},
		{"duplicate arch", header + good0 + strings.Replace(good0, "0,", "1,", 1), []string{"line 3", "already in the table"}},
		{"no index column", strings.Replace(header, "index,", "idx,", 1) + good0, []string{`no metric "index"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := datadir.WriteFile(t, dir, BenchmarkFile, tt.content)
			_, err := LoadBenchmark(dir)
			require.Error(t, err)
			assert.ErrorIs(t, err, searchspace.ErrParse)
			assert.Contains(t, err.Error(), path)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	lat := t.TempDir()
	datadir.WriteFile(t, lat, LatencyFile, "nb201_index,arch_str,lat_a\n0,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1\n1,|none~0|,2\n")
	_, err := LoadLatency(lat)
	require.Error(t, err)
	assert.ErrorIs(t, err, searchspace.ErrParse)
	assert.Contains(t, err.Error(), "line 3")
}

func TestLoadMissingFile(t *testing.T) {
	probe.MissingData(t, BenchmarkFile, LoadBenchmark)
	probe.MissingData(t, LatencyFile, LoadLatency)
}
