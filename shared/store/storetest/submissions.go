package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

var errRefused = errors.New("refused by fn")

var submissionTests = []contractTest{
	{"CreateSubmission/stores a new submission at version 1", createSubmissionStores},
	{"CreateSubmission/returns the first submission for a known idempotency key", createSubmissionIdempotent},
	{"CreateSubmission/returns the stored submission for a known ID", createSubmissionSameID},
	{"CreateSubmission/without idempotency keys tells submissions apart by ID", createSubmissionNoKey},
	{"CreateSubmission/concurrent replays create one submission", createSubmissionConcurrent},
	{"GetSubmission/unknown ID is not found", getSubmissionUnknown},
	{"UpdateSubmission/applies fn and bumps the version", updateSubmissionApplies},
	{"UpdateSubmission/keeps the UpdatedAt fn set", updateSubmissionKeepsUpdatedAt},
	{"UpdateSubmission/fn error writes nothing", updateSubmissionFnError},
	{"UpdateSubmission/unknown ID is not found", updateSubmissionUnknown},
	{"UpdateSubmission/concurrent updates lose none", updateSubmissionConcurrent},
	{"PendingSubmissions/lists received submissions oldest first", pendingSubmissions},
}

// createSubmissionStores: CreateSubmission stores the submission as given except that Version
// becomes 1 and an empty SourceRef is copied from the payload; GetSubmission returns it.
func createSubmissionStores(t *testing.T, s store.Store) {
	sub := newSubmission(subID(1), 1, minute(0))
	sub.Version = 7
	got, created, err := s.CreateSubmission(t.Context(), sub)
	if err != nil || !created {
		t.Fatalf("CreateSubmission: created=%v err=%v, want created", created, err)
	}
	want := sub
	want.Version = 1
	want.SourceRef = sub.Payload.SourceRef
	sameJSON(t, "returned", got, want)
	sameJSON(t, "stored", mustSubmission(t, s, sub.ID), want)
}

// createSubmissionIdempotent: a second submission with the same IdempotencyKey is not stored;
// the first one is returned with created=false.
func createSubmissionIdempotent(t *testing.T, s store.Store) {
	first := newSubmission(subID(1), 1, minute(0))
	stored, _, err := s.CreateSubmission(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	replay := newSubmission(subID(2), 1, minute(1))
	replay.IdempotencyKey = first.IdempotencyKey
	got, created, err := s.CreateSubmission(t.Context(), replay)
	if err != nil || created {
		t.Fatalf("replay: created=%v err=%v, want the stored one", created, err)
	}
	sameJSON(t, "replay returns", got, stored)
	_, err = s.GetSubmission(t.Context(), replay.ID)
	wantErr(t, "replay's ID", err, store.ErrNotFound)
	pending := collect(t, 10, func(p store.Page) ([]store.Submission, string, error) {
		return s.PendingSubmissions(t.Context(), p)
	})
	sameStrings(t, "pending", idsOf(pending, func(s store.Submission) string { return s.ID }), []string{first.ID})
}

// createSubmissionSameID: a second submission with a stored ID changes nothing.
func createSubmissionSameID(t *testing.T, s store.Store) {
	first := newSubmission(subID(1), 1, minute(0))
	stored, _, err := s.CreateSubmission(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	again := first
	again.IdempotencyKey = "form-a:other"
	again.BodyHash = hashOf("body", "other")
	got, created, err := s.CreateSubmission(t.Context(), again)
	if err != nil || created {
		t.Fatalf("same ID: created=%v err=%v, want the stored one", created, err)
	}
	sameJSON(t, "same ID returns", got, stored)
	sameJSON(t, "stored", mustSubmission(t, s, first.ID), stored)
}

// createSubmissionNoKey: an empty IdempotencyKey is no key: such submissions never collide.
func createSubmissionNoKey(t *testing.T, s store.Store) {
	for n := 1; n <= 2; n++ {
		sub := newSubmission(subID(n), n, minute(n))
		sub.IdempotencyKey = ""
		if _, created, err := s.CreateSubmission(t.Context(), sub); err != nil || !created {
			t.Fatalf("%s: created=%v err=%v, want created", sub.ID, created, err)
		}
	}
}

// createSubmissionConcurrent: replays racing with one idempotency key store exactly one
// submission, and every caller gets that one back.
func createSubmissionConcurrent(t *testing.T, s store.Store) {
	const racers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		ids     = map[string]bool{}
	)
	for n := 1; n <= racers; n++ {
		wg.Go(func() {
			sub := newSubmission(subID(n), 1, minute(n))
			sub.IdempotencyKey = "form-a:same"
			got, ok, err := s.CreateSubmission(t.Context(), sub)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("%s: %v", sub.ID, err)
				return
			}
			if ok {
				created++
			}
			ids[got.ID] = true
		})
	}
	wg.Wait()
	if created != 1 || len(ids) != 1 {
		t.Errorf("%d created, %d distinct IDs returned; want 1 and 1", created, len(ids))
	}
}

func getSubmissionUnknown(t *testing.T, s store.Store) {
	_, err := s.GetSubmission(t.Context(), "sub-none")
	wantErr(t, "GetSubmission", err, store.ErrNotFound)
}

