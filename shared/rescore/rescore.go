// Package rescore brings customers' scores to the rules in force: after the rules version
// changes, every customer scored under another version is scored again, from its history.
package rescore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
)

// Rescorer rescores customers in one store.
type Rescorer struct {
	Store  store.Store
	Scorer *score.Engine
	// Due recomputes a customer's due dates after its scores change (its grade moves its
	// refresh date); nil leaves them.
	Due   func(c *customer.Customer, history []customer.HistoryEntry, now time.Time)
	Clock func() time.Time
}

// Options bound one pass.
type Options struct {
	// Checkpoint resumes a pass that stopped early ("" starts at the beginning).
	Checkpoint string
	// Budget, when set, says how much time is left (a Lambda's deadline); the pass stops
	// cleanly before a page once less than Margin remains.
	Budget func() time.Duration
	Margin time.Duration
	// PageSize is how many customers are read at a time (default 200).
	PageSize int
	// Progress, when set, is told how many customers have been read.
	Progress func(read int)
}

// Report says what a pass did.
type Report struct {
	RulesVersion string `json:"rulesVersion"`
	Read         int    `json:"read"`
	Rescored     int    `json:"rescored"`
	// Complete is false when the pass stopped early; Next is then its checkpoint.
	Complete bool   `json:"complete"`
	Next     string `json:"next,omitempty"`
}

// DefaultMargin is the time a pass keeps in hand under a budget.
const DefaultMargin = 10 * time.Second

// All rescores every customer scored under rules other than the scorer's. Customers already
// scored under the current rules are only read, so a pass after no change costs one read per
// customer and writes nothing.
func (r *Rescorer) All(ctx context.Context, opt Options) (Report, error) {
	rep := Report{RulesVersion: r.Scorer.Version()}
	if opt.PageSize <= 0 {
		opt.PageSize = 200
	}
	if opt.Margin <= 0 {
		opt.Margin = DefaultMargin
	}
	page := store.Page{Cursor: opt.Checkpoint, Limit: opt.PageSize}
	for {
		if opt.Budget != nil && opt.Budget() < opt.Margin {
			rep.Next = page.Cursor
			return rep, nil
		}
		list, next, err := r.Store.ListCustomers(ctx, customer.FlagNone, page)
		if err != nil {
			rep.Next = page.Cursor
			return rep, fmt.Errorf("rescore: list customers: %w", err)
		}
		for _, c := range list {
			if !r.Scorer.NeedsRescore(c.Scores) {
				continue
			}
			if err := r.One(ctx, c.ID); err != nil {
				rep.Next = page.Cursor
				return rep, err
			}
			rep.Rescored++
		}
		rep.Read += len(list)
		if opt.Progress != nil {
			opt.Progress(rep.Read)
		}
		if next == "" {
			rep.Complete = true
			return rep, nil
		}
		page.Cursor = next
	}
}

// One recomputes one customer's scores (and due dates) from its history and attributes. A
// customer purged meanwhile is skipped.
func (r *Rescorer) One(ctx context.Context, id string) error {
	hist, err := History(ctx, r.Store, id)
	if err != nil {
		return err
	}
	now := r.Clock()
	_, err = r.Store.UpdateCustomer(ctx, id, func(c *customer.Customer) error {
		scores := r.Scorer.Score(score.InputOf(*c, hist, now))
		c.Scores = &scores
		c.UpdatedAt = now
		if r.Due != nil {
			r.Due(c, hist, now)
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rescore customer %s: %w", id, err)
	}
	return nil
}

// History reads a customer's whole history, oldest first.
func History(ctx context.Context, st store.Store, id string) ([]customer.HistoryEntry, error) {
	var all []customer.HistoryEntry
	page := store.Page{Limit: store.MaxLimit}
	for {
		list, next, err := st.History(ctx, id, page)
		if err != nil {
			return nil, fmt.Errorf("read history of customer %s: %w", id, err)
		}
		all = append(all, list...)
		if next == "" {
			return all, nil
		}
		page.Cursor = next
	}
}
