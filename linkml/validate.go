package linkml

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/ccc-connectivity/ccc"
)

// Rule names the constraint a Violation breaks.
type Rule string

// The rules the validator checks.
const (
	RuleRequired         Rule = "required"          // a required slot is missing or null
	RuleType             Rule = "type"              // wrong JSON type or format (integer, date, uri, ...)
	RuleEnum             Rule = "enum"              // not a permissible value
	RulePattern          Rule = "pattern"           // string does not match the slot's or type's pattern
	RuleMinimum          Rule = "minimum_value"     // number below minimum_value
	RuleMaximum          Rule = "maximum_value"     // number above maximum_value
	RuleEquals           Rule = "equals_string"     // value differs from equals_string
	RuleMultivalued      Rule = "multivalued"       // list given for a single-valued slot or the reverse
	RuleUnknownSlot      Rule = "unknown_slot"      // key that is not a slot of the class (closed world)
	RuleAnyOf            Rule = "any_of"            // no (or, for exactly_one_of, not exactly one) alternative matches
	RuleIdentifierUnique Rule = "identifier_unique" // identifier seen twice in one collection
	RuleUniqueKey        Rule = "unique_key"        // a unique_keys combination seen twice in one collection
	RuleReference        Rule = "reference"         // reference to an identifier that does not exist
	RuleCardinality      Rule = "cardinality"       // too few or too many values (minimum/maximum/exact_cardinality)
	RuleClassExpr        Rule = "class_expression"  // the record breaks the class's any_of / all_of / exactly_one_of / none_of
	RuleClassRule        Rule = "rule"              // the record breaks one of the class's rules
	RuleDesignatesType   Rule = "designates_type"   // a type designator that does not name the class or a subclass
)

// Violation is one broken rule in one record.
type Violation struct {
	Record int    // 0-based record index in its input, -1 for the input as a whole
	Path   string // e.g. rows[12].soma_location.x
	Rule   Rule
	Value  any // the offending value (nil when missing)
	Msg    string
	Source string // Stream.Source when the record was added (file name)
}

func (v Violation) String() string {
	if v.Path == "" {
		return v.Msg
	}
	return v.Path + ": " + v.Msg
}

// ValidateOptions tune a Validator.
type ValidateOptions struct {
	// Root names the collection in paths: "rows" gives rows[12].x. Empty
	// means "rows".
	Root string
	// CheckUnique reports identifiers that occur twice in one Stream.
	CheckUnique bool
	// CheckRefs reports references (non-inlined class ranges) whose
	// identifier is neither in the Stream nor in KnownIDs.
	CheckRefs bool
	// KnownIDs are identifiers that exist elsewhere (another file, the
	// store), by class name, as strings (integers in decimal).
	KnownIDs map[string]map[string]struct{}
	// MaxViolations stops collecting after this many (0 = no limit).
	MaxViolations int
	// Open accepts keys that are not slots of the class (linkml-validate's
	// JsonschemaValidationPlugin with closed: false). The default is closed,
	// as the linkml-validate command line checks.
	Open bool
}

// Validator validates records of one class. It is compiled once (patterns,
// enum sets, nested class plans) and is safe for concurrent use; each
// goroutine uses its own Stream.
type Validator struct {
	schema     *Schema
	class      string
	plan       *classPlan
	opts       ValidateOptions
	uniqueKeys []UniqueKey // of the class and its ancestors
}

// NewValidator compiles a validator for class.
func (s *Schema) NewValidator(class string, o ValidateOptions) (*Validator, error) {
	if _, err := s.LookupClass(class); err != nil {
		return nil, err
	}
	p, err := s.plan(class)
	if err != nil {
		return nil, err
	}
	if o.Root == "" {
		o.Root = "rows"
	}
	v := &Validator{schema: s, class: class, plan: p, opts: o}
	for _, a := range s.Ancestors(class) {
		v.uniqueKeys = append(v.uniqueKeys, s.classes[a].UniqueKeys...)
	}
	return v, nil
}

