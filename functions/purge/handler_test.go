package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

func readEvent(t *testing.T, name string) lambdaenv.ScheduledEvent {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "purge", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev lambdaenv.ScheduledEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ev
}

// storeWithDueCustomer files an ungraded enquirer last heard from three years before the
// sample events' time, a prospect past the inactivity period (cust-1), and a recent enquirer
// not due for purge whose submission's payload expired on 1 November 2026 (cust-2, sub-2).
func storeWithDueCustomer(t *testing.T, p *hygiene.Policy) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	sub := customer.Submission{Channel: customer.ChannelWebForm, Kind: customer.KindPerson,
		Person: &customer.Person{Name: "李四", Phones: []string{"+8613900139000"}}, Value: &customer.ValueInfo{Stage: "enquiry"}}
	c := customer.Customer{ID: "cust-1", Kind: customer.KindPerson, CreatedAt: at, UpdatedAt: at, Version: 1,
		Attributes:  sub.Attributes(customer.Provenance{Channel: sub.Channel, SubmissionID: "sub-1", CollectedAt: at}),
		Submissions: []string{"sub-1"}, LastActivityAt: at}
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

	recent, expires := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	payload := sub
	payload.SourceRef = "form-42"
	c2 := customer.Customer{ID: "cust-2", Kind: customer.KindPerson, CreatedAt: recent, UpdatedAt: recent, Version: 1,
		Attributes:  sub.Attributes(customer.Provenance{Channel: sub.Channel, SubmissionID: "sub-2", CollectedAt: recent}),
		Submissions: []string{"sub-2"}, LastActivityAt: recent}
	p.Due(&c2, nil, recent)
	err = st.File(t.Context(), store.Filing{
		Submission: store.Submission{ID: "sub-2", Status: store.StatusFiled, ReceivedAt: recent, UpdatedAt: recent,
			Payload: &payload, PayloadExpiresAt: &expires},
		Customer: c2, NewCustomer: true,
		History: customer.HistoryEntry{CustomerID: c2.ID, SubmissionID: "sub-2", At: recent, Channel: sub.Channel, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "file-sub-2", At: recent, Actor: "workflow", Action: "submission.filed", CustomerID: c2.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// payloadLeft tells whether sub-2 still holds its payload; its sourceRef stays either way.
func payloadLeft(t *testing.T, st store.Store) bool {
	t.Helper()
	sub, err := st.GetSubmission(t.Context(), "sub-2")
	if err != nil {
		t.Fatal(err)
	}
	if sub.SourceRef != "form-42" || sub.Status != store.StatusFiled {
		t.Errorf("sub-2 lost its sourceRef or status: %+v", sub)
	}
	return sub.Payload != nil
}

type images struct{ removed []string }

func (im *images) RemoveImages(_ context.Context, customerID string, subs []string) error {
	im.removed = append(im.removed, customerID)
	return nil
}

func TestHandleRunsThePurgeAndThePayloadExpiry(t *testing.T) {
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	scheduled := time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		event      lambdaenv.ScheduledEvent
		dryRunEnv  bool
		timeLeft   time.Duration
		wantNow    time.Time
		wantPurged int
		wantDry    bool
		wantGone   bool
		wantDone   bool
		// wantDropped is both the count reported and whether sub-2's payload is gone.
		wantDropped int
	}{
		{"a scheduled event purges the due customer and drops the expired payload at the scheduled time", readEvent(t, "scheduled-event.json"), false, time.Minute, scheduled, 1, false, true, true, 1},
		{"a scheduler input may ask for a dry run", readEvent(t, "scheduler-dry-run.json"), false, time.Minute, scheduled, 1, true, false, true, 1},
		{"DRY_RUN makes every run a dry run", readEvent(t, "scheduled-event.json"), true, time.Minute, scheduled, 1, true, false, true, 1},
		{"an event without a time runs at the current time", lambdaenv.ScheduledEvent{ID: "manual"}, false, time.Minute, clock, 1, false, true, true, 1},
		{"an invocation with less time than the margin stops before reading", readEvent(t, "scheduled-event.json"), false, time.Second, scheduled, 0, false, false, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := hygiene.DefaultPolicy()
			st := storeWithDueCustomer(t, p)
			im := &images{}
			h := &handler{store: st, policy: p, dryRun: tc.dryRunEnv, images: im, clock: func() time.Time { return clock },
				logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
			ctx, cancel := context.WithTimeout(t.Context(), tc.timeLeft)
			defer cancel()
			res, err := h.handle(ctx, tc.event)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Report
			if r.Run != "purge" || !r.Now.Equal(tc.wantNow) || r.Purged != tc.wantPurged || r.DryRun != tc.wantDry || r.Complete != tc.wantDone {
				t.Errorf("purge report now %v purged %d dry %v complete %v; want %v %d %v %v",
					r.Now, r.Purged, r.DryRun, r.Complete, tc.wantNow, tc.wantPurged, tc.wantDry, tc.wantDone)
			}
			r = res.Payloads
			if r.Run != "payloads" || !r.Now.Equal(tc.wantNow) || r.Dropped != tc.wantDropped || r.DryRun != tc.wantDry || r.Complete != tc.wantDone {
				t.Errorf("payload report now %v dropped %d dry %v complete %v; want %v %d %v %v",
					r.Now, r.Dropped, r.DryRun, r.Complete, tc.wantNow, tc.wantDropped, tc.wantDry, tc.wantDone)
			}
			var answer struct {
				Run      string
				Payloads struct {
					Run     string
					Dropped int
				}
			}
			if b, err := json.Marshal(res); err != nil || json.Unmarshal(b, &answer) != nil || answer.Run != "purge" ||
				answer.Payloads.Run != "payloads" || answer.Payloads.Dropped != tc.wantDropped {
				t.Errorf("answer %+v (err %v); want the purge report with the payload report in payloads", answer, err)
			}
			if gone := !payloadLeft(t, st); gone != (tc.wantDropped == 1 && !tc.wantDry) {
				t.Errorf("sub-2's payload gone %v; want it gone only when a run that writes dropped it", gone)
			}
			_, err = st.GetCustomer(t.Context(), "cust-1")
			if gone := errors.Is(err, store.ErrNotFound); gone != tc.wantGone {
				t.Errorf("customer gone %v (%v), want %v", gone, err, tc.wantGone)
			}
			if wantRemoved := tc.wantGone; wantRemoved != slices.Equal(im.removed, []string{"cust-1"}) {
				t.Errorf("images removed for %v; want them removed only when the customer is purged", im.removed)
			}
		})
	}
}

type failingImages struct{}

var errImages = errors.New("image bucket unreachable")

func (failingImages) RemoveImages(context.Context, string, []string) error { return errImages }

// TestHandleExpiresPayloadsEvenWhenThePurgeFails: the two runs are independent, so a purge
// that fails still leaves the payload run to do its work, and the error names the purge.
func TestHandleExpiresPayloadsEvenWhenThePurgeFails(t *testing.T) {
	p := hygiene.DefaultPolicy()
	st := storeWithDueCustomer(t, p)
	h := &handler{store: st, policy: p, images: failingImages{}, clock: time.Now,
		logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	res, err := h.handle(t.Context(), readEvent(t, "scheduled-event.json"))
	if !errors.Is(err, errImages) {
		t.Fatalf("error %v, want the image removal failure", err)
	}
	if res.Report.Purged != 0 || res.Payloads.Dropped != 1 || payloadLeft(t, st) {
		t.Errorf("purged %d, dropped %d; want the purge stopped and the payload dropped", res.Report.Purged, res.Payloads.Dropped)
	}
	if _, err := st.GetCustomer(t.Context(), "cust-1"); err != nil {
		t.Errorf("the customer whose images could not be removed: %v", err)
	}
}
