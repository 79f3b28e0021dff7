package linkml

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ccc-connectivity/ccc/schema"
)

//go:embed builtin/types.yaml
var builtinFS embed.FS

// TypesModule is the import name of the LinkML built-in types.
const TypesModule = "linkml:types"

// LoadOptions control schema loading.
type LoadOptions struct {
	// Strict turns warnings (keys the LinkML metamodel does not define,
	// missing id or name) into errors.
	Strict bool
	// BuiltinFS replaces the embedded ccc schema (schema.FS) that
	// "ccc:<module>" imports and LoadBuiltin read. Tests use it.
	BuiltinFS fs.FS
}

func (o LoadOptions) builtin() fs.FS {
	if o.BuiltinFS != nil {
		return o.BuiltinFS
	}
	return schema.FS
}

// Load reads a schema file from disk with all its imports. An empty path
// loads the built-in ccc connectivity schema.
func Load(file string, o LoadOptions) (*Schema, error) {
	if file == "" {
		return LoadBuiltin(o)
	}
	l := newLoader(o)
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	l.load(modRef{path: abs, display: file}, nil)
	return l.finish()
}

// LoadBuiltin loads the embedded ccc connectivity schema (schema.Root).
func LoadBuiltin(o LoadOptions) (*Schema, error) {
	l := newLoader(o)
	l.load(modRef{fsys: o.builtin(), builtin: true, path: schema.Root, display: "ccc:" + strings.TrimSuffix(schema.Root, ".yaml")}, nil)
	return l.finish()
}

// LoadBytes parses a schema held in memory; name is used in messages and
// relative imports resolve against the current directory.
func LoadBytes(name string, data []byte, o LoadOptions) (*Schema, error) {
	l := newLoader(o)
	l.data = map[string][]byte{name: data}
	l.load(modRef{path: name, display: name, mem: true}, nil)
	return l.finish()
}

// modRef names a module's bytes: a file on disk, a file in an fs.FS, or
// in-memory data.
type modRef struct {
	fsys    fs.FS
	path    string
	display string
	mem     bool
	builtin bool // fsys is the ccc built-in schema
}

func (r modRef) key() string {
	if r.fsys != nil {
		return r.display
	}
	return r.path
}

type loader struct {
	opts       LoadOptions
	data       map[string][]byte
	state      map[string]int // 1 loading, 2 done
	importName string         // import being resolved, for messages
	stack      []string       // modules being loaded, for cycle messages
	modules    []*parsed
	warnings   []Warning
	errs       []error
}

func newLoader(o LoadOptions) *loader {
	return &loader{opts: o, state: map[string]int{}}
}

// resolve maps an import name to a module reference.
func (l *loader) resolve(from modRef, name string) (modRef, bool) {
	if name == TypesModule {
		return modRef{fsys: builtinFS, path: "builtin/types.yaml", display: TypesModule}, true
	}
	if rest, ok := strings.CutPrefix(name, "ccc:"); ok {
		return modRef{fsys: l.opts.builtin(), builtin: true, path: path.Clean(withYAML(rest)), display: "ccc:" + strings.TrimSuffix(path.Clean(rest), ".yaml")}, true
	}
	if i := strings.Index(name, ":"); i > 0 && !strings.HasPrefix(name, ".") && !filepath.IsAbs(name) {
		// another CURIE or URL: ccc never fetches schemas from the network
		return modRef{}, false
	}
	if from.fsys != nil {
		p := path.Clean(path.Join(path.Dir(from.path), withYAML(name)))
		disp := p
		if from.builtin {
			disp = "ccc:" + strings.TrimSuffix(p, ".yaml")
		}
		return modRef{fsys: from.fsys, builtin: from.builtin, path: p, display: disp}, true
	}
	p := withYAML(name)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(from.path), p)
	}
	disp := p
	if rel, err := filepath.Rel(mustWd(), p); err == nil && !strings.HasPrefix(rel, "..") {
		disp = rel
	}
	return modRef{path: p, display: disp}, true
}

func mustWd() string {
	wd, _ := os.Getwd()
	return wd
}

