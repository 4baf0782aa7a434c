package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/store"
)

type handler struct {
	store  store.Store
	policy *hygiene.Policy
	dryRun bool
	clock  func() time.Time
	logger *slog.Logger
	// rescorer, when set, brings customers scored under older rules to the current ones with
	// the time the sweep leaves: the scheduled path after a deployment changes the rules.
	rescorer *rescore.Rescorer
}

// report is what a run returns: the sweep's report, and the rescoring that followed it.
type report struct {
	hygiene.Report
	Rescore *rescore.Report `json:"rescore,omitempty"`
}

// handle runs one sweep within the invocation's time budget. A run that stops early is not
// an error: the customers it flagged have left the due index, so the next run continues.
func (h *handler) handle(ctx context.Context, ev lambdaenv.ScheduledEvent) (report, error) {
	opt := hygiene.SweepOptions{Now: ev.At(h.clock), DryRun: h.dryRun || ev.Detail.DryRun, Budget: lambdaenv.Budget(ctx)}
	r, err := hygiene.Sweep(ctx, h.store, h.policy, opt)
	log := lambdaenv.RunLogger(ctx, h.logger, ev)
	log.Info("sweep run", "dryRun", r.DryRun, "policyVersion", r.PolicyVersion, "read", r.Read,
		"flagged", r.Flagged, "skipped", r.Skipped, "complete", r.Complete)
	if err != nil {
		return report{Report: r}, fmt.Errorf("sweep: %w", err)
	}
	out := report{Report: r}
	if h.rescorer == nil || opt.DryRun {
		return out, nil
	}
	rs, err := h.rescorer.All(ctx, rescore.Options{Budget: opt.Budget})
	out.Rescore = &rs
	log.Info("rescore run", "rulesVersion", rs.RulesVersion, "read", rs.Read, "rescored", rs.Rescored, "complete", rs.Complete)
	if err != nil {
		return out, fmt.Errorf("rescore: %w", err)
	}
	return out, nil
}
