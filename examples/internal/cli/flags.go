package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Flags is a flag.FlagSet with the checks the example programs share.
// A program defines its flags on it, calls Parse, checks every value with
// the methods below and then calls Err, before it reads any data or trains
// anything: a bad value is refused with an error that names the flag and
// the value, never replaced by a default or passed on.
//
//	fl := cli.NewFlags("fewshot", stderr)
//	epochs := fl.Int("epochs", hypernas.Defaults().Epochs, "training epochs")
//	if err := fl.Parse(args); err != nil {
//		return err
//	}
//	fl.AtLeast("epochs", *epochs, 1)
//	if err := fl.Err(); err != nil {
//		return err // "-epochs 0: must be at least 1"
//	}
type Flags struct {
	*flag.FlagSet
	errs []error
	// outputs are the output paths that Err probes.
	outputs []output
}

type output struct {
	flag, path string
	dir        bool
}

// NewFlags returns an empty flag set that reports parse errors and usage
// to stderr and returns them from Parse.
func NewFlags(name string, stderr io.Writer) *Flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &Flags{FlagSet: fs}
}

// Parse parses the command line; arguments left after the flags are an
// error, since every program takes flags only.
func (f *Flags) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		return usageError{err}
	}
	if f.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (every setting is a flag: -name value)", f.Args())
	}
	return nil
}

// IsSet reports whether the flag was given on the command line.
func (f *Flags) IsSet(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// Refuse records a problem with a flag's value: the error reads
// "-name value: " followed by the formatted reason.
func (f *Flags) Refuse(name string, value any, format string, args ...any) {
	if s, ok := value.(string); ok {
		value = fmt.Sprintf("%q", s)
	}
	f.errs = append(f.errs, fmt.Errorf("-%s %v: %s", name, value, fmt.Sprintf(format, args...)))
}

// Fail records a problem that is not about one flag's value.
func (f *Flags) Fail(err error) {
	if err != nil {
		f.errs = append(f.errs, err)
	}
}

// AtLeast refuses an integer below min.
func (f *Flags) AtLeast(name string, v, min int) {
	if v < min {
		f.Refuse(name, v, "must be at least %d", min)
	}
}

// Positive refuses a number that is not finite and > 0.
func (f *Flags) Positive(name string, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		f.Refuse(name, v, "must be a positive finite number")
	}
}

// NonNegative refuses a number that is not finite and ≥ 0.
func (f *Flags) NonNegative(name string, v float64) {
	if !(v >= 0) || math.IsInf(v, 0) {
		f.Refuse(name, v, "must be a finite number, 0 or more")
	}
}

// Fraction refuses a number outside [0, 1) (a dropout probability).
func (f *Flags) Fraction(name string, v float64) {
	if !(v >= 0 && v < 1) {
		f.Refuse(name, v, "must be at least 0 and less than 1")
	}
}

// OneOf refuses a value that is not one of known; what names the kind of
// value ("model", "strategy").
func (f *Flags) OneOf(name, v, what string, known []string) {
	if !slices.Contains(known, v) {
		f.Refuse(name, v, "unknown %s (known: %s)", what, strings.Join(known, ", "))
	}
}

// Seeds parses the seed list v of the named flag (ParseSeeds), recording
// a problem that names the flag.
func (f *Flags) Seeds(name, v string) []uint64 {
	seeds, err := ParseSeeds(v)
	if err != nil {
		f.Refuse(name, v, "%v", err)
	}
	return seeds
}

// OnlyIf refuses each of the named flags that was given on the command line
// when applies is false: the flag has no effect on this run, and taking it
// silently would hide a mistake. why says when it applies, e.g. "applies
// only to -model hypernas, not np".
func (f *Flags) OnlyIf(applies bool, why string, names ...string) {
	if applies {
		return
	}
	for _, n := range names {
		if f.IsSet(n) {
			f.errs = append(f.errs, fmt.Errorf("-%s %s", n, why))
		}
	}
}

// OutputFile checks, in Err, that the file the named flag gives (none when
// empty) can be written: its folder exists and a file can be created in it.
// Programs write their outputs at the end, so without the check a typo in
// a path would cost the whole run.
func (f *Flags) OutputFile(name string) {
	if p := f.Lookup(name).Value.String(); p != "" {
		f.outputs = append(f.outputs, output{flag: name, path: p})
	}
}

// OutputDir checks, in Err, that the folder the named flag gives (none
// when empty) can be written to, or can be created: Err creates nothing.
func (f *Flags) OutputDir(name string) {
	if p := f.Lookup(name).Value.String(); p != "" {
		f.outputs = append(f.outputs, output{flag: name, path: p, dir: true})
	}
}

// Err returns every problem recorded so far, joined, or nil. It probes the
// output paths (OutputFile, OutputDir) first, so that they are reported
// together with the other problems.
func (f *Flags) Err() error {
	for _, o := range f.outputs {
		check := checkOutputFile
		if o.dir {
			check = checkOutputDir
		}
		if err := check(o.path); err != nil {
			f.errs = append(f.errs, fmt.Errorf("-%s %q: %w", o.flag, o.path, err))
		}
	}
	f.outputs = nil
	return errors.Join(f.errs...)
}

func checkOutputFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return errors.New("is a folder, not a file")
	}
	return probeDir(filepath.Dir(path))
}

// checkOutputDir checks that dir is a folder that can be written to, or
// that the nearest of its parents that exists is one, so that the program
// can create it when it writes there. It creates nothing.
func checkOutputDir(dir string) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return errors.New("is a file, not a folder")
		}
		return probeDir(dir)
	}
	// Stat fails for a folder that does not exist and for a path through
	// a file: either way the nearest parent that exists decides.
	for parent := filepath.Dir(filepath.Clean(dir)); ; parent = filepath.Dir(parent) {
		st, err := os.Stat(parent)
		switch {
		case err == nil && !st.IsDir():
			return fmt.Errorf("cannot create the folder: %s is not a folder", parent)
		case err == nil:
			if err := probeDir(parent); err != nil {
				return fmt.Errorf("cannot create the folder: %w", err)
			}
			return nil
		case filepath.Dir(parent) == parent:
			return fmt.Errorf("cannot create the folder: %w", err)
		}
	}
}

// probeDir checks that dir is a folder that a file can be created in, by
// creating one and removing it.
func probeDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("folder %s does not exist", dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	tmp, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in folder %s: %w", dir, err)
	}
	name := tmp.Name()
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Remove(name)
}

// CheckTrain checks -train against a benchmark of rows rows, where says
// which ("space nb201", a file): at least 2 architectures to train on and,
// unless testAll (the test set is every row), at least 2 left to test on,
// since a ranking of one architecture has no Kendall tau.
func CheckTrain(train, rows int, testAll bool, where string) error {
	hi, kept := rows-1, ""
	if !testAll {
		hi, kept = rows-2, " and 2 to test on"
	}
	if hi < 2 {
		return fmt.Errorf("-train %d: %s has %d architectures, too few for 2 to train on%s", train, where, rows, kept)
	}
	if train < 2 || train > hi {
		return fmt.Errorf("-train %d: must be between 2 and %d for %s (%d architectures)", train, hi, where, rows)
	}
	return nil
}

// usageError is an error of the command line that the flag set has already
// reported, with the usage, on stderr.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Exit ends a program after its run function: nothing for a nil error,
// exit status 0 for -help, 2 for a command line the flag set could not parse
// (already reported with the usage), else the error on stderr, after the
// program's name, and exit status 1.
func Exit(program string, err error) {
	var ue usageError
	switch {
	case err == nil:
		return
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &ue):
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
	os.Exit(1)
}
