package spacetest

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
)

// recorder is a TB that keeps what Check reports.
type recorder struct{ msgs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// toyArch is three digits 0..2, written "d-d-d".
type toyArch [3]int

func (a toyArch) String() string { return fmt.Sprintf("%d-%d-%d", a[0], a[1], a[2]) }

// toy is a small correct space; each field breaks one part of the contract.
type toy struct {
	maxNodes     int  // declared MaxNodes (0: the right 5)
	features     int  // declared NumFeatures (the encodings have none)
	backward     bool // Encode writes an edge 2→1
	ragged       bool // Encode's length depends on the architecture
	maxUnits     int  // with ragged: implement VariableDepth with this
	sameMutate   bool // Mutate returns its argument
	unseeded     bool // Sample and Mutate draw from the global source
	constant     bool // Sample ignores its rng
	parsePanics  bool // Parse indexes its input unchecked
	looseParse   bool // Parse errors wrap no sentinel
	acceptsEmpty bool // Parse("") succeeds
	assertType   bool // Validate and Encode assert the Arch's type unchecked
	size         int  // declared Size (0: the right 27)
	duplicate    bool // All yields architecture 0 twice
	drift        bool // Encode changes from call to call
	strict       bool // Validate rejects architectures with a 2
	calls        atomic.Int64
}

var (
	_ searchspace.Enumerable = (*toy)(nil)
	_ searchspace.Enumerable = (*deepToy)(nil)
)

func (s *toy) Name() string      { return "toy" }
func (s *toy) OpNames() []string { return []string{"input", "output", "op0", "op1", "op2"} }
func (s *toy) NumFeatures() int  { return s.features }
func (s *toy) MaxNodes() int {
	if s.maxNodes != 0 {
		return s.maxNodes
	}
	return 5
}

func (s *toy) Size() int {
	if s.size != 0 {
		return s.size
	}
	return 27
}

func (s *toy) All() iter.Seq2[int, searchspace.Arch] {
	return func(yield func(int, searchspace.Arch) bool) {
		i := 0
		for n := range 27 {
			if s.duplicate && n == 1 {
				n = 0
			}
			if !yield(i, toyArch{n / 9, n / 3 % 3, n % 3}) {
				return
			}
			i++
		}
	}
}

func (s *toy) intN(rng *rand.Rand, n int) int {
	if s.unseeded {
		return rand.IntN(n)
	}
	return rng.IntN(n)
}

func (s *toy) Sample(rng *rand.Rand) searchspace.Arch {
	if s.constant {
		return toyArch{1, 2, 0}
	}
	return toyArch{s.intN(rng, 3), s.intN(rng, 3), s.intN(rng, 3)}
}

func (s *toy) arch(a searchspace.Arch) (toyArch, error) {
	if s.assertType {
		return a.(toyArch), nil
	}
	t, ok := a.(toyArch)
	if !ok {
		return t, fmt.Errorf("%w: %T is not a toy architecture", searchspace.ErrInvalidArch, a)
	}
	if s.strict && (t[0] == 2 || t[1] == 2 || t[2] == 2) {
		return t, fmt.Errorf("%w: toy %s has a 2", searchspace.ErrInvalidArch, t)
	}
	return t, nil
}

func (s *toy) Validate(a searchspace.Arch) error { _, err := s.arch(a); return err }

func (s *toy) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	t, err := s.arch(a)
	if err != nil {
		return nil, err
	}
	if s.sameMutate {
		return t, nil
	}
	i := s.intN(rng, 3)
	t[i] = (t[i] + 1 + s.intN(rng, 2)) % 3
	return t, nil
}

