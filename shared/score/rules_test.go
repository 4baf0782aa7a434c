package score

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// edited returns the default rules with old (which must occur once) replaced by new, and the
// line old started on.
func edited(t *testing.T, old, new string) (string, int) {
	t.Helper()
	text := string(defaultRulesYAML)
	if n := strings.Count(text, old); n != 1 {
		t.Fatalf("%q occurs %d times in rules.yaml, want 1", old, n)
	}
	i := strings.Index(text, old)
	return strings.Replace(text, old, new, 1), strings.Count(text[:i], "\n") + 1
}

func TestEmbeddedRulesAreValid(t *testing.T) {
	if got := DefaultRules().Version(); got != "intake-default-1" {
		t.Errorf("default version = %q, want intake-default-1", got)
	}
	r, err := Load("rules-restaurant.yaml")
	if err != nil {
		t.Fatalf("restaurant rules: %v", err)
	}
	if got := r.Version(); got != "intake-restaurant-1" {
		t.Errorf("restaurant version = %q, want intake-restaurant-1", got)
	}
}

func TestParseNamesLineAndProblem(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		// offset is added to the line of old: the problem sits on a line new adds.
		offset int
		path   string
		msg    string
	}{
		{"unknown key", "  mandatoryWeight: 3\n", "  mandatoryWeight: 3\n  mandatoryWieght: 2\n", 1,
			"completeness.mandatoryWieght", `unknown key "mandatoryWieght"`},
		{"unknown top-level key", "\nman:\n", "\ncolour: blue\nman:\n", 1, "colour", `unknown key "colour"`},
		{"negative weight", "    person.gender: 1\n", "    person.gender: -1\n", 0,
			"completeness.person.person.gender", "must not be negative, got -1"},
		{"negative mandatory weight", "  mandatoryWeight: 3\n", "  mandatoryWeight: -3\n", 0,
			"completeness.mandatoryWeight", "must not be negative"},
		{"unknown field path", "    person.gender: 1\n", "    person.gendre: 1\n", 0,
			"completeness.person.person.gendre", "unknown field"},
		{"unknown mandatory field", "    - person.occupation\n", "    - person.job\n", 0,
			"completeness.kycPersonMandatory[3]", `unknown field "person.job"`},
		{"duplicate key", "    person.gender: 1\n", "    person.gender: 1\n    person.gender: 2\n", 1,
			"completeness.person.person.gender", "duplicate key, first given at line"},
		{"text for a number", "    budgetAtLeast: 1000000\n", "    budgetAtLeast: lots\n", 0,
			"man.money.budgetAtLeast", `want number, got "lots"`},
		{"not finite", "    budgetAtLeast: 1000000\n", "    budgetAtLeast: .inf\n", 0,
			"man.money.budgetAtLeast", "want a finite number"},
		{"zero threshold", "    amountAtLeast: 1000000\n    vipSignals", "    amountAtLeast: 0\n    vipSignals", 0,
			"man.money.amountAtLeast", "must be greater than 0"},
		{"grade thresholds out of order", "          monetaryAtLeast: 8000000\n", "          monetaryAtLeast: 50000000\n", 0,
			"grade.grades[1].when[0].monetaryAtLeast", "thresholds must be ordered: 50000000 for grade B is not below 50000000 for grade A"},
		{"grade letter out of place", "    - grade: C # gold 金卡\n", "    - grade: X\n", 0,
			"grade.grades[2].grade", `want grade C here`},
		{"fallback grade with a condition", "    - grade: E # enquiry only 仅咨询\n", "    - grade: E\n      when:\n        - id: anyone\n          stage: [enquiry]\n", 1,
			"grade.grades[4].when", "takes no conditions"},
		{"duplicate rule id", "        - id: any_spend\n", "        - id: purchased\n", 0,
			"grade.grades[2].when[1].id", `rule id "purchased" already used`},
		{"unknown stage", "          stage: [intends, event]\n", "          stage: [intends, bought]\n", 0,
			"grade.grades[3].when[0].stage[1]", `unknown value "bought"`},
		{"anySpend false", "          anySpend: true\n", "          anySpend: false\n", 0,
			"grade.grades[2].when[1].anySpend", "only true is meaningful"},
		{"risk levels out of order", "  highAtLeast: 4\n", "  highAtLeast: 2\n", 0,
			"kycRisk.highAtLeast", "thresholds must be ordered"},
		{"unknown documentChecks", "  documentChecks: kyc_grade\n", "  documentChecks: some\n", 0,
			"kycRisk.documentChecks", `want "kyc_grade" or "all"`},
		{"lower-case jurisdiction", "[KP, PRK,", "[kp, PRK,", 0,
			"kycRisk.highRiskJurisdictions[0]", "upper-case ISO 3166-1"},
		{"unknown MAN class", "    \"M+A+N\":\n", "    \"M+A+X\":\n", 0,
			"man.actions.M+A+X", "unknown MAN class"},
		{"unknown VIP signal", "vipSignals: [high_end_address,", "vipSignals: [big_house,", 0,
			"man.money.vipSignals[0]", `unknown value "big_house"`},
		{"phone tail too short", "    repeatedTailAtLeast: 4\n", "    repeatedTailAtLeast: 1\n", 0,
			"vip.distinctivePhone.repeatedTailAtLeast", "want 0 (off) or 3 to 15"},
		{"keyword listed twice", "[别墅, 国际中心,", "[别墅, 别墅,", 0,
			"vip.highEndAddress.keywords[1]", `"别墅" is listed twice`},
		{"empty position", "      - 董事长\n", "      - \"\"\n", 0,
			"man.authority.positions[0]", "must not be empty"},
		{"condition without criteria", "        - id: major_influence\n          influence: [major]\n", "        - id: major_influence\n", 0,
			"grade.grades[0].when[1]", "at least one criterion"},
		{"empty version", `version: "intake-default-1"`, `version: ""`, 0, "version", "required"},
		{"list where a mapping belongs", "  authority:\n", "  authority: [boss]\n  authorityOld:\n", 0,
			"man.authority", "want a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, line := edited(t, tt.old, tt.new)
			_, err := Parse([]byte(text))
			var re *RulesError
			if !errors.As(err, &re) || !errors.Is(err, ErrInvalidRules) {
				t.Fatalf("Parse error = %v, want a *RulesError matching ErrInvalidRules", err)
			}
			want := line + tt.offset
			for _, p := range re.Problems {
				if p.Line == want && p.Path == tt.path && strings.Contains(p.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no problem at line %d, %s, %q; got %v", want, tt.path, tt.msg, err)
		})
	}
}

