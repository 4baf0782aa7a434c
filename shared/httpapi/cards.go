package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/cards"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// CardRequest issues a customer information card.
type CardRequest struct {
	CustomerID string `json:"customerId"`
	Room       string `json:"room"`
	Unit       string `json:"unit"`
	Salutation string `json:"salutation"`
	// Quantity is the number of cards taken; absent means 1.
	Quantity *int   `json:"quantity"`
	IssuedBy string `json:"issuedBy"`
}

// CardView is a card as the issue and return log shows it, with where to get its code and its
// printable page.
type CardView struct {
	ID         string           `json:"id"`
	CustomerID string           `json:"customerId,omitempty"`
	Room       string           `json:"room"`
	Unit       string           `json:"unit"`
	Salutation string           `json:"salutation"`
	Quantity   int              `json:"quantity"`
	IssuedBy   string           `json:"issuedBy"`
	IssuedAt   time.Time        `json:"issuedAt"`
	Status     store.CardStatus `json:"status"`
	ReturnedAt *time.Time       `json:"returnedAt,omitempty"`
	ReturnedBy string           `json:"returnedBy,omitempty"`
	// Scans are the submissions made from the card, oldest first.
	Scans []CardScan `json:"scans"`
	Links CardLinks  `json:"links"`
}

// CardScan is one submission scanned from a card.
type CardScan struct {
	ID        string `json:"id"`
	StatusURL string `json:"statusUrl"`
}

// CardLinks are a card's resources.
type CardLinks struct {
	Self  string `json:"self"`
	QRPNG string `json:"qrPng"`
	QRSVG string `json:"qrSvg"`
	Print string `json:"print"`
	Scans string `json:"scans"`
}

// CardList is one page of the issue and return log.
type CardList struct {
	Cards []CardView `json:"cards"`
	Next  string     `json:"next,omitempty"`
}

// ReturnRequest logs a card's return.
type ReturnRequest struct {
	ReturnedBy string `json:"returnedBy"`
}

// Card field limits, in characters.
const (
	maxRoom       = 32
	maxUnit       = 100
	maxSalutation = 32
	maxStaffName  = 64
	maxQuantity   = 50
)

// Card log pages.
const (
	defaultCardPage = 50
	maxCardPage     = 200
)

// qrScale is the pixels a module in /qr.png: 330 px for a version 2 code.
const qrScale = 10

var (
	probInvalidCard  = problemKind{"invalid-card", "Invalid card", "信息卡内容有误", http.StatusUnprocessableEntity}
	probCardReturned = problemKind{"card-returned", "Card already returned", "信息卡已回收", http.StatusConflict}
	probCardClosed   = problemKind{"card-closed", "Card closed", "信息卡已结束使用", http.StatusConflict}
)

// Field error codes of the card routes.
const (
	codeCardRequired     = "required"
	codeCardOutOfRange   = "out_of_range"
	codeCardControlChars = "control_characters"
	codeUnknownCustomer  = "unknown_customer"
	codeCardDateFormat   = "date_format"
	codeCardCursor       = "invalid_cursor"
)

func (h *handler) registerCards() {
	h.mux.HandleFunc("POST /v1/cards", h.staff(h.issueCard))
	h.mux.HandleFunc("GET /v1/cards", h.staff(h.listCards))
	h.mux.HandleFunc("GET /v1/cards/{id}", h.staff(h.getCard))
	h.mux.HandleFunc("GET /v1/cards/{id}/qr.png", h.staff(h.cardQR))
	h.mux.HandleFunc("GET /v1/cards/{id}/qr.svg", h.staff(h.cardQR))
	h.mux.HandleFunc("GET /v1/cards/{id}/print", h.staff(h.printCard))
	h.mux.HandleFunc("POST /v1/cards/{id}/return", h.staff(h.returnCard))
	h.mux.HandleFunc("POST /v1/cards/{id}/scans", h.staff(h.scanCard))
	for path, allow := range map[string]string{
		"/v1/cards":             "GET, HEAD, POST",
		"/v1/cards/{id}":        "GET, HEAD",
		"/v1/cards/{id}/qr.png": "GET, HEAD",
		"/v1/cards/{id}/qr.svg": "GET, HEAD",
		"/v1/cards/{id}/print":  "GET, HEAD",
		"/v1/cards/{id}/return": "POST",
		"/v1/cards/{id}/scans":  "POST",
	} {
		h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, r, probMethod, "This route does not take "+r.Method+".", "该路径不支持此请求方法。", nil)
		})
	}
}

