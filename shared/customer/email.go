package customer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Email is a bare email address with its domain lower-cased. The local part keeps its case,
// since only the receiving server may say whether case matters there.
type Email struct{ addr string }

// Limits from RFC 5321: the local part and the whole forward path.
const (
	maxEmailLocal = 64
	maxEmail      = 254
	maxDNSLabel   = 63
)

// localSpecials are the characters RFC 5322 allows in a dot-atom besides letters and digits.
const localSpecials = "!#$%&'*+/=?^_`{|}~-"

// ParseEmail reads a bare address such as anna@example.com. Display names ("Anna
// <anna@example.com>"), quoted local parts and dotless domains are rejected. Letters outside
// ASCII are accepted (RFC 6531).
func ParseEmail(s string) (Email, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "<>") {
		return Email{}, problem(CodeEmailDisplayName)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return Email{}, problem(CodeEmailFormat)
	}
	if len(s) > maxEmail {
		return Email{}, problem(CodeEmailTooLong)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Email{}, problem(CodeEmailFormat)
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocal {
		return Email{}, problem(CodeEmailTooLong)
	}
	if !validLocal(local) {
		return Email{}, problem(CodeEmailFormat)
	}
	domain = strings.ToLower(domain)
	if !validDomain(domain) {
		return Email{}, problem(CodeEmailDomain)
	}
	return Email{addr: local + "@" + domain}, nil
}

func validLocal(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if r == '.' || r < utf8.RuneSelf && strings.ContainsRune(localSpecials, r) {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			return false
		}
	}
	return true
}

func validDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > maxDNSLabel || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return false
			}
		}
	}
	_, allDigits := digits(labels[len(labels)-1])
	return !allDigits
}

// String is the address.
func (e Email) String() string { return e.addr }
