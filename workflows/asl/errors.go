package asl

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-lambda-go/lambda/messages"
)

// Predefined error names of the States language used by the runner.
const (
	errAll                = "States.ALL"
	errTaskFailed         = "States.TaskFailed"
	errTimeout            = "States.Timeout"
	errRuntime            = "States.Runtime"
	errResultPathMismatch = "States.ResultPathMatchFailure"
	errNoChoiceMatched    = "States.NoChoiceMatched"
	errExecutionAborted   = "States.Aborted"
)

// stateError is a failure inside a state, with the name Retry and Catch match on.
type stateError struct {
	name, cause string
}

func (e *stateError) Error() string { return e.name + ": " + e.cause }

// terminal reports whether the error ends the execution whatever Retry and Catch say: Step
// Functions neither retries nor catches States.Runtime.
func (e *stateError) terminal() bool { return e.name == errRuntime }

func runtimeError(format string, args ...any) *stateError {
	return &stateError{name: errRuntime, cause: fmt.Sprintf(format, args...)}
}

// ErrorName is the name a task's error has in the state machine, the same one AWS Lambda's Go
// runtime reports as errorType: an error value of type messages.InvokeResponse_Error keeps its
// Type; an error with an ErrorName method gives that; any other error is named after its
// dynamic Go type without package or pointer ("Transient" for *steps.Transient,
// "errorString" for errors.New). Wrapping changes the name (fmt.Errorf gives "wrapError"), so
// a task that wants Retry to see "Transient" returns the *steps.Transient itself.
func ErrorName(err error) string {
	if ive, ok := err.(messages.InvokeResponse_Error); ok {
		return ive.Type
	}
	if n, ok := err.(interface{ ErrorName() string }); ok {
		return n.ErrorName()
	}
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

func taskError(err error) *stateError {
	if ive, ok := err.(messages.InvokeResponse_Error); ok {
		return &stateError{name: ive.Type, cause: ive.Message}
	}
	return &stateError{name: ErrorName(err), cause: err.Error()}
}

// matches reports whether a Retry or Catch list covers the error. States.ALL and
// States.TaskFailed cover every task error but States.Timeout is not a task failure.
func matches(names []string, e *stateError) bool {
	for _, n := range names {
		switch {
		case n == e.name, n == errAll:
			return true
		case n == errTaskFailed && e.name != errTimeout:
			return true
		}
	}
	return false
}
