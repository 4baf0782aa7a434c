package samtemplate

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/intake-project/intake/infra/table"
	"github.com/intake-project/intake/shared/steps"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func load(t *testing.T) *Template {
	t.Helper()
	tmpl, err := Load(filepath.Join(repoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestParseKeepsIntrinsicTags(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"ref", "v: !Ref Table", map[string]any{"Ref": "Table"}},
		{"getatt dotted", "v: !GetAtt Fn.Arn", map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}},
		{"getatt list", "v: !GetAtt [Fn, Arn]", map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}},
		{"sub", "v: !Sub '${A}/x'", map[string]any{"Fn::Sub": "${A}/x"}},
		{"nested if", "v: !If [C, !Ref A, !Ref AWS::NoValue]", map[string]any{"Fn::If": []any{"C", map[string]any{"Ref": "A"}, map[string]any{"Ref": "AWS::NoValue"}}}},
		{"plain scalars", "v: [1, true, x, '2']", []any{1.0, true, "x", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if got := tmpl.Doc["v"]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseRefusesWhatCloudFormationRefuses(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown tag", "v: !Reff X", "unknown tag"},
		{"alias", "a: &x 1\nb: *x", "aliases"},
		{"duplicate key", "a: 1\na: 2", "duplicate key"},
		{"getatt without attribute", "v: !GetAtt Fn", "names no attribute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one about %q", err, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	refs := map[string]string{"Stage": "prod", "Table": "t1"}
	tests := []struct {
		in      any
		want    string
		wantErr bool
	}{
		{"x", "x", false},
		{5.0, "5", false},
		{map[string]any{"Ref": "Table"}, "t1", false},
		{map[string]any{"Fn::Sub": "/${Stage}/${!Literal}"}, "/prod/${!Literal}", false},
		{map[string]any{"Ref": "Missing"}, "", true},
		{map[string]any{"Fn::GetAtt": []any{"A", "Arn"}}, "", true},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.in, refs)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Resolve(%v) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// Every Ref, GetAtt and ${...} names a parameter, a resource or a pseudo parameter.
func TestReferencesResolve(t *testing.T) {
	tmpl := load(t)
	known := map[string]bool{}
	for name := range tmpl.Parameters() {
		known[name] = true
	}
	for _, r := range tmpl.Resources() {
		known[r.LogicalID] = true
	}
	walkValues(tmpl.Doc["Resources"], func(m map[string]any) {
		for k, v := range m {
			switch k {
			case "Ref":
				if s, _ := v.(string); !known[s] && !strings.HasPrefix(s, "AWS::") {
					t.Errorf("Ref %s names nothing", s)
				}
			case "Fn::GetAtt":
				if l, _ := v.([]any); len(l) == 2 && !known[l[0].(string)] {
					t.Errorf("GetAtt %v names no resource", l)
				}
			case "Fn::Sub":
				s, _ := v.(string)
				for _, name := range SubRefs(s) {
					base, _, _ := strings.Cut(name, ".")
					if !known[base] && !strings.HasPrefix(name, "AWS::") {
						t.Errorf("Sub %q: ${%s} names nothing", s, name)
					}
				}
			}
		}
	})
	walkValues(tmpl.Doc["Outputs"], func(m map[string]any) {
		if s, ok := m["Fn::Sub"].(string); ok {
			for _, name := range SubRefs(s) {
				if !known[name] && !strings.HasPrefix(name, "AWS::") {
					t.Errorf("output Sub %q: ${%s} names nothing", s, name)
				}
			}
		}
	})
}

func walkValues(v any, visit func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		visit(x)
		for _, c := range x {
			walkValues(c, visit)
		}
	case []any:
		for _, c := range x {
			walkValues(c, visit)
		}
	}
}

// Every folder under functions/ is deployed, and every deployed function is a folder that
// builds for Lambda: provided.al2023 on arm64, bootstrap, built by SAM's go1.x builder.
func TestFunctionsAreDeployedAndBuild(t *testing.T) {
	tmpl := load(t)
	root := repoRoot(t)
	dirs, err := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, filepath.Dir(d))
		if _, ok := tmpl.FunctionByDir(rel); !ok {
			t.Errorf("%s is not deployed: no function in template.yaml has CodeUri %s", rel, rel)
		}
	}
	for _, fn := range tmpl.Functions() {
		if _, err := os.Stat(filepath.Join(root, fn.Dir, "main.go")); err != nil {
			t.Errorf("%s: CodeUri %s holds no main.go", fn.LogicalID, fn.Dir)
			continue
		}
		pkgs = append(pkgs, "./"+fn.Dir)
		want := map[string]any{
			"Runtime": "provided.al2023", "Handler": "bootstrap", "Architectures": []any{"arm64"},
		}
		for k, v := range want {
			if !reflect.DeepEqual(fn.Properties[k], v) {
				t.Errorf("%s: %s = %v, want %v", fn.LogicalID, k, fn.Properties[k], v)
			}
		}
		if fn.Metadata["BuildMethod"] != "go1.x" {
			t.Errorf("%s: Metadata.BuildMethod = %v, want go1.x", fn.LogicalID, fn.Metadata["BuildMethod"])
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("no functions in template.yaml")
	}
	// The same flags as infra/build/build.sh, so a test run and `make build` share the cache.
	args := []string{"build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-o", t.TempDir() + string(filepath.Separator)}
	cmd := exec.Command("go", append(args, pkgs...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("functions do not build for linux/arm64: %v\n%s", err, out)
	}
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}`)

// The state machine binds every placeholder of the definition to a function of the template,
// may invoke exactly those functions, and gives each Task more time than its function has.
func TestStateMachineBindsEveryTask(t *testing.T) {
	tmpl := load(t)
	sm, ok := tmpl.Resource("IntakeStateMachine")
	if !ok {
		t.Fatal("no IntakeStateMachine")
	}
	p := sm.Properties
	if p["Type"] != "STANDARD" {
		t.Errorf("Type = %v, want STANDARD (docs/workflow.md)", p["Type"])
	}
	if tr, _ := p["Tracing"].(map[string]any); tr["Enabled"] != true {
		t.Error("tracing is off")
	}
	if lg, _ := p["Logging"].(map[string]any); lg["Destinations"] == nil {
		t.Error("no log destination")
	}
	uri, _ := p["DefinitionUri"].(string)
	def, err := os.ReadFile(filepath.Join(repoRoot(t), uri))
	if err != nil {
		t.Fatalf("DefinitionUri: %v", err)
	}
	subs, _ := p["DefinitionSubstitutions"].(map[string]any)
	used := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(string(def), -1) {
		used[m[1]] = true
		if _, ok := subs[m[1]]; !ok {
			t.Errorf("${%s} in %s has no substitution", m[1], uri)
		}
	}
	bound := map[string]string{} // substitution -> function
	for name, v := range subs {
		if !used[name] {
			t.Errorf("substitution %s is not used by %s", name, uri)
		}
		att, _ := v.(map[string]any)["Fn::GetAtt"].([]any)
		if len(att) != 2 || att[1] != "Arn" {
			t.Errorf("substitution %s = %v, want !GetAtt <Function>.Arn", name, v)
			continue
		}
		fnID := att[0].(string)
		if r, ok := tmpl.Resource(fnID); !ok || r.Type != "AWS::Serverless::Function" {
			t.Errorf("substitution %s names %s, not a function of the template", name, fnID)
		}
		bound[name] = fnID
	}
	var local []string
	for name := range steps.Substitutions {
		local = append(local, name)
	}
	var deployed []string
	for name := range subs {
		deployed = append(deployed, name)
	}
	sort.Strings(local)
	sort.Strings(deployed)
	if !slices.Equal(local, deployed) {
		t.Errorf("substitutions %v, but the local runner binds %v (steps.Substitutions)", deployed, local)
	}

	var invokable []string
	for _, pol := range p["Policies"].([]any) {
		if lp, ok := pol.(map[string]any)["LambdaInvokePolicy"].(map[string]any); ok {
			invokable = append(invokable, lp["FunctionName"].(map[string]any)["Ref"].(string))
		}
	}
	var want []string
	for _, fn := range bound {
		want = append(want, fn)
	}
	sort.Strings(invokable)
	sort.Strings(want)
	if !slices.Equal(invokable, want) {
		t.Errorf("the state machine may invoke %v, want exactly its tasks %v", invokable, want)
	}

	timeouts := taskTimeouts(t, def)
	for name, fnID := range bound {
		fn, _ := tmpl.Resource(fnID)
		limit, ok := timeouts[name]
		if !ok {
			t.Errorf("no Task of %s uses ${%s}", uri, name)
			continue
		}
		if got, _ := fn.Properties["Timeout"].(float64); got <= 0 || got >= limit {
			t.Errorf("%s: Timeout %v s, want less than its Task's %v s", fnID, got, limit)
		}
	}
}

// taskTimeouts maps each placeholder to the shortest TimeoutSeconds of the Tasks using it.
func taskTimeouts(t *testing.T, def []byte) map[string]float64 {
	t.Helper()
	var d struct {
		States map[string]struct {
			Resource       string
			TimeoutSeconds float64
		}
	}
	if err := json.Unmarshal(def, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, s := range d.States {
		if m := placeholder.FindStringSubmatch(s.Resource); m != nil {
			if cur, ok := out[m[1]]; !ok || s.TimeoutSeconds < cur {
				out[m[1]] = s.TimeoutSeconds
			}
		}
	}
	return out
}

// Lambda sets these itself; a function may read them without the template setting them.
var lambdaReserved = []string{
	"AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
	"AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME",
	"AWS_LAMBDA_LOG_STREAM_NAME", "AWS_EXECUTION_ENV", "_X_AMZN_TRACE_ID", "TZ",
}

// leftToDefault are variables a function reads that the deployment deliberately leaves
// unset, each with the reason. Overrides for local runs, which a deployment must never set,
// are the variables lambdaenv tags as local.
var (
	leftToDefault = map[string]string{
		"INTAKE_OIDC_JWKS_URL":         "Cognito and most issuers publish a discovery document that names the key set",
		"INTAKE_PUBLIC_BASE_URL":       "the API's own URL would make the function depend on the API that depends on it; status URLs are paths under the stage",
		"INTAKE_MAX_BODY_BYTES":        "the API's default limit (256 KiB) is what API Gateway's payload limit allows comfortably",
		"INTAKE_RATE_LIMIT_PER_MINUTE": "per-form limits live in FormsJson; API Gateway throttles each route",
		"INTAKE_DINING_TIERS":          "the built-in vocabulary; a site sets its own by adding the variable (docs/deploy.md)",
		"INTAKE_FREQUENCIES":           "the built-in vocabulary; a site sets its own by adding the variable (docs/deploy.md)",
		"INTAKE_PHONE_REGION":          "numbers without a country code are mainland Chinese by default",
		"POLICY_PATH":                  "no policy file ships in the deployment package: the built-in hygiene policy applies",
	}
)

// Every variable a function reads is set by the template (or deliberately left to its
// default, or local-only and never set), and the template sets nothing a function ignores.
func TestEnvironmentMatchesWhatFunctionsRead(t *testing.T) {
	tmpl := load(t)
	root := repoRoot(t)
	for _, fn := range tmpl.Functions() {
		t.Run(fn.LogicalID, func(t *testing.T) {
			reads := envReads(t, root, fn.Dir)
			for name, r := range reads {
				_, set := fn.Env[name]
				switch {
				case r.Local:
					if set {
						t.Errorf("%s is for local runs only, but the template sets it", name)
					}
				case slices.Contains(lambdaReserved, name), leftToDefault[name] != "":
				case !set:
					t.Errorf("%s reads %s, which the template does not set", fn.Dir, name)
				}
			}
			for name := range fn.Env {
				if _, ok := reads[name]; !ok {
					t.Errorf("the template sets %s, which %s does not read", name, fn.Dir)
				}
			}
		})
	}
}

func TestSchedulesRunSweepAndPurge(t *testing.T) {
	tmpl := load(t)
	want := map[string]string{"SweepFunction": "SweepSchedule", "PurgeFunction": "PurgeSchedule"}
	scheduled := map[string]bool{}
	for _, fn := range tmpl.Functions() {
		evs, _ := fn.Properties["Events"].(map[string]any)
		for name, e := range evs {
			ev := e.(map[string]any)
			if ev["Type"] != "ScheduleV2" && ev["Type"] != "Schedule" {
				continue
			}
			scheduled[fn.LogicalID] = true
			props := ev["Properties"].(map[string]any)
			param, ok := want[fn.LogicalID]
			if !ok {
				t.Errorf("%s has an unexpected schedule %s", fn.LogicalID, name)
				continue
			}
			if ev["Type"] != "ScheduleV2" {
				t.Errorf("%s.%s: Type %v, want ScheduleV2 (EventBridge Scheduler)", fn.LogicalID, name, ev["Type"])
			}
			if !reflect.DeepEqual(props["ScheduleExpression"], map[string]any{"Ref": param}) {
				t.Errorf("%s.%s: ScheduleExpression %v, want !Ref %s", fn.LogicalID, name, props["ScheduleExpression"], param)
			}
			if props["DeadLetterConfig"] == nil {
				t.Errorf("%s.%s: no DeadLetterConfig", fn.LogicalID, name)
			}
			if fn.Properties["DeadLetterQueue"] == nil {
				t.Errorf("%s: failed asynchronous invocations have no dead-letter queue", fn.LogicalID)
			}
		}
	}
	for fnID := range want {
		if !scheduled[fnID] {
			t.Errorf("%s has no schedule", fnID)
		}
	}
}

// wildcardAllowed are the actions that may be granted on Resource "*", each with the reason.
var wildcardAllowed = map[string]string{
	"logs:CreateLogDelivery":        "Step Functions log delivery: the vended-logs API takes no resource ARN",
	"logs:GetLogDelivery":           "Step Functions log delivery",
	"logs:UpdateLogDelivery":        "Step Functions log delivery",
	"logs:DeleteLogDelivery":        "Step Functions log delivery",
	"logs:ListLogDeliveries":        "Step Functions log delivery",
	"logs:PutResourcePolicy":        "Step Functions log delivery sets the log group's resource policy",
	"logs:DescribeResourcePolicies": "Step Functions log delivery",
	"logs:DescribeLogGroups":        "Step Functions log delivery",
	"xray:PutTraceSegments":         "X-Ray write actions take no resource ARN",
	"xray:PutTelemetryRecords":      "X-Ray write actions take no resource ARN",
	"xray:GetSamplingRules":         "X-Ray write actions take no resource ARN",
	"xray:GetSamplingTargets":       "X-Ray write actions take no resource ARN",
}

// No policy grants an action on every resource unless that action takes no resource ARN, and
// none grants a wildcard action.
func TestPoliciesNameTheirResources(t *testing.T) {
	tmpl := load(t)
	checked := 0
	for _, r := range tmpl.Resources() {
		var statements []any
		switch r.Type {
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			pols, _ := r.Properties["Policies"].([]any)
			for _, p := range pols {
				if m, ok := p.(map[string]any); ok {
					if st, ok := m["Statement"].([]any); ok {
						statements = append(statements, st...)
					}
				}
				if _, ok := p.(string); ok {
					t.Errorf("%s attaches the managed policy %v: name the actions and resources instead", r.LogicalID, p)
				}
			}
		case "AWS::IAM::Role":
			pols, _ := r.Properties["Policies"].([]any)
			for _, p := range pols {
				doc, _ := p.(map[string]any)["PolicyDocument"].(map[string]any)
				st, _ := doc["Statement"].([]any)
				statements = append(statements, st...)
			}
		}
		for _, s := range statements {
			st := s.(map[string]any)
			checked++
			actions := stringsOf(st["Action"])
			for _, a := range actions {
				if strings.Contains(a, "*") {
					t.Errorf("%s: wildcard action %s", r.LogicalID, a)
				}
			}
			if !slices.Contains(stringsOf(st["Resource"]), "*") {
				continue
			}
			for _, a := range actions {
				if wildcardAllowed[a] == "" {
					t.Errorf("%s grants %s on every resource", r.LogicalID, a)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no policy statements found")
	}
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// The table's keys, indexes, billing and TTL are infra/table's, the one definition; the
// deployment adds encryption with the template's key and point-in-time recovery.
func TestTableIsInfraTableDefinition(t *testing.T) {
	tmpl := load(t)
	tables := tmpl.OfType("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables, want one", len(tables))
	}
	props := tables[0].Properties
	var def map[string]any
	if err := json.Unmarshal(table.JSON(), &def); err != nil {
		t.Fatal(err)
	}
	for k, want := range def {
		if !reflect.DeepEqual(props[k], want) {
			got, _ := json.Marshal(props[k])
			w, _ := json.Marshal(want)
			t.Errorf("%s = %s, infra/table/table.json has %s", k, got, w)
		}
	}
	if pitr, _ := props["PointInTimeRecoverySpecification"].(map[string]any); pitr["PointInTimeRecoveryEnabled"] != true {
		t.Error("point-in-time recovery is off")
	}
	sse, _ := props["SSESpecification"].(map[string]any)
	key, _ := sse["KMSMasterKeyId"].(map[string]any)
	if sse["SSEEnabled"] != true || sse["SSEType"] != "KMS" || key["Ref"] == nil {
		t.Errorf("SSESpecification = %v, want KMS with the template's key", sse)
	} else if k, ok := tmpl.Resource(key["Ref"].(string)); !ok || k.Type != "AWS::KMS::Key" {
		t.Errorf("the table's key %v is not a KMS key of the template", key["Ref"])
	}
}

func TestParametersAndOutputs(t *testing.T) {
	tmpl := load(t)
	params := tmpl.Parameters()
	for _, name := range []string{"Stage", "RetentionYears", "PayloadRetentionDays", "SweepSchedule",
		"PurgeSchedule", "JwtIssuer", "JwtAudience", "AllowedOrigins", "FormsJson", "AlarmEmail"} {
		if _, ok := params[name]; !ok {
			t.Errorf("no parameter %s", name)
		}
	}
	outputs, _ := tmpl.Doc["Outputs"].(map[string]any)
	for _, name := range []string{"ApiUrl", "TableName", "StateMachineArn"} {
		if _, ok := outputs[name]; !ok {
			t.Errorf("no output %s", name)
		}
	}
}

// samconfig.toml overrides only parameters the template has.
func TestSamconfigNamesTemplateParameters(t *testing.T) {
	tmpl := load(t)
	var cfg map[string]any
	if _, err := toml.DecodeFile(filepath.Join(repoRoot(t), "samconfig.toml"), &cfg); err != nil {
		t.Fatal(err)
	}
	overrides, _ := dig(cfg, "default", "deploy", "parameters", "parameter_overrides").(string)
	if overrides == "" {
		t.Fatal("samconfig.toml has no deploy parameter_overrides")
	}
	params := tmpl.Parameters()
	for _, kv := range strings.Fields(overrides) {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := params[name]; !ok {
			t.Errorf("samconfig.toml overrides %s, which template.yaml does not have", name)
		}
	}
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

// route is an HTTP API route of the template.
type route struct {
	method, path string
	staff        bool // behind the JWT authorizer
}

func (r route) matches(method, path string) bool {
	if r.method != "ANY" && r.method != method {
		return false
	}
	want, have := strings.Split(path, "/"), strings.Split(r.path, "/")
	for i, seg := range have {
		if strings.HasSuffix(seg, "+}") {
			return len(want) > i
		}
		if i >= len(want) || (seg != want[i] && !strings.HasPrefix(seg, "{")) {
			return false
		}
	}
	return len(want) == len(have)
}

// rank orders matching routes as API Gateway selects them: literal segments before
// parameters, parameters before a greedy path, a method before ANY.
func (r route) rank() int {
	n := 0
	for _, seg := range strings.Split(r.path, "/") {
		switch {
		case strings.HasSuffix(seg, "+}"):
		case strings.HasPrefix(seg, "{"):
			n += 10
		default:
			n += 100
		}
	}
	if r.method != "ANY" {
		n++
	}
	return n
}

// Every operation of the API's OpenAPI document has a route, and the routes that
// API Gateway would pick put the JWT authorizer exactly in front of the staff-only
// operations (those whose every security alternative asks for a bearer token).
func TestRoutesMatchTheOpenAPIDocument(t *testing.T) {
	tmpl := load(t)
	api, ok := tmpl.Resource("ApiFunction")
	if !ok {
		t.Fatal("no ApiFunction")
	}
	var routes []route
	for name, e := range api.Properties["Events"].(map[string]any) {
		ev := e.(map[string]any)
		if ev["Type"] != "HttpApi" {
			continue
		}
		p := ev["Properties"].(map[string]any)
		auth, _ := p["Auth"].(map[string]any)
		r := route{method: strings.ToUpper(p["Method"].(string)), path: p["Path"].(string), staff: auth["Authorizer"] == "StaffJwt"}
		if auth != nil && !r.staff {
			t.Errorf("route %s: unknown authorizer %v", name, auth["Authorizer"])
		}
		routes = append(routes, r)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "shared/httpapi/openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			method = strings.ToUpper(method)
			// API Gateway answers CORS preflights itself.
			if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
				continue
			}
			var op struct{ Security []map[string]any }
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			staffOnly := len(op.Security) > 0
			for _, alt := range op.Security {
				if _, bearer := alt["bearer"]; !bearer {
					staffOnly = false
				}
			}
			var best *route
			for i, r := range routes {
				if r.matches(method, path) && (best == nil || r.rank() > best.rank()) {
					best = &routes[i]
				}
			}
			switch {
			case best == nil:
				t.Errorf("%s %s: no route", method, path)
			case best.staff != staffOnly:
				t.Errorf("%s %s: routed by %s %s with authorizer %v, want %v", method, path, best.method, best.path, best.staff, staffOnly)
			}
		}
	}
}
