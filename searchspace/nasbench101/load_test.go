package nasbench101

import (
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TestHashSpecs checks the fingerprint on every row of nb101_hash_specs.csv,
// computed on the pruned cell as given and on its canonical form; without
// -short it also finds each row through the enumeration.
func TestHashSpecs(t *testing.T) {
	dir := datadir.Dir(t)
	f, err := os.Open(filepath.Join(dir, "nasbench101", "nb101_hash_specs.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"hash", "adjacency", "ops"}, recs[0])
	recs = recs[1:]
	require.Len(t, recs, 1000)
	var hs hasher
	matched := 0
	for line, r := range recs {
		var m [][]int
		require.NoError(t, json.Unmarshal([]byte(r[1]), &m), "line %d", line+2)
		adj := make([][]bool, len(m))
		raw := Cell{n: uint8(len(m))}
		ops := strings.Split(r[2], "|")
		for i := range m {
			adj[i] = make([]bool, len(m[i]))
			for j, e := range m[i] {
				adj[i][j] = e == 1
				if e == 1 {
					raw.adj[i] |= 1 << j
				}
			}
			raw.ops[i], _ = opByName(ops[i])
		}
		c, err := NewCell(adj, ops)
		require.NoError(t, err, "line %d", line+2)
		pruned, err := raw.prune()
		require.NoError(t, err)
		fp := hs.sum(&pruned)
		if c.Fingerprint() == r[0] && hexString(fp) == r[0] {
			matched++
		}
		if !testing.Short() {
			d, _, err := New().Lookup(r[0])
			require.NoError(t, err, "line %d", line+2)
			assert.Equal(t, c, d, "line %d", line+2)
		}
	}
	assert.Equal(t, 1000, matched, "fingerprints matching the file")
}

func hexString(fp [16]byte) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 32)
	for i, x := range fp {
		b[2*i], b[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(b)
}

func TestLoadLabelled(t *testing.T) {
	dir := datadir.Dir(t)
	if testing.Short() {
		t.Skip("joining the labelled cells enumerates the whole space; skipped under -short")
	}
	b, err := LoadLabelled(dir)
	require.NoError(t, err)
	require.Equal(t, 30001, b.Table.Len())
	require.Len(t, b.Archs, 30001)
	assert.Equal(t, []string{"val_acc_4ep", "val_acc_12ep", "val_acc_36ep", "val_acc_108ep", "train_time_108ep_s", "params"}, b.Table.Metrics())
	assert.Equal(t, "nb101", b.Space.Name())

	// The first line of the file.
	first := b.Archs[0].(Cell)
	assert.Equal(t, "00005c142e6f48ac74fdcf73e3439874", first.Fingerprint())
	acc, err := b.Table.Value(0, MetricValAcc108)
	require.NoError(t, err)
	assert.InDelta(t, 0.9304887652397156, acc, 1e-12)
	params, err := b.Table.Lookup(first.String(), "params")
	require.NoError(t, err)
	assert.Equal(t, 8555530.0, params)

	accs, err := b.Labels(MetricValAcc108, nil)
	require.NoError(t, err)
	for i, a := range b.Archs {
		key, err := b.Table.Arch(i)
		require.NoError(t, err)
		require.Equal(t, a.String(), key)
		require.True(t, accs[i] >= 0 && accs[i] <= 1, "row %d: %v", i, accs[i])
	}

	// A fingerprint that no cell has is an error naming its line.
	tmp := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "nasbench101"), 0o755))
	bad := "hash,val_acc_108ep\n00005c142e6f48ac74fdcf73e3439874,0.93\n0123456789abcdef0123456789abcdef,0.5\n"
	require.NoError(t, os.WriteFile(filepath.Join(tmp, filepath.FromSlash(LabelledFile)), []byte(bad), 0o644))
	_, err = LoadLabelled(tmp)
	require.Error(t, err)
	assert.ErrorIs(t, err, searchspace.ErrParse)
	assert.Contains(t, err.Error(), "line 3, column 1 (hash): no such architecture: no nb101 cell has fingerprint 0123456789abcdef0123456789abcdef")
}

