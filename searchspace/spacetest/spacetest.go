package spacetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hypernas/go-hypernas/searchspace"
)

// TB is the part of testing.TB that Check uses; *testing.T and *testing.B
// implement it, and a test can fake it to see what Check reports.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Option configures Check.
type Option func(*config)

type config struct {
	samples      int
	seed         uint64
	maxEnumerate int // < 0: all
}

// DefaultSamples is the number of architectures Check draws by default.
const DefaultSamples = 32

// WithSamples sets how many architectures Check draws with Sample and
// checks (default DefaultSamples, at least 2).
func WithSamples(n int) Option { return func(c *config) { c.samples = max(n, 2) } }

// WithSeed sets the seed of Check's random draws (default 1).
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithMaxEnumerate limits the check of an Enumerable space's All to its
// first n architectures, for spaces too large to walk in a test (NB101 has
// 423,624); 0 skips it. By default All is walked to the end.
func WithMaxEnumerate(n int) Option { return func(c *config) { c.maxEnumerate = max(n, 0) } }

// goroutines is the number of goroutines that encode at once.
const goroutines = 4

// Check runs the conformance checks on space and reports each problem
// found with t.Errorf (one report per kind of problem, with a count of the
// architectures that have it). See the package documentation for what is
// checked.
func Check(t TB, space searchspace.SearchSpace, opts ...Option) {
	t.Helper()
	cfg := config{samples: DefaultSamples, seed: 1, maxEnumerate: -1}
	for _, o := range opts {
		o(&cfg)
	}
	c := &checker{cfg: cfg, space: space, count: map[string]int{}}
	c.run()
	for _, k := range c.order {
		msg := c.first[k]
		if n := c.count[k]; n > 1 {
			msg += fmt.Sprintf(" (and %d more like it)", n-1)
		}
		t.Errorf("%s", msg)
	}
}

// checker holds one run of Check.
type checker struct {
	cfg   config
	space searchspace.SearchSpace
	name  string
	// Problems by kind, in the order first seen.
	order []string
	first map[string]string
	count map[string]int
}

// fail records a problem of the given kind.
func (c *checker) fail(kind, format string, args ...any) {
	if c.first == nil {
		c.first = map[string]string{}
	}
	if _, ok := c.first[kind]; !ok {
		c.order = append(c.order, kind)
		c.first[kind] = "spacetest: " + c.name + ": " + fmt.Sprintf(format, args...)
	}
	c.count[kind]++
}

// safe runs f and turns a panic into a problem of the given kind; it
// reports whether f returned normally.
func (c *checker) safe(kind, call string, f func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			c.fail(kind+" panic", "%s panicked: %v: return an error instead of panicking", call, r)
			ok = false
		}
	}()
	f()
	return true
}

// q quotes an architecture string for a message, cut to a readable length.
func q(s string) string {
	const shown = 100
	n := 0
	for i := range s {
		if n == shown {
			return strconv.Quote(s[:i]) + fmt.Sprintf("... (%d bytes)", len(s))
		}
		n++
	}
	return strconv.Quote(s)
}

// str is a.String() that survives a panicking String method.
func (c *checker) str(a searchspace.Arch) string {
	s := "<String panicked>"
	c.safe("String", fmt.Sprintf("String of a %T", a), func() { s = a.String() })
	return s
}

func (c *checker) run() {
	if c.space == nil {
		c.name = "<nil>"
		c.fail("nil", "the space is nil")
		return
	}
	c.name = fmt.Sprintf("%T", c.space)
	if !c.safe("declarations", "Name()", func() { c.name = c.space.Name() }) || c.name == "" {
		c.name = fmt.Sprintf("%T", c.space)
		c.fail("Name", "Name() is empty: return a short identifier such as \"nb201\"")
	}
	if !c.declarations() {
		return
	}
	archs := c.samples()
	if len(archs) == 0 {
		return
	}
	ref := c.perArch(archs)
	c.concurrent(archs, ref)
	c.malformed(archs)
	c.foreign()
	if e, ok := c.space.(searchspace.Enumerable); ok {
		c.enumerate(e)
	}
}