// Class is the class the validator checks.
func (v *Validator) Class() string { return v.class }

// Validate checks one record (a map[string]any as decoded from YAML or
// JSON) and returns its violations with paths relative to the record.
// Identifier uniqueness and references need a Stream.
func (v *Validator) Validate(rec any) []Violation {
	st := state{v: v, record: 0}
	st.checkObject(v.plan, rec, nil)
	return st.out
}

// Stream validates a sequence of records, tracking identifiers for
// uniqueness and references. Use one Stream per goroutine.
type Stream struct {
	// Source names the input records come from (a file); it is copied
	// into each Violation, including references resolved by Finish.
	Source string

	v       *Validator
	st      state
	n       int
	ids     map[string]map[string]int // class -> string id -> source index<<40 | first record
	sources []string                  // Source values seen, indexed by ids
	iids    map[string]*intSet        // class -> integer ids
	refs    []pendingRef
	uniq    []map[string]int // per unique key: values -> first record
	mark    *streamMark      // since Checkpoint: what Rollback undoes
}

type pendingRef struct {
	source string
	record int
	path   string
	class  string
	id     string
	value  any
}

// NewStream starts a stream of records.
func (v *Validator) NewStream() *Stream {
	s := &Stream{v: v, ids: map[string]map[string]int{}, iids: map[string]*intSet{}}
	s.st.v = v
	s.st.stream = s
	return s
}

// Add validates the next record and appends its violations to out; paths
// start with Root and the record's index (rows[12].x).
func (s *Stream) Add(rec any, out []Violation) []Violation {
	return s.AddAt(rec, s.v.opts.Root, s.n, out)
}

// AddAt is Add with an explicit path root: root[idx] (idx < 0: root alone;
// root "" and idx < 0: paths are relative to the record). The record
// number reported is max(idx, 0).
func (s *Stream) AddAt(rec any, root string, idx int, out []Violation) []Violation {
	s.st.record = max(idx, 0)
	s.st.out = out
	s.st.stack = s.st.stack[:0]
	if root != "" || idx >= 0 {
		s.st.stack = append(s.st.stack, seg{name: root, idx: idx})
	}
	s.st.checkObject(s.v.plan, rec, nil)
	if s.v.opts.CheckUnique && len(s.v.uniqueKeys) > 0 {
		s.checkUniqueKeys(rec)
	}
	s.n++
	out = s.st.out
	s.st.out = nil
	return out
}

// checkUniqueKeys applies the class's unique_keys to a top-level record. A
// missing value is a value of its own, equal to another missing value
// (LinkML's default); with consider_nulls_inequal a combination with a
// missing value is skipped, as SQL does with NULL.
func (s *Stream) checkUniqueKeys(rec any) {
	m, ok := rec.(map[string]any)
	if !ok {
		return
	}
	if s.uniq == nil {
		s.uniq = make([]map[string]int, len(s.v.uniqueKeys))
	}
	for i, uk := range s.v.uniqueKeys {
		var b strings.Builder
		complete := true
		for j, sl := range uk.Slots {
			if j > 0 {
				b.WriteByte(0)
			}
			val, present := m[sl]
			if !present || val == nil {
				if uk.ConsiderNullsInequal {
					complete = false
					break
				}
				b.WriteByte(1) // no value renders as the byte 1
				continue
			}
			b.WriteString(valueString(val))
		}
		if !complete {
			continue
		}
		if s.uniq[i] == nil {
			s.uniq[i] = map[string]int{}
		}
		k := b.String()
		if first, dup := s.uniq[i][k]; dup {
			shown := strings.NewReplacer("\x00", ", ", "\x01", "null").Replace(k)
			s.st.report(RuleUniqueKey, shown, "unique key %s (%s) = (%s) repeats the values of record %d",
				uk.Name, strings.Join(uk.Slots, ", "), shown, first)
			continue
		}
		s.uniq[i][k] = s.st.record
		if s.mark != nil {
			s.mark.uniq = append(s.mark.uniq, markedKey{i, k})
		}
	}
}

