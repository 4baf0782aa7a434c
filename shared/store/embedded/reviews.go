package embedded

import (
	"context"
	"errors"
	"fmt"

	"github.com/intake-project/intake/shared/store"
)

// OpenReview implements store.Store.
func (s *Store) OpenReview(ctx context.Context, r store.Review) error {
	if err := s.update(ctx, func(t txn) error { return t.openReview(r) }); err != nil {
		return fmt.Errorf("open review %s: %w", r.ID, err)
	}
	return nil
}

// GetReview implements store.Store.
func (s *Store) GetReview(ctx context.Context, id string) (store.Review, error) {
	return get[store.Review](ctx, s, bReviews, id, "review")
}

// ListReviews implements store.Store; status "" lists every review.
func (s *Store) ListReviews(ctx context.Context, status store.ReviewStatus, p store.Page) ([]store.Review, string, error) {
	var out []store.Review
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		index, sp := t.b(bRvTime), span{}
		if status != "" {
			index, sp = t.b(bRvStatus), within(string(status))
		}
		next, err = walk(index, sp, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bReviews), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list reviews: %w", err)
	}
	return out, next, nil
}

// UpdateReview implements store.Store.
func (s *Store) UpdateReview(ctx context.Context, id string, fn func(*store.Review) error) (store.Review, error) {
	return updateItem(ctx, s, bReviews, "review", id, fn, func(prev, next *store.Review) {
		next.ID, next.Version = prev.ID, prev.Version+1
	}, txn.putReview)
}

// MarkDistinct implements store.Store.
func (s *Store) MarkDistinct(ctx context.Context, a, b string) error {
	if err := errors.Join(checkID(a), checkID(b)); err != nil {
		return fmt.Errorf("mark distinct: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		return errors.Join(t.b(bDistinct).Put(key(a, b), present), t.b(bDistinct).Put(key(b, a), present))
	})
	if err != nil {
		return fmt.Errorf("mark %s and %s distinct: %w", a, b, err)
	}
	return nil
}

// Distinct implements store.Store.
func (s *Store) Distinct(ctx context.Context, a, b string) (bool, error) {
	var found bool
	err := s.view(ctx, func(t txn) error {
		found = t.b(bDistinct).Get(key(a, b)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("distinct %s and %s: %w", a, b, err)
	}
	return found, nil
}

func (t txn) openReview(r store.Review) error {
	if err := checkID(r.ID); err != nil {
		return err
	}
	if t.b(bReviews).Get([]byte(r.ID)) != nil {
		return fmt.Errorf("review %s exists: %w", r.ID, store.ErrConflict)
	}
	r.Version = 1
	return t.putReview(nil, &r)
}

func (t txn) putReview(prev, r *store.Review) error {
	if prev != nil {
		if err := t.indexReview(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bReviews, []byte(r.ID), r); err != nil {
		return err
	}
	return t.indexReview(r, true)
}

func (t txn) indexReview(r *store.Review, on bool) error {
	created := timeKey(r.CreatedAt)
	var byCustomer [][]byte
	for _, c := range []string{r.CustomerID, r.CandidateID} {
		if c != "" {
			byCustomer = append(byCustomer, key(c, r.ID))
		}
	}
	return errors.Join(
		t.index(bRvStatus, on, key(string(r.Status), created, r.ID)),
		t.index(bRvTime, on, key(created, r.ID)),
		t.index(bRvCust, on, byCustomer...),
	)
}
