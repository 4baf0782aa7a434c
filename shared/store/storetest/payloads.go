package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/store"
)

var payloadTests = []contractTest{
	{"ExpiredPayloads/lists a filed payload from its expiry on", expiredPayloadsFromExpiry},
	{"ExpiredPayloads/pages through expired payloads earliest first", expiredPayloadsPaging},
	{"ExpiredPayloads/follows every write of the submission", expiredPayloadsFollowWrites},
	{"DropPayload/removes the payload and its index entry and keeps the rest", dropPayloadKeepsTheRest},
	{"DropPayload/before the expiry changes nothing", dropPayloadBeforeExpiry},
	{"DropPayload/of an absent submission or one without a payload is no error", dropPayloadNothingToDo},
	{"PurgeCustomer/leaves no payload expiry entry", purgeLeavesNoPayloadEntry},
}

// expiryOf is the payload expiry newFiling gives submission n: thirty days after receipt.
func expiryOf(n int) time.Time { return minute(n).AddDate(0, 0, 30) }

func expired(t *testing.T, s store.Store, upTo time.Time, limit int) []string {
	t.Helper()
	return collect(t, limit, func(p store.Page) ([]string, string, error) {
		return s.ExpiredPayloads(t.Context(), upTo, p)
	})
}

// expiredPayloadsFromExpiry: a filed submission's payload is not listed before its
// PayloadExpiresAt and is listed at it and after; submissions not filed have no expiry and are
// never listed.
func expiredPayloadsFromExpiry(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	if _, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(2), 2, minute(2))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		upTo time.Time
		want []string
	}{
		{"a nanosecond before", expiryOf(1).Add(-time.Nanosecond), nil},
		{"at the expiry", expiryOf(1), []string{subID(1)}},
		{"years later", day(5000), []string{subID(1)}},
	} {
		sameStrings(t, tc.name, expired(t, s, tc.upTo, 10), tc.want)
	}
}

// expiredPayloadsPaging: the listing holds every expired payload once, by expiry then ID,
// whatever the page size, and none that expires after upTo.
func expiredPayloadsPaging(t *testing.T, s store.Store) {
	// Received minutes, for sub-0001..sub-0009; two share minute 5.
	received := []int{7, 3, 5, 1, 5, 8, 2, 40, 50}
	for i, m := range received {
		n := i + 1
		sub := newSubmission(subID(n), n, minute(m))
		if _, _, err := s.CreateSubmission(t.Context(), sub); err != nil {
			t.Fatal(err)
		}
		if err := s.File(t.Context(), newFiling(custID(n), n, sub)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{subID(4), subID(7), subID(2), subID(3), subID(5), subID(1), subID(6)}
	for _, limit := range []int{1, 2, 3, 100} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			sameStrings(t, "expired", expired(t, s, expiryOf(10), limit), want)
		})
	}
}

