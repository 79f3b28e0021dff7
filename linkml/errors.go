package linkml

import (
	"github.com/ccc-connectivity/ccc"
)

// Errors returned by this package wrap the ccc error kinds:
//
//   - Loading a schema fails with *ccc.Error values of kind ccc.ErrSchema
//     (joined with errors.Join when there are several), each naming the
//     schema file, line and column: malformed YAML, unknown or cyclic import,
//     is_a / typeof cycle, unknown range / is_a / mixin / slot, an element
//     defined twice, and (with LoadOptions.Strict) keys the LinkML metamodel
//     does not define.
//   - Asking for a class, slot, enum or type that the schema does not define
//     returns a *ccc.Error of kind ccc.ErrNotFound.
//   - Validation never returns an error for bad data: it returns Violations.
//     Callers that want an error use (Report).Err, which wraps
//     ccc.ErrInvalidData.

// Warning is a non-fatal schema problem, such as a key the LinkML metamodel
// does not define. With LoadOptions.Strict warnings become errors.
type Warning struct {
	Pos Pos
	Msg string
}

func (w Warning) String() string { return w.Pos.String() + ": " + w.Msg }

func schemaError(p Pos, msg, hint string) error {
	return &ccc.Error{Op: "load schema", Path: p.File, Line: p.Line, Col: p.Col, Row: -1,
		Msg: msg, Hint: hint, Kind: ccc.ErrSchema}
}

func notFound(what, name, hint string) error {
	return &ccc.Error{Op: "schema", Row: -1, Msg: what + " " + quote(name) + " is not defined in the schema",
		Hint: hint, Kind: ccc.ErrNotFound}
}

func quote(s string) string { return "\"" + s + "\"" }
