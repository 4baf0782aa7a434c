package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
)

// CustomerDue is what the hygiene routes show of a customer: its flag and the reasons for
// it, the dates the policy acts on, and no personal data.
type CustomerDue struct {
	ID                  string        `json:"id"`
	Kind                customer.Kind `json:"kind"`
	KYCGrade            bool          `json:"kycGrade,omitempty"`
	Flag                customer.Flag `json:"flag,omitempty"`
	FlagReasons         []string      `json:"flagReasons,omitempty"`
	LastActivityAt      time.Time     `json:"lastActivityAt"`
	ConsentWithdrawnAt  *time.Time    `json:"consentWithdrawnAt,omitempty"`
	RelationshipEndedAt *time.Time    `json:"relationshipEndedAt,omitempty"`
	RefreshDueAt        *time.Time    `json:"refreshDueAt,omitempty"`
	PurgeDueAt          *time.Time    `json:"purgeDueAt,omitempty"`
}

func dueOf(c customer.Customer) CustomerDue {
	return CustomerDue{
		ID: c.ID, Kind: c.Kind, KYCGrade: c.KYCGrade, Flag: c.Flag, FlagReasons: c.FlagReasons,
		LastActivityAt: c.LastActivityAt, ConsentWithdrawnAt: c.ConsentWithdrawnAt,
		RelationshipEndedAt: c.RelationshipEndedAt, RefreshDueAt: c.RefreshDueAt, PurgeDueAt: c.PurgeDueAt,
	}
}

// DatedRequest is the body of the consent withdrawal and relationship end routes: when it
// happened, by default now.
type DatedRequest struct {
	At string `json:"at,omitempty"`
}

func (h *handler) listCustomers(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	flag := customer.Flag(r.URL.Query().Get("flag"))
	if flag != customer.FlagNone && flag != customer.FlagRefreshDue {
		writeProblem(w, r, probMalformed, "flag must be refresh_due.", "flag 应为 refresh_due。",
			[]customer.FieldError{fieldErr("flag", codeNotAllowed, "must be one of: refresh_due", "应为以下之一：refresh_due")})
		return
	}
	p, ok := pageOf(w, r)
	if !ok {
		return
	}
	list, next, err := h.deps.Store.ListCustomers(r.Context(), flag, p)
	if err != nil {
		h.listFailed(w, r, "list customers", err)
		return
	}
	out := Page[CustomerDue]{Items: make([]CustomerDue, 0, len(list)), Next: next}
	for _, c := range list {
		out.Items = append(out.Items, dueOf(c))
	}
	writeJSON(w, http.StatusOK, out)
}

type hygieneAction func(ctx context.Context, st store.Store, p *hygiene.Policy, id string, at time.Time, actor string) (customer.Customer, error)

func (h *handler) withdrawConsent(w http.ResponseWriter, r *http.Request, who auth.Principal) {
	h.recordDated(w, r, who, "withdraw consent", hygiene.WithdrawConsent)
}

func (h *handler) endRelationship(w http.ResponseWriter, r *http.Request, who auth.Principal) {
	h.recordDated(w, r, who, "end relationship", hygiene.EndRelationship)
}

