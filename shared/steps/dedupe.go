package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/store"
)

// Dedupe is the Dedupe step's result: the decision, the customer it names, and why.
type Dedupe struct {
	Decision    customer.Decision    `json:"decision"`
	CustomerID  string               `json:"customerId,omitempty"`
	Explanation customer.Explanation `json:"explanation"`
}

// Dedupe decides whether a submission is a customer already on file. It writes nothing.
func (s *Steps) Dedupe(ctx context.Context, in Input) (Dedupe, error) {
	sub, err := s.load(ctx, in.SubmissionID)
	if err != nil {
		return Dedupe{}, err
	}
	if terminal(sub.Status) && sub.Outcome != nil {
		d := Dedupe{Decision: sub.Outcome.Decision, CustomerID: sub.Outcome.CustomerID}
		if sub.Outcome.Explanation != nil {
			d.Explanation = *sub.Outcome.Explanation
		}
		return d, nil
	}
	canon, err := s.canonical(sub)
	if err != nil {
		return Dedupe{}, err
	}
	return s.decide(ctx, sub, canon)
}

// canonical is the submission's payload with canonical values, as validation produced them.
func (s *Steps) canonical(sub store.Submission) (customer.Submission, error) {
	res, err := s.check(sub)
	if err != nil {
		return customer.Submission{}, err
	}
	if !res.Valid() {
		return customer.Submission{}, fmt.Errorf("submission %s is not valid: %d field errors", sub.ID, len(res.Errors))
	}
	return res.Canonical, nil
}

// keys are the submission's lookup keys, hashed; a card scan adds its card as a unique key.
func (s *Steps) keys(sub store.Submission, canon customer.Submission) []customer.LookupKey {
	var out []customer.LookupKey
	for _, kv := range match.Keys(canon) {
		out = append(out, s.d.Keys.Key(kv.Kind, kv.Value, kv.Unique))
	}
	if sub.CardID != "" {
		out = append(out, s.d.Keys.Key("card", sub.CardID, true))
	}
	return out
}

// decide finds the candidates that share a lookup key with the submission and lets the
// matcher weigh them. A card issued to a known customer settles the question by itself.
func (s *Steps) decide(ctx context.Context, sub store.Submission, canon customer.Submission) (Dedupe, error) {
	if sub.CardID != "" {
		card, err := s.d.Store.GetCard(ctx, sub.CardID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Dedupe{}, transientStore("read card", err)
		}
		if err == nil && card.CustomerID != "" {
			if _, err := s.d.Store.GetCustomer(ctx, card.CustomerID); err == nil {
				return Dedupe{
					Decision:   customer.DecisionMatch,
					CustomerID: card.CustomerID,
					Explanation: customer.Explanation{
						RulesVersion: s.d.Matcher.Rules().Version, CandidateID: card.CustomerID, Candidates: 1,
						Note: "card issued to this customer",
					},
				}, nil
			}
		}
	}
	keys := s.keys(sub, canon)
	cands, err := s.d.Store.FindCandidates(ctx, keys, s.d.CandidatesPerKey)
	if err != nil {
		return Dedupe{}, transientStore("find candidates", err)
	}
	if len(cands.Truncated) > 0 {
		s.d.Logger.Warn("lookup block capped", "submission", sub.ID, "blocks", len(cands.Truncated), "cap", s.d.CandidatesPerKey)
	}
	customers, err := s.loadCustomers(ctx, candidateIDs(keys, cands), "")
	if err != nil {
		return Dedupe{}, err
	}
	res := s.d.Matcher.Decide(canon, customers)
	return Dedupe{Decision: res.Decision, CustomerID: res.CustomerID, Explanation: res.Explanation}, nil
}

// candidateIDs lists the distinct customers the keys lead to, in key order.
func candidateIDs(keys []customer.LookupKey, cands store.Candidates) []string {
	var ids []string
	for _, k := range keys {
		for _, id := range cands.ByKey[k.Hash] {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// loadCustomers reads the customers by ID, skipping one to leave out and any purged since.
func (s *Steps) loadCustomers(ctx context.Context, ids []string, except string) ([]customer.Customer, error) {
	var out []customer.Customer
	for _, id := range ids {
		if id == except {
			continue
		}
		c, err := s.d.Store.GetCustomer(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, transientStore("read candidate", err)
		}
		out = append(out, c)
	}
	return out, nil
}
