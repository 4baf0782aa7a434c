package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/forms"
	"github.com/intake-project/intake/shared/store"
)

// Accepted is the answer to an accepted submission.
type Accepted struct {
	ID        string       `json:"id"`
	Status    store.Status `json:"status"`
	StatusURL string       `json:"statusUrl"`
}

// caller is who sent a submission: a public form, or a member of staff.
type caller struct {
	form  *forms.Form
	staff *auth.Principal
	// keepCollector keeps a collectedBy the staff member sent: a card scan names the member of
	// staff who collected the card, who need not be the one scanning it.
	keepCollector bool
}

// scope keeps one caller's idempotency keys apart from another's.
func (c caller) scope() string {
	if c.staff != nil {
		return "staff:" + c.staff.Subject
	}
	return "form:" + c.form.Key
}

func (h *handler) submit(w http.ResponseWriter, r *http.Request) {
	m := requestMode(r)
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (ct != "application/json" && ct != "application/x-www-form-urlencoded") {
		w.Header().Set("Accept-Post", "application/json, application/x-www-form-urlencoded")
		h.fail(w, r, m, probMediaType, "Send application/json or application/x-www-form-urlencoded.", "请以 application/json 或 application/x-www-form-urlencoded 格式提交。", nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.fail(w, r, m, probTooLarge, "The body is larger than "+strconv.FormatInt(h.cfg.MaxBodyBytes, 10)+" bytes.", "请求内容超过 "+strconv.FormatInt(h.cfg.MaxBodyBytes, 10)+" 字节。", nil)
			return
		}
		h.fail(w, r, m, probMalformed, "The body could not be read.", "无法读取请求内容。", nil)
		return
	}
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])

	var fields url.Values
	formKey := r.Header.Get("X-Form-Key")
	idemKey := r.Header.Get("Idempotency-Key")
	if ct == "application/x-www-form-urlencoded" {
		fields, err = url.ParseQuery(string(body))
		if err != nil {
			h.fail(w, r, m, probMalformed, "The form data is not well-formed.", "表单数据格式错误。", nil)
			return
		}
		if formKey == "" {
			formKey = fields.Get(formFieldKey)
		}
		if idemKey == "" {
			idemKey = fields.Get(formFieldIdempotency)
		}
		fields.Del(formFieldKey)
		fields.Del(formFieldIdempotency)
	}

	var who caller
	if _, sent := bearer(r); sent {
		p, ok := h.authenticate(w, r, m)
		if !ok {
			return
		}
		who.staff = &p
	} else {
		f, ok := h.findForm(w, r, m, formKey)
		if !ok {
			return
		}
		who.form = &f
		if origin := r.Header.Get("Origin"); origin != "" && !h.sameOrigin(r, origin) && !f.AllowsOrigin(origin) {
			w.Header().Del("Access-Control-Allow-Origin")
			w.Header().Del("Access-Control-Expose-Headers")
			h.fail(w, r, m, probForbidden, "This form does not accept posts from that origin.", "该表单不接受来自此来源的提交。", nil)
			return
		}
		perMinute := f.RateLimitPerMinute
		if perMinute == 0 {
			perMinute = h.cfg.RateLimitPerMinute
		}
		if ok, wait := h.limiter.allow(h.clientIP(r)+"\x00"+f.Key, perMinute); !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			h.fail(w, r, m, probRateLimited, "Too many posts from this address; retry in "+strconv.Itoa(secs)+" s.", "提交过于频繁，请在 "+strconv.Itoa(secs)+" 秒后重试。", nil)
			return
		}
		if fields != nil {
			hp := f.HoneypotField()
			if fields.Get(hp) != "" {
				h.log.LogAttrs(r.Context(), slog.LevelWarn, "honeypot", slog.String("requestId", requestID(r.Context())), slog.String("form", f.Key))
				h.accepted(w, r, m, who, h.deps.NewID())
				return
			}
			fields.Del(hp)
		}
	}

	if idemKey != "" && !validIdempotencyKey(idemKey) {
		h.fail(w, r, m, probMalformed, "The Idempotency-Key must be 1 to 255 visible ASCII characters.", "Idempotency-Key 应为 1 至 255 个可见 ASCII 字符。", nil)
		return
	}

	doc := body
	if fields != nil {
		var errs []customer.FieldError
		doc, errs = formToJSON(fields, h.cfg.MaxArrayLen)
		if len(errs) > 0 {
			h.fail(w, r, m, probMalformed, "Some fields are not part of the submission or have the wrong type.", "部分字段不属于提交内容或类型错误。", errs)
			return
		}
	}
	sub, ok := h.decodeDoc(w, r, m, doc)
	if !ok {
		return
	}

	now := h.deps.Clock().UTC()
	if fields != nil {
		consentedOnPosting(&sub, now)
	}
	if !h.admit(w, r, m, who, &sub, now, nil) {
		return
	}
	rec := newRecord(h.deps.NewID(), who, &sub, now, bodyHash, idemKey)
	stored, created, err := h.record(r.Context(), rec)
	if errors.Is(err, errIdempotencyConflict) {
		h.fail(w, r, m, probConflict, "This Idempotency-Key was used for a different submission.", "该幂等键已用于另一份不同的提交。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, m, "store submission", err)
		return
	}
	h.startPending(r, stored, created)
	h.accepted(w, r, m, who, stored.ID)
}

