package linkml

// Pos is a place in a schema file: the module's file name (a path on disk,
// or "ccc:<module>" / "linkml:types" for embedded modules) and the 1-based
// line and column.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Col)
}

// Element holds what every schema element shares: its name, description,
// where it was defined, in which module, and the metamodel keys ccc does not
// interpret (annotations, see_also, exact_mappings, ...), kept as decoded
// YAML values.
type Element struct {
	Name        string
	Description string
	Aliases     []string
	Module      string         // name of the defining module
	Pos         Pos            // position of the element's name
	KeyPos      map[string]Pos // position of each key's value
	Extra       map[string]any // other metamodel keys, decoded
}

// Module is one loaded schema file.
type Module struct {
	ID            string
	Name          string
	Description   string
	Version       string
	DefaultPrefix string
	DefaultRange  string
	Prefixes      []Prefix
	Settings      map[string]string // settings, for structured_pattern interpolation
	Imports       []string
	Source        string // file name as reported in errors
	Pos           Pos
	Extra         map[string]any
}

// Prefix maps a CURIE prefix to its URI expansion.
type Prefix struct {
	Prefix    string
	Reference string
}

// Type is a LinkML type: a built-in one (string, integer, ...) or a custom
// type deriving from one with typeof.
type Type struct {
	Element
	Typeof       string
	Base         string // Python base of the root type (str, int, float, Bool, XSDDate, ...)
	URI          string
	Pattern      string
	MinimumValue *float64
	MaximumValue *float64
	EqualsString string
	// EqualsNumber, EqualsStringIn and StructuredPattern as on slots.
	EqualsNumber      *float64
	EqualsStringIn    []string
	StructuredPattern *StructuredPattern
}

// StructuredPattern is a pattern written with {name} references to the
// schema's settings (interpolated) and, with PartialMatch false, matched
// against the whole value.
type StructuredPattern struct {
	Syntax       string
	Interpolated bool
	PartialMatch bool
}

// Enum is a LinkML enumeration.
type Enum struct {
	Element
	EnumURI string
	Values  []PermissibleValue
}

// PermissibleValue is one value of an enum.
type PermissibleValue struct {
	Text        string
	Description string
	Meaning     string
}

// UniqueKey is a class's unique_keys entry.
type UniqueKey struct {
	Name  string
	Slots []string
	// ConsiderNullsInequal is the metamodel's consider_nulls_inequal: when
	// true a combination with a missing value never repeats another (SQL
	// NULL semantics); by default (false) a missing value is a value of its
	// own, equal to another missing value (IS NOT DISTINCT FROM).
	ConsiderNullsInequal bool
}

// Class is a LinkML class as written in the schema (not induced).
type Class struct {
	Element
	IsA        string
	Mixins     []string
	Abstract   bool
	Mixin      bool
	TreeRoot   bool
	ClassURI   string
	Slots      []string // names of schema-level slots used by the class
	Attributes []*Slot  // slots defined inline, in file order
	SlotUsage  []*Slot  // refinements of inherited or used slots, in file order
	UniqueKeys []UniqueKey
	// Class-level boolean expressions and rules (JSON Schema anyOf, allOf,
	// oneOf, not and if/then/else of the class, as gen-json-schema emits).
	AnyOf        []*ClassExpr
	AllOf        []*ClassExpr
	ExactlyOneOf []*ClassExpr
	NoneOf       []*ClassExpr
	Rules        []*ClassRule
}

// ClassExpr is an anonymous class expression: conditions on named slots
// and nested boolean expressions.
type ClassExpr struct {
	SlotConditions []*SlotExpr // Name set
	AnyOf          []*ClassExpr
	AllOf          []*ClassExpr
	ExactlyOneOf   []*ClassExpr
	NoneOf         []*ClassExpr
	Pos            Pos
}

// ClassRule is one of a class's rules: when Preconditions hold,
// Postconditions must, else Elseconditions must.
type ClassRule struct {
	Preconditions  *ClassExpr
	Postconditions *ClassExpr
	Elseconditions *ClassExpr
	Deactivated    bool
	Pos            Pos
}

// Attribute returns the class's own attribute called name, or nil.
func (c *Class) Attribute(name string) *Slot {
	for _, a := range c.Attributes {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Usage returns the class's slot_usage entry for name, or nil.
func (c *Class) Usage(name string) *Slot {
	for _, a := range c.SlotUsage {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// ArraySpec is a LinkML array: specification, kept as written.
type ArraySpec struct {
	ExactNumberDimensions   *int
	MinimumNumberDimensions *int
	MaximumNumberDimensions *int // 0 with MaxDimensionsFalse means unbounded
	MaxDimensionsFalse      bool
	Dimensions              []Dimension
}

// Dimension is one entry of an array's dimensions list.
type Dimension struct {
	Alias              string
	Description        string
	ExactCardinality   *int
	MinimumCardinality *int
	MaximumCardinality *int
}

// SlotExpr is an anonymous slot expression (of any_of, all_of,
// exactly_one_of, none_of), or a slot condition of a class expression
// (Name set).
type SlotExpr struct {
	Name           string
	Range          string
	Pattern        string
	MinimumValue   *float64
	MaximumValue   *float64
	EqualsString   string
	EqualsNumber   *float64
	EqualsStringIn []string
	Required       *bool
	MinCardinality *int
	MaxCardinality *int
	AnyOf          []SlotExpr
	AllOf          []SlotExpr
	ExactlyOneOf   []SlotExpr
	NoneOf         []SlotExpr
	Array          *ArraySpec
	Pos            Pos
}

// Slot is a LinkML slot: a schema-level slot, a class attribute, a
// slot_usage refinement, or an induced slot (see Schema.InducedSlots). Tri-
// state booleans are nil when the schema does not say; use the Is* methods
// for the effective value.
type Slot struct {
	Element
	IsA            string
	Mixins         []string
	Range          string
	SlotURI        string
	Domain         string
	Required       *bool
	Recommended    *bool
	Multivalued    *bool
	Identifier     *bool
	Key            *bool
	Inlined        *bool
	InlinedAsList  *bool
	Pattern        string
	MinimumValue   *float64
	MaximumValue   *float64
	Ifabsent       string
	EqualsString   string
	AnyOf          []SlotExpr
	ExactlyOneOf   []SlotExpr
	AllOf          []SlotExpr
	NoneOf         []SlotExpr
	Array          *ArraySpec
	DesignatesType *bool
	// Alias is the key of the slot in data (LinkML's alias).
	Alias             string
	EqualsNumber      *float64
	EqualsStringIn    []string
	StructuredPattern *StructuredPattern
	MinCardinality    *int // minimum_cardinality (exact_cardinality sets both)
	MaxCardinality    *int

	// Set on induced slots only.
	// NoRange: neither the slot nor default_range gave a range; Range is
	// "string" for generators and the validator accepts any value.
	NoRange  bool
	Owner    string // class the slot was induced for
	DomainOf []string
}

func isTrue(b *bool) bool { return b != nil && *b }

// IsRequired reports whether the slot is required.
func (s *Slot) IsRequired() bool { return isTrue(s.Required) }

// IsRecommended reports whether the slot is recommended.
func (s *Slot) IsRecommended() bool { return isTrue(s.Recommended) }

// IsMultivalued reports whether the slot holds a list.
func (s *Slot) IsMultivalued() bool { return isTrue(s.Multivalued) }

// IsIdentifier reports whether the slot is the class's identifier or key.
func (s *Slot) IsIdentifier() bool { return isTrue(s.Identifier) || isTrue(s.Key) }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
