package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// GetCustomer implements store.Store.
func (s *Store) GetCustomer(ctx context.Context, id string) (customer.Customer, error) {
	return get[customer.Customer](ctx, s, bCusts, id, "customer")
}

// UpdateCustomer implements store.Store. The ID and the lookup keys stay as stored whatever fn
// does: keys are added by File and removed by PurgeCustomer only.
func (s *Store) UpdateCustomer(ctx context.Context, id string, fn func(*customer.Customer) error) (customer.Customer, error) {
	return updateItem(ctx, s, bCusts, "customer", id, fn, func(prev, next *customer.Customer) {
		next.ID, next.Keys, next.Version = prev.ID, prev.Keys, prev.Version+1
		if next.UpdatedAt.Equal(prev.UpdatedAt) {
			next.UpdatedAt = now()
		}
	}, txn.putCustomer)
}

// History implements store.Store.
func (s *Store) History(ctx context.Context, customerID string, p store.Page) ([]customer.HistoryEntry, string, error) {
	var out []customer.HistoryEntry
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bHistory), within(customerID), p, func(_, v []byte) (bool, error) {
			return appendDecoded(&out, v)
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list history of customer %s: %w", customerID, err)
	}
	return out, next, nil
}

// ListCustomers implements store.Store. Customers come in ID order.
func (s *Store) ListCustomers(ctx context.Context, flag customer.Flag, p store.Page) ([]customer.Customer, string, error) {
	var out []customer.Customer
	var next string
	err := s.view(ctx, func(t txn) (err error) {
		if flag == customer.FlagNone {
			next, err = walk(t.b(bCusts), span{}, p, func(_, v []byte) (bool, error) {
				return appendDecoded(&out, v)
			})
			return err
		}
		next, err = walk(t.b(bFlags), within(string(flag)), p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bCusts), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list customers: %w", err)
	}
	return out, next, nil
}

// DueCustomers implements store.Store.
func (s *Store) DueCustomers(ctx context.Context, due store.Due, upTo time.Time, p store.Page) ([]customer.Customer, string, error) {
	var out []customer.Customer
	var next string
	sp := within(string(due))
	// Entries due exactly at upTo continue with sep (0x00) after the time, so they sort
	// before this bound and later times after it.
	sp.end = append(key(string(due), timeKey(upTo)), 1)
	err := s.view(ctx, func(t txn) (err error) {
		next, err = walk(t.b(bDue), sp, p, func(k, _ []byte) (bool, error) {
			return appendLoaded(&out, t.b(bCusts), lastPart(k))
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list customers due for %s: %w", due, err)
	}
	return out, next, nil
}

// putCustomer writes c in place of prev (nil when new), keeping the flag and due indexes in step.
func (t txn) putCustomer(prev, c *customer.Customer) error {
	if prev != nil {
		if err := t.indexCustomer(prev, false); err != nil {
			return err
		}
	}
	if err := t.put(bCusts, []byte(c.ID), c); err != nil {
		return err
	}
	return t.indexCustomer(c, true)
}

func (t txn) indexCustomer(c *customer.Customer, on bool) error {
	var due [][]byte
	if c.RefreshDueAt != nil {
		due = append(due, key(string(store.DueRefresh), timeKey(*c.RefreshDueAt), c.ID))
	}
	if c.PurgeDueAt != nil {
		due = append(due, key(string(store.DuePurge), timeKey(*c.PurgeDueAt), c.ID))
	}
	if err := t.index(bDue, on, due...); err != nil {
		return err
	}
	if c.Flag == customer.FlagNone {
		return nil
	}
	return t.index(bFlags, on, key(string(c.Flag), c.ID))
}
