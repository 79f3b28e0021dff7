package linkml

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ccc-connectivity/ccc"
)

// Column is one column of a Batch, laid out like an Arrow array so Arrow
// and Parquet readers can hand their buffers over without copying. Exactly
// one value representation is set:
//
//   - Int64, Float64 or Bool: one value per row (or per list element);
//   - String: Go strings; or Offsets+Data: Arrow string layout, value i is
//     Data[Offsets[i]:Offsets[i+1]].
//
// Valid is an Arrow validity bitmap (bit i set: row i is not null); nil
// means no nulls. ListOffsets, when set, makes this a list column: row i
// holds the values ListOffsets[i]..ListOffsets[i+1] (Valid then applies to
// rows, and list elements must not be null).
type Column struct {
	Name        string
	Int64       []int64
	Float64     []float64
	Bool        []bool
	String      []string
	Offsets     []int32
	Data        []byte
	Valid       []byte
	ListOffsets []int32
}

// Batch is a set of equally long columns: Rows records.
type Batch struct {
	Rows    int
	Columns []Column
}

func (c *Column) null(i int) bool {
	return c.Valid != nil && c.Valid[i>>3]&(1<<(uint(i)&7)) == 0
}

func (c *Column) colType() string {
	switch {
	case c.Int64 != nil:
		return "int64"
	case c.Float64 != nil:
		return "float64"
	case c.Bool != nil:
		return "bool"
	case c.String != nil || c.Offsets != nil:
		return "string"
	}
	return "empty"
}

// str returns value i of a string column without allocating.
func (c *Column) str(i int) string {
	if c.String != nil {
		return c.String[i]
	}
	a, b := c.Offsets[i], c.Offsets[i+1]
	if a == b {
		return ""
	}
	return unsafe.String(&c.Data[a], int(b-a))
}

// ColumnStream validates batches of one class column by column: no
// per-value allocation, one pass per column. Use one per goroutine.
type ColumnStream struct {
	v     *Validator
	row   int // rows validated so far (record index of the next batch's row 0)
	names string
	cols  []colPlan
	group []*groupPlan
	miss  []*slotPlan // required slots without a column
	// identifiers seen (for uniqueness and references to this class)
	intIDs intSet
	strIDs map[string]int32
	refs   []colRef
	known  map[string]map[int64]struct{}
	// unique_keys: the combinations seen (rendered) and their first record
	uniq   []map[string]int
	keyBuf []byte
}

type colPlan struct {
	sp    *slotPlan
	col   int
	path  string // top-level name or parent.sub
	group *groupPlan
	id    bool
}

// groupPlan is an inlined object stored as flattened columns.
type groupPlan struct {
	sp   *slotPlan
	cols []int
}

type colRef struct {
	row   int
	path  string
	elem  int
	class string
	i     int64
	s     string
	isInt bool
}

// NewColumnStream starts columnar validation.
func (v *Validator) NewColumnStream() *ColumnStream {
	return &ColumnStream{v: v, strIDs: map[string]int32{}}
}

func (cs *ColumnStream) plan(b *Batch, out []Violation) ([]Violation, error) {
	var names []string
	for _, c := range b.Columns {
		names = append(names, c.Name+":"+c.colType())
	}
	key := strings.Join(names, ",")
	if key == cs.names {
		return out, nil
	}
	cs.names, cs.cols, cs.group, cs.miss = key, nil, nil, nil
	cp := cs.v.plan
	if what := columnarUnsupported(cp); what != "" {
		return out, &ccc.Error{Op: "validate columns", Row: -1, Msg: "class " + cp.class + " uses " + what + ", which the columnar validator does not check",
			Kind: ccc.ErrInvalidData, Hint: "validate the rows as records (CSV, JSON or YAML input)"}
	}
	have := map[string]bool{}
	groups := map[string]*groupPlan{}
	for ci := range b.Columns {
		c := &b.Columns[ci]
		var sp *slotPlan
		path := c.Name
		var g *groupPlan
		if i, ok := cp.index[c.Name]; ok {
			sp = cp.slots[i]
		} else if parent, sub, ok := cs.v.flattened(c.Name); ok {
			sp = sub
			path = parent.name + "." + sub.name
			g = groups[parent.name]
			if g == nil {
				g = &groupPlan{sp: parent}
				groups[parent.name] = g
				cs.group = append(cs.group, g)
			}
			g.cols = append(g.cols, ci)
		} else {
			if cs.row == 0 && !cs.v.opts.Open {
				out = append(out, Violation{Record: -1, Path: c.Name, Rule: RuleUnknownSlot,
					Msg: fmt.Sprintf("column %s is not a slot of class %s", c.Name, cp.class)})
			}
			continue
		}
		have[sp.name] = true
		if g != nil {
			have[g.sp.name] = true
		}
		if err := columnFits(sp, c); err != nil {
			return out, &ccc.Error{Op: "validate columns", Row: -1, Field: c.Name, Msg: err.Error(), Kind: ccc.ErrInvalidData,
				Hint: "convert the column to the slot's range type before loading"}
		}
		isID := g == nil && cp.idPos >= 0 && cp.slots[cp.idPos] == sp
		cs.cols = append(cs.cols, colPlan{sp: sp, col: ci, path: path, group: g, id: isID})
	}
	for _, sp := range cp.slots {
		if sp.required && !have[sp.name] {
			cs.miss = append(cs.miss, sp)
		}
	}
	return out, nil
}

