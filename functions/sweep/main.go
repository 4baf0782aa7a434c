// Command sweep is the scheduled Lambda that flags customers due for refresh: it reads its
// configuration, connects to the DynamoDB table and runs hygiene.Sweep on each schedule.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
)

// The configuration is lambdaenv.Hygiene: TABLE_NAME (required), POLICY_PATH, DRY_RUN and the
// stack's retention periods.
func main() {
	log := lambdaenv.Logger()
	var cfg lambdaenv.Hygiene
	if err := lambdaenv.Load(&cfg); err != nil {
		lambdaenv.InitFailed(log, err)
	}
	st, policy, err := cfg.Open(context.Background())
	if err != nil {
		lambdaenv.InitFailed(log, err)
	}
	h := &handler{store: st, policy: policy, dryRun: cfg.DryRun, clock: time.Now, logger: log,
		rescorer: &rescore.Rescorer{Store: st, Scorer: score.Default(), Due: policy.Due, Clock: time.Now}}
	lambda.Start(h.handle)
}
