package probe

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace"
)

// recorder is a testing.TB that counts the failures reported to it.
type recorder struct {
	testing.TB
	failures int
}

func (*recorder) Helper()                 {}
func (r *recorder) Errorf(string, ...any) { r.failures++ }
func (*recorder) Name() string            { return "recorder" } // testify names the test in a failure

func TestOutOfRange(t *testing.T) {
	at := func(i int) (int, error) {
		if i < 0 || i >= 10 {
			return 0, searchspace.ErrNoSuchArch
		}
		return i, nil
	}
	OutOfRange(t, at, 10)
	r := &recorder{}
	OutOfRange(r, at, 9) // index 9 is in range
	assert.Equal(t, 1, r.failures)
}

func TestRejects(t *testing.T) {
	errOther := errors.New("other")
	parse := func(s string) (int, error) {
		if s == "" {
			return 0, errOther
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, searchspace.ErrParse
		}
		return n, nil
	}
	Rejects(t, searchspace.ErrParse, parse, "x", "1.5")
	Rejects(t, nil, parse, "", "x")
	r := &recorder{}
	Rejects(r, searchspace.ErrParse, parse, "1", "", "x")
	assert.Equal(t, 2, r.failures, "a success and an error of another kind")
}

func TestBadDirs(t *testing.T) {
	BadDirs(t, func(dir string) (int, error) { return 0, errors.New("no data") })
}

// lenient is a space that takes anything: every check of Space fails on it.
type lenient struct{ searchspace.SearchSpace }

type arch struct{}

func (arch) String() string { return "arch" }

func (lenient) Sample(*rand.Rand) searchspace.Arch { return arch{} }
func (lenient) Validate(searchspace.Arch) error    { return nil }
func (lenient) Mutate(a searchspace.Arch, _ *rand.Rand) (searchspace.Arch, error) {
	return a, nil
}
func (lenient) Encode(searchspace.Arch) (searchspace.Sequence, error) { return nil, nil }
func (lenient) EncodeCell(searchspace.Arch) (searchspace.Graph, error) {
	return searchspace.Graph{}, nil
}

func TestSpace(t *testing.T) {
	r := &recorder{}
	Space(r, lenient{}, arch{})
	// Sample(nil); 5 checks each of nil and arch{}; Mutate(sample, nil).
	assert.Equal(t, 1+2*5+1, r.failures)
}

func TestRun(t *testing.T) {
	Run(t, map[string]func(){"quiet": func() {}})
}