// Finish resolves references collected by Add and appends the violations
// of those that point nowhere.
func (s *Stream) Finish(out []Violation) []Violation {
	for _, r := range s.refs {
		if s.known(r.class, r.id) {
			continue
		}
		out = append(out, Violation{Source: r.source, Record: r.record, Path: r.path, Rule: RuleReference, Value: r.value,
			Msg: fmt.Sprintf("reference %s to %s not found (no %s with this identifier in the input or known ids)", quoteValue(r.value), r.class, r.class)})
	}
	s.refs = nil
	return out
}

// Records is the number of records added so far.
func (s *Stream) Records() int { return s.n }

func (s *Stream) known(class, id string) bool {
	if _, ok := s.ids[class][id]; ok {
		return true
	}
	n, isInt := int64(0), false
	if v, err := strconv.ParseInt(id, 10, 64); err == nil {
		n, isInt = v, true
	}
	if isInt && s.iids[class] != nil && s.iids[class].has(n) {
		return true
	}
	for _, c := range append([]string{class}, s.v.schema.Descendants(class)...) {
		if _, ok := s.ids[c][id]; ok {
			return true
		}
		if isInt && s.iids[c] != nil && s.iids[c].has(n) {
			return true
		}
		if _, ok := s.v.opts.KnownIDs[c][id]; ok {
			return true
		}
	}
	return false
}

// sourceIndex returns the index of the current Source in s.sources.
func (s *Stream) sourceIndex() int {
	if n := len(s.sources); n > 0 && s.sources[n-1] == s.Source {
		return n - 1
	}
	for i, src := range s.sources {
		if src == s.Source {
			return i
		}
	}
	s.sources = append(s.sources, s.Source)
	return len(s.sources) - 1
}

// seen reports whether an identifier value was already recorded for class
// (without allocating for integers and strings).
func (s *Stream) seen(class string, val any) bool {
	switch x := val.(type) {
	case int64:
		set := s.iids[class]
		return set != nil && set.has(x)
	case string:
		_, ok := s.ids[class][x]
		return ok
	}
	return false
}

// seg is one step of a path: a slot name, or an index/key into a list.
type seg struct {
	name string
	idx  int // -1 when not a list index
	key  string
}

// state is the per-record validation state; paths are built only when a
// violation is reported.
type state struct {
	v      *Validator
	stream *Stream
	record int
	stack  []seg
	out    []Violation
	quiet  int // >0 while trying alternatives: count only
	failed int
}

