package dashboardspec

import (
	"bytes"
	"testing"
)

// FuzzDecode: no input makes Decode, Validate or the emitters panic, and a
// document that decodes encodes to bytes that decode to the same bytes
// again. The seed corpus is in testdata/fuzz/FuzzDecode; the seeds are
// small so that the fuzzer's minimisation stays fast.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"dashboardspec/v1","id":"x","title":"t","datasets":[],"panels":[],"layout":{"columns":24,"sections":[]}}`))
	f.Add([]byte("apiVersion: dashboardspec/v1\nid: a\ntitle: &t T\ndescription: *t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		first, err := Marshal(d)
		if err != nil {
			return // e.g. a non-finite target
		}
		again, err := Parse(first)
		if err != nil {
			t.Fatalf("re-decoding the encoded document: %v\n%s", err, first)
		}
		second, err := Marshal(again)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("encode is not stable: %v", err)
		}
		if d.Validate() != nil {
			return
		}
		var buf bytes.Buffer
		_ = HTML(&buf, d)
		_, _ = VegaLite(d)
		_, _, _ = Perses(d, nil)
		_ = EncodeYAML(&buf, d)
	})
}
