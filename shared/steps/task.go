// Package steps holds the intake workflow's steps as plain Go: typed input in, typed output
// out, idempotent. The Lambda task functions and the local ASL runner both call them.
package steps

import (
	"context"
	"encoding/json"
)

// Task is one state-machine task: the state's effective input as JSON in, its result out.
type Task func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// Transient is an error worth retrying (a store conflict, throttling, a lost race). Its type
// name is the error name both AWS Lambda and the local runner report, so the state machine's
// Retry can name it: "Transient".
type Transient struct{ Err error }

func (e *Transient) Error() string { return "transient: " + e.Err.Error() }
func (e *Transient) Unwrap() error { return e.Err }