func (st *state) path() string {
	var b strings.Builder
	for i, s := range st.stack {
		if s.name != "" {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
		if s.key != "" {
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.key))
			b.WriteByte(']')
		} else if s.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func (st *state) report(rule Rule, val any, format string, a ...any) {
	st.failed++
	if st.quiet > 0 {
		return
	}
	if m := st.v.opts.MaxViolations; m > 0 && len(st.out) >= m {
		return
	}
	src := ""
	if st.stream != nil {
		src = st.stream.Source
	}
	st.out = append(st.out, Violation{Source: src, Record: st.record, Path: st.path(), Rule: rule, Value: val, Msg: fmt.Sprintf(format, a...)})
}

func (st *state) push(name string, idx int) { st.stack = append(st.stack, seg{name: name, idx: idx}) }
func (st *state) pop()                      { st.stack = st.stack[:len(st.stack)-1] }

// checkObject validates rec against a class plan. skipID makes the
// identifier optional (values of an inlined dict, keyed by identifier).
func (st *state) checkObject(cp *classPlan, rec any, skipID *string) {
	m, ok := rec.(map[string]any)
	if !ok {
		if rec == nil {
			st.report(RuleType, nil, "expected an object of class %s, got null", cp.class)
		} else {
			st.report(RuleType, rec, "expected an object of class %s, got %s", cp.class, describe(rec))
		}
		return
	}
	seen := 0
	// one path step for every slot, renamed as the loop goes (checks
	// below it push and pop their own steps)
	st.push("", -1)
	top := len(st.stack) - 1
	for i, sp := range cp.slots {
		val, present := m[sp.key]
		if present {
			seen++
		}
		if !present || val == nil {
			if sp.required && !(skipID != nil && i == cp.idPos) {
				st.stack[top].name = sp.name
				if present {
					st.report(RuleRequired, nil, "required slot %s is null", sp.name)
				} else {
					st.report(RuleRequired, nil, "required slot %s is missing", sp.name)
				}
			}
			continue
		}
		st.stack[top].name = sp.name
		st.checkSlot(sp, val)
		if i == cp.idPos && st.stream != nil && st.quiet == 0 {
			st.recordID(cp.class, val)
		}
	}
	st.pop()
	if cp.checks != nil {
		st.checkClass(cp, m)
	}
	if seen < len(m) && !st.v.opts.Open {
		for _, k := range sortedKeys(m) {
			if _, ok := cp.index[k]; !ok {
				st.push(k, -1)
				st.report(RuleUnknownSlot, m[k], "class %s has no slot %s", cp.class, k)
				st.pop()
			}
		}
	}
}

func (st *state) recordID(class string, val any) {
	s := st.stream
	if x, ok := val.(int64); ok {
		for _, c := range st.v.schema.Ancestors(class) {
			set := s.iids[c]
			if set == nil {
				set = &intSet{}
				s.iids[c] = set
			}
			if set.add(x) {
				if c == class && st.v.opts.CheckUnique {
					st.report(RuleIdentifierUnique, val, "identifier %d of %s is not unique (used by an earlier record)", x, class)
				}
			} else if s.mark != nil {
				s.mark.ints = append(s.mark.ints, markedInt{set, x})
			}
		}
		return
	}
	id, ok := idString(val)
	if !ok {
		return
	}
	for _, c := range st.v.schema.Ancestors(class) {
		set := s.ids[c]
		if set == nil {
			set = map[string]int{}
			s.ids[c] = set
		}
		if first, dup := set[id]; dup {
			if c == class && st.v.opts.CheckUnique {
				where := ""
				if src := s.sources[first>>40]; src != s.Source {
					where = " of " + src
				}
				st.report(RuleIdentifierUnique, val, "identifier %s of %s is not unique (first used by record %d%s)", quoteValue(val), class, first&(1<<40-1), where)
			}
			continue
		}
		set[id] = s.sourceIndex()<<40 | st.record
		if s.mark != nil {
			s.mark.strs = append(s.mark.strs, markedStr{set, id})
		}
	}
}

func idString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e18 {
			return strconv.FormatInt(int64(x), 10), true
		}
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case json.Number:
		return x.String(), true
	}
	if n, ok := asInt(v); ok {
		return strconv.FormatInt(n, 10), true
	}
	return "", false
}

