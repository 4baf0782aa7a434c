package hygiene_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/embedded"
)

// counting counts what a run reads and writes through the port.
type counting struct {
	store.Store
	listed, listCalls, scanned, gets, updates, purges, history int
}

func (c *counting) DueCustomers(ctx context.Context, due store.Due, upTo time.Time, p store.Page) ([]customer.Customer, string, error) {
	list, next, err := c.Store.DueCustomers(ctx, due, upTo, p)
	c.listCalls++
	c.listed += len(list)
	return list, next, err
}

func (c *counting) ListCustomers(ctx context.Context, flag customer.Flag, p store.Page) ([]customer.Customer, string, error) {
	list, next, err := c.Store.ListCustomers(ctx, flag, p)
	c.scanned += len(list)
	return list, next, err
}

func (c *counting) GetCustomer(ctx context.Context, id string) (customer.Customer, error) {
	c.gets++
	return c.Store.GetCustomer(ctx, id)
}

func (c *counting) UpdateCustomer(ctx context.Context, id string, fn func(*customer.Customer) error) (customer.Customer, error) {
	c.updates++
	return c.Store.UpdateCustomer(ctx, id, fn)
}

func (c *counting) History(ctx context.Context, id string, p store.Page) ([]customer.HistoryEntry, string, error) {
	list, next, err := c.Store.History(ctx, id, p)
	c.history += len(list)
	return list, next, err
}

func (c *counting) PurgeCustomer(ctx context.Context, id string, audit store.AuditEntry) error {
	c.purges++
	return c.Store.PurgeCustomer(ctx, id, audit)
}

// scratchStore opens a store in memory-backed /dev/shm when the machine has it: the cost
// check is about what a run reads, not about disk syncs, and filing 100k customers with a
// sync each takes minutes on a disk.
func scratchStore(t *testing.T) *embedded.Store {
	t.Helper()
	dir := t.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "intake-hygiene-"); err == nil {
		dir = shm
		t.Cleanup(func() { os.RemoveAll(shm) })
	}
	st, err := embedded.Open(filepath.Join(dir, "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestRunCostFollowsDueCustomers files a table where 1% of customers are due for refresh and
// another 1% for purge, and checks that each run reads about as many customers as are due,
// not the table. HYGIENE_COST_CUSTOMERS sets the table size (default 10000; docs/hygiene.md
// gives the figures for 100000).
func TestRunCostFollowsDueCustomers(t *testing.T) {
	size := 10000
	if testing.Short() {
		size = 2000
	}
	if v := os.Getenv("HYGIENE_COST_CUSTOMERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 200 {
			t.Fatalf("HYGIENE_COST_CUSTOMERS=%q: want a whole number of at least 200", v)
		}
		size = n
	}
	const pageSize = 100
	st, p := scratchStore(t), hygiene.DefaultPolicy()
	filedAt := now.AddDate(0, -1, 0)
	refreshDue, purgeDue := 0, 0
	start := time.Now()
	for i := range size {
		c := customerOf(fmt.Sprintf("c%07d", i), kycPerson(farExpiry), filedAt, "C")
		switch i % 100 {
		case 0:
			c = customerOf(c.ID, kycPerson("2026-11-01"), filedAt, "C")
			refreshDue++
		case 50:
			c.ConsentWithdrawnAt = ptr(now.AddDate(0, 0, -40))
			c.KYCGrade = false
			purgeDue++
		}
		file(t, st, p, c, filedAt)
	}
	t.Logf("filed %d customers in %v", size, time.Since(start).Round(time.Millisecond))

	tests := []struct {
		name string
		due  int
		run  func(st store.Store) (hygiene.Report, error)
		// acted is how many customers the run acted on; reads counts its per-customer reads.
		acted, reads func(r hygiene.Report, c *counting) int
	}{
		{"sweep", refreshDue, func(st store.Store) (hygiene.Report, error) {
			return hygiene.Sweep(context.Background(), st, p, hygiene.SweepOptions{Now: now, PageSize: pageSize})
		}, func(r hygiene.Report, _ *counting) int { return r.Flagged }, func(_ hygiene.Report, c *counting) int { return c.updates }},
		{"purge", purgeDue, func(st store.Store) (hygiene.Report, error) {
			return hygiene.Purge(context.Background(), st, p, hygiene.PurgeOptions{Now: now, PageSize: pageSize})
		}, func(r hygiene.Report, _ *counting) int { return r.Purged }, func(_ hygiene.Report, c *counting) int { return c.gets }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &counting{Store: st}
			start := time.Now()
			r, err := tc.run(c)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s of %d customers, %d due: listed %d in %d pages, %d per-customer reads, %d history items, %d scanned, acted on %d, in %v",
				tc.name, size, tc.due, c.listed, c.listCalls, tc.reads(r, c), c.history, c.scanned, tc.acted(r, c), time.Since(start).Round(time.Millisecond))
			if tc.acted(r, c) != tc.due {
				t.Errorf("acted on %d customers, want the %d due", tc.acted(r, c), tc.due)
			}
			if c.scanned != 0 || c.history != 0 {
				t.Errorf("scanned %d customers and %d history items: a run reads only the due index", c.scanned, c.history)
			}
			if c.listed > tc.due+pageSize || tc.reads(r, c) > tc.due {
				t.Errorf("listed %d and read %d customers one by one for %d due: want at most one page more than due", c.listed, tc.reads(r, c), tc.due)
			}
		})
	}
}