// declarations checks what the space declares about its encodings.
func (c *checker) declarations() bool {
	ok := c.safe("declarations", "a declaration method", func() {
		names := c.space.OpNames()
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				c.fail("OpNames", "OpNames() lists %q twice: name each node type once", n)
			}
			seen[n] = true
		}
		if len(names) > 0 {
			keep := names[0]
			names[0] = keep + "\x00changed"
			if again := c.space.OpNames(); len(again) > 0 && again[0] != keep {
				c.fail("OpNames", "OpNames() returns the space's own slice, which a caller can change: return a copy")
			}
			names[0] = keep
		}
	})
	if !ok {
		return false
	}
	// ValidateCell checks the declarations before the graph, and the probe
	// graph fits any space that declares them sensibly.
	if err := searchspace.ValidateCell(c.space, c.probeGraph()); err != nil {
		c.fail("declarations", "%v", err)
		return false
	}
	// A space that says what its operations compute (for the
	// hypernetwork's target network) must say it consistently.
	if _, ok := c.space.(searchspace.Computable); ok {
		c.safe("Primitives", "Primitives()", func() {
			if _, err := searchspace.PrimitivesOf(c.space); err != nil {
				c.fail("Primitives", "%v", err)
			}
		})
	}
	return true
}

// probeGraph is a one-node graph that fits every space that declares at
// least one node type, one node and NumFeatures ≥ 0 features.
func (c *checker) probeGraph() searchspace.Graph {
	g := searchspace.NewGraph(0)
	if n := c.space.NumFeatures(); n > 0 {
		g.Features = [][]float64{make([]float64, n)}
	}
	return g
}

func (c *checker) rng(i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(c.cfg.seed, i))
}

// draw samples n architectures with one rng of the given stream.
func (c *checker) draw(stream uint64) ([]searchspace.Arch, []string) {
	rng := c.rng(stream)
	var archs []searchspace.Arch
	var strs []string
	for i := range c.cfg.samples {
		var a searchspace.Arch
		if !c.safe("Sample", "Sample(rng)", func() { a = c.space.Sample(rng) }) {
			return nil, nil
		}
		if a == nil {
			c.fail("Sample nil", "Sample returned a nil Arch (draw %d): return an architecture of the space", i)
			return nil, nil
		}
		archs = append(archs, a)
		strs = append(strs, c.str(a))
	}
	return archs, strs
}

// samples draws the architectures to check and checks that Sample depends
// on its seed only.
func (c *checker) samples() []searchspace.Arch {
	archs, strs := c.draw(0)
	if archs == nil {
		return nil
	}
	_, again := c.draw(0)
	if again != nil && !slices.Equal(strs, again) {
		i := 0
		for strs[i] == again[i] {
			i++
		}
		c.fail("Sample seed", "Sample is not reproducible: with the same seed, draw %d was %s and then %s: draw only from the rng Sample is given", i, q(strs[i]), q(again[i]))
	}
	_, other := c.draw(1)
	if other != nil && slices.Equal(strs, other) && !c.single() {
		c.fail("Sample seed", "Sample ignores its rng: two different seeds drew the same %d architectures (the first %s): draw from the rng Sample is given", len(strs), q(strs[0]))
	}
	return archs
}

// single reports whether the space is an Enumerable space of one
// architecture, which every seed must draw.
func (c *checker) single() bool {
	e, ok := c.space.(searchspace.Enumerable)
	n := 2
	if ok {
		c.safe("Size", "Size()", func() { n = e.Size() })
	}
	return n <= 1
}

// encoded is what the serial pass computed for one architecture, for the
// concurrent pass to compare with.
type encoded struct {
	str   string
	valid bool // Validate accepted it
	seq   searchspace.Sequence
	cell  *searchspace.Graph
}

