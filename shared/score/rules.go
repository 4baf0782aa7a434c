package score

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed rules.yaml
var defaultRulesYAML []byte

// maxRulesSize bounds what Parse reads; a real rules file is a few kilobytes.
const maxRulesSize = 1 << 20

// ErrInvalidRules is matched (errors.Is) by every error Parse and Load return for a rules file
// that cannot be used.
var ErrInvalidRules = errors.New("invalid scoring rules")

// Problem is one thing wrong with a rules file: the line, the dotted path of the key, and what
// is wrong.
type Problem struct {
	Line int
	Path string
	Msg  string
}

func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", p.Line, p.Path, p.Msg)
}

// RulesError lists every problem found in a rules file.
type RulesError struct {
	Problems []Problem
}

func (e *RulesError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return ErrInvalidRules.Error() + ": " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalidRules) match.
func (e *RulesError) Unwrap() error { return ErrInvalidRules }

// Rules is a parsed and checked rules file. Build one with Parse, Load or DefaultRules, and an
// Engine from it with New.
type Rules struct {
	f rulesFile
}

// Version is the rules file's version string; scores computed under other rules are stale.
func (r *Rules) Version() string { return r.f.Version }

// The shape of the rules file. Keys are camelCase; every key is known, an unknown one is an
// error.
type rulesFile struct {
	Version      string            `yaml:"version"`
	Completeness completenessRules `yaml:"completeness"`
	Grade        gradeRules        `yaml:"grade"`
	MAN          manRules          `yaml:"man"`
	KYCRisk      kycRules          `yaml:"kycRisk"`
	VIP          vipRules          `yaml:"vip"`
}

type completenessRules struct {
	// MandatoryWeight is the least weight a mandatory field carries.
	MandatoryWeight float64            `yaml:"mandatoryWeight"`
	Person          map[string]float64 `yaml:"person"`
	Organisation    map[string]float64 `yaml:"organisation"`
	// Card weights count only for customers with at least one card scan.
	Card                     map[string]float64 `yaml:"card"`
	CardMandatory            []string           `yaml:"cardMandatory"`
	KYCPersonMandatory       []string           `yaml:"kycPersonMandatory"`
	KYCOrganisationMandatory []string           `yaml:"kycOrganisationMandatory"`
}

type gradeRules struct {
	Grades []gradeLevel `yaml:"grades"`
}

type gradeLevel struct {
	Grade string           `yaml:"grade"`
	When  []gradeCondition `yaml:"when"`
}

// gradeCondition fires when every criterion it sets holds.
type gradeCondition struct {
	ID                string   `yaml:"id"`
	MonetaryAtLeast   *float64 `yaml:"monetaryAtLeast"`
	AnySpend          *bool    `yaml:"anySpend"`
	FrequencyAtLeast  *int     `yaml:"frequencyAtLeast"`
	RecencyWithinDays *int     `yaml:"recencyWithinDays"`
	Influence         []string `yaml:"influence"`
	Stage             []string `yaml:"stage"`
	DiningTier        []string `yaml:"diningTier"`
	CardFrequency     []string `yaml:"cardFrequency"`
}

type manRules struct {
	// ProspectStages are the value stages that make a customer without a prospect block a
	// prospect, as long as no further stage has been reached.
	ProspectStages []string             `yaml:"prospectStages"`
	Money          moneyRules           `yaml:"money"`
	Authority      authorityRules       `yaml:"authority"`
	Actions        map[string]manAction `yaml:"actions"`
}

type moneyRules struct {
	BudgetAtLeast float64  `yaml:"budgetAtLeast"`
	AmountAtLeast float64  `yaml:"amountAtLeast"`
	VIPSignals    []string `yaml:"vipSignals"`
}

type authorityRules struct {
	Positions []string `yaml:"positions"`
}

type manAction struct {
	En string `yaml:"en"`
	Zh string `yaml:"zh"`
}