// recordDated records a consent withdrawal or relationship end at the time the body gives
// (now by default), which may not lie in the future, and answers with the new due dates.
func (h *handler) recordDated(w http.ResponseWriter, r *http.Request, who auth.Principal, op string, act hygieneAction) {
	id := r.PathValue("id")
	if !validID(id) {
		writeProblem(w, r, probNotFound, "No customer has this ID.", "没有这个编号的客户。", nil)
		return
	}
	var req DatedRequest
	if !h.readStaffJSON(w, r, &req, true) {
		return
	}
	now := h.deps.Clock().UTC()
	at := now
	if req.At != "" {
		t, err := time.Parse(time.RFC3339Nano, req.At)
		var fe *customer.FieldError
		switch {
		case err != nil:
			fe = &customer.FieldError{Path: "at", Code: validate.CodeTimeFormat,
				Message: "must be a time written in RFC 3339, such as 2025-06-01T09:30:00+08:00", Zh: "时间格式应为RFC 3339，例如2025-06-01T09:30:00+08:00"}
		case t.After(now):
			fe = &customer.FieldError{Path: "at", Code: validate.CodeTimeFuture, Message: "must not be in the future", Zh: "不能晚于当前时间"}
		}
		if fe != nil {
			writeProblem(w, r, probInvalidRequest, "Some fields need correcting.", "部分字段需要修改。", []customer.FieldError{*fe})
			return
		}
		at = t.UTC()
	}
	c, err := act(r.Context(), h.deps.Store, h.deps.Policy, id, at, who.Subject)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, probNotFound, "No customer has this ID.", "没有这个编号的客户。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, op, err)
		return
	}
	writeJSON(w, http.StatusOK, dueOf(c))
}

// errNotFailed: a re-drive of a submission that is not (or no longer) FAILED.
var errNotFailed = errors.New("submission is not failed")

// redrive sends a FAILED submission through the workflow again: back to RECEIVED, its
// failure kept in an audit entry, and the workflow started.
func (h *handler) redrive(w http.ResponseWriter, r *http.Request, who auth.Principal) {
	id := r.PathValue("id")
	notFound := func() {
		writeProblem(w, r, probNotFound, "No submission has this ID.", "没有这个编号的提交。", nil)
	}
	if !validID(id) {
		notFound()
		return
	}
	ctx := r.Context()
	sub, err := h.deps.Store.GetSubmission(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "get submission", err)
		return
	}
	if sub.Status != store.StatusFailed {
		writeProblem(w, r, probWrongState, "Only a FAILED submission can be re-driven; this one is "+string(sub.Status)+".",
			"只有状态为 FAILED 的提交可以重新处理；此提交的状态为 "+string(sub.Status)+"。", nil)
		return
	}
	// The failure is audited before it is cleared, under an ID named by the version it was
	// read at, so a retried request rewrites the same entry instead of losing it.
	detail := map[string]string{"status": string(sub.Status)}
	if sub.Outcome != nil && sub.Outcome.Failure != nil {
		detail["error"], detail["cause"] = sub.Outcome.Failure.Error, sub.Outcome.Failure.Cause
	}
	now := h.deps.Clock().UTC()
	err = h.deps.Store.AppendAudit(ctx, store.AuditEntry{
		ID: fmt.Sprintf("redrive-%s-v%d", id, sub.Version), At: now, Actor: who.Subject,
		Action: "submission.redriven", SubmissionID: id, Detail: detail,
	})
	if err != nil {
		h.internal(w, r, modeJSON, "audit re-drive", err)
		return
	}
	updated, err := h.deps.Store.UpdateSubmission(ctx, id, func(s *store.Submission) error {
		if s.Status != store.StatusFailed || s.Version != sub.Version {
			return errNotFailed
		}
		// The workflow starts over: nothing it made of the submission before stands.
		s.Status, s.UpdatedAt, s.Outcome = store.StatusReceived, now, nil
		return nil
	})
	if errors.Is(err, errNotFailed) {
		writeProblem(w, r, probWrongState, "The submission changed while it was being re-driven.", "重新处理期间提交已发生变化。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "re-drive submission", err)
		return
	}
	start := func() error { return h.deps.Starter.Start(ctx, id) }
	if rd, ok := h.deps.Starter.(Redriver); ok {
		start = func() error { return rd.Redrive(ctx, id, updated.Version) }
	}
	if err := start(); err != nil {
		h.log.LogAttrs(ctx, slog.LevelError, "start workflow",
			slog.String("requestId", requestID(ctx)), slog.String("submissionId", id), slog.String("error", err.Error()))
	}
	url := h.statusURL(r, id)
	w.Header().Set("Location", url)
	writeJSON(w, http.StatusAccepted, Accepted{ID: id, Status: store.StatusReceived, StatusURL: url})
}
