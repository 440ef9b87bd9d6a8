package autoformer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace/internal/parsetest"
)

func TestStringParse(t *testing.T) {
	v := ViT{Embed: 192, Heads: []int{3, 4, 3}, MLPRatios: []float64{3.5, 4, 4}}
	const s = "embed=192;depth=3;heads=3,4,3;mlp=3.5,4,4"
	assert.Equal(t, s, v.String())
	p, err := Parse(s)
	require.NoError(t, err)
	assert.Equal(t, v, p)
	// Other spellings of the ratios parse to the same ViT.
	p, err = Parse("embed=192;depth=3;heads=3,4,3;mlp=3.50,4.0,4")
	require.NoError(t, err)
	assert.Equal(t, v, p)
	assert.Equal(t, 3, p.Depth())
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, s, at, msg string
	}{
		{"empty", "", "", "found end of string, expected embed= (the form is embed=E;depth=D;heads=h1,…;mlp=r1,…)"},
		{"other key", "depth=3", "depth", "found 'd', expected embed="},
		{"no embed", "embed=;depth=1", ";", "found ';', expected the embedding dimension (a number)"},
		{"no semicolon", "embed=192,depth=1", ",", "found ',', expected ';' before depth="},
		{"zero depth", "embed=192;depth=0;heads=1;mlp=1", "0;", "found depth 0, expected a depth of 1 to 1024"},
		{"huge", "embed=1234567890123;depth=1", "1234", "found 1234567890123, which is too large, expected the embedding dimension"},
		{"too few heads", "embed=192;depth=3;heads=3,4;mlp=4,4,4", ";mlp", "found ';', expected ',' and head count 3 of the 3 (depth=3)"},
		{"too many heads", "embed=192;depth=2;heads=3,4,5;mlp=4,4", "5;", "found head count 3 of a network of depth=2, expected 2 head counts, one per layer"},
		{"empty head", "embed=192;depth=2;heads=3,,4;mlp=4,4", ",4;", "found ',', expected the heads of layer 1 (a number)"},
		{"too few ratios", "embed=192;depth=2;heads=3,4;mlp=4", "", "found end of string, expected ',' and MLP ratio 2 of the 2 (depth=2)"},
		{"too many ratios", "embed=192;depth=1;heads=3;mlp=4,4", ",4", "found MLP ratio 2 of a network of depth=1, expected 1 MLP ratios, one per layer"},
		{"bad ratio", "embed=192;depth=1;heads=3;mlp=4.", "", "found end of string, expected digits after the decimal point of the MLP ratio of layer 0"},
		{"signed", "embed=192;depth=1;heads=-3;mlp=4", "-", "found '-', expected the heads of layer 0 (a number)"},
		{"exponent", "embed=192;depth=1;heads=3;mlp=4e0", "e0", "found 'e', expected the end of the string"},
		{"blank", "embed=192; depth=1", " ", "found ' ', expected depth="},
		{"trailing", "embed=192;depth=1;heads=3;mlp=4;", ";", "found ';', expected the end of the string"},
		{"non-ASCII", "embed=19ö", "ö", "found 'ö', expected ';' before depth="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.s)
			col := parsetest.Column(tt.s, tt.at, 0)
			if tt.name == "trailing" || tt.name == "too many ratios" { // the last character
				col = len(tt.s)
			}
			parsetest.Check(t, err, "autoformer arch", tt.s, col, tt.msg, false)
		})
	}
}
