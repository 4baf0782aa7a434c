package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var filingTests = []contractTest{
	{"File/writes profile, keys, history, submission, review and audit", fileNewCustomer},
	{"File/existing customer filed as new is a conflict that writes nothing", fileNewCustomerExists},
	{"File/stale version is a conflict that writes nothing", fileStaleVersion},
	{"File/absent customer filed as existing is a conflict", fileAbsentCustomer},
	{"File/match on an existing customer keeps its keys and adds the new ones", fileMatch},
	{"File/unique key of another customer fails whole with DuplicateKeyError", fileDuplicateKey},
	{"File/concurrent filings racing for one unique key make one customer", fileRace},
	{"File/review with a taken ID is a conflict that writes nothing", fileReviewConflict},
	{"File/concurrent filings on one customer version make one update", fileVersionRace},
}

// possibleReview is the review a POSSIBLE decision opens for submission sub filed as cust.
func possibleReview(id, sub, cust, candidate string, n int) *store.Review {
	return &store.Review{
		ID: id, SubmissionID: sub, CustomerID: cust, CandidateID: candidate,
		Status:      store.ReviewOpen,
		Explanation: &customer.Explanation{RulesVersion: "1", CandidateID: candidate, Total: 0.7, Upper: 0.9, Lower: 0.5},
		CreatedAt:   minute(n),
	}
}

// fileNewCustomer: File writes the customer as given, except that its Keys become the union of
// the stored keys, Customer.Keys and Filing.Keys (in that order, duplicates dropped) and the
// submission's ID is appended to Submissions when missing; the history entry; the submission
// as given with Version one above the stored one; the review at Version 1; the audit entry.
func fileNewCustomer(t *testing.T, s store.Store) {
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(1), 1, minute(0)))
	if err != nil {
		t.Fatal(err)
	}
	f := newFiling(custID(1), 1, sub)
	f.Submission.Status = store.StatusReview
	f.Review = possibleReview("rev-0001", sub.ID, custID(1), custID(9), 1)
	f.Submission.Outcome.ReviewID = f.Review.ID
	if err := s.File(t.Context(), f); err != nil {
		t.Fatal(err)
	}

	wantCust := f.Customer
	wantCust.Keys = f.Keys
	wantCust.Submissions = []string{sub.ID}
	sameJSON(t, "customer", mustCustomer(t, s, custID(1)), wantCust)

	wantSub := f.Submission
	wantSub.Version = 2
	sameJSON(t, "submission", mustSubmission(t, s, sub.ID), wantSub)

	history := collect(t, 10, func(p store.Page) ([]customer.HistoryEntry, string, error) {
		return s.History(t.Context(), custID(1), p)
	})
	sameJSON(t, "history", history, []customer.HistoryEntry{f.History})

	review, err := s.GetReview(t.Context(), f.Review.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantReview := *f.Review
	wantReview.Version = 1
	sameJSON(t, "review", review, wantReview)

	audit := collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) {
		return s.ListAudit(t.Context(), p)
	})
	sameJSON(t, "audit", audit, []store.AuditEntry{f.Audit})

	cands, err := s.FindCandidates(t.Context(), f.Keys, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range f.Keys {
		sameStrings(t, "candidates of "+k.Kind, cands.ByKey[k.Hash], []string{custID(1)})
	}
	pending, _, err := s.PendingSubmissions(t.Context(), store.Page{})
	if err != nil || len(pending) != 0 {
		t.Errorf("pending after filing: %d items, err %v", len(pending), err)
	}
}

// snapshot is everything a failed filing must leave as it was.
type snapshot struct {
	Customers   map[string]*customer.Customer
	Submissions map[string]*store.Submission
	History     map[string][]customer.HistoryEntry
	Reviews     []store.Review
	Audit       []store.AuditEntry
	Candidates  store.Candidates
}

