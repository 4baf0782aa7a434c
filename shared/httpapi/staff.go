package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
)

// Problems of the staff routes.
var (
	// probInvalidRequest: a well-formed body whose values are wrong.
	probInvalidRequest = problemKind{"invalid-request", "Invalid request", "请求内容有误", http.StatusUnprocessableEntity}
	// probWrongState: the item is not in a state that allows the request.
	probWrongState = problemKind{"wrong-state", "Not possible in the current state", "当前状态下无法执行", http.StatusConflict}
)

// registerStaff adds the staff routes: the review queue, the hygiene actions and re-drives.
func (h *handler) registerStaff() {
	if h.deps.Policy == nil {
		h.deps.Policy = hygiene.DefaultPolicy()
	}
	if h.deps.Scorer == nil {
		h.deps.Scorer = score.Default()
	}

	h.mux.HandleFunc("GET /v1/reviews", h.staff(h.listReviews))
	h.mux.HandleFunc("GET /v1/reviews/{id}", h.staff(h.getReview))
	h.mux.HandleFunc("POST /v1/reviews/{id}/decision", h.staff(h.decideReview))
	h.mux.HandleFunc("GET /v1/customers", h.staff(h.listCustomers))
	h.mux.HandleFunc("POST /v1/customers/{id}/consent/withdraw", h.staff(h.withdrawConsent))
	h.mux.HandleFunc("POST /v1/customers/{id}/relationship/end", h.staff(h.endRelationship))
	h.mux.HandleFunc("POST /v1/submissions/{id}/redrive", h.staff(h.redrive))
	for path, allow := range map[string]string{
		"/v1/reviews":                         "GET, HEAD",
		"/v1/reviews/{id}":                    "GET, HEAD",
		"/v1/reviews/{id}/decision":           "POST",
		"/v1/customers":                       "GET, HEAD",
		"/v1/customers/{id}/consent/withdraw": "POST",
		"/v1/customers/{id}/relationship/end": "POST",
		"/v1/submissions/{id}/redrive":        "POST",
	} {
		h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, r, probMethod, "This route does not take "+r.Method+".", "该路径不支持此请求方法。", nil)
		})
	}
}

// Page is one page of a staff listing; Next is the cursor of the following page, absent on
// the last.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// pageOf reads the cursor and limit query parameters; ok is false when it has answered 400.
func pageOf(w http.ResponseWriter, r *http.Request) (store.Page, bool) {
	q := r.URL.Query()
	p := store.Page{Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxLimit {
			writeProblem(w, r, probMalformed, "limit must be a whole number from 1 to 1000.", "limit 应为 1 到 1000 之间的整数。",
				[]customer.FieldError{fieldErr("limit", codeWrongType, "must be a whole number from 1 to 1000", "应为 1 到 1000 之间的整数")})
			return store.Page{}, false
		}
		p.Limit = n
	}
	return p, true
}

// listFailed answers a failed listing: a cursor the listing did not hand out is 400.
func (h *handler) listFailed(w http.ResponseWriter, r *http.Request, op string, err error) {
	if errors.Is(err, store.ErrInvalidCursor) {
		writeProblem(w, r, probMalformed, "The cursor does not belong to this listing.", "cursor 不属于此列表。",
			[]customer.FieldError{fieldErr("cursor", codeWrongType, "is not a cursor this listing handed out", "不是此列表给出的游标")})
		return
	}
	h.internal(w, r, modeJSON, op, err)
}

// readStaffJSON decodes a small JSON body strictly into v. An empty body is allowed when
// optional, leaving v as it is. ok is false when it has answered.
func (h *handler) readStaffJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			limit := strconv.FormatInt(h.cfg.MaxBodyBytes, 10)
			writeProblem(w, r, probTooLarge, "The body is larger than "+limit+" bytes.", "请求内容超过 "+limit+" 字节。", nil)
			return false
		}
		writeProblem(w, r, probMalformed, "The body could not be read.", "无法读取请求内容。", nil)
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 && optional {
		return true
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		w.Header().Set("Accept-Post", "application/json")
		writeProblem(w, r, probMediaType, "Send application/json.", "请以 application/json 格式提交。", nil)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON value")
	}
	if err != nil {
		writeProblem(w, r, probMalformed, "The body is not the JSON object this route takes.", "请求内容不是此路径接受的 JSON 对象。", bodyErrors(err))
		return false
	}
	return true
}

// bodyErrors names the field a decoding error is about, when it says.
func bodyErrors(err error) []customer.FieldError {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return []customer.FieldError{fieldErr(typeErr.Field, codeWrongType, "must be "+typeErr.Type.String(), "类型错误")}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return []customer.FieldError{fieldErr(strings.Trim(name, `"`), codeUnknownField, "is not a field of this request", "不是此请求的字段")}
	}
	return nil
}
