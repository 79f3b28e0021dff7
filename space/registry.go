package space

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // the duckdb database/sql driver

	"github.com/ccc-connectivity/ccc"
	"github.com/ccc-connectivity/ccc/internal/tablewrite"
	"github.com/ccc-connectivity/ccc/store"
)

// Registered spaces live in one store dataset, RegistryDataset, as rows of
// the CoordinateSpace class (schema/morphology_schema.yaml); each Add
// writes a new version of that dataset holding every registered space.
const (
	RegistryDataset = "spaces"
	Class           = "CoordinateSpace"
	// CCF is the hub space's name.
	CCF = "ccf_um"
)

// Definition is a space to register: its affine to a known space (given,
// or fitted from landmarks with Fit set to the residual).
type Definition struct {
	Name        string
	Description string
	Axes        [3]string
	Unit        string
	Convention  string
	Source      string
	Target      string // the known space the affine maps to (built-in or registered)
	Affine      Affine // Name -> Target
	Landmarks   int    // pairs the affine was fitted from (0: given)
	Fit         Residual
	Replace     bool // replace a registered space of that name (its transform_version grows)
}

// Version returns the transform version located rows record:
// TransformVersion for built-in spaces, the registered revision otherwise.
func (s Space) Version() string {
	if s.Revision > 0 {
		return strconv.Itoa(s.Revision)
	}
	return TransformVersion
}

// TransformName names the transform from s to the CCF as located rows
// record it: "<space>->ccf_um@<version>".
func (s Space) TransformName() string { return s.Name + "->" + CCF + "@" + s.Version() }

// Registry is the built-in spaces plus those registered in one store
// version.
type Registry struct {
	spaces map[string]Space
}

// Load reads the spaces registered in the store version sn (none when the
// store has no RegistryDataset) next to the built-in ones.
func Load(ctx context.Context, sn *store.Snapshot) (*Registry, error) {
	r := &Registry{spaces: Builtin()}
	ti, err := sn.Table(RegistryDataset, Class)
	if err != nil {
		return r, nil
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT id, coalesce(description, ''), space_axes, coalesce(space_unit, ''), coalesce(space_convention, ''),
		coalesce(space_source, ''), target_space, ccf_affine, transform_version, coalesce(landmark_count, 0) FROM read_parquet(`+store.QuoteString(ti.Path)+`) ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", Class, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Space
		var desc, target string
		var axes, aff duckdbList
		var landmarks int
		if err := rows.Scan(&s.Name, &desc, &axes, &s.Unit, &s.Convention, &s.Source, &target, &aff, &s.Revision, &landmarks); err != nil {
			return nil, fmt.Errorf("read %s: %w", Class, err)
		}
		if len(aff) != 12 {
			return nil, &ccc.Error{Op: "load spaces", Path: ti.Path, Row: -1, Field: "ccf_affine", Value: s.Name, Msg: fmt.Sprintf("%d numbers, want 12", len(aff)), Kind: ccc.ErrFormat}
		}
		for i := range 12 {
			f, ok := aff[i].(float64)
			if !ok {
				return nil, &ccc.Error{Op: "load spaces", Path: ti.Path, Row: -1, Field: "ccf_affine", Value: s.Name, Msg: "not a number", Kind: ccc.ErrFormat}
			}
			s.ToCCF[i/4][i%4] = f
		}
		for i := 0; i < 3 && i < len(axes); i++ {
			s.Axes[i], _ = axes[i].(string)
		}
		s.Target = target
		s.Registered = true
		r.spaces[s.Name] = s
	}
	return r, rows.Err()
}

// duckdbList scans a DuckDB LIST value.
type duckdbList []any

func (l *duckdbList) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*l = nil
	case []any:
		*l = x
	default:
		return fmt.Errorf("not a list: %T", v)
	}
	return nil
}

