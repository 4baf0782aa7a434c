package hygiene_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
)

// fileWithPayload files a submission that holds the fixtures' personal values in its payload,
// expiring at expires (none when nil), on a customer of its own.
func fileWithPayload(t *testing.T, st store.Store, id string, expires *time.Time) {
	t.Helper()
	at := now.AddDate(0, -2, 0)
	payload := prospect()
	payload.SourceRef = "ref-" + id
	sub := store.Submission{ID: id, Status: store.StatusReceived, ReceivedAt: at, UpdatedAt: at, Payload: &payload}
	if _, _, err := st.CreateSubmission(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	if expires == nil {
		return
	}
	c := customerOf("c-"+id, payload, at, "")
	c.Submissions = []string{id}
	sub.Status, sub.PayloadExpiresAt = store.StatusFiled, expires
	sub.Outcome = &store.Outcome{CustomerID: c.ID, Decision: customer.DecisionNew}
	err := st.File(t.Context(), store.Filing{
		Submission: sub, Customer: c, NewCustomer: true,
		History: customer.HistoryEntry{CustomerID: c.ID, SubmissionID: id, At: at, Channel: payload.Channel, Decision: customer.DecisionNew},
		Audit:   store.AuditEntry{ID: "file-" + id, At: at, Actor: "workflow", Action: "submission.filed", CustomerID: c.ID, SubmissionID: id},
	})
	if err != nil {
		t.Fatalf("File %s: %v", id, err)
	}
}

// payloadFixture files one submission expired a day ago, one expiring exactly now, one
// expiring tomorrow and one received but not filed (no expiry), and returns the IDs of the
// two whose payload is due to go.
func payloadFixture(t *testing.T, st store.Store) []string {
	t.Helper()
	fileWithPayload(t, st, "s-past", ptr(now.AddDate(0, 0, -1)))
	fileWithPayload(t, st, "s-now", ptr(now))
	fileWithPayload(t, st, "s-later", ptr(now.AddDate(0, 0, 1)))
	fileWithPayload(t, st, "s-pending", nil)
	return []string{"s-past", "s-now"}
}

func hasPayload(t *testing.T, st store.Store, id string) bool {
	t.Helper()
	sub, err := st.GetSubmission(t.Context(), id)
	if err != nil {
		t.Fatalf("GetSubmission %s: %v", id, err)
	}
	if sub.SourceRef != "ref-"+id || (sub.Status == store.StatusFiled && sub.Outcome == nil) {
		t.Errorf("%s lost its sourceRef or outcome: %+v", id, sub)
	}
	return sub.Payload != nil
}

func expire(t *testing.T, st store.Store, opt hygiene.ExpireOptions) hygiene.Report {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = now
	}
	r, err := hygiene.ExpirePayloads(t.Context(), st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExpirePayloadsDropsExpiredPayloadsOnly(t *testing.T) {
	st := openStore(t)
	due := payloadFixture(t, st)
	var progress []int
	r := expire(t, st, hygiene.ExpireOptions{PageSize: 1, Progress: func(n int) { progress = append(progress, n) }})
	if r.Run != "payloads" || r.DryRun || !r.Now.Equal(now) || r.Read != 2 || r.Dropped != 2 || !r.Complete || r.Next != "" {
		t.Errorf("report %+v; want run payloads, read 2, dropped 2, complete", r)
	}
	if !slices.Equal(progress, []int{1, 2}) {
		t.Errorf("progress %v, want [1 2]", progress)
	}
	noPersonalDataIn(t, "report", r)
	for _, id := range []string{"s-past", "s-now", "s-later", "s-pending"} {
		if got, want := hasPayload(t, st, id), !slices.Contains(due, id); got != want {
			t.Errorf("%s holds a payload: %v, want %v", id, got, want)
		}
	}

	again := expire(t, st, hygiene.ExpireOptions{})
	if again.Read != 0 || again.Dropped != 0 || !again.Complete {
		t.Errorf("second run at the same time: %+v; want nothing read or dropped", again)
	}
	later := expire(t, st, hygiene.ExpireOptions{Now: now.AddDate(0, 0, 1)})
	if later.Dropped != 1 || hasPayload(t, st, "s-later") {
		t.Errorf("a day later: dropped %d, want s-later's payload gone", later.Dropped)
	}
}

func TestExpirePayloadsDryRunWritesNothing(t *testing.T) {
	st := openStore(t)
	payloadFixture(t, st)
	before := dump(t, st)
	dry := expire(t, st, hygiene.ExpireOptions{DryRun: true, PageSize: 1})
	if !slices.Equal(dump(t, st), before) {
		t.Error("the dry run changed the store")
	}
	if !dry.DryRun || dry.Dropped != 2 || dry.Read != 2 || !dry.Complete {
		t.Errorf("dry run report %+v; want 2 payloads it would drop", dry)
	}
	wet := expire(t, st, hygiene.ExpireOptions{})
	if wet.Dropped != dry.Dropped {
		t.Errorf("the run dropped %d payloads, the dry run reported %d", wet.Dropped, dry.Dropped)
	}
}

func TestExpirePayloadsStopsOnBudget(t *testing.T) {
	const expired, pageSize = 7, 2
	for _, dry := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			st := openStore(t)
			for n := range expired {
				fileWithPayload(t, st, fmt.Sprintf("s%02d", n), ptr(now.AddDate(0, 0, -n)))
			}
			first := expire(t, st, hygiene.ExpireOptions{DryRun: dry, PageSize: pageSize, Budget: budgetFor(2)})
			if first.Complete || first.Dropped != 2*pageSize || first.Next == "" {
				t.Fatalf("first run %+v; want 2 pages dropped and a checkpoint", first)
			}
			checkpoint := first.Next
			if !dry {
				// Dropped payloads have left the index: the next run starts afresh.
				checkpoint = ""
			}
			rest := expire(t, st, hygiene.ExpireOptions{DryRun: dry, PageSize: pageSize, Checkpoint: checkpoint})
			if !rest.Complete || first.Dropped+rest.Dropped != expired {
				t.Errorf("resumed run %+v after %d; want the remaining %d", rest, first.Dropped, expired-first.Dropped)
			}
			left := 0
			for n := range expired {
				if hasPayload(t, st, fmt.Sprintf("s%02d", n)) {
					left++
				}
			}
			if want := map[bool]int{false: 0, true: expired}[dry]; left != want {
				t.Errorf("%d payloads left, want %d", left, want)
			}
		})
	}
}
