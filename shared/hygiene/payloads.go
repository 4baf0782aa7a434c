package hygiene

import (
	"context"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/store"
)

// ExpireOptions tune a payload expiry run; the fields mean what they mean in SweepOptions
// (PageSize and Progress count submissions here).
type ExpireOptions struct {
	Now        time.Time
	DryRun     bool
	Budget     func() time.Duration
	Margin     time.Duration
	Checkpoint string
	PageSize   int
	Progress   func(done int)
}

// ExpirePayloads removes the raw payload of every submission whose payload expiry (set at
// filing from Policy.PayloadRetention) is at or before opt.Now, keeping the submission's
// status, outcome and sourceRef. It reads only the store's payload expiry index, and the store
// re-checks each expiry as it drops the payload, so an entry listed before a concurrent change
// drops nothing it should not. Dropped payloads leave the index, so a second run at the same
// time drops nothing, and a run stopped by its budget is continued by the next one. The report
// holds counts only; dropping a payload writes no audit entry.
func ExpirePayloads(ctx context.Context, st store.Store, opt ExpireOptions) (Report, error) {
	r := newRun("", "payloads", opt.Now, opt.DryRun, opt.Budget, opt.Margin, opt.PageSize, opt.Progress)
	r.what = "expired payloads"
	now := r.now
	list := func(ctx context.Context, p store.Page) ([]string, string, error) {
		return st.ExpiredPayloads(ctx, now, p)
	}
	err := visit(ctx, r, list, opt.Checkpoint, func(id string) error {
		if !opt.DryRun {
			if err := st.DropPayload(ctx, id, now); err != nil {
				return fmt.Errorf("drop payload of submission %s: %w", id, err)
			}
		}
		r.report.Dropped++
		return nil
	})
	return *r.report, err
}
