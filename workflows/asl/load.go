// Package asl runs Amazon States Language state machines (JSONPath) in-process, binding Task
// resources to Go functions, for the local deployment and for tests of the workflow.
package asl

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/steps"
)

// Machine is a loaded, checked state machine definition. It is safe for concurrent runs.
type Machine struct {
	startAt   string
	states    map[string]*state
	resources []string
}

type state struct {
	name, typ string
	next      string
	end       bool

	inputPath, outputPath, resultPath optPath
	parameters, resultSelector        *template
	result                            any
	hasResult                         bool

	resource string
	timeout  time.Duration
	retry    []retrier
	catch    []catcher

	choices []*rule
	dflt    string

	errorName, cause     string
	errorPath, causePath *path
}

type retrier struct {
	errors      []string
	interval    float64
	maxAttempts int
	backoff     float64
	maxDelay    float64
	jitter      bool
}

type catcher struct {
	errors     []string
	resultPath optPath
	next       string
}

// fieldsByType lists the fields each supported state type may carry; anything else is refused
// at load so that a definition never silently runs differently here than on AWS.
var fieldsByType = map[string][]string{
	"Task":    {"Resource", "Parameters", "ResultSelector", "InputPath", "OutputPath", "ResultPath", "TimeoutSeconds", "Retry", "Catch", "Next", "End"},
	"Pass":    {"Result", "Parameters", "InputPath", "OutputPath", "ResultPath", "Next", "End"},
	"Choice":  {"Choices", "Default", "InputPath", "OutputPath"},
	"Succeed": {"InputPath", "OutputPath"},
	"Fail":    {"Error", "Cause", "ErrorPath", "CausePath"},
}

var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// Load parses a definition, replaces each "${Name}" with subs[Name] (as the
// DefinitionSubstitutions of AWS::Serverless::StateMachine do), and checks that it uses only
// what this runner executes. Errors name the offending field.
func Load(def []byte, subs map[string]string) (*Machine, error) {
	text, err := substitute(def, subs)
	if err != nil {
		return nil, fmt.Errorf("asl: load: %w", err)
	}
	raw, err := decodeJSON(text)
	if err != nil {
		return nil, fmt.Errorf("asl: load: %w", err)
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("asl: load: the definition is not a JSON object")
	}
	m, err := compileMachine(top)
	if err != nil {
		return nil, fmt.Errorf("asl: load: %w", err)
	}
	return m, nil
}

func compileMachine(top map[string]any) (*Machine, error) {
	for k, v := range top {
		switch k {
		case "StartAt", "States", "Comment", "Version":
		case "QueryLanguage":
			if v != "JSONPath" {
				return nil, fmt.Errorf("QueryLanguage: unsupported query language %v", v)
			}
		default:
			return nil, fmt.Errorf("%s: unsupported field", k)
		}
	}
	m := &Machine{states: map[string]*state{}}
	m.startAt, _ = top["StartAt"].(string)
	states, ok := top["States"].(map[string]any)
	if !ok || len(states) == 0 {
		return nil, fmt.Errorf("%s: missing or empty", "States")
	}
	names := make([]string, 0, len(states))
	for name := range states {
		names = append(names, name)
	}
	sort.Strings(names)
	resources := map[string]bool{}
	for _, name := range names {
		raw, ok := states[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.%s: not an object", "States", name)
		}
		st, err := compileState("States."+name, name, raw)
		if err != nil {
			return nil, err
		}
		m.states[name] = st
		if st.resource != "" {
			resources[st.resource] = true
		}
	}
	if _, ok := m.states[m.startAt]; !ok {
		return nil, fmt.Errorf("%s: no state named %q", "StartAt", m.startAt)
	}
	for _, name := range names {
		if err := m.checkTargets(m.states[name]); err != nil {
			return nil, err
		}
	}
	for r := range resources {
		m.resources = append(m.resources, r)
	}
	sort.Strings(m.resources)
	return m, nil
}