func (st *state) checkSlot(sp *slotPlan, val any) {
	if sp.array != nil {
		st.checkArray(sp, val)
		return
	}
	if !sp.multivalued {
		if isList(val) {
			st.report(RuleMultivalued, val, "slot %s is single-valued, got a list", sp.name)
			return
		}
		st.checkValue(sp, val)
		return
	}
	if sp.dictForm {
		m, ok := val.(map[string]any)
		if !ok {
			st.report(RuleMultivalued, val, "slot %s holds %s objects keyed by identifier (a mapping), got %s", sp.name, sp.rangeName, describe(val))
			return
		}
		st.checkCardinality(sp, val, len(m))
		for _, k := range sortedKeys(m) {
			st.stack = append(st.stack, seg{key: k, idx: -1})
			e := m[k]
			switch e.(type) {
			case nil:
				if !sp.dictNullOK {
					st.report(RuleType, nil, "expected an object of class %s, got null", sp.rangeName)
				}
			case map[string]any:
				key := k
				st.checkInlined(sp, e, &key)
			default:
				if sp.dictSimple != nil {
					st.checkSlot(sp.dictSimple, e)
				} else {
					st.report(RuleType, e, "expected an object of class %s, got %s", sp.rangeName, describe(e))
				}
			}
			st.pop()
		}
		return
	}
	if sp.minCard != nil || sp.maxCard != nil {
		if n, ok := listLen(val); ok {
			st.checkCardinality(sp, val, n)
		}
	}
	switch l := val.(type) {
	case []any:
		for i, e := range l {
			st.stack = append(st.stack, seg{idx: i})
			st.checkElem(sp, e)
			st.pop()
		}
	case []string:
		for i, e := range l {
			st.stack = append(st.stack, seg{idx: i})
			st.checkValue(sp, e)
			st.pop()
		}
	case []int64:
		for i, e := range l {
			st.stack = append(st.stack, seg{idx: i})
			st.checkValue(sp, e)
			st.pop()
		}
	case []float64:
		for i, e := range l {
			st.stack = append(st.stack, seg{idx: i})
			st.checkValue(sp, e)
			st.pop()
		}
	default:
		rv := reflect.ValueOf(val)
		if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
			for i := 0; i < rv.Len(); i++ {
				st.stack = append(st.stack, seg{idx: i})
				st.checkElem(sp, rv.Index(i).Interface())
				st.pop()
			}
			return
		}
		st.report(RuleMultivalued, val, "slot %s is multivalued: expected a list, got %s", sp.name, describe(val))
	}
}

func (st *state) checkElem(sp *slotPlan, e any) {
	if e == nil {
		st.report(RuleType, nil, "list element of %s is null", sp.name)
		return
	}
	st.checkValue(sp, e)
}

func (st *state) checkInlined(sp *slotPlan, val any, skipID *string) {
	if len(sp.nested) == 1 {
		st.checkObject(sp.nested[0], val, skipID)
		return
	}
	// several concrete classes: valid when any of them accepts the value
	for _, cp := range sp.nested {
		st.quiet++
		before := st.failed
		st.checkObject(cp, val, skipID)
		st.quiet--
		if st.failed == before {
			st.checkObject(cp, val, skipID) // record identifiers
			return
		}
		st.failed = before
	}
	st.checkObject(sp.nested[0], val, skipID)
}

// checkValue validates one (non-list) value.
func (st *state) checkValue(sp *slotPlan, val any) {
	if sp.array != nil {
		st.checkArray(sp, val)
		return
	}
	if sp.hasBool() && !st.checkBool(sp, val) {
		return
	}
	switch sp.kind {
	case kAny:
	case kObject:
		st.checkInlined(sp, val, nil)
		return
	case kRef:
		if _, isObj := val.(map[string]any); isObj {
			st.report(RuleType, val, "%s is a reference to %s: give its identifier, not an object (the slot is not inlined)", sp.name, sp.refClass)
			return
		}
		if !st.checkScalarKind(sp, sp.refKind, val) {
			return
		}
		if st.stream != nil && st.v.opts.CheckRefs && st.quiet == 0 && !st.stream.seen(sp.refClass, val) {
			if id, ok := idString(val); ok {
				st.stream.refs = append(st.stream.refs, pendingRef{source: st.stream.Source, record: st.record, path: st.path(), class: sp.refClass, id: id, value: val})
			}
		}
		st.checkConstraints(sp, val) // the slot's pattern applies to the reference
	case kEnum:
		s, ok := val.(string)
		if !ok {
			st.report(RuleEnum, val, "%s is not a permissible value of %s (%s)", describe(val), sp.enumName, sp.describeEnum())
			return
		}
		if _, ok := sp.enum[s]; !ok {
			st.report(RuleEnum, val, "%q is not a permissible value of %s (%s)", s, sp.enumName, sp.describeEnum())
			return
		}
	default:
		if !st.checkScalarKind(sp, sp.kind, val) {
			return
		}
	}
	st.checkConstraints(sp, val)
}

