package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/intake-project/intake/shared/steps"
)

// Status is how an execution ended.
type Status string

// The statuses of an execution, as Step Functions names them.
const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusAborted   Status = "ABORTED"
)

// EventType names an entry of the execution history.
type EventType string

// The kinds of history events.
const (
	EventStateEntered       EventType = "StateEntered"
	EventStateExited        EventType = "StateExited"
	EventStateFailed        EventType = "StateFailed"
	EventStateRetried       EventType = "StateRetried"
	EventStateCaught        EventType = "StateCaught"
	EventExecutionSucceeded EventType = "ExecutionSucceeded"
	EventExecutionFailed    EventType = "ExecutionFailed"
)

// Event is one entry of an execution's history. Retried events carry the attempt number
// (1 for the first retry) and the delay waited before it.
type Event struct {
	Type    EventType       `json:"type"`
	Time    time.Time       `json:"time"`
	State   string          `json:"state,omitempty"`
	Input   json.RawMessage `json:"input,omitempty"`
	Output  json.RawMessage `json:"output,omitempty"`
	Error   string          `json:"error,omitempty"`
	Cause   string          `json:"cause,omitempty"`
	Attempt int             `json:"attempt,omitempty"`
	Delay   time.Duration   `json:"delay,omitempty"`
}

// Execution is the result of one run: its status, its output (SUCCEEDED) or error and cause
// (FAILED), the names of the states entered in order, and the full history.
type Execution struct {
	Status  Status
	Output  json.RawMessage
	Error   string
	Cause   string
	Path    []string
	History []Event
}

type run struct {
	m       *Machine
	tasks   map[string]steps.Task
	cfg     config
	ctxObj  map[string]any
	exec    Execution
	started time.Time
}

// Run executes the machine on input, calling tasks[resource] for each Task state. The
// returned error is about the run itself (invalid input, a resource with no task, ctx done);
// a failed execution is a nil error with Status FAILED.
func (m *Machine) Run(ctx context.Context, input json.RawMessage, tasks map[string]steps.Task, opts ...Option) (Execution, error) {
	cfg := config{clock: realClock{}, rand: globalRandom{}}
	for _, o := range opts {
		o(&cfg)
	}
	if err := m.checkBindings(tasks); err != nil {
		return Execution{}, fmt.Errorf("asl: run: %w", err)
	}
	data, err := decodeJSON(input)
	if err != nil {
		return Execution{}, fmt.Errorf("asl: run: input: %w", err)
	}
	r := &run{m: m, tasks: tasks, cfg: cfg, started: cfg.clock.Now()}
	r.ctxObj = map[string]any{
		"Execution": map[string]any{
			"Input":     data,
			"Name":      cfg.name,
			"StartTime": r.started.UTC().Format(time.RFC3339Nano),
		},
	}
	name := m.startAt
	for {
		st := m.states[name]
		r.exec.Path = append(r.exec.Path, name)
		r.event(Event{Type: EventStateEntered, State: name, Input: r.encode(data)})
		out, next, serr, err := r.runState(ctx, st, data)
		if err != nil {
			r.exec.Status = StatusAborted
			r.exec.Error, r.exec.Cause = errExecutionAborted, err.Error()
			return r.exec, fmt.Errorf("asl: run: state %s: %w", name, err)
		}
		if serr != nil {
			r.exec.Status = StatusFailed
			r.exec.Error, r.exec.Cause = serr.name, serr.cause
			r.event(Event{Type: EventExecutionFailed, Error: serr.name, Cause: serr.cause})
			return r.exec, nil
		}
		r.event(Event{Type: EventStateExited, State: name, Output: r.encode(out)})
		if next == "" {
			r.exec.Status = StatusSucceeded
			r.exec.Output = r.encode(out)
			r.event(Event{Type: EventExecutionSucceeded, Output: r.exec.Output})
			return r.exec, nil
		}
		data, name = out, next
	}
}

func (r *run) event(e Event) {
	e.Time = r.cfg.clock.Now()
	r.exec.History = append(r.exec.History, e)
}

