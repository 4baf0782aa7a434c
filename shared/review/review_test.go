package review_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/review"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

var start = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// world is a store holding customer "old" and customer "new", filed later as a possible match
// of old, with the review "rev".
type world struct {
	st  store.Store
	now time.Time
	d   *review.Decider
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{st: st, now: start}
	w.d = &review.Decider{Store: st, Scorer: score.Default(), Policy: hygiene.DefaultPolicy(), Clock: func() time.Time { return w.now }}
	w.file(t, "old", "+8613800138000", "")
	w.file(t, "new", "+8613900139000", "old")
	return w
}

func (w *world) file(t *testing.T, id, phone, candidate string) {
	t.Helper()
	ctx := context.Background()
	at := w.now
	payload := customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson,
		Person: &customer.Person{Name: "张三", Phones: []string{phone}}}
	sub := store.Submission{ID: "sub-" + id, Status: store.StatusReceived, ReceivedAt: at, UpdatedAt: at, Payload: &payload}
	if _, _, err := w.st.CreateSubmission(ctx, sub); err != nil {
		t.Fatal(err)
	}
	sub.Status = store.StatusFiled
	sub.Outcome = &store.Outcome{CustomerID: id, Decision: customer.DecisionNew}
	f := store.Filing{
		Submission: sub, NewCustomer: true,
		Customer: customer.Customer{ID: id, Kind: customer.KindPerson, CreatedAt: at, UpdatedAt: at, Version: 1, LastActivityAt: at,
			Attributes: payload.Attributes(customer.Provenance{Channel: customer.ChannelWebForm, SubmissionID: sub.ID, CollectedAt: at})},
		Keys:    []customer.LookupKey{{Kind: "phone", Hash: "h-" + id, Unique: true}},
		History: customer.HistoryEntry{CustomerID: id, SubmissionID: sub.ID, At: at, Channel: customer.ChannelWebForm, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "file-" + id, At: at, Actor: "workflow", Action: "submission.filed"},
	}
	if candidate != "" {
		f.Review = &store.Review{ID: "rev", SubmissionID: sub.ID, CustomerID: id, CandidateID: candidate, Status: store.ReviewOpen, CreatedAt: at}
		f.Submission.Status = store.StatusReview
	}
	if err := w.st.File(ctx, f); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Hour)
}

func TestDecisions(t *testing.T) {
	tests := []struct {
		name    string
		review  string // default "rev"
		before  func(t *testing.T, w *world)
		first   review.Decision
		second  review.Decision
		wantErr error
		check   func(t *testing.T, w *world, r store.Review)
	}{
		{
			name:  "merge moves the new customer into the old one and rescores it",
			first: review.Merge,
			check: func(t *testing.T, w *world, r store.Review) {
				if r.Status != store.ReviewMerged || r.DecidedBy != "desk-7" {
					t.Errorf("review %+v", r)
				}
				if _, err := w.st.GetCustomer(context.Background(), "new"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("the new customer is still there: %v", err)
				}
				c, err := w.st.GetCustomer(context.Background(), "old")
				if err != nil {
					t.Fatal(err)
				}
				if c.Scores == nil || !c.Scores.ComputedAt.Equal(*r.DecidedAt) || c.RefreshDueAt == nil || len(c.Attributes) != 4 {
					t.Errorf("merged customer: scores %+v refresh %v, %d attributes", c.Scores, c.RefreshDueAt, len(c.Attributes))
				}
				sub, err := w.st.GetSubmission(context.Background(), r.SubmissionID)
				if err != nil {
					t.Fatal(err)
				}
				if sub.Status != store.StatusFiled || sub.Outcome.CustomerID != "old" {
					t.Errorf("submission %s on %s after the merge, want FILED on old", sub.Status, sub.Outcome.CustomerID)
				}
			},
		},
		{
			name:  "merge decided again rescores no more",
			first: review.Merge, second: review.Merge,
			check: func(t *testing.T, w *world, r store.Review) {
				c, err := w.st.GetCustomer(context.Background(), "old")
				if err != nil {
					t.Fatal(err)
				}
				if c.Version != 3 || r.Version != 2 {
					t.Errorf("customer version %d (want 3: filed, merged, rescored), review version %d", c.Version, r.Version)
				}
			},
		},
		{
			name:  "distinct marks the pair and audits the decision without the note",
			first: review.Distinct, second: review.Distinct,
			check: func(t *testing.T, w *world, r store.Review) {
				if ok, err := w.st.Distinct(context.Background(), "old", "new"); err != nil || !ok {
					t.Errorf("Distinct = %v, %v", ok, err)
				}
				if sub, _ := w.st.GetSubmission(context.Background(), r.SubmissionID); sub.Status != store.StatusFiled {
					t.Errorf("submission %s after the decision, want FILED", sub.Status)
				}
				entries, _, err := w.st.ListAudit(context.Background(), store.Page{})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range entries {
					if e.Action == review.ActionDistinct {
						n++
						if e.Detail["candidate"] != "old" || e.Detail["note"] != "" {
							t.Errorf("audit entry %+v", e)
						}
					}
				}
				if n != 1 {
					t.Errorf("%d distinct audit entries after deciding twice, want 1", n)
				}
			},
		},
		{name: "distinct after merge", first: review.Merge, second: review.Distinct, wantErr: review.ErrDecided},
		{name: "merge after distinct", first: review.Distinct, second: review.Merge, wantErr: review.ErrDecided},
		{name: "an unknown decision", first: "maybe", wantErr: review.ErrUnknownDecision},
		{
			name: "merge of a pair marked distinct",
			before: func(t *testing.T, w *world) {
				if err := w.st.MarkDistinct(context.Background(), "new", "old"); err != nil {
					t.Fatal(err)
				}
			},
			first: review.Merge, wantErr: review.ErrMarkedDistinct,
		},
		{
			name: "merge with a customer that is gone",
			before: func(t *testing.T, w *world) {
				if err := w.st.OpenReview(context.Background(), store.Review{ID: "rev-gone", SubmissionID: "sub-new", CustomerID: "new",
					CandidateID: "nobody", Status: store.ReviewOpen, CreatedAt: w.now}); err != nil {
					t.Fatal(err)
				}
			},
			review: "rev-gone", first: review.Merge, wantErr: review.ErrCustomerGone,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			id := tt.review
			if id == "" {
				id = "rev"
			}
			if tt.before != nil {
				tt.before(t, w)
			}
			r, err := w.d.Decide(context.Background(), id, tt.first, "同一人", "desk-7")
			if tt.second != "" && err == nil {
				w.now = w.now.Add(time.Hour)
				r, err = w.d.Decide(context.Background(), id, tt.second, "", "desk-8")
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decide: error %v, want %v", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, w, r)
			}
		})
	}
}

func TestDecideUnknownReviewIsNotFound(t *testing.T) {
	w := newWorld(t)
	if _, err := w.d.Decide(context.Background(), "rev-none", review.Merge, "", "desk-7"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("error %v, want store.ErrNotFound", err)
	}
}
