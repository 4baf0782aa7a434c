package rescore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// seed files n customers, each scored under rules version "old" except the first, which is
// scored under the current rules.
func seed(t *testing.T, n int) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		version := "old"
		if i == 0 {
			version = score.Default().Version()
		}
		payload := customer.Submission{Kind: customer.KindPerson, Person: &customer.Person{Name: "张三"},
			Value: &customer.ValueInfo{Stage: "purchased", Amount: ptr(9_000_000.0)}}
		err := st.File(context.Background(), store.Filing{
			Submission:  store.Submission{ID: id, Status: store.StatusFiled, ReceivedAt: now, UpdatedAt: now},
			NewCustomer: true,
			Customer: customer.Customer{ID: id, Kind: customer.KindPerson, CreatedAt: now, UpdatedAt: now, Version: 1,
				Attributes: payload.Attributes(customer.Provenance{SubmissionID: id, CollectedAt: now}),
				Scores:     &customer.Scores{RulesVersion: version}},
			History: customer.HistoryEntry{CustomerID: id, SubmissionID: id, At: now, Amount: ptr(9_000_000.0)},
			Audit:   store.AuditEntry{ID: "file-" + id, At: now, Actor: "test", Action: "submission.filed"},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func ptr[T any](v T) *T { return &v }

func TestAllRescoresOnlyCustomersScoredUnderOtherRules(t *testing.T) {
	st := seed(t, 5)
	due := 0
	r := rescore.Rescorer{Store: st, Scorer: score.Default(), Clock: func() time.Time { return now },
		Due: func(*customer.Customer, []customer.HistoryEntry, time.Time) { due++ }}
	rep, err := r.All(context.Background(), rescore.Options{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 5 || rep.Rescored != 4 || !rep.Complete || due != 4 {
		t.Fatalf("report %+v, due dates recomputed %d times; want 5 read, 4 rescored, complete", rep, due)
	}
	c, err := st.GetCustomer(context.Background(), "c001")
	if err != nil {
		t.Fatal(err)
	}
	// 9,000,000 purchased meets grade B (8,000,000) and not A (50,000,000).
	if c.Scores.RulesVersion != score.Default().Version() || c.Scores.Grade == nil || c.Scores.Grade.Grade != "B" {
		t.Fatalf("scores %+v, want the current rules' grade B", c.Scores)
	}
	again, err := r.All(context.Background(), rescore.Options{})
	if err != nil || again.Rescored != 0 {
		t.Fatalf("second pass %+v (%v), want nothing rescored", again, err)
	}
}

func TestAllStopsBeforeTheBudgetRunsOutAndResumes(t *testing.T) {
	st := seed(t, 5)
	r := rescore.Rescorer{Store: st, Scorer: score.Default(), Clock: func() time.Time { return now }}
	pages := 0
	budget := func() time.Duration {
		pages++
		if pages > 2 {
			return 0
		}
		return time.Minute
	}
	first, err := r.All(context.Background(), rescore.Options{PageSize: 2, Budget: budget, Margin: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if first.Complete || first.Next == "" || first.Read != 4 {
		t.Fatalf("first pass %+v, want it stopped after two pages with a checkpoint", first)
	}
	rest, err := r.All(context.Background(), rescore.Options{PageSize: 2, Checkpoint: first.Next})
	if err != nil {
		t.Fatal(err)
	}
	if !rest.Complete || first.Rescored+rest.Rescored != 4 {
		t.Fatalf("passes %+v then %+v, want every stale customer rescored once", first, rest)
	}
}