func (r *run) encode(v any) json.RawMessage {
	b, err := encodeJSON(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}

func (r *run) stateContext(st *state, retries int) map[string]any {
	return map[string]any{
		"Execution": r.ctxObj["Execution"],
		"State": map[string]any{
			"Name":        st.name,
			"EnteredTime": r.cfg.clock.Now().UTC().Format(time.RFC3339Nano),
			"RetryCount":  json.Number(fmt.Sprint(retries)),
		},
	}
}

// runState runs one state, with its retries and catchers. It returns the state's output and
// the next state ("" at the end), or the error that fails the execution, or a non-nil err if
// the run was cancelled.
func (r *run) runState(ctx context.Context, st *state, input any) (any, string, *stateError, error) {
	attempts := make([]int, len(st.retry))
	retries := 0
	for {
		out, next, serr, err := r.attempt(ctx, st, input, r.stateContext(st, retries))
		if err != nil || serr == nil {
			return out, next, nil, err
		}
		r.event(Event{Type: EventStateFailed, State: st.name, Error: serr.name, Cause: serr.cause})
		if serr.terminal() {
			return nil, "", serr, nil
		}
		if i, ok := r.retrierFor(st, serr); ok && attempts[i] < st.retry[i].maxAttempts {
			delay := r.delay(st.retry[i], attempts[i])
			attempts[i]++
			retries++
			r.event(Event{Type: EventStateRetried, State: st.name, Error: serr.name, Attempt: retries, Delay: delay})
			if err := r.cfg.clock.Sleep(ctx, delay); err != nil {
				return nil, "", nil, err
			}
			continue
		}
		for _, c := range st.catch {
			if !matches(c.errors, serr) {
				continue
			}
			errOut := map[string]any{"Error": serr.name, "Cause": serr.cause}
			out, perr := applyResultPath(c.resultPath, input, errOut)
			if perr != nil {
				return nil, "", perr, nil
			}
			r.event(Event{Type: EventStateCaught, State: st.name, Error: serr.name, Cause: serr.cause})
			return out, c.next, nil, nil
		}
		return nil, "", serr, nil
	}
}

// retrierFor picks the first retrier whose ErrorEquals covers the error; as in Step
// Functions, a later retrier is not consulted once an earlier one matched.
func (r *run) retrierFor(st *state, e *stateError) (int, bool) {
	for i, rt := range st.retry {
		if matches(rt.errors, e) {
			return i, true
		}
	}
	return 0, false
}

// delay is IntervalSeconds × BackoffRate^n, capped at MaxDelaySeconds, and with FULL jitter a
// uniform draw from [0, that].
func (r *run) delay(rt retrier, n int) time.Duration {
	secs := rt.interval * math.Pow(rt.backoff, float64(n))
	if rt.maxDelay > 0 && secs > rt.maxDelay {
		secs = rt.maxDelay
	}
	if rt.jitter {
		secs *= r.cfg.rand.Float64()
	}
	return time.Duration(secs * float64(time.Second))
}

// attempt runs the state once: input processing, the state's own work, result processing.
func (r *run) attempt(ctx context.Context, st *state, raw any, ctxObj map[string]any) (any, string, *stateError, error) {
	in, serr := applyInputPath(st.inputPath, raw, ctxObj)
	if serr != nil {
		return nil, "", serr, nil
	}
	if st.parameters != nil {
		v, err := st.parameters.eval(in, ctxObj)
		if err != nil {
			return nil, "", asStateError(err), nil
		}
		in = v
	}
	var result any
	next := st.next
	switch st.typ {
	case "Task":
		v, serr, err := r.invoke(ctx, st, in)
		if err != nil || serr != nil {
			return nil, "", serr, err
		}
		result = v
	case "Pass":
		result = in
		if st.hasResult {
			result = st.result
		}
	case "Choice":
		target, serr := choose(st, in, ctxObj)
		if serr != nil {
			return nil, "", serr, nil
		}
		out, serr := applyOutputPath(st.outputPath, in, ctxObj)
		return out, target, serr, nil
	case "Succeed":
		out, serr := applyOutputPath(st.outputPath, in, ctxObj)
		return out, "", serr, nil
	case "Fail":
		return nil, "", failState(st, in, ctxObj), nil
	}
	if st.resultSelector != nil {
		v, err := st.resultSelector.eval(result, ctxObj)
		if err != nil {
			return nil, "", asStateError(err), nil
		}
		result = v
	}
	out, serr := applyResultPath(st.resultPath, raw, result)
	if serr != nil {
		return nil, "", serr, nil
	}
	out, serr = applyOutputPath(st.outputPath, out, ctxObj)
	if st.end {
		next = ""
	}
	return out, next, serr, nil
}

func asStateError(err error) *stateError {
	var serr *stateError
	if errors.As(err, &serr) {
		return serr
	}
	return runtimeError("%v", err)
}

type taskResult struct {
	out json.RawMessage
	err error
}

// invoke calls the task bound to the state's resource, bounded by TimeoutSeconds. A task that
// ignores its context is abandoned when the time is up, as Step Functions abandons a Lambda
// invocation; a panic becomes States.TaskFailed.
func (r *run) invoke(ctx context.Context, st *state, input any) (any, *stateError, error) {
	payload, err := encodeJSON(input)
	if err != nil {
		return nil, runtimeError("encode the task input: %v", err), nil
	}
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if st.timeout > 0 {
		tctx, cancel = r.cfg.clock.WithTimeout(ctx, st.timeout)
	}
	defer cancel()
	done := make(chan taskResult, 1)
	task := r.tasks[st.resource]
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- taskResult{err: &stateError{name: errTaskFailed, cause: fmt.Sprint("the task panicked: ", p)}}
			}
		}()
		out, err := task(tctx, payload)
		done <- taskResult{out: out, err: err}
	}()
	var res taskResult
	select {
	case res = <-done:
	case <-tctx.Done():
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	if errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return nil, &stateError{name: errTimeout, cause: fmt.Sprintf("the task did not finish within %s", st.timeout)}, nil
	}
	if res.err != nil {
		var serr *stateError
		if errors.As(res.err, &serr) && serr.name == errTaskFailed {
			return nil, serr, nil
		}
		return nil, taskError(res.err), nil
	}
	if len(res.out) == 0 {
		return nil, nil, nil
	}
	v, err := decodeJSON(res.out)
	if err != nil {
		return nil, &stateError{name: errTaskFailed, cause: fmt.Sprintf("the task output is not JSON: %v", err)}, nil
	}
	return v, nil, nil
}

