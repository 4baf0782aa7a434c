package lambdaenv

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/validate"
)

// Retention overrides the hygiene policy's retention periods; an unset variable keeps the
// built-in policy's value (shared/hygiene/policy.yaml).
type Retention struct {
	// RetentionYears is how long records are kept after the relationship ends.
	RetentionYears int `env:"RETENTION_YEARS"`
	// PayloadRetentionDays is how long a submission's raw payload is kept after filing.
	PayloadRetentionDays int `env:"PAYLOAD_RETENTION_DAYS"`
}

// Policy is the built-in hygiene policy with the configured retention periods.
func (r Retention) Policy() (*hygiene.Policy, error) { return r.PolicyFrom("") }

// PolicyFrom is the hygiene policy in the file at path (the built-in one when path is empty)
// with the configured retention periods applied over it, so every function that files,
// sweeps or purges works under the same periods.
func (r Retention) PolicyFrom(path string) (*hygiene.Policy, error) {
	var problems []string
	if r.RetentionYears < 0 || r.RetentionYears > 100 {
		problems = append(problems, "RETENTION_YEARS: want 0 to 100")
	}
	if r.PayloadRetentionDays < 0 || r.PayloadRetentionDays > 3650 {
		problems = append(problems, "PAYLOAD_RETENTION_DAYS: want 1 to 3650")
	}
	if len(problems) > 0 {
		return nil, &ConfigError{Problems: problems}
	}
	p := hygiene.DefaultPolicy()
	if path != "" {
		loaded, err := hygiene.LoadPolicy(path)
		if err != nil {
			return nil, err
		}
		p = loaded
	}
	if r.RetentionYears > 0 {
		p.Purge.RelationshipEndedYears = r.RetentionYears
	}
	if r.PayloadRetentionDays > 0 {
		p.PayloadRetention = time.Duration(r.PayloadRetentionDays) * 24 * time.Hour
	}
	return p, nil
}

// Steps configures the state machine's task functions.
type Steps struct {
	Table
	Secret
	Retention
}

// NewSteps builds the workflow's steps over the DynamoDB table, with the built-in matching,
// scoring and validation rules, as `intake serve` builds them over its store.
func NewSteps(ctx context.Context, cfg Steps, log *slog.Logger) (*steps.Steps, error) {
	policy, err := cfg.Policy()
	if err != nil {
		return nil, err
	}
	keys, err := cfg.Hasher(ctx)
	if err != nil {
		return nil, err
	}
	st, err := cfg.Store(ctx)
	if err != nil {
		return nil, err
	}
	matcher, err := match.NewDefault()
	if err != nil {
		return nil, fmt.Errorf("matching rules: %w", err)
	}
	return steps.New(steps.Deps{
		Store: st, Keys: keys, Matcher: matcher, Scorer: score.Default(),
		Rules: validate.Rules{}, Due: policy.Due, PayloadRetention: policy.PayloadRetention,
		Logger: log,
	})
}

// StartStep runs one of the workflow's steps as a Lambda function: it reads the configuration,
// builds the steps and hands Lambda the method pick chooses, so an error reaches Lambda as the
// step returned it (a *steps.Transient is named "Transient" and the state machine's Retry
// matches it). A configuration that cannot work is reported to the Runtime API's init/error.
func StartStep(pick func(*steps.Steps) any) {
	log := Logger()
	var cfg Steps
	if err := Load(&cfg); err != nil {
		InitFailed(log, err)
	}
	s, err := NewSteps(context.Background(), cfg, log)
	if err != nil {
		InitFailed(log, err)
	}
	lambda.Start(pick(s))
}