// columnFits checks that a column's physical type can hold the slot's
// range; anything else would make every row invalid.
func columnFits(sp *slotPlan, c *Column) error {
	if sp.multivalued != (c.ListOffsets != nil) {
		if sp.multivalued {
			return fmt.Errorf("slot %s is multivalued but the column is not a list", sp.name)
		}
		return fmt.Errorf("slot %s is single-valued but the column is a list", sp.name)
	}
	k := sp.kind
	if k == kRef {
		k = sp.refKind
	}
	t := c.colType()
	ok := false
	switch k {
	case kInt:
		ok = t == "int64" || t == "float64"
	case kNumber:
		ok = t == "int64" || t == "float64"
	case kBool:
		ok = t == "bool"
	case kString, kDate, kDateTime, kTime, kURI, kEnum:
		ok = t == "string"
	case kAny:
		ok = true
	case kObject:
		return fmt.Errorf("slot %s holds inlined %s objects: store them as <slot>_<field> columns or validate records", sp.name, sp.rangeName)
	}
	if !ok {
		return fmt.Errorf("column is %s but slot %s has range %s (%s)", t, sp.name, sp.rangeName, k)
	}
	return nil
}

// Validate checks one batch and appends violations; Record is the row
// index counted over all batches of the stream. It returns an error
// (ccc.ErrInvalidData) when a column's type cannot hold its slot at all.
func (cs *ColumnStream) Validate(b *Batch, out []Violation) ([]Violation, error) {
	var err error
	if out, err = cs.plan(b, out); err != nil {
		return out, err
	}
	for _, c := range b.Columns {
		n := len(c.Int64) + len(c.Float64) + len(c.Bool) + len(c.String)
		if c.Offsets != nil {
			n = len(c.Offsets) - 1
		}
		if c.ListOffsets != nil {
			n = len(c.ListOffsets) - 1
		}
		if n < b.Rows {
			return out, &ccc.Error{Op: "validate columns", Row: -1, Field: c.Name, Kind: ccc.ErrInvalidData,
				Msg: fmt.Sprintf("column has %d values for %d rows", n, b.Rows)}
		}
	}
	for _, sp := range cs.miss {
		out = append(out, Violation{Record: -1, Path: sp.name, Rule: RuleRequired,
			Msg: fmt.Sprintf("required slot %s has no column (all %d rows lack it)", sp.name, b.Rows)})
	}
	for i := range cs.cols {
		out = cs.column(b, &cs.cols[i], out)
	}
	for _, g := range cs.group {
		out = cs.groupCheck(b, g, out)
	}
	if cs.v.opts.CheckUnique && len(cs.v.uniqueKeys) > 0 {
		out = cs.uniqueKeys(b, out)
	}
	cs.row += b.Rows
	return out, nil
}