// expiredPayloadsFollowWrites: the index follows the submission as it is written: an update
// that removes the payload takes it off, one that moves the expiry moves it, and one that
// changes neither keeps it on.
func expiredPayloadsFollowWrites(t *testing.T, s store.Store) {
	ctx := t.Context()
	for n := 1; n <= 3; n++ {
		fileNew(t, s, n)
	}
	update := func(id string, fn func(*store.Submission)) {
		t.Helper()
		if _, err := s.UpdateSubmission(ctx, id, func(u *store.Submission) error { fn(u); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	update(subID(1), func(u *store.Submission) { u.Payload = nil })
	update(subID(2), func(u *store.Submission) { u.PayloadExpiresAt = ptr(day(400)) })
	update(subID(3), func(u *store.Submission) { u.Status = store.StatusReview })
	sameStrings(t, "after the updates", expired(t, s, day(100), 10), []string{subID(3)})
	sameStrings(t, "later", expired(t, s, day(400), 10), []string{subID(3), subID(2)})
}

// dropPayloadKeepsTheRest: DropPayload at or after the expiry clears Payload and
// PayloadExpiresAt, raises Version by one and keeps every other field; the submission leaves
// the listing and the links export still has its SourceRef. Dropping again changes nothing.
func dropPayloadKeepsTheRest(t *testing.T, s store.Store) {
	ctx := t.Context()
	sub := newSubmission(subID(1), 1, minute(1))
	sub.CardID, sub.ImageRef = "card-0001", "images/sub-0001.jpg"
	if _, _, err := s.CreateSubmission(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if err := s.File(ctx, newFiling(custID(1), 1, sub)); err != nil {
		t.Fatal(err)
	}
	fileNew(t, s, 2)
	before := mustSubmission(t, s, subID(1))
	other := mustSubmission(t, s, subID(2))

	for _, upTo := range []time.Time{expiryOf(1), day(100)} {
		if err := s.DropPayload(ctx, subID(1), upTo); err != nil {
			t.Fatalf("DropPayload at %v: %v", upTo, err)
		}
	}
	want := before
	want.Payload, want.PayloadExpiresAt = nil, nil
	want.Version++
	sameJSON(t, "after the drop", mustSubmission(t, s, subID(1)), want)
	if want.SourceRef == "" || want.Outcome == nil {
		t.Errorf("the filed submission had no SourceRef or outcome to keep: %+v", want)
	}
	sameJSON(t, "another submission", mustSubmission(t, s, subID(2)), other)
	sameStrings(t, "expired after the drop", expired(t, s, day(100), 10), []string{subID(2)})
	links := collect(t, 10, func(p store.Page) ([]store.Link, string, error) { return s.Links(ctx, p) })
	for _, l := range links {
		if l.SubmissionID == subID(1) && l.SourceRef != sub.Payload.SourceRef {
			t.Errorf("links: sourceRef %q after the drop, want %q", l.SourceRef, sub.Payload.SourceRef)
		}
	}
}

// dropPayloadBeforeExpiry: with upTo before the expiry the submission stays as it is, and on
// the listing.
func dropPayloadBeforeExpiry(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	before := mustSubmission(t, s, subID(1))
	if err := s.DropPayload(t.Context(), subID(1), expiryOf(1).Add(-time.Nanosecond)); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "submission", mustSubmission(t, s, subID(1)), before)
	sameStrings(t, "expired", expired(t, s, expiryOf(1), 10), []string{subID(1)})
}

// dropPayloadNothingToDo: DropPayload of an unknown ID, of a submission with a payload but no
// expiry (not filed yet) and of a rejected one without a payload returns nil and writes nothing.
func dropPayloadNothingToDo(t *testing.T, s store.Store) {
	ctx := t.Context()
	if err := s.DropPayload(ctx, "sub-none", day(100)); err != nil {
		t.Errorf("absent submission: %v", err)
	}
	received, _, err := s.CreateSubmission(ctx, newSubmission(subID(1), 1, minute(1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateSubmission(ctx, newSubmission(subID(2), 2, minute(2))); err != nil {
		t.Fatal(err)
	}
	rejected, err := s.UpdateSubmission(ctx, subID(2), func(u *store.Submission) error {
		u.Status, u.Payload, u.PayloadExpiresAt = store.StatusRejected, nil, ptr(minute(3))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []store.Submission{received, rejected} {
		if err := s.DropPayload(ctx, want.ID, day(100)); err != nil {
			t.Errorf("%s: %v", want.ID, err)
		}
		sameJSON(t, want.ID, mustSubmission(t, s, want.ID), want)
	}
	sameStrings(t, "expired", expired(t, s, day(100), 10), nil)
}

// purgeLeavesNoPayloadEntry: purging a customer takes its submissions off the payload expiry
// listing; another customer's stay.
func purgeLeavesNoPayloadEntry(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	fileNew(t, s, 2)
	audit := store.AuditEntry{ID: "audit-purge", At: day(30), Actor: "purge", Action: "purge", CustomerID: custID(1)}
	if err := s.PurgeCustomer(t.Context(), custID(1), audit); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "expired", expired(t, s, day(100), 10), []string{subID(2)})
	if err := s.DropPayload(t.Context(), subID(1), day(100)); err != nil {
		t.Errorf("DropPayload of a purged submission: %v", err)
	}
}
