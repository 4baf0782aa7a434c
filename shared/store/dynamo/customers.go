package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// GetCustomer reads a profile with a strongly consistent read.
func (s *Store) GetCustomer(ctx context.Context, id string) (customer.Customer, error) {
	var c customer.Customer
	if err := s.get(ctx, customerPK(id), skProfile, &c); err != nil {
		return customer.Customer{}, fmt.Errorf("dynamo: get customer: %w", err)
	}
	return c, nil
}

// UpdateCustomer applies fn and writes the profile on the version read; when fn leaves
// UpdatedAt alone it is set to now. The index attributes are rebuilt from the result, so a
// cleared due date or flag leaves its index at once.
func (s *Store) UpdateCustomer(ctx context.Context, id string, fn func(*customer.Customer) error) (customer.Customer, error) {
	return updateVersioned(ctx, "customer", id, s.GetCustomer, fn, func(cur customer.Customer, next *customer.Customer) int64 {
		// Keys change only through File and PurgeCustomer, which keep the key items in step.
		next.ID, next.Keys = id, cur.Keys
		next.Version = cur.Version + 1
		if next.UpdatedAt.Equal(cur.UpdatedAt) {
			next.UpdatedAt = s.now().UTC()
		}
		return cur.Version
	}, func(ctx context.Context, next customer.Customer, version int64) error {
		it, err := customerItem(next)
		if err != nil {
			return err
		}
		return s.putVersioned(ctx, it, version)
	})
}

// History lists a customer's history oldest first: the SUB# items of its partition.
func (s *Store) History(ctx context.Context, customerID string, p store.Page) ([]customer.HistoryEntry, string, error) {
	sp := span{pkAttr: attrPK, skAttr: attrSK, pk: customerPK(customerID)}.prefixRange(skHistoryPrefix)
	items, next, err := s.list(ctx, "history:"+customerID, []span{sp}, p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: history: %w", err)
	}
	hs, err := decodeAll[customer.HistoryEntry](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: history: %w", err)
	}
	return hs, next, nil
}

// ListCustomers reads the customer listing; a flag narrows it to the flag's key range.
func (s *Store) ListCustomers(ctx context.Context, flag customer.Flag, p store.Page) ([]customer.Customer, string, error) {
	spans := sharded(indexList, gsi1PK, gsi1SK, "CUSTOMERS#")
	if flag != customer.FlagNone {
		for i := range spans {
			spans[i] = spans[i].prefixRange(string(flag) + "#")
		}
	}
	items, next, err := s.list(ctx, "customers:"+string(flag), spans, p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list customers: %w", err)
	}
	cs, err := decodeAll[customer.Customer](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: list customers: %w", err)
	}
	return cs, next, nil
}

// DueCustomers reads the sparse due-date index up to upTo: only due entries are read.
func (s *Store) DueCustomers(ctx context.Context, due store.Due, upTo time.Time, p store.Page) ([]customer.Customer, string, error) {
	var spans []span
	switch due {
	case store.DueRefresh:
		spans = sharded(indexDue, gsi2PK, gsi2SK, "DUE#refresh#")
	case store.DuePurge:
		spans = sharded(indexExpiry, gsi3PK, gsi3SK, "DUE#purge#")
	default:
		return nil, "", fmt.Errorf("dynamo: due customers: unknown index %q", due)
	}
	// Sort keys are <time>#<id>; '$' follows '#', so this bound takes every entry at upTo.
	for i := range spans {
		spans[i].hi = timeKey(upTo) + "$"
	}
	items, next, err := s.list(ctx, "due:"+string(due), spans, p, nil)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: due customers: %w", err)
	}
	cs, err := decodeAll[customer.Customer](items)
	if err != nil {
		return nil, "", fmt.Errorf("dynamo: due customers: %w", err)
	}
	return cs, next, nil
}
