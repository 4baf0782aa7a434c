package samtemplate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// envRead is an environment variable a function reads.
type envRead struct {
	Name  string
	Local bool // tagged env:"NAME,local": for local runs only
}

var (
	envName  = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)
	envCall  = regexp.MustCompile(`(?i)^(getenv|lookupenv)$`)
	envIdent = regexp.MustCompile(`(?i)getenv$`)
)

// goPackage is one package of the module that a function is built from.
type goPackage struct {
	ImportPath string
	Dir        string
	Files      []*ast.File
}

// modulePackages lists the module's packages a function depends on, itself first.
func modulePackages(t *testing.T, root, dir string) []goPackage {
	t.Helper()
	module := "github.com/intake-project/intake"
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", "./"+dir)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", dir, err)
	}
	var pkgs []goPackage
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || !strings.HasPrefix(parts[0], module) {
			continue
		}
		p := goPackage{ImportPath: parts[0], Dir: parts[1]}
		for _, name := range strings.Split(parts[2], ",") {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			p.Files = append(p.Files, f)
		}
		pkgs = append(pkgs, p)
	}
	// go list -deps prints dependencies first; the function itself comes last.
	for i, j := 0, len(pkgs)-1; i < j; i, j = i+1, j-1 {
		pkgs[i], pkgs[j] = pkgs[j], pkgs[i]
	}
	return pkgs
}

// envReads finds the environment variables a function reads:
//   - string literals given to a getenv-like call (os.Getenv, os.LookupEnv, a getenv
//     parameter, or a call that is handed such a function) in any of its module packages;
//   - env struct tags of its own configuration types and of the configuration types it names
//     from other module packages (lambdaenv.Steps and what that embeds).
func envReads(t *testing.T, root, dir string) map[string]envRead {
	t.Helper()
	pkgs := modulePackages(t, root, dir)
	out := map[string]envRead{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !readsEnv(call) {
					return true
				}
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil && envName.MatchString(s) {
							out[s] = envRead{Name: s}
						}
					}
				}
				return true
			})
		}
	}
	structs := map[string]map[string]*ast.StructType{} // import path -> type name -> struct
	funcs := map[string]map[string]*ast.FuncDecl{}     // import path -> function name -> declaration
	for _, p := range pkgs {
		structs[p.ImportPath] = map[string]*ast.StructType{}
		funcs[p.ImportPath] = map[string]*ast.FuncDecl{}
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
					funcs[p.ImportPath][fd.Name.Name] = fd
					continue
				}
				g, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, s := range g.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						if st, ok := ts.Type.(*ast.StructType); ok {
							structs[p.ImportPath][ts.Name.Name] = st
						}
					}
				}
			}
		}
	}
	var walk func(pkg string, st *ast.StructType)
	walk = func(pkg string, st *ast.StructType) {
		for _, field := range st.Fields.List {
			if len(field.Names) == 0 {
				if id, ok := field.Type.(*ast.Ident); ok {
					if emb, ok := structs[pkg][id.Name]; ok {
						walk(pkg, emb)
					}
				}
				continue
			}
			if field.Tag == nil {
				continue
			}
			tag, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				continue
			}
			spec, ok := reflect.StructTag(tag).Lookup("env")
			if !ok {
				continue
			}
			parts := strings.Split(spec, ",")
			r := envRead{Name: parts[0]}
			for _, opt := range parts[1:] {
				r.Local = r.Local || opt == "local"
			}
			out[r.Name] = r
		}
	}
	self := pkgs[0]
	for _, st := range structs[self.ImportPath] {
		walk(self.ImportPath, st)
	}
	for _, f := range self.Files {
		imports := map[string]string{}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := filepath.Base(path)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = path
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok {
				if pkg, ok := imports[id.Name]; ok {
					if st, ok := structs[pkg][sel.Sel.Name]; ok {
						walk(pkg, st)
					}
					// A start-up function of another package (lambdaenv.StartStep) reads
					// the configuration types its body names.
					if fd, ok := funcs[pkg][sel.Sel.Name]; ok && fd.Body != nil {
						ast.Inspect(fd.Body, func(n ast.Node) bool {
							if id, ok := n.(*ast.Ident); ok {
								if st, ok := structs[pkg][id.Name]; ok {
									walk(pkg, st)
								}
							}
							return true
						})
					}
				}
			}
			return true
		})
	}
	return out
}

// readsEnv tells whether a call reads the environment: its function is named like getenv, or
// it is handed a getenv-like function.
func readsEnv(call *ast.CallExpr) bool {
	if envCall.MatchString(lastName(call.Fun)) {
		return true
	}
	for _, a := range call.Args {
		if envIdent.MatchString(lastName(a)) {
			return true
		}
	}
	return false
}

func lastName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}
