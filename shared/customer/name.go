package customer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Name is a person's name as written, in any script: 张三, Anna Müller, 约翰·史密斯. It is in
// Unicode NFC, trimmed, with runs of white space inside collapsed to one space.
type Name struct{ s string }

// MaxNameRunes bounds a name; no real name comes near it.
const MaxNameRunes = 100

// zero-width joiners belong inside words of several scripts (Persian, Indic), so they are kept.
const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// ParseName reads a person's name. Letters and combining marks of any script, digits,
// punctuation (·, -, ', .) and spaces are accepted; control characters and symbols are not,
// and a name needs at least one letter.
func ParseName(s string) (Name, error) {
	if !utf8.ValidString(s) {
		return Name{}, problem(CodeNameInvalidChar)
	}
	s = collapseSpace(norm.NFC.String(s))
	if s == "" {
		return Name{}, problem(CodeNameEmpty)
	}
	if utf8.RuneCountInString(s) > MaxNameRunes {
		return Name{}, problem(CodeNameTooLong)
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsMark(r), unicode.IsDigit(r), unicode.IsPunct(r), r == ' ', r == zwnj, r == zwj:
		case unicode.IsControl(r):
			return Name{}, problem(CodeNameControlChar)
		default:
			return Name{}, problem(CodeNameInvalidChar)
		}
	}
	if letters == 0 {
		return Name{}, problem(CodeNameNoLetter)
	}
	return Name{s: s}, nil
}

// String is the normalised name.
func (n Name) String() string { return n.s }

// collapseSpace trims s and replaces every run of white space inside it with one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// ParseText reads free text of at most maxRunes characters: Unicode NFC, trimmed. Line breaks
// and tabs are kept; other control characters are rejected.
func ParseText(s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", problem(CodeTextControlChar)
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "", problem(CodeTextControlChar)
		}
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return "", problem(CodeTextTooLong)
	}
	return s, nil
}

// ParseLine reads one line of text of at most maxRunes characters, such as an address line
// or a reference: ParseText without line breaks or tabs.
func ParseLine(s string, maxRunes int) (string, error) {
	if strings.ContainsAny(s, "\n\r\t\v\f") {
		return "", problem(CodeTextControlChar)
	}
	return ParseText(s, maxRunes)
}
