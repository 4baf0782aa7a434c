package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var auditTests = []contractTest{
	{"ListAudit/lists appended entries in time order", listAudit},
}

var linkTests = []contractTest{
	{"Links/lists every submission with its customer, decision and source ref", links},
}

var pagingTests = []contractTest{
	{"Page/a malformed cursor is ErrInvalidCursor", malformedCursor},
	{"Page/a zero limit means the default page size", defaultLimit},
}

// listAudit: ListAudit lists every entry by At, then ID, whatever order they were appended in.
func listAudit(t *testing.T, s store.Store) {
	var want []store.AuditEntry
	for i, m := range []int{4, 0, 3, 1, 2, 3} {
		e := store.AuditEntry{
			ID: fmt.Sprintf("audit-%04d", i+1), At: minute(m), Actor: "staff-1", Action: "review.decide",
			CustomerID: custID(i), Detail: map[string]string{"status": "merged"},
		}
		if err := s.AppendAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
		want = append(want, e)
	}
	slices.SortStableFunc(want, func(a, b store.AuditEntry) int { return a.At.Compare(b.At) })
	got := collect(t, 4, func(p store.Page) ([]store.AuditEntry, string, error) { return s.ListAudit(t.Context(), p) })
	sameJSON(t, "audit", got, want)
}

// links: Links lists each submission once, in no promised order, with the customer and
// decision of its outcome (empty while it has none) and its SourceRef, which survives the
// payload's removal.
func links(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	if _, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(2), 2, minute(2))); err != nil {
		t.Fatal(err)
	}
	fileNew(t, s, 3)
	if _, err := s.UpdateSubmission(t.Context(), subID(3), func(u *store.Submission) error {
		u.Payload, u.PayloadExpiresAt = nil, nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got := collect(t, 2, func(p store.Page) ([]store.Link, string, error) { return s.Links(t.Context(), p) })
	slices.SortFunc(got, func(a, b store.Link) int {
		if a.SubmissionID < b.SubmissionID {
			return -1
		}
		return 1
	})
	want := []store.Link{
		{SourceRef: "ref-" + subID(1), SubmissionID: subID(1), CustomerID: custID(1), Decision: customer.DecisionNew, Status: store.StatusFiled},
		{SourceRef: "ref-" + subID(2), SubmissionID: subID(2), Status: store.StatusReceived},
		{SourceRef: "ref-" + subID(3), SubmissionID: subID(3), CustomerID: custID(3), Decision: customer.DecisionNew, Status: store.StatusFiled},
	}
	sameJSON(t, "links", got, want)
}

// malformedCursor: every listing answers a cursor it could not have handed out with an error
// wrapping ErrInvalidCursor.
func malformedCursor(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	p := store.Page{Cursor: "%%not a cursor%%", Limit: 10}
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		list func() error
	}{
		{"PendingSubmissions", func() error { _, _, err := s.PendingSubmissions(ctx, p); return err }},
		{"History", func() error { _, _, err := s.History(ctx, custID(1), p); return err }},
		{"ListCustomers", func() error { _, _, err := s.ListCustomers(ctx, customer.FlagNone, p); return err }},
		{"DueCustomers", func() error { _, _, err := s.DueCustomers(ctx, store.DueRefresh, day(1), p); return err }},
		{"ListReviews", func() error { _, _, err := s.ListReviews(ctx, store.ReviewOpen, p); return err }},
		{"ListCards", func() error { _, _, err := s.ListCards(ctx, store.CardFilter{}, p); return err }},
		{"ExpiredPayloads", func() error { _, _, err := s.ExpiredPayloads(ctx, day(1000), p); return err }},
		{"Links", func() error { _, _, err := s.Links(ctx, p); return err }},
		{"ListAudit", func() error { _, _, err := s.ListAudit(ctx, p); return err }},
	} {
		wantErr(t, tc.name, tc.list(), store.ErrInvalidCursor)
	}
}

// defaultLimit: a Limit of zero asks for at most DefaultLimit items, not none or all.
func defaultLimit(t *testing.T, s store.Store) {
	for i := range store.DefaultLimit + 1 {
		e := store.AuditEntry{ID: fmt.Sprintf("audit-%04d", i), At: base.Add(time.Duration(i) * time.Second), Actor: "staff-1", Action: "login"}
		if err := s.AppendAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	got, next, err := s.ListAudit(t.Context(), store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || len(got) > store.DefaultLimit || next == "" {
		t.Errorf("first page: %d entries, next %q; want 1 to %d and a cursor", len(got), next, store.DefaultLimit)
	}
	all := collect(t, 0, func(p store.Page) ([]store.AuditEntry, string, error) { return s.ListAudit(t.Context(), p) })
	if len(all) != store.DefaultLimit+1 {
		t.Errorf("paged with limit 0: %d entries, want %d", len(all), store.DefaultLimit+1)
	}
}
