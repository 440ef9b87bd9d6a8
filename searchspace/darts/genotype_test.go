package darts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/parsetest"
)

// dartsV2Python is DARTS_V2 as DARTS's genotypes.py writes it.
const dartsV2Python = "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"

var dartsV2 = Genotype{
	Normal: Cell{{"sep_conv_3x3", 0}, {"sep_conv_3x3", 1}, {"sep_conv_3x3", 0}, {"sep_conv_3x3", 1}, {"sep_conv_3x3", 1}, {"skip_connect", 0}, {"skip_connect", 0}, {"dil_conv_3x3", 2}},
	Reduce: Cell{{"max_pool_3x3", 0}, {"max_pool_3x3", 1}, {"skip_connect", 2}, {"max_pool_3x3", 1}, {"max_pool_3x3", 0}, {"skip_connect", 2}, {"skip_connect", 2}, {"max_pool_3x3", 1}},
}

// row1 is the first row of nb301_subset.csv: its genotype and naslib_compact
// columns.
const (
	row1        = "normal=[(max_pool_3x3,0),(dil_conv_3x3,1),(avg_pool_3x3,1),(avg_pool_3x3,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(sep_conv_3x3,1),(skip_connect,3)];reduce=[(max_pool_3x3,1),(skip_connect,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(max_pool_3x3,3),(avg_pool_3x3,0),(max_pool_3x3,2),(dil_conv_5x5,3)]"
	row1Compact = "(((0,0),(1,5),(1,1),(0,1),(1,3),(0,3),(1,3),(3,2)),((1,0),(0,2),(1,3),(0,3),(3,0),(0,1),(2,0),(3,6)))"
)

var row1Genotype = Genotype{
	Normal: Cell{{"max_pool_3x3", 0}, {"dil_conv_3x3", 1}, {"avg_pool_3x3", 1}, {"avg_pool_3x3", 0}, {"sep_conv_3x3", 1}, {"sep_conv_3x3", 0}, {"sep_conv_3x3", 1}, {"skip_connect", 3}},
	Reduce: Cell{{"max_pool_3x3", 1}, {"skip_connect", 0}, {"sep_conv_3x3", 1}, {"sep_conv_3x3", 0}, {"max_pool_3x3", 3}, {"avg_pool_3x3", 0}, {"max_pool_3x3", 2}, {"dil_conv_5x5", 3}},
}

func TestForms(t *testing.T) {
	require.NoError(t, row1Genotype.Validate())
	assert.Equal(t, row1, row1Genotype.String())
	assert.Equal(t, row1Compact, row1Genotype.Compact())
	py := row1Genotype.Python()
	assert.True(t, strings.HasPrefix(py, "Genotype(normal=[('max_pool_3x3', 0), ('dil_conv_3x3', 1), "), py)
	assert.Contains(t, py, "], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 1), ")
	assert.True(t, strings.HasSuffix(py, "('dil_conv_5x5', 3)], reduce_concat=range(2, 6))"), py)

	for _, s := range []string{row1, row1Compact, py} {
		g, err := Parse(s)
		require.NoError(t, err, s)
		assert.Equal(t, row1Genotype, g, s)
	}
	g, err := ParsePython(py)
	require.NoError(t, err)
	assert.Equal(t, row1Genotype, g)
	g, err = ParseCompact(row1Compact)
	require.NoError(t, err)
	assert.Equal(t, row1Genotype, g)
}

func TestParsePythonVariants(t *testing.T) {
	normal := "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)]"
	reduce := "[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)]"
	tests := map[string]string{
		"genotypes.py":    dartsV2Python,
		"range concat":    "Genotype(normal=" + normal + ", normal_concat=range(2, 6), reduce=" + reduce + ", reduce_concat=range(2,6))",
		"double quotes":   strings.ReplaceAll(dartsV2Python, "'", `"`),
		"reordered":       "Genotype(reduce=" + reduce + ", reduce_concat=[5, 4, 3, 2], normal_concat=range(2, 6), normal=" + normal + ")",
		"trailing commas": "Genotype(normal=" + strings.Replace(normal, ")]", "),]", 1) + ", normal_concat=[2, 3, 4, 5,], reduce=" + reduce + ", reduce_concat=range(2, 6),)",
		"multi-line":      "  Genotype(\n\tnormal=" + normal + ",\n\tnormal_concat=range(2, 6),\n\treduce=" + reduce + ",\n\treduce_concat=range(2, 6)\n)\n",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			g, err := ParsePython(s)
			require.NoError(t, err)
			assert.Equal(t, dartsV2, g)
			g, err = Parse(s)
			require.NoError(t, err)
			assert.Equal(t, dartsV2, g)
		})
	}
	// The canonical Python form is genotypes.py's with range(2, 6).
	assert.Equal(t, tests["range concat"], strings.Replace(dartsV2.Python(), "range(2, 6))", "range(2,6))", 1))
}

