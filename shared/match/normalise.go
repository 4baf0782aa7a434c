package match

import (
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// latinFolds spells out letters that Unicode decomposition does not reduce to ASCII.
var latinFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
}

// FoldLatin lower-cases a Latin-script value, removes accents and punctuation, and collapses
// spacing, so that "  Anna-Maria  MÜLLER " and "anna maria muller" compare equal. Han characters
// and digits are kept as they are.
func FoldLatin(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := latinFolds[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		case r == '\'' || r == '’' || r == '.':
			// O'Brien and St.Kilda keep their letters together.
		default:
			space = true
		}
	}
	return b.String()
}

// isHan reports whether s contains at least one Han character.
func isHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// hanOnly keeps the Han characters of s, dropping the spaces and middle dots people type.
func hanOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PersonName is a person's name in comparable form: family and given names folded to Latin
// letters (pinyin for Chinese names), and the Han characters as written when there are any.
type PersonName struct {
	Family string
	Given  string
	Han    string
	// HanFamily is the family-name part of Han.
	HanFamily string
	// GivenReadings are the pinyin spellings a Chinese given name may have when some of its
	// characters have several readings, the common one first.
	GivenReadings []string
}

// NormalisePersonName builds the comparable name from the full name and the separate parts,
// whichever were given. A Chinese full name is split at its (possibly compound) surname; a
// Latin full name without parts is read in Western order, family name last.
func NormalisePersonName(full, given, family string) PersonName {
	var n PersonName
	if isHan(full + family + given) {
		fam, giv := hanOnly(family), hanOnly(given)
		if fam == "" && giv == "" {
			fam, giv = SplitChineseName(hanOnly(full))
		}
		n.Han, n.HanFamily = fam+giv, fam
		n.Family = SurnamePinyin(fam)
		n.Given = HanPinyin(giv)
		n.GivenReadings = HanReadings(giv, 8)
		return n
	}
	n.Family, n.Given = FoldLatin(family), FoldLatin(given)
	if n.Family == "" && n.Given == "" {
		parts := strings.Fields(FoldLatin(full))
		switch len(parts) {
		case 0:
		case 1:
			n.Family = parts[0]
		default:
			n.Family = parts[len(parts)-1]
			n.Given = strings.Join(parts[:len(parts)-1], " ")
		}
	}
	return n
}

// NormalisePhone returns the E.164 form of a phone number, reading numbers without a country
// code as mainland Chinese; ok is false when the text is not a phone number.
func NormalisePhone(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "00") {
		t = "+" + t[2:]
	}
	if digits := onlyDigits(t); !strings.HasPrefix(t, "+") && len(digits) == 13 && strings.HasPrefix(digits, "86") {
		t = "+" + digits
	}
	num, err := phonenumbers.Parse(t, "CN")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormaliseEmail lower-cases an address. Dots in the local part are significant for most
// providers and are kept; Gmail ignores them and any "+tag", so for Gmail they are removed.
func NormaliseEmail(s string) string {
	e := strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(e, '@')
	if at <= 0 {
		return e
	}
	local, domain := e[:at], e[at+1:]
	if domain == "gmail.com" || domain == "googlemail.com" {
		if plus := strings.IndexByte(local, '+'); plus >= 0 {
			local = local[:plus]
		}
		local = strings.ReplaceAll(local, ".", "")
		domain = "gmail.com"
	}
	return local + "@" + domain
}

// NormaliseIDNumber upper-cases a document number and removes spaces, hyphens and slashes.
func NormaliseIDNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const residentChecks = "10X98765432"

// residentCheck computes the check character of the first 17 digits of a resident ID number.
func residentCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	return residentChecks[sum%11]
}

// NormaliseResidentID returns the 18-character form of a resident identity card number,
// upgrading a first-generation 15-digit number (two-digit year, no check character) the way
// the 1999 standard does; valid reports whether the result has a birth date and check
// character that are correct.
func NormaliseResidentID(s string) (id string, valid bool) {
	id = NormaliseIDNumber(s)
	if len(id) == 15 && onlyDigits(id) == id {
		first17 := id[:6] + "19" + id[6:]
		id = first17 + string(residentCheck(first17))
	}
	if len(id) != 18 || onlyDigits(id[:17]) != id[:17] {
		return id, false
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return id, false
	}
	return id, residentCheck(id[:17]) == id[17]
}

// Date is a calendar date as given, which may be partly wrong; zero fields are unknown.
type Date struct{ Year, Month, Day int }

// ParseDate reads YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD. It keeps a date whose fields are
// individually plausible even when the day does not exist in that month, because comparison
// must still see the year and month of a mistyped date.
func ParseDate(s string) (Date, bool) {
	d := onlyDigits(s)
	if len(d) != 8 {
		return Date{}, false
	}
	y, m, day := atoi(d[:4]), atoi(d[4:6]), atoi(d[6:])
	if y < 1800 || m < 1 || m > 12 || day < 1 || day > 31 {
		return Date{}, false
	}
	return Date{y, m, day}, true
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// String formats the date as YYYYMMDD, the form used in keys.
func (d Date) String() string {
	b := []byte("00000000")
	put := func(at, width, v int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 4, d.Year)
	put(4, 2, d.Month)
	put(6, 2, d.Day)
	return string(b)
}

// AddressTokens splits an address line into folded words, the unit of address comparison.
func AddressTokens(s string) []string { return strings.Fields(FoldLatin(s)) }