type kycRules struct {
	// DocumentChecks is "kyc_grade" (identification checks only for KYC-grade customers) or "all".
	DocumentChecks        string    `yaml:"documentChecks"`
	Points                kycPoints `yaml:"points"`
	MediumAtLeast         int       `yaml:"mediumAtLeast"`
	HighAtLeast           int       `yaml:"highAtLeast"`
	HighRiskJurisdictions []string  `yaml:"highRiskJurisdictions"`
	HighRiskOccupations   []string  `yaml:"highRiskOccupations"`
	// LongTermExpiry are expiry values that mean the document does not expire (长期).
	LongTermExpiry []string `yaml:"longTermExpiry"`
}

type kycPoints struct {
	DocumentMissing      int `yaml:"documentMissing"`
	DocumentUnverified   int `yaml:"documentUnverified"`
	DocumentExpired      int `yaml:"documentExpired"`
	DocumentNoExpiry     int `yaml:"documentNoExpiry"`
	NoController         int `yaml:"noController"`
	HighRiskJurisdiction int `yaml:"highRiskJurisdiction"`
	HighRiskOccupation   int `yaml:"highRiskOccupation"`
	PoliticallyExposed   int `yaml:"politicallyExposed"`
}

type vipRules struct {
	HighEndAddress    keywordRule     `yaml:"highEndAddress"`
	QualityEmployer   keywordRule     `yaml:"qualityEmployer"`
	DistinctivePhone  phoneRule       `yaml:"distinctivePhone"`
	PremiumCard       premiumCardRule `yaml:"premiumCard"`
	CreditLimitTooLow interestRule    `yaml:"creditLimitTooLow"`
	CorporateBusiness interestRule    `yaml:"corporateBusiness"`
	LargeAmount       largeAmountRule `yaml:"largeAmount"`
	PremiumEnquiry    interestRule    `yaml:"premiumEnquiry"`
}

type keywordRule struct {
	Keywords []string `yaml:"keywords"`
}

type phoneRule struct {
	DefaultRegion       string `yaml:"defaultRegion"`
	RepeatedTailAtLeast int    `yaml:"repeatedTailAtLeast"`
	SequenceTailAtLeast int    `yaml:"sequenceTailAtLeast"`
}

type premiumCardRule struct {
	DiningTiers []string `yaml:"diningTiers"`
	Interests   []string `yaml:"interests"`
}

type interestRule struct {
	Interests []string `yaml:"interests"`
}

type largeAmountRule struct {
	AmountAtLeast float64  `yaml:"amountAtLeast"`
	Interests     []string `yaml:"interests"`
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads and checks a rules file. A file that cannot be used gives a *RulesError listing
// every problem with its line.
func Parse(data []byte) (*Rules, error) {
	if len(data) > maxRulesSize {
		return nil, &RulesError{Problems: []Problem{{Line: 1, Msg: fmt.Sprintf("file larger than %d bytes", maxRulesSize)}}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &RulesError{Problems: []Problem{{Line: 1, Msg: "empty rules file"}}}
		}
		return nil, &RulesError{Problems: []Problem{syntaxProblem(err)}}
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, &RulesError{Problems: []Problem{syntaxProblem(err)}}
	default:
		return nil, &RulesError{Problems: []Problem{{Line: extra.Line, Msg: "more than one YAML document"}}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d := &nodeDecoder{lines: make(map[string]int)}
	var f rulesFile
	d.decode(root, reflect.ValueOf(&f).Elem(), "")
	c := checker{lines: d.lines, problems: d.problems}
	if len(c.problems) == 0 {
		c.check(&f)
	}
	if len(c.problems) > 0 {
		slices.SortStableFunc(c.problems, func(a, b Problem) int { return a.Line - b.Line })
		return nil, &RulesError{Problems: c.problems}
	}
	return &Rules{f: f}, nil
}

func syntaxProblem(err error) Problem {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return Problem{Line: 1, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// Load reads and checks the rules file at path.
func Load(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("score: load rules: %w", err)
	}
	r, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("score: load rules %s: %w", path, err)
	}
	return r, nil
}

var defaultRules = sync.OnceValue(func() *Rules {
	r, err := Parse(defaultRulesYAML)
	if err != nil {
		// The embedded file is part of the build and is checked by the package tests.
		panic("score: embedded rules.yaml: " + err.Error())
	}
	return r
})

// DefaultRules are the rules embedded in the binary (shared/score/rules.yaml).
func DefaultRules() *Rules { return defaultRules() }
