package localflow_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/localflow"
	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) (store.Store, *localflow.Runner) {
	t.Helper()
	st, err := embedded.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := lookupkey.New(bytes.Repeat([]byte{1}, 32))
	m, err := match.NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	s, err := steps.New(steps.Deps{Store: st, Keys: keys, Matcher: m, Scorer: score.Default(), Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	machine, err := asl.Load(workflows.Definition, steps.Substitutions)
	if err != nil {
		t.Fatal(err)
	}
	return st, localflow.New(machine, s.Tasks(), st, nil)
}

func receive(t *testing.T, st store.Store, id, phone string) {
	t.Helper()
	_, _, err := st.CreateSubmission(context.Background(), store.Submission{
		ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now,
		Payload: &customer.Submission{Channel: customer.ChannelStaffEntry, Kind: customer.KindPerson,
			Person: &customer.Person{Name: "张三", Phones: []string{phone}}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, st store.Store, id string) store.Status {
	t.Helper()
	sub, err := st.GetSubmission(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sub.Status
}

func TestRunResumesSubmissionsLeftPendingByAnEarlierProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	st, _ := open(t, path)
	receive(t, st, "left-1", "13800138001")
	receive(t, st, "left-2", "13800138002")
	st.Close() // the earlier process stopped before running them

	st, runner := open(t, path)
	defer st.Close()
	ctx := context.Background()
	if err := runner.Run(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// RunNow on a queued submission waits for the execution already under way.
	for _, id := range []string{"left-1", "left-2"} {
		if err := runner.RunNow(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	runner.Stop(ctx)
	for _, id := range []string{"left-1", "left-2"} {
		if got := status(t, st, id); got != store.StatusFiled {
			t.Errorf("%s: %s, want FILED", id, got)
		}
	}
	pending, _, err := st.PendingSubmissions(ctx, store.Page{Limit: 10})
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending after resume = %d (%v), want none", len(pending), err)
	}
}

func TestStartingOneSubmissionTwiceRunsItOnce(t *testing.T) {
	st, runner := open(t, filepath.Join(t.TempDir(), "intake.db"))
	defer st.Close()
	ctx := context.Background()
	if err := runner.Run(ctx, 2); err != nil {
		t.Fatal(err)
	}
	receive(t, st, "twice", "13800138003")
	for range 3 {
		if err := runner.Start(ctx, "twice"); err != nil {
			t.Fatal(err)
		}
	}
	if err := runner.RunNow(ctx, "twice"); err != nil {
		t.Fatal(err)
	}
	runner.Stop(ctx)
	list, _, err := st.ListCustomers(ctx, customer.FlagNone, store.Page{Limit: 10})
	if err != nil || len(list) != 1 {
		t.Fatalf("customers = %d (%v), want 1", len(list), err)
	}
	audit, _, _ := st.ListAudit(ctx, store.Page{Limit: 10})
	if len(audit) != 1 {
		t.Fatalf("%d audit entries, want one filing", len(audit))
	}
}

func TestStartAfterStopIsRefused(t *testing.T) {
	st, runner := open(t, filepath.Join(t.TempDir(), "intake.db"))
	defer st.Close()
	ctx := context.Background()
	if err := runner.Run(ctx, 1); err != nil {
		t.Fatal(err)
	}
	runner.Stop(ctx)
	if err := runner.Start(ctx, "late"); err != localflow.ErrStopped {
		t.Fatalf("err = %v, want ErrStopped", err)
	}
}