// perArch runs the checks of each sampled architecture alone.
func (c *checker) perArch(archs []searchspace.Arch) []encoded {
	ref := make([]encoded, len(archs))
	var firstLen int
	var firstStr string
	variable := false
	if _, ok := c.space.(searchspace.VariableDepth); ok {
		variable = true
	}
	for i, a := range archs {
		s := c.str(a)
		ref[i].str = s
		ref[i].valid = c.validate(s, a)
		parsed := c.roundTrip(s)

		seq, ok := c.encode(s, a)
		if ok {
			ref[i].seq = seq
			if parsed != nil {
				if again, ok := c.encode(s, parsed); ok && !equalSeq(seq, again) {
					c.fail("Encode parsed", "Encode of Parse(%s) differs from Encode of the sampled architecture: architectures with equal strings must encode the same", q(s))
				}
			}
			switch {
			case variable:
			case firstLen == 0:
				firstLen, firstStr = len(seq), s
			case len(seq) != firstLen:
				c.fail("Encode length", "Encode(%s) has %d units but Encode(%s) has %d: a space whose networks differ in depth must implement searchspace.VariableDepth (MaxUnits, the longest sequence)", q(s), len(seq), q(firstStr), firstLen)
			}
		}
		if g, ok := c.encodeCell(s, a); ok {
			ref[i].cell = &g
		}
		c.mutate(s, a, uint64(100+i))
	}
	return ref
}

func (c *checker) validate(s string, a searchspace.Arch) bool {
	var err error
	if !c.safe("Validate", "Validate("+q(s)+")", func() { err = c.space.Validate(a) }) {
		return false
	}
	if err != nil {
		c.fail("Validate sample", "Validate(%s) of a sampled architecture: %v: Sample must return members of the space, or Validate is too strict", q(s), err)
		return false
	}
	return true
}

// unnamed is err's text without a leading "<space name>: ", which the
// report already starts with.
func (c *checker) unnamed(err error) string {
	return strings.TrimPrefix(err.Error(), c.name+": ")
}

