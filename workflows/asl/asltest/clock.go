// Package asltest provides a manual clock and a fixed random source for package asl, so that
// runs with retries and timeouts finish instantly and deterministically in tests.
package asltest

import (
	"context"
	"sync"
	"time"
)

// Clock is a manual asl.Clock: time moves only when Sleep or Advance is called, and it
// remembers every sleep so tests can assert the retry delays.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	pending []*deadlineCtx
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and advances the clock by it at once.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	c.Advance(d)
	return nil
}

// Sleeps returns the durations slept so far, in order.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Advance moves the clock forward, expiring the contexts from WithTimeout whose deadline has
// come. A task under test calls it to pretend it ran for d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var expired []*deadlineCtx
	kept := c.pending[:0]
	for _, p := range c.pending {
		if !p.deadline.After(c.now) {
			expired = append(expired, p)
		} else {
			kept = append(kept, p)
		}
	}
	c.pending = kept
	c.mu.Unlock()
	for _, p := range expired {
		p.cancel(context.DeadlineExceeded)
	}
}

// WithTimeout returns a context that expires when the clock reaches now+d, or when ctx ends.
func (c *Clock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c.mu.Lock()
	dc := &deadlineCtx{Context: ctx, deadline: c.now.Add(d), done: make(chan struct{})}
	c.pending = append(c.pending, dc)
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { dc.cancel(ctx.Err()) })
	return dc, func() {
		stop()
		dc.cancel(context.Canceled)
	}
}

// deadlineCtx is a context whose deadline is on a manual clock.
type deadlineCtx struct {
	context.Context
	deadline time.Time
	done     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	err      error
}

func (d *deadlineCtx) Deadline() (time.Time, bool) { return d.deadline, true }
func (d *deadlineCtx) Done() <-chan struct{}       { return d.done }

func (d *deadlineCtx) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *deadlineCtx) cancel(err error) {
	d.once.Do(func() {
		d.mu.Lock()
		d.err = err
		d.mu.Unlock()
		close(d.done)
	})
}

// Random is a jitter source that always draws the same fraction of the delay.
type Random float64

// Float64 returns the fixed fraction.
func (r Random) Float64() float64 { return float64(r) }