// updateSubmissionApplies: UpdateSubmission stores what fn made of the submission with Version
// one higher; when fn leaves UpdatedAt alone the store sets it to the current time; fn cannot
// change the ID.
func updateSubmissionApplies(t *testing.T, s store.Store) {
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(1), 1, minute(0)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateSubmission(t.Context(), sub.ID, func(u *store.Submission) error {
		u.ID = "sub-other"
		u.Status = store.StatusRejected
		u.Outcome = &store.Outcome{Errors: []customer.FieldError{{Path: "person.phones[0]", Code: "phone.invalid"}}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sub.ID || got.Version != 2 || got.Status != store.StatusRejected || got.Outcome == nil {
		t.Errorf("updated: id %s version %d status %s outcome %v", got.ID, got.Version, got.Status, got.Outcome)
	}
	if !got.UpdatedAt.After(sub.UpdatedAt) {
		t.Errorf("UpdatedAt %v not moved on from %v", got.UpdatedAt, sub.UpdatedAt)
	}
	sameJSON(t, "stored", mustSubmission(t, s, sub.ID), got)
	_, err = s.GetSubmission(t.Context(), "sub-other")
	wantErr(t, "changed ID", err, store.ErrNotFound)
}

func updateSubmissionKeepsUpdatedAt(t *testing.T, s store.Store) {
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(1), 1, minute(0)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.UpdateSubmission(t.Context(), sub.ID, func(u *store.Submission) error {
		u.Status = store.StatusFailed
		u.UpdatedAt = minute(30)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(minute(30)) {
		t.Errorf("UpdatedAt %v, want %v", got.UpdatedAt, minute(30))
	}
}

// updateSubmissionFnError: fn's error comes back (errors.Is) and the stored item is untouched.
func updateSubmissionFnError(t *testing.T, s store.Store) {
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(1), 1, minute(0)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateSubmission(t.Context(), sub.ID, func(u *store.Submission) error {
		u.Status = store.StatusFailed
		return errRefused
	})
	wantErr(t, "UpdateSubmission", err, errRefused)
	sameJSON(t, "stored", mustSubmission(t, s, sub.ID), sub)
}

// updateSubmissionUnknown: an unknown ID is ErrNotFound and fn is not called.
func updateSubmissionUnknown(t *testing.T, s store.Store) {
	called := false
	_, err := s.UpdateSubmission(t.Context(), "sub-none", func(*store.Submission) error {
		called = true
		return nil
	})
	wantErr(t, "UpdateSubmission", err, store.ErrNotFound)
	if called {
		t.Error("fn called for an absent submission")
	}
}

// updateSubmissionConcurrent: concurrent updates either succeed or give up with ErrConflict
// after their retries; every update that succeeded is in the stored item.
func updateSubmissionConcurrent(t *testing.T, s store.Store) {
	sub, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(1), 1, minute(0)))
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 5
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		succeeded int
	)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				_, err := s.UpdateSubmission(t.Context(), sub.ID, func(u *store.Submission) error {
					if u.Outcome == nil {
						u.Outcome = &store.Outcome{}
					}
					u.Outcome.Warnings = append(u.Outcome.Warnings, customer.FieldError{Code: "w", Path: string(rune('a'+w)) + string(rune('a'+i))})
					return nil
				})
				mu.Lock()
				switch {
				case err == nil:
					succeeded++
				case !errors.Is(err, store.ErrConflict):
					t.Errorf("UpdateSubmission: %v", err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got := mustSubmission(t, s, sub.ID)
	if got.Outcome == nil || len(got.Outcome.Warnings) != succeeded || got.Version != int64(1+succeeded) {
		t.Errorf("after %d successful updates: version %d, outcome %+v", succeeded, got.Version, got.Outcome)
	}
}

// pendingSubmissions: PendingSubmissions lists exactly the RECEIVED submissions, by ReceivedAt
// then ID; a submission leaves the list when updated or filed out of RECEIVED and comes back
// when set to RECEIVED again.
func pendingSubmissions(t *testing.T, s store.Store) {
	received := []int{4, 1, 3, 0, 2} // minutes, for sub-0001..sub-0005
	for i, m := range received {
		if _, _, err := s.CreateSubmission(t.Context(), newSubmission(subID(i+1), i+1, minute(m))); err != nil {
			t.Fatal(err)
		}
	}
	list := func() []string {
		subs := collect(t, 2, func(p store.Page) ([]store.Submission, string, error) {
			return s.PendingSubmissions(t.Context(), p)
		})
		return idsOf(subs, func(s store.Submission) string { return s.ID })
	}
	sameStrings(t, "all received", list(), []string{subID(4), subID(2), subID(5), subID(3), subID(1)})

	reject := func(st store.Status) {
		t.Helper()
		if _, err := s.UpdateSubmission(t.Context(), subID(3), func(u *store.Submission) error {
			u.Status = st
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	reject(store.StatusRejected)
	sub2 := mustSubmission(t, s, subID(2))
	if err := s.File(t.Context(), newFiling(custID(2), 2, sub2)); err != nil {
		t.Fatal(err)
	}
	sameStrings(t, "after reject and file", list(), []string{subID(4), subID(5), subID(1)})
	reject(store.StatusReceived)
	sameStrings(t, "after re-drive", list(), []string{subID(4), subID(5), subID(3), subID(1)})
}