// also formats a second error for a message, or nothing.
func also(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

// roundTrip checks Parse(String(a)); it returns the parsed architecture.
func (c *checker) roundTrip(s string) searchspace.Arch {
	var p searchspace.Arch
	var err error
	if !c.safe("Parse", "Parse("+q(s)+")", func() { p, err = c.space.Parse(s) }) {
		return nil
	}
	switch {
	case err != nil:
		c.fail("Parse round trip", "Parse(%s) of a sampled architecture's String: %v: Parse must read what String writes", q(s), err)
		return nil
	case p == nil:
		c.fail("Parse round trip", "Parse(%s) returned a nil Arch and no error", q(s))
		return nil
	}
	if ps := c.str(p); ps != s {
		c.fail("Parse round trip", "Parse(%s).String() is %s: String must write the form Parse reads, the same for equal architectures", q(s), q(ps))
	}
	var verr error
	c.safe("Validate", "Validate of Parse("+q(s)+")", func() { verr = c.space.Validate(p) })
	if verr != nil {
		c.fail("Validate parsed", "Validate(Parse(%s)): %v: Parse must return architectures that Validate accepts", q(s), verr)
	}
	return p
}

// encode checks one Encode call and its repetition.
func (c *checker) encode(s string, a searchspace.Arch) (searchspace.Sequence, bool) {
	var seq, again searchspace.Sequence
	var err, err2 error
	if !c.safe("Encode", "Encode("+q(s)+")", func() {
		seq, err = c.space.Encode(a)
		again, err2 = c.space.Encode(a)
	}) {
		return nil, false
	}
	if err != nil {
		c.fail("Encode", "Encode(%s): %v: every valid architecture must encode", q(s), err)
		return nil, false
	}
	if err := searchspace.ValidateSequence(c.space, seq); err != nil {
		c.fail("Encode well-formed", "Encode(%s): %s", q(s), c.unnamed(err))
		return nil, false
	}
	if err2 != nil || !equalSeq(seq, again) {
		c.fail("Encode deterministic", "Encode(%s) is not deterministic: a second call gave a different sequence%s: Encode must depend on the architecture only", q(s), also(err2))
	}
	return seq, true
}

func (c *checker) encodeCell(s string, a searchspace.Arch) (searchspace.Graph, bool) {
	var g, again searchspace.Graph
	var err, err2 error
	if !c.safe("EncodeCell", "EncodeCell("+q(s)+")", func() {
		g, err = c.space.EncodeCell(a)
		again, err2 = c.space.EncodeCell(a)
	}) {
		return g, false
	}
	if err != nil {
		c.fail("EncodeCell", "EncodeCell(%s): %v: every valid architecture must encode", q(s), err)
		return g, false
	}
	if err := searchspace.ValidateCell(c.space, g); err != nil {
		c.fail("EncodeCell well-formed", "EncodeCell(%s): %s", q(s), c.unnamed(err))
		return g, false
	}
	if err2 != nil || !equalGraph(g, again) {
		c.fail("EncodeCell deterministic", "EncodeCell(%s) is not deterministic: a second call gave a different graph%s: EncodeCell must depend on the architecture only", q(s), also(err2))
	}
	return g, true
}

// mutate checks Mutate on a with the rng stream i.
func (c *checker) mutate(s string, a searchspace.Arch, stream uint64) {
	var m, m2 searchspace.Arch
	var err, err2 error
	if !c.safe("Mutate", "Mutate("+q(s)+")", func() {
		m, err = c.space.Mutate(a, c.rng(stream))
		m2, err2 = c.space.Mutate(a, c.rng(stream))
	}) {
		return
	}
	switch {
	case err != nil:
		c.fail("Mutate", "Mutate(%s): %v: every valid architecture must have a neighbour", q(s), err)
		return
	case m == nil:
		c.fail("Mutate", "Mutate(%s) returned a nil Arch and no error", q(s))
		return
	}
	ms := c.str(m)
	if after := c.str(a); after != s {
		c.fail("Mutate modifies", "Mutate(%s) changed its argument to %s: copy the architecture before changing it", q(s), q(after))
	}
	if ms == s {
		c.fail("Mutate same", "Mutate(%s) returned the same architecture: Mutate must return a neighbour that differs (by String)", q(s))
	}
	var verr error
	c.safe("Validate", "Validate of Mutate("+q(s)+")", func() { verr = c.space.Validate(m) })
	if verr != nil {
		c.fail("Mutate valid", "Mutate(%s) returned %s, which Validate rejects: %v", q(s), q(ms), verr)
	}
	if err2 != nil || m2 == nil || c.str(m2) != ms {
		again := "nothing" + also(err2)
		if m2 != nil {
			again = q(c.str(m2))
		}
		c.fail("Mutate seed", "Mutate(%s) is not reproducible: the same seed gave %s and then %s: draw only from the rng Mutate is given", q(s), q(ms), again)
	}
}

// concurrent encodes, validates and parses every architecture from several
// goroutines at once and compares with the serial results.
func (c *checker) concurrent(archs []searchspace.Arch, ref []encoded) {
	type problem struct{ kind, msg string }
	var mu sync.Mutex
	var problems []problem
	report := func(kind, format string, args ...any) {
		mu.Lock()
		problems = append(problems, problem{kind, fmt.Sprintf(format, args...)})
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for w := range goroutines {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					report("concurrent panic", "a concurrent call panicked: %v: Encode, EncodeCell, Validate and Parse must be safe for concurrent use", r)
				}
			}()
			for k := range archs {
				i := (k + w*len(archs)/goroutines) % len(archs) // each goroutine starts elsewhere
				a, r := archs[i], ref[i]
				if r.seq != nil {
					if seq, err := c.space.Encode(a); err != nil || !equalSeq(seq, r.seq) {
						report("concurrent Encode", "Encode(%s) from %d goroutines at once gave a different sequence than alone%s: Encode must be safe for concurrent use, the predictor encodes in parallel", q(r.str), goroutines, also(err))
					}
				}
				if r.cell != nil {
					if g, err := c.space.EncodeCell(a); err != nil || !equalGraph(g, *r.cell) {
						report("concurrent EncodeCell", "EncodeCell(%s) from %d goroutines at once gave a different graph than alone%s: EncodeCell must be safe for concurrent use", q(r.str), goroutines, also(err))
					}
				}
				if err := c.space.Validate(a); r.valid && err != nil {
					report("concurrent Validate", "Validate(%s) from %d goroutines at once: %v: Validate must be safe for concurrent use", q(r.str), goroutines, err)
				}
				if p, err := c.space.Parse(r.str); err == nil && p != nil && p.String() != r.str {
					report("concurrent Parse", "Parse(%s) from %d goroutines at once gave %s: Parse must be safe for concurrent use", q(r.str), goroutines, q(p.String()))
				}
			}
		})
	}
	wg.Wait()
	for _, p := range problems {
		c.fail(p.kind, "%s", p.msg)
	}
}

