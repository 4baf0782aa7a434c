package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
)

// FileInput is the File step's input: the decision and the scores computed before it.
type FileInput struct {
	SubmissionID string `json:"submissionId"`
	Dedupe       Dedupe `json:"dedupe"`
	Score        Scored `json:"score"`
}

// maxRedecisions bounds how often filing decides again after losing a race to another filing.
const maxRedecisions = 3

// File writes the submission onto its customer in one all-or-nothing operation: the profile,
// its lookup keys, the history line, the submission's status and outcome, a review item for a
// possible match, and an audit entry. Filing a submission that is already filed changes
// nothing. When the store has moved on since the decision (another filing took a unique key or
// updated the customer), it decides again against what is there now.
func (s *Steps) File(ctx context.Context, in FileInput) (Result, error) {
	sub, err := s.load(ctx, in.SubmissionID)
	if err != nil {
		return Result{}, err
	}
	if terminal(sub.Status) {
		return resultOf(sub), nil
	}
	canon, err := s.canonical(sub)
	if err != nil {
		return Result{}, err
	}
	// fresh says whether the decision was made by this call, against the store as it is now,
	// rather than by the Dedupe state earlier.
	d, scored, fresh := in.Dedupe, &in.Score, false
	for attempt := 0; ; attempt++ {
		f, err := s.filing(ctx, sub, canon, d, scored, fresh)
		if err != nil && !errors.Is(err, errStale) {
			return Result{}, err
		}
		if err == nil {
			err = s.d.Store.File(ctx, f)
		}
		if err == nil {
			s.d.Logger.Info("submission filed", "submission", sub.ID, "customer", f.Customer.ID, "decision", string(f.Submission.Outcome.Decision))
			if f.NewCustomer {
				if err := s.recheck(ctx, f, canon); err != nil {
					return Result{}, err
				}
				if refreshed, err := s.d.Store.GetSubmission(ctx, sub.ID); err == nil {
					return resultOf(refreshed), nil
				}
			}
			return resultOf(f.Submission), nil
		}
		if !errors.Is(err, store.ErrDuplicateKey) && !errors.Is(err, store.ErrConflict) && !errors.Is(err, errStale) {
			return Result{}, transientStore("file", err)
		}
		if attempt == maxRedecisions {
			return Result{}, &Transient{Err: fmt.Errorf("file: still racing after %d decisions: %w", attempt+1, err)}
		}
		// The submission may have been filed by a parallel run of this very step.
		if now, gerr := s.d.Store.GetSubmission(ctx, sub.ID); gerr == nil && terminal(now.Status) {
			return resultOf(now), nil
		}
		if d, err = s.decide(ctx, sub, canon); err != nil {
			return Result{}, err
		}
		scored, fresh = nil, true
	}
}

// errStale says a decision predates a filing that took one of the submission's unique
// identifiers: it must be made again before anything is written.
var errStale = errors.New("decision predates the current owner of a unique identifier")

