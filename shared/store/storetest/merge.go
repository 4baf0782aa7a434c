package storetest

import (
	"slices"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var mergeTests = []contractTest{
	{"MergeCustomers/moves everything of From onto Into and deletes From", mergeMovesEverything},
	{"MergeCustomers/a purge of Into afterwards leaves nothing of either", mergeThenPurge},
	{"MergeCustomers/refuses what it cannot decide and writes nothing", mergeRefused},
}

// RunMerge runs only the merge contract tests, for adapters that merge in more than one way
// (the DynamoDB adapter splits merges too large for one transaction).
func RunMerge(t *testing.T, open func(t *testing.T) store.Store) {
	run(t, open, mergeTests)
}

// mergeWorld is a merge about to happen: b (From) was filed as a possible match of a (Into),
// and b has gathered everything a merge has to move.
type mergeWorld struct {
	a, b, c   string
	shared    customer.LookupKey
	cardKey   customer.LookupKey
	merge     store.Merge
	beforeA   customer.Customer
	beforeB   customer.Customer
	bSubs     []string
	cSub      string
	sameRace  string // a second open review of the same pair
	otherOpen string // an open review naming b as the candidate of c's submission
	card      string // a card issued to b
}

// newMergeWorld files a (person 1), b (person 2, a possible match of a, with a second
// submission from a card scan), and c (person 3, a possible match of b, marked distinct from b).
func newMergeWorld(t *testing.T, s store.Store) mergeWorld {
	t.Helper()
	ctx := t.Context()
	w := mergeWorld{a: custID(1), b: custID(2), c: custID(3), shared: blockKey("shared"),
		sameRace: "race-0002", otherOpen: "rev-0003", card: "card-0002"}
	fileNew(t, s, 1, w.shared)

	subB := newSubmission(subID(2), 2, minute(20))
	if _, _, err := s.CreateSubmission(ctx, subB); err != nil {
		t.Fatal(err)
	}
	fb := newFiling(w.b, 2, subB)
	fb.Keys = append(fb.Keys, w.shared)
	fb.Customer.KYCGrade = true
	fb.Review = possibleReview("rev-0001", subB.ID, w.b, w.a, 20)
	fb.Submission.Status = store.StatusReview
	fb.Submission.Outcome.Decision = customer.DecisionPossible
	fb.Submission.Outcome.ReviewID = fb.Review.ID
	fb.Submission.Outcome.Explanation = fb.Review.Explanation
	if err := s.File(ctx, fb); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCard(ctx, store.Card{ID: w.card, CustomerID: w.b, Room: "201", Unit: "Acme Trading",
		Salutation: personOf(2).name, Quantity: 1, IssuedBy: "staff-1", IssuedAt: minute(25), Status: store.CardOutstanding}); err != nil {
		t.Fatal(err)
	}
	scan := newSubmission(subID(12), 2, minute(30))
	scan.CardID = w.card
	scan.Payload.Channel = customer.ChannelCardScan
	if _, _, err := s.CreateSubmission(ctx, scan); err != nil {
		t.Fatal(err)
	}
	fm := newFiling(w.b, 2, scan)
	fm.NewCustomer = false
	fm.Customer = mustCustomer(t, s, w.b)
	fm.Customer.Version++
	fm.Customer.LastActivityAt = scan.ReceivedAt
	fm.Customer.Attributes = append(fm.Customer.Attributes, customer.Attribute{Path: "card.diningTier", Value: "premium",
		Provenance: customer.Provenance{Channel: customer.ChannelCardScan, SubmissionID: scan.ID, Verified: true, CollectedAt: scan.ReceivedAt, CollectedBy: "staff-1"}})
	w.cardKey = customer.LookupKey{Kind: "card", Hash: hashOf("card", w.card), Unique: true}
	fm.Keys = []customer.LookupKey{w.cardKey}
	fm.History.CardID = w.card
	fm.History.Decision = customer.DecisionMatch
	if err := s.File(ctx, fm); err != nil {
		t.Fatal(err)
	}
	w.bSubs = []string{subB.ID, scan.ID}

	// c was filed as a possible match of b, and the pair was then found distinct.
	subC := newSubmission(subID(3), 3, minute(40))
	if _, _, err := s.CreateSubmission(ctx, subC); err != nil {
		t.Fatal(err)
	}
	fc := newFiling(w.c, 3, subC)
	fc.Review = possibleReview(w.otherOpen, subC.ID, w.c, w.b, 40)
	fc.Submission.Status = store.StatusReview
	fc.Submission.Outcome.Decision = customer.DecisionPossible
	fc.Submission.Outcome.ReviewID = fc.Review.ID
	fc.Submission.Outcome.Explanation = fc.Review.Explanation
	if err := s.File(ctx, fc); err != nil {
		t.Fatal(err)
	}
	w.cSub = subC.ID
	if err := s.MarkDistinct(ctx, w.b, w.c); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenReview(ctx, *possibleReview(w.sameRace, subB.ID, w.b, w.a, 41)); err != nil {
		t.Fatal(err)
	}

	w.beforeA, w.beforeB = mustCustomer(t, s, w.a), mustCustomer(t, s, w.b)
	decided, err := s.GetReview(ctx, "rev-0001")
	if err != nil {
		t.Fatal(err)
	}
	decided.DecidedAt, decided.DecidedBy, decided.Note = ptr(day(2)), "staff-7", "same passport photo"
	w.merge = store.Merge{
		From: w.b, Into: w.a, Review: decided, At: day(2),
		Audit: store.AuditEntry{ID: "audit-merge", At: day(2), Actor: "staff-7", Action: "customer.merged",
			CustomerID: w.a, Detail: map[string]string{"from": w.b, "review": decided.ID}},
	}
	return w
}

// mergeMovesEverything: after MergeCustomers, From is gone; Into holds both customers'
// attributes (with their provenance), submissions and keys, the later LastActivityAt and
// KYCGrade; every lookup key of both leads to Into alone; Into's history holds both
// histories; From's submissions, cards, reviews and distinct pairs name Into; the decided
// review, and another open review of the same pair, are merged; the audit entry is written.
func mergeMovesEverything(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := newMergeWorld(t, s)
	if err := s.MergeCustomers(ctx, w.merge); err != nil {
		t.Fatal(err)
	}

	_, err := s.GetCustomer(ctx, w.b)
	wantErr(t, "From after the merge", err, store.ErrNotFound)
	got := mustCustomer(t, s, w.a)
	if got.Version != w.beforeA.Version+1 || !got.KYCGrade || !got.LastActivityAt.Equal(w.beforeB.LastActivityAt) || !got.UpdatedAt.Equal(day(2)) {
		t.Errorf("Into: version %d kyc %v lastActivity %v updated %v", got.Version, got.KYCGrade, got.LastActivityAt, got.UpdatedAt)
	}
	sameJSON(t, "Into's attributes", got.Attributes, slices.Concat(w.beforeA.Attributes, w.beforeB.Attributes))
	sameStrings(t, "Into's submissions", got.Submissions, slices.Concat(w.beforeA.Submissions, w.bSubs))
	wantKeys := keyHashes(slices.Concat(w.beforeA.Keys, w.beforeB.Keys))
	slices.Sort(wantKeys)
	sameSet(t, "Into's keys", keyHashes(got.Keys), slices.Compact(wantKeys))

	cands, err := s.FindCandidates(ctx, slices.Concat(keysOf(1), keysOf(2), []customer.LookupKey{w.shared, w.cardKey}), 0)
	if err != nil {
		t.Fatal(err)
	}
	for hash, owners := range cands.ByKey {
		sameStrings(t, "customers of key "+hash[:8], owners, []string{w.a})
	}
	if len(cands.ByKey) != 8 {
		t.Errorf("%d keys lead somewhere, want all 8", len(cands.ByKey))
	}

	history := collect(t, 2, func(p store.Page) ([]customer.HistoryEntry, string, error) { return s.History(ctx, w.a, p) })
	sameStrings(t, "Into's history", idsOf(history, func(h customer.HistoryEntry) string { return h.SubmissionID }),
		[]string{subID(1), subID(2), subID(12)})
	for _, h := range history {
		if h.CustomerID != w.a {
			t.Errorf("history entry %s names customer %s", h.SubmissionID, h.CustomerID)
		}
	}
	if left, _, err := s.History(ctx, w.b, store.Page{}); err != nil || len(left) != 0 {
		t.Errorf("From's history: %d entries left, err %v", len(left), err)
	}
	for _, id := range w.bSubs {
		if sub := mustSubmission(t, s, id); sub.Outcome == nil || sub.Outcome.CustomerID != w.a {
			t.Errorf("submission %s not re-pointed: %+v", id, sub.Outcome)
		}
	}
	if sub := mustSubmission(t, s, w.cSub); sub.Outcome.CustomerID != w.c || sub.Outcome.Explanation.CandidateID != w.a {
		t.Errorf("c's submission: customer %s candidate %s", sub.Outcome.CustomerID, sub.Outcome.Explanation.CandidateID)
	}
	sameSet(t, "payloads on the expiry index", expired(t, s, day(1000), 10), []string{subID(1), subID(2), subID(12), w.cSub})
	if card, err := s.GetCard(ctx, w.card); err != nil || card.CustomerID != w.a {
		t.Errorf("card: %+v err %v", card, err)
	}

	decided, err := s.GetReview(ctx, w.merge.Review.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := w.merge.Review
	want.Status, want.Version = store.ReviewMerged, 2
	sameJSON(t, "decided review", decided, want)
	if r, err := s.GetReview(ctx, w.sameRace); err != nil || r.Status != store.ReviewMerged || r.CustomerID != w.a || r.DecidedBy != "staff-7" {
		t.Errorf("other review of the pair: %+v err %v", r, err)
	}
	if r, err := s.GetReview(ctx, w.otherOpen); err != nil || r.Status != store.ReviewOpen || r.CustomerID != w.c || r.CandidateID != w.a {
		t.Errorf("review naming From as candidate: %+v err %v", r, err)
	}
	open := collect(t, 10, func(p store.Page) ([]store.Review, string, error) { return s.ListReviews(ctx, store.ReviewOpen, p) })
	sameStrings(t, "open reviews", idsOf(open, func(r store.Review) string { return r.ID }), []string{w.otherOpen})

	for _, tc := range []struct {
		x, y string
		want bool
	}{{w.a, w.c, true}, {w.c, w.a, true}, {w.b, w.c, false}, {w.a, w.b, false}} {
		if got, err := s.Distinct(ctx, tc.x, tc.y); err != nil || got != tc.want {
			t.Errorf("Distinct(%s, %s) = %v (err %v), want %v", tc.x, tc.y, got, err, tc.want)
		}
	}
	listed := collect(t, 10, func(p store.Page) ([]customer.Customer, string, error) {
		return s.ListCustomers(ctx, customer.FlagNone, p)
	})
	sameSet(t, "customers", customerIDs(listed), []string{w.a, w.c})
	entries := collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) { return s.ListAudit(ctx, p) })
	sameJSON(t, "merge audit entry", entries[len(entries)-1], w.merge.Audit)
}

