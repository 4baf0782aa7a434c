package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// MergeCustomers implements store.Store in one write transaction: either everything of From
// is on Into and From is gone, or nothing changed.
func (s *Store) MergeCustomers(ctx context.Context, m store.Merge) error {
	if err := errors.Join(checkID(m.From), checkID(m.Into), checkID(m.Review.ID)); err != nil {
		return fmt.Errorf("merge customers: %w", err)
	}
	if m.From == m.Into {
		return fmt.Errorf("merge customer %s into itself: %w", m.From, store.ErrConflict)
	}
	err := s.update(ctx, func(t txn) error { return t.merge(m) })
	if err != nil {
		return fmt.Errorf("merge customer %s into %s: %w", m.From, m.Into, err)
	}
	return nil
}

func (t txn) merge(m store.Merge) error {
	from, err := load[customer.Customer](t.b(bCusts), []byte(m.From))
	if err != nil {
		return err
	}
	into, err := load[customer.Customer](t.b(bCusts), []byte(m.Into))
	if err != nil {
		return err
	}
	if from == nil || into == nil {
		return store.ErrNotFound
	}
	decided, err := load[store.Review](t.b(bReviews), []byte(m.Review.ID))
	if err != nil {
		return err
	}
	if decided == nil {
		return fmt.Errorf("review %s: %w", m.Review.ID, store.ErrNotFound)
	}
	if err := m.Check(*decided); err != nil {
		return err
	}

	merged := store.MergedProfile(*into, *from)
	merged.Version, merged.UpdatedAt = into.Version+1, m.At
	for _, k := range from.Keys {
		if err := t.moveKey(k, m.From, m.Into); err != nil {
			return err
		}
	}
	subs, err := t.moveHistory(m.From, m.Into)
	if err != nil {
		return err
	}
	for _, id := range from.Submissions {
		subs = appendNew(subs, id)
	}
	// Submissions whose match explanation names From as the candidate: those of the reviews
	// that had From as their candidate.
	var scrub []string
	for _, rid := range keysUnder(t.b(bRvCust), m.From) {
		r, err := load[store.Review](t.b(bReviews), []byte(rid))
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		if r.CandidateID == m.From && r.SubmissionID != "" {
			scrub = appendNew(scrub, r.SubmissionID)
		}
		if rid == m.Review.ID {
			continue
		}
		if err := t.repointReview(r, m); err != nil {
			return err
		}
	}
	for _, id := range appendAll(subs, scrub) {
		if err := t.repointSubmission(id, m.From, m.Into); err != nil {
			return err
		}
	}
	for _, cid := range keysUnder(t.b(bCardCust), m.From) {
		prev, next, err := loadTwice[store.Card](t.b(bCards), cid)
		if err != nil {
			return err
		}
		next.CustomerID = m.Into
		next.Version++
		if err := t.putCard(prev, next); err != nil {
			return err
		}
	}
	for _, other := range keysUnder(t.b(bDistinct), m.From) {
		d := t.b(bDistinct)
		if err := errors.Join(d.Delete(key(m.From, other)), d.Delete(key(other, m.From))); err != nil {
			return err
		}
		if other == m.Into {
			continue
		}
		if err := errors.Join(d.Put(key(m.Into, other), present), d.Put(key(other, m.Into), present)); err != nil {
			return err
		}
	}
	if err := errors.Join(t.indexCustomer(from, false), t.b(bCusts).Delete([]byte(m.From))); err != nil {
		return err
	}
	if err := t.putCustomer(into, &merged); err != nil {
		return err
	}
	r := m.Review
	r.Status, r.Version = store.ReviewMerged, decided.Version+1
	if err := t.putReview(decided, &r); err != nil {
		return err
	}
	return t.appendAudit(m.Audit)
}

// moveKey points a lookup key of from at into: a unique key only while it still leads to
// from (one that has moved on is left alone), a block entry always.
func (t txn) moveKey(k customer.LookupKey, from, into string) error {
	if !k.Unique {
		return errors.Join(t.b(bBlock).Delete(key(k.Kind, k.Hash, from)), t.b(bBlock).Put(key(k.Kind, k.Hash, into), present))
	}
	uk := key(k.Kind, k.Hash)
	if string(t.b(bUnique).Get(uk)) == from {
		return t.b(bUnique).Put(uk, []byte(into))
	}
	return nil
}

// moveHistory moves from's history entries under into, returning their submissions.
func (t txn) moveHistory(from, into string) ([]string, error) {
	prefix := append(key(from), sep...)
	type entry struct{ k, v []byte }
	var moved []entry
	cur := t.b(bHistory).Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		moved = append(moved, entry{slices.Clone(k), slices.Clone(v)})
	}
	var subs []string
	for _, e := range moved {
		var h customer.HistoryEntry
		if err := json.Unmarshal(e.v, &h); err != nil {
			return nil, fmt.Errorf("decode history entry: %w", err)
		}
		h.CustomerID = into
		if err := t.b(bHistory).Delete(e.k); err != nil {
			return nil, err
		}
		if err := t.put(bHistory, key(into, timeKey(h.At), h.SubmissionID), h); err != nil {
			return nil, err
		}
		subs = appendNew(subs, h.SubmissionID)
	}
	return subs, nil
}

// repointReview names into wherever r named from. An open review of the merged pair itself
// is settled by the same decision.
func (t txn) repointReview(r *store.Review, m store.Merge) error {
	prev := *r
	next := *r
	if next.CustomerID == m.From {
		next.CustomerID = m.Into
	}
	if next.CandidateID == m.From {
		next.CandidateID = m.Into
	}
	if next.CustomerID == next.CandidateID && next.Status == store.ReviewOpen {
		at := m.At
		next.Status, next.DecidedAt, next.DecidedBy = store.ReviewMerged, &at, m.Review.DecidedBy
	}
	next.Version++
	return t.putReview(&prev, &next)
}

// repointSubmission names into wherever the submission named from: as the customer it was
// filed on, and as its match candidate.
func (t txn) repointSubmission(id, from, into string) error {
	prev, next, err := loadTwice[store.Submission](t.b(bSubs), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	o := next.Outcome
	if o == nil {
		return nil
	}
	changed := false
	if o.CustomerID == from {
		o.CustomerID, changed = into, true
	}
	if o.Explanation != nil && o.Explanation.CandidateID == from {
		o.Explanation.CandidateID, changed = into, true
	}
	if !changed {
		return nil
	}
	next.Version++
	return t.putSubmission(prev, next)
}

func appendAll(list, more []string) []string {
	for _, s := range more {
		list = appendNew(list, s)
	}
	return list
}
