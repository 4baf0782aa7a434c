// Command markrejected is the Lambda function behind the workflow's MarkRejected task: it
// records an invalid submission as REJECTED with its field errors.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.MarkRejected }) }