func (st *state) checkConstraints(sp *slotPlan, val any) {
	if sp.eqIn != nil {
		s, ok := val.(string)
		in := false
		for _, e := range sp.eqIn {
			in = in || (ok && s == e)
		}
		if !in {
			st.report(RuleEquals, val, "%s is not one of %s (equals_string_in)", quoteValue(val), strings.Join(sp.eqIn, ", "))
		}
	}
	if sp.eqNum != nil {
		f, ok := asFloat(val)
		if _, isBool := val.(bool); !ok || isBool || f != *sp.eqNum {
			st.report(RuleEquals, val, "%s must equal %s (equals_number)", quoteValue(val), fmtFloat(*sp.eqNum))
		}
	}
	if s, ok := val.(string); ok {
		if sp.pattern != nil && !sp.pattern.MatchString(s) {
			st.report(RulePattern, val, "%q does not match pattern %s", s, sp.patternSrc)
		}
		if sp.equals != nil && s != *sp.equals {
			st.report(RuleEquals, val, "%q must equal %q", s, *sp.equals)
		}
		return
	}
	if sp.equals != nil {
		st.report(RuleEquals, val, "%s must equal %q", describe(val), *sp.equals)
	}
	if sp.min == nil && sp.max == nil {
		return
	}
	f, ok := asFloat(val)
	if !ok {
		return
	}
	if sp.min != nil && f < *sp.min {
		st.report(RuleMinimum, val, "%s is less than the minimum %s", fmtNum(val), fmtFloat(*sp.min))
	}
	if sp.max != nil && f > *sp.max {
		st.report(RuleMaximum, val, "%s is greater than the maximum %s", fmtNum(val), fmtFloat(*sp.max))
	}
}

// checkScalarKind checks the JSON type (and format) of a value the way
// jsonschema does for the schema linkml-validate generates.
func (st *state) checkScalarKind(sp *slotPlan, k valueKind, val any) bool {
	ok := true
	switch k {
	case kString, kEnum:
		_, ok = val.(string)
	case kInt:
		ok = isInteger(val)
	case kNumber:
		_, isNum := asFloat(val)
		ok = isNum
	case kBool:
		_, ok = val.(bool)
	case kDate, kDateTime, kTime, kURI:
		s, isStr := val.(string)
		if !isStr {
			ok = false
			break
		}
		valid := true
		switch k {
		case kDate:
			valid = isDate(s)
		case kDateTime:
			valid = isDateTime(s)
		case kTime:
			valid = isTime(s)
		case kURI:
			valid = isURI(s)
		}
		if !valid {
			st.report(RuleType, val, "%q is not a valid %s%s", s, k, formatHint(k))
			return false
		}
	}
	if !ok {
		want := k.String()
		if k == kDate || k == kDateTime || k == kTime || k == kURI {
			want = "string (" + k.String() + ")"
		}
		st.report(RuleType, val, "expected %s, got %s", want, describe(val))
	}
	return ok
}

func formatHint(k valueKind) string {
	switch k {
	case kDate:
		return " (YYYY-MM-DD)"
	case kDateTime:
		return " (RFC 3339, e.g. 2024-01-31T12:00:00Z)"
	case kTime:
		return " (HH:MM:SS with a zone, e.g. 12:00:00Z)"
	case kURI:
		return " (an absolute URI such as https://example.org/x)"
	}
	return ""
}

// Err turns violations into one error wrapping ccc.ErrInvalidData, or nil.
func Err(file string, vs []Violation) error {
	if len(vs) == 0 {
		return nil
	}
	errs := make([]error, 0, len(vs))
	for _, v := range vs {
		errs = append(errs, &ccc.Error{Op: "validate", Path: file, Row: v.Record, Field: v.Path, Value: valueString(v.Value), Msg: v.Msg, Kind: ccc.ErrInvalidData})
	}
	return errors.Join(errs...)
}