func TestParseNB301Variants(t *testing.T) {
	for _, s := range []string{
		" normal = [ (max_pool_3x3, 0), (dil_conv_3x3,1),(avg_pool_3x3,1),(avg_pool_3x3,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(sep_conv_3x3,1),(skip_connect,3) ] ; reduce=[(max_pool_3x3,1),(skip_connect,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(max_pool_3x3,3),(avg_pool_3x3,0),(max_pool_3x3,2),(dil_conv_5x5,3)]\n",
		strings.ReplaceAll(strings.ReplaceAll(row1, "(", "('"), ",", "',"),
	} {
		// The second form quotes ops and also puts a quote before each
		// comma between edges, which must fail; only the first is valid.
		g, err := Parse(s)
		if strings.Contains(s, "'") {
			assert.ErrorIs(t, err, searchspace.ErrParse)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, row1Genotype, g)
	}
	quoted := strings.NewReplacer("(", "('", ",0)", "',0)", ",1)", "',1)", ",2)", "',2)", ",3)", "',3)", ",4)", "',4)").Replace(row1)
	g, err := Parse(quoted)
	require.NoError(t, err, quoted)
	assert.Equal(t, row1Genotype, g)
}

func TestParseErrors(t *testing.T) {
	v2normal := "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)]"
	tests := []struct {
		name    string
		s       string
		at      string // the problem is at the first occurrence of at ("" = end)
		off     int    // … plus off characters
		msg     string
		invalid bool // wraps ErrInvalidArch too
	}{
		{"empty", "", "", 0, "found end of text, expected normal", false},
		{"blank", "  ", "", 0, "found end of text, expected normal", false},
		{"other key", "reduce=[]", "reduce", 0, `found "reduce", expected normal`, false},
		{"unknown op", strings.Replace(row1, "dil_conv_3x3", "dil_conv_7x7", 1), "dil_conv_7x7", 0, `found unknown op "dil_conv_7x7" in edge 1 of the normal cell, expected one of max_pool_3x3, avg_pool_3x3`, true},
		{"none op", strings.Replace(row1, "max_pool_3x3", "none", 1), "none", 0, "found op none, which is not part of the DARTS genotype space in edge 0 of the normal cell", true},
		{"input too large", strings.Replace(row1, "(dil_conv_3x3,1)", "(dil_conv_3x3,2)", 1), "dil_conv_3x3", 0, "found input 2 of node 0 in edge 1 of the normal cell, expected an input state in 0..1", true},
		{"same inputs", strings.Replace(row1, "(dil_conv_3x3,1)", "(dil_conv_3x3,0)", 1), "dil_conv_3x3", 0, "found input state 0 again: both inputs of node 0 of the normal cell are state 0, expected two different input states", true},
		{"negative input", strings.Replace(row1, "(dil_conv_3x3,1)", "(dil_conv_3x3,-1)", 1), "-1", 0, "found a negative number, expected an input state", false},
		{"seven edges", strings.Replace(row1, ",(skip_connect,3)]", "]", 1), "];", 0, "found the end of the normal cell after 7 edges, expected 8 edges, two per intermediate node", true},
		{"nine edges", strings.Replace(row1, "(skip_connect,3)]", "(skip_connect,3),(skip_connect,4)]", 1), "(skip_connect,4)", 0, "found edge 9 of the normal cell, expected ']': a cell has 8 edges", true},
		{"missing semicolon", strings.Replace(row1, ";", "", 1), "reduce", 0, `found "reduce", expected ';' between the normal and the reduce cell`, false},
		{"trailing text", row1 + " extra", "extra", 0, `found trailing text "extra", expected end of text`, false},
		{"bad character", "normal=[(max_pool_3x3!", "!", 0, "found unexpected character '!'", false},
		{"non-ASCII", "normal=[(mäx", "ä", 0, "found unexpected character 'ä'", false},
		{"unterminated", "normal=[('max_pool_3x3,0)", "'", 0, "found an unterminated string, expected a closing ' for the string that starts here", false},
		{"huge input", strings.Replace(row1, ",0)", ",99999999999999999999)", 1), "9", 0, "found 99999999999999999999, which is too large, expected an input state", false},
		{"python no paren", "Genotype[", "[", 0, "found '[', expected '(' after Genotype", false},
		{"python unknown kw", "Genotype(normal=" + v2normal + ", foo=1)", "foo", 0, `found unknown keyword argument "foo", expected normal, normal_concat, reduce or reduce_concat`, false},
		{"python twice", "Genotype(normal=" + v2normal + ", normal=", ", normal=", 2, "found keyword argument normal a second time, expected each keyword argument once", false},
		{"python missing", "Genotype(normal=" + v2normal + ", normal_concat=range(2, 6))", "))", 1, "found ')', expected keyword argument reduce before ')'", false},
		{"python concat", "Genotype(normal_concat=range(2, 5)", "range", 0, "found normal_concat [2 3 4], expected normal_concat to be range(2, 6), all four intermediate nodes", true},
		{"python concat list", "Genotype(normal_concat=[2, 3, 4, 4])", "[", 0, "expected normal_concat to be range(2, 6)", true},
		{"python concat other", "Genotype(normal_concat=list(range(2, 6)))", "list", 0, `found "list", expected range(2, 6) or [2, 3, 4, 5] for normal_concat`, false},
		{"python none op", "Genotype(normal=" + strings.Replace(v2normal, "skip_connect", "none", 1) + ")", "'none'", 0, "found op none, which is not part of", true},
		{"python unclosed", "Genotype(normal=" + v2normal, "", 0, "found end of text, expected ',' between keyword arguments", false},
		{"compact op index", "(((0,7)", "7", 0, "found op index 7, expected an op index 0..6", false},
		{"compact short", "(((0,0),(1,1))", "))", 1, "found ')', expected ','", false},
		{"compact invalid", strings.Replace(row1Compact, "(1,5)", "(0,5)", 1), "(0,5)", 0, "found input state 0 again: both inputs of node 0 of the normal cell are state 0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.s)
			parsetest.Check(t, err, "darts genotype", tt.s, parsetest.Column(tt.s, tt.at, tt.off), tt.msg, tt.invalid)
		})
	}
}

