package crosscheck

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/workflows/asl"
	"github.com/intake-project/intake/workflows/asl/asltest"
	"github.com/intake-project/intake/workflows/crosscheck/taskexec"
)

//go:embed localsfn.mjs
var driver []byte

// Result is how one runner ended one execution.
type Result struct {
	Status asl.Status      `json:"status"`
	Output json.RawMessage `json:"output,omitempty"`
	Error  string          `json:"error,omitempty"`
	Cause  string          `json:"cause,omitempty"`
	Path   []string        `json:"path"`
}

// Outcome pairs the two runners' results for one input; Go keeps the full execution with its
// history for further assertions.
type Outcome struct {
	Input     json.RawMessage
	Go        asl.Execution
	Reference Result
}

// Compare runs every input through the Go runner (tasks, in-process, on a fake clock) and
// through aws-local-stepfunctions (each Task state bound to the executable exe returns for
// it), and fails t for every input where status, output, error, cause or path of states
// differ. Tasks that keep state across attempts keep it under taskexec.StateDirEnv, which each
// runner gets fresh. Retry pauses are skipped in the reference (it has no fake clock) and
// faked in the Go runner, so neither waits.
func Compare(t *testing.T, def []byte, subs map[string]string, tasks map[string]steps.Task, exe func(stateName string) string, inputs []json.RawMessage) []Outcome {
	t.Helper()
	node := Node(t)
	toolDir := ToolDir(t)
	m, err := asl.Load(def, subs)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := asl.Substitute(def, subs)
	if err != nil {
		t.Fatal(err)
	}

	outcomes := make([]Outcome, len(inputs))
	t.Setenv(taskexec.StateDirEnv, t.TempDir())
	for i, in := range inputs {
		exec, err := m.Run(context.Background(), in, tasks,
			asl.WithClock(asltest.NewClock(time.Unix(0, 0))), asl.WithRandom(asltest.Random(0.5)))
		if err != nil {
			t.Fatalf("go runner, input %s: %v", in, err)
		}
		outcomes[i] = Outcome{Input: in, Go: exec}
	}

	refs, err := runReference(node, toolDir, t.TempDir(), resolved, m.TaskStates(), exe, inputs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range outcomes {
		outcomes[i].Reference = refs[i]
		if diff := difference(outcomes[i].Go, refs[i]); diff != "" {
			t.Errorf("input %s: runners differ: %s", inputs[i], diff)
		}
	}
	return outcomes
}

func runReference(node, toolDir, work string, def []byte, taskStates map[string]string, exe func(string) string, inputs []json.RawMessage) ([]Result, error) {
	bindings := map[string]string{}
	for state := range taskStates {
		bindings[state] = exe(state)
	}
	files := map[string][]byte{"driver.mjs": driver, "definition.json": def}
	b, err := json.Marshal(bindings)
	if err != nil {
		return nil, err
	}
	files["bindings.json"] = b
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(work, name), content, 0o600); err != nil {
			return nil, err
		}
	}
	var stdin bytes.Buffer
	for _, in := range inputs {
		if err := json.Compact(&stdin, in); err != nil {
			return nil, fmt.Errorf("input %s: %w", in, err)
		}
		stdin.WriteByte('\n')
	}
	stateDir := filepath.Join(work, "state")
	if err := os.Mkdir(stateDir, 0o700); err != nil {
		return nil, err
	}
	cmd := exec.Command(node, filepath.Join(work, "driver.mjs"), toolDir, filepath.Join(work, "definition.json"), filepath.Join(work, "bindings.json"))
	cmd.Env = append(os.Environ(), taskexec.StateDirEnv+"="+stateDir)
	cmd.Stdin = &stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("reference runner: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var results []Result
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("reference runner output %q: %w", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) != len(inputs) {
		return nil, fmt.Errorf("reference runner gave %d results for %d inputs: %s", len(results), len(inputs), stderr.String())
	}
	return results, nil
}

func difference(g asl.Execution, r Result) string {
	var diffs []string
	if string(g.Status) != string(r.Status) {
		diffs = append(diffs, fmt.Sprintf("status %s vs reference %s", g.Status, r.Status))
	}
	if !reflect.DeepEqual(g.Path, r.Path) {
		diffs = append(diffs, fmt.Sprintf("path %v vs reference %v", g.Path, r.Path))
	}
	if g.Error != r.Error || g.Cause != r.Cause {
		diffs = append(diffs, fmt.Sprintf("error %q (%q) vs reference %q (%q)", g.Error, g.Cause, r.Error, r.Cause))
	}
	if !sameJSON(g.Output, r.Output) {
		diffs = append(diffs, fmt.Sprintf("output %s vs reference %s", g.Output, r.Output))
	}
	return strings.Join(diffs, "; ")
}

func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// Commands builds the main package pkg (an import path whose main calls taskexec.Main) and
// returns, for each Task state of the definition, a link to the binary named after the
// state's resource, which is how taskexec.Main picks the task to run.
func Commands(t *testing.T, pkg string, def []byte, subs map[string]string) func(stateName string) string {
	t.Helper()
	m, err := asl.Load(def, subs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "taskcmd")
	build := exec.Command("go", "build", "-o", bin, pkg)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	links := map[string]string{}
	for state, resource := range m.TaskStates() {
		if resource == "" || resource == "." || resource == ".." || strings.ContainsRune(resource, filepath.Separator) {
			t.Fatalf("state %s: resource %q cannot name a file", state, resource)
		}
		link := filepath.Join(dir, "bin", resource)
		if err := os.MkdirAll(filepath.Dir(link), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(bin, link); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
		links[state] = link
	}
	return func(state string) string { return links[state] }
}
