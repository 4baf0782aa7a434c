package match

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultRulesLoad(t *testing.T) {
	r, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if r.Version == "" || r.Thresholds.Possible > r.Thresholds.Match {
		t.Errorf("default rules look wrong: version %q thresholds %+v", r.Version, r.Thresholds)
	}
}

func TestMarshalledRulesParseBack(t *testing.T) {
	r, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRules(b)
	if err != nil {
		t.Fatalf("marshalled rules do not parse: %v", err)
	}
	if back.Version != r.Version || len(back.Fields) != len(r.Fields) || back.Thresholds != r.Thresholds {
		t.Errorf("round trip changed the rules")
	}
}

// editedRules renders the default rules with one line replaced by another.
func editedRules(t *testing.T, old, new string) []byte {
	t.Helper()
	s := string(defaultRules)
	if !strings.Contains(s, old) {
		t.Fatalf("default rules have no %q", old)
	}
	return []byte(strings.Replace(s, old, new, 1))
}

// lineOf is the last line holding needle.
func lineOf(t *testing.T, data []byte, needle string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, needle) {
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("no %q in rules", needle)
	}
	return line
}

func TestParseRulesReportsTheLineAtFault(t *testing.T) {
	tests := []struct {
		name     string
		data     func(t *testing.T) []byte
		lineOf   string
		contains string
	}{
		{
			name:     "unknown key",
			data:     func(t *testing.T) []byte { return editedRules(t, "  possible:", "  posible:") },
			lineOf:   "posible:",
			contains: "posible",
		},
		{
			name:     "text where a number belongs",
			data:     func(t *testing.T) []byte { return editedRules(t, "  match: ", "  match: high #") },
			lineOf:   "match: high",
			contains: "high",
		},
		{
			name:     "unknown field",
			data:     func(t *testing.T) []byte { return editedRules(t, "name: gender", "name: shoeSize") },
			lineOf:   "shoeSize",
			contains: `unknown field "shoeSize"`,
		},
		{
			name: "too few probabilities",
			data: func(t *testing.T) []byte {
				return editedRules(t, "  - name: gender\n    m: [", "  - name: gender\n    m: [0.5, ")
			},
			lineOf:   "name: gender",
			contains: `"gender" needs 2`,
		},
		{
			name: "probability out of range",
			data: func(t *testing.T) []byte {
				return editedRules(t, "  - name: phone\n    m: [0.8, 0.2]", "  - name: phone\n    m: [1.5, 0.2]")
			},
			lineOf:   "name: phone",
			contains: "(0, 1]",
		},
		{
			name:     "thresholds upside down",
			data:     func(t *testing.T) []byte { return editedRules(t, "  possible: ", "  possible: 99 #") },
			lineOf:   "thresholds:",
			contains: "possible is above match",
		},
		{
			name:     "field missing",
			data:     func(t *testing.T) []byte { return editedRules(t, "  - name: email\n", "  - name: phone\n") },
			lineOf:   "name: phone",
			contains: "given twice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			_, err := ParseRules(data)
			var re *RulesError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want a RulesError", err)
			}
			if want := lineOf(t, data, tt.lineOf); re.Line != want {
				t.Errorf("line %d, want %d (%v)", re.Line, want, err)
			}
			if !strings.Contains(err.Error(), tt.contains) || !strings.Contains(err.Error(), "line ") {
				t.Errorf("message %q does not say %q and the line", err, tt.contains)
			}
		})
	}
}

func TestParseRulesRejectsEmptyAndVersionless(t *testing.T) {
	for name, data := range map[string]string{
		"empty":      "",
		"no version": "thresholds: {match: 1, possible: 0}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRules([]byte(data)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(defaultRules)
	f.Add([]byte("version: x\nfields: [{name: gender, m: [1], u: [1]}]\n"))
	f.Add([]byte(":\n-"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRules(data)
		if err == nil {
			if _, err := New(r); err != nil {
				t.Errorf("parsed rules do not build a matcher: %v", err)
			}
		}
	})
}