func TestParseReportsEveryProblemInLineOrder(t *testing.T) {
	text, first := edited(t, "  mandatoryWeight: 3\n", "  mandatoryWeight: -3\n")
	text = strings.Replace(text, "  highAtLeast: 4\n", "  highAtLeast: 1\n", 1)
	second := strings.Count(text[:strings.Index(text, "  highAtLeast: 1\n")], "\n") + 1
	_, err := Parse([]byte(text))
	var re *RulesError
	if !errors.As(err, &re) {
		t.Fatalf("Parse error = %v, want *RulesError", err)
	}
	if len(re.Problems) != 2 || re.Problems[0].Line != first || re.Problems[1].Line != second {
		t.Fatalf("problems = %v, want lines %d then %d", re.Problems, first, second)
	}
	want := "line " + itoa(first) + ": completeness.mandatoryWeight: must not be negative, got -3"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func itoa(n int) string { return num(float64(n)) }

func TestParseRejectsMalformedFiles(t *testing.T) {
	tests := []struct {
		name string
		data string
		line int
		msg  string
	}{
		{"empty", "", 1, "empty rules file"},
		{"only a comment", "# rules\n", 1, "empty rules file"},
		{"syntax error", "version: x\ngrade:\n  grades: [\n", 3, "not valid YAML"},
		{"tab indentation", "version: x\ngrade:\n\tgrades: 1\n", 3, "not valid YAML"},
		{"two documents", "version: x\n---\nversion: y\n", 2, "more than one YAML document"},
		{"scalar root", "just text\n", 1, "want a mapping"},
		{"alias", "version: &v x\ncompleteness:\n  mandatoryWeight: *v\n", 3, "anchors and aliases are not supported"},
		{"missing sections", "version: x\n", 1, "at least one field must have a weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			var re *RulesError
			if !errors.As(err, &re) {
				t.Fatalf("Parse error = %v, want *RulesError", err)
			}
			p := re.Problems[0]
			if p.Line != tt.line || !strings.Contains(p.Msg, tt.msg) {
				t.Errorf("first problem = %v, want line %d and %q", p, tt.line, tt.msg)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	text, line := edited(t, "    person.gender: 1\n", "    person.gender: -1\n")
	if err := os.WriteFile(bad, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(bad)
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), bad+": invalid scoring rules: line "+itoa(line)+":") {
		t.Errorf("Load(bad) = %v, want the path, the line %d and ErrInvalidRules", err, line)
	}
	if _, err := Load(filepath.Join(dir, "absent.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(absent) = %v, want os.ErrNotExist", err)
	}
	good := filepath.Join(dir, "good.yaml")
	text, _ = edited(t, `version: "intake-default-1"`, `version: "site-7"`)
	if err := os.WriteFile(good, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Load(good)
	if err != nil || r.Version() != "site-7" {
		t.Errorf("Load(good) = %v, %v; want version site-7", r, err)
	}
}