// consentedOnPosting dates the consent of a plain HTML form post that ticked its purposes but
// could not say when: a page without script has no clock to fill consent.givenAt with, and
// the customer gave consent by sending the form, at the moment it arrived.
func consentedOnPosting(sub *customer.Submission, now time.Time) {
	if c := sub.Consent; c != nil && len(c.Purposes) > 0 && c.GivenAt == "" {
		c.GivenAt = now.Format(time.RFC3339)
	}
}

// The steps below are shared by every route that takes a submission: /v1/submissions and the
// card scans.

// decodeDoc checks a submission document against the size limits and decodes it strictly;
// ok is false when it has answered.
func (h *handler) decodeDoc(w http.ResponseWriter, r *http.Request, m mode, doc []byte) (customer.Submission, bool) {
	shapeErrs, err := checkShape(doc, h.cfg.MaxDepth, h.cfg.MaxArrayLen, h.cfg.MaxStringBytes)
	if err != nil {
		h.fail(w, r, m, probMalformed, "The body is not well-formed JSON.", "请求内容不是有效的 JSON。", nil)
		return customer.Submission{}, false
	}
	if len(shapeErrs) > 0 {
		h.fail(w, r, m, probMalformed, "The submission breaks the size limits.", "提交内容超出大小限制。", shapeErrs)
		return customer.Submission{}, false
	}
	sub, decodeErrs, err := decodeSubmission(doc)
	if err != nil {
		h.fail(w, r, m, probMalformed, "The body is not well-formed JSON.", "请求内容不是有效的 JSON。", nil)
		return customer.Submission{}, false
	}
	if len(decodeErrs) > 0 {
		h.fail(w, r, m, probMalformed, "Some fields are unknown or have the wrong type.", "部分字段未知或类型错误。", decodeErrs)
		return customer.Submission{}, false
	}
	return sub, true
}

// admit stamps what the system says about a submission and validates it, answering 422 with
// the caller's own field errors (pre) and the rules' together; ok is false when it has answered.
func (h *handler) admit(w http.ResponseWriter, r *http.Request, m mode, who caller, sub *customer.Submission, now time.Time, pre []customer.FieldError) bool {
	errs := append(pre, who.stamp(sub, now)...)
	errs = append(errs, h.check(*sub, now)...)
	if len(errs) > 0 {
		h.fail(w, r, m, probInvalid, "Some fields need correcting.", "部分字段需要修改。", errs)
		return false
	}
	return true
}