// filing assembles everything one filing writes.
func (s *Steps) filing(ctx context.Context, sub store.Submission, canon customer.Submission, d Dedupe, scored *Scored, fresh bool) (store.Filing, error) {
	keys := s.keys(sub, canon)
	keys, owner, err := s.claimable(ctx, keys, d)
	if err != nil {
		return store.Filing{}, err
	}
	if owner != "" && d.Decision == customer.DecisionNew && !fresh {
		return store.Filing{}, errStale
	}
	if owner != "" && d.Decision == customer.DecisionNew {
		// A unique identifier of this submission belongs to a customer the matcher did not
		// accept: file separately, but never silently. A person reviews the pair.
		d.Decision, d.CustomerID = customer.DecisionPossible, owner
		d.Explanation.CandidateID = owner
		d.Explanation.Note = "a unique identifier belongs to another customer"
	}
	m, err := s.merged(ctx, sub, canon, d)
	if err != nil {
		return store.Filing{}, err
	}
	now := s.d.Clock()
	c := &m.customer
	c.UpdatedAt = now
	for _, k := range keys {
		if !slices.ContainsFunc(c.Keys, func(have customer.LookupKey) bool { return have.Hash == k.Hash }) {
			c.Keys = append(c.Keys, k)
		}
	}
	scores := s.scores(*c, m.history)
	if scored != nil && !m.isNew && scored.BasedOn == c.Version {
		scores = scored.Scores
	}
	c.Scores = &scores
	if s.d.Due != nil {
		s.d.Due(c, m.history, now)
	}

	status, decision := store.StatusFiled, d.Decision
	if m.isNew && decision == customer.DecisionMatch {
		// The matched customer was purged meanwhile: this one starts afresh.
		decision = customer.DecisionNew
	}
	var review *store.Review
	if decision == customer.DecisionPossible {
		status = store.StatusReview
		review = &store.Review{
			ID: sub.ID, SubmissionID: sub.ID, CustomerID: c.ID, CandidateID: d.CustomerID,
			Status: store.ReviewOpen, Explanation: &d.Explanation, CreatedAt: now,
		}
	}
	m.entry.Decision = decision
	m.history[len(m.history)-1].Decision = decision
	expires := now.Add(s.d.PayloadRetention)
	filed := sub
	filed.Status = status
	filed.UpdatedAt = now
	filed.PayloadExpiresAt = &expires
	filed.Outcome = &store.Outcome{
		Warnings: s.warnings(sub), CustomerID: c.ID, Decision: decision,
		Explanation: &d.Explanation, Scores: &scores,
	}
	if review != nil {
		filed.Outcome.ReviewID = review.ID
	}
	return store.Filing{
		Submission: filed, Customer: *c, NewCustomer: m.isNew, Keys: keys, History: m.entry, Review: review,
		Audit: store.AuditEntry{
			ID: "file-" + sub.ID, At: now, Actor: "workflow", Action: "submission.filed",
			CustomerID: c.ID, SubmissionID: sub.ID, Detail: map[string]string{"decision": string(decision)},
		},
	}, nil
}

// claimable drops the unique keys that belong to a customer other than the one the
// submission is filed on, and names that owner.
func (s *Steps) claimable(ctx context.Context, keys []customer.LookupKey, d Dedupe) ([]customer.LookupKey, string, error) {
	var unique []customer.LookupKey
	for _, k := range keys {
		if k.Unique {
			unique = append(unique, k)
		}
	}
	if len(unique) == 0 {
		return keys, "", nil
	}
	cands, err := s.d.Store.FindCandidates(ctx, unique, 1)
	if err != nil {
		return nil, "", transientStore("read key owners", err)
	}
	target := ""
	if d.Decision == customer.DecisionMatch {
		target = d.CustomerID
	}
	var kept []customer.LookupKey
	owner := ""
	for _, k := range keys {
		if owners := cands.ByKey[k.Hash]; k.Unique && len(owners) > 0 && owners[0] != target {
			owner = owners[0]
			continue
		}
		kept = append(kept, k)
	}
	return kept, owner, nil
}

// recheck looks again after filing a new customer: a customer filed at the same moment from
// another submission of the same person may have been invisible to the decision. If the
// matcher would now join them, a review item says so, so two customers are never silent.
func (s *Steps) recheck(ctx context.Context, f store.Filing, canon customer.Submission) error {
	cands, err := s.d.Store.FindCandidates(ctx, f.Keys, s.d.CandidatesPerKey)
	if err != nil {
		return transientStore("recheck candidates", err)
	}
	others, err := s.loadCustomers(ctx, candidateIDs(f.Keys, cands), f.Customer.ID)
	if err != nil || len(others) == 0 {
		return err
	}
	res := s.d.Matcher.Decide(canon, others)
	if res.Decision == customer.DecisionNew || (f.Review != nil && f.Review.CandidateID == res.CustomerID) {
		return nil
	}
	if distinct, err := s.d.Store.Distinct(ctx, f.Customer.ID, res.CustomerID); err != nil || distinct {
		return err
	}
	// Both racing filings may get here: the later customer's ID names the one review item.
	first, second := f.Customer.ID, res.CustomerID
	if first > second {
		first, second = second, first
	}
	now := s.d.Clock()
	err = s.d.Store.OpenReview(ctx, store.Review{
		ID: "race-" + second, SubmissionID: f.Submission.ID, CustomerID: second, CandidateID: first,
		Status: store.ReviewOpen, Explanation: &res.Explanation, CreatedAt: now,
	})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return transientStore("open race review", err)
	}
	return nil
}

// warnings re-reads the submission's validation warnings for its outcome.
func (s *Steps) warnings(sub store.Submission) []customer.FieldError {
	res, err := s.check(sub)
	if err != nil {
		return nil
	}
	return res.Warnings
}
