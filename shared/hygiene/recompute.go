package hygiene

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// RecomputeOptions tune a recompute run; the fields mean what they mean in SweepOptions.
type RecomputeOptions struct {
	Now        time.Time
	DryRun     bool
	Budget     func() time.Duration
	Margin     time.Duration
	Checkpoint string
	PageSize   int
	Progress   func(done int)
}

// Recompute sets every customer's due dates (and drops refresh reasons that no longer hold)
// under p. Due dates are set when a customer changes, under the policy of that moment; after
// the policy changes, one recompute puts every customer on the index the new policy implies.
// Unlike the sweep and the purge it reads the whole table, so it is run by hand, not on a
// schedule. Customers whose dates and flag are already right are not written.
func Recompute(ctx context.Context, st store.Store, p *Policy, opt RecomputeOptions) (Report, error) {
	r := newRun(p.Version, "recompute", opt.Now, opt.DryRun, opt.Budget, opt.Margin, opt.PageSize, opt.Progress)
	r.what = "customers"
	r.list = func(ctx context.Context, page store.Page) ([]customer.Customer, string, error) {
		return st.ListCustomers(ctx, customer.FlagNone, page)
	}
	now := r.now
	err := r.each(ctx, opt.Checkpoint, func(listed customer.Customer) error {
		want := listed
		p.Due(&want, nil, now)
		if sameDue(listed, want) {
			r.report.Skipped++
			return nil
		}
		r.report.Updated++
		if opt.DryRun {
			return nil
		}
		_, err := st.UpdateCustomer(ctx, listed.ID, func(c *customer.Customer) error {
			p.Due(c, nil, now)
			return nil
		})
		if err != nil {
			return fmt.Errorf("recompute customer %s: %w", listed.ID, err)
		}
		return nil
	})
	return *r.report, err
}

func sameDue(a, b customer.Customer) bool {
	same := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.Flag == b.Flag && slices.Equal(a.FlagReasons, b.FlagReasons) &&
		same(a.RefreshDueAt, b.RefreshDueAt) && same(a.PurgeDueAt, b.PurgeDueAt)
}
