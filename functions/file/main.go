// Command file is the Lambda function behind the intake workflow's File task: it files a
// submission onto its customer in one transaction.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.File }) }