// malformed parses broken forms of sampled strings: Parse must return an
// error wrapping ErrParse or ErrInvalidArch, or a valid architecture whose
// string parses back to itself, and never panic.
func (c *checker) malformed(archs []searchspace.Arch) {
	s := c.str(archs[0])
	c.parseBad("", true)
	c.parseBad("\x00\xff\xfe\xfd", true)
	// Truncations of a valid string: at most 200 of them, evenly spread.
	step := max(1, len(s)/200)
	for k := 0; k < len(s); k += step {
		c.parseBad(s[:k], false)
	}
	rng := c.rng(7)
	junk := []string{
		s + "x", s + "\x00", " " + s, s + " ", s[:len(s)/2] + "\xff" + s[len(s)/2:],
		"(((((", "[[[[[", "||||", ";;;;", ",", "-1", "NaN", "\u00e9\u4e2d", strings.Repeat("9", 400),
		strings.Repeat("(", 1<<16), strings.Repeat("[", 1<<16),
		strings.Repeat(s, max(2, (1<<20)/max(len(s), 1))), // about 1 MB
	}
	for range 3 {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		junk = append(junk, string(b))
	}
	for _, in := range junk {
		c.parseBad(in, false)
	}
}

// parseBad parses one malformed input; with mustFail a success is an error.
func (c *checker) parseBad(in string, mustFail bool) {
	var a searchspace.Arch
	var err error
	if !c.safe("Parse malformed", "Parse("+q(in)+")", func() { a, err = c.space.Parse(in) }) {
		return
	}
	if err != nil {
		if !errors.Is(err, searchspace.ErrParse) && !errors.Is(err, searchspace.ErrInvalidArch) {
			c.fail("Parse error kind", "Parse(%s): the error %q wraps neither searchspace.ErrParse nor searchspace.ErrInvalidArch: wrap one (fmt.Errorf(\"%%w: …\", searchspace.ErrParse), or return a *searchspace.ParseError)", q(in), err)
		}
		return
	}
	if mustFail || a == nil {
		c.fail("Parse accepts", "Parse(%s) returned %v and no error: malformed text must be an error wrapping searchspace.ErrParse", q(in), a)
		return
	}
	// Text that parses must be a valid architecture whose string parses back.
	s := c.str(a)
	var verr error
	c.safe("Validate", "Validate of Parse("+q(in)+")", func() { verr = c.space.Validate(a) })
	if verr != nil {
		c.fail("Parse accepts", "Parse(%s) returned %s, which Validate rejects: %v: Parse must refuse text that names no architecture of the space", q(in), q(s), verr)
		return
	}
	var b searchspace.Arch
	var perr error
	c.safe("Parse", "Parse("+q(s)+")", func() { b, perr = c.space.Parse(s) })
	if perr != nil || b == nil || c.str(b) != s {
		c.fail("Parse accepts", "Parse(%s) returned %s, whose String does not parse back to itself (%v)", q(in), q(s), perr)
	}
}