func (s *toy) Parse(str string) (searchspace.Arch, error) {
	if s.parsePanics {
		_ = str[4] // out of range for short input
	}
	if str == "" && s.acceptsEmpty {
		return toyArch{}, nil
	}
	var t toyArch
	if len(str) != 5 || str[1] != '-' || str[3] != '-' {
		if s.looseParse {
			return nil, errors.New("bad toy")
		}
		return nil, &searchspace.ParseError{What: "toy arch", Input: str, Offset: min(len(str), 5), Expected: "d-d-d"}
	}
	for i := range t {
		c := str[2*i]
		if c < '0' || c > '2' {
			return nil, &searchspace.ParseError{What: "toy arch", Input: str, Offset: 2 * i, Expected: "a digit 0, 1 or 2"}
		}
		t[i] = int(c - '0')
	}
	return t, nil
}

func (s *toy) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	t, err := s.arch(a)
	if err != nil {
		return nil, err
	}
	n := 3
	if s.ragged {
		n = 1 + t[0]
	}
	seq := make(searchspace.Sequence, n)
	for i := range seq {
		g := searchspace.NewGraph(0, 2+t[i%3], 1)
		g.Adj[0][1], g.Adj[1][2] = true, true
		if s.backward {
			g.Adj[2][1] = true
		}
		if s.drift && s.calls.Add(1)%2 == 0 {
			g.Ops[1] = 2
		}
		seq[i] = g
	}
	return seq, nil
}

func (s *toy) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	t, err := s.arch(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	g := searchspace.NewGraph(0, 2+t[0], 2+t[1], 2+t[2], 1)
	for i := range 4 {
		g.Adj[i][i+1] = true
	}
	return g, nil
}

// deepToy is a ragged toy that declares its depth.
type deepToy struct{ *toy }

func (d deepToy) MaxUnits() int { return d.maxUnits }

// computableToy is a toy that declares what its node types compute, with
// one primitive too few when short is set.
type computableToy struct {
	*toy
	short bool
}

func (c computableToy) Primitives() searchspace.Primitives {
	ops := []searchspace.Primitive{{Kind: searchspace.Input}, {Kind: searchspace.Output},
		{Kind: searchspace.Conv, Kernel: 1}, {Kind: searchspace.Conv, Kernel: 3}, {Kind: searchspace.MaxPool, Kernel: 3}}
	if c.short {
		ops = ops[:4]
	}
	return searchspace.Primitives{Ops: ops}
}

// problems runs Check on s and returns what it reported.
func problems(s searchspace.SearchSpace, opts ...Option) []string {
	var r recorder
	Check(&r, s, append([]Option{WithSamples(20)}, opts...)...)
	return r.msgs
}

func TestCorrectSpacePasses(t *testing.T) {
	if msgs := problems(&toy{}); len(msgs) > 0 {
		t.Errorf("Check reported problems of a correct space:\n%s", strings.Join(msgs, "\n"))
	}
	if msgs := problems(deepToy{&toy{ragged: true, maxUnits: 3}}); len(msgs) > 0 {
		t.Errorf("Check reported problems of a correct VariableDepth space:\n%s", strings.Join(msgs, "\n"))
	}
	if msgs := problems(computableToy{toy: &toy{}}); len(msgs) > 0 {
		t.Errorf("Check reported problems of a correct Computable space:\n%s", strings.Join(msgs, "\n"))
	}
	// The spacetest's own TB: a real test passes.
	Check(t, &toy{}, WithSeed(9), WithMaxEnumerate(5))
}

