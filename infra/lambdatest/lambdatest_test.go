package lambdatest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/intake-project/intake/shared/store"
)

// taskFunctions are the state machine's task functions: their sample events are
// events/steps/<function>.json (or <function>-<case>.json); every other function's are
// events/<function>/*.json.
var taskFunctions = []string{"validate", "markrejected", "dedupe", "score", "file", "markfailed"}

// eventsOf lists a function's sample events.
func eventsOf(t *testing.T, fn string) []string {
	t.Helper()
	root := repoRoot(t)
	var patterns []string
	if slices.Contains(taskFunctions, fn) {
		patterns = []string{"events/steps/" + fn + ".json", "events/steps/" + fn + "-*.json"}
	} else {
		patterns = []string{"events/" + fn + "/*.json"}
	}
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	return out
}

// checks say what a successful answer to a function's sample event must hold.
var checks = map[string]func(t *testing.T, resp json.RawMessage, st store.Store, subID string){
	"validate": func(t *testing.T, resp json.RawMessage, _ store.Store, _ string) {
		var v struct{ Valid bool }
		decode(t, resp, &v)
		if !v.Valid {
			t.Errorf("validation = %s, want valid", resp)
		}
	},
	"markrejected": statusIs(store.StatusRejected),
	"dedupe": func(t *testing.T, resp json.RawMessage, _ store.Store, _ string) {
		var d struct{ Decision string }
		decode(t, resp, &d)
		if d.Decision != "NEW" {
			t.Errorf("decision = %q, want NEW on an empty table", d.Decision)
		}
	},
	"score": func(t *testing.T, resp json.RawMessage, _ store.Store, _ string) {
		var s struct {
			Scores struct{ RulesVersion string }
		}
		decode(t, resp, &s)
		if s.Scores.RulesVersion == "" {
			t.Errorf("score = %s, want scores with their rules version", resp)
		}
	},
	"file":       statusIs(store.StatusFiled),
	"markfailed": statusIs(store.StatusFailed),
	"api": func(t *testing.T, resp json.RawMessage, _ store.Store, _ string) {
		var r events.APIGatewayV2HTTPResponse
		decode(t, resp, &r)
		if r.StatusCode < 200 || r.StatusCode >= 500 {
			t.Errorf("status %d, want a 2xx-4xx answer; body %s", r.StatusCode, r.Body)
		}
	},
	"sweep": runIs("sweep"),
	"purge": runIs("purge"),
}

// statusIs checks a step's result and the stored submission for a status.
func statusIs(want store.Status) func(*testing.T, json.RawMessage, store.Store, string) {
	return func(t *testing.T, resp json.RawMessage, st store.Store, subID string) {
		var r struct{ Status store.Status }
		decode(t, resp, &r)
		if r.Status != want {
			t.Errorf("result status = %q, want %q", r.Status, want)
		}
		sub, err := st.GetSubmission(context.Background(), subID)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != want {
			t.Errorf("stored status = %q, want %q", sub.Status, want)
		}
	}
}

// runIs checks a hygiene report.
func runIs(want string) func(*testing.T, json.RawMessage, store.Store, string) {
	return func(t *testing.T, resp json.RawMessage, _ store.Store, _ string) {
		var r struct{ Run string }
		decode(t, resp, &r)
		if r.Run != want {
			t.Errorf("report = %s, want a %s report", resp, want)
		}
	}
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("answer %s: %v", raw, err)
	}
}

