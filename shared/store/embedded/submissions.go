package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/store"
)

// CreateSubmission implements store.Store.
func (s *Store) CreateSubmission(ctx context.Context, sub store.Submission) (store.Submission, bool, error) {
	if err := checkID(sub.ID); err != nil {
		return store.Submission{}, false, fmt.Errorf("create submission: %w", err)
	}
	var stored store.Submission
	created := false
	err := s.update(ctx, func(t txn) error {
		if sub.IdempotencyKey != "" {
			if id := t.b(bIdem).Get([]byte(sub.IdempotencyKey)); id != nil {
				prev, err := load[store.Submission](t.b(bSubs), id)
				if err != nil || prev != nil {
					stored = deref(prev)
					return err
				}
			}
		}
		prev, err := load[store.Submission](t.b(bSubs), []byte(sub.ID))
		if err != nil || prev != nil {
			stored = deref(prev)
			return err
		}
		sub.Version = 1
		if err := t.putSubmission(nil, &sub); err != nil {
			return err
		}
		stored, created = sub, true
		return nil
	})
	if err != nil {
		return store.Submission{}, false, fmt.Errorf("create submission %s: %w", sub.ID, err)
	}
	return stored, created, nil
}

// GetSubmission implements store.Store.
func (s *Store) GetSubmission(ctx context.Context, id string) (store.Submission, error) {
	return get[store.Submission](ctx, s, bSubs, id, "submission")
}

// UpdateSubmission implements store.Store.
func (s *Store) UpdateSubmission(ctx context.Context, id string, fn func(*store.Submission) error) (store.Submission, error) {
	return updateItem(ctx, s, bSubs, "submission", id, fn, func(prev, next *store.Submission) {
		next.ID, next.Version = prev.ID, prev.Version+1
		if next.UpdatedAt.Equal(prev.UpdatedAt) {
			next.UpdatedAt = now()
		}
	}, txn.putSubmission)
}

// PendingSubmissions implements store.Store.
func (s *Store) PendingSubmissions(ctx context.Context, p store.Page) ([]store.Submission, string, error) {
	var out []store.Submission
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bPending), span{}, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bSubs), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list pending submissions: %w", err)
	}
	return out, next, nil
}

// ExpiredPayloads implements store.Store.
func (s *Store) ExpiredPayloads(ctx context.Context, upTo time.Time, p store.Page) ([]string, string, error) {
	var out []string
	var next string
	// Entries expiring exactly at upTo continue with sep (0x00) after the time, so they sort
	// before this bound and later times after it.
	sp := span{end: append([]byte(timeKey(upTo)), 1)}
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bPayloads), sp, p, func(k, _ []byte) (bool, error) {
			out = append(out, lastPart(k))
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list expired payloads: %w", err)
	}
	return out, next, nil
}

// DropPayload implements store.Store.
func (s *Store) DropPayload(ctx context.Context, id string, upTo time.Time) error {
	err := s.update(ctx, func(t txn) error {
		prev, next, err := loadTwice[store.Submission](t.b(bSubs), id)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !payloadExpired(prev, upTo) {
			return nil
		}
		if next.SourceRef == "" {
			next.SourceRef = next.Payload.SourceRef
		}
		next.Payload, next.PayloadExpiresAt = nil, nil
		next.Version++
		return t.putSubmission(prev, next)
	})
	if err != nil {
		return fmt.Errorf("drop payload of submission %s: %w", id, err)
	}
	return nil
}

func payloadExpired(s *store.Submission, upTo time.Time) bool {
	return s.Payload != nil && s.PayloadExpiresAt != nil && !s.PayloadExpiresAt.After(upTo)
}

// Links implements store.Store. Rows come in submission-ID order.
func (s *Store) Links(ctx context.Context, p store.Page) ([]store.Link, string, error) {
	var out []store.Link
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bSubs), span{}, p, func(_, v []byte) (bool, error) {
			var sub store.Submission
			if err := json.Unmarshal(v, &sub); err != nil {
				return false, err
			}
			l := store.Link{SourceRef: sub.SourceRef, SubmissionID: sub.ID, Status: sub.Status}
			if sub.Outcome != nil {
				l.CustomerID, l.Decision = sub.Outcome.CustomerID, sub.Outcome.Decision
			}
			out = append(out, l)
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list links: %w", err)
	}
	return out, next, nil
}

// putSubmission writes s in place of prev (nil when new), keeping its indexes in step.
func (t txn) putSubmission(prev, s *store.Submission) error {
	if s.SourceRef == "" && s.Payload != nil {
		s.SourceRef = s.Payload.SourceRef
	}
	if prev != nil {
		if err := t.unindexSubmission(prev); err != nil {
			return err
		}
	}
	if err := t.put(bSubs, []byte(s.ID), s); err != nil {
		return err
	}
	if err := t.index(bPending, s.Status == store.StatusReceived, key(timeKey(s.ReceivedAt), s.ID)); err != nil {
		return err
	}
	if err := t.indexPayload(s, true); err != nil {
		return err
	}
	if s.IdempotencyKey != "" && t.b(bIdem).Get([]byte(s.IdempotencyKey)) == nil {
		return t.b(bIdem).Put([]byte(s.IdempotencyKey), []byte(s.ID))
	}
	return nil
}

func (t txn) unindexSubmission(s *store.Submission) error {
	if err := t.index(bPending, false, key(timeKey(s.ReceivedAt), s.ID)); err != nil {
		return err
	}
	if err := t.indexPayload(s, false); err != nil {
		return err
	}
	if s.IdempotencyKey != "" && string(t.b(bIdem).Get([]byte(s.IdempotencyKey))) == s.ID {
		return t.b(bIdem).Delete([]byte(s.IdempotencyKey))
	}
	return nil
}

// indexPayload adds or removes the payload expiry entry of a submission that holds a payload
// with an expiry; other submissions have none.
func (t txn) indexPayload(s *store.Submission, on bool) error {
	if s.Payload == nil || s.PayloadExpiresAt == nil {
		return nil
	}
	return t.index(bPayloads, on, key(timeKey(*s.PayloadExpiresAt), s.ID))
}

func (t txn) deleteSubmission(s *store.Submission) error {
	return errors.Join(t.unindexSubmission(s), t.b(bSubs).Delete([]byte(s.ID)))
}
