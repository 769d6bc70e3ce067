package source

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/textvalue"
)

// shareLimit is the longest input line (or CSV record) whose string values
// are kept as substrings of it. Sharing saves an allocation per value, but
// keeps the whole line alive as long as the batch: past this size a stray
// long field (an ignored column, say) would cost more memory than the
// copies save, so values are copied instead.
const shareLimit = 4 << 10

// appendText parses s as a value of kind k and appends it to cb. The
// error, if any, says why s is not such a value, quoting s only when
// values is set (WithValuesInErrors); the caller adds where. Surrounding
// spaces are ignored except for strings, which are verbatim, and copied
// when clone is set (see shareLimit).
func appendText(cb indicator.ColumnBuilder, k indicator.Kind, s string, clone, values bool) error {
	if k == indicator.KindString {
		if clone {
			s = strings.Clone(s)
		}
		cb.AppendString(s)
		return nil
	}
	var err error
	switch k {
	case indicator.KindInt:
		var v int64
		if v, err = textvalue.Int(s); err == nil {
			cb.AppendInt(v)
		}
	case indicator.KindDouble:
		var v float64
		if v, err = textvalue.Double(s); err == nil {
			cb.AppendDouble(v)
		}
	case indicator.KindBool:
		var v bool
		if v, err = textvalue.Bool(s); err == nil {
			cb.AppendBool(v)
		}
	case indicator.KindTimestamp:
		var v time.Time
		if v, err = textvalue.Timestamp(s); err == nil {
			cb.AppendTime(v)
		}
	case indicator.KindDuration:
		var v time.Duration
		if v, err = textvalue.Duration(s); err == nil {
			cb.AppendDuration(v)
		}
	default:
		err = fmt.Errorf("unsupported kind %s", k)
	}
	return redact(err, values)
}

// badValue is a value that is not what its field wants: text is the
// value, problem what is wrong with it ("not an integer"). Its message
// shows text unquoted: it is used for JSON numbers.
type badValue struct{ text, problem string }

func (e *badValue) Error() string { return textvalue.Shorten(e.text) + " is " + e.problem }

// redact returns err without the data value it quotes, unless values is
// set: a value may identify a patient (see WithValuesInErrors).
func redact(err error, values bool) error {
	if err == nil || values {
		return err
	}
	var te *textvalue.Error
	if errors.As(err, &te) {
		return errors.New(te.Problem)
	}
	var bv *badValue
	if errors.As(err, &bv) {
		return errors.New(bv.problem)
	}
	return err
}