func choose(st *state, in any, ctxObj map[string]any) (string, *stateError) {
	for _, rule := range st.choices {
		ok, err := rule.match(in, ctxObj)
		if err != nil {
			return "", asStateError(err)
		}
		if ok {
			return rule.next, nil
		}
	}
	if st.dflt != "" {
		return st.dflt, nil
	}
	return "", &stateError{name: errNoChoiceMatched, cause: fmt.Sprintf("no choice rule of %s matched and it has no Default", st.name)}
}

func failState(st *state, in any, ctxObj map[string]any) *stateError {
	e := &stateError{name: st.errorName, cause: st.cause}
	for _, f := range []struct {
		p   *path
		dst *string
	}{{st.errorPath, &e.name}, {st.causePath, &e.cause}} {
		if f.p == nil {
			continue
		}
		v, ok := f.p.get(in, ctxObj)
		s, isString := v.(string)
		if !ok || !isString {
			return runtimeError("the path %q of %s does not point to a string", f.p.src, st.name)
		}
		*f.dst = s
	}
	return e
}

func applyInputPath(op optPath, data any, ctxObj map[string]any) (any, *stateError) {
	switch {
	case !op.set:
		return data, nil
	case op.null:
		return map[string]any{}, nil
	}
	v, ok := op.p.get(data, ctxObj)
	if !ok {
		return nil, runtimeError("the InputPath %q points to no value", op.p.src)
	}
	return v, nil
}

func applyOutputPath(op optPath, data any, ctxObj map[string]any) (any, *stateError) {
	switch {
	case !op.set:
		return data, nil
	case op.null:
		return map[string]any{}, nil
	}
	v, ok := op.p.get(data, ctxObj)
	if !ok {
		return nil, runtimeError("the OutputPath %q points to no value", op.p.src)
	}
	return v, nil
}

func applyResultPath(op optPath, raw, result any) (any, *stateError) {
	switch {
	case !op.set:
		return result, nil
	case op.null:
		return raw, nil
	}
	out, ok := op.p.set(raw, result)
	if !ok {
		return nil, &stateError{name: errResultPathMismatch, cause: fmt.Sprintf("cannot place the result at %q in the state input", op.p.src)}
	}
	return out, nil
}