// Names lists the registry's space names, sorted.
func (r *Registry) Names() []string {
	var out []string
	for n := range r.spaces {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns a built-in or registered space (ccc.ErrNotFound naming
// the spaces there are).
func (r *Registry) Lookup(name string) (Space, error) {
	s, ok := r.spaces[name]
	if !ok {
		return Space{}, &ccc.Error{Op: "space", Row: -1, Field: "space", Value: name, Msg: "no such coordinate space",
			Hint: "spaces: " + strings.Join(r.Names(), ", ") + " (register one with 'ccc space add')", Kind: ccc.ErrNotFound}
	}
	return s, nil
}

// ToCCF returns the space's transform to the CCF in um and its name for
// located rows.
func (r *Registry) ToCCF(name string) (Affine, string, error) {
	s, err := r.Lookup(name)
	if err != nil {
		return Affine{}, "", err
	}
	return s.ToCCF, s.TransformName(), nil
}

// Add registers def in the store: a new version of RegistryDataset holding
// the spaces registered so far plus def. The name is checked with
// store.ValidName; a built-in name, an unknown target, a singular or
// non-finite affine and an existing name without Replace are refused, and
// the store is then unchanged.
func Add(ctx context.Context, st *store.Store, def Definition) (Space, int, error) {
	const op = "space add"
	if err := store.ValidName(store.NameDataset, def.Name); err != nil {
		return Space{}, 0, err
	}
	if _, ok := Builtin()[def.Name]; ok {
		return Space{}, 0, &ccc.Error{Op: op, Row: -1, Field: "name", Value: def.Name, Msg: "a built-in space has this name", Hint: "choose another name", Kind: ccc.ErrUsage}
	}
	for _, row := range def.Affine {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Space{}, 0, &ccc.Error{Op: op, Row: -1, Field: "affine", Msg: "the affine holds a non-finite number", Kind: ccc.ErrInvalidData}
			}
		}
	}
	if _, err := def.Affine.Inverse(); err != nil {
		return Space{}, 0, &ccc.Error{Op: op, Row: -1, Field: "affine", Value: def.Name, Msg: "the affine is singular: points of the space would collapse onto a plane",
			Hint: "check the matrix (rows M11 M12 M13 t1, ...)", Kind: ccc.ErrInvalidData}
	}
	// read the registered spaces under the writer lock, so that two
	// concurrent adds cannot lose one another's space
	tx, err := st.Begin(ctx, store.TxOptions{Dataset: RegistryDataset, Message: fmt.Sprintf("space add %s (-> %s)", def.Name, def.Target),
		Params: map[string]any{"command": "space add", "space": def.Name, "to": def.Target, "landmarks": def.Landmarks}})
	if err != nil {
		return Space{}, 0, err
	}
	defer tx.Rollback()
	prev, err := st.Snapshot(store.Ref{})
	if err != nil {
		return Space{}, 0, err
	}
	reg, err := Load(ctx, prev)
	if err != nil {
		return Space{}, 0, err
	}
	if def.Target == def.Name {
		return Space{}, 0, &ccc.Error{Op: op, Row: -1, Field: "to", Value: def.Target, Msg: "a space cannot map to itself", Hint: "give a known space with --to", Kind: ccc.ErrUsage}
	}
	target, err := reg.Lookup(def.Target)
	if err != nil {
		return Space{}, 0, err
	}
	rev := 1
	if old, ok := reg.spaces[def.Name]; ok {
		if !def.Replace {
			return Space{}, 0, &ccc.Error{Op: op, Row: -1, Field: "name", Value: def.Name, Kind: ccc.ErrConflict,
				Msg: fmt.Sprintf("space already registered (transform version %d)", old.Revision), Hint: "give --replace to register a new transform version"}
		}
		rev = old.Revision + 1
	}
	s := Space{Name: def.Name, Axes: def.Axes, Unit: def.Unit, Convention: def.Convention, Source: def.Source, ToCCF: def.Affine.Then(target.ToCCF),
		Revision: rev, Target: def.Target, Registered: true}
	reg.spaces[def.Name] = s
	// every registered space, one row each, sorted by name
	var recs []map[string]any
	for _, n := range reg.Names() {
		r := reg.spaces[n]
		if !r.Registered {
			continue
		}
		rec := map[string]any{"id": r.Name, "space_axes": r.Axes[:], "space_unit": nullStr(r.Unit), "space_convention": nullStr(r.Convention),
			"space_source": nullStr(r.Source), "target_space": r.Target, "ccf_affine": flat(r.ToCCF), "transform_version": r.Revision}
		if n == def.Name {
			rec["description"] = nullStr(def.Description)
			rec["affine"] = flat(def.Affine)
			if def.Landmarks > 0 {
				rec["landmark_count"], rec["fit_rms"], rec["fit_max"] = def.Landmarks, def.Fit.RMS, def.Fit.Max
			}
		}
		recs = append(recs, rec)
	}
	if err := keepOthers(ctx, prev, def.Name, recs); err != nil {
		return Space{}, 0, err
	}
	cols := `id: 'VARCHAR', description: 'VARCHAR', space_axes: 'VARCHAR[]', space_unit: 'VARCHAR', space_convention: 'VARCHAR', space_source: 'VARCHAR',
		target_space: 'VARCHAR', affine: 'DOUBLE[]', ccf_affine: 'DOUBLE[]', landmark_count: 'BIGINT', fit_rms: 'DOUBLE', fit_max: 'DOUBLE', transform_version: 'BIGINT'`
	if err := tablewrite.Records(ctx, tx.StagingDir(), tx.TablePath(Class), cols, recs); err != nil {
		return Space{}, 0, err
	}
	tx.SetMeta("kind", "spaces")
	v, err := tx.Commit()
	if err != nil {
		return Space{}, 0, err
	}
	return s, v.Number, nil
}

// keepOthers copies, for the spaces other than name, the columns Load does
// not keep (description, the given affine, the fit) from the previous
// table into recs.
func keepOthers(ctx context.Context, sn *store.Snapshot, name string, recs []map[string]any) error {
	ti, err := sn.Table(RegistryDataset, Class)
	if err != nil {
		return nil
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT id, description, affine, landmark_count, fit_rms, fit_max FROM read_parquet("+store.QuoteString(ti.Path)+")")
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[string]map[string]any{}
	for _, r := range recs {
		byID[r["id"].(string)] = r
	}
	for rows.Next() {
		var id string
		var desc sql.NullString
		var aff duckdbList
		var n sql.NullInt64
		var rms, mx sql.NullFloat64
		if err := rows.Scan(&id, &desc, &aff, &n, &rms, &mx); err != nil {
			return err
		}
		r, ok := byID[id]
		if !ok || id == name {
			continue
		}
		if desc.Valid {
			r["description"] = desc.String
		}
		r["affine"] = []any(aff)
		if n.Valid {
			r["landmark_count"], r["fit_rms"], r["fit_max"] = n.Int64, rms.Float64, mx.Float64
		}
	}
	return rows.Err()
}

func flat(a Affine) []float64 {
	out := make([]float64, 0, 12)
	for _, r := range a {
		out = append(out, r[:]...)
	}
	return out
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ParseAffine reads 12 numbers (a 3 x 4 matrix, row by row) or 16 (a 4 x 4
// homogeneous matrix whose last row must be 0 0 0 1), separated by commas,
// semicolons or spaces.
func ParseAffine(text string) (Affine, error) {
	f := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '[' || r == ']'
	})
	bad := func(msg string) error {
		return &ccc.Error{Op: "parse affine", Row: -1, Field: "matrix", Value: text, Msg: msg,
			Hint: "give 12 numbers (3 x 4, row by row: M11,M12,M13,t1,M21,...) or 16 (4 x 4 ending 0,0,0,1)", Kind: ccc.ErrUsage}
	}
	if len(f) != 12 && len(f) != 16 {
		return Affine{}, bad(fmt.Sprintf("%d numbers", len(f)))
	}
	var v [16]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return Affine{}, bad(fmt.Sprintf("number %d (%q) is not a finite number", i+1, s))
		}
		v[i] = x
	}
	if len(f) == 16 && (v[12] != 0 || v[13] != 0 || v[14] != 0 || v[15] != 1) {
		return Affine{}, bad("the last row of a 4 x 4 affine must be 0,0,0,1")
	}
	var a Affine
	for i := range 12 {
		a[i/4][i%4] = v[i]
	}
	return a, nil
}

// Builtins is a registry of the built-in spaces only.
func Builtins() *Registry { return &Registry{spaces: Builtin()} }

// Mapping is what a loader needs to place rows given in a space other
// than the CCF in um: the space's name, the transform's name with its
// version (as rows record it) and the affine to the CCF.
type Mapping struct {
	Space     string
	Transform string
	ToCCF     Affine
}

// Mapping returns the mapping of a built-in or registered space to the
// CCF in um (ccc.ErrNotFound naming the spaces there are).
func (r *Registry) Mapping(name string) (*Mapping, error) {
	s, err := r.Lookup(name)
	if err != nil {
		return nil, err
	}
	return &Mapping{Space: s.Name, Transform: s.TransformName(), ToCCF: s.ToCCF}, nil
}