func takeSnapshot(t *testing.T, s store.Store, custs, subs []string, keys []customer.LookupKey) snapshot {
	t.Helper()
	snap := snapshot{
		Customers:   map[string]*customer.Customer{},
		Submissions: map[string]*store.Submission{},
		History:     map[string][]customer.HistoryEntry{},
	}
	for _, id := range custs {
		c, err := s.GetCustomer(t.Context(), id)
		switch {
		case err == nil:
			snap.Customers[id] = &c
		case !errors.Is(err, store.ErrNotFound):
			t.Fatal(err)
		}
		snap.History[id] = collect(t, 10, func(p store.Page) ([]customer.HistoryEntry, string, error) {
			return s.History(t.Context(), id, p)
		})
	}
	for _, id := range subs {
		sub, err := s.GetSubmission(t.Context(), id)
		switch {
		case err == nil:
			snap.Submissions[id] = &sub
		case !errors.Is(err, store.ErrNotFound):
			t.Fatal(err)
		}
	}
	snap.Reviews = collect(t, 10, func(p store.Page) ([]store.Review, string, error) {
		return s.ListReviews(t.Context(), "", p)
	})
	snap.Audit = collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) {
		return s.ListAudit(t.Context(), p)
	})
	cands, err := s.FindCandidates(t.Context(), keys, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap.Candidates = cands
	return snap
}

// failedFiling asserts that File fails with target and leaves everything it touches unchanged.
func failedFiling(t *testing.T, s store.Store, f store.Filing, target error) error {
	t.Helper()
	custs := []string{f.Customer.ID}
	subs := []string{f.Submission.ID}
	keys := append(append([]customer.LookupKey{}, f.Keys...), f.Customer.Keys...)
	before := takeSnapshot(t, s, custs, subs, keys)
	err := s.File(t.Context(), f)
	wantErr(t, "File", err, target)
	sameJSON(t, "items after the failed filing", takeSnapshot(t, s, custs, subs, keys), before)
	return err
}

// failingFiling is a filing of submission n on customer id with a review, ready to fail.
func failingFiling(t *testing.T, s store.Store, id string, n int) store.Filing {
	t.Helper()
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(n), n, minute(n)))
	if err != nil {
		t.Fatal(err)
	}
	f := newFiling(id, n, sub)
	f.Review = possibleReview("rev-fail", sub.ID, id, custID(8), n)
	return f
}

// fileNewCustomerExists: NewCustomer demands that no customer with the ID exists.
func fileNewCustomerExists(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	failedFiling(t, s, failingFiling(t, s, custID(1), 2), store.ErrConflict)
}

// fileStaleVersion: without NewCustomer the stored version must be Customer.Version-1.
func fileStaleVersion(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	f := failingFiling(t, s, custID(1), 2)
	f.NewCustomer = false
	f.Customer.Version = 3
	failedFiling(t, s, f, store.ErrConflict)
}

// fileAbsentCustomer: a missing customer is a version mismatch too, so ErrConflict.
func fileAbsentCustomer(t *testing.T, s store.Store) {
	f := failingFiling(t, s, custID(1), 1)
	f.NewCustomer = false
	f.Customer.Version = 2
	failedFiling(t, s, f, store.ErrConflict)
}

