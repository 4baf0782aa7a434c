package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
)

// Validation is the Validate step's result.
type Validation struct {
	Valid    bool                  `json:"valid"`
	Errors   []customer.FieldError `json:"errors"`
	Warnings []customer.FieldError `json:"warnings"`
}

// Validate checks a stored submission and writes nothing. A submission already finished keeps
// the verdict it had, so a re-run takes the path it took before.
func (s *Steps) Validate(ctx context.Context, in Input) (Validation, error) {
	sub, err := s.load(ctx, in.SubmissionID)
	if err != nil {
		return Validation{}, err
	}
	if terminal(sub.Status) && sub.Outcome != nil {
		return Validation{
			Valid:    sub.Status != store.StatusRejected,
			Errors:   nonNil(sub.Outcome.Errors),
			Warnings: nonNil(sub.Outcome.Warnings),
		}, nil
	}
	res, err := s.check(sub)
	if err != nil {
		return Validation{}, err
	}
	return Validation{Valid: res.Valid(), Errors: nonNil(res.Errors), Warnings: nonNil(res.Warnings)}, nil
}

// check validates the submission's payload as of now.
func (s *Steps) check(sub store.Submission) (validate.Result, error) {
	if sub.Payload == nil {
		return validate.Result{}, fmt.Errorf("submission %s has no payload left to validate", sub.ID)
	}
	rules := s.d.Rules
	rules.Now = s.d.Clock()
	return rules.Check(*sub.Payload), nil
}

// RejectInput is the MarkRejected step's input.
type RejectInput struct {
	SubmissionID string     `json:"submissionId"`
	Validation   Validation `json:"validation"`
}

// Result is what the workflow made of a submission: the execution's final word.
type Result struct {
	SubmissionID string            `json:"submissionId"`
	Status       store.Status      `json:"status"`
	CustomerID   string            `json:"customerId,omitempty"`
	ReviewID     string            `json:"reviewId,omitempty"`
	Decision     customer.Decision `json:"decision,omitempty"`
}

// MarkRejected records a submission as REJECTED with its field errors. The raw payload goes:
// nothing was filed, so nothing of it needs keeping.
func (s *Steps) MarkRejected(ctx context.Context, in RejectInput) (Result, error) {
	now := s.d.Clock()
	sub, err := s.d.Store.UpdateSubmission(ctx, in.SubmissionID, func(sub *store.Submission) error {
		if terminal(sub.Status) {
			return nil
		}
		sub.Status = store.StatusRejected
		sub.UpdatedAt = now
		sub.Payload = nil
		sub.Outcome = &store.Outcome{Errors: in.Validation.Errors, Warnings: in.Validation.Warnings}
		return nil
	})
	if err != nil {
		return Result{}, transientStore("mark rejected", err)
	}
	if err := s.d.Store.AppendAudit(ctx, store.AuditEntry{
		ID: "rej-" + sub.ID, At: now, Actor: "workflow", Action: "submission.rejected",
		SubmissionID: sub.ID, Detail: map[string]string{"errors": fmt.Sprint(len(in.Validation.Errors))},
	}); err != nil && !errors.Is(err, store.ErrConflict) {
		return Result{}, transientStore("audit rejection", err)
	}
	return resultOf(sub), nil
}

// FailInput is the MarkFailed step's input: the error the state machine caught.
type FailInput struct {
	SubmissionID string        `json:"submissionId"`
	Error        store.Failure `json:"error"`
}

// MarkFailed records a submission as FAILED with the caught error, keeping its payload so it
// can be re-driven. A submission that already reached an end state is left as it is.
func (s *Steps) MarkFailed(ctx context.Context, in FailInput) (Result, error) {
	now := s.d.Clock()
	sub, err := s.d.Store.UpdateSubmission(ctx, in.SubmissionID, func(sub *store.Submission) error {
		if terminal(sub.Status) {
			return nil
		}
		sub.Status = store.StatusFailed
		sub.UpdatedAt = now
		failure := in.Error
		if sub.Outcome == nil {
			sub.Outcome = &store.Outcome{}
		}
		sub.Outcome.Failure = &failure
		return nil
	})
	if err != nil {
		return Result{}, transientStore("mark failed", err)
	}
	s.d.Logger.Error("submission failed", "submission", sub.ID, "error", in.Error.Error)
	return resultOf(sub), nil
}

func resultOf(sub store.Submission) Result {
	r := Result{SubmissionID: sub.ID, Status: sub.Status}
	if sub.Outcome != nil {
		r.CustomerID = sub.Outcome.CustomerID
		r.ReviewID = sub.Outcome.ReviewID
		r.Decision = sub.Outcome.Decision
	}
	return r
}

func nonNil(list []customer.FieldError) []customer.FieldError {
	if list == nil {
		return []customer.FieldError{}
	}
	return list
}
