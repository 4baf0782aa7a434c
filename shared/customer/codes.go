package customer

import "sort"

// The codes of the field errors the value parsers report. They are stable: clients branch on
// them and docs/validation.md lists them with their messages.
const (
	CodeResidentIDLength    = "resident_id_length"
	CodeResidentIDFormat    = "resident_id_format"
	CodeResidentIDRegion    = "resident_id_region"
	CodeResidentIDBirthDate = "resident_id_birth_date"
	CodeResidentIDCheck     = "resident_id_check"

	CodeCreditCodeLength = "credit_code_length"
	CodeCreditCodeChar   = "credit_code_char"
	CodeCreditCodeCheck  = "credit_code_check"

	CodePhoneInvalid   = "phone_invalid"
	CodePhoneTooLong   = "phone_too_long"
	CodePhoneMobile    = "phone_mobile_format"
	CodePhoneNotMobile = "phone_not_mobile"

	CodeEmailFormat      = "email_format"
	CodeEmailTooLong     = "email_too_long"
	CodeEmailDisplayName = "email_display_name"
	CodeEmailDomain      = "email_domain"

	CodeNameEmpty       = "name_empty"
	CodeNameTooLong     = "name_too_long"
	CodeNameControlChar = "name_control_char"
	CodeNameInvalidChar = "name_invalid_char"
	CodeNameNoLetter    = "name_no_letter"

	CodeTextTooLong     = "text_too_long"
	CodeTextControlChar = "text_control_char"

	CodeDateFormat     = "date_format"
	CodeDateInvalid    = "date_invalid"
	CodeDateFuture     = "date_future"
	CodeDateTooOld     = "date_too_old"
	CodeMonthDayFormat = "month_day_format"

	CodeCountryUnknown      = "country_unknown"
	CodeDocumentTypeUnknown = "document_type_unknown"
	CodeDocumentNumber      = "document_number_format"
)

type message struct{ en, zh string }

var catalogue = map[string]message{
	CodeResidentIDLength:    {"must have 18 characters (or 15 digits for a first-generation card)", "应为18位（第一代身份证为15位数字）"},
	CodeResidentIDFormat:    {"may contain only digits, and X as the last character", "只能包含数字，最后一位可以是X"},
	CodeResidentIDRegion:    {"starts with an unknown region code", "开头的行政区划代码无效"},
	CodeResidentIDBirthDate: {"contains a birth date that does not exist, is in the future or is before 1900", "包含的出生日期不存在、晚于当前日期或早于1900年"},
	CodeResidentIDCheck:     {"has a wrong check character", "校验码错误"},

	CodeCreditCodeLength: {"must have 18 characters", "应为18位"},
	CodeCreditCodeChar:   {"may contain only digits and the letters A-H, J-N, P-R, T, U, W-Y", "只能包含数字和字母A-H、J-N、P-R、T、U、W-Y"},
	CodeCreditCodeCheck:  {"has a check character that does not match; it will be reviewed", "校验码不符，将转人工审核"},

	CodePhoneInvalid:   {"is not a valid phone number", "不是有效的电话号码"},
	CodePhoneTooLong:   {"is too long for a phone number", "电话号码过长"},
	CodePhoneMobile:    {"is not a valid mainland mobile number (1[3-9] and 9 more digits)", "不是有效的大陆手机号码（1[3-9]开头，共11位）"},
	CodePhoneNotMobile: {"must be a mobile number", "必须是手机号码"},

	CodeEmailFormat:      {"is not a valid email address", "不是有效的电子邮箱地址"},
	CodeEmailTooLong:     {"is too long for an email address (at most 64 characters before @ and 254 in all)", "电子邮箱地址过长（@前最多64个字符，总长最多254个字符）"},
	CodeEmailDisplayName: {"must be a bare address, without a display name", "只能填写邮箱地址本身，不能带显示名称"},
	CodeEmailDomain:      {"has an invalid domain", "域名无效"},

	CodeNameEmpty:       {"is empty", "不能为空"},
	CodeNameTooLong:     {"is too long", "过长"},
	CodeNameControlChar: {"contains control characters", "包含控制字符"},
	CodeNameInvalidChar: {"contains characters that do not belong in a name", "包含不应出现在姓名中的字符"},
	CodeNameNoLetter:    {"must contain letters, not only digits or punctuation", "必须包含文字，不能只有数字或标点"},

	CodeTextTooLong:     {"is too long", "过长"},
	CodeTextControlChar: {"contains control characters", "包含控制字符"},

	CodeDateFormat:     {"must be a date written YYYY-MM-DD", "日期格式应为YYYY-MM-DD"},
	CodeDateInvalid:    {"is not a real calendar date", "不是有效的日历日期"},
	CodeDateFuture:     {"must not be in the future", "不能晚于当前日期"},
	CodeDateTooOld:     {"is implausibly far in the past", "日期过早，不合理"},
	CodeMonthDayFormat: {"must be a date written YYYY-MM-DD, or --MM-DD when the year is unknown", "日期格式应为YYYY-MM-DD，年份不详时为--MM-DD"},

	CodeCountryUnknown:      {"is not an ISO 3166-1 country code", "不是ISO 3166-1国家代码"},
	CodeDocumentTypeUnknown: {"is not a known identity document type", "不是可接受的证件类型"},
	CodeDocumentNumber:      {"does not have the format of this document type", "不符合该证件类型的号码格式"},
}

// problem is the field error for code, without its path: value parsers do not know where the
// value sits in a submission, so the caller places it with At.
func problem(code string) FieldError {
	m := catalogue[code]
	return FieldError{Code: code, Message: m.en, Zh: m.zh}
}

// At returns the field error placed at path.
func (e FieldError) At(path string) FieldError {
	e.Path = path
	return e
}

// Codes lists every field error the value parsers can report, without paths, sorted by code.
func Codes() []FieldError {
	out := make([]FieldError, 0, len(catalogue))
	for code := range catalogue {
		out = append(out, problem(code))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
