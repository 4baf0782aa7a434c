package embedded

import (
	"context"
	"errors"
	"fmt"

	"github.com/intake-project/intake/shared/store"
)

// CreateCard implements store.Store.
func (s *Store) CreateCard(ctx context.Context, c store.Card) error {
	if err := checkID(c.ID); err != nil {
		return fmt.Errorf("create card: %w", err)
	}
	err := s.update(ctx, func(t txn) error {
		if t.b(bCards).Get([]byte(c.ID)) != nil {
			return store.ErrConflict
		}
		c.Version = 1
		return t.putCard(nil, &c)
	})
	if err != nil {
		return fmt.Errorf("create card %s: %w", c.ID, err)
	}
	return nil
}

// GetCard implements store.Store.
func (s *Store) GetCard(ctx context.Context, id string) (store.Card, error) {
	return get[store.Card](ctx, s, bCards, id, "card")
}

// UpdateCard implements store.Store.
func (s *Store) UpdateCard(ctx context.Context, id string, fn func(*store.Card) error) (store.Card, error) {
	return updateItem(ctx, s, bCards, "card", id, fn, func(prev, next *store.Card) {
		next.ID, next.Version = prev.ID, prev.Version+1
	}, txn.putCard)
}

// ListCards implements store.Store.
func (s *Store) ListCards(ctx context.Context, f store.CardFilter, p store.Page) ([]store.Card, string, error) {
	var out []store.Card
	var next string
	var sp span
	if !f.From.IsZero() {
		sp.start = []byte(timeKey(f.From))
	}
	if !f.To.IsZero() {
		sp.end = []byte(timeKey(f.To))
	}
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bCardTime), sp, p, func(k, _ []byte) (bool, error) {
			c, err := load[store.Card](t.b(bCards), []byte(lastPart(k)))
			if err != nil || c == nil {
				return false, errors.Join(err, danglingErr(c == nil))
			}
			if (f.Status != "" && c.Status != f.Status) || (f.Room != "" && c.Room != f.Room) {
				return false, nil
			}
			out = append(out, *c)
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list cards: %w", err)
	}
	return out, next, nil
}

func (t txn) putCard(prev, c *store.Card) error {
	if prev != nil {
		if err := t.indexCard(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bCards, []byte(c.ID), c); err != nil {
		return err
	}
	return t.indexCard(c, true)
}

func (t txn) indexCard(c *store.Card, on bool) error {
	err := t.index(bCardTime, on, key(timeKey(c.IssuedAt), c.ID))
	if err != nil || c.CustomerID == "" {
		return err
	}
	return t.index(bCardCust, on, key(c.CustomerID, c.ID))
}