func (m *Machine) checkTargets(st *state) error {
	where := "States." + st.name
	check := func(field, target string) error {
		if _, ok := m.states[target]; !ok {
			return fmt.Errorf("%s.%s: no state named %q", where, field, target)
		}
		return nil
	}
	if st.next != "" {
		if err := check("Next", st.next); err != nil {
			return err
		}
	}
	for i, c := range st.catch {
		if err := check(fmt.Sprintf("Catch[%d].Next", i), c.next); err != nil {
			return err
		}
	}
	for i, r := range st.choices {
		if err := check(fmt.Sprintf("Choices[%d].Next", i), r.next); err != nil {
			return err
		}
	}
	if st.dflt != "" {
		return check("Default", st.dflt)
	}
	return nil
}

func compileState(where, name string, raw map[string]any) (*state, error) {
	st := &state{name: name}
	st.typ, _ = raw["Type"].(string)
	allowed, ok := fieldsByType[st.typ]
	if !ok {
		return nil, fmt.Errorf("%s.Type: unsupported state type %q", where, st.typ)
	}
	known := map[string]bool{"Type": true, "Comment": true}
	for _, f := range allowed {
		known[f] = true
	}
	for k, v := range raw {
		if k == "QueryLanguage" && v == "JSONPath" {
			continue
		}
		if k == "QueryLanguage" {
			return nil, fmt.Errorf("%s.QueryLanguage: unsupported query language %v", where, v)
		}
		if !known[k] {
			return nil, fmt.Errorf("%s.%s: unsupported field", where, k)
		}
	}
	var err error
	if st.inputPath, err = compileOptPath(where+".InputPath", raw, "InputPath"); err != nil {
		return nil, err
	}
	if st.outputPath, err = compileOptPath(where+".OutputPath", raw, "OutputPath"); err != nil {
		return nil, err
	}
	if st.resultPath, err = compileOptPath(where+".ResultPath", raw, "ResultPath"); err != nil {
		return nil, err
	}
	if err := checkResultPath(where+".ResultPath", st.resultPath); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field string
		dst   **template
	}{{"Parameters", &st.parameters}, {"ResultSelector", &st.resultSelector}} {
		v, ok := raw[f.field]
		if !ok {
			continue
		}
		if _, isObj := v.(map[string]any); !isObj {
			return nil, fmt.Errorf("%s.%s: not an object", where, f.field)
		}
		if *f.dst, err = compileTemplate(v); err != nil {
			return nil, fmt.Errorf("%s.%s.%w", where, f.field, err)
		}
	}
	st.result, st.hasResult = raw["Result"]
	if err := compileTransition(where, st, raw); err != nil {
		return nil, err
	}
	switch st.typ {
	case "Task":
		return st, compileTask(where, st, raw)
	case "Choice":
		return st, compileChoice(where, st, raw)
	case "Fail":
		return st, compileFail(where, st, raw)
	}
	return st, nil
}

func compileTransition(where string, st *state, raw map[string]any) error {
	if st.typ == "Choice" || st.typ == "Succeed" || st.typ == "Fail" {
		return nil
	}
	next, hasNext := raw["Next"].(string)
	end, _ := raw["End"].(bool)
	switch {
	case hasNext && end:
		return fmt.Errorf("%s: has both Next and End", where)
	case !hasNext && !end:
		return fmt.Errorf("%s: needs Next or End", where)
	}
	st.next, st.end = next, end
	return nil
}

func compileOptPath(where string, raw map[string]any, field string) (optPath, error) {
	v, ok := raw[field]
	if !ok {
		return optPath{}, nil
	}
	if v == nil {
		return optPath{set: true, null: true}, nil
	}
	s, ok := v.(string)
	if !ok {
		return optPath{}, fmt.Errorf("%s: not a path", where)
	}
	p, err := parsePath(s)
	if err != nil {
		return optPath{}, fmt.Errorf("%s: %w", where, err)
	}
	return optPath{set: true, p: p}, nil
}