// mergeThenPurge: purging Into after a merge deletes every item of both customers; only
// audit entries hold their IDs, and nothing holds their personal values or key hashes.
func mergeThenPurge(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := newMergeWorld(t, s)
	if err := s.MergeCustomers(ctx, w.merge); err != nil {
		t.Fatal(err)
	}
	audit := store.AuditEntry{ID: "audit-purge", At: day(30), Actor: "purge", Action: "purge", CustomerID: w.a}
	if err := s.PurgeCustomer(ctx, w.a, audit); err != nil {
		t.Fatal(err)
	}
	purgedListings(t, s, w.a, audit)
	purgedListings(t, s, w.b, audit)
	scanForLeftovers(t, s, w.a, append(personOf(1).values(), keyHashes(keysOf(1))...))
	scanForLeftovers(t, s, w.b, slices.Concat(personOf(2).values(), keyHashes(keysOf(2)), []string{w.cardKey.Hash}))
	if got, err := s.Distinct(ctx, w.a, w.c); err != nil || got {
		t.Errorf("Distinct(a, c) after the purge = %v, err %v", got, err)
	}
	if sub := mustSubmission(t, s, w.cSub); sub.Outcome.Explanation.CandidateID != "" {
		t.Errorf("c's submission still names a candidate: %s", sub.Outcome.Explanation.CandidateID)
	}
}

