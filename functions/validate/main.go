// Command validate is the Lambda function behind the intake workflow's Validate task: it
// checks a stored submission and writes nothing. It returns exactly what the step returns.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.Validate }) }
