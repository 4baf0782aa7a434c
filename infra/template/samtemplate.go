// Package samtemplate reads template.yaml into plain Go values, with CloudFormation's short
// tags (!Ref, !GetAtt, !Sub, ...) turned into their long forms, for the tests that check it.
package samtemplate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is a parsed SAM template.
type Template struct {
	// Doc is the whole document: maps, lists, strings, numbers and booleans, each short-form
	// intrinsic as a one-key map ({"Ref": "X"}, {"Fn::GetAtt": ["X", "Arn"]}, ...).
	Doc map[string]any
}

// Load parses the template at path.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse parses a template.
func Parse(data []byte) (*Template, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if len(root.Content) != 1 {
		return nil, errors.New("template: want one YAML document")
	}
	v, err := convert(root.Content[0])
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("template: the document is not a mapping")
	}
	return &Template{Doc: doc}, nil
}

// shortTags maps each short-form tag to its long form.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!Join": "Fn::Join", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!Not": "Fn::Not",
	"!And": "Fn::And", "!Or": "Fn::Or", "!FindInMap": "Fn::FindInMap", "!GetAZs": "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
	"!Transform": "Fn::Transform", "!ToJsonString": "Fn::ToJsonString", "!Length": "Fn::Length",
}

func convert(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		return nil, fmt.Errorf("line %d: aliases are not CloudFormation", n.Line)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		long, ok := shortTags[n.Tag]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
		}
		inner := *n
		inner.Tag = ""
		v, err := convert(&inner)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok && long == "Fn::GetAtt" {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %s names no attribute", n.Line, s)
			}
			v = []any{res, attr}
		}
		return map[string]any{long: v}, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %s", n.Content[i].Line, k)
			}
			v, err := convert(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := convert(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n.Line, err)
			}
			return f, nil
		case "!!bool":
			return n.Value == "true", nil
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// Resource is one entry of Resources.
type Resource struct {
	LogicalID  string
	Type       string
	Properties map[string]any
	Metadata   map[string]any
}

// Resources lists the template's resources, sorted by logical ID.
func (t *Template) Resources() []Resource {
	rs, _ := t.Doc["Resources"].(map[string]any)
	var out []Resource
	for id, v := range rs {
		m, _ := v.(map[string]any)
		typ, _ := m["Type"].(string)
		props, _ := m["Properties"].(map[string]any)
		meta, _ := m["Metadata"].(map[string]any)
		out = append(out, Resource{LogicalID: id, Type: typ, Properties: props, Metadata: meta})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// Resource returns the resource with the logical ID, or false.
func (t *Template) Resource(id string) (Resource, bool) {
	for _, r := range t.Resources() {
		if r.LogicalID == id {
			return r, true
		}
	}
	return Resource{}, false
}

// OfType lists the resources of one type.
func (t *Template) OfType(typ string) []Resource {
	var out []Resource
	for _, r := range t.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Function is an AWS::Serverless::Function with its Globals merged in.
type Function struct {
	Resource
	// Dir is the function's CodeUri: its folder under the repository root.
	Dir string
	// Env is the environment: the Globals' variables overlaid with the function's own.
	Env map[string]any
}

// Functions lists the serverless functions, sorted by logical ID.
func (t *Template) Functions() []Function {
	globals := t.globalFunction()
	globalEnv := envOf(globals)
	var out []Function
	for _, r := range t.OfType("AWS::Serverless::Function") {
		props := map[string]any{}
		for k, v := range globals {
			props[k] = v
		}
		for k, v := range r.Properties {
			props[k] = v
		}
		env := map[string]any{}
		for k, v := range globalEnv {
			env[k] = v
		}
		for k, v := range envOf(r.Properties) {
			env[k] = v
		}
		dir, _ := props["CodeUri"].(string)
		r.Properties = props
		out = append(out, Function{Resource: r, Dir: filepath.Clean(dir), Env: env})
	}
	return out
}

// FunctionByDir returns the function whose CodeUri is dir (e.g. "functions/validate").
func (t *Template) FunctionByDir(dir string) (Function, bool) {
	for _, f := range t.Functions() {
		if f.Dir == filepath.Clean(dir) {
			return f, true
		}
	}
	return Function{}, false
}

func (t *Template) globalFunction() map[string]any {
	g, _ := t.Doc["Globals"].(map[string]any)
	f, _ := g["Function"].(map[string]any)
	return f
}

func envOf(props map[string]any) map[string]any {
	e, _ := props["Environment"].(map[string]any)
	v, _ := e["Variables"].(map[string]any)
	return v
}

// Parameter is one entry of Parameters.
type Parameter struct {
	Name    string
	Type    string
	Default any // nil when the parameter has none
}

// Parameters lists the template's parameters by name.
func (t *Template) Parameters() map[string]Parameter {
	ps, _ := t.Doc["Parameters"].(map[string]any)
	out := map[string]Parameter{}
	for name, v := range ps {
		m, _ := v.(map[string]any)
		typ, _ := m["Type"].(string)
		out[name] = Parameter{Name: name, Type: typ, Default: m["Default"]}
	}
	return out
}

// subRef matches a ${...} reference inside a !Sub string (not ${!literal}).
var subRef = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// Resolve evaluates a value made of strings, numbers, Ref and Fn::Sub (string form) with refs
// supplying the value of each referenced name ("Stage", "IntakeTable", "Table.Arn", ...).
// Anything else is an error: the caller decides what a test deployment looks like.
func Resolve(v any, refs map[string]string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case map[string]any:
		if name, ok := x["Ref"].(string); ok && len(x) == 1 {
			val, ok := refs[name]
			if !ok {
				return "", fmt.Errorf("no value for Ref %s", name)
			}
			return val, nil
		}
		if s, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
			var missing []string
			out := subRef.ReplaceAllStringFunc(s, func(m string) string {
				name := m[2 : len(m)-1]
				val, ok := refs[name]
				if !ok {
					missing = append(missing, name)
				}
				return val
			})
			if len(missing) > 0 {
				return "", fmt.Errorf("no value for ${%s}", strings.Join(missing, "}, ${"))
			}
			return out, nil
		}
	}
	return "", fmt.Errorf("cannot resolve %v", v)
}

// SubRefs lists the names a Fn::Sub string refers to.
func SubRefs(s string) []string {
	var out []string
	for _, m := range subRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
