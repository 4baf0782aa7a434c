package steps

import (
	"context"
	"fmt"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// RescoreReport says what a rescoring pass did.
type RescoreReport struct {
	Read      int    `json:"read"`
	Rescored  int    `json:"rescored"`
	RulesFrom string `json:"rulesVersion"`
}

// RescoreAll recomputes the scores of every customer scored under other rules than the
// scorer's, so that a new rules version reaches customers who send nothing new. Customers
// already scored under the current rules are only read. progress, when set, is told how many
// customers have been read.
func (s *Steps) RescoreAll(ctx context.Context, progress func(read int)) (RescoreReport, error) {
	rep := RescoreReport{RulesFrom: s.d.Scorer.Version()}
	page := store.Page{Limit: 200}
	for {
		list, next, err := s.d.Store.ListCustomers(ctx, customer.FlagNone, page)
		if err != nil {
			return rep, fmt.Errorf("rescore: list customers: %w", err)
		}
		for _, c := range list {
			rep.Read++
			if !s.d.Scorer.NeedsRescore(c.Scores) {
				continue
			}
			if err := s.rescore(ctx, c.ID); err != nil {
				return rep, err
			}
			rep.Rescored++
		}
		if progress != nil {
			progress(rep.Read)
		}
		if next == "" {
			return rep, nil
		}
		page.Cursor = next
	}
}

// rescore recomputes one customer's scores from its history and current attributes.
func (s *Steps) rescore(ctx context.Context, id string) error {
	hist, err := s.history(ctx, id)
	if err != nil {
		return err
	}
	now := s.d.Clock()
	_, err = s.d.Store.UpdateCustomer(ctx, id, func(c *customer.Customer) error {
		scores := s.scores(*c, hist)
		c.Scores = &scores
		c.UpdatedAt = now
		if s.d.Due != nil {
			s.d.Due(c, hist, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rescore customer %s: %w", id, err)
	}
	return nil
}
