package nb101data_test

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101/nb101data"
)

// fingerprintDigest is the SHA-256 of the benchmark file's hash column,
// one hash a line in row order, written by the generator.
//
//go:embed testdata/fingerprints.sha256
var fingerprintDigest string

func TestLoadLabelled(t *testing.T) {
	b, err := nb101data.LoadLabelled()
	require.NoError(t, err)
	require.Equal(t, 30001, b.Table.Len())
	require.Len(t, b.Archs, 30001)
	assert.Equal(t, []string{"val_acc_4ep", "val_acc_12ep", "val_acc_36ep", "val_acc_108ep", "train_time_108ep_s", "params"}, b.Table.Metrics())
	assert.Equal(t, "nb101", b.Space.Name())

	// The first line of the file.
	first := b.Archs[0].(nasbench101.Cell)
	assert.Equal(t, "00005c142e6f48ac74fdcf73e3439874", first.Fingerprint())
	acc, err := b.Table.Value(0, nasbench101.MetricValAcc108)
	require.NoError(t, err)
	assert.Equal(t, 0.9304887652397156, acc)
	params, err := b.Table.Lookup(first.String(), "params")
	require.NoError(t, err)
	assert.Equal(t, 8555530.0, params)

	accs, err := b.Labels(nasbench101.MetricValAcc108, nil)
	require.NoError(t, err)
	for i, a := range b.Archs {
		require.NoError(t, b.Space.Validate(a))
		require.True(t, accs[i] >= 0 && accs[i] <= 1, "row %d: %v", i, accs[i])
	}
}

// TestFingerprints checks the fingerprint of every embedded cell against
// the benchmark's own hash of that row, through the digest of the file's
// hash column.
func TestFingerprints(t *testing.T) {
	b, err := nb101data.LoadLabelled()
	require.NoError(t, err)
	var all strings.Builder
	prev := ""
	for i, a := range b.Archs {
		fp := a.(nasbench101.Cell).Fingerprint()
		require.Greater(t, fp, prev, "row %d: rows are in ascending fingerprint order", i)
		prev = fp
		all.WriteString(fp + "\n")
	}
	sum := sha256.Sum256([]byte(all.String()))
	assert.Equal(t, strings.TrimSpace(fingerprintDigest), hex.EncodeToString(sum[:]))
}

func TestLoadNASLib500(t *testing.T) {
	b, err := nb101data.LoadNASLib500()
	require.NoError(t, err)
	require.Equal(t, 292, b.Table.Len(), "unique cells among the 500 rows")
	assert.Equal(t, []string{"val_accuracy", "flops", "params", "synflow", "grasp", "fisher", "grad_norm", "l2_norm", "plain", "epe_nas", "jacov", "snip", "num_rows"},
		b.Table.Metrics(), "nwot is empty in the file and left out")
	v, err := b.Table.Value(0, nasbench101.MetricValAccuracy)
	require.NoError(t, err)
	assert.Equal(t, 92.578125, v)
	rows, err := b.Labels(nasbench101.MetricNumRows, nil)
	require.NoError(t, err)
	total := 0.0
	for _, r := range rows {
		total += r
	}
	assert.Equal(t, 500.0, total)
	// 110011:I1MO appears on three lines of the file, each with 88.90224099159241.
	i, ok := b.Table.Row("110011:I1MO")
	require.True(t, ok)
	n, _ := b.Table.Value(i, nasbench101.MetricNumRows)
	acc, _ := b.Table.Value(i, nasbench101.MetricValAccuracy)
	assert.Equal(t, 3.0, n)
	assert.InDelta(t, 88.90224099159241, acc, 1e-9)
	for _, a := range b.Archs {
		require.NoError(t, b.Space.Validate(a))
	}
}

// TestMatchesCSV checks that the embedded tables are exactly what the
// loaders read from the benchmark's files, when they are at hand.
func TestMatchesCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("reading the labelled file enumerates the whole space; skipped under -short")
	}
	tabletest.Matches(t, nb101data.LoadLabelled, nasbench101.LoadLabelled)
	tabletest.Matches(t, nb101data.LoadNASLib500, nasbench101.LoadNASLib500)
}

// TestLoadFiles reads a full-size labelled file, keyed by fingerprint as
// the benchmark's is and written from the built-in table, with the folder
// loader: it must find every cell and give back the same table.
func TestLoadFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("joining the labelled cells enumerates the whole space; skipped under -short")
	}
	b, err := nb101data.LoadLabelled()
	require.NoError(t, err)
	byHash := func(i int, _ string) (string, error) { return b.Archs[i].(nasbench101.Cell).Fingerprint(), nil }
	tabletest.LoadsBack(t, b, nasbench101.LabelledFile, "hash", byHash, nasbench101.LoadLabelled)
}

func BenchmarkLoadLabelled(b *testing.B)  { tabletest.BenchmarkLoad(b, nb101data.LoadLabelled) }
func BenchmarkLoadNASLib500(b *testing.B) { tabletest.BenchmarkLoad(b, nb101data.LoadNASLib500) }
