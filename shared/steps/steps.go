package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
)

// Task names: the resources the state machine's Task states are bound to, after the
// definition's substitutions (locally) or the Lambda functions that serve them (on AWS).
const (
	TaskValidate     = "validate"
	TaskMarkRejected = "mark-rejected"
	TaskDedupe       = "dedupe"
	TaskScore        = "score"
	TaskFile         = "file"
	TaskMarkFailed   = "mark-failed"
)

// Substitutions maps the definition's DefinitionSubstitutions to the local task names.
var Substitutions = map[string]string{
	"ValidateFunctionArn":     TaskValidate,
	"MarkRejectedFunctionArn": TaskMarkRejected,
	"DedupeFunctionArn":       TaskDedupe,
	"ScoreFunctionArn":        TaskScore,
	"FileFunctionArn":         TaskFile,
	"MarkFailedFunctionArn":   TaskMarkFailed,
}

// Deps are what the steps need.
type Deps struct {
	Store   store.Store
	Keys    *lookupkey.Hasher
	Matcher *match.Matcher
	Scorer  *score.Engine
	// Rules validates; its Now is replaced by Clock at every call.
	Rules validate.Rules
	Clock func() time.Time
	// Due sets a customer's refresh and purge due dates after every change; nil leaves them.
	Due func(c *customer.Customer, history []customer.HistoryEntry, now time.Time)
	// PayloadRetention is how long a raw payload is kept after filing.
	PayloadRetention time.Duration
	// CandidatesPerKey caps how many customers one lookup key may bring as candidates.
	CandidatesPerKey int
	Logger           *slog.Logger
}

// Steps runs the workflow's steps against one store.
type Steps struct{ d Deps }

// New returns the steps over their dependencies, with defaults filled in.
func New(d Deps) (*Steps, error) {
	if d.Store == nil || d.Keys == nil || d.Matcher == nil || d.Scorer == nil {
		return nil, errors.New("steps: store, key hasher, matcher and scorer are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.PayloadRetention == 0 {
		d.PayloadRetention = 30 * 24 * time.Hour
	}
	if d.CandidatesPerKey == 0 {
		d.CandidatesPerKey = 50
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Steps{d: d}, nil
}

// Tasks returns every step as a Task, keyed by task name, for the local runner and for the
// command that binds them to the reference interpreter.
func (s *Steps) Tasks() map[string]Task {
	return map[string]Task{
		TaskValidate:     Typed(s.Validate),
		TaskMarkRejected: Typed(s.MarkRejected),
		TaskDedupe:       Typed(s.Dedupe),
		TaskScore:        Typed(s.Score),
		TaskFile:         Typed(s.File),
		TaskMarkFailed:   Typed(s.MarkFailed),
	}
}

// Typed adapts a typed step to a Task: JSON in, JSON out. Input that does not decode is a
// permanent error, never retried.
func Typed[In, Out any](step func(context.Context, In) (Out, error)) Task {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		var in In
		if err := json.Unmarshal(raw, &in); err != nil {
			return nil, &BadInput{Err: err}
		}
		out, err := step(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// BadInput is a step input that does not decode; retrying cannot help.
type BadInput struct{ Err error }

func (e *BadInput) Error() string { return "bad step input: " + e.Err.Error() }
func (e *BadInput) Unwrap() error { return e.Err }

// Input names the submission a step works on.
type Input struct {
	SubmissionID string `json:"submissionId"`
}

// load reads a submission that still has its payload, turning a store hiccup into a
// Transient error.
func (s *Steps) load(ctx context.Context, id string) (store.Submission, error) {
	if id == "" {
		return store.Submission{}, &BadInput{Err: errors.New("submissionId is empty")}
	}
	sub, err := s.d.Store.GetSubmission(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Submission{}, fmt.Errorf("submission %s: %w", id, err)
	}
	if err != nil {
		return store.Submission{}, &Transient{Err: fmt.Errorf("read submission %s: %w", id, err)}
	}
	return sub, nil
}

// terminal reports whether a submission has already reached an end state.
func terminal(st store.Status) bool {
	return st == store.StatusFiled || st == store.StatusReview || st == store.StatusRejected
}

// transientStore wraps store errors that a retry may cure.
func transientStore(op string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return &Transient{Err: fmt.Errorf("%s: %w", op, err)}
}
