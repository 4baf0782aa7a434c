package workflows_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
	"github.com/intake-project/intake/workflows/crosscheck"
)

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)

// withARNs replaces each "${Name}" with a well-formed Lambda ARN, which statelint requires of
// a Task Resource.
func withARNs(def []byte) []byte {
	return placeholder.ReplaceAll(def, []byte("arn:aws:lambda:us-east-1:123456789012:function:$1"))
}

// definitions returns every *.asl.json under this folder, placeholders replaced, written to a
// temporary folder.
func definitions(t *testing.T) []string {
	t.Helper()
	var files []string
	dir := t.TempDir()
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".asl.json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, strings.ReplaceAll(path, string(filepath.Separator), "_"))
		files = append(files, out)
		return os.WriteFile(out, withARNs(b), 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no *.asl.json found")
	}
	return files
}

func TestDefinitionsPassValidators(t *testing.T) {
	files := definitions(t)
	node := crosscheck.Node(t)
	validators := []struct {
		name string
		bin  string
		args func(files []string) []string
	}{
		{"asl-validator", "node_modules/asl-validator/dist/bin/asl-validator.js", func(files []string) []string {
			var args []string
			for _, f := range files {
				args = append(args, "--json-path", f)
			}
			return args
		}},
		{"statelint", "node_modules/@wmfs/statelint/bin/statelint.js", func(files []string) []string { return files }},
	}
	for _, v := range validators {
		t.Run(v.name, func(t *testing.T) {
			script := crosscheck.Tool(t, v.bin)
			out, err := exec.Command(node, append([]string{script}, v.args(files)...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", v.name, err, out)
			}
			if strings.Contains(strings.ToLower(string(out)), "error") || strings.Contains(string(out), "invalid") {
				t.Errorf("%s complained:\n%s", v.name, out)
			}
		})
	}
}

func TestDefinitionLoadsInTheGoRunner(t *testing.T) {
	m, err := asl.Load(workflows.Definition, map[string]string{
		"ValidateFunctionArn": "v", "MarkRejectedFunctionArn": "r", "DedupeFunctionArn": "d",
		"ScoreFunctionArn": "s", "FileFunctionArn": "f", "MarkFailedFunctionArn": "m",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Resources(), []string{"d", "f", "m", "r", "s", "v"}; !slices.Equal(got, want) {
		t.Errorf("resources = %v, want %v", got, want)
	}
}

// TestEveryTaskFollowsTheErrorPolicy guards the policy docs/workflow.md promises: every Task
// has a timeout and retries transient errors with capped, jittered backoff, and every Task but
// MarkFailed sends any other error to MarkFailed.
func TestEveryTaskFollowsTheErrorPolicy(t *testing.T) {
	var def struct {
		States map[string]struct {
			Type           string
			Resource       string
			TimeoutSeconds int
			Retry          []struct {
				ErrorEquals     []string
				MaxDelaySeconds int
				JitterStrategy  string
			}
			Catch []struct {
				ErrorEquals []string
				ResultPath  string
				Next        string
			}
		}
	}
	if err := json.Unmarshal(workflows.Definition, &def); err != nil {
		t.Fatal(err)
	}
	transient := []string{"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Transient"}
	tasks := 0
	for name, st := range def.States {
		if st.Type != "Task" {
			continue
		}
		tasks++
		if !placeholder.MatchString(st.Resource) {
			t.Errorf("%s: Resource %q is not a substitution placeholder", name, st.Resource)
		}
		if st.TimeoutSeconds <= 0 {
			t.Errorf("%s: no TimeoutSeconds", name)
		}
		if len(st.Retry) != 1 || !slices.Equal(st.Retry[0].ErrorEquals, transient) || st.Retry[0].MaxDelaySeconds <= 0 || st.Retry[0].JitterStrategy != "FULL" {
			t.Errorf("%s: Retry %+v, want transient errors with MaxDelaySeconds and FULL jitter", name, st.Retry)
		}
		wantCatch := name != "MarkFailed"
		hasCatch := len(st.Catch) == 1 && slices.Equal(st.Catch[0].ErrorEquals, []string{"States.ALL"}) &&
			st.Catch[0].Next == "MarkFailed" && st.Catch[0].ResultPath == "$.error"
		if hasCatch != wantCatch {
			t.Errorf("%s: Catch %+v; want States.ALL to MarkFailed at $.error: %v", name, st.Catch, wantCatch)
		}
	}
	if tasks != 6 {
		t.Errorf("%d Task states, want 6", tasks)
	}
}