// uniqueKeys applies the class's unique_keys across all batches of the
// stream, with the record path's semantics (checkUniqueKeys): a slot
// without a column or a null cell is a missing value, equal to another
// missing value unless the key sets consider_nulls_inequal. Only rows whose
// combination is new allocate (the map key).
func (cs *ColumnStream) uniqueKeys(b *Batch, out []Violation) []Violation {
	if cs.uniq == nil {
		cs.uniq = make([]map[string]int, len(cs.v.uniqueKeys))
	}
	for ki, uk := range cs.v.uniqueKeys {
		cols := make([]*Column, len(uk.Slots))
		for j, sl := range uk.Slots {
			for _, p := range cs.cols {
				if p.group == nil && p.sp.name == sl {
					cols[j] = &b.Columns[p.col]
					break
				}
			}
		}
		if cs.uniq[ki] == nil {
			cs.uniq[ki] = map[string]int{}
		}
		seen := cs.uniq[ki]
	rows:
		for r := 0; r < b.Rows; r++ {
			buf := cs.keyBuf[:0]
			for j, c := range cols {
				if j > 0 {
					buf = append(buf, 0)
				}
				if c == nil || c.null(r) {
					if uk.ConsiderNullsInequal {
						continue rows
					}
					buf = append(buf, 1) // no value renders as the byte 1
					continue
				}
				buf = c.appendCell(buf, r)
			}
			cs.keyBuf = buf
			if first, dup := seen[string(buf)]; dup {
				shown := strings.NewReplacer("\x00", ", ", "\x01", "null", "\x02", " ").Replace(string(buf))
				out = append(out, Violation{Record: cs.row + r, Path: cs.v.opts.Root + "[" + strconv.Itoa(cs.row+r) + "]", Rule: RuleUniqueKey, Value: shown,
					Msg: fmt.Sprintf("unique key %s (%s) = (%s) repeats the values of record %d", uk.Name, strings.Join(uk.Slots, ", "), shown, first)})
				continue
			}
			seen[string(buf)] = cs.row + r
		}
	}
	return out
}

// appendCell renders row i of the column (every element of a list row,
// separated by the byte 2) for unique-key comparison.
func (c *Column) appendCell(buf []byte, i int) []byte {
	lo, hi := i, i+1
	if c.ListOffsets != nil {
		lo, hi = int(c.ListOffsets[i]), int(c.ListOffsets[i+1])
	}
	for k := lo; k < hi; k++ {
		if k > lo {
			buf = append(buf, 2)
		}
		switch {
		case c.Int64 != nil:
			buf = strconv.AppendInt(buf, c.Int64[k], 10)
		case c.Float64 != nil:
			buf = strconv.AppendFloat(buf, c.Float64[k], 'g', -1, 64)
		case c.Bool != nil:
			buf = strconv.AppendBool(buf, c.Bool[k])
		default:
			buf = append(buf, c.str(k)...)
		}
	}
	return buf
}

func (cs *ColumnStream) violation(row int, path string, rule Rule, val any, msg string) Violation {
	return Violation{Record: cs.row + row, Path: cs.v.opts.Root + "[" + strconv.Itoa(cs.row+row) + "]." + path, Rule: rule, Value: val, Msg: msg}
}

// column validates one column over all rows.
func (cs *ColumnStream) column(b *Batch, p *colPlan, out []Violation) []Violation {
	c := &b.Columns[p.col]
	sp := p.sp
	max := cs.v.opts.MaxViolations
	for r := 0; r < b.Rows; r++ {
		if max > 0 && len(out) >= max {
			return out
		}
		if c.null(r) {
			if sp.required && p.group == nil {
				out = append(out, cs.violation(r, p.path, RuleRequired, nil, "required slot "+sp.name+" is null"))
			}
			continue
		}
		if c.ListOffsets != nil {
			for e := c.ListOffsets[r]; e < c.ListOffsets[r+1]; e++ {
				out = cs.value(c, int(e), r, p, out, int(e-c.ListOffsets[r]))
			}
			continue
		}
		out = cs.value(c, r, r, p, out, -1)
	}
	return out
}

