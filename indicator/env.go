package indicator

import "cel.dev/cel-go/cel"

// Env returns the CEL environment the set's expressions were checked in:
// the schema's record and event types, the parameters, the value sets,
// hpi's functions, and every definition declared as a variable of its
// type. Packages that translate a set's expressions elsewhere (to SQL) check
// them in it to get their types; evaluating with it is not supported.
func (s *Set) Env() *cel.Env { return s.env }
