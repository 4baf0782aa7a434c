package storetest

import (
	"fmt"
	"testing"

	"github.com/intake-project/intake/shared/store"
)

var reviewTests = []contractTest{
	{"OpenReview/stores a review at version 1 and refuses a taken ID", openReview},
	{"GetReview/unknown ID is not found", getReviewUnknown},
	{"ListReviews/lists by status oldest first", listReviews},
	{"UpdateReview/fn error writes nothing and unknown ID is not found", updateReviewErrors},
	{"MarkDistinct/is symmetric", markDistinct},
}

// openReview: OpenReview stores the review with Version 1; a second review with the same ID is
// ErrConflict and changes nothing.
func openReview(t *testing.T, s store.Store) {
	r := *possibleReview("rev-0001", subID(1), custID(1), custID(2), 0)
	r.Version = 5
	if err := s.OpenReview(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	want := r
	want.Version = 1
	got, err := s.GetReview(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "stored", got, want)
	again := r
	again.CandidateID = custID(3)
	wantErr(t, "second OpenReview", s.OpenReview(t.Context(), again), store.ErrConflict)
	got, err = s.GetReview(t.Context(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "after the refused open", got, want)
}

func getReviewUnknown(t *testing.T, s store.Store) {
	_, err := s.GetReview(t.Context(), "rev-none")
	wantErr(t, "GetReview", err, store.ErrNotFound)
}

// listReviews: ListReviews lists reviews of one status ("" for every status) by CreatedAt,
// then ID; UpdateReview stores fn's result with Version one higher and moves the review to
// its new status's listing.
func listReviews(t *testing.T, s store.Store) {
	created := []int{3, 0, 4, 1, 2} // minutes, for rev-0001..rev-0005
	for i, m := range created {
		r := possibleReview(fmt.Sprintf("rev-%04d", i+1), subID(i+1), custID(i+1), custID(10+i), m)
		if err := s.OpenReview(t.Context(), *r); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(id string, status store.ReviewStatus) {
		t.Helper()
		got, err := s.UpdateReview(t.Context(), id, func(r *store.Review) error {
			r.Status = status
			r.DecidedAt = ptr(day(1))
			r.DecidedBy = "staff-1"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Status != status || got.DecidedBy != "staff-1" {
			t.Errorf("decided %s: version %d status %s by %q", id, got.Version, got.Status, got.DecidedBy)
		}
		stored, err := s.GetReview(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "stored decision", stored, got)
	}
	decide("rev-0002", store.ReviewMerged)
	decide("rev-0003", store.ReviewDistinct)
	for _, tc := range []struct {
		status store.ReviewStatus
		want   []string
	}{
		{store.ReviewOpen, []string{"rev-0004", "rev-0005", "rev-0001"}},
		{store.ReviewMerged, []string{"rev-0002"}},
		{store.ReviewDistinct, []string{"rev-0003"}},
		{"", []string{"rev-0002", "rev-0004", "rev-0005", "rev-0001", "rev-0003"}},
	} {
		got := collect(t, 2, func(p store.Page) ([]store.Review, string, error) {
			return s.ListReviews(t.Context(), tc.status, p)
		})
		sameStrings(t, fmt.Sprintf("status %q", tc.status), idsOf(got, func(r store.Review) string { return r.ID }), tc.want)
	}
}

// updateReviewErrors: fn's error comes back and nothing is written; an unknown ID is
// ErrNotFound.
func updateReviewErrors(t *testing.T, s store.Store) {
	r := *possibleReview("rev-0001", subID(1), custID(1), custID(2), 0)
	if err := s.OpenReview(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateReview(t.Context(), r.ID, func(r *store.Review) error {
		r.Status = store.ReviewMerged
		return errRefused
	})
	wantErr(t, "refused update", err, errRefused)
	open := collect(t, 10, func(p store.Page) ([]store.Review, string, error) {
		return s.ListReviews(t.Context(), store.ReviewOpen, p)
	})
	if len(open) != 1 || open[0].Version != 1 {
		t.Errorf("after a refused update: %+v", open)
	}
	_, err = s.UpdateReview(t.Context(), "rev-none", func(*store.Review) error { return nil })
	wantErr(t, "unknown review", err, store.ErrNotFound)
}

// markDistinct: MarkDistinct(a, b) makes Distinct true both ways round and for no other pair;
// marking a pair again is no error.
func markDistinct(t *testing.T, s store.Store) {
	a, b, c := custID(1), custID(2), custID(3)
	for range 2 {
		if err := s.MarkDistinct(t.Context(), a, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		x, y string
		want bool
	}{
		{a, b, true},
		{b, a, true},
		{a, c, false},
		{c, b, false},
		{c, "cust-none", false},
	} {
		got, err := s.Distinct(t.Context(), tc.x, tc.y)
		if err != nil || got != tc.want {
			t.Errorf("Distinct(%s, %s) = %v (err %v), want %v", tc.x, tc.y, got, err, tc.want)
		}
	}
}
