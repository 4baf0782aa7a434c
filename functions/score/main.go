// Command score is the Lambda function behind the intake workflow's Score task: it computes
// the scores of the customer a submission would be filed on. It writes nothing.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/intake-project/intake/shared/lambdaenv"
)

func main() {
	log := lambdaenv.Logger()
	var cfg lambdaenv.Steps
	if err := lambdaenv.Load(&cfg); err != nil {
		lambdaenv.InitFailed(log, err)
	}
	s, err := lambdaenv.NewSteps(context.Background(), cfg, log)
	if err != nil {
		lambdaenv.InitFailed(log, err)
	}
	// The step method is the handler itself: an error reaches Lambda as the step returned it,
	// so a *steps.Transient is named "Transient" and the state machine's Retry matches it.
	lambda.Start(s.Score)
}
