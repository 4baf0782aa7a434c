// Package localflow runs the intake state machine on one machine: a queue of submissions fed
// by the HTTP API and, at start, by every submission left unfinished, worked by the in-process
// ASL runner with the steps bound as Go functions.
package localflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/workflows/asl"
)

// Runner executes submissions through the state machine. It implements the HTTP API's
// workflow starter.
type Runner struct {
	machine *asl.Machine
	tasks   map[string]steps.Task
	store   store.Store
	log     *slog.Logger

	queue chan string
	mu    sync.Mutex
	// queued holds submissions waiting or running, so that one submission is never run twice
	// at once; done is closed when its run ends.
	queued map[string]chan struct{}
	wg     sync.WaitGroup
	// ctx ends when the runner stops taking work; runCtx, later, when running executions must
	// give up (the shutdown grace period is over).
	ctx     context.Context
	stop    context.CancelFunc
	runCtx  context.Context
	abandon context.CancelFunc
}

// ErrStopped is returned by Start after Stop.
var ErrStopped = errors.New("workflow runner stopped")

// New returns a runner for the definition with the tasks bound; call Run to start workers.
func New(machine *asl.Machine, tasks map[string]steps.Task, st store.Store, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		machine: machine, tasks: tasks, store: st, log: log,
		queue:  make(chan string, 1024),
		queued: map[string]chan struct{}{},
	}
}

// Run starts the workers and queues every submission still pending, so that after a crash or
// restart each unfinished submission is taken up again. It returns once they are queued.
func (r *Runner) Run(ctx context.Context, workers int) error {
	if workers < 1 {
		workers = 1
	}
	r.mu.Lock()
	r.ctx, r.stop = context.WithCancel(context.WithoutCancel(ctx))
	r.runCtx, r.abandon = context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Unlock()
	for range workers {
		r.wg.Add(1)
		go r.work()
	}
	page := store.Page{Limit: 200}
	for {
		pending, next, err := r.store.PendingSubmissions(ctx, page)
		if err != nil {
			return fmt.Errorf("resume pending submissions: %w", err)
		}
		for _, sub := range pending {
			if _, err := r.enqueue(ctx, sub.ID); err != nil {
				return err
			}
		}
		if len(pending) > 0 {
			r.log.Info("resumed pending submissions", "count", len(pending))
		}
		if next == "" {
			return nil
		}
		page.Cursor = next
	}
}

// Start queues a submission for the workflow. Queuing one already waiting or running is a
// no-op: each submission has at most one execution at a time, as with named executions on AWS.
func (r *Runner) Start(ctx context.Context, submissionID string) error {
	_, err := r.enqueue(ctx, submissionID)
	return err
}

// RunNow queues a submission and waits until its execution ends.
func (r *Runner) RunNow(ctx context.Context, submissionID string) error {
	done, err := r.enqueue(ctx, submissionID)
	if err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Runner) enqueue(ctx context.Context, id string) (chan struct{}, error) {
	r.mu.Lock()
	if r.ctx == nil || r.ctx.Err() != nil {
		r.mu.Unlock()
		return nil, ErrStopped
	}
	if done, ok := r.queued[id]; ok {
		r.mu.Unlock()
		return done, nil
	}
	done := make(chan struct{})
	r.queued[id] = done
	r.mu.Unlock()
	select {
	case r.queue <- id:
		return done, nil
	case <-ctx.Done():
		r.forget(id)
		return nil, ctx.Err()
	case <-r.ctx.Done():
		r.forget(id)
		return nil, ErrStopped
	}
}

func (r *Runner) forget(id string) {
	r.mu.Lock()
	if done, ok := r.queued[id]; ok {
		close(done)
		delete(r.queued, id)
	}
	r.mu.Unlock()
}

func (r *Runner) work() {
	defer r.wg.Done()
	for {
		select {
		case <-r.ctx.Done():
			return
		case id := <-r.queue:
			r.execute(id)
			r.forget(id)
		}
	}
}

// execute runs one submission to its end. An execution cut short by a hard stop leaves the
// submission RECEIVED, to be resumed at the next start; every step is idempotent.
func (r *Runner) execute(id string) {
	input, _ := json.Marshal(steps.Input{SubmissionID: id})
	exec, err := r.machine.Run(r.runCtx, input, r.tasks, asl.WithExecutionName(id))
	switch {
	case err != nil:
		r.log.Error("execution did not finish", "submission", id, "error", err.Error())
	case exec.Status != asl.StatusSucceeded:
		r.log.Warn("execution failed", "submission", id, "error", exec.Error)
	default:
		r.log.Info("execution succeeded", "submission", id, "states", len(exec.Path))
	}
}

// Stop stops taking work and waits for running executions to finish, until ctx ends; then it
// makes them give up and waits for that. Queued submissions stay RECEIVED for the next start.
func (r *Runner) Stop(ctx context.Context) {
	r.mu.Lock()
	if r.stop == nil {
		r.mu.Unlock()
		return
	}
	r.stop()
	r.mu.Unlock()
	finished := make(chan struct{})
	go func() { r.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
		r.abandon()
		<-finished
	}
	r.abandon()
	for {
		select {
		case id := <-r.queue:
			r.forget(id)
		default:
			return
		}
	}
}
