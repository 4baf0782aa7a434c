// Package review decides the review items that possible matches leave: staff say whether the
// two customers are one (merge) or not (distinct), and the store and the scores follow.
package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
)

// Decision is what staff decide about a review's pair of customers.
type Decision string

// Decisions.
const (
	// Merge: the two are one customer; the review's customer is merged into its candidate.
	Merge Decision = "merge"
	// Distinct: the two are different customers, and are never proposed as a pair again.
	Distinct Decision = "distinct"
)

// Domain errors; callers test with errors.Is.
var (
	// ErrDecided: the review was already decided the other way.
	ErrDecided = errors.New("review already decided otherwise")
	// ErrCustomerGone: a customer the review names no longer exists, so there is nothing to
	// merge.
	ErrCustomerGone = errors.New("a customer of the review no longer exists")
	// ErrMarkedDistinct: the two customers were marked distinct before; merging them would
	// contradict that decision.
	ErrMarkedDistinct = errors.New("the customers were marked distinct")
	// ErrUnknownDecision: neither merge nor distinct.
	ErrUnknownDecision = errors.New("unknown decision")
)

// Audit actions of the decisions.
const (
	ActionMerged   = "customer.merged"
	ActionDistinct = "review.distinct"
)

// mergeAttempts bounds how often a merge that lost a race to another write is tried again.
const mergeAttempts = 3

// Decider decides reviews.
type Decider struct {
	Store  store.Store
	Scorer *score.Engine
	Policy *hygiene.Policy
	// Clock defaults to time.Now.
	Clock func() time.Time
}

// StatusOf is the review status a decision leads to.
func StatusOf(d Decision) (store.ReviewStatus, error) {
	switch d {
	case Merge:
		return store.ReviewMerged, nil
	case Distinct:
		return store.ReviewDistinct, nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownDecision, d)
}

// Decide records the decision on review id, made by actor, and carries it out. A merge moves
// the review's customer (the one its submission was filed as) into its candidate (the
// existing customer) and rescores the result; distinct remembers the pair so it is never
// proposed again. Deciding a review again the same way returns it and completes whatever a
// failed earlier attempt left undone; deciding it the other way is ErrDecided.
func (d *Decider) Decide(ctx context.Context, id string, decision Decision, note, actor string) (store.Review, error) {
	want, err := StatusOf(decision)
	if err != nil {
		return store.Review{}, err
	}
	for attempt := 1; ; attempt++ {
		r, err := d.Store.GetReview(ctx, id)
		if err != nil {
			return store.Review{}, fmt.Errorf("decide review %s: %w", id, err)
		}
		switch r.Status {
		case want:
			return d.complete(ctx, r)
		case store.ReviewOpen:
		default:
			return r, fmt.Errorf("decide review %s: it is %s: %w", id, r.Status, ErrDecided)
		}
		now := d.now()
		r.DecidedAt, r.DecidedBy, r.Note = &now, actor, note
		if decision == Distinct {
			decided, err := d.Store.UpdateReview(ctx, id, func(stored *store.Review) error {
				if stored.Status != store.ReviewOpen {
					return store.ErrConflict
				}
				stored.Status, stored.DecidedAt, stored.DecidedBy, stored.Note = store.ReviewDistinct, r.DecidedAt, actor, note
				return nil
			})
			if errors.Is(err, store.ErrConflict) && attempt < mergeAttempts {
				continue
			}
			if err != nil {
				return store.Review{}, fmt.Errorf("decide review %s: %w", id, err)
			}
			return d.complete(ctx, decided)
		}
		err = d.merge(ctx, r, now)
		switch {
		case err == nil, errors.Is(err, store.ErrConflict) && attempt < mergeAttempts:
			// Done, or lost a race: read the review again and act on what it says now.
			continue
		case errors.Is(err, store.ErrNotFound):
			if _, rerr := d.Store.GetReview(ctx, id); rerr != nil {
				return store.Review{}, fmt.Errorf("decide review %s: %w", id, rerr)
			}
			return r, fmt.Errorf("decide review %s: %w", id, ErrCustomerGone)
		default:
			return store.Review{}, fmt.Errorf("decide review %s: %w", id, err)
		}
	}
}

func (d *Decider) merge(ctx context.Context, r store.Review, now time.Time) error {
	from, into := r.CustomerID, r.CandidateID
	distinct, err := d.Store.Distinct(ctx, from, into)
	if err != nil {
		return err
	}
	if distinct {
		return ErrMarkedDistinct
	}
	return d.Store.MergeCustomers(ctx, store.Merge{
		From: from, Into: into, Review: r, At: now,
		Audit: store.AuditEntry{
			ID: "merge-" + r.ID, At: now, Actor: r.DecidedBy, Action: ActionMerged, CustomerID: into,
			Detail: map[string]string{"from": from, "review": r.ID},
		},
	})
}

// complete carries out what follows a decision, idempotently: after a merge the surviving
// customer is rescored (unless it already was since the decision); after distinct the pair is
// marked and the decision audited.
func (d *Decider) complete(ctx context.Context, r store.Review) (store.Review, error) {
	var err error
	switch r.Status {
	case store.ReviewMerged:
		err = d.rescore(ctx, r.CandidateID, r.DecidedAt)
	case store.ReviewDistinct:
		err = d.markDistinct(ctx, r)
	}
	if err == nil {
		err = d.settle(ctx, r)
	}
	if err != nil {
		return r, fmt.Errorf("decide review %s: %w", r.ID, err)
	}
	return r, nil
}

// settle moves the review's submission from REVIEW to FILED: once decided it waits for no one.
func (d *Decider) settle(ctx context.Context, r store.Review) error {
	if r.SubmissionID == "" {
		return nil
	}
	_, err := d.Store.UpdateSubmission(ctx, r.SubmissionID, func(sub *store.Submission) error {
		if sub.Status == store.StatusReview {
			sub.Status = store.StatusFiled
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

func (d *Decider) markDistinct(ctx context.Context, r store.Review) error {
	for _, id := range []string{r.CustomerID, r.CandidateID} {
		_, err := d.Store.GetCustomer(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			// A purged customer is proposed with no one any more.
			return nil
		}
		if err != nil {
			return err
		}
	}
	if err := d.Store.MarkDistinct(ctx, r.CustomerID, r.CandidateID); err != nil {
		return err
	}
	at := d.now()
	if r.DecidedAt != nil {
		at = *r.DecidedAt
	}
	// Named by the review and stamped with the decision time, a repeated call rewrites the
	// same entry.
	return d.Store.AppendAudit(ctx, store.AuditEntry{
		ID: "distinct-" + r.ID, At: at, Actor: r.DecidedBy, Action: ActionDistinct, CustomerID: r.CustomerID,
		Detail: map[string]string{"candidate": r.CandidateID, "review": r.ID},
	})
}

// rescore recomputes the merged customer's scores and due dates from its whole history,
// unless they were computed after the decision already.
func (d *Decider) rescore(ctx context.Context, id string, decidedAt *time.Time) error {
	c, err := d.Store.GetCustomer(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if decidedAt != nil && c.Scores != nil && !c.Scores.ComputedAt.Before(*decidedAt) {
		return nil
	}
	rs := rescore.Rescorer{Store: d.Store, Scorer: d.Scorer, Due: d.Policy.Due, Clock: d.now}
	return rs.One(ctx, id)
}

func (d *Decider) now() time.Time {
	if d.Clock == nil {
		return time.Now().UTC()
	}
	return d.Clock().UTC()
}