func TestEveryFunctionHasSampleEventsAndEveryEventAFunction(t *testing.T) {
	root := repoRoot(t)
	claimed := map[string]bool{}
	for _, fn := range functionDirs(t) {
		list := eventsOf(t, fn)
		if len(list) == 0 {
			t.Errorf("functions/%s has no sample events", fn)
		}
		if _, ok := checks[fn]; !ok {
			t.Errorf("functions/%s: no check for its sample events' answers", fn)
		}
		for _, e := range list {
			claimed[e] = true
		}
	}
	err := filepath.WalkDir(filepath.Join(root, "events"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && !claimed[path] {
			rel, _ := filepath.Rel(root, path)
			t.Errorf("%s belongs to no function", rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Each sample event, run through its built function on a fresh table holding the submission
// the event names, is answered without an error, and the answer holds what the function does.
func TestSampleEventsRunThroughTheBinaries(t *testing.T) {
	f := newFixture(t)
	for _, fn := range functionDirs(t) {
		for _, path := range eventsOf(t, fn) {
			t.Run(fn+"/"+filepath.Base(path), func(t *testing.T) {
				event, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				table, st := f.newTable(t)
				var named struct {
					SubmissionID string `json:"submissionId"`
				}
				_ = json.Unmarshal(event, &named)
				if named.SubmissionID != "" {
					seed(t, st, named.SubmissionID)
				}
				p := f.start(t, fn, f.env(t, f.function(t, fn), table))
				before := len(f.aws.executions())
				resp := succeed(t, p, event)
				checks[fn](t, resp, st, named.SubmissionID)
				if fn == "api" {
					// An accepted submission starts its workflow on the state machine the
					// template names, with an execution named by the submission.
					var r events.APIGatewayV2HTTPResponse
					decode(t, resp, &r)
					started := f.aws.executions()[before:]
					if accepted := r.StatusCode == 202 || r.StatusCode == 303; accepted != (len(started) == 1) {
						t.Errorf("status %d, and %d executions started", r.StatusCode, len(started))
					}
				}
			})
		}
	}
}

// The state machine's happy path, step by step through the binaries, each fed what the
// definition's Parameters would give it: a submission ends FILED on a new customer, and a
// second submission of the same person is matched to that customer through the lookup keys,
// hashed under the secret the functions fetched from (fake) Secrets Manager.
func TestWorkflowFilesSubmissionsThroughTheBinaries(t *testing.T) {
	f := newFixture(t)
	table, st := f.newTable(t)
	procs := map[string]*Process{}
	for _, fn := range []string{"validate", "dedupe", "score", "file"} {
		procs[fn] = f.start(t, fn, f.env(t, f.function(t, fn), table))
	}
	run := func(id string) (dedupe map[string]any, outcome map[string]any) {
		seed(t, st, id)
		in := func(fields map[string]any) []byte {
			fields["submissionId"] = id
			b, err := json.Marshal(fields)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		var validation struct{ Valid bool }
		decode(t, succeed(t, procs["validate"], in(map[string]any{})), &validation)
		if !validation.Valid {
			t.Fatalf("submission %s: not valid", id)
		}
		decode(t, succeed(t, procs["dedupe"], in(map[string]any{})), &dedupe)
		var score map[string]any
		decode(t, succeed(t, procs["score"], in(map[string]any{"dedupe": dedupe})), &score)
		decode(t, succeed(t, procs["file"], in(map[string]any{"dedupe": dedupe, "score": score})), &outcome)
		return dedupe, outcome
	}

	first, filed := run("01jx5v0c3k00000000000000a1")
	if first["decision"] != "NEW" || filed["status"] != string(store.StatusFiled) {
		t.Fatalf("first submission: dedupe %v, outcome %v; want NEW and FILED", first, filed)
	}
	sub, err := st.GetSubmission(context.Background(), "01jx5v0c3k00000000000000a1")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != store.StatusFiled || sub.Outcome == nil || sub.Outcome.CustomerID != filed["customerId"] {
		t.Fatalf("stored submission: status %s, outcome %+v; want FILED on customer %v", sub.Status, sub.Outcome, filed["customerId"])
	}
	if _, err := st.GetCustomer(context.Background(), sub.Outcome.CustomerID); err != nil {
		t.Fatalf("filed customer: %v", err)
	}

	second, again := run("01jx5v0c3k00000000000000a2")
	if second["decision"] != "MATCH" || second["customerId"] != filed["customerId"] {
		t.Errorf("second submission of the same person: dedupe %v, want MATCH on %v", second, filed["customerId"])
	}
	if again["status"] != string(store.StatusFiled) || again["customerId"] != filed["customerId"] {
		t.Errorf("second submission: outcome %v, want FILED on %v", again, filed["customerId"])
	}
	if got := f.aws.reads(); got < len(procs) {
		t.Errorf("Secrets Manager was read %d times, want once per cold start (%d)", got, len(procs))
	}
}

// Errors reach Lambda as the steps return them: a transient one named Transient (the name the
// state machine retries), a permanent one under another name, undecodable input as the
// runtime's decoding error; each as an invocation error with a type and a message.
func TestStepErrorsReachLambdaByTypeName(t *testing.T) {
	f := newFixture(t)
	table, _ := f.newTable(t)
	tests := []struct {
		name     string
		table    string
		event    string
		wantType string
		notType  string
		wantMsg  string
	}{
		{name: "store unreachable is transient", table: "no-such-table", event: `{"submissionId":"01jx5v0c3k00000000000000b1"}`,
			wantType: "Transient", wantMsg: "read submission"},
		{name: "unknown submission is permanent", table: table, event: `{"submissionId":"01jx5v0c3k00000000000000b2"}`,
			notType: "Transient", wantMsg: "01jx5v0c3k00000000000000b2"},
		{name: "undecodable input", table: table, event: `{"submissionId":7}`,
			wantType: "UnmarshalTypeError", wantMsg: "submissionId"},
		{name: "empty submission ID", table: table, event: `{}`,
			wantType: "BadInput", wantMsg: "submissionId is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := f.env(t, f.function(t, "validate"), tt.table)
			p := f.start(t, "validate", env)
			res := invoke(t, p, []byte(tt.event))
			if res.Err == nil {
				t.Fatalf("answer %s, want an error", res.Response)
			}
			if tt.wantType != "" && res.Err.ErrorType != tt.wantType {
				t.Errorf("errorType = %q, want %q (message %q)", res.Err.ErrorType, tt.wantType, res.Err.ErrorMessage)
			}
			if tt.notType != "" && res.Err.ErrorType == tt.notType {
				t.Errorf("errorType = %q, want anything else", res.Err.ErrorType)
			}
			if !strings.Contains(res.Err.ErrorMessage, tt.wantMsg) {
				t.Errorf("errorMessage = %q, want it to mention %q", res.Err.ErrorMessage, tt.wantMsg)
			}
			// A failed invocation leaves the function serving the next one.
			if exited, code := p.Exited(100 * time.Millisecond); exited {
				t.Errorf("the function exited (code %d) after an invocation error", code)
			}
		})
	}
}

// A function that cannot be configured fails its init: it never asks for an event, and exits.
// Functions built on shared/lambdaenv report why to the Runtime API's init/error.
func TestBrokenConfigurationFailsInit(t *testing.T) {
	f := newFixture(t)
	table, _ := f.newTable(t)
	for _, fn := range functionDirs(t) {
		t.Run(fn+"/table unset", func(t *testing.T) {
			tf := f.function(t, fn)
			env := f.env(t, tf, table)
			removed := ""
			for name, v := range tf.Env {
				if ref, ok := v.(map[string]any); ok && ref["Ref"] == "IntakeTable" {
					delete(env, name)
					removed = name
				}
			}
			if removed == "" {
				t.Fatalf("%s: no environment variable names the table", tf.LogicalID)
			}
			fe := failInit(t, f, fn, env)
			if usesLambdaenv(t, fn) {
				if fe == nil {
					t.Fatal("no init/error posted")
				}
				if fe.ErrorType != "ConfigError" || !strings.Contains(fe.ErrorMessage, removed) {
					t.Errorf("init error %s: %q, want a ConfigError naming %s", fe.ErrorType, fe.ErrorMessage, removed)
				}
			}
		})
	}
	t.Run("validate/secret unavailable", func(t *testing.T) {
		env := f.env(t, f.function(t, "validate"), table)
		env["LOOKUP_SECRET_ARN"] = secretARN + "-gone"
		fe := failInit(t, f, "validate", env)
		if fe == nil || fe.ErrorType != "InitError" || !strings.Contains(fe.ErrorMessage, "lookup key secret") {
			t.Errorf("init error %+v, want an InitError about the lookup key secret", fe)
		}
	})
}

// failInit starts a function that must fail its init and returns the init error it posted, if any.
func failInit(t *testing.T, f *fixture, fn string, env map[string]string) *FunctionError {
	t.Helper()
	p, err := Start(binary(t, fn), Env(env), "arn:aws:lambda:us-east-1:123456789012:function:"+fn, invokeTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout)
	defer cancel()
	fe, err := p.Ready(ctx)
	switch {
	case fe != nil:
	case err == nil:
		t.Fatalf("%s started without its configuration", fn)
	case !strings.Contains(err.Error(), ErrExited.Error()):
		t.Fatal(err)
	}
	exited, code := p.Exited(invokeTimeout)
	if !exited || code == 0 {
		t.Errorf("%s: exited %v with code %d, want a non-zero exit", fn, exited, code)
	}
	return fe
}

// usesLambdaenv reports whether a function is built on shared/lambdaenv.
func usesLambdaenv(t *testing.T, fn string) bool {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "./functions/"+fn)
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", fn, err)
	}
	return slices.Contains(strings.Fields(string(out)), "github.com/intake-project/intake/shared/lambdaenv")
}
