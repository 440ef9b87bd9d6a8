package apicheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// Exported returns the exported functions ("F") and the exported methods of
// exported types ("T.M") declared in the non-test Go files of the package
// in dir, sorted.
func Exported(dir string) ([]string, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() {
					continue
				}
				if fn.Recv == nil {
					names = append(names, fn.Name.Name)
					continue
				}
				if t := recvType(fn.Recv.List[0].Type); ast.IsExported(t) {
					names = append(names, t+"."+fn.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// recvType is the name of a receiver's type, without pointer or type
// parameters.
func recvType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvType(t.X)
	case *ast.IndexExpr:
		return recvType(t.X)
	case *ast.IndexListExpr:
		return recvType(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// Call runs f and returns its error, or an error with the stack if f
// panics.
func Call(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return f()
}

// Panicked reports whether an error came from Call's recovery.
func Panicked(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "panic: ") }

// Run checks a package's probe calls. Each key of calls is "Name/case",
// where Name is an exported function or "Type.Method" of the package in
// dir; every call must return an error without panicking, except those
// whose case ends in "(ok)", which must merely not panic. Every exported
// name must have at least one call.
func Run(t *testing.T, dir string, calls map[string]func() error) {
	t.Helper()
	api, err := Exported(dir)
	if err != nil {
		t.Fatal(err)
	}
	probed := map[string]bool{}
	for key, f := range calls {
		name, c, _ := strings.Cut(key, "/")
		probed[name] = true
		t.Run(key, func(t *testing.T) {
			err := Call(f)
			switch {
			case Panicked(err):
				t.Fatalf("%s panicked: %v", key, err)
			case err == nil && !strings.HasSuffix(c, "(ok)"):
				t.Fatalf("%s returned no error", key)
			}
		})
	}
	for _, name := range api {
		if !probed[name] {
			t.Errorf("exported %s has no probe call", name)
		}
	}
	for name := range probed {
		if !slices.Contains(api, name) {
			t.Errorf("probe of %s, which the package does not export", name)
		}
	}
}