func TestLoadNASLib500(t *testing.T) {
	dir := datadir.Dir(t)
	b, err := LoadNASLib500(dir)
	require.NoError(t, err)
	require.Equal(t, 292, b.Table.Len(), "unique cells among the 500 rows")
	assert.Equal(t, []string{"val_accuracy", "flops", "params", "synflow", "grasp", "fisher", "grad_norm", "l2_norm", "plain", "epe_nas", "jacov", "snip", "num_rows"},
		b.Table.Metrics(), "nwot is empty in the file and left out")
	v, err := b.Table.Value(0, MetricValAccuracy)
	require.NoError(t, err)
	assert.Equal(t, 92.578125, v)
	rows, err := b.Labels(MetricNumRows, nil)
	require.NoError(t, err)
	total := 0.0
	for _, r := range rows {
		total += r
	}
	assert.Equal(t, 500.0, total)
	// 110011:I1MO appears on three lines of the file, each with 88.90224099159241.
	i, ok := b.Table.Row("110011:I1MO")
	require.True(t, ok)
	n, _ := b.Table.Value(i, MetricNumRows)
	acc, _ := b.Table.Value(i, MetricValAccuracy)
	assert.Equal(t, 3.0, n)
	assert.InDelta(t, 88.90224099159241, acc, 1e-9)
	// The first line of the file.
	want, err := nasLibCell("0111101000001100000010000110000001100000000000000", "input,maxpool3x3,maxpool3x3,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,output")
	require.NoError(t, err)
	assert.Equal(t, want, b.Archs[0])
	for _, a := range b.Archs {
		require.NoError(t, b.Space.Validate(a))
	}
}

func TestLoadMissingData(t *testing.T) {
	empty := t.TempDir()
	for name, load := range map[string]func(string) (*searchspace.Benchmark, error){
		"LoadLabelled": LoadLabelled, "LoadNASLib500": LoadNASLib500,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(empty)
			require.Error(t, err)
			assert.ErrorIs(t, err, fs.ErrNotExist)
			assert.Contains(t, err.Error(), empty)
			assert.Contains(t, err.Error(), "HYPERNAS_DATA")
			assert.NotContains(t, err.Error(), "-data")

			_, err = load(filepath.Join(empty, "nowhere"))
			assert.Error(t, err)
		})
	}
	t.Setenv(searchspace.DataEnv, "")
	_, err := LoadNASLib500("")
	assert.ErrorIs(t, err, searchspace.ErrNoData)
}

func TestReadNASLibErrors(t *testing.T) {
	const header = "adjacency_7x7_rowmajor,ops,val_accuracy,nwot\n"
	const adj = "0100000001000000010000000100000001000000010000000"
	const ops = `"input,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,output"`
	tests := []struct {
		name string
		csv  string
		msg  string
	}{
		{"no key columns", "adj,ops,val_accuracy\n", `want columns "adjacency_7x7_rowmajor" and "ops"`},
		{"bad adjacency character", header + strings.Replace(adj, "1", "2", 1) + "," + ops + ",91.5,\n", `line 2: parse error: adjacency character 1 is '2'`},
		{"short adjacency", header + adj[:48] + "," + ops + ",91.5,\n", "line 2: parse error: adjacency has 48 characters, 7 ops need 49"},
		{"unknown op", header + adj + "," + strings.Replace(ops, "conv3x3-bn-relu", "conv5x5", 1) + ",91.5,\n", `line 2: invalid architecture: nb101 cell: vertex 1: unknown op "conv5x5"`},
		{"not a number", header + adj + "," + ops + ",91.5,\n" + adj + "," + ops + ",high,\n", `line 3, column 3 (val_accuracy): "high" is not a finite number`},
		{"partly empty column", header + adj + "," + ops + ",91.5,\n" + adj + "," + ops + ",91.5,2\n", `line 2, column 4 (nwot): "" is not a finite number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readNASLib(strings.NewReader(tt.csv))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}

	// The same cell twice, a chain of 6 vertices with a different seventh
	// vertex pruned: one row, the mean of the two.
	chain1 := "0100000" + "0010000" + "0001000" + "0000100" + "0000011" + "0000000" + "0000000"
	chain2 := "0100000" + "0010000" + "0001000" + "0000010" + "0000000" + "0000001" + "0000000"
	b, err := readNASLib(strings.NewReader(header + chain1 + "," + ops + ",91.5,\n" + chain2 + "," + ops + ",91.0,\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{"val_accuracy", "num_rows"}, b.Table.Metrics(), "an all-empty column is left out")
	require.Equal(t, 1, b.Table.Len())
	acc, _ := b.Table.Value(0, MetricValAccuracy)
	assert.Equal(t, 91.25, acc)
	key, err := b.Table.Arch(0)
	require.NoError(t, err)
	assert.Equal(t, "100001000100101:I3333O", key)
}
