// Package realsteps binds the intake workflow's real steps, over an embedded store in a data
// folder, for the cross-check against the reference interpreter; submissions whose ID starts
// with Flaky have their first Dedupe attempt fail with a Transient error, to exercise Retry.
package realsteps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/lookupkey"
	"github.com/intake-project/intake/shared/match"
	"github.com/intake-project/intake/shared/score"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store/embedded"
	"github.com/intake-project/intake/workflows/crosscheck/taskexec"
)

// DataEnv names the data folder the step program opens.
const DataEnv = "INTAKE_STEPTASK_DATA"

// Flaky prefixes the IDs of submissions whose first Dedupe attempt fails transiently.
const Flaky = "flaky-"

// Now is the fixed time both runners' steps see.
var Now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// StorePath and KeyPath locate the store and the lookup-key secret in a data folder.
func StorePath(dir string) string { return filepath.Join(dir, "intake.db") }
func KeyPath(dir string) string   { return filepath.Join(dir, "lookup.key") }

// Open builds the real steps over the embedded store in dir; close releases the store.
func Open(dir string) (tasks map[string]steps.Task, close func() error, err error) {
	st, err := embedded.Open(StorePath(dir))
	if err != nil {
		return nil, nil, err
	}
	secret, err := lookupkey.LoadOrCreateSecret(KeyPath(dir))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	keys, err := lookupkey.New(secret)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	m, err := match.NewDefault()
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	s, err := steps.New(steps.Deps{Store: st, Keys: keys, Matcher: m, Scorer: score.Default(), Clock: func() time.Time { return Now }})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	tasks = s.Tasks()
	tasks[steps.TaskDedupe] = flakyFirst(tasks[steps.TaskDedupe])
	return tasks, st.Close, nil
}

// flakyFirst fails a task's first attempt for Flaky submissions, counting attempts in the
// folder named by taskexec.StateDirEnv so that separate processes share the count.
func flakyFirst(task steps.Task) steps.Task {
	return func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		var req steps.Input
		if json.Unmarshal(in, &req) == nil && strings.HasPrefix(req.SubmissionID, Flaky) {
			mark := filepath.Join(os.Getenv(taskexec.StateDirEnv), "dedupe-"+req.SubmissionID)
			if _, err := os.Stat(mark); errors.Is(err, os.ErrNotExist) {
				if err := os.WriteFile(mark, nil, 0o600); err != nil {
					return nil, fmt.Errorf("flaky mark: %w", err)
				}
				return nil, &steps.Transient{Err: errors.New("store throttled")}
			}
		}
		return task(ctx, in)
	}
}
