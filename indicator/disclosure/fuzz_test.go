package disclosure_test

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// fuzzCase is a table decoded from fuzz bytes, with what ApplyTable must say.
type fuzzCase struct {
	policy  disclosure.Policy
	cells   [][]float64
	ragged  bool // last row is one cell short
	invalid bool // some cell is negative, NaN or infinite
}

// decodeFuzzCase builds a table from fuzz bytes. Header (missing bytes read
// as 0):
//
//	byte 0: rows = b%7; bit 7 makes the table ragged
//	byte 1: columns = b%7
//	byte 2: policy = testPolicies()[b%6]; bit 6 turns Complementary off;
//	        bit 7 reads each cell as 8 raw little-endian float64 bytes
//
// Otherwise each cell is one byte b: 0 when b%4 == 0 (many zeros), else b/4
// (1–63, many small). Bytes are reused cyclically; no bytes means zeros.
func decodeFuzzCase(data []byte) fuzzCase {
	header := make([]byte, 3)
	copy(header, data)
	body := data[min(len(data), 3):]
	policies := testPolicies()
	fc := fuzzCase{policy: policies[int(header[2])%len(policies)]}
	if header[2]&0x40 != 0 {
		fc.policy.Complementary = false
	}
	rawFloats := header[2]&0x80 != 0
	rows, cols := int(header[0]%7), int(header[1]%7)
	next := 0
	fc.cells = make([][]float64, rows)
	for r := range fc.cells {
		fc.cells[r] = make([]float64, cols)
		for c := range fc.cells[r] {
			var v float64
			if rawFloats {
				v = floatAt(body, next)
				next += 8
			} else if len(body) > 0 {
				b := body[next%len(body)]
				next++
				if b%4 != 0 {
					v = float64(b / 4)
				}
			}
			fc.cells[r][c] = v
			fc.invalid = fc.invalid || math.IsNaN(v) || math.IsInf(v, 0) || v < 0
		}
	}
	if header[0]&0x80 != 0 && rows >= 2 && cols >= 1 {
		fc.cells[rows-1] = fc.cells[rows-1][:cols-1]
		fc.ragged = true
	}
	return fc
}

// floatAt reads the float64 at byte offset i of body, cyclically.
func floatAt(body []byte, i int) float64 {
	if len(body) == 0 {
		return 0
	}
	var buf [8]byte
	for k := range buf {
		buf[k] = body[(i+k)%len(body)]
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(buf[:]))
}

// FuzzApplyTable checks that ApplyTable never panics, rejects exactly the bad
// tables, and otherwise suppresses every primary cell, leaves no suppressed
// cell recoverable, and gives the same pattern every time.
func FuzzApplyTable(f *testing.F) {
	// Seeds live in testdata/fuzz/FuzzApplyTable.
	f.Fuzz(func(t *testing.T, data []byte) {
		fc := decodeFuzzCase(data)
		why, err := fc.policy.ApplyTable(fc.cells)
		switch {
		case fc.ragged || fc.invalid:
			// With both faults, whichever comes first in the table is reported.
			isRagged := errors.Is(err, disclosure.ErrRaggedTable)
			isInvalid := errors.Is(err, disclosure.ErrInvalidCount)
			if !(fc.ragged && isRagged || fc.invalid && isInvalid) || why != nil {
				t.Fatalf("bad table %v (ragged %v, invalid %v): error %v", fc.cells, fc.ragged, fc.invalid, err)
			}
			return
		case unprotectable(fc.policy, fc.cells):
			if !errors.Is(err, disclosure.ErrUnprotectable) {
				t.Fatalf("table %v: error %v, want ErrUnprotectable", fc.cells, err)
			}
			return
		case err != nil:
			t.Fatalf("table %v: %v", fc.cells, err)
		}
		checkInvariants(t, fc.policy, fc.cells, why)
		again, err := fc.policy.ApplyTable(fc.cells)
		if err != nil || !reflect.DeepEqual(why, again) {
			t.Fatalf("table %v: pattern %q then %q (%v)", fc.cells, pattern(why), pattern(again), err)
		}
	})
}
