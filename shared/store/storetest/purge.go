package storetest

import (
	"bytes"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var purgeTests = []contractTest{
	{"PurgeCustomer/leaves no item holding the customer's ID or personal data", purgeCustomer},
	{"PurgeCustomer/of an absent customer only writes the audit entry", purgeAbsent},
}

// purgeCustomer: PurgeCustomer deletes the profile, history, lookup keys (unique ones and the
// customer's block entries), the submissions filed on it and their idempotency entries, the
// reviews naming it (as CustomerID or CandidateID), its distinct pairs, the cards issued to it
// or scanned into its submissions, and its index entries; where another customer's submission
// names it as the match candidate, that mention is removed. Then it writes the audit entry.
// Afterwards no item but audit entries holds the customer's ID, no item at all holds its
// personal values or lookup-key hashes, and the other customers are untouched.
func purgeCustomer(t *testing.T, s store.Store) {
	ctx := t.Context()
	a, b, c := custID(1), custID(2), custID(3)
	shared := blockKey("shared")

	fa := fileNew(t, s, 1, shared)
	if _, err := s.UpdateCustomer(ctx, a, func(cu *customer.Customer) error {
		cu.Flag = customer.FlagRefreshDue
		cu.RefreshDueAt = ptr(day(1))
		cu.PurgeDueAt = ptr(day(2))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	card := store.Card{ID: "card-0001", CustomerID: a, Room: "201", Unit: "Acme Trading", Salutation: personOf(1).name,
		Quantity: 1, IssuedBy: "staff-1", IssuedAt: minute(5), Status: store.CardOutstanding}
	anonymousCard := card
	anonymousCard.ID, anonymousCard.CustomerID = "card-0002", ""
	otherCard := card
	otherCard.ID, otherCard.CustomerID, otherCard.Salutation = "card-0003", b, personOf(2).name
	for _, cd := range []store.Card{card, anonymousCard, otherCard} {
		if err := s.CreateCard(ctx, cd); err != nil {
			t.Fatal(err)
		}
	}

	scan := newSubmission(subID(10), 1, minute(10))
	scan.CardID = anonymousCard.ID
	scan.Payload.Channel = customer.ChannelCardScan
	if _, _, err := s.CreateSubmission(ctx, scan); err != nil {
		t.Fatal(err)
	}
	fm := newFiling(a, 1, scan)
	fm.NewCustomer = false
	fm.Customer = mustCustomer(t, s, a)
	fm.Customer.Version++
	fm.Customer.Keys = nil
	fm.Keys = []customer.LookupKey{{Kind: "card", Hash: hashOf("card", anonymousCard.ID), Unique: true}}
	fm.History.CardID = anonymousCard.ID
	fm.History.Decision = customer.DecisionMatch
	if err := s.File(ctx, fm); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCard(ctx, anonymousCard.ID, func(cd *store.Card) error {
		cd.Scans = append(cd.Scans, scan.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// b is filed as a possible match of a; a as a possible match of c.
	subB := newSubmission(subID(2), 2, minute(20))
	fb := newFiling(b, 2, subB)
	fb.Keys = append(fb.Keys, shared)
	fb.Review = possibleReview("rev-0001", subB.ID, b, a, 20)
	fb.Submission.Status = store.StatusReview
	fb.Submission.Outcome.Decision = customer.DecisionPossible
	fb.Submission.Outcome.ReviewID = fb.Review.ID
	fb.Submission.Outcome.Explanation = fb.Review.Explanation
	if err := s.File(ctx, fb); err != nil {
		t.Fatal(err)
	}
	fileNew(t, s, 3)
	if err := s.OpenReview(ctx, *possibleReview("rev-0002", subID(1), a, c, 21)); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{a, c}, {b, c}} {
		if err := s.MarkDistinct(ctx, pair[0], pair[1]); err != nil {
			t.Fatal(err)
		}
	}
	keptB, keptC := mustCustomer(t, s, b), mustCustomer(t, s, c)

	audit := store.AuditEntry{ID: "audit-purge", At: day(30), Actor: "purge", Action: "purge", CustomerID: a,
		Detail: map[string]string{"reason": "retention_expired", "submissions": "2"}}
	if err := s.PurgeCustomer(ctx, a, audit); err != nil {
		t.Fatal(err)
	}

	_, err := s.GetCustomer(ctx, a)
	wantErr(t, "customer", err, store.ErrNotFound)
	for _, id := range []string{subID(1), scan.ID} {
		_, err := s.GetSubmission(ctx, id)
		wantErr(t, "submission "+id, err, store.ErrNotFound)
	}
	for _, id := range []string{"rev-0001", "rev-0002"} {
		_, err := s.GetReview(ctx, id)
		wantErr(t, "review "+id, err, store.ErrNotFound)
	}
	for _, id := range []string{card.ID, anonymousCard.ID} {
		_, err := s.GetCard(ctx, id)
		wantErr(t, "card "+id, err, store.ErrNotFound)
	}
	if _, err := s.GetCard(ctx, otherCard.ID); err != nil {
		t.Errorf("another customer's card: %v", err)
	}
	history, _, err := s.History(ctx, a, store.Page{})
	if err != nil || len(history) != 0 {
		t.Errorf("history: %d entries, err %v", len(history), err)
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{{a, c, false}, {c, a, false}, {b, c, true}} {
		if got, err := s.Distinct(ctx, tc.a, tc.b); err != nil || got != tc.want {
			t.Errorf("Distinct(%s, %s) = %v (err %v), want %v", tc.a, tc.b, got, err, tc.want)
		}
	}
	cands, err := s.FindCandidates(ctx, append(keysOf(1), shared, fm.Keys[0]), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands.ByKey) != 1 {
		t.Errorf("the purged customer's keys still lead somewhere: %v", cands.ByKey)
	}
	sameStrings(t, "shared block", cands.ByKey[shared.Hash], []string{b})
	sameJSON(t, "other customer", mustCustomer(t, s, b), keptB)
	sameJSON(t, "distinct customer", mustCustomer(t, s, c), keptC)
	if sub := mustSubmission(t, s, subB.ID); sub.Outcome == nil || sub.Outcome.CustomerID != b {
		t.Errorf("other customer's submission lost its outcome: %+v", sub.Outcome)
	}
	if _, created, err := s.CreateSubmission(ctx, newSubmission(subID(40), 4, minute(40))); err != nil || !created {
		t.Errorf("fresh submission: created=%v err=%v", created, err)
	}
	replay := newSubmission(subID(41), 4, minute(41))
	replay.IdempotencyKey = fa.Submission.IdempotencyKey
	if _, created, err := s.CreateSubmission(ctx, replay); err != nil || !created {
		t.Errorf("the purged submission's idempotency key still answers: created=%v err=%v", created, err)
	}

	purgedListings(t, s, a, audit)
	sameSet(t, "payloads still on the expiry index", expired(t, s, day(1000), 10), []string{subB.ID, subID(3)})
	scanForLeftovers(t, s, a, append(personOf(1).values(), keysOf(1)[0].Hash, keysOf(1)[1].Hash, keysOf(1)[2].Hash, fm.Keys[0].Hash))

	again := newFiling(custID(5), 1, newSubmission(subID(50), 1, minute(50)))
	if err := s.File(ctx, again); err != nil {
		t.Errorf("the purged customer's unique keys are not free again: %v", err)
	}
}

// purgedListings checks that no listing mentions the purged customer and that the audit log
// ends with the purge entry.
func purgedListings(t *testing.T, s store.Store, id string, audit store.AuditEntry) {
	t.Helper()
	ctx := t.Context()
	for _, due := range []store.Due{store.DueRefresh, store.DuePurge} {
		for _, c := range collect(t, 10, func(p store.Page) ([]customer.Customer, string, error) {
			return s.DueCustomers(ctx, due, day(1000), p)
		}) {
			if c.ID == id {
				t.Errorf("still due for %s", due)
			}
		}
	}
	for _, flag := range []customer.Flag{customer.FlagNone, customer.FlagRefreshDue} {
		for _, c := range collect(t, 10, func(p store.Page) ([]customer.Customer, string, error) {
			return s.ListCustomers(ctx, flag, p)
		}) {
			if c.ID == id {
				t.Errorf("still listed with flag %q", flag)
			}
		}
	}
	for _, l := range collect(t, 10, func(p store.Page) ([]store.Link, string, error) { return s.Links(ctx, p) }) {
		if l.CustomerID == id {
			t.Errorf("links still list submission %s", l.SubmissionID)
		}
	}
	for _, r := range collect(t, 10, func(p store.Page) ([]store.Review, string, error) { return s.ListReviews(ctx, "", p) }) {
		if r.CustomerID == id || r.CandidateID == id {
			t.Errorf("review %s still names the customer", r.ID)
		}
	}
	for _, c := range collect(t, 10, func(p store.Page) ([]store.Card, string, error) {
		return s.ListCards(ctx, store.CardFilter{}, p)
	}) {
		if c.CustomerID == id {
			t.Errorf("card %s still names the customer", c.ID)
		}
	}
	entries := collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) { return s.ListAudit(ctx, p) })
	if len(entries) == 0 {
		t.Fatal("no audit entries")
	}
	sameJSON(t, "purge audit entry", entries[len(entries)-1], audit)
}

// scanForLeftovers reads every stored item through Dumper and fails on any that still holds
// the customer's ID (audit entries may) or one of its personal values (none may).
func scanForLeftovers(t *testing.T, s store.Store, id string, personal []string) {
	t.Helper()
	d, ok := s.(Dumper)
	if !ok {
		t.Log("the adapter is no storetest.Dumper: stored items not scanned")
		return
	}
	items := 0
	err := d.Dump(t.Context(), func(audit bool, raw []byte) error {
		items++
		if !audit && bytes.Contains(raw, []byte(id)) {
			t.Errorf("item still holds the customer ID: %s", raw)
		}
		for _, v := range personal {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("item still holds a personal value of the customer: %s", raw)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if items == 0 {
		t.Error("Dump visited no items")
	}
}

// purgeAbsent: purging a customer that does not exist succeeds and writes only the audit entry.
func purgeAbsent(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	before := mustCustomer(t, s, custID(1))
	audit := store.AuditEntry{ID: "audit-purge", At: day(30), Actor: "purge", Action: "purge", CustomerID: "cust-none"}
	if err := s.PurgeCustomer(t.Context(), "cust-none", audit); err != nil {
		t.Fatal(err)
	}
	entries := collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) { return s.ListAudit(t.Context(), p) })
	if len(entries) != 2 {
		t.Fatalf("%d audit entries, want the filing's and the purge's", len(entries))
	}
	sameJSON(t, "purge audit entry", entries[1], audit)
	sameJSON(t, "other customer", mustCustomer(t, s, custID(1)), before)
}