// TestBrokenSpacesAreReported: each broken space gets a report that names
// what to fix, and quotes an architecture string where one is involved.
func TestBrokenSpacesAreReported(t *testing.T) {
	tests := []struct {
		name  string
		space searchspace.SearchSpace
		want  []string // substrings of one report
	}{
		{"too few MaxNodes", &toy{maxNodes: 2}, []string{`EncodeCell("`, "graph has 5 nodes", "raise MaxNodes"}},
		{"wrong NumFeatures", &toy{features: 2}, []string{`Encode("`, "NumFeatures() is 2"}},
		{"backward edge", &toy{backward: true}, []string{`Encode("`, "edge 2→1 does not go forward", "topological order"}},
		{"ragged without MaxUnits", &toy{ragged: true}, []string{"units but Encode(", "must implement searchspace.VariableDepth (MaxUnits"}},
		{"MaxUnits too small", deepToy{&toy{ragged: true, maxUnits: 2}}, []string{`Encode("2-`, "more than MaxUnits() = 2", "raise MaxUnits"}},
		{"MaxUnits zero", deepToy{&toy{ragged: true}}, []string{"MaxUnits() is 0"}},
		{"Mutate returns the same", &toy{sameMutate: true}, []string{`Mutate("`, "returned the same architecture"}},
		{"unseeded Sample", &toy{unseeded: true}, []string{"Sample is not reproducible", "draw only from the rng"}},
		{"unseeded Mutate", &toy{unseeded: true}, []string{`Mutate("`, "is not reproducible"}},
		{"Sample ignores its rng", &toy{constant: true}, []string{"Sample ignores its rng", `"1-2-0"`}},
		{"Parse panics", &toy{parsePanics: true}, []string{`Parse("")`, "panicked", "return an error"}},
		{"Parse error without sentinel", &toy{looseParse: true}, []string{"wraps neither searchspace.ErrParse nor searchspace.ErrInvalidArch"}},
		{"Parse accepts empty", &toy{acceptsEmpty: true}, []string{`Parse("")`, "returned 0-0-0 and no error"}},
		{"foreign Arch panics", &toy{assertType: true}, []string{"Validate of a foreign Arch", "panicked"}},
		{"wrong Size", &toy{size: 30}, []string{"All yielded 27 architectures, Size() is 30"}},
		{"Size too small", &toy{size: 20}, []string{"All yields more than Size() = 20"}},
		{"duplicate in All", &toy{duplicate: true}, []string{`All yielded "0-0-0" at indices 0 and 1`}},
		{"Encode drifts", &toy{drift: true}, []string{`Encode("`, "not deterministic"}},
		{"Validate rejects samples", &toy{strict: true}, []string{`Validate("`, "has a 2", "Sample must return members"}},
		{"nil space", nil, []string{"the space is nil"}},
		{"Primitives too short", computableToy{toy: &toy{}, short: true}, []string{"invalid primitives declaration", "4 primitives for 5 node types"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := problems(tt.space)
			if len(msgs) == 0 {
				t.Fatalf("Check reported nothing")
			}
			for _, m := range msgs {
				if !strings.HasPrefix(m, "spacetest: ") {
					t.Errorf("report %q does not start with spacetest:", m)
				}
				ok := true
				for _, w := range tt.want {
					ok = ok && strings.Contains(m, w)
				}
				if ok {
					return
				}
			}
			t.Errorf("no report contains all of %q; got:\n%s", tt.want, strings.Join(msgs, "\n"))
		})
	}
}

func TestRepeatedProblemsAreCounted(t *testing.T) {
	msgs := problems(&toy{maxNodes: 2}, WithSamples(10), WithMaxEnumerate(0))
	found := false
	for _, m := range msgs {
		if strings.Contains(m, "raise MaxNodes") && strings.Contains(m, "(and 9 more like it)") {
			found = true
		}
	}
	if !found {
		t.Errorf("no counted report among:\n%s", strings.Join(msgs, "\n"))
	}
}

func TestOptions(t *testing.T) {
	// A space whose All is wrong passes when the enumeration is skipped.
	if msgs := problems(&toy{size: 30}, WithMaxEnumerate(0)); len(msgs) > 0 {
		t.Errorf("WithMaxEnumerate(0) still walked All:\n%s", strings.Join(msgs, "\n"))
	}
	// A capped walk checks the first n only.
	if msgs := problems(&toy{duplicate: true}, WithMaxEnumerate(1)); len(msgs) > 0 {
		t.Errorf("WithMaxEnumerate(1) checked beyond the first architecture:\n%s", strings.Join(msgs, "\n"))
	}
	for _, seed := range []uint64{0, 1, 12345} {
		if msgs := problems(&toy{}, WithSeed(seed), WithSamples(3)); len(msgs) > 0 {
			t.Errorf("seed %d:\n%s", seed, strings.Join(msgs, "\n"))
		}
	}
}
