package nasbench101

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only nb101-hashspecs

// hashSpecs reads testdata/hash_specs.pack, made by the generator from
// nb101_hash_specs.csv: 1,000 cells of the benchmark in its own vertex
// numbering, keyed by the benchmark's fingerprint.
func hashSpecs(t *testing.T) (hashes []string, adj [][][]bool, ops [][]string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "hash_specs.pack"))
	require.NoError(t, err)
	p, err := packed.Decode(data)
	require.NoError(t, err)
	require.Len(t, p.Columns, 3)
	interior := []string{"conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"} // the generator's codes
	for i, h := range p.Keys {
		n := int(p.Columns[0].Values[i])
		bits, code := uint64(p.Columns[1].Values[i]), int(p.Columns[2].Values[i])
		a := make([][]bool, n)
		o := make([]string, n)
		for u := range a {
			a[u] = make([]bool, n)
			for v := range a[u] {
				a[u][v] = bits&(1<<(u*n+v)) != 0
			}
		}
		o[0], o[n-1] = OpInput, OpOutput
		for v := 1; v < n-1; v++ {
			o[v] = interior[code%3]
			code /= 3
		}
		hashes, adj, ops = append(hashes, h), append(adj, a), append(ops, o)
	}
	return hashes, adj, ops
}

// TestHashSpecs checks the fingerprint on 1,000 cells of the benchmark
// given in its own numbering, computed on the pruned cell as given and on
// its canonical form; without -short it also finds each cell through the
// enumeration.
func TestHashSpecs(t *testing.T) {
	hashes, adjs, opss := hashSpecs(t)
	require.Len(t, hashes, 1000)
	var hs hasher
	matched := 0
	for k, h := range hashes {
		adj, ops := adjs[k], opss[k]
		raw := Cell{n: uint8(len(adj))}
		for i := range adj {
			for j, e := range adj[i] {
				if e {
					raw.adj[i] |= 1 << j
				}
			}
			raw.ops[i], _ = opByName(ops[i])
		}
		c, err := NewCell(adj, ops)
		require.NoError(t, err, "cell %d (%s)", k, h)
		pruned, err := raw.prune()
		require.NoError(t, err)
		fp := hs.sum(&pruned)
		if c.Fingerprint() == h && hexString(fp) == h {
			matched++
		}
		if !testing.Short() {
			d, _, err := New().Lookup(h)
			require.NoError(t, err, "cell %d", k)
			assert.Equal(t, c, d, "cell %d", k)
		}
	}
	assert.Equal(t, 1000, matched, "fingerprints matching the benchmark's")
}

// TestHashSpecsFile checks testdata/hash_specs.pack against the
// benchmark's file, when it is at hand.
func TestHashSpecsFile(t *testing.T) {
	f, err := os.Open(filepath.Join(datadir.Dir(t), "nasbench101", "nb101_hash_specs.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"hash", "adjacency", "ops"}, recs[0])
	hashes, adjs, opss := hashSpecs(t)
	require.Len(t, recs[1:], len(hashes))
	for k, r := range recs[1:] {
		var m [][]int
		require.NoError(t, json.Unmarshal([]byte(r[1]), &m), "line %d", k+2)
		want := make([][]bool, len(m))
		for i := range m {
			want[i] = make([]bool, len(m[i]))
			for j, e := range m[i] {
				want[i][j] = e == 1
			}
		}
		assert.Equal(t, r[0], hashes[k], "line %d", k+2)
		assert.Equal(t, want, adjs[k], "line %d", k+2)
		assert.Equal(t, strings.Split(r[2], "|"), opss[k], "line %d", k+2)
	}
}

func hexString(fp [16]byte) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 32)
	for i, x := range fp {
		b[2*i], b[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(b)
}

// TestLoadLabelledUnknown checks that a fingerprint no cell has is an
// error naming its line.
func TestLoadLabelledUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("joining the labelled cells enumerates the whole space; skipped under -short")
	}
	tmp := t.TempDir()
	datadir.WriteFile(t, tmp, LabelledFile, "hash,val_acc_108ep\n00005c142e6f48ac74fdcf73e3439874,0.93\n0123456789abcdef0123456789abcdef,0.5\n")
	_, err := LoadLabelled(tmp)
	require.Error(t, err)
	assert.ErrorIs(t, err, searchspace.ErrParse)
	assert.Contains(t, err.Error(), "line 3, column 1 (hash): no such architecture: no nb101 cell has fingerprint 0123456789abcdef0123456789abcdef")
}

func TestLoadMissingData(t *testing.T) {
	probe.MissingData(t, LabelledFile, LoadLabelled)
	probe.MissingData(t, NASLib500File, LoadNASLib500)
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
