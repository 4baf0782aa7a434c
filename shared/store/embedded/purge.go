package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// PurgeCustomer implements store.Store. Cards issued to another customer are kept even when
// scanned into the purged customer's submissions; cards issued to no one are deleted then.
func (s *Store) PurgeCustomer(ctx context.Context, customerID string, audit store.AuditEntry) error {
	if err := checkID(customerID); err != nil {
		return fmt.Errorf("purge customer: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		subs, err := t.purgeProfile(customerID)
		if err != nil {
			return err
		}
		cards := map[string]bool{}
		for _, id := range subs {
			sub, err := load[store.Submission](t.b(bSubs), []byte(id))
			if err != nil {
				return err
			}
			if sub == nil {
				continue
			}
			if sub.CardID != "" {
				cards[sub.CardID] = true
			}
			if err := t.deleteSubmission(sub); err != nil {
				return err
			}
		}
		if err := t.purgeReviews(customerID, subs); err != nil {
			return err
		}
		for _, other := range keysUnder(t.b(bDistinct), customerID) {
			if err := errors.Join(t.b(bDistinct).Delete(key(customerID, other)), t.b(bDistinct).Delete(key(other, customerID))); err != nil {
				return err
			}
		}
		if err := t.purgeCards(customerID, cards); err != nil {
			return err
		}
		return t.appendAudit(audit)
	})
	if err != nil {
		return fmt.Errorf("purge customer %s: %w", customerID, err)
	}
	return nil
}

// purgeProfile deletes the customer's profile, keys, index entries and history, returning the
// IDs of the submissions filed on it.
func (t txn) purgeProfile(id string) ([]string, error) {
	var subs []string
	c, err := load[customer.Customer](t.b(bCusts), []byte(id))
	if err != nil {
		return nil, err
	}
	if c != nil {
		subs = append(subs, c.Submissions...)
		for _, k := range c.Keys {
			if err := t.removeKey(k, id); err != nil {
				return nil, err
			}
		}
		if err := errors.Join(t.indexCustomer(c, false), t.b(bCusts).Delete([]byte(id))); err != nil {
			return nil, err
		}
	}
	prefix := append(key(id), sep...)
	var history [][]byte
	cur := t.b(bHistory).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		history = append(history, slices.Clone(k))
		subs = appendNew(subs, lastPart(k))
	}
	for _, k := range history {
		if err := t.b(bHistory).Delete(k); err != nil {
			return nil, err
		}
	}
	return subs, nil
}

// purgeReviews deletes the reviews naming customer id. A review that named it as the candidate
// of another customer's submission also named it in that submission's explanation: that
// mention goes too.
func (t txn) purgeReviews(id string, purgedSubs []string) error {
	for _, rid := range keysUnder(t.b(bRvCust), id) {
		r, err := load[store.Review](t.b(bReviews), []byte(rid))
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		if r.CustomerID != id && !slices.Contains(purgedSubs, r.SubmissionID) {
			if err := t.forgetCandidate(r.SubmissionID, id); err != nil {
				return err
			}
		}
		if err := errors.Join(t.indexReview(r, false), t.b(bReviews).Delete([]byte(rid))); err != nil {
			return err
		}
	}
	return nil
}

func (t txn) forgetCandidate(subID, id string) error {
	prev, next, err := loadTwice[store.Submission](t.b(bSubs), subID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if next.Outcome == nil || next.Outcome.Explanation == nil || next.Outcome.Explanation.CandidateID != id {
		return nil
	}
	next.Outcome.Explanation.CandidateID = ""
	next.Version++
	return t.putSubmission(prev, next)
}

// purgeCards deletes the cards issued to customer id and the unassigned cards scanned into its
// submissions.
func (t txn) purgeCards(id string, scanned map[string]bool) error {
	ids := keysUnder(t.b(bCardCust), id)
	for cid := range scanned {
		ids = appendNew(ids, cid)
	}
	for _, cid := range ids {
		c, err := load[store.Card](t.b(bCards), []byte(cid))
		if err != nil {
			return err
		}
		if c == nil || (c.CustomerID != id && c.CustomerID != "") {
			continue
		}
		if err := errors.Join(t.indexCard(c, false), t.b(bCards).Delete([]byte(cid))); err != nil {
			return err
		}
	}
	return nil
}
