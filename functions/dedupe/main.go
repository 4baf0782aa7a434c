// Command dedupe is the Lambda function behind the intake workflow's Dedupe task: it decides
// whether a submission is a customer already on file. It writes nothing.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.Dedupe }) }
