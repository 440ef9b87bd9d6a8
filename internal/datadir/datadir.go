package datadir

import (
	"os"
	"path/filepath"
	"testing"
)

// Env is the environment variable that names the data folder, the same as
// searchspace.DataEnv (this package does not import searchspace, so that
// searchspace's own tests may use it).
const Env = "HYPERNAS_DATA"

// Dir returns the benchmark data folder as an absolute path:
//
//   - $HYPERNAS_DATA when it is set; a relative value is taken relative to
//     the module root (the folder of go.mod), since go test runs each
//     package's tests in the package's own folder. A value that is not a
//     folder fails the test.
//   - otherwise the data folder of the development checkout, beside the
//     module root, if it exists;
//   - otherwise Dir skips the test, saying to set HYPERNAS_DATA.
func Dir(t testing.TB) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatalf("datadir: %v", err)
	}
	if env := os.Getenv(Env); env != "" {
		dir := env
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			t.Fatalf("datadir: %s=%q (%s) is not a folder: point it at the benchmark data folder, the one that holds nasbench201/", Env, env, dir)
		}
		return dir
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "data") // the development checkout's layout
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	t.Skipf("no benchmark data: set %s to the benchmark data folder (the one that holds nasbench201/) to run this test", Env)
	return ""
}

// ModuleRoot returns the folder of the module's go.mod, found from the
// working directory upwards.
func ModuleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", &os.PathError{Op: "find", Path: filepath.Join(wd, "go.mod"), Err: os.ErrNotExist}
		}
	}
}

// BadDirs returns data folders that every loader must refuse with an
// error: a name with a NUL byte, a file, and an empty folder.
func BadDirs(t testing.TB) []string {
	t.Helper()
	return []string{"\x00", WriteFile(t, t.TempDir(), "file", ""), t.TempDir()}
}

// WriteFile writes content to file, a slash-separated path below dir
// ("nasbench201/nb201.csv"), making its folders, and returns the file's
// path: a data folder with one file that a loader's test controls.
func WriteFile(t testing.TB, dir, file, content string) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("datadir: %v", err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("datadir: %v", err)
	}
	return path
}
