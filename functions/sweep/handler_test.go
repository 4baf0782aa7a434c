package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

func readEvent(t *testing.T, name string) lambdaenv.ScheduledEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "sweep", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev lambdaenv.ScheduledEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// storeWithDueCustomer files a KYC-grade customer whose identity card expired before the
// sample events' time.
func storeWithDueCustomer(t *testing.T, p *hygiene.Policy) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	sub := customer.Submission{Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson, KYCGrade: true,
		Person: &customer.Person{Name: "张三", Gender: "male", Nationality: "CN", Occupation: "engineer",
			IDDocument: &customer.IDDocument{Type: customer.DocCNResidentID, Number: "11010519491231002X", ExpiresOn: "2026-10-31"},
			Phones:     []string{"+8613800138000"}, Address: &customer.Address{Line1: "1 Example Road", City: "Beijing"}}}
	c := customer.Customer{ID: "cust-1", Kind: customer.KindPerson, KYCGrade: true, CreatedAt: at, UpdatedAt: at, Version: 1,
		Attributes: sub.Attributes(customer.Provenance{Channel: sub.Channel, SubmissionID: "sub-1", CollectedAt: at}), LastActivityAt: at}
	p.Due(&c, nil, at)
	err = st.File(t.Context(), store.Filing{
		Submission: store.Submission{ID: "sub-1", Status: store.StatusFiled, ReceivedAt: at, UpdatedAt: at},
		Customer:   c, NewCustomer: true,
		History: customer.HistoryEntry{CustomerID: c.ID, SubmissionID: "sub-1", At: at, Channel: sub.Channel, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "file-sub-1", At: at, Actor: "workflow", Action: "submission.filed", CustomerID: c.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestHandleRunsTheSweep(t *testing.T) {
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		event       lambdaenv.ScheduledEvent
		dryRunEnv   bool
		timeLeft    time.Duration
		wantNow     time.Time
		wantFlagged int
		wantDry     bool
		wantWritten bool
		wantDone    bool
	}{
		{"a scheduled event flags the due customer at the scheduled time", readEvent(t, "scheduled-event.json"), false, time.Minute,
			time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), 1, false, true, true},
		{"a scheduler input may ask for a dry run", readEvent(t, "scheduler-dry-run.json"), false, time.Minute,
			time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), 1, true, false, true},
		{"DRY_RUN makes every run a dry run", readEvent(t, "scheduled-event.json"), true, time.Minute,
			time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), 1, true, false, true},
		{"an event without a time runs at the current time", lambdaenv.ScheduledEvent{ID: "manual"}, false, time.Minute, clock, 1, false, true, true},
		{"an invocation with less time than the margin stops before reading", readEvent(t, "scheduled-event.json"), false, time.Second,
			time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC), 0, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := hygiene.DefaultPolicy()
			st := storeWithDueCustomer(t, p)
			h := &handler{store: st, policy: p, dryRun: tc.dryRunEnv, clock: func() time.Time { return clock },
				logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			ctx, cancel := context.WithTimeout(t.Context(), tc.timeLeft)
			defer cancel()
			r, err := h.handle(ctx, tc.event)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Now.Equal(tc.wantNow) || r.Flagged != tc.wantFlagged || r.DryRun != tc.wantDry || r.Complete != tc.wantDone {
				t.Errorf("report now %v flagged %d dry %v complete %v; want %v %d %v %v",
					r.Now, r.Flagged, r.DryRun, r.Complete, tc.wantNow, tc.wantFlagged, tc.wantDry, tc.wantDone)
			}
			c, err := st.GetCustomer(t.Context(), "cust-1")
			if err != nil {
				t.Fatal(err)
			}
			if written := c.Flag == customer.FlagRefreshDue; written != tc.wantWritten {
				t.Errorf("customer flagged %v, want %v", written, tc.wantWritten)
			}
		})
	}
}

// The scheduled sweep also brings customers scored under older rules to the current ones, and
// leaves them alone on a dry run.
func TestHandleRescoresCustomersScoredUnderOlderRules(t *testing.T) {
	for _, dry := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			p := hygiene.DefaultPolicy()
			st := storeWithDueCustomer(t, p)
			clock := func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }
			h := &handler{store: st, policy: p, dryRun: dry, clock: clock,
				logger:   slog.New(slog.NewJSONHandler(io.Discard, nil)),
				rescorer: &rescore.Rescorer{Store: st, Scorer: score.Default(), Due: p.Due, Clock: clock}}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			r, err := h.handle(ctx, readEvent(t, "scheduled-event.json"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := st.GetCustomer(t.Context(), "cust-1")
			if err != nil {
				t.Fatal(err)
			}
			if dry {
				if r.Rescore != nil || c.Scores != nil {
					t.Fatalf("a dry run rescored: %+v, scores %+v", r.Rescore, c.Scores)
				}
				return
			}
			if r.Rescore == nil || r.Rescore.Rescored != 1 || c.Scores == nil || c.Scores.RulesVersion != score.Default().Version() {
				t.Fatalf("rescore report %+v, scores %+v; want the customer scored under the current rules", r.Rescore, c.Scores)
			}
		})
	}
}
