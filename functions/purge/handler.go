package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store"
)

// event is what a schedule sends: an EventBridge scheduled event, or an EventBridge Scheduler
// input of the same shape. Time is the scheduled time (the current time when absent), so a
// retried invocation evaluates the rules at the same moment; detail.dryRun asks for a report
// without writes.
type event struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Detail struct {
		DryRun bool `json:"dryRun"`
	} `json:"detail"`
}

type handler struct {
	store  store.Store
	policy *hygiene.Policy
	dryRun bool
	// images removes card scan images kept outside the table; nil when there are none.
	images hygiene.ImageRemover
	clock  func() time.Time
	logger *slog.Logger
}

// handle runs one purge within the invocation's time budget. A run that stops early is not
// an error: purged customers have left the due index, so the next run continues.
func (h *handler) handle(ctx context.Context, ev event) (hygiene.Report, error) {
	now := ev.Time
	if now.IsZero() {
		now = h.clock()
	}
	opt := hygiene.PurgeOptions{Now: now, DryRun: h.dryRun || ev.Detail.DryRun, Images: h.images}
	if deadline, ok := ctx.Deadline(); ok {
		opt.Budget = func() time.Duration { return time.Until(deadline) }
	}
	r, err := hygiene.Purge(ctx, h.store, h.policy, opt)
	log := h.logger.With("event", ev.ID)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("request", lc.AwsRequestID)
	}
	log.Info("purge run", "dryRun", r.DryRun, "policyVersion", r.PolicyVersion, "read", r.Read,
		"purged", r.Purged, "skipped", r.Skipped, "complete", r.Complete)
	if err != nil {
		return r, fmt.Errorf("purge: %w", err)
	}
	return r, nil
}