func checkResultPath(where string, op optPath) error {
	if !op.set || op.null {
		return nil
	}
	if op.p.context {
		return fmt.Errorf("%s: cannot write into the context object", where)
	}
	for _, s := range op.p.segs {
		if s.isIndex {
			return fmt.Errorf("%s: array subscripts are not supported in ResultPath", where)
		}
	}
	return nil
}

func compileTask(where string, st *state, raw map[string]any) error {
	st.resource, _ = raw["Resource"].(string)
	if st.resource == "" {
		return fmt.Errorf("%s.Resource: missing", where)
	}
	if v, ok := raw["TimeoutSeconds"]; ok {
		n, err := positiveInt(v)
		if err != nil {
			return fmt.Errorf("%s.TimeoutSeconds: %w", where, err)
		}
		st.timeout = time.Duration(n) * time.Second
	}
	if v, ok := raw["Retry"]; ok {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s.Retry: not an array", where)
		}
		for i, e := range list {
			r, err := compileRetrier(fmt.Sprintf("%s.Retry[%d]", where, i), e)
			if err != nil {
				return err
			}
			st.retry = append(st.retry, r)
		}
	}
	if v, ok := raw["Catch"]; ok {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s.Catch: not an array", where)
		}
		for i, e := range list {
			c, err := compileCatcher(fmt.Sprintf("%s.Catch[%d]", where, i), e)
			if err != nil {
				return err
			}
			st.catch = append(st.catch, c)
		}
	}
	return nil
}

func compileRetrier(where string, v any) (retrier, error) {
	r := retrier{interval: 1, maxAttempts: 3, backoff: 2}
	raw, ok := v.(map[string]any)
	if !ok {
		return r, fmt.Errorf("%s: not an object", where)
	}
	var err error
	for k, v := range raw {
		switch k {
		case "ErrorEquals":
			r.errors, err = errorNames(where+".ErrorEquals", v)
		case "IntervalSeconds":
			var n int
			n, err = positiveInt(v)
			r.interval = float64(n)
		case "MaxAttempts":
			var n int
			n, err = nonNegativeInt(v)
			r.maxAttempts = n
		case "BackoffRate":
			r.backoff, err = floatAtLeast(v, 1)
		case "MaxDelaySeconds":
			var n int
			n, err = positiveInt(v)
			r.maxDelay = float64(n)
		case "JitterStrategy":
			switch v {
			case "FULL":
				r.jitter = true
			case "NONE":
			default:
				err = fmt.Errorf("unsupported jitter strategy %v", v)
			}
		case "Comment":
		default:
			err = fmt.Errorf("unsupported field")
		}
		if err != nil {
			if k == "ErrorEquals" {
				return r, err
			}
			return r, fmt.Errorf("%s.%s: %w", where, k, err)
		}
	}
	if r.errors == nil {
		return r, fmt.Errorf("%s.ErrorEquals: missing", where)
	}
	return r, nil
}

func compileCatcher(where string, v any) (catcher, error) {
	c := catcher{}
	raw, ok := v.(map[string]any)
	if !ok {
		return c, fmt.Errorf("%s: not an object", where)
	}
	var err error
	for k, v := range raw {
		switch k {
		case "ErrorEquals":
			if c.errors, err = errorNames(where+".ErrorEquals", v); err != nil {
				return c, err
			}
		case "ResultPath":
			if c.resultPath, err = compileOptPath(where+".ResultPath", raw, k); err != nil {
				return c, err
			}
			if err := checkResultPath(where+".ResultPath", c.resultPath); err != nil {
				return c, err
			}
		case "Next":
			c.next, _ = v.(string)
		case "Comment":
		default:
			return c, fmt.Errorf("%s.%s: unsupported field", where, k)
		}
	}
	if c.errors == nil {
		return c, fmt.Errorf("%s.ErrorEquals: missing", where)
	}
	if c.next == "" {
		return c, fmt.Errorf("%s.Next: missing", where)
	}
	return c, nil
}

