package httpapi

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/review"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
)

// ReviewDetail is a review with both customers side by side: Customer is the one its
// submission was filed as, Candidate the existing customer it may be. A side that no longer
// exists (merged away or purged) is absent.
type ReviewDetail struct {
	Review    store.Review  `json:"review"`
	Customer  *CustomerView `json:"customer,omitempty"`
	Candidate *CustomerView `json:"candidate,omitempty"`
}

// DecisionRequest is the body of POST /v1/reviews/{id}/decision.
type DecisionRequest struct {
	Decision review.Decision `json:"decision"`
	Note     string          `json:"note,omitempty"`
}

// maxNoteRunes bounds a decision's note.
const maxNoteRunes = 2000

func (h *handler) decider() *review.Decider {
	return &review.Decider{Store: h.deps.Store, Scorer: h.deps.Scorer, Policy: h.deps.Policy, Clock: h.deps.Clock}
}

func (h *handler) listReviews(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	status := store.ReviewStatus(r.URL.Query().Get("status"))
	switch status {
	case "":
		status = store.ReviewOpen
	case store.ReviewOpen, store.ReviewMerged, store.ReviewDistinct:
	default:
		writeProblem(w, r, probMalformed, "status must be open, merged or distinct.", "status 应为 open、merged 或 distinct。",
			[]customer.FieldError{fieldErr("status", codeNotAllowed, "must be one of: open, merged, distinct", "应为以下之一：open、merged、distinct")})
		return
	}
	p, ok := pageOf(w, r)
	if !ok {
		return
	}
	list, next, err := h.deps.Store.ListReviews(r.Context(), status, p)
	if err != nil {
		h.listFailed(w, r, "list reviews", err)
		return
	}
	if list == nil {
		list = []store.Review{}
	}
	writeJSON(w, http.StatusOK, Page[store.Review]{Items: list, Next: next})
}

func (h *handler) getReview(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	rv, ok := h.findReview(w, r)
	if !ok {
		return
	}
	d := ReviewDetail{Review: rv}
	for _, side := range []struct {
		id  string
		out **CustomerView
	}{{rv.CustomerID, &d.Customer}, {rv.CandidateID, &d.Candidate}} {
		v, err := h.customerView(r.Context(), side.id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			h.internal(w, r, modeJSON, "review customer", err)
			return
		}
		*side.out = &v
	}
	writeJSON(w, http.StatusOK, d)
}

// findReview reads the review the path names; ok is false when it has answered.
func (h *handler) findReview(w http.ResponseWriter, r *http.Request) (store.Review, bool) {
	id := r.PathValue("id")
	notFound := func() {
		writeProblem(w, r, probNotFound, "No review has this ID.", "没有这个编号的待审项。", nil)
	}
	if !validID(id) {
		notFound()
		return store.Review{}, false
	}
	rv, err := h.deps.Store.GetReview(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return store.Review{}, false
	}
	if err != nil {
		h.internal(w, r, modeJSON, "get review", err)
		return store.Review{}, false
	}
	return rv, true
}

func (h *handler) decideReview(w http.ResponseWriter, r *http.Request, who auth.Principal) {
	if _, ok := h.findReview(w, r); !ok {
		return
	}
	var req DecisionRequest
	if !h.readStaffJSON(w, r, &req, false) {
		return
	}
	var errs []customer.FieldError
	switch {
	case req.Decision == "":
		errs = append(errs, fieldErr("decision", validate.CodeRequired, "is required", "为必填项"))
	case req.Decision != review.Merge && req.Decision != review.Distinct:
		errs = append(errs, fieldErr("decision", codeNotAllowed, "must be one of: merge, distinct", "应为以下之一：merge、distinct"))
	}
	if utf8.RuneCountInString(req.Note) > maxNoteRunes {
		errs = append(errs, fieldErr("note", codeTooLong, "must be at most 2000 characters", "最多 2000 个字符"))
	}
	if len(errs) > 0 {
		writeProblem(w, r, probInvalidRequest, "Some fields need correcting.", "部分字段需要修改。", errs)
		return
	}
	decided, err := h.decider().Decide(r.Context(), r.PathValue("id"), req.Decision, req.Note, who.Subject)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, decided)
	case errors.Is(err, review.ErrDecided):
		writeProblem(w, r, probWrongState, "The review was already decided the other way.", "该待审项已作出相反的决定。", nil)
	case errors.Is(err, review.ErrCustomerGone):
		writeProblem(w, r, probWrongState, "A customer of this review no longer exists.", "该待审项中的客户已不存在。", nil)
	case errors.Is(err, review.ErrMarkedDistinct):
		writeProblem(w, r, probWrongState, "These customers were marked as different customers before.", "这两位客户此前已被确认为不同客户。", nil)
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, probWrongState, "The customers changed while the decision was made; try again.", "决定期间客户信息发生变化，请重试。", nil)
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, probNotFound, "No review has this ID.", "没有这个编号的待审项。", nil)
	default:
		h.internal(w, r, modeJSON, "decide review", err)
	}
}
