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

// File implements store.Store. Besides the filing's items it records on the customer every
// lookup key it holds (stored ones, Customer.Keys and Filing.Keys) and the submission's ID, so
// that a purge finds them.
func (s *Store) File(ctx context.Context, f store.Filing) error {
	if err := errors.Join(checkID(f.Submission.ID), checkID(f.Customer.ID)); err != nil {
		return fmt.Errorf("file submission: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		c := f.Customer
		prev, err := load[customer.Customer](t.b(bCusts), []byte(c.ID))
		if err != nil {
			return err
		}
		switch {
		case f.NewCustomer && prev != nil:
			return fmt.Errorf("customer %s exists: %w", c.ID, store.ErrConflict)
		case !f.NewCustomer && prev == nil:
			return fmt.Errorf("customer %s absent: %w", c.ID, store.ErrConflict)
		case !f.NewCustomer && prev.Version != c.Version-1:
			return fmt.Errorf("customer %s is at version %d, not %d: %w", c.ID, prev.Version, c.Version-1, store.ErrConflict)
		}
		var held []customer.LookupKey
		if prev != nil {
			held = mergeKeys(prev.Keys)
		}
		c.Keys = mergeKeys(held, c.Keys, f.Keys)
		for _, k := range c.Keys[len(held):] {
			if err := t.addKey(k, c.ID); err != nil {
				return err
			}
		}
		if !slices.Contains(c.Submissions, f.Submission.ID) {
			c.Submissions = append(slices.Clip(c.Submissions), f.Submission.ID)
		}
		if err := t.putCustomer(prev, &c); err != nil {
			return err
		}
		h := f.History
		h.CustomerID = c.ID
		if err := t.put(bHistory, key(c.ID, timeKey(h.At), h.SubmissionID), h); err != nil {
			return err
		}
		sub := f.Submission
		prevSub, err := load[store.Submission](t.b(bSubs), []byte(sub.ID))
		if err != nil {
			return err
		}
		sub.Version = 1
		if prevSub != nil {
			sub.Version = prevSub.Version + 1
		}
		if err := t.putSubmission(prevSub, &sub); err != nil {
			return err
		}
		if f.Review != nil {
			if err := t.openReview(*f.Review); err != nil {
				return err
			}
		}
		return t.appendAudit(f.Audit)
	})
	if err != nil {
		return fmt.Errorf("file submission %s: %w", f.Submission.ID, err)
	}
	return nil
}

// FindCandidates implements store.Store. Block members come in customer-ID order; perKey of
// zero or less means no cap.
func (s *Store) FindCandidates(ctx context.Context, keys []customer.LookupKey, perKey int) (store.Candidates, error) {
	out := store.Candidates{ByKey: map[string][]string{}}
	err := s.view(ctx, func(t txn) error {
		for _, k := range mergeKeys(keys) {
			if k.Unique {
				if owner := t.b(bUnique).Get(key(k.Kind, k.Hash)); owner != nil {
					out.ByKey[k.Hash] = appendNew(out.ByKey[k.Hash], string(owner))
				}
				continue
			}
			prefix := append(key(k.Kind, k.Hash), sep...)
			c := t.b(bBlock).Cursor()
			for ck, _ := c.Seek(prefix); ck != nil && bytes.HasPrefix(ck, prefix); ck, _ = c.Next() {
				if perKey > 0 && len(out.ByKey[k.Hash]) == perKey {
					out.Truncated = append(out.Truncated, k.Hash)
					break
				}
				out.ByKey[k.Hash] = appendNew(out.ByKey[k.Hash], lastPart(ck))
			}
		}
		return nil
	})
	if err != nil {
		return store.Candidates{}, fmt.Errorf("find candidates: %w", err)
	}
	return out, nil
}

// addKey points lookup key k at customer id: a unique key must be free or already its own.
func (t txn) addKey(k customer.LookupKey, id string) error {
	if !k.Unique {
		return t.b(bBlock).Put(key(k.Kind, k.Hash, id), present)
	}
	uk := key(k.Kind, k.Hash)
	switch owner := t.b(bUnique).Get(uk); {
	case owner == nil:
		return t.b(bUnique).Put(uk, []byte(id))
	case string(owner) != id:
		return &store.DuplicateKeyError{Kind: k.Kind, CustomerID: string(owner)}
	}
	return nil
}

func (t txn) removeKey(k customer.LookupKey, id string) error {
	if !k.Unique {
		return t.b(bBlock).Delete(key(k.Kind, k.Hash, id))
	}
	uk := key(k.Kind, k.Hash)
	if string(t.b(bUnique).Get(uk)) == id {
		return t.b(bUnique).Delete(uk)
	}
	return nil
}

// mergeKeys returns the lookup keys of every list, first occurrence first, once each.
func mergeKeys(lists ...[]customer.LookupKey) []customer.LookupKey {
	var out []customer.LookupKey
	seen := map[string]bool{}
	for _, list := range lists {
		for _, k := range list {
			if id := k.Kind + sep + k.Hash; !seen[id] {
				seen[id] = true
				out = append(out, k)
			}
		}
	}
	return out
}
