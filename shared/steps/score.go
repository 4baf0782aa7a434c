package steps

import (
	"context"
	"errors"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
)

// ScoreInput is the Score step's input.
type ScoreInput struct {
	SubmissionID string `json:"submissionId"`
	Dedupe       Dedupe `json:"dedupe"`
}

// Scored is the Score step's result: the scores of the customer as filing would leave it, and
// the customer version they were computed from, so that filing can tell whether they still hold.
type Scored struct {
	Scores  customer.Scores `json:"scores"`
	BasedOn int64           `json:"basedOn"`
}

// Score computes the scores of the customer the submission would be filed on. It writes
// nothing.
func (s *Steps) Score(ctx context.Context, in ScoreInput) (Scored, error) {
	sub, err := s.load(ctx, in.SubmissionID)
	if err != nil {
		return Scored{}, err
	}
	if terminal(sub.Status) && sub.Outcome != nil && sub.Outcome.Scores != nil {
		return Scored{Scores: *sub.Outcome.Scores}, nil
	}
	canon, err := s.canonical(sub)
	if err != nil {
		return Scored{}, err
	}
	m, err := s.merged(ctx, sub, canon, in.Dedupe)
	if err != nil {
		return Scored{}, err
	}
	return Scored{Scores: s.scores(m.customer, m.history), BasedOn: m.customer.Version}, nil
}

// merge is a customer as filing the submission would leave it.
type merge struct {
	customer customer.Customer
	isNew    bool
	entry    customer.HistoryEntry
	history  []customer.HistoryEntry // the customer's whole history, this submission last
}

// merged builds the customer the submission is filed on: the matched customer with the
// submission's attributes added, or a new customer made of them alone. A new customer takes
// the submission's ID, so filing the same submission twice can never make two customers.
func (s *Steps) merged(ctx context.Context, sub store.Submission, canon customer.Submission, d Dedupe) (merge, error) {
	at := sub.ReceivedAt
	prov := customer.Provenance{
		Channel: canon.Channel, SubmissionID: sub.ID, Verified: canon.Verified,
		CollectedAt: at, CollectedBy: canon.CollectedBy,
	}
	entry := customer.HistoryEntry{
		SubmissionID: sub.ID, At: at, Channel: canon.Channel, Decision: d.Decision,
		Amount: amount(canon), CardID: sub.CardID,
	}
	var m merge
	if d.Decision == customer.DecisionMatch {
		c, err := s.d.Store.GetCustomer(ctx, d.CustomerID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return merge{}, transientStore("read matched customer", err)
		}
		if err == nil {
			hist, err := s.history(ctx, c.ID)
			if err != nil {
				return merge{}, err
			}
			m = merge{customer: c, history: hist}
		}
	}
	if m.customer.ID == "" {
		m = merge{customer: customer.Customer{ID: sub.ID, Kind: canon.Kind, CreatedAt: at}, isNew: true}
	}
	c := &m.customer
	c.Attributes = append(c.Attributes, canon.Attributes(prov)...)
	c.Submissions = append(c.Submissions, sub.ID)
	c.KYCGrade = c.KYCGrade || canon.KYCGrade
	if at.After(c.LastActivityAt) {
		c.LastActivityAt = at
	}
	c.Version++
	entry.CustomerID = c.ID
	m.entry = entry
	m.history = append(m.history, entry)
	return m, nil
}

// history reads a customer's whole history.
func (s *Steps) history(ctx context.Context, id string) ([]customer.HistoryEntry, error) {
	hist, err := rescore.History(ctx, s.d.Store, id)
	if err != nil {
		return nil, &Transient{Err: err}
	}
	return hist, nil
}

// scores runs the scoring rules over a customer's current view, every card scan and value
// report it has had, and its history.
func (s *Steps) scores(c customer.Customer, history []customer.HistoryEntry) customer.Scores {
	return s.d.Scorer.Score(score.InputOf(c, history, s.d.Clock()))
}

// amount is the spend or purchase a submission records, for value scoring.
func amount(s customer.Submission) *float64 {
	if s.Value != nil && s.Value.Amount != nil {
		return s.Value.Amount
	}
	if s.Card != nil && s.Card.Spend != nil {
		return s.Card.Spend
	}
	return nil
}
