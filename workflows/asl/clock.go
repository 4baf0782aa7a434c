package asl

import (
	"context"
	"math/rand/v2"
	"time"
)

// Clock is the runner's view of time: when events happen, how it waits between retries, and
// how it bounds a task by TimeoutSeconds. Tests pass a fake so retries run instantly.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx's error in that case.
	Sleep(ctx context.Context, d time.Duration) error
	// WithTimeout returns a context that expires d from now on this clock.
	WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

// Random yields numbers in [0, 1) for FULL jitter; *rand.Rand from math/rand/v2 is one.
type Random interface {
	Float64() float64
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (realClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

type globalRandom struct{}

func (globalRandom) Float64() float64 { return rand.Float64() }

type config struct {
	clock Clock
	rand  Random
	name  string
}

// Option adjusts one run.
type Option func(*config)

// WithClock runs on c instead of the wall clock.
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// WithRandom draws jitter from r.
func WithRandom(r Random) Option { return func(cfg *config) { cfg.rand = r } }

// WithExecutionName sets $$.Execution.Name; on AWS it is the name given to StartExecution
// (the submission ID for the intake workflow).
func WithExecutionName(name string) Option { return func(cfg *config) { cfg.name = name } }
