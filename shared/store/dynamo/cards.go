package dynamo

import (
	"context"
	"fmt"

	"github.com/intake-project/intake/shared/store"
)

func cardItem(c store.Card) (item, error) {
	it, err := newItem(cardPK(c.ID), skCard, c)
	if err != nil {
		return nil, err
	}
	it[attrVersion] = num(c.Version)
	it[gsi1PK] = str("CARDS#" + shardOf(c.ID))
	it[gsi1SK] = str(timeKey(c.IssuedAt) + "#" + c.ID)
	return it, nil
}

func cardRefs(c store.Card) []item {
	if c.CustomerID == "" {
		return nil
	}
	return []item{refItem(c.CustomerID, refCard, c.ID)}
}

// CreateCard stores a new card at version 1; an existing ID is ErrConflict.
func (s *Store) CreateCard(ctx context.Context, c store.Card) error {
	c.Version = 1
	it, err := cardItem(c)
	if err != nil {
		return fmt.Errorf("dynamo: create card: %w", err)
	}
	if err := s.transact(ctx, createCond(it), cardRefs(c)...); err != nil {
		return fmt.Errorf("dynamo: create card %s: %w", c.ID, err)
	}
	return nil
}

// GetCard reads a card.
func (s *Store) GetCard(ctx context.Context, id string) (store.Card, error) {
	var c store.Card
	if err := s.get(ctx, cardPK(id), skCard, &c); err != nil {
		return store.Card{}, fmt.Errorf("dynamo: get card: %w", err)
	}
	return c, nil
}

// UpdateCard applies fn and writes the card on the version read.
func (s *Store) UpdateCard(ctx context.Context, id string, fn func(*store.Card) error) (store.Card, error) {
	return updateVersioned(ctx, "card", id, s.GetCard, fn, func(cur store.Card, next *store.Card) int64 {
		next.ID, next.Version = id, cur.Version+1
		return cur.Version
	}, func(ctx context.Context, next store.Card, version int64) error {
		it, err := cardItem(next)
		if err != nil {
			return err
		}
		return s.transact(ctx, versionCond(it, version), cardRefs(next)...)
	})
}

// ListCards reads the card listing in issue order; the issue-time bounds narrow the key
// range, status and room are matched on the items read.
func (s *Store) ListCards(ctx context.Context, f store.CardFilter, p store.Page) ([]store.Card, string, error) {
	spans := sharded(indexList, gsi1PK, gsi1SK, "CARDS#")
	for i := range spans {
		if !f.From.IsZero() {
			spans[i].lo = timeKey(f.From)
		}
		if !f.To.IsZero() {
			// Keys are <time>#<id>, so every card issued at To sorts after the bare time.
			spans[i].hi = timeKey(f.To)
		}
	}
	keep := func(it item) (bool, error) {
		if f.Status == "" && f.Room == "" {
			return true, nil
		}
		var c store.Card
		if err := decode(it, &c); err != nil {
			return false, err
		}
		return (f.Status == "" || c.Status == f.Status) && (f.Room == "" || c.Room == f.Room), nil
	}
	items, next, err := s.list(ctx, "cards", spans, p, keep)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list cards: %w", err)
	}
	cs, err := decodeAll[store.Card](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list cards: %w", err)
	}
	return cs, next, nil
}
