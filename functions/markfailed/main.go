// Command markfailed is the Lambda function behind the workflow's MarkFailed task: it records
// a submission whose workflow failed as FAILED, keeping its payload for a re-drive.
package main

import (
	"github.com/intake-project/intake/shared/lambdaenv"
	"github.com/intake-project/intake/shared/steps"
)

func main() { lambdaenv.StartStep(func(s *steps.Steps) any { return s.MarkFailed }) }
