package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/store"
)

type handler struct {
	store  store.Store
	policy *hygiene.Policy
	dryRun bool
	// images removes card scan images kept outside the table; nil when there are none.
	images hygiene.ImageRemover
	clock  func() time.Time
	logger *slog.Logger
}

// result is what one invocation did: the customer purge's report, as the function answered
// before it also expired payloads, with the payload expiry run's report beside it.
type result struct {
	hygiene.Report
	Payloads hygiene.Report `json:"payloads"`
}

// handle runs one purge and then the payload expiry run within the invocation's time budget.
// A run that stops early is not an error: purged customers and dropped payloads have left
// their indexes, so the next invocation continues. The two runs are independent, so the
// payload run goes ahead even when the purge failed.
func (h *handler) handle(ctx context.Context, ev lambdaenv.ScheduledEvent) (result, error) {
	now := ev.At(h.clock)
	dry := h.dryRun || ev.Detail.DryRun
	budget := lambdaenv.Budget(ctx)
	log := lambdaenv.RunLogger(ctx, h.logger, ev)

	var res result
	var purgeErr, expireErr error
	res.Report, purgeErr = hygiene.Purge(ctx, h.store, h.policy, hygiene.PurgeOptions{Now: now, DryRun: dry, Budget: budget, Images: h.images})
	r := res.Report
	log.Info("purge run", "dryRun", r.DryRun, "policyVersion", r.PolicyVersion, "read", r.Read,
		"purged", r.Purged, "skipped", r.Skipped, "complete", r.Complete)
	if purgeErr != nil {
		purgeErr = fmt.Errorf("purge: %w", purgeErr)
	}
	res.Payloads, expireErr = hygiene.ExpirePayloads(ctx, h.store, hygiene.ExpireOptions{Now: now, DryRun: dry, Budget: budget})
	r = res.Payloads
	log.Info("payload expiry run", "dryRun", r.DryRun, "read", r.Read, "dropped", r.Dropped, "complete", r.Complete)
	if expireErr != nil {
		expireErr = fmt.Errorf("expire payloads: %w", expireErr)
	}
	return res, errors.Join(purgeErr, expireErr)
}