// cardPath is where a card's resources live: under PublicBaseURL when configured, otherwise
// under the base path the request came in on.
func (h *handler) cardPath(r *http.Request, id string) string {
	prefix := h.cfg.PublicBaseURL
	if prefix == "" {
		prefix = basePath(r.Context())
	}
	return prefix + "/v1/cards/" + id
}

func (h *handler) cardView(r *http.Request, c store.Card) CardView {
	self := h.cardPath(r, c.ID)
	v := CardView{
		ID: c.ID, CustomerID: c.CustomerID, Room: c.Room, Unit: c.Unit, Salutation: c.Salutation,
		Quantity: c.Quantity, IssuedBy: c.IssuedBy, IssuedAt: c.IssuedAt, Status: c.Status,
		ReturnedAt: c.ReturnedAt, ReturnedBy: c.ReturnedBy,
		Scans: make([]CardScan, len(c.Scans)),
		Links: CardLinks{Self: self, QRPNG: self + "/qr.png", QRSVG: self + "/qr.svg", Print: self + "/print", Scans: self + "/scans"},
	}
	for i, id := range c.Scans {
		v.Scans[i] = CardScan{ID: id, StatusURL: h.statusURL(r, id)}
	}
	return v
}

// readCardJSON reads a small JSON object body strictly into the fields named in into: every
// unknown member and every member of the wrong type is a field error. An empty body is an
// empty object when empty is true. ok is false when it has answered.
func (h *handler) readCardJSON(w http.ResponseWriter, r *http.Request, empty bool, into map[string]any) bool {
	body, ok := h.readCardBody(w, r, empty, "application/json")
	if !ok {
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 && empty {
		return true
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		writeProblem(w, r, probMalformed, "The body is not a JSON object.", "请求内容不是 JSON 对象。", nil)
		return false
	}
	var errs []customer.FieldError
	for _, name := range sortedNames(members) {
		dst, known := into[name]
		if !known {
			errs = append(errs, fieldErr(name, codeUnknownField, "is not a field of this request", "不是此请求的字段"))
			continue
		}
		if err := json.Unmarshal(members[name], dst); err != nil {
			kind, kindZh := "a string", "字符串"
			if _, isInt := dst.(**int); isInt {
				kind, kindZh = "a whole number", "整数"
			}
			errs = append(errs, fieldErr(name, codeWrongType, "must be "+kind, "应为"+kindZh))
		}
	}
	if len(errs) > 0 {
		writeProblem(w, r, probMalformed, "Some fields are unknown or have the wrong type.", "部分字段未知或类型错误。", errs)
		return false
	}
	return true
}

// readCardBody reads a body of one of the content types, up to the body limit.
func (h *handler) readCardBody(w http.ResponseWriter, r *http.Request, empty bool, types ...string) ([]byte, bool) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Header.Get("Content-Type") == "" && empty && r.ContentLength <= 0 {
		return nil, true
	}
	if err != nil || !slices.Contains(types, ct) {
		w.Header().Set("Accept-Post", strings.Join(types, ", "))
		writeProblem(w, r, probMediaType, "Send "+strings.Join(types, " or ")+".", "请以 "+strings.Join(types, " 或 ")+" 格式提交。", nil)
		return nil, false
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)); err != nil {
		h.cardBodyError(w, r, modeJSON, err)
		return nil, false
	}
	return buf.Bytes(), true
}

// cardBodyError answers a body that could not be read: 413 past the limit, 400 otherwise.
func (h *handler) cardBodyError(w http.ResponseWriter, r *http.Request, m mode, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		limit := strconv.FormatInt(tooLarge.Limit, 10)
		h.fail(w, r, m, probTooLarge, "The body is larger than "+limit+" bytes.", "请求内容超过 "+limit+" 字节。", nil)
		return
	}
	h.fail(w, r, m, probMalformed, "The body could not be read.", "无法读取请求内容。", nil)
}

func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// cardLine checks a one-line text field: trimmed, at most limit characters, no control
// characters, and present when required.
func cardLine(path string, v *string, limit int, required bool) []customer.FieldError {
	*v = strings.TrimSpace(*v)
	switch {
	case *v == "" && required:
		return []customer.FieldError{fieldErr(path, codeCardRequired, "is required", "为必填项")}
	case utf8.RuneCountInString(*v) > limit:
		return []customer.FieldError{fieldErr(path, codeTooLong, fmt.Sprintf("must be at most %d characters", limit), fmt.Sprintf("不能超过 %d 个字符", limit))}
	case strings.ContainsFunc(*v, unicode.IsControl):
		return []customer.FieldError{fieldErr(path, codeCardControlChars, "must not contain line breaks or control characters", "不能包含换行或控制字符")}
	}
	return nil
}