// foreignArch is an architecture of no space.
type foreignArch struct{}

func (foreignArch) String() string { return "spacetest.foreignArch" }

// foreign checks that an Arch of another type, or nil, is an error.
func (c *checker) foreign() {
	for _, a := range []searchspace.Arch{foreignArch{}, nil} {
		what := "a foreign Arch (spacetest.foreignArch)"
		if a == nil {
			what = "a nil Arch"
		}
		check := func(method string, err error) {
			switch {
			case err == nil:
				c.fail("foreign "+method, "%s of %s returned no error: check the Arch's type and return an error wrapping searchspace.ErrInvalidArch", method, what)
			case !errors.Is(err, searchspace.ErrInvalidArch):
				c.fail("foreign "+method, "%s of %s: the error %q does not wrap searchspace.ErrInvalidArch", method, what, err)
			}
		}
		var err error
		if c.safe("foreign Validate", "Validate of "+what, func() { err = c.space.Validate(a) }) {
			check("Validate", err)
		}
		if c.safe("foreign Mutate", "Mutate of "+what, func() { _, err = c.space.Mutate(a, c.rng(3)) }) {
			check("Mutate", err)
		}
		if c.safe("foreign Encode", "Encode of "+what, func() { _, err = c.space.Encode(a) }) {
			check("Encode", err)
		}
		if c.safe("foreign EncodeCell", "EncodeCell of "+what, func() { _, err = c.space.EncodeCell(a) }) {
			check("EncodeCell", err)
		}
	}
}

// enumerate walks All: indices 0, 1, … in order, unique and valid
// architectures, Size of them, and an early stop honoured.
func (c *checker) enumerate(e searchspace.Enumerable) {
	if c.cfg.maxEnumerate == 0 {
		return
	}
	var size int
	if !c.safe("Size", "Size()", func() { size = e.Size() }) {
		return
	}
	if size < 1 {
		c.fail("Size", "Size() is %d: an Enumerable space has at least one architecture", size)
		return
	}
	limit := size
	if c.cfg.maxEnumerate > 0 {
		limit = min(size, c.cfg.maxEnumerate)
	}
	seen := make(map[string]int, limit)
	next := 0
	c.safe("All", "All()", func() {
		for i, a := range e.All() {
			if next == limit {
				if limit == size {
					c.fail("All size", "All yields more than Size() = %d architectures: make Size the number All yields", size)
				}
				break
			}
			if i != next {
				c.fail("All index", "All yielded index %d where %d was due: yield the indices 0, 1, … Size()-1 in order", i, next)
			}
			next++
			if a == nil {
				c.fail("All nil", "All yielded a nil Arch at index %d", i)
				continue
			}
			s := c.str(a)
			if j, dup := seen[s]; dup {
				c.fail("All unique", "All yielded %s at indices %d and %d: yield every architecture once", q(s), j, i)
			}
			seen[s] = i
			if err := c.space.Validate(a); err != nil {
				c.fail("All valid", "All yielded %s at index %d, which Validate rejects: %v", q(s), i, err)
			}
		}
	})
	if next < limit {
		c.fail("All size", "All yielded %d architectures, Size() is %d: make Size the number All yields", next, size)
	}
	// All must stop when the loop does: a yield after the loop body broke
	// panics in the range-over-func machinery, which safe reports.
	func() {
		defer func() {
			if r := recover(); r != nil {
				c.fail("All break", "All kept yielding after the loop body broke (%v): return as soon as yield returns false", r)
			}
		}()
		for range e.All() {
			break
		}
	}()
}

func equalSeq(a, b searchspace.Sequence) bool {
	return slices.EqualFunc(a, b, equalGraph)
}

func equalGraph(a, b searchspace.Graph) bool {
	return slices.Equal(a.Ops, b.Ops) &&
		slices.EqualFunc(a.Adj, b.Adj, slices.Equal[[]bool]) &&
		slices.EqualFunc(a.Features, b.Features, slices.Equal[[]float64])
}
