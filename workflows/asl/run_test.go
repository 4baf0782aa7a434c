package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/workflows/asl"
	"github.com/intake-project/intake/workflows/asl/asltest"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// echo returns its input unchanged.
func echo(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil }

func constant(out string) steps.Task {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) { return json.RawMessage(out), nil }
}

func failing(err error) steps.Task {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, err }
}

// flaky fails with err on its first n calls, then returns out.
func flaky(n int, err error, out string) steps.Task {
	calls := 0
	return func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls++
		if calls <= n {
			return nil, err
		}
		return json.RawMessage(out), nil
	}
}

type namedError struct{}

func (namedError) Error() string     { return "named" }
func (namedError) ErrorName() string { return "Custom.Named" }

// single wraps one state definition into a machine that starts and ends with it.
func single(state string) string {
	return `{"StartAt":"S","States":{"S":` + state + `}}`
}

func jsonEqual(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output %s is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("output = %s, want %s", got, want)
	}
}

func TestRunProducesOutput(t *testing.T) {
	tests := []struct {
		name  string
		def   string
		input string
		tasks map[string]steps.Task
		want  string
		path  []string
	}{
		{
			name:  "pass result placed at result path",
			def:   single(`{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","End":true}`),
			input: `{"a":true}`,
			want:  `{"a":true,"r":{"x":1}}`,
		},
		{
			name:  "pass result path creates nested objects",
			def:   single(`{"Type":"Pass","Result":"v","ResultPath":"$.a.b.c","End":true}`),
			input: `{"a":{"z":0}}`,
			want:  `{"a":{"z":0,"b":{"c":"v"}}}`,
		},
		{
			name:  "pass without result passes its effective input",
			def:   single(`{"Type":"Pass","InputPath":"$.in","End":true}`),
			input: `{"in":{"k":"v"},"other":1}`,
			want:  `{"k":"v"}`,
		},
		{
			name:  "null result path keeps the input",
			def:   single(`{"Type":"Pass","Result":1,"ResultPath":null,"End":true}`),
			input: `{"keep":"me"}`,
			want:  `{"keep":"me"}`,
		},
		{
			name:  "null output path gives an empty object",
			def:   single(`{"Type":"Pass","OutputPath":null,"End":true}`),
			input: `{"drop":"me"}`,
			want:  `{}`,
		},
		{
			name:  "null input path gives an empty object",
			def:   single(`{"Type":"Pass","InputPath":null,"End":true}`),
			input: `{"drop":"me"}`,
			want:  `{}`,
		},
		{
			name:  "output path selects part of the result",
			def:   single(`{"Type":"Pass","Result":{"a":{"b":[10,20]}},"OutputPath":"$.a.b[1]","End":true}`),
			input: `{}`,
			want:  `20`,
		},
		{
			name: "parameters resolve paths, nested objects, arrays and literals",
			def: single(`{"Type":"Pass","Parameters":{"id.$":"$.id","lit":"x","nested":{"n.$":"$['odd key']"},
				"list":[{"v.$":"$.id"},2]},"End":true}`),
			input: `{"id":"s-1","odd key":7}`,
			want:  `{"id":"s-1","lit":"x","nested":{"n":7},"list":[{"v":"s-1"},2]}`,
		},
		{
			name:  "parameters read the context object",
			def:   single(`{"Type":"Pass","Parameters":{"in.$":"$$.Execution.Input","state.$":"$$.State.Name","name.$":"$$.Execution.Name"},"End":true}`),
			input: `{"submissionId":"s-9"}`,
			want:  `{"in":{"submissionId":"s-9"},"state":"S","name":"exec-1"}`,
		},
		{
			name: "intrinsic functions",
			def: single(`{"Type":"Pass","Parameters":{
				"f.$":"States.Format('id {} n {} ok {} none {} \\{lit\\} it\\'s', $.id, $.n, $.ok, $.none)",
				"j.$":"States.StringToJson($.s)",
				"s.$":"States.JsonToString($.o)",
				"a.$":"States.Array($.id, 1, States.Format('{}-{}', $.id, $.n))",
				"m.$":"States.JsonMerge($.o, $.p, false)"},"End":true}`),
			input: `{"id":"s-1","n":12.50,"ok":true,"none":null,"s":"{\"k\":[1,2]}","o":{"a":1,"b":{"c":2}},"p":{"b":3}}`,
			want: `{"f":"id s-1 n 12.50 ok true none null {lit} it's","j":{"k":[1,2]},"s":"{\"a\":1,\"b\":{\"c\":2}}",
				"a":["s-1",1,"s-1-12.50"],"m":{"a":1,"b":3}}`,
		},
		{
			name: "task result with result selector and result path",
			def: single(`{"Type":"Task","Resource":"t","Parameters":{"id.$":"$.id"},
				"ResultSelector":{"got.$":"$.id","fixed":1},"ResultPath":"$.r","End":true}`),
			input: `{"id":"s-1"}`,
			tasks: map[string]steps.Task{"t": echo},
			want:  `{"id":"s-1","r":{"got":"s-1","fixed":1}}`,
		},
		{
			name:  "task returning nothing yields null",
			def:   single(`{"Type":"Task","Resource":"t","ResultPath":"$.r","End":true}`),
			input: `{}`,
			tasks: map[string]steps.Task{"t": func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, nil }},
			want:  `{"r":null}`,
		},
		{
			name:  "succeed state applies its paths",
			def:   single(`{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}`),
			input: `{"a":{"b":"x"}}`,
			want:  `"x"`,
		},
		{
			name: "states follow Next in order",
			def: `{"StartAt":"A","States":{
				"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},
				"B":{"Type":"Task","Resource":"t","ResultPath":"$.b","Next":"C"},
				"C":{"Type":"Succeed"}}}`,
			input: `{}`,
			tasks: map[string]steps.Task{"t": constant(`"done"`)},
			want:  `{"a":1,"b":"done"}`,
			path:  []string{"A", "B", "C"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := asl.Load([]byte(tt.def), nil)
			if err != nil {
				t.Fatal(err)
			}
			exec, err := m.Run(context.Background(), json.RawMessage(tt.input), tt.tasks,
				asl.WithClock(asltest.NewClock(epoch)), asl.WithExecutionName("exec-1"))
			if err != nil {
				t.Fatal(err)
			}
			if exec.Status != asl.StatusSucceeded {
				t.Fatalf("status = %s (%s: %s), want SUCCEEDED", exec.Status, exec.Error, exec.Cause)
			}
			jsonEqual(t, exec.Output, tt.want)
			if tt.path != nil && !reflect.DeepEqual(exec.Path, tt.path) {
				t.Errorf("path = %v, want %v", exec.Path, tt.path)
			}
		})
	}
}

