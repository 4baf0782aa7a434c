package customer

import (
	"math/rand"
	"testing"
)

func TestParseCreditCode(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		checkOK  bool
		wantCode string
	}{
		{name: "domain example 1", in: "91110000600037341L", want: "91110000600037341L", checkOK: true},
		{name: "domain example 2", in: "91110108551385082Q", want: "91110108551385082Q", checkOK: true},
		{name: "lower case is upper-cased", in: "91110108551385082q", want: "91110108551385082Q", checkOK: true},
		{name: "spaces are dropped", in: " 9111 0108 5513 8508 2Q", want: "91110108551385082Q", checkOK: true},
		{name: "wrong check is accepted for review", in: "91110108551385082A", want: "91110108551385082A"},
		{name: "letter I is not in the alphabet", in: "91110108551385082I", wantCode: CodeCreditCodeChar},
		{name: "letter O is not in the alphabet", in: "9111010855138508OQ", wantCode: CodeCreditCodeChar},
		{name: "letter S is not in the alphabet", in: "S1110108551385082Q", wantCode: CodeCreditCodeChar},
		{name: "letter V is not in the alphabet", in: "91110108551385V82Q", wantCode: CodeCreditCodeChar},
		{name: "letter Z is not in the alphabet", in: "9111010855138508ZQ", wantCode: CodeCreditCodeChar},
		{name: "punctuation", in: "91110108-551385082", wantCode: CodeCreditCodeChar},
		{name: "17 characters", in: "91110108551385082", wantCode: CodeCreditCodeLength},
		{name: "old 9-character organisation code", in: "55138508-2", wantCode: CodeCreditCodeLength},
		{name: "empty", in: "", wantCode: CodeCreditCodeLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCreditCode(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if c.String() != tt.want || c.CheckOK() != tt.checkOK {
				t.Errorf("got %s checkOK=%v, want %s checkOK=%v", c, c.CheckOK(), tt.want, tt.checkOK)
			}
			warnings := c.Warnings()
			if tt.checkOK != (len(warnings) == 0) {
				t.Fatalf("warnings %v with checkOK=%v", warnings, tt.checkOK)
			}
			if !tt.checkOK && warnings[0].Code != CodeCreditCodeCheck {
				t.Errorf("warning code %q, want %q", warnings[0].Code, CodeCreditCodeCheck)
			}
		})
	}
}

func TestCreditCodeProperties(t *testing.T) {
	r := rand.New(rand.NewSource(32100))
	for i := 0; i < 500; i++ {
		b := make([]byte, 17)
		for j := range b {
			b[j] = creditAlphabet[r.Intn(len(creditAlphabet))]
		}
		valid := string(b) + string(creditCheck(string(b)))
		c, err := ParseCreditCode(valid)
		if err != nil || !c.CheckOK() {
			t.Fatalf("generated code rejected: %v checkOK=%v", err, c.CheckOK())
		}
		pos := r.Intn(18)
		for k := 0; k < len(creditAlphabet); k++ {
			if creditAlphabet[k] == valid[pos] {
				continue
			}
			changed := valid[:pos] + string(creditAlphabet[k]) + valid[pos+1:]
			if c, err := ParseCreditCode(changed); err == nil && c.CheckOK() {
				t.Fatalf("changing position %d of a valid code was not detected", pos)
			}
		}
	}
}