// fileMatch: a second filing on a customer (NewCustomer false, Version+1) updates it; keys the
// customer held stay even when the caller leaves them out of Customer.Keys; a unique key the
// customer already owns is no clash; history lists both filings in time order.
func fileMatch(t *testing.T, s store.Store) {
	first := fileNew(t, s, 1)
	stored := mustCustomer(t, s, custID(1))
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(2), 1, minute(10)))
	if err != nil {
		t.Fatal(err)
	}
	f := newFiling(custID(1), 1, sub)
	f.NewCustomer = false
	f.Customer = stored
	f.Customer.Version = stored.Version + 1
	f.Customer.Keys = nil
	f.Customer.LastActivityAt = minute(10)
	f.Customer.Attributes = append(f.Customer.Attributes, customer.Attribute{Path: "person.occupation", Value: "engineer"})
	email := customer.LookupKey{Kind: "email", Hash: hashOf("email", personOf(1).email), Unique: true}
	f.Keys = []customer.LookupKey{keysOf(1)[0], email}
	f.History.Decision = customer.DecisionMatch
	f.Submission.Outcome.Decision = customer.DecisionMatch
	if err := s.File(t.Context(), f); err != nil {
		t.Fatal(err)
	}

	want := f.Customer
	want.Keys = append(keysOf(1), email)
	want.Submissions = []string{subID(1), subID(2)}
	sameJSON(t, "customer", mustCustomer(t, s, custID(1)), want)
	history := collect(t, 1, func(p store.Page) ([]customer.HistoryEntry, string, error) {
		return s.History(t.Context(), custID(1), p)
	})
	sameJSON(t, "history", history, []customer.HistoryEntry{first.History, f.History})
	cands, err := s.FindCandidates(t.Context(), []customer.LookupKey{email}, 10)
	if err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "new key", cands.ByKey[email.Hash], []string{custID(1)})
}

// fileDuplicateKey: a unique key owned by another customer fails the filing with a
// *DuplicateKeyError naming the kind and the owner (errors.Is ErrDuplicateKey), and nothing of
// the filing is written: no customer, history, keys, submission change, review or audit.
func fileDuplicateKey(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	f := failingFiling(t, s, custID(2), 2)
	f.Keys = append(f.Keys, keysOf(1)[0])
	err := failedFiling(t, s, f, store.ErrDuplicateKey)
	var dup *store.DuplicateKeyError
	if !errors.As(err, &dup) || dup.Kind != "phone" || dup.CustomerID != custID(1) {
		t.Errorf("error %v, want a DuplicateKeyError for phone owned by %s", err, custID(1))
	}
}

// fileRace: filings of new customers racing for one unique key: exactly one wins; every loser
// gets a *DuplicateKeyError naming the winner and leaves nothing behind.
func fileRace(t *testing.T, s store.Store) {
	const racers = 8
	shared := customer.LookupKey{Kind: "phone", Hash: hashOf("phone", "+8613900000000"), Unique: true}
	filings := make([]store.Filing, racers)
	for i := range filings {
		n := i + 1
		sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(n), n, minute(n)))
		if err != nil {
			t.Fatal(err)
		}
		f := newFiling(custID(n), n, sub)
		f.Keys = append(f.Keys, shared)
		f.Review = possibleReview("rev-"+sub.ID, sub.ID, custID(n), custID(99), n)
		filings[i] = f
	}
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range filings {
		wg.Go(func() { errs[i] = s.File(t.Context(), filings[i]) })
	}
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("two filings won: %s and %s", custID(winner+1), custID(i+1))
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no filing won: %v", errs)
	}
	winnerID := filings[winner].Customer.ID
	for i, err := range errs {
		if i == winner {
			continue
		}
		f := filings[i]
		var dup *store.DuplicateKeyError
		if !errors.Is(err, store.ErrDuplicateKey) || !errors.As(err, &dup) || dup.CustomerID != winnerID || dup.Kind != shared.Kind {
			t.Errorf("loser %s: error %v, want a DuplicateKeyError naming %s", f.Customer.ID, err, winnerID)
		}
		_, err = s.GetCustomer(t.Context(), f.Customer.ID)
		wantErr(t, "loser's customer", err, store.ErrNotFound)
		_, err = s.GetReview(t.Context(), f.Review.ID)
		wantErr(t, "loser's review", err, store.ErrNotFound)
		if sub := mustSubmission(t, s, f.Submission.ID); sub.Status != store.StatusReceived || sub.Version != 1 {
			t.Errorf("loser's submission: status %s version %d, want RECEIVED 1", sub.Status, sub.Version)
		}
		history, _, err := s.History(t.Context(), f.Customer.ID, store.Page{})
		if err != nil || len(history) != 0 {
			t.Errorf("loser's history: %d entries, err %v", len(history), err)
		}
	}
	loserKeys := []customer.LookupKey{shared}
	for i, f := range filings {
		if i != winner {
			loserKeys = append(loserKeys, f.Keys[:3]...)
		}
	}
	cands, err := s.FindCandidates(t.Context(), loserKeys, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "shared key", cands.ByKey[shared.Hash], []string{winnerID})
	if len(cands.ByKey) != 1 {
		t.Errorf("losers' own keys lead to customers: %v", cands.ByKey)
	}
	audit := collect(t, 10, func(p store.Page) ([]store.AuditEntry, string, error) {
		return s.ListAudit(t.Context(), p)
	})
	sameJSON(t, "audit", audit, []store.AuditEntry{filings[winner].Audit})
	reviews := collect(t, 10, func(p store.Page) ([]store.Review, string, error) {
		return s.ListReviews(t.Context(), "", p)
	})
	sameStrings(t, "reviews", idsOf(reviews, func(r store.Review) string { return r.ID }), []string{filings[winner].Review.ID})
}

