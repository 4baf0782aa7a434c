package customer

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// PhoneType is what kind of line a phone number is.
type PhoneType string

// Phone types, as libphonenumber classifies numbers.
const (
	PhoneMobile            PhoneType = "mobile"
	PhoneFixedLine         PhoneType = "fixed_line"
	PhoneFixedLineOrMobile PhoneType = "fixed_line_or_mobile"
	PhoneTollFree          PhoneType = "toll_free"
	PhonePremiumRate       PhoneType = "premium_rate"
	PhoneSharedCost        PhoneType = "shared_cost"
	PhoneVoIP              PhoneType = "voip"
	PhonePersonal          PhoneType = "personal_number"
	PhonePager             PhoneType = "pager"
	PhoneUAN               PhoneType = "uan"
	PhoneVoicemail         PhoneType = "voicemail"
	PhoneUnknown           PhoneType = "unknown"
)

var phoneTypes = map[phonenumbers.PhoneNumberType]PhoneType{
	phonenumbers.MOBILE:               PhoneMobile,
	phonenumbers.FIXED_LINE:           PhoneFixedLine,
	phonenumbers.FIXED_LINE_OR_MOBILE: PhoneFixedLineOrMobile,
	phonenumbers.TOLL_FREE:            PhoneTollFree,
	phonenumbers.PREMIUM_RATE:         PhonePremiumRate,
	phonenumbers.SHARED_COST:          PhoneSharedCost,
	phonenumbers.VOIP:                 PhoneVoIP,
	phonenumbers.PERSONAL_NUMBER:      PhonePersonal,
	phonenumbers.PAGER:                PhonePager,
	phonenumbers.UAN:                  PhoneUAN,
	phonenumbers.VOICEMAIL:            PhoneVoicemail,
}

// Phone is a valid phone number in E.164 form with its line type.
type Phone struct {
	e164   string
	kind   PhoneType
	region string
}

// PhoneOptions tune ParsePhone.
type PhoneOptions struct {
	// DefaultRegion is the ISO 3166-1 alpha-2 region assumed for numbers written without a
	// country code; "CN" when empty.
	DefaultRegion string
	// RequireMobile rejects numbers that are not mobile numbers.
	RequireMobile bool
}

// maxPhoneInput bounds what is handed to libphonenumber; no real number, however punctuated,
// comes near it.
const maxPhoneInput = 40

const chinaCode = 86

// ParsePhone reads a phone number such as 13800138000, +86 138 0013 8000, 008613800138000,
// 8613800138000, 010-12345678 or +44 20 7946 0018. Mainland numbers of 11 digits starting with
// 1 are mobiles and must be 1[3-9] followed by 9 digits.
func ParsePhone(s string, opt PhoneOptions) (Phone, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxPhoneInput {
		return Phone{}, problem(CodePhoneTooLong)
	}
	// libphonenumber reads letters as keypad digits (1-800-FLOWERS); a customer's number on a
	// form is never written that way, so letters are a mistake.
	if s == "" || strings.IndexFunc(s, unicode.IsLetter) >= 0 {
		return Phone{}, problem(CodePhoneInvalid)
	}
	region := opt.DefaultRegion
	if region == "" {
		region = "CN"
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil || num.GetExtension() != "" {
		return Phone{}, problem(CodePhoneInvalid)
	}
	var kind PhoneType
	national := phonenumbers.GetNationalSignificantNumber(num)
	if num.GetCountryCode() == chinaCode && len(national) == 11 && national[0] == '1' {
		if national[1] < '3' {
			return Phone{}, problem(CodePhoneMobile)
		}
		kind = PhoneMobile
	} else {
		if !phonenumbers.IsValidNumber(num) {
			return Phone{}, problem(CodePhoneInvalid)
		}
		kind = phoneTypes[phonenumbers.GetNumberType(num)]
		if kind == "" {
			kind = PhoneUnknown
		}
	}
	if opt.RequireMobile && kind != PhoneMobile && kind != PhoneFixedLineOrMobile {
		return Phone{}, problem(CodePhoneNotMobile)
	}
	return Phone{
		e164:   phonenumbers.Format(num, phonenumbers.E164),
		kind:   kind,
		region: phonenumbers.GetRegionCodeForNumber(num),
	}, nil
}

// String is the number in E.164 form, such as +8613800138000.
func (p Phone) String() string { return p.e164 }

// Type is the kind of line.
func (p Phone) Type() PhoneType { return p.kind }

// IsMobile reports whether the number is a mobile (or may be one, where a country does not
// tell them apart).
func (p Phone) IsMobile() bool { return p.kind == PhoneMobile || p.kind == PhoneFixedLineOrMobile }

// Region is the ISO 3166-1 alpha-2 region of the number ("CN", "GB", ...).
func (p Phone) Region() string { return p.region }