// newRecord is the stored form of an admitted submission, status RECEIVED, with the caller's
// idempotency key scoped to the caller and hashed.
func newRecord(id string, who caller, sub *customer.Submission, now time.Time, bodyHash, idemKey string) store.Submission {
	rec := store.Submission{
		ID:         id,
		BodyHash:   bodyHash,
		Status:     store.StatusReceived,
		ReceivedAt: now,
		UpdatedAt:  now,
		Payload:    sub,
	}
	if who.form != nil {
		rec.FormKey = who.form.Key
	}
	if idemKey != "" {
		scoped := sha256.Sum256([]byte(who.scope() + "\x00" + idemKey))
		rec.IdempotencyKey = hex.EncodeToString(scoped[:])
	}
	return rec
}

// errIdempotencyConflict: the Idempotency-Key was used before with another body.
var errIdempotencyConflict = errors.New("idempotency key used for another body")

// record stores a submission unless its idempotency key was used before: then it returns the
// stored one (created false) when the body is the same, errIdempotencyConflict otherwise.
func (h *handler) record(ctx context.Context, rec store.Submission) (store.Submission, bool, error) {
	stored, created, err := h.deps.Store.CreateSubmission(ctx, rec)
	if err != nil {
		return store.Submission{}, false, err
	}
	if !created && stored.BodyHash != rec.BodyHash {
		return store.Submission{}, false, errIdempotencyConflict
	}
	return stored, created, nil
}

// startPending starts the workflow of a new submission, and again of a replayed one that is
// still pending, so that a client retrying after a failed start also re-drives it; starting
// twice is harmless. A failed start is logged, not answered: the submission is stored and the
// runner's re-drive (or the client's retry) starts it.
func (h *handler) startPending(r *http.Request, stored store.Submission, created bool) {
	if !created && stored.Status != store.StatusReceived {
		return
	}
	if err := h.deps.Starter.Start(r.Context(), stored.ID); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "start workflow",
			slog.String("requestId", requestID(r.Context())), slog.String("submissionId", stored.ID), slog.String("error", err.Error()))
	}
}

// stamp fills in what the system, not the sender, says about a submission, and refuses what a
// public form may not claim.
func (c caller) stamp(s *customer.Submission, now time.Time) []customer.FieldError {
	s.ReceivedAt = &now
	var errs []customer.FieldError
	if c.staff != nil {
		if s.Channel == "" {
			s.Channel = customer.ChannelStaffEntry
		}
		if s.CollectedBy == "" || !c.keepCollector {
			s.CollectedBy = c.staff.Subject
		}
		return nil
	}
	if s.Channel == "" {
		s.Channel = customer.ChannelWebForm
	}
	if s.Channel != customer.ChannelWebForm {
		errs = append(errs, fieldErr("channel", codeNotAllowed, "must be web_form for a public form", "公开表单的渠道只能是 web_form"))
	}
	if s.Verified {
		errs = append(errs, fieldErr("verified", codeNotAllowed, "only staff may mark information as verified", "只有工作人员可以标记信息已核实"))
	}
	s.CollectedBy = "form:" + c.form.Key
	return errs
}

// accepted answers a stored (or honeypot) submission: 202 with its status URL, or for a plain
// HTML form 303 to the form's thank-you page.
func (h *handler) accepted(w http.ResponseWriter, r *http.Request, m mode, who caller, id string) {
	statusURL := h.statusURL(r, id)
	if m == modeHTML {
		if who.form != nil && who.form.ThankYouURL != "" {
			http.Redirect(w, r, who.form.ThankYouURL, http.StatusSeeOther)
			return
		}
		writePage(w, http.StatusOK, page{Title: "Thank you, we have received your information", TitleZh: "谢谢，我们已收到您的信息", Reference: id})
		return
	}
	w.Header().Set("Location", statusURL)
	writeJSON(w, http.StatusAccepted, Accepted{ID: id, Status: store.StatusReceived, StatusURL: statusURL})
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