func TestChoiceRules(t *testing.T) {
	input := `{"s":"beta","n":10,"f":2.5,"b":true,"z":null,"t":"2026-01-02T03:04:05Z","o":"beta","m":10,"txt":"a/b*c"}`
	tests := []struct {
		rule string
		want bool
	}{
		{`"Variable":"$.s","StringEquals":"beta"`, true},
		{`"Variable":"$.s","StringEquals":"alpha"`, false},
		{`"Variable":"$.s","StringLessThan":"gamma"`, true},
		{`"Variable":"$.s","StringGreaterThanEquals":"beta"`, true},
		{`"Variable":"$.s","StringEqualsPath":"$.o"`, true},
		{`"Variable":"$.txt","StringMatches":"a/*\\*c"`, true},
		{`"Variable":"$.txt","StringMatches":"a*d"`, false},
		{`"Variable":"$.n","NumericEquals":10`, true},
		{`"Variable":"$.n","NumericEquals":10.0`, true},
		{`"Variable":"$.f","NumericLessThan":3`, true},
		{`"Variable":"$.f","NumericGreaterThan":3`, false},
		{`"Variable":"$.n","NumericLessThanEqualsPath":"$.m"`, true},
		{`"Variable":"$.s","NumericEquals":10`, false},
		{`"Variable":"$.b","BooleanEquals":true`, true},
		{`"Variable":"$.n","BooleanEquals":true`, false},
		{`"Variable":"$.t","TimestampGreaterThan":"2026-01-01T00:00:00Z"`, true},
		{`"Variable":"$.t","TimestampEquals":"2026-01-02T04:04:05+01:00"`, true},
		{`"Variable":"$.z","IsNull":true`, true},
		{`"Variable":"$.s","IsNull":true`, false},
		{`"Variable":"$.missing","IsPresent":false`, true},
		{`"Variable":"$.s","IsPresent":true`, true},
		{`"Variable":"$.n","IsNumeric":true`, true},
		{`"Variable":"$.s","IsString":true`, true},
		{`"Variable":"$.b","IsBoolean":true`, true},
		{`"Variable":"$.t","IsTimestamp":true`, true},
		{`"Variable":"$.s","IsTimestamp":true`, false},
		{`"And":[{"Variable":"$.b","BooleanEquals":true},{"Variable":"$.n","NumericGreaterThan":5}]`, true},
		{`"And":[{"Variable":"$.b","BooleanEquals":true},{"Variable":"$.n","NumericGreaterThan":50}]`, false},
		{`"Or":[{"Variable":"$.b","BooleanEquals":false},{"Variable":"$.n","NumericGreaterThan":5}]`, true},
		{`"Not":{"Variable":"$.s","StringEquals":"beta"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			def := `{"StartAt":"C","States":{
				"C":{"Type":"Choice","Choices":[{` + tt.rule + `,"Next":"Yes"}],"Default":"No"},
				"Yes":{"Type":"Succeed"},"No":{"Type":"Succeed"}}}`
			m, err := asl.Load([]byte(def), nil)
			if err != nil {
				t.Fatal(err)
			}
			exec, err := m.Run(context.Background(), json.RawMessage(input), nil, asl.WithClock(asltest.NewClock(epoch)))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"C", "No"}
			if tt.want {
				want = []string{"C", "Yes"}
			}
			if !reflect.DeepEqual(exec.Path, want) {
				t.Errorf("path = %v, want %v", exec.Path, want)
			}
		})
	}
}

func TestRunFails(t *testing.T) {
	tests := []struct {
		name      string
		def       string
		tasks     map[string]steps.Task
		wantError string
		wantCause string
	}{
		{
			name:      "fail state with fixed error and cause",
			def:       single(`{"Type":"Fail","Error":"Bad","Cause":"why"}`),
			wantError: "Bad", wantCause: "why",
		},
		{
			name:      "fail state takes error and cause from paths",
			def:       single(`{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`),
			wantError: "E", wantCause: "C",
		},
		{
			name:      "task error named after its Go type",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": failing(errors.New("plain"))},
			wantError: "errorString", wantCause: "plain",
		},
		{
			name:      "transient error named Transient",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": failing(&steps.Transient{Err: errors.New("busy")})},
			wantError: "Transient", wantCause: "transient: busy",
		},
		{
			name:      "wrapped transient error named after the wrapper as on Lambda",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": failing(fmt.Errorf("file: %w", &steps.Transient{Err: errors.New("busy")}))},
			wantError: "wrapError", wantCause: "file: transient: busy",
		},
		{
			name:      "error naming itself",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": failing(namedError{})},
			wantError: "Custom.Named", wantCause: "named",
		},
		{
			name:      "lambda invoke error keeps its type",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": failing(messages.InvokeResponse_Error{Type: "Lambda.Custom", Message: "m"})},
			wantError: "Lambda.Custom", wantCause: "m",
		},
		{
			name: "panicking task fails with States.TaskFailed",
			def:  single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks: map[string]steps.Task{"t": func(context.Context, json.RawMessage) (json.RawMessage, error) {
				panic("boom")
			}},
			wantError: "States.TaskFailed", wantCause: "the task panicked: boom",
		},
		{
			name:      "task output that is not JSON",
			def:       single(`{"Type":"Task","Resource":"t","End":true}`),
			tasks:     map[string]steps.Task{"t": constant(`{not json`)},
			wantError: "States.TaskFailed",
		},
		{
			name:      "missing parameter path is a runtime error that Catch does not catch",
			def:       `{"StartAt":"S","States":{"S":{"Type":"Pass","Parameters":{"x.$":"$.nope"},"End":true}}}`,
			wantError: "States.Runtime",
		},
		{
			name: "runtime error skips retry and catch",
			def: single(`{"Type":"Task","Resource":"t","Parameters":{"x.$":"$.nope"},
				"Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"S"}],"End":true}`),
			tasks:     map[string]steps.Task{"t": echo},
			wantError: "States.Runtime",
		},
		{
			name: "result path into a non-object",
			def: `{"StartAt":"A","States":{"A":{"Type":"Pass","OutputPath":"$.e","Next":"S"},
				"S":{"Type":"Pass","Result":1,"ResultPath":"$.x","End":true}}}`,
			wantError: "States.ResultPathMatchFailure",
		},
		{
			name:      "choice with no match and no default",
			def:       single(`{"Type":"Choice","Choices":[{"Variable":"$.e","StringEquals":"no","Next":"S"}]}`),
			wantError: "States.NoChoiceMatched",
		},
		{
			name:      "choice on a missing variable",
			def:       single(`{"Type":"Choice","Choices":[{"Variable":"$.nope","StringEquals":"no","Next":"S"}],"Default":"S"}`),
			wantError: "States.Runtime",
		},
		{
			name:      "uncaught error after retries",
			def:       single(`{"Type":"Task","Resource":"t","Retry":[{"ErrorEquals":["errorString"],"MaxAttempts":2}],"End":true}`),
			tasks:     map[string]steps.Task{"t": failing(errors.New("still"))},
			wantError: "errorString", wantCause: "still",
		},
		{
			name:      "catcher not matching lets the error fail the execution",
			def:       single(`{"Type":"Task","Resource":"t","Catch":[{"ErrorEquals":["Other"],"Next":"S"}],"End":true}`),
			tasks:     map[string]steps.Task{"t": failing(errors.New("x"))},
			wantError: "errorString", wantCause: "x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := asl.Load([]byte(tt.def), nil)
			if err != nil {
				t.Fatal(err)
			}
			exec, err := m.Run(context.Background(), json.RawMessage(`{"e":"E","c":"C"}`), tt.tasks, asl.WithClock(asltest.NewClock(epoch)))
			if err != nil {
				t.Fatal(err)
			}
			if exec.Status != asl.StatusFailed {
				t.Fatalf("status = %s, want FAILED", exec.Status)
			}
			if exec.Error != tt.wantError {
				t.Errorf("error = %q (cause %q), want %q", exec.Error, exec.Cause, tt.wantError)
			}
			if tt.wantCause != "" && exec.Cause != tt.wantCause {
				t.Errorf("cause = %q, want %q", exec.Cause, tt.wantCause)
			}
			if exec.Output != nil {
				t.Errorf("output = %s, want none", exec.Output)
			}
		})
	}
}

func TestRetryDelays(t *testing.T) {
	tests := []struct {
		name     string
		retrier  string
		failures int
		random   float64
		want     []time.Duration
		status   asl.Status
	}{
		{
			name:     "exponential backoff",
			retrier:  `{"ErrorEquals":["Transient"],"IntervalSeconds":1,"BackoffRate":2,"MaxAttempts":3}`,
			failures: 3, want: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
			status: asl.StatusSucceeded,
		},
		{
			name:     "capped at MaxDelaySeconds",
			retrier:  `{"ErrorEquals":["Transient"],"IntervalSeconds":3,"BackoffRate":3,"MaxAttempts":4,"MaxDelaySeconds":20}`,
			failures: 4, want: []time.Duration{3 * time.Second, 9 * time.Second, 20 * time.Second, 20 * time.Second},
			status: asl.StatusSucceeded,
		},
		{
			name:     "full jitter draws a fraction of the capped delay",
			retrier:  `{"ErrorEquals":["Transient"],"IntervalSeconds":2,"BackoffRate":2,"MaxAttempts":3,"MaxDelaySeconds":5,"JitterStrategy":"FULL"}`,
			failures: 3, random: 0.25, want: []time.Duration{500 * time.Millisecond, time.Second, 1250 * time.Millisecond},
			status: asl.StatusSucceeded,
		},
		{
			name:     "jitter NONE ignores the random source",
			retrier:  `{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"BackoffRate":1.5,"JitterStrategy":"NONE"}`,
			failures: 2, random: 0.25, want: []time.Duration{time.Second, 1500 * time.Millisecond},
			status: asl.StatusSucceeded,
		},
		{
			name:     "defaults: one second, rate two, three attempts",
			retrier:  `{"ErrorEquals":["States.TaskFailed"]}`,
			failures: 4, want: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
			status: asl.StatusFailed,
		},
		{
			name:     "MaxAttempts zero never retries",
			retrier:  `{"ErrorEquals":["Transient"],"MaxAttempts":0}`,
			failures: 1, want: nil,
			status: asl.StatusFailed,
		},
		{
			name:     "an error no retrier names is not retried",
			retrier:  `{"ErrorEquals":["Other"]}`,
			failures: 1, want: nil,
			status: asl.StatusFailed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := single(`{"Type":"Task","Resource":"t","Retry":[` + tt.retrier + `],"End":true}`)
			m, err := asl.Load([]byte(def), nil)
			if err != nil {
				t.Fatal(err)
			}
			clock := asltest.NewClock(epoch)
			task := flaky(tt.failures, &steps.Transient{Err: errors.New("busy")}, `"ok"`)
			exec, err := m.Run(context.Background(), json.RawMessage(`{}`), map[string]steps.Task{"t": task},
				asl.WithClock(clock), asl.WithRandom(asltest.Random(tt.random)))
			if err != nil {
				t.Fatal(err)
			}
			if exec.Status != tt.status {
				t.Fatalf("status = %s (%s), want %s", exec.Status, exec.Error, tt.status)
			}
			if got := clock.Sleeps(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sleeps = %v, want %v", got, tt.want)
			}
			var retried []time.Duration
			for _, e := range exec.History {
				if e.Type == asl.EventStateRetried {
					retried = append(retried, e.Delay)
					if e.Attempt != len(retried) {
						t.Errorf("retry event attempt = %d, want %d", e.Attempt, len(retried))
					}
				}
			}
			if !reflect.DeepEqual(retried, tt.want) {
				t.Errorf("history retry delays = %v, want %v", retried, tt.want)
			}
			if !reflect.DeepEqual(exec.Path, []string{"S"}) {
				t.Errorf("path = %v: retries must not re-enter the state", exec.Path)
			}
		})
	}
}

func TestFullJitterStaysWithinDelay(t *testing.T) {
	def := single(`{"Type":"Task","Resource":"t","Retry":[{"ErrorEquals":["Transient"],"IntervalSeconds":1,
		"BackoffRate":2,"MaxAttempts":6,"MaxDelaySeconds":10,"JitterStrategy":"FULL"}],"End":true}`)
	m, err := asl.Load([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	caps := []time.Duration{1, 2, 4, 8, 10, 10}
	for run := range 50 {
		clock := asltest.NewClock(epoch)
		task := flaky(6, &steps.Transient{Err: errors.New("busy")}, `1`)
		if _, err := m.Run(context.Background(), json.RawMessage(`{}`), map[string]steps.Task{"t": task}, asl.WithClock(clock)); err != nil {
			t.Fatal(err)
		}
		sleeps := clock.Sleeps()
		if len(sleeps) != len(caps) {
			t.Fatalf("run %d: %d sleeps, want %d", run, len(sleeps), len(caps))
		}
		for i, d := range sleeps {
			if d < 0 || d > caps[i]*time.Second {
				t.Errorf("run %d: sleep %d = %v, outside [0, %v]", run, i, d, caps[i]*time.Second)
			}
		}
	}
}

func TestRetrierOrderAndCounters(t *testing.T) {
	// The first matching retrier is used even when exhausted; each retrier counts its own attempts.
	def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"t","Retry":[
		{"ErrorEquals":["Transient"],"IntervalSeconds":1,"MaxAttempts":1},
		{"ErrorEquals":["States.ALL"],"IntervalSeconds":7,"MaxAttempts":5}],
		"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`
	m, err := asl.Load([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	task := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls++
		if calls == 2 {
			return nil, errors.New("other")
		}
		return nil, &steps.Transient{Err: errors.New("busy")}
	}
	clock := asltest.NewClock(epoch)
	exec, err := m.Run(context.Background(), json.RawMessage(`{"id":1}`), map[string]steps.Task{"t": task}, asl.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	wantSleeps := []time.Duration{time.Second, 7 * time.Second}
	if got := clock.Sleeps(); !reflect.DeepEqual(got, wantSleeps) {
		t.Errorf("sleeps = %v, want %v", got, wantSleeps)
	}
	if calls != 3 {
		t.Errorf("calls = %d, want 3", calls)
	}
	jsonEqual(t, exec.Output, `{"id":1,"err":{"Error":"Transient","Cause":"transient: busy"}}`)
	if want := []string{"S", "Caught"}; !reflect.DeepEqual(exec.Path, want) {
		t.Errorf("path = %v, want %v", exec.Path, want)
	}
}

func TestCatch(t *testing.T) {
	tests := []struct {
		name    string
		catcher string
		want    string
	}{
		{"error output at result path", `{"ErrorEquals":["errorString"],"ResultPath":"$.error","Next":"H"}`, `{"id":"s","error":{"Error":"errorString","Cause":"nope"}}`},
		{"error output replaces input by default", `{"ErrorEquals":["States.ALL"],"Next":"H"}`, `{"Error":"errorString","Cause":"nope"}`},
		{"null result path keeps the input", `{"ErrorEquals":["States.TaskFailed"],"ResultPath":null,"Next":"H"}`, `{"id":"s"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"t","Catch":[` + tt.catcher + `],"End":true},"H":{"Type":"Succeed"}}}`
			m, err := asl.Load([]byte(def), nil)
			if err != nil {
				t.Fatal(err)
			}
			exec, err := m.Run(context.Background(), json.RawMessage(`{"id":"s"}`), map[string]steps.Task{"t": failing(errors.New("nope"))},
				asl.WithClock(asltest.NewClock(epoch)))
			if err != nil {
				t.Fatal(err)
			}
			if exec.Status != asl.StatusSucceeded {
				t.Fatalf("status = %s, want SUCCEEDED", exec.Status)
			}
			jsonEqual(t, exec.Output, tt.want)
			var caught bool
			for _, e := range exec.History {
				caught = caught || e.Type == asl.EventStateCaught && e.Error == "errorString"
			}
			if !caught {
				t.Error("history has no StateCaught event")
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name string
		task func(clock *asltest.Clock) steps.Task
	}{
		{"task that honours its context", func(clock *asltest.Clock) steps.Task {
			return func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
				clock.Advance(6 * time.Second)
				<-ctx.Done()
				return nil, ctx.Err()
			}
		}},
		{"task that ignores its context", func(clock *asltest.Clock) steps.Task {
			return func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
				clock.Advance(6 * time.Second)
				select {}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"t","TimeoutSeconds":5,
				"Retry":[{"ErrorEquals":["States.TaskFailed"]}],
				"Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.e","Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`
			m, err := asl.Load([]byte(def), nil)
			if err != nil {
				t.Fatal(err)
			}
			clock := asltest.NewClock(epoch)
			exec, err := m.Run(context.Background(), json.RawMessage(`{}`), map[string]steps.Task{"t": tt.task(clock)}, asl.WithClock(clock))
			if err != nil {
				t.Fatal(err)
			}
			if len(clock.Sleeps()) != 0 {
				t.Errorf("States.TaskFailed must not retry a timeout; slept %v", clock.Sleeps())
			}
			var out struct{ E struct{ Error string } }
			if err := json.Unmarshal(exec.Output, &out); err != nil {
				t.Fatal(err)
			}
			if out.E.Error != "States.Timeout" {
				t.Errorf("caught %q, want States.Timeout", out.E.Error)
			}
		})
	}
}

func TestRunRefuses(t *testing.T) {
	m, err := asl.Load([]byte(single(`{"Type":"Task","Resource":"t","End":true}`)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(context.Background(), json.RawMessage(`{}`), map[string]steps.Task{}); err == nil || !strings.Contains(err.Error(), "no task bound to t") {
		t.Errorf("unbound resource: err = %v", err)
	}
	if _, err := m.Run(context.Background(), json.RawMessage(`{`), map[string]steps.Task{"t": echo}); err == nil {
		t.Error("invalid input JSON: want an error")
	}
}

func TestCancelledRunAborts(t *testing.T) {
	def := single(`{"Type":"Task","Resource":"t","Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}`)
	m, err := asl.Load([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	task := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		cancel()
		return nil, errors.New("fails while shutting down")
	}
	exec, err := m.Run(ctx, json.RawMessage(`{}`), map[string]steps.Task{"t": task}, asl.WithClock(asltest.NewClock(epoch)))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if exec.Status != asl.StatusAborted {
		t.Errorf("status = %s, want ABORTED", exec.Status)
	}
}

func TestHistoryRecordsStates(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"t","Retry":[{"ErrorEquals":["Transient"]}],"Next":"B"},"B":{"Type":"Succeed"}}}`
	m, err := asl.Load([]byte(def), nil)
	if err != nil {
		t.Fatal(err)
	}
	task := flaky(1, &steps.Transient{Err: errors.New("busy")}, `{"r":1}`)
	exec, err := m.Run(context.Background(), json.RawMessage(`{"in":1}`), map[string]steps.Task{"t": task}, asl.WithClock(asltest.NewClock(epoch)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range exec.History {
		got = append(got, string(e.Type)+" "+e.State)
	}
	want := []string{"StateEntered A", "StateFailed A", "StateRetried A", "StateExited A", "StateEntered B", "StateExited B", "ExecutionSucceeded "}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history = %q\nwant %q", got, want)
	}
	jsonEqual(t, exec.History[0].Input, `{"in":1}`)
	jsonEqual(t, exec.History[3].Output, `{"r":1}`)
	if !exec.History[2].Time.Equal(epoch) || !exec.History[3].Time.Equal(epoch.Add(time.Second)) {
		t.Errorf("retry times = %v, %v: want the fake clock's", exec.History[2].Time, exec.History[3].Time)
	}
}
