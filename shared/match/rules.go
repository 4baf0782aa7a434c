package match

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"

	"gopkg.in/yaml.v3"
)

// Rules are the versioned parameters of matching: for every compared field, the probability
// of each agreement level among true matches (m) and among non-matches (u), and the two
// thresholds on the total match weight.
type Rules struct {
	Version    string      `yaml:"version"`
	Thresholds Thresholds  `yaml:"thresholds"`
	Prior      float64     `yaml:"prior,omitempty"`
	Fields     []FieldRule `yaml:"fields"`
}

// Thresholds split total match weights (in bits): at or above Match the submission is merged
// into the candidate; at or above Possible it goes to review; below, it is a new customer.
// Identity is the least weight the fields that describe the person or organisation itself
// (everything but the address) must give for a merge, so that an address shared by a family
// cannot merge its members.
type Thresholds struct {
	Match    float64 `yaml:"match"`
	Possible float64 `yaml:"possible"`
	Identity float64 `yaml:"identity"`
}

// FieldRule holds one field's m and u probabilities, one per agreement level, best first.
type FieldRule struct {
	Name string    `yaml:"name"`
	M    []float64 `yaml:"m,flow"`
	U    []float64 `yaml:"u,flow"`
}

// RulesError is a rules file that cannot be used, with the line at fault (0 when unknown).
type RulesError struct {
	Line int
	Msg  string
}

func (e *RulesError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rules line %d: %s", e.Line, e.Msg)
	}
	return "rules: " + e.Msg
}

//go:embed rules.yaml
var defaultRules []byte

// DefaultRules returns the rules shipped with the package.
func DefaultRules() (*Rules, error) { return ParseRules(defaultRules) }

// ParseRules reads a rules file and checks it against the compared fields: every field known,
// once, with one m and one u probability in (0, 1] per level, and Possible ≤ Match.
func ParseRules(data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &RulesError{Msg: "empty file"}
		}
		return nil, &RulesError{Line: yamlErrorLine(err), Msg: err.Error()}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &RulesError{Msg: err.Error()}
	}
	lines := ruleLines(&doc)
	if r.Version == "" {
		return nil, &RulesError{Line: lines.top, Msg: "version is missing"}
	}
	if r.Thresholds.Possible > r.Thresholds.Match {
		return nil, &RulesError{Line: lines.thresholds, Msg: "thresholds: possible is above match"}
	}
	levels := map[string]int{}
	for _, c := range comparators {
		levels[c.field] = c.levels
	}
	seen := map[string]bool{}
	for i, f := range r.Fields {
		line := lines.field(i)
		n, ok := levels[f.Name]
		switch {
		case !ok:
			return nil, &RulesError{Line: line, Msg: fmt.Sprintf("unknown field %q", f.Name)}
		case seen[f.Name]:
			return nil, &RulesError{Line: line, Msg: fmt.Sprintf("field %q given twice", f.Name)}
		case len(f.M) != n || len(f.U) != n:
			return nil, &RulesError{Line: line, Msg: fmt.Sprintf("field %q needs %d m and %d u probabilities", f.Name, n, n)}
		}
		seen[f.Name] = true
		for _, p := range append(append([]float64{}, f.M...), f.U...) {
			if !(p > 0 && p <= 1) || math.IsNaN(p) {
				return nil, &RulesError{Line: line, Msg: fmt.Sprintf("field %q: probabilities must be in (0, 1]", f.Name)}
			}
		}
	}
	for _, c := range comparators {
		if !seen[c.field] {
			return nil, &RulesError{Line: lines.fields, Msg: fmt.Sprintf("field %q is missing", c.field)}
		}
	}
	return &r, nil
}

// Marshal writes the rules in the rules file format.
func (r *Rules) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("marshal rules: %w", err)
	}
	return b.Bytes(), nil
}

type lineIndex struct {
	top, thresholds, fields int
	fieldLines              []int
}

func (l lineIndex) field(i int) int {
	if i < len(l.fieldLines) {
		return l.fieldLines[i]
	}
	return l.fields
}

func ruleLines(doc *yaml.Node) lineIndex {
	var l lineIndex
	if len(doc.Content) == 0 {
		return l
	}
	root := doc.Content[0]
	l.top = root.Line
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "thresholds":
			l.thresholds = key.Line
		case "fields":
			l.fields = key.Line
			for _, item := range val.Content {
				l.fieldLines = append(l.fieldLines, item.Line)
			}
		}
	}
	return l
}

// yamlErrorLine digs the line number out of a YAML decoding error.
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	for i := 0; i+5 <= len(msg); i++ {
		if msg[i:i+5] == "line " {
			if _, err := fmt.Sscanf(msg[i+5:], "%d", &line); err == nil {
				return line
			}
		}
	}
	return 0
}
