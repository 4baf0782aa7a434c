package dynamo

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/storetest"
)

// TestMergeContractInSteps holds the merge that does not fit one transaction to the same
// contract: with a transaction cap of 4 items every fixture merge runs as a sequence.
func TestMergeContractInSteps(t *testing.T) {
	storetest.RunMerge(t, func(t *testing.T) store.Store {
		s := open(t)
		s.mergeTxMax = 4
		return s
	})
}

var mergeAt = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// fileMany files customer id from n submissions, each bringing one attribute, one unique key
// and one history entry; with review, the first filing opens a review naming candidate.
func fileMany(t *testing.T, s *Store, id string, n int, candidate string) {
	t.Helper()
	for i := range n {
		subID := fmt.Sprintf("%s-sub-%03d", id, i)
		at := mergeAt.Add(time.Duration(i) * time.Minute)
		sub := store.Submission{ID: subID, Status: store.StatusReceived, ReceivedAt: at, UpdatedAt: at}
		if _, _, err := s.CreateSubmission(t.Context(), sub); err != nil {
			t.Fatal(err)
		}
		c := customer.Customer{ID: id, Kind: customer.KindPerson, CreatedAt: mergeAt, UpdatedAt: at, Version: 1, LastActivityAt: at}
		if i > 0 {
			stored, err := s.GetCustomer(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			c = stored
			c.Version++
		}
		c.Attributes = append(c.Attributes, customer.Attribute{Path: "person.emails", Value: fmt.Sprintf("%s-%d@example.com", id, i),
			Provenance: customer.Provenance{Channel: customer.ChannelWebForm, SubmissionID: subID, CollectedAt: at}})
		sub.Status = store.StatusFiled
		sub.Outcome = &store.Outcome{CustomerID: id, Decision: customer.DecisionNew}
		f := store.Filing{
			Submission: sub, Customer: c, NewCustomer: i == 0,
			Keys:    []customer.LookupKey{{Kind: "email", Hash: fmt.Sprintf("%s-h%03d", id, i), Unique: true}},
			History: customer.HistoryEntry{CustomerID: id, SubmissionID: subID, At: at, Channel: customer.ChannelWebForm, Decision: customer.DecisionNew},
			Audit:   store.AuditEntry{ID: "audit-" + subID, At: at, Actor: "test", Action: "file"},
		}
		if i == 0 && candidate != "" {
			f.Review = &store.Review{ID: "rev-" + id, SubmissionID: subID, CustomerID: id, CandidateID: candidate,
				Status: store.ReviewOpen, CreatedAt: at}
			f.Submission.Status = store.StatusReview
		}
		if err := s.File(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
}

// mergeOf is the merge of from into into deciding from's review.
func mergeOf(t *testing.T, s *Store, from, into string) store.Merge {
	t.Helper()
	r, err := s.GetReview(t.Context(), "rev-"+from)
	if err != nil {
		t.Fatal(err)
	}
	r.DecidedBy, r.DecidedAt = "staff-1", &mergeAt
	return store.Merge{From: from, Into: into, Review: r, At: mergeAt,
		Audit: store.AuditEntry{ID: "audit-merge", At: mergeAt, Actor: "staff-1", Action: "customer.merged", CustomerID: into}}
}

// mergedState is what a merge leaves, as JSON: Into without its version, its history and
// where its keys lead.
func mergedState(t *testing.T, s *Store, into string) string {
	t.Helper()
	c, err := s.GetCustomer(t.Context(), into)
	if err != nil {
		t.Fatal(err)
	}
	c.Version = 0
	hist, _, err := s.History(t.Context(), into, store.Page{Limit: store.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	cands, err := s.FindCandidates(t.Context(), c.Keys, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"customer": c, "history": hist, "keys": cands.ByKey})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLargeMergeResumesAfterAnInterruption: a merge of more than 100 items runs as a
// sequence; stopped after any prefix of its steps and run again, it ends in the state an
// uninterrupted merge leaves.
func TestLargeMergeResumesAfterAnInterruption(t *testing.T) {
	const entries = 40 // three moves each (key, history entry, submission): over 100 items
	whole := open(t)
	fileMany(t, whole, "cust-a", 2, "")
	fileMany(t, whole, "cust-b", entries, "cust-a")
	plan, err := whole.planMerge(t.Context(), mergeOf(t, whole, "cust-b", "cust-a"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plan.first) + len(plan.moves) + len(plan.last); n <= maxTransactItems {
		t.Fatalf("the fixture merge has %d items, not more than one transaction holds", n)
	}
	if err := whole.MergeCustomers(t.Context(), mergeOf(t, whole, "cust-b", "cust-a")); err != nil {
		t.Fatal(err)
	}
	want := mergedState(t, whole, "cust-a")

	for _, stop := range []int{0, 1, len(plan.moves) / 2, len(plan.moves)} {
		t.Run(fmt.Sprintf("stopped after %d moves", stop), func(t *testing.T) {
			s := open(t)
			fileMany(t, s, "cust-a", 2, "")
			fileMany(t, s, "cust-b", entries, "cust-a")
			m := mergeOf(t, s, "cust-b", "cust-a")
			p, err := s.planMerge(t.Context(), m)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.transactWrites(t.Context(), p.first); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < stop; i += 25 {
				if err := s.transactWrites(t.Context(), p.moves[i:min(i+25, stop)]); err != nil {
					t.Fatal(err)
				}
			}
			if r, err := s.GetReview(t.Context(), m.Review.ID); err != nil || r.Status != store.ReviewOpen {
				t.Fatalf("review during the interrupted merge: %+v err %v", r, err)
			}
			if err := s.MergeCustomers(t.Context(), m); err != nil {
				t.Fatalf("merge again: %v", err)
			}
			if got := mergedState(t, s, "cust-a"); got != want {
				t.Errorf("after resuming:\n got %s\nwant %s", got, want)
			}
			if _, err := s.GetCustomer(t.Context(), "cust-b"); err == nil {
				t.Error("From is still there")
			}
		})
	}
}
