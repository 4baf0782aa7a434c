// Package taskexec turns a set of state-machine tasks into one executable that the reference
// interpreter (aws-local-stepfunctions) can bind to Task states, one link per resource.
package taskexec

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/workflows/asl"
)

// StateDirEnv names a folder where tasks may keep state across attempts (an attempt count, for
// a task that fails its first tries). The cross-check gives each runner a fresh one, so both
// see the same sequence of failures.
const StateDirEnv = "CROSSCHECK_STATE_DIR"

// Report is what a failed task prints on stdout before exiting with status 1: the shape of
// a Lambda function error, with the error named as asl.ErrorName names it.
type Report struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

// Main runs the task whose resource is the program's own file name (the executable is linked
// once per resource) on the JSON input in the first argument, as `local-sfn -t` passes it.
// The result goes to stdout as JSON; an error goes to stdout as a Report, and to stderr, with
// exit status 1. Usage errors exit with status 2.
func Main(tasks map[string]steps.Task) {
	os.Exit(run(os.Args, tasks, os.Stdout, os.Stderr))
}

func run(args []string, tasks map[string]steps.Task, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: RESOURCE INPUT_JSON (run through a link named after the task's resource)")
		return 2
	}
	resource := filepath.Base(args[0])
	task, ok := tasks[resource]
	if !ok {
		fmt.Fprintf(stderr, "no task for resource %q\n", resource)
		return 2
	}
	out, err := call(task, json.RawMessage(args[1]))
	if err != nil {
		rep := Report{ErrorType: asl.ErrorName(err), ErrorMessage: err.Error()}
		if p, ok := err.(panicked); ok {
			rep = Report{ErrorType: "States.TaskFailed", ErrorMessage: p.Error()}
		}
		b, _ := json.Marshal(rep)
		fmt.Fprintf(stdout, "%s\n", b)
		fmt.Fprintf(stderr, "%s\n", b)
		return 1
	}
	if len(out) == 0 {
		out = json.RawMessage(`null`)
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}

// panicked reports a panicking task the way the in-process runner does.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprint("the task panicked: ", p.value) }

func call(task steps.Task, in json.RawMessage) (out json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, panicked{p}
		}
	}()
	return task(context.Background(), in)
}
