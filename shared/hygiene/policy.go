// Package hygiene holds the refresh and retention policies of customer data, the due dates they
// set, and the sweep and purge engines that flag stale customers and delete expired ones.
package hygiene

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed policy.yaml
var defaultPolicyYAML []byte

// maxPolicySize bounds what ParsePolicy reads; a real policy file is a few kilobytes.
const maxPolicySize = 1 << 20

// Ungraded is the AfterMonths key for customers without a value grade.
const Ungraded = "ungraded"

// Grades are the value grades, highest first.
var Grades = []string{"A", "B", "C", "D", "E"}

// ErrInvalidPolicy is matched (errors.Is) by every error ParsePolicy and LoadPolicy return for
// a policy file that cannot be used.
var ErrInvalidPolicy = errors.New("invalid hygiene policy")

// Problem is one thing wrong with a policy file: its line (0 when the problem has none), the
// dotted path of the key, and what is wrong.
type Problem struct {
	Line int
	Path string
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// PolicyError lists every problem found in a policy file.
type PolicyError struct {
	Problems []Problem
}

func (e *PolicyError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return ErrInvalidPolicy.Error() + ": " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalidPolicy) match.
func (e *PolicyError) Unwrap() error { return ErrInvalidPolicy }

// Policy is a parsed and checked hygiene policy. Build one with DefaultPolicy, ParsePolicy or
// LoadPolicy; docs/hygiene.md describes each rule.
type Policy struct {
	// Version names the policy; purge audit entries record it.
	Version string
	Refresh RefreshPolicy
	Purge   PurgePolicy
	// PayloadRetention is how long a submission's raw payload is kept after filing.
	PayloadRetention time.Duration
}

// RefreshPolicy says when a customer's information is due for refresh.
type RefreshPolicy struct {
	// AfterMonths maps a value grade (A..E, or Ungraded) to the months without a new
	// submission after which the information is stale.
	AfterMonths map[string]int
	// DocumentWarnDays is how many days before a document expires the customer becomes due.
	DocumentWarnDays int
	// Documents are the model paths of the documents whose expiresOn is watched.
	Documents []string
	Mandatory Mandatory
}

// Mandatory lists the fields that must be on file, by kind of customer.
type Mandatory struct {
	KYCPerson       []Requirement
	KYCOrganisation []Requirement
	Card            []Requirement
}

// Requirement is one mandatory field: satisfied when any of its paths holds a value.
type Requirement []string

func (r Requirement) String() string { return strings.Join(r, " | ") }

// PurgePolicy says when a customer's data is purged.
type PurgePolicy struct {
	// ProspectGrades are the grades that make a customer a prospect; an ungraded customer is a
	// prospect when no purchase is on file.
	ProspectGrades         []string
	ProspectInactiveMonths int
	ConsentWithdrawnDays   int
	RelationshipEndedYears int
	// RetainKYCRecords keeps KYC-grade customers until RelationshipEndedYears after their
	// relationship ended, whatever else applies.
	RetainKYCRecords bool
}

// policyFile is the shape of the YAML file. Keys are camelCase; an unknown key is an error.
type policyFile struct {
	Version string `yaml:"version"`
	Refresh struct {
		AfterMonths map[string]int `yaml:"afterMonths"`
		Documents   struct {
			WarnDays int      `yaml:"warnDays"`
			Paths    []string `yaml:"paths"`
		} `yaml:"documents"`
		Mandatory struct {
			KYCPerson       []string `yaml:"kycPerson"`
			KYCOrganisation []string `yaml:"kycOrganisation"`
			Card            []string `yaml:"card"`
		} `yaml:"mandatory"`
	} `yaml:"refresh"`
	Purge struct {
		Prospect struct {
			Grades         []string `yaml:"grades"`
			InactiveMonths int      `yaml:"inactiveMonths"`
		} `yaml:"prospect"`
		ConsentWithdrawn struct {
			AfterDays int `yaml:"afterDays"`
		} `yaml:"consentWithdrawn"`
		RelationshipEnded struct {
			AfterYears int `yaml:"afterYears"`
		} `yaml:"relationshipEnded"`
		RetainKYCRecords bool `yaml:"retainKYCRecords"`
	} `yaml:"purge"`
	Payload struct {
		RetentionDays int `yaml:"retentionDays"`
	} `yaml:"payload"`
}

// DefaultPolicy is the embedded policy (shared/hygiene/policy.yaml).
func DefaultPolicy() *Policy {
	p, err := parse(defaultPolicyYAML, false)
	if err != nil {
		// The embedded file is checked by the package's tests.
		panic(fmt.Sprintf("hygiene: embedded policy: %v", err))
	}
	return p
}

// LoadPolicy reads a policy file; see ParsePolicy.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load hygiene policy: %w", err)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("load hygiene policy %s: %w", path, err)
	}
	return p, nil
}

