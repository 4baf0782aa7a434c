package httpapi

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// SubmissionStatus is the public view of a submission: where it stands and what the workflow
// made of it, without any of the personal data it carried.
type SubmissionStatus struct {
	ID          string                `json:"id"`
	Status      store.Status          `json:"status"`
	ReceivedAt  time.Time             `json:"receivedAt"`
	UpdatedAt   time.Time             `json:"updatedAt"`
	Errors      []customer.FieldError `json:"errors,omitempty"`
	Warnings    []customer.FieldError `json:"warnings,omitempty"`
	CustomerID  string                `json:"customerId,omitempty"`
	Decision    customer.Decision     `json:"decision,omitempty"`
	Explanation *customer.Explanation `json:"explanation,omitempty"`
	Scores      *customer.Scores      `json:"scores,omitempty"`
	ReviewID    string                `json:"reviewId,omitempty"`
	Failure     string                `json:"failure,omitempty"`
}

// CustomerView is a customer as staff see it: every attribute with its provenance, the
// current view survivorship makes of them (customer.View), and the first page of its history.
type CustomerView struct {
	Customer    customer.Customer       `json:"customer"`
	View        customer.Submission     `json:"view"`
	History     []customer.HistoryEntry `json:"history"`
	HistoryNext string                  `json:"historyNext,omitempty"`
}

// historyPage is how many history entries come with a customer.
const historyPage = 50

// validID admits the identifiers the API hands out before anything touches the store.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (h *handler) submissionStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		writeProblem(w, r, probNotFound, "No submission has this ID.", "没有这个编号的提交。", nil)
		return
	}
	s, err := h.deps.Store.GetSubmission(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, probNotFound, "No submission has this ID.", "没有这个编号的提交。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "get submission", err)
		return
	}
	writeJSON(w, http.StatusOK, statusOf(s))
}

func statusOf(s store.Submission) SubmissionStatus {
	v := SubmissionStatus{ID: s.ID, Status: s.Status, ReceivedAt: s.ReceivedAt, UpdatedAt: s.UpdatedAt}
	if o := s.Outcome; o != nil {
		v.Errors, v.Warnings = o.Errors, o.Warnings
		v.CustomerID, v.Decision, v.ReviewID = o.CustomerID, o.Decision, o.ReviewID
		v.Explanation = o.Explanation
		v.Scores = publicScores(o.Scores)
		if o.Failure != nil {
			v.Failure = o.Failure.Error
		}
	}
	return v
}

// publicScores drops the rule inputs and signal evidence, which can quote the customer's
// data (an address, an employer), from scores shown to anyone holding a submission ID.
func publicScores(s *customer.Scores) *customer.Scores {
	if s == nil {
		return nil
	}
	out := *s
	strip := func(rs []customer.Reason) []customer.Reason {
		if rs == nil {
			return nil
		}
		cp := make([]customer.Reason, len(rs))
		for i, r := range rs {
			cp[i] = customer.Reason{Rule: r.Rule, Effect: r.Effect}
		}
		return cp
	}
	if s.Completeness != nil {
		c := *s.Completeness
		c.Reasons = strip(c.Reasons)
		out.Completeness = &c
	}
	if s.Grade != nil {
		g := *s.Grade
		g.Reasons = strip(g.Reasons)
		out.Grade = &g
	}
	if s.MAN != nil {
		m := *s.MAN
		m.Reasons = strip(m.Reasons)
		out.MAN = &m
	}
	if s.KYCRisk != nil {
		k := *s.KYCRisk
		k.Reasons = strip(k.Reasons)
		out.KYCRisk = &k
	}
	if s.VIPSignals != nil {
		out.VIPSignals = make([]customer.VIPSignal, len(s.VIPSignals))
		for i, v := range s.VIPSignals {
			out.VIPSignals[i] = customer.VIPSignal{Signal: v.Signal}
		}
	}
	return &out
}

func (h *handler) customer(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	id := r.PathValue("id")
	if !validID(id) {
		writeProblem(w, r, probNotFound, "No customer has this ID.", "没有这个编号的客户。", nil)
		return
	}
	v, err := h.customerView(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, probNotFound, "No customer has this ID.", "没有这个编号的客户。", nil)
		return
	}
	if err != nil {
		h.internal(w, r, modeJSON, "get customer", err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// customerView reads a customer and the first page of its history.
func (h *handler) customerView(ctx context.Context, id string) (CustomerView, error) {
	c, err := h.deps.Store.GetCustomer(ctx, id)
	if err != nil {
		return CustomerView{}, err
	}
	hist, next, err := h.deps.Store.History(ctx, id, store.Page{Limit: historyPage})
	if err != nil {
		return CustomerView{}, fmt.Errorf("customer history: %w", err)
	}
	if hist == nil {
		hist = []customer.HistoryEntry{}
	}
	if c.Attributes == nil {
		c.Attributes = []customer.Attribute{}
	}
	view := customer.View(c.Attributes)
	view.Kind = c.Kind
	return CustomerView{Customer: c, View: view, History: hist, HistoryNext: next}, nil
}

// healthProbeID is an ID no submission has; reading it proves the store answers.
const healthProbeID = "healthz-probe"

func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	_, err := h.deps.Store.GetSubmission(r.Context(), healthProbeID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.log.LogAttrs(r.Context(), slog.LevelError, "health check", slog.String("requestId", requestID(r.Context())), slog.String("error", err.Error()))
		writeProblem(w, r, probUnavailable, "The store is not reachable.", "存储不可用。", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

//go:embed openapi.json
var openapiDoc []byte

// OpenAPI returns the API's OpenAPI 3.1 document.
func OpenAPI() []byte { return append([]byte(nil), openapiDoc...) }

func (h *handler) openapi(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openapiDoc)
}