// fileReviewConflict: a review whose ID is taken fails the filing with ErrConflict.
func fileReviewConflict(t *testing.T, s store.Store) {
	taken := possibleReview("rev-taken", subID(9), custID(9), custID(8), 0)
	if err := s.OpenReview(t.Context(), *taken); err != nil {
		t.Fatal(err)
	}
	f := failingFiling(t, s, custID(1), 1)
	f.Review = possibleReview("rev-taken", subID(1), custID(1), custID(8), 1)
	failedFiling(t, s, f, store.ErrConflict)
}

// fileVersionRace: filings racing to update one customer from the same stored version: exactly
// one wins, the others get ErrConflict and write nothing, so the caller can re-read and retry.
func fileVersionRace(t *testing.T, s store.Store) {
	fileNew(t, s, 1)
	stored := mustCustomer(t, s, custID(1))
	const racers = 4
	filings := make([]store.Filing, racers)
	for i := range filings {
		sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(10+i), 1, minute(10+i)))
		if err != nil {
			t.Fatal(err)
		}
		f := newFiling(custID(1), 1, sub)
		f.NewCustomer = false
		f.Customer = stored
		f.Customer.Version++
		f.Keys = []customer.LookupKey{{Kind: "email", Hash: hashOf("email", sub.ID), Unique: true}}
		filings[i] = f
	}
	errs := make([]error, racers)
	var wg sync.WaitGroup
	for i := range filings {
		wg.Go(func() { errs[i] = s.File(t.Context(), filings[i]) })
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("two filings won: %d and %d", winner, i)
		case err == nil:
			winner = i
		default:
			wantErr(t, "losing filing", err, store.ErrConflict)
		}
	}
	if winner < 0 {
		t.Fatalf("no filing won: %v", errs)
	}
	got := mustCustomer(t, s, custID(1))
	sameStrings(t, "submissions", got.Submissions, []string{subID(1), filings[winner].Submission.ID})
	if got.Version != stored.Version+1 {
		t.Errorf("version %d, want %d", got.Version, stored.Version+1)
	}
	history := collect(t, 10, func(p store.Page) ([]customer.HistoryEntry, string, error) {
		return s.History(t.Context(), custID(1), p)
	})
	if len(history) != 2 {
		t.Errorf("%d history entries, want 2", len(history))
	}
	for i, f := range filings {
		if i == winner {
			continue
		}
		if sub := mustSubmission(t, s, f.Submission.ID); sub.Status != store.StatusReceived {
			t.Errorf("losing submission %s: status %s, want RECEIVED", sub.ID, sub.Status)
		}
		cands, err := s.FindCandidates(t.Context(), f.Keys, 0)
		if err != nil || len(cands.ByKey) != 0 {
			t.Errorf("losing filing's key leads to %v (err %v)", cands.ByKey, err)
		}
	}
}