// value validates value i of column c (row r).
func (cs *ColumnStream) value(c *Column, i, r int, p *colPlan, out []Violation, elem int) []Violation {
	sp := p.sp
	switch {
	case c.Int64 != nil:
		x := c.Int64[i]
		if sp.min != nil && float64(x) < *sp.min {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RuleMinimum, x, fmt.Sprintf("%d is less than the minimum %s", x, fmtFloat(*sp.min))))
		}
		if sp.max != nil && float64(x) > *sp.max {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RuleMaximum, x, fmt.Sprintf("%d is greater than the maximum %s", x, fmtFloat(*sp.max))))
		}
		if p.id {
			if cs.intIDs.add(x) && cs.v.opts.CheckUnique {
				out = append(out, cs.violation(r, p.path, RuleIdentifierUnique, x, fmt.Sprintf("identifier %d of %s is not unique (used by an earlier record)", x, cs.v.class)))
			}
		}
		if sp.kind == kRef && cs.v.opts.CheckRefs {
			ref := colRef{row: cs.row + r, path: p.path, elem: elem, class: sp.refClass, i: x, isInt: true}
			if !cs.resolved(ref) {
				cs.refs = append(cs.refs, ref)
			}
		}
	case c.Float64 != nil:
		x := c.Float64[i]
		if (sp.kind == kInt || (sp.kind == kRef && sp.refKind == kInt)) && (x != math.Trunc(x) || math.IsInf(x, 0)) {
			return append(out, cs.violation(r, elemPath(p.path, elem), RuleType, x, "expected integer, got number "+fmtFloat(x)))
		}
		if sp.min != nil && x < *sp.min {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RuleMinimum, x, fmt.Sprintf("%s is less than the minimum %s", fmtFloat(x), fmtFloat(*sp.min))))
		}
		if sp.max != nil && x > *sp.max {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RuleMaximum, x, fmt.Sprintf("%s is greater than the maximum %s", fmtFloat(x), fmtFloat(*sp.max))))
		}
	case c.Bool != nil:
	default:
		s := c.str(i)
		switch sp.kind {
		case kEnum:
			if _, ok := sp.enum[s]; !ok {
				return append(out, cs.violation(r, elemPath(p.path, elem), RuleEnum, strings.Clone(s), fmt.Sprintf("%q is not a permissible value of %s (%s)", s, sp.enumName, sp.describeEnum())))
			}
		case kDate, kDateTime, kTime, kURI:
			var ok bool
			switch sp.kind {
			case kDate:
				ok = isDate(s)
			case kDateTime:
				ok = isDateTime(s)
			case kTime:
				ok = isTime(s)
			default:
				ok = isURI(s)
			}
			if !ok {
				return append(out, cs.violation(r, elemPath(p.path, elem), RuleType, strings.Clone(s), fmt.Sprintf("%q is not a valid %s%s", s, sp.kind, formatHint(sp.kind))))
			}
		}
		if sp.pattern != nil && !sp.pattern.MatchString(s) {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RulePattern, strings.Clone(s), fmt.Sprintf("%q does not match pattern %s", s, sp.patternSrc)))
		}
		if sp.equals != nil && s != *sp.equals {
			out = append(out, cs.violation(r, elemPath(p.path, elem), RuleEquals, strings.Clone(s), fmt.Sprintf("%q must equal %q", s, *sp.equals)))
		}
		if p.id {
			if first, dup := cs.strIDs[s]; dup {
				if cs.v.opts.CheckUnique {
					out = append(out, cs.violation(r, p.path, RuleIdentifierUnique, strings.Clone(s), fmt.Sprintf("identifier %q of %s is not unique (first used by record %d)", s, cs.v.class, first)))
				}
			} else {
				cs.strIDs[strings.Clone(s)] = int32(cs.row + r)
			}
		}
		if sp.kind == kRef && cs.v.opts.CheckRefs {
			ref := colRef{row: cs.row + r, path: p.path, elem: elem, class: sp.refClass, s: s}
			if !cs.resolved(ref) {
				ref.s = strings.Clone(s)
				cs.refs = append(cs.refs, ref)
			}
		}
	}
	return out
}

func elemPath(path string, elem int) string {
	if elem < 0 {
		return path
	}
	return path + "[" + strconv.Itoa(elem) + "]"
}

