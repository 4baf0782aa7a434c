// Package sfnstart starts the intake state machine on AWS Step Functions for a stored
// submission: one execution per submission, named by its ID, so starting twice is harmless.
package sfnstart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// API is the part of the Step Functions client the starter uses.
type API interface {
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, optFns ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
}

// Input is the execution input: the state machine loads the submission by its ID.
type Input struct {
	SubmissionID string `json:"submissionId"`
}

// Starter starts executions of one state machine.
type Starter struct {
	client          API
	stateMachineARN string
}

// New returns a Starter for the state machine stateMachineARN.
func New(client API, stateMachineARN string) *Starter {
	return &Starter{client: client, stateMachineARN: stateMachineARN}
}

// Start starts the execution named submissionID. An execution of that name that already
// exists (ExecutionAlreadyExists: a retry, or a re-drive racing the API) counts as started.
func (s *Starter) Start(ctx context.Context, submissionID string) error {
	return s.start(ctx, submissionID, submissionID)
}

// Redrive starts a new execution for a submission sent through the workflow again, named
// "<id>-r<attempt>": the first execution's name stays taken for 90 days. Starting the same
// attempt twice is harmless, like Start.
func (s *Starter) Redrive(ctx context.Context, submissionID string, attempt int64) error {
	return s.start(ctx, submissionID, fmt.Sprintf("%s-r%d", submissionID, attempt))
}

func (s *Starter) start(ctx context.Context, submissionID, name string) error {
	input, err := json.Marshal(Input{SubmissionID: submissionID})
	if err != nil {
		return fmt.Errorf("start execution %s: %w", name, err)
	}
	_, err = s.client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(s.stateMachineARN),
		Name:            aws.String(name),
		Input:           aws.String(string(input)),
	})
	var exists *types.ExecutionAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("start execution %s: %w", name, err)
	}
	return nil
}
