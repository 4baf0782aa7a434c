package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/validate"
)

// Problem is an RFC 9457 problem document. Title and Detail are English; TitleZh and DetailZh
// carry the same in Chinese for the people who fill in the forms.
type Problem struct {
	Type     string                `json:"type"`
	Title    string                `json:"title"`
	TitleZh  string                `json:"titleZh,omitempty"`
	Status   int                   `json:"status"`
	Detail   string                `json:"detail,omitempty"`
	DetailZh string                `json:"detailZh,omitempty"`
	Instance string                `json:"instance,omitempty"`
	Errors   []customer.FieldError `json:"errors,omitempty"`
}

// problemKind is one kind of problem the API answers with.
type problemKind struct {
	slug, title, titleZh string
	status               int
}

// ProblemTypeBase prefixes every problem type; docs/api.md lists them.
const ProblemTypeBase = "urn:intake:problem:"

var (
	probMalformed    = problemKind{"malformed", "Malformed request", "请求格式错误", http.StatusBadRequest}
	probInvalid      = problemKind{"invalid-submission", "Invalid submission", "提交内容有误", http.StatusUnprocessableEntity}
	probUnauthorized = problemKind{"unauthorized", "Authentication required", "需要身份验证", http.StatusUnauthorized}
	probForbidden    = problemKind{"forbidden", "Forbidden", "无权访问", http.StatusForbidden}
	probNotFound     = problemKind{"not-found", "Not found", "未找到", http.StatusNotFound}
	probMethod       = problemKind{"method-not-allowed", "Method not allowed", "不支持该请求方法", http.StatusMethodNotAllowed}
	probConflict     = problemKind{"idempotency-conflict", "Idempotency key reused", "幂等键已被使用", http.StatusConflict}
	probTooLarge     = problemKind{"too-large", "Request body too large", "请求内容过大", http.StatusRequestEntityTooLarge}
	probMediaType    = problemKind{"unsupported-media-type", "Unsupported media type", "不支持的内容类型", http.StatusUnsupportedMediaType}
	probRateLimited  = problemKind{"rate-limited", "Too many requests", "请求过于频繁", http.StatusTooManyRequests}
	probInternal     = problemKind{"internal", "Internal error", "内部错误", http.StatusInternalServerError}
	probUnavailable  = problemKind{"unavailable", "Service unavailable", "服务暂不可用", http.StatusServiceUnavailable}
)

func writeProblem(w http.ResponseWriter, r *http.Request, k problemKind, detail, detailZh string, errs []customer.FieldError) {
	p := Problem{
		Type:     ProblemTypeBase + k.slug,
		Title:    k.title,
		TitleZh:  k.titleZh,
		Status:   k.status,
		Detail:   detail,
		DetailZh: detailZh,
		Instance: requestID(r.Context()),
		Errors:   errs,
	}
	if p.Instance != "" {
		p.Instance = "urn:intake:request:" + p.Instance
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(k.status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Field error codes the HTTP layer itself reports; the validator reports the others.
const (
	codeUnknownField = validate.CodeUnknownField
	codeWrongType    = validate.CodeInvalidType
	codeTooMany      = validate.CodeTooManyItems
	codeNotAllowed   = validate.CodeNotAllowed
	codeTooLong      = "too_long"
	codeTooDeep      = "too_deep"
)

func fieldErr(path, code, en, zh string) customer.FieldError {
	return customer.FieldError{Path: path, Code: code, Message: en, Zh: zh}
}
