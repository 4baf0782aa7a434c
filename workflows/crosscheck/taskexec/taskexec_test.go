package taskexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/intake-project/intake/shared/steps"
)

func TestRunReportsLikeALambdaFunction(t *testing.T) {
	tasks := map[string]steps.Task{
		"ok": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil },
		"transient": func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return nil, &steps.Transient{Err: errors.New("busy")}
		},
		"panics": func(context.Context, json.RawMessage) (json.RawMessage, error) { panic("boom") },
		"empty":  func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, nil },
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"result on stdout", []string{"/bin/x/ok", `{"a":1}`}, 0, `{"a":1}` + "\n"},
		{"no result is null", []string{"empty", `{}`}, 0, "null\n"},
		{"error named after its type", []string{"/tmp/transient", `{}`}, 1, `{"errorType":"Transient","errorMessage":"transient: busy"}` + "\n"},
		{"panic is a task failure", []string{"panics", `{}`}, 1, `{"errorType":"States.TaskFailed","errorMessage":"the task panicked: boom"}` + "\n"},
		{"unknown resource", []string{"nope", `{}`}, 2, ""},
		{"missing input", []string{"ok"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, tasks, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit = %d, want %d (stderr %s)", code, tt.wantCode, stderr.String())
			}
			if stdout.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantOut)
			}
		})
	}
}
