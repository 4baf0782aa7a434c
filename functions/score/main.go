// Command score is the Lambda function behind the intake workflow's Score task: it computes
// the scores of the customer a submission would be filed on. It writes nothing.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.Score }) }