func errorNames(where string, v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%s: needs a non-empty array of error names", where)
	}
	names := make([]string, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("%s[%d]: not an error name", where, i)
		}
		if s == errAll && len(list) > 1 {
			return nil, fmt.Errorf("%s: %s must appear alone", where, errAll)
		}
		names[i] = s
	}
	return names, nil
}

func compileChoice(where string, st *state, raw map[string]any) error {
	list, ok := raw["Choices"].([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("%s.Choices: needs a non-empty array", where)
	}
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return fmt.Errorf("%s.Choices[%d]: not a rule", where, i)
		}
		r, err := compileRule(fmt.Sprintf("%s.Choices[%d]", where, i), m, true)
		if err != nil {
			return err
		}
		st.choices = append(st.choices, r)
	}
	st.dflt, _ = raw["Default"].(string)
	return nil
}

func compileFail(where string, st *state, raw map[string]any) error {
	st.errorName, _ = raw["Error"].(string)
	st.cause, _ = raw["Cause"].(string)
	for _, f := range []struct {
		field string
		dst   **path
	}{{"ErrorPath", &st.errorPath}, {"CausePath", &st.causePath}} {
		op, err := compileOptPath(where+"."+f.field, raw, f.field)
		if err != nil {
			return err
		}
		if op.set && !op.null {
			p := op.p
			*f.dst = &p
		}
	}
	if st.errorPath != nil && st.errorName != "" || st.causePath != nil && st.cause != "" {
		return fmt.Errorf("%s: takes Error or ErrorPath, Cause or CausePath, not both", where)
	}
	return nil
}

func positiveInt(v any) (int, error) {
	n, err := nonNegativeInt(v)
	if err == nil && n == 0 {
		return 0, fmt.Errorf("must be a positive integer")
	}
	return n, err
}

func nonNegativeInt(v any) (int, error) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be an integer")
	}
	n, err := num.Int64()
	if err != nil || n < 0 || n > 99999999 {
		return 0, fmt.Errorf("must be an integer from 0 to 99999999")
	}
	return int(n), nil
}

func floatAtLeast(v any, min float64) (float64, error) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("must be a number")
	}
	f, err := num.Float64()
	if err != nil || f < min {
		return 0, fmt.Errorf("must be a number of at least %g", min)
	}
	return f, nil
}

// Resources lists the distinct Task resources of the machine, after substitution: the keys
// that Run's task map must have.
func (m *Machine) Resources() []string { return append([]string(nil), m.resources...) }

// checkBindings reports the Task resources that have no task bound.
func (m *Machine) checkBindings(tasks map[string]steps.Task) error {
	var unbound []string
	for _, r := range m.resources {
		if tasks[r] == nil {
			unbound = append(unbound, r)
		}
	}
	if len(unbound) > 0 {
		return fmt.Errorf("no task bound to %s", strings.Join(unbound, ", "))
	}
	return nil
}

// Substitute replaces each "${Name}" in def with subs[Name], failing on a placeholder that has
// no value, as AWS::Serverless::StateMachine DefinitionSubstitutions do on deployment.
func Substitute(def []byte, subs map[string]string) ([]byte, error) {
	out, err := substitute(def, subs)
	if err != nil {
		return nil, fmt.Errorf("asl: substitute: %w", err)
	}
	return out, nil
}

func substitute(def []byte, subs map[string]string) ([]byte, error) {
	var missing []string
	out := placeholder.ReplaceAllFunc(def, func(m []byte) []byte {
		v, ok := subs[string(m[2:len(m)-1])]
		if !ok {
			missing = append(missing, string(m))
			return m
		}
		return []byte(v)
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("no substitution for %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// TaskStates maps the name of each Task state to its resource after substitution.
func (m *Machine) TaskStates() map[string]string {
	out := map[string]string{}
	for name, st := range m.states {
		if st.typ == "Task" {
			out[name] = st.resource
		}
	}
	return out
}