// groupCheck applies required / presence rules to flattened objects: an
// object is present when any of its columns is non-null.
func (cs *ColumnStream) groupCheck(b *Batch, g *groupPlan, out []Violation) []Violation {
	nested := g.sp.nested[0]
	var reqMissing []*slotPlan
	have := map[string]bool{}
	for _, ci := range g.cols {
		_, sub, _ := cs.v.flattened(b.Columns[ci].Name)
		have[sub.name] = true
	}
	for _, sub := range nested.slots {
		if sub.required && !have[sub.name] {
			reqMissing = append(reqMissing, sub)
		}
	}
	for r := 0; r < b.Rows; r++ {
		present := false
		for _, ci := range g.cols {
			if !b.Columns[ci].null(r) {
				present = true
				break
			}
		}
		if !present {
			if g.sp.required {
				out = append(out, cs.violation(r, g.sp.name, RuleRequired, nil, "required slot "+g.sp.name+" is missing"))
			}
			continue
		}
		for _, ci := range g.cols {
			c := &b.Columns[ci]
			if c.null(r) {
				if _, sub, _ := cs.v.flattened(c.Name); sub.required {
					out = append(out, cs.violation(r, g.sp.name+"."+sub.name, RuleRequired, nil, "required slot "+sub.name+" is null"))
				}
			}
		}
		for _, sub := range reqMissing {
			out = append(out, cs.violation(r, g.sp.name+"."+sub.name, RuleRequired, nil, "required slot "+sub.name+" is missing"))
		}
	}
	return out
}

// Finish resolves the references collected (with CheckRefs) against the
// identifiers of the stream's own class and ValidateOptions.KnownIDs.
func (cs *ColumnStream) Finish(out []Violation) []Violation {
	for _, r := range cs.refs {
		if !cs.resolved(r) {
			var val any = r.s
			if r.isInt {
				val = r.i
			}
			out = append(out, Violation{Record: r.row, Path: cs.v.opts.Root + "[" + strconv.Itoa(r.row) + "]." + elemPath(r.path, r.elem), Rule: RuleReference, Value: val,
				Msg: fmt.Sprintf("reference %s to %s not found (no %s with this identifier in the input or known ids)", quoteValue(val), r.class, r.class)})
		}
	}
	cs.refs = nil
	return out
}

// resolved reports whether a reference points at an identifier seen in
// the stream (references to the stream's own class or an ancestor) or
// listed in KnownIDs.
func (cs *ColumnStream) resolved(r colRef) bool {
	if cs.v.schema.IsAncestor(r.class, cs.v.class) {
		var found bool
		if r.isInt {
			found = cs.intIDs.has(r.i)
		} else {
			_, found = cs.strIDs[r.s]
		}
		if found {
			return true
		}
	}
	return cs.knownID(r)
}

func (cs *ColumnStream) knownID(r colRef) bool {
	if len(cs.v.opts.KnownIDs) == 0 {
		return false
	}
	for _, c := range append([]string{r.class}, cs.v.schema.Descendants(r.class)...) {
		set := cs.v.opts.KnownIDs[c]
		if set == nil {
			continue
		}
		if !r.isInt {
			if _, ok := set[r.s]; ok {
				return true
			}
			continue
		}
		if cs.known == nil {
			cs.known = map[string]map[int64]struct{}{}
		}
		is := cs.known[c]
		if is == nil {
			is = make(map[int64]struct{}, len(set))
			for k := range set {
				if n, err := strconv.ParseInt(k, 10, 64); err == nil {
					is[n] = struct{}{}
				}
			}
			cs.known[c] = is
		}
		if _, ok := is[r.i]; ok {
			return true
		}
	}
	return false
}

// Rows is the number of rows validated so far.
func (cs *ColumnStream) Rows() int { return cs.row }

// SortViolations orders violations by record, then path.
func SortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Record != vs[j].Record {
			return vs[i].Record < vs[j].Record
		}
		return vs[i].Path < vs[j].Path
	})
}

// columnarUnsupported names a construct of the class the columnar path
// does not check (it would otherwise ignore it), or "".
func columnarUnsupported(cp *classPlan) string {
	if cp.checks != nil {
		return "class expressions, rules or a type designator"
	}
	for _, sp := range cp.slots {
		switch {
		case sp.hasBool():
			return "any_of/all_of/exactly_one_of/none_of on slot " + sp.name
		case sp.eqNum != nil || sp.eqIn != nil:
			return "equals_number/equals_string_in on slot " + sp.name
		case sp.minCard != nil || sp.maxCard != nil:
			return "cardinality on slot " + sp.name
		case sp.array != nil:
			return "an array on slot " + sp.name
		case sp.key != sp.name:
			return "an alias or a name with spaces on slot " + sp.name
		}
	}
	return ""
}
