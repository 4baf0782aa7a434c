package customer

import (
	"strings"
	"time"
)

// ResidentID is a checked resident identity card number (居民身份证号码, GB 11643-1999) in its
// 18-character form, with the birth date and gender it encodes.
type ResidentID struct {
	number   string
	birth    Date
	gender   string
	upgraded bool
}

// Genders.
const (
	GenderMale   = "male"
	GenderFemale = "female"
	GenderOther  = "other"
)

// Genders lists the accepted gender values.
var Genders = []string{GenderMale, GenderFemale, GenderOther}

// provinces are the province-level region codes, the first two digits of a resident ID.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, // 北京 天津 河北 山西 内蒙古
	"21": true, "22": true, "23": true, // 辽宁 吉林 黑龙江
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, // 上海 … 山东
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true, // 河南 … 海南
	"50": true, "51": true, "52": true, "53": true, "54": true, // 重庆 四川 贵州 云南 西藏
	"61": true, "62": true, "63": true, "64": true, "65": true, // 陕西 甘肃 青海 宁夏 新疆
	"71": true, "81": true, "82": true, // 台湾 香港 澳门
}

var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const residentCheckChars = "10X98765432"

// residentCheck is the GB 11643 check character of 17 ASCII digits.
func residentCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	return residentCheckChars[sum%11]
}

// stripSpaces drops the spaces people type to group long numbers.
func stripSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// ParseResidentID reads a resident identity card number. A lower-case x check character is
// accepted; a 15-digit first-generation number is upgraded to 18 characters. The birth date
// must be real, not before 1900 and not after now.
func ParseResidentID(s string, now time.Time) (ResidentID, error) {
	s = strings.ToUpper(stripSpaces(s))
	var first17 string
	upgraded := false
	switch len(s) {
	case 18:
		if _, ok := digits(s[:17]); !ok || !(s[17] == 'X' || s[17] >= '0' && s[17] <= '9') {
			return ResidentID{}, problem(CodeResidentIDFormat)
		}
		first17 = s[:17]
	case 15:
		if _, ok := digits(s); !ok {
			return ResidentID{}, problem(CodeResidentIDFormat)
		}
		first17 = s[:6] + "19" + s[6:]
		upgraded = true
	default:
		return ResidentID{}, problem(CodeResidentIDLength)
	}
	if !provinces[first17[:2]] {
		return ResidentID{}, problem(CodeResidentIDRegion)
	}
	birth, err := ParseDate(first17[6:10] + "-" + first17[10:12] + "-" + first17[12:14])
	if err != nil || plausibleBirth(birth, now) != nil {
		return ResidentID{}, problem(CodeResidentIDBirthDate)
	}
	check := residentCheck(first17)
	if !upgraded && s[17] != check {
		return ResidentID{}, problem(CodeResidentIDCheck)
	}
	gender := GenderFemale
	if (first17[16]-'0')%2 == 1 {
		gender = GenderMale
	}
	return ResidentID{number: first17 + string(check), birth: birth, gender: gender, upgraded: upgraded}, nil
}

// String is the 18-character number.
func (id ResidentID) String() string { return id.number }

// BirthDate is the birth date the number encodes.
func (id ResidentID) BirthDate() Date { return id.birth }

// Gender is "male" for an odd sequence digit, "female" for an even one.
func (id ResidentID) Gender() string { return id.gender }

// Upgraded reports whether the number was given in the 15-digit first-generation form.
func (id ResidentID) Upgraded() bool { return id.upgraded }