func withYAML(name string) string {
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
		return name
	}
	return name + ".yaml"
}

func (l *loader) read(r modRef) ([]byte, error) {
	switch {
	case r.mem:
		if b, ok := l.data[r.path]; ok {
			return b, nil
		}
		return os.ReadFile(r.path)
	case r.fsys != nil:
		return fs.ReadFile(r.fsys, r.path)
	default:
		return os.ReadFile(r.path)
	}
}

// load parses a module and, depth first, its imports; dependencies are
// appended to l.modules before the module itself. importedAt is the
// position of the import that asked for it (nil for the root).
func (l *loader) load(r modRef, importedAt *Pos) {
	k := r.key()
	switch l.state[k] {
	case 2:
		return // diamond imports are fine
	case 1:
		chain := []string{r.display}
		for i := len(l.stack) - 1; i >= 0 && l.stack[i] != r.display; i-- {
			chain = append([]string{l.stack[i]}, chain...)
		}
		chain = append([]string{r.display}, chain...)
		l.errs = append(l.errs, schemaError(*importedAt, "import cycle: "+strings.Join(chain, " -> "),
			"remove one of the imports in the cycle"))
		return
	}
	data, err := l.read(r)
	if err != nil && importedAt != nil {
		l.errs = append(l.errs, schemaError(*importedAt, fmt.Sprintf("unknown import %q: %s", l.importName, errText(err)),
			"imports are linkml:types, ccc:<module> (built-in modules) or paths relative to the importing file, without .yaml"))
		return
	}
	if err != nil {
		if importedAt == nil {
			l.errs = append(l.errs, schemaError(Pos{File: r.display}, "cannot read schema: "+errText(err), "check the --schema path"))
		} else {
			l.errs = append(l.errs, schemaError(*importedAt, fmt.Sprintf("unknown import %q: %s", r.display, errText(err)),
				"imports are linkml:types, ccc:<module> (built-in modules) or paths relative to the importing file, without .yaml"))
		}
		return
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		line := 0
		msg := err.Error()
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			line = yamlErrLine(msg)
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if line > 0 {
			msg = strings.TrimPrefix(msg, "line "+itoa(line)+": ")
		}
		l.errs = append(l.errs, schemaError(Pos{File: r.display, Line: line}, "malformed YAML: "+msg, "check the indentation and quoting around this line"))
		return
	}
	p := &parser{file: r.display, module: r.display}
	pm := p.parseModule(&root)
	l.warnings = append(l.warnings, p.warnings...)
	l.errs = append(l.errs, p.errs...)
	l.state[k] = 1
	l.stack = append(l.stack, r.display)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()
	for i, imp := range pm.mod.Imports {
		at := pm.mod.Pos
		if i < len(pm.importPos) {
			at = pm.importPos[i]
		}
		ir, ok := l.resolve(r, imp)
		if !ok {
			l.errs = append(l.errs, schemaError(at, fmt.Sprintf("unknown import %q", imp),
				"imports are linkml:types, ccc:<module> (built-in modules) or paths relative to the importing file, without .yaml"))
			continue
		}
		l.importName = imp
		l.load(ir, &at)
	}
	l.state[k] = 2
	l.modules = append(l.modules, pm)
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file " + pe.Path
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// yamlErrLine extracts the line from a yaml.v3 syntax error ("yaml: line 3: ...").
func yamlErrLine(msg string) int {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range msg[i+5:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return 0
		}
	}
	return n
}

func (l *loader) finish() (*Schema, error) {
	if len(l.errs) > 0 || len(l.modules) == 0 {
		if len(l.errs) == 0 {
			l.errs = append(l.errs, schemaError(Pos{}, "no schema loaded", ""))
		}
		return nil, errors.Join(l.errs...)
	}
	s := newSchema(l.modules)
	s.Warnings = l.warnings
	errs := s.check()
	if l.opts.Strict {
		for _, w := range s.Warnings {
			errs = append(errs, schemaError(w.Pos, w.Msg+" (strict mode)", "remove the key or fix its spelling"))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.induceAll()
	return s, nil
}