// mergeRefused: a missing customer or review is ErrNotFound; merging a customer into itself,
// on a review that is decided or names another pair, is ErrConflict; none of them writes.
func mergeRefused(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := newMergeWorld(t, s)
	if _, err := s.UpdateReview(ctx, w.sameRace, func(r *store.Review) error {
		r.Status = store.ReviewDistinct
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	beforeC := mustCustomer(t, s, w.c)
	with := func(change func(m *store.Merge)) store.Merge {
		m := w.merge
		change(&m)
		return m
	}
	for _, tc := range []struct {
		name  string
		merge store.Merge
		want  error
	}{
		{"missing From", with(func(m *store.Merge) { m.From = "cust-none" }), store.ErrNotFound},
		{"missing Into", with(func(m *store.Merge) { m.Into = "cust-none" }), store.ErrNotFound},
		{"missing review", with(func(m *store.Merge) { m.Review.ID = "rev-none" }), store.ErrNotFound},
		{"into itself", with(func(m *store.Merge) { m.Into = w.b }), store.ErrConflict},
		{"decided review", with(func(m *store.Merge) { m.Review.ID = w.sameRace }), store.ErrConflict},
		{"review of another pair", with(func(m *store.Merge) { m.Review.ID = w.otherOpen }), store.ErrConflict},
	} {
		wantErr(t, tc.name, s.MergeCustomers(ctx, tc.merge), tc.want)
	}
	sameJSON(t, "Into", mustCustomer(t, s, w.a), w.beforeA)
	sameJSON(t, "From", mustCustomer(t, s, w.b), w.beforeB)
	sameJSON(t, "c", mustCustomer(t, s, w.c), beforeC)
	if r, err := s.GetReview(ctx, w.merge.Review.ID); err != nil || r.Status != store.ReviewOpen || r.Version != 1 {
		t.Errorf("review after refused merges: %+v err %v", r, err)
	}

	if err := s.MergeCustomers(ctx, w.merge); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "the same merge again", s.MergeCustomers(ctx, w.merge), store.ErrNotFound)
}

func keyHashes(keys []customer.LookupKey) []string {
	return idsOf(keys, func(k customer.LookupKey) string { return k.Hash })
}
