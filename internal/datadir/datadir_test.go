package datadir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records what Dir does instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

func TestDirFromEnv(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("ModuleRoot %s has no go.mod", root)
	}
	// A relative value is relative to the module root, not to this folder.
	t.Setenv(Env, "internal")
	if got, want := Dir(t), filepath.Join(root, "internal"); got != want {
		t.Errorf("Dir with %s=internal is %q, want %q", Env, got, want)
	}
	abs := t.TempDir()
	t.Setenv(Env, abs)
	if got := Dir(t); got != abs {
		t.Errorf("Dir with an absolute %s is %q, want %q", Env, got, abs)
	}
	f := &fakeTB{}
	t.Setenv(Env, filepath.Join(abs, "missing"))
	Dir(f)
	if f.failed == "" {
		t.Errorf("Dir with a missing folder did not fail the test")
	}
}

func TestDirSkipsWithoutData(t *testing.T) {
	t.Setenv(Env, "")
	f := &fakeTB{}
	dir := Dir(f)
	switch {
	case f.failed != "":
		t.Errorf("Dir failed: %s", f.failed)
	case f.skipped == "" && dir == "":
		t.Errorf("Dir returned no folder and did not skip")
	case f.skipped != "" && !strings.Contains(f.skipped, Env):
		t.Errorf("skip message %q does not name %s", f.skipped, Env)
	}
}

func TestBadDirs(t *testing.T) {
	dirs := BadDirs(t)
	if len(dirs) != 3 {
		t.Fatalf("BadDirs gave %q", dirs)
	}
	if st, err := os.Stat(dirs[1]); err != nil || st.IsDir() {
		t.Errorf("%s is not a file", dirs[1])
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := WriteFile(t, dir, "bench/sub/t.csv", "a,b\n")
	if want := filepath.Join(dir, "bench", "sub", "t.csv"); path != want {
		t.Errorf("WriteFile wrote %s, want %s", path, want)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a,b\n" {
		t.Errorf("the file holds %q (%v)", b, err)
	}
	f := &fakeTB{}
	WriteFile(f, path, "x", "") // a file is no folder
	if f.failed == "" {
		t.Errorf("WriteFile below a file did not fail the test")
	}
}