func (h *handler) issueCard(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var req CardRequest
	fields := map[string]any{
		"customerId": &req.CustomerID, "room": &req.Room, "unit": &req.Unit,
		"salutation": &req.Salutation, "quantity": &req.Quantity, "issuedBy": &req.IssuedBy,
	}
	if !h.readCardJSON(w, r, false, fields) {
		return
	}
	var errs []customer.FieldError
	errs = append(errs, cardLine("room", &req.Room, maxRoom, true)...)
	errs = append(errs, cardLine("unit", &req.Unit, maxUnit, true)...)
	errs = append(errs, cardLine("salutation", &req.Salutation, maxSalutation, true)...)
	errs = append(errs, cardLine("issuedBy", &req.IssuedBy, maxStaffName, false)...)
	quantity := 1
	if req.Quantity != nil {
		quantity = *req.Quantity
	}
	if quantity < 1 || quantity > maxQuantity {
		errs = append(errs, fieldErr("quantity", codeCardOutOfRange, fmt.Sprintf("must be from 1 to %d", maxQuantity), fmt.Sprintf("应为 1 至 %d", maxQuantity)))
	}
	if req.CustomerID != "" {
		unknown := fieldErr("customerId", codeUnknownCustomer, "is not a known customer", "不是已登记的客户")
		if !validID(req.CustomerID) {
			errs = append(errs, unknown)
		} else if _, err := h.deps.Store.GetCustomer(r.Context(), req.CustomerID); errors.Is(err, store.ErrNotFound) {
			errs = append(errs, unknown)
		} else if err != nil {
			h.internal(w, r, modeJSON, "read customer", err)
			return
		}
	}
	if len(errs) > 0 {
		writeProblem(w, r, probInvalidCard, "Some fields need correcting.", "部分字段需要修改。", errs)
		return
	}
	if req.IssuedBy == "" {
		req.IssuedBy = p.Subject
	}
	now := h.deps.Clock().UTC()
	c := store.Card{
		ID: h.deps.NewID(), CustomerID: req.CustomerID, Room: req.Room, Unit: req.Unit, Salutation: req.Salutation,
		Quantity: quantity, IssuedBy: req.IssuedBy, IssuedAt: now, Status: store.CardOutstanding,
	}
	if err := h.deps.Store.CreateCard(r.Context(), c); err != nil {
		h.internal(w, r, modeJSON, "create card", err)
		return
	}
	h.auditCard(r, p, "card_issued", c)
	w.Header().Set("Location", h.cardPath(r, c.ID))
	writeJSON(w, http.StatusCreated, h.cardView(r, c))
}

// auditCard records what staff did to a card; card log entries hold no customer data beyond the
// customer ID. A failed audit write is logged: the card itself is stored.
func (h *handler) auditCard(r *http.Request, p auth.Principal, action string, c store.Card) {
	e := store.AuditEntry{
		ID: h.deps.NewID(), At: h.deps.Clock().UTC(), Actor: p.Subject, Action: action,
		CustomerID: c.CustomerID, Detail: map[string]string{"cardId": c.ID},
	}
	if err := h.deps.Store.AppendAudit(r.Context(), e); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "audit "+action,
			slog.String("requestId", requestID(r.Context())), slog.String("cardId", c.ID), slog.String("error", err.Error()))
	}
}

// findCard reads the card the path names; ok is false when it has answered.
func (h *handler) findCard(w http.ResponseWriter, r *http.Request) (store.Card, bool) {
	id := r.PathValue("id")
	if !validID(id) {
		writeProblem(w, r, probNotFound, "No card has this ID.", "没有这个编号的信息卡。", nil)
		return store.Card{}, false
	}
	c, err := h.deps.Store.GetCard(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, probNotFound, "No card has this ID: check the number under the code.", "没有这个编号的信息卡，请核对二维码下方的编号。", nil)
		return store.Card{}, false
	}
	if err != nil {
		h.internal(w, r, modeJSON, "get card", err)
		return store.Card{}, false
	}
	return c, true
}

func (h *handler) getCard(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	c, ok := h.findCard(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, h.cardView(r, c))
}

func (h *handler) cardQR(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	c, ok := h.findCard(w, r)
	if !ok {
		return
	}
	code, err := cards.Encode(c.ID)
	if err != nil {
		h.internal(w, r, modeJSON, "encode card", err)
		return
	}
	var buf bytes.Buffer
	ct := "image/png"
	if strings.HasSuffix(r.URL.Path, ".svg") {
		ct = "image/svg+xml"
		err = code.SVG(&buf, qrScale)
	} else {
		err = code.PNG(&buf, qrScale)
	}
	if err != nil {
		h.internal(w, r, modeJSON, "render card code", err)
		return
	}
	w.Header().Set("Content-Type", ct)
	// The code of a card never changes.
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	_, _ = w.Write(buf.Bytes())
}

