package lambdatest

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intake-project/intake/infra/dynamolocal"
	samtemplate "github.com/intake-project/intake/infra/template"
	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/store/dynamo"
)

func TestMain(m *testing.M) {
	code := dynamolocal.Main(m)
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// invokeTimeout is each invocation's deadline, the template's for the task functions.
const invokeTimeout = 25 * time.Second

// testParams are the values a test deployment gives the parameters without defaults.
var testParams = map[string]string{
	"JwtIssuer":   "https://issuer.example.com",
	"JwtAudience": "intake-test",
	// The form the API's sample events post to (events/api).
	"FormsJson": `{"forms":[{"key":"fk_sample_form_key_01","name":"Sample","allowedOrigins":["https://www.example.com"],"thankYouUrl":"https://www.example.com/thanks"}]}`,
}

// The ARNs the fake AWS services answer to.
const (
	region          = "us-east-1"
	secretARN       = "arn:aws:secretsmanager:us-east-1:123456789012:secret:intake-lookup-AbCdEf"
	stateMachineARN = "arn:aws:states:us-east-1:123456789012:stateMachine:intake-test"
)

//go:embed testdata/submission.json
var samplePayload []byte

// builds holds each function's binary, built once per test binary.
var (
	buildMu sync.Mutex
	binDir  string
	builds  = map[string]error{}
)

// repoRoot is the folder holding go.mod, above the package folder go test runs in.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// functionDirs lists the function folders under functions/ that hold Go code.
func functionDirs(t testing.TB) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(repoRoot(t), "functions", "*", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range matches {
		name := filepath.Base(filepath.Dir(m))
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// binary builds a function for the host, as infra/build/build.sh builds it for Lambda
// (static, lambda.norpc), once per test binary, and returns its path. Each function builds on
// its own, so one that does not compile fails only the tests that run it.
func binary(t testing.TB, fn string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if binDir == "" {
		dir, err := os.MkdirTemp("", "lambdatest-bin-")
		if err != nil {
			t.Fatal(err)
		}
		binDir = dir
	}
	err, built := builds[fn]
	if !built {
		out := filepath.Join(binDir, fn)
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-o", out, "./functions/"+fn)
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("go build ./functions/%s: %w\n%s", fn, berr, msg)
		}
		builds[fn] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(binDir, fn)
}

// fixture is what a runtime test needs: DynamoDB Local, the built binaries, the template,
// and fake Secrets Manager and Step Functions endpoints.
type fixture struct {
	endpoint string
	tmpl     *samtemplate.Template
	aws      *fakeAWS
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	endpoint := dynamolocal.Start(t)
	tmpl, err := samtemplate.Load(filepath.Join(repoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{endpoint: endpoint, tmpl: tmpl, aws: startFakeAWS(t)}
}

// newTable creates a table of its own for one test, from infra/table's definition.
func (f *fixture) newTable(t *testing.T) (string, *dynamo.Store) {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "lambdatest-" + hex.EncodeToString(b[:])
	st, err := dynamo.Connect(context.Background(), dynamo.Config{Endpoint: f.endpoint, Table: name})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureTable(context.Background()); err != nil {
		t.Fatal(err)
	}
	return name, st
}

// seed stores a RECEIVED submission of the sample payload, as the API stores one.
func seed(t *testing.T, st store.Store, id string) {
	t.Helper()
	var payload customer.Submission
	if err := json.Unmarshal(samplePayload, &payload); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if _, _, err := st.CreateSubmission(context.Background(), store.Submission{
		ID: id, Status: store.StatusReceived, ReceivedAt: now, UpdatedAt: now, Payload: &payload,
	}); err != nil {
		t.Fatal(err)
	}
}

// function returns the template's function for a folder under functions/.
func (f *fixture) function(t *testing.T, dir string) samtemplate.Function {
	t.Helper()
	fn, ok := f.tmpl.FunctionByDir("functions/" + dir)
	if !ok {
		t.Fatalf("template.yaml has no function with CodeUri functions/%s", dir)
	}
	return fn
}

// env is a function's environment as the template sets it on AWS, with the table, the
// secret and the state machine resolved to the local stand-ins, plus what Lambda itself sets
// and the endpoint overrides that point the AWS SDK at them.
func (f *fixture) env(t *testing.T, fn samtemplate.Function, table string) map[string]string {
	t.Helper()
	refs := map[string]string{
		"AWS::Region": region, "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
		"AWS::URLSuffix": "amazonaws.com",
		"IntakeTable":    table, "LookupSecret": secretARN, "IntakeStateMachine": stateMachineARN,
		"ScanImages": "intake-scan-images", "DataKey": "local-data-key",
	}
	for name, p := range f.tmpl.Parameters() {
		if p.Default != nil {
			v, err := samtemplate.Resolve(p.Default, nil)
			if err != nil {
				t.Fatalf("parameter %s: %v", name, err)
			}
			refs[name] = v
		}
	}
	for k, v := range testParams {
		refs[k] = v
	}
	env := map[string]string{}
	for name, v := range fn.Env {
		val, err := samtemplate.Resolve(v, refs)
		if err != nil {
			t.Fatalf("%s: environment %s: %v", fn.LogicalID, name, err)
		}
		env[name] = val
	}
	for k, v := range map[string]string{
		"AWS_REGION": region, "AWS_DEFAULT_REGION": region,
		"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": "local",
		"AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE":           os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_LAMBDA_FUNCTION_NAME":        fn.LogicalID,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"TZ":                              "UTC",
		// Local stand-ins: DynamoDB Local under the SDK's standard variable, the fake
		// Secrets Manager and Step Functions.
		"AWS_ENDPOINT_URL_DYNAMODB":        f.endpoint,
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": f.aws.URL,
		"AWS_ENDPOINT_URL_SFN":             f.aws.URL,
	} {
		env[k] = v
	}
	return env
}

// start runs a function with env and waits until it asks for its first event.
func (f *fixture) start(t *testing.T, dir string, env map[string]string) *Process {
	t.Helper()
	p, err := Start(binary(t, dir), Env(env), "arn:aws:lambda:us-east-1:123456789012:function:"+dir, invokeTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fe, err := p.Ready(ctx)
	if err != nil {
		t.Fatalf("%s did not start: %v\n%s", dir, err, TrimOutput(p.Output(), 2000))
	}
	if fe != nil {
		t.Fatalf("%s failed its init: %s: %s", dir, fe.ErrorType, fe.ErrorMessage)
	}
	return p
}

// invoke sends one event and returns the result, failing on a lost process.
func invoke(t *testing.T, p *Process, event []byte) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), invokeTimeout+5*time.Second)
	defer cancel()
	res, err := p.Invoke(ctx, event)
	if err != nil {
		t.Fatalf("invoke: %v\n%s", err, TrimOutput(p.Output(), 2000))
	}
	return res
}

// succeed invokes and fails the test unless the function answered without an error.
func succeed(t *testing.T, p *Process, event []byte) json.RawMessage {
	t.Helper()
	res := invoke(t, p, event)
	if res.Err != nil {
		t.Fatalf("function error %s: %s", res.Err.ErrorType, res.Err.ErrorMessage)
	}
	return res.Response
}

// fakeAWS answers the two AWS calls the functions make besides DynamoDB: Secrets Manager's
// GetSecretValue (awsJson1_1) and Step Functions' StartExecution (awsJson1_0).
type fakeAWS struct {
	URL    string
	Secret string

	mu          sync.Mutex
	secretReads int
	started     []string
}

func startFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	f := &fakeAWS{Secret: hex.EncodeToString(b[:])} // 64 characters, like the template's secret
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeAWS) serve(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		awsError(w, "SerializationException", err.Error())
		return
	}
	switch target := r.Header.Get("X-Amz-Target"); target {
	case "secretsmanager.GetSecretValue":
		if in["SecretId"] != secretARN {
			awsError(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
			return
		}
		f.mu.Lock()
		f.secretReads++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"ARN": secretARN, "Name": "intake-lookup", "SecretString": f.Secret,
			"VersionId": "00000000-0000-4000-8000-000000000001", "CreatedDate": 1.7e9,
		})
	case "AWSStepFunctions.StartExecution":
		name, _ := in["name"].(string)
		if in["stateMachineArn"] != stateMachineARN {
			awsError(w, "StateMachineDoesNotExist", "State Machine Does Not Exist")
			return
		}
		f.mu.Lock()
		f.started = append(f.started, name)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"executionArn": strings.Replace(stateMachineARN, ":stateMachine:", ":execution:", 1) + ":" + name,
			"startDate":    1.7e9,
		})
	default:
		awsError(w, "UnknownOperationException", "not served here: "+target)
	}
}

// executions lists the names of the executions started so far.
func (f *fakeAWS) executions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.started...)
}

func (f *fakeAWS) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secretReads
}

func awsError(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}