// ParsePolicy reads a policy file over the embedded defaults: the file must give a version and
// may give any other key; a list it gives replaces the default list, a grade it gives in
// refresh.afterMonths replaces that grade's default. Every problem is reported at once, each
// with its line, in a *PolicyError.
func ParsePolicy(data []byte) (*Policy, error) {
	return parse(data, true)
}

func parse(data []byte, overDefaults bool) (*Policy, error) {
	if len(data) > maxPolicySize {
		return nil, &PolicyError{Problems: []Problem{{Msg: fmt.Sprintf("file is larger than %d bytes", maxPolicySize)}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &PolicyError{Problems: yamlProblems(err)}
	}
	if len(root.Content) == 0 {
		return nil, &PolicyError{Problems: []Problem{{Line: 1, Msg: "the file is empty: want at least a version"}}}
	}
	doc := root.Content[0]
	var f policyFile
	if overDefaults {
		if err := decodeStrict(defaultPolicyYAML, &f); err != nil {
			panic(fmt.Sprintf("hygiene: embedded policy: %v", err))
		}
	}
	if err := decodeStrict(data, &f); err != nil {
		return nil, &PolicyError{Problems: yamlProblems(err)}
	}
	c := checker{doc: doc}
	p := c.policy(&f)
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
		return nil, &PolicyError{Problems: c.problems}
	}
	return p, nil
}

func decodeStrict(data []byte, f *policyFile) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(f)
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type .*$`)
	cannotDecode = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.*)$")
)

// yamlProblems turns the YAML library's errors into problems worded for the file's author,
// without Go type names.
func yamlProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	problems := make([]Problem, 0, len(msgs))
	for _, msg := range msgs {
		p := Problem{Msg: strings.TrimPrefix(msg, "yaml: ")}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Msg = m[2]
		}
		if m := unknownField.FindStringSubmatch(p.Msg); m != nil {
			p.Msg = fmt.Sprintf("unknown key %q", m[1])
		} else if m := cannotDecode.FindStringSubmatch(p.Msg); m != nil {
			got := map[string]string{"seq": "a list", "map": "a mapping"}[m[1]]
			if got == "" {
				got = strconv.Quote(m[2])
			}
			p.Msg = fmt.Sprintf("want %s, got %s", wantOf(m[3]), got)
		}
		problems = append(problems, p)
	}
	return problems
}

// wantOf words a Go type of the file's shape for the file's author.
func wantOf(goType string) string {
	switch {
	case goType == "int":
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	default:
		return "a mapping of keys to values"
	}
}

// checker turns a decoded file into a Policy, collecting every problem with the line of the
// key it concerns. Values the file did not give come from the defaults and have no line.
type checker struct {
	doc      *yaml.Node
	problems []Problem
}

func (c *checker) problem(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: c.line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// node finds the value node at a dotted path; a trailing [i] picks a list item.
func (c *checker) node(path string) *yaml.Node {
	n := c.doc
	for seg := range strings.SplitSeq(path, ".") {
		index := -1
		if open := strings.IndexByte(seg, '['); open >= 0 {
			index, _ = strconv.Atoi(strings.TrimSuffix(seg[open+1:], "]"))
			seg = seg[:open]
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == seg {
				next = n.Content[i+1]
			}
		}
		n = next
		if index >= 0 {
			if n == nil || n.Kind != yaml.SequenceNode || index >= len(n.Content) {
				return nil
			}
			n = n.Content[index]
		}
	}
	return n
}

func (c *checker) line(path string) int {
	if n := c.node(path); n != nil {
		return n.Line
	}
	return 0
}

func (c *checker) between(path string, v, lo, hi int) {
	if v < lo || v > hi {
		c.problem(path, "want a whole number from %d to %d, got %d", lo, hi, v)
	}
}

func (c *checker) policy(f *policyFile) *Policy {
	if strings.TrimSpace(f.Version) == "" || c.node("version") == nil {
		c.problems = append(c.problems, Problem{Line: 1, Path: "version", Msg: "missing: every policy file names its version"})
	}
	p := &Policy{
		Version: f.Version,
		Refresh: RefreshPolicy{
			AfterMonths:      make(map[string]int, len(f.Refresh.AfterMonths)),
			DocumentWarnDays: f.Refresh.Documents.WarnDays,
		},
		Purge: PurgePolicy{
			ProspectInactiveMonths: f.Purge.Prospect.InactiveMonths,
			ConsentWithdrawnDays:   f.Purge.ConsentWithdrawn.AfterDays,
			RelationshipEndedYears: f.Purge.RelationshipEnded.AfterYears,
			RetainKYCRecords:       f.Purge.RetainKYCRecords,
		},
		PayloadRetention: time.Duration(f.Payload.RetentionDays) * 24 * time.Hour,
	}
	for grade, months := range f.Refresh.AfterMonths {
		path := "refresh.afterMonths." + grade
		if grade != Ungraded && !slices.Contains(Grades, grade) {
			c.problem(path, "unknown grade %q: want one of %s or %s", grade, strings.Join(Grades, ", "), Ungraded)
			continue
		}
		c.between(path, months, 1, 1200)
		p.Refresh.AfterMonths[grade] = months
	}
	for _, grade := range append(slices.Clone(Grades), Ungraded) {
		if _, ok := f.Refresh.AfterMonths[grade]; !ok {
			c.problem("refresh.afterMonths", "no period for %s", grade)
		}
	}
	c.between("refresh.documents.warnDays", f.Refresh.Documents.WarnDays, 0, 3650)
	for i, path := range f.Refresh.Documents.Paths {
		key := fmt.Sprintf("refresh.documents.paths[%d]", i)
		path = strings.TrimSpace(path)
		if err := checkDocumentPath(path); err != nil {
			c.problem(key, "%v", err)
			continue
		}
		p.Refresh.Documents = append(p.Refresh.Documents, path)
	}
	p.Refresh.Mandatory.KYCPerson = c.requirements("refresh.mandatory.kycPerson", f.Refresh.Mandatory.KYCPerson)
	p.Refresh.Mandatory.KYCOrganisation = c.requirements("refresh.mandatory.kycOrganisation", f.Refresh.Mandatory.KYCOrganisation)
	p.Refresh.Mandatory.Card = c.requirements("refresh.mandatory.card", f.Refresh.Mandatory.Card)

	for i, grade := range f.Purge.Prospect.Grades {
		key := fmt.Sprintf("purge.prospect.grades[%d]", i)
		switch {
		case !slices.Contains(Grades, grade):
			c.problem(key, "unknown grade %q: want one of %s", grade, strings.Join(Grades, ", "))
		case slices.Contains(p.Purge.ProspectGrades, grade):
			c.problem(key, "grade %s is listed twice", grade)
		default:
			p.Purge.ProspectGrades = append(p.Purge.ProspectGrades, grade)
		}
	}
	c.between("purge.prospect.inactiveMonths", f.Purge.Prospect.InactiveMonths, 1, 1200)
	c.between("purge.consentWithdrawn.afterDays", f.Purge.ConsentWithdrawn.AfterDays, 0, 3650)
	c.between("purge.relationshipEnded.afterYears", f.Purge.RelationshipEnded.AfterYears, 0, 100)
	c.between("payload.retentionDays", f.Payload.RetentionDays, 1, 36500)
	return p
}

func (c *checker) requirements(key string, entries []string) []Requirement {
	var out []Requirement
	for i, entry := range entries {
		var req Requirement
		for alt := range strings.SplitSeq(entry, "|") {
			alt = strings.TrimSpace(alt)
			if err := checkFieldPath(alt); err != nil {
				c.problem(fmt.Sprintf("%s[%d]", key, i), "%v", err)
				req = nil
				break
			}
			req = append(req, alt)
		}
		if req != nil {
			out = append(out, req)
		}
	}
	return out
}