func (h *handler) printCard(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	c, ok := h.findCard(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := cards.WritePrint(&buf, cards.Face{ID: c.ID, Unit: c.Unit, Salutation: c.Salutation, Logo: "LOGO"}); err != nil {
		h.internal(w, r, modeJSON, "print card", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(buf.Bytes())
}

// parseLogTime reads a from or to bound: an RFC 3339 time, or a date (YYYY-MM-DD, a UTC day).
// A date as the upper bound includes the whole day.
func parseLogTime(v string, upper bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, false
	}
	if upper {
		d = d.AddDate(0, 0, 1)
	}
	return d, true
}

func (h *handler) listCards(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	q := r.URL.Query()
	var f store.CardFilter
	var errs []customer.FieldError
	for _, name := range sortedNames(q) {
		switch name {
		case "from", "to", "room", "status", "cursor", "limit":
		default:
			errs = append(errs, fieldErr(name, codeUnknownField, "is not a parameter of this route", "不是此路径的参数"))
		}
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, ok := parseLogTime(v, name == "to")
			if !ok {
				errs = append(errs, fieldErr(name, codeCardDateFormat, "must be a date (YYYY-MM-DD) or an RFC 3339 time", "应为日期（YYYY-MM-DD）或 RFC 3339 时间"))
			}
			*dst = t
		}
	}
	f.Room = strings.TrimSpace(q.Get("room"))
	switch s := store.CardStatus(q.Get("status")); s {
	case "", store.CardOutstanding, store.CardReturned:
		f.Status = s
	default:
		errs = append(errs, fieldErr("status", codeNotAllowed, "must be one of: outstanding, returned", "应为以下之一：outstanding, returned"))
	}
	page := store.Page{Cursor: q.Get("cursor"), Limit: defaultCardPage}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCardPage {
			errs = append(errs, fieldErr("limit", codeCardOutOfRange, fmt.Sprintf("must be from 1 to %d", maxCardPage), fmt.Sprintf("应为 1 至 %d", maxCardPage)))
		}
		page.Limit = n
	}
	if len(errs) > 0 {
		writeProblem(w, r, probMalformed, "Some parameters need correcting.", "部分参数需要修改。", errs)
		return
	}
	list, next, err := h.deps.Store.ListCards(r.Context(), f, page)
	if errors.Is(err, store.ErrInvalidCursor) {
		writeProblem(w, r, probMalformed, "Some parameters need correcting.", "部分参数需要修改。",
			[]customer.FieldError{fieldErr("cursor", codeCardCursor, "is not a cursor this listing handed out", "不是此列表给出的游标")})
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "list cards", err)
		return
	}
	out := CardList{Cards: make([]CardView, len(list)), Next: next}
	for i, c := range list {
		out.Cards[i] = h.cardView(r, c)
	}
	writeJSON(w, http.StatusOK, out)
}

// errCardReturned: a return logged for a card that is back already.
var errCardReturned = errors.New("card already returned")

func (h *handler) returnCard(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c, ok := h.findCard(w, r)
	if !ok {
		return
	}
	var req ReturnRequest
	if !h.readCardJSON(w, r, true, map[string]any{"returnedBy": &req.ReturnedBy}) {
		return
	}
	if errs := cardLine("returnedBy", &req.ReturnedBy, maxStaffName, false); len(errs) > 0 {
		writeProblem(w, r, probInvalidCard, "Some fields need correcting.", "部分字段需要修改。", errs)
		return
	}
	if req.ReturnedBy == "" {
		req.ReturnedBy = p.Subject
	}
	now := h.deps.Clock().UTC()
	updated, err := h.deps.Store.UpdateCard(r.Context(), c.ID, func(c *store.Card) error {
		if c.Status == store.CardReturned {
			return errCardReturned
		}
		c.Status, c.ReturnedAt, c.ReturnedBy = store.CardReturned, &now, req.ReturnedBy
		return nil
	})
	if errors.Is(err, errCardReturned) {
		current, _ := h.deps.Store.GetCard(r.Context(), c.ID)
		at := "earlier"
		if current.ReturnedAt != nil {
			at = current.ReturnedAt.Format(time.RFC3339)
		}
		writeProblem(w, r, probCardReturned, "Card "+c.ID+" was returned at "+at+".", "信息卡 "+c.ID+" 已于 "+at+" 回收。", nil)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, probNotFound, "No card has this ID.", "没有这个编号的信息卡。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "return card", err)
		return
	}
	h.auditCard(r, p, "card_returned", updated)
	writeJSON(w, http.StatusOK, h.cardView(r, updated))
}
