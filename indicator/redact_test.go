package indicator

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The messages are cel-go's formats (common/types, v0.33) and this
// package's, filled with values read from a record.
func TestRedactValues(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`invalid RFC 3339 timestamp "999-123-4567"`, `invalid RFC 3339 timestamp "…"`},
		{`unsupported timestamp format: "x\"y"`, `unsupported timestamp format: "…"`},
		{`no such key: Alice`, `no such key: …`},
		{`insert failed: key Alice already exists`, `insert failed: key …`},
		{"error parsing regexp: missing closing ): `SW1A 1AA(`", `error parsing regexp: missing closing ): "…"`},
		{`timezone offset hours out of range [-23, 23]: +99:00`, `timezone offset hours out of range [-23, 23]: …`},
		{`unsupported index value Alice in list`, `unsupported index value …`},
		{`definition d: strconv.ParseInt: parsing "Alice": invalid syntax`, `definition d: strconv.ParseInt: parsing "…": invalid syntax`},
		{`a "dangling quote Alice`, `a "…"`},
		// Left as they are: no value, or names, types, indices and sizes.
		{`type conversion error from 'string' to 'int'`, `type conversion error from 'string' to 'int'`},
		{`index '7' out of range in list size '3'`, `index '7' out of range in list size '3'`},
		{`division by zero`, `division by zero`},
		{`no such overload: int(list(dyn))`, `no such overload: int(list(dyn))`},
	} {
		assert.Equal(t, c.want, redactValues(c.in), c.in)
	}
}
