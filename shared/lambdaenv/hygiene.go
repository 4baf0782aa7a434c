package lambdaenv

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/store/dynamo"
)

// Hygiene configures the scheduled sweep and purge functions.
type Hygiene struct {
	Table
	Retention
	// PolicyPath names a policy file read instead of the built-in policy.
	PolicyPath string `env:"POLICY_PATH"`
	// DryRun makes every run report what it would do and change nothing.
	DryRun bool `env:"DRY_RUN"`
}

// Open connects to the table and reads the policy, with the stack's retention periods.
func (h Hygiene) Open(ctx context.Context) (*dynamo.Store, *hygiene.Policy, error) {
	policy, err := h.PolicyFrom(h.PolicyPath)
	if err != nil {
		return nil, nil, err
	}
	st, err := h.Store(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, policy, nil
}

// ScheduledEvent is what a schedule sends a hygiene function: an EventBridge scheduled event,
// or an EventBridge Scheduler input of the same shape. Time is the scheduled time, so that a
// retried invocation evaluates the rules at the same moment; detail.dryRun asks for a report
// without writes.
type ScheduledEvent struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Detail struct {
		DryRun bool `json:"dryRun"`
	} `json:"detail"`
}

// At is the time the run acts at: the scheduled time, or now for an event without one.
func (e ScheduledEvent) At(now func() time.Time) time.Time {
	if e.Time.IsZero() {
		return now()
	}
	return e.Time
}

// Budget is the time an invocation has left, from its context's deadline; nil without one.
func Budget(ctx context.Context) func() time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	return func() time.Duration { return time.Until(deadline) }
}

// RunLogger tags a run's log lines with the event and the Lambda request.
func RunLogger(ctx context.Context, log *slog.Logger, ev ScheduledEvent) *slog.Logger {
	log = log.With("event", ev.ID)
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("request", lc.AwsRequestID)
	}
	return log
}
