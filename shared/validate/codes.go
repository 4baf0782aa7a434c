package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// The codes of the field errors this package reports besides those of the value parsers
// (customer.Codes). They are stable; docs/validation.md lists them with their messages.
const (
	CodeRequired          = "required"
	CodeUnknownField      = "unknown_field"
	CodeSensitiveData     = "sensitive_data"
	CodeInvalidType       = "invalid_type"
	CodeNotAllowed        = "not_allowed"
	CodeBlockNotAllowed   = "block_not_allowed"
	CodeTooManyItems      = "too_many_items"
	CodeDuplicate         = "duplicate"
	CodeNegativeAmount    = "negative_amount"
	CodeContactRequired   = "contact_required"
	CodeMobileRequired    = "mobile_required"
	CodeControllerMissing = "controller_required"
	CodeDocumentExpired   = "document_expired"
	CodeDocumentCountry   = "document_country"
	CodeIDBirthMismatch   = "id_birth_date_mismatch"
	CodeIDGenderMismatch  = "id_gender_mismatch"
	CodeTimeFormat        = "time_format"
	CodeTimeFuture        = "time_future"
)

type message struct{ en, zh string }

// catalogue holds each code's messages; a %s in a message takes the detail the code carries
// (the accepted values, a limit, an expected type), never the submitted value.
var catalogue = map[string]message{
	CodeRequired:          {"is required", "为必填项"},
	CodeUnknownField:      {"is not a field of the submission format", "不是提交格式中的字段"},
	CodeSensitiveData:     {"must not be collected: it is sensitive personal data the service does not need", "不得收集：属于服务不需要的敏感个人信息"},
	CodeInvalidType:       {"must be %s", "应为%s"},
	CodeNotAllowed:        {"must be one of: %s", "应为以下之一：%s"},
	CodeBlockNotAllowed:   {"does not belong in a submission of this kind", "不应出现在此类提交中"},
	CodeTooManyItems:      {"has more than %s items", "条目超过%s个"},
	CodeDuplicate:         {"repeats an earlier item", "与前面的条目重复"},
	CodeNegativeAmount:    {"must be a number not below zero", "应为不小于零的数"},
	CodeContactRequired:   {"needs at least a name, a phone number, an email address or an identity document number", "至少需要姓名、电话、电子邮箱或证件号码之一"},
	CodeMobileRequired:    {"must include a mobile number", "必须包含一个手机号码"},
	CodeControllerMissing: {"is required, or else the beneficial owner", "为必填项（或填写受益所有人）"},
	CodeDocumentExpired:   {"has passed: the document has expired", "已过期：证件已失效"},
	CodeDocumentCountry:   {"must be CN for a resident identity card", "居民身份证的签发国家应为CN"},
	CodeIDBirthMismatch:   {"does not agree with the birth date in the identity card number", "与身份证号码中的出生日期不一致"},
	CodeIDGenderMismatch:  {"does not agree with the gender in the identity card number", "与身份证号码中的性别不一致"},
	CodeTimeFormat:        {"must be a time written in RFC 3339, such as 2025-06-01T09:30:00+08:00", "时间格式应为RFC 3339，例如2025-06-01T09:30:00+08:00"},
	CodeTimeFuture:        {"must not be in the future", "不能晚于当前时间"},
}

// fieldError is the error for code at path; detail fills the message's %s.
func fieldError(path, code string, detail ...string) customer.FieldError {
	m := catalogue[code]
	en, zh := m.en, m.zh
	if strings.Contains(en, "%s") {
		d := strings.Join(detail, ", ")
		en, zh = fmt.Sprintf(en, d), fmt.Sprintf(zh, d)
	}
	return customer.FieldError{Path: path, Code: code, Message: en, Zh: zh}
}

// Codes lists every field error a check can report, this package's and the value parsers',
// without paths, sorted by code. Messages that take a detail show it as %s.
func Codes() []customer.FieldError {
	out := customer.Codes()
	for code, m := range catalogue {
		out = append(out, customer.FieldError{Code: code, Message: m.en, Zh: m.zh})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