func TestValidate(t *testing.T) {
	g := row1Genotype
	require.NoError(t, g.Validate())
	bad := g
	bad.Reduce[7].Input = 5
	err := bad.Validate()
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.Contains(t, err.Error(), "darts reduce cell, edge 7: input 5 of node 3, want an input state in 0..4")
	bad = g
	bad.Normal[6].Input = bad.Normal[7].Input
	assert.ErrorContains(t, bad.Validate(), "both inputs of node 3")
	bad = g
	bad.Normal[0].Op = "conv_3x3"
	assert.ErrorContains(t, bad.Validate(), `unknown op "conv_3x3"`)
	assert.ErrorIs(t, Genotype{}.Validate(), searchspace.ErrInvalidArch)
}

func TestCanonical(t *testing.T) {
	c := row1Genotype.Canonical()
	require.NoError(t, c.Validate())
	// Node 1 of the normal cell reads (avg_pool_3x3,1),(avg_pool_3x3,0):
	// swapped to input order.
	assert.Equal(t, Edge{"avg_pool_3x3", 0}, c.Normal[2])
	assert.Equal(t, Edge{"avg_pool_3x3", 1}, c.Normal[3])
	assert.Equal(t, row1Genotype.Normal[0], c.Normal[0])
	assert.Equal(t, c, c.Canonical())
	// Swapping the edges of any node gives the same canonical form.
	sw := row1Genotype
	sw.Reduce[4], sw.Reduce[5] = sw.Reduce[5], sw.Reduce[4]
	assert.NotEqual(t, row1Genotype.String(), sw.String())
	assert.Equal(t, c, sw.Canonical())
}

func TestOpIndex(t *testing.T) {
	for i, o := range Ops {
		assert.Equal(t, i, OpIndex(o))
	}
	assert.Equal(t, -1, OpIndex("none"))
	g := row1Genotype
	g.Normal[0].Op = "bogus"
	assert.Contains(t, g.Compact(), "(0,-1)")
}
