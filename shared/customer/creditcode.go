package customer

import "strings"

// CreditCode is a unified social credit code (统一社会信用代码, GB 32100-2015). A code whose
// check character does not match is still a CreditCode, because some early pilot codes are
// legal yet fail the check; such a code carries a warning that routes it to review.
type CreditCode struct {
	code    string
	checkOK bool
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCheck is the GB 32100 check character of 17 characters from the alphabet.
func creditCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditAlphabet, first17[i]) * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// ParseCreditCode reads a unified social credit code; lower-case letters are upper-cased.
func ParseCreditCode(s string) (CreditCode, error) {
	s = strings.ToUpper(stripSpaces(s))
	if len(s) != 18 {
		return CreditCode{}, problem(CodeCreditCodeLength)
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(creditAlphabet, s[i]) < 0 {
			return CreditCode{}, problem(CodeCreditCodeChar)
		}
	}
	return CreditCode{code: s, checkOK: creditCheck(s[:17]) == s[17]}, nil
}

// String is the code, upper-cased.
func (c CreditCode) String() string { return c.code }

// CheckOK reports whether the check character matches.
func (c CreditCode) CheckOK() bool { return c.checkOK }

// Warnings are the doubts about an accepted code: a check character that does not match.
func (c CreditCode) Warnings() []FieldError {
	if c.checkOK {
		return nil
	}
	return []FieldError{problem(CodeCreditCodeCheck)}
}
