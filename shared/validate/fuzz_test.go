package validate

import (
	"bytes"
	"errors"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

// FuzzDecode feeds arbitrary bytes through decoding and the full check: nothing may panic,
// only malformed input may fail, and every reported problem is a documented code with a path
// and both messages.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"channel":"web_form","kind":"person","person":{"name":"张三"}}`))
	known := map[string]bool{}
	for _, c := range Codes() {
		known[c.Code] = true
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Rules{Now: testNow}.CheckJSON(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error other than ErrMalformed from an in-memory reader: %v", err)
			}
			return
		}
		for _, list := range [][]customer.FieldError{res.Errors, res.Warnings} {
			for _, e := range list {
				if !known[e.Code] || e.Message == "" || e.Zh == "" {
					t.Fatalf("undocumented or incomplete field error %+v", e)
				}
			}
		}
	})
}
