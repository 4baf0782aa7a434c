package score

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// checker finds what is wrong with a decoded rules file, pointing at the line of each value.
type checker struct {
	lines    map[string]int
	problems []Problem
}

// line is the line of path, or of its nearest ancestor present in the file.
func (c *checker) line(path string) int {
	for p := path; p != ""; {
		if l, ok := c.lines[p]; ok {
			return l
		}
		cut := max(strings.LastIndexAny(p, ".["), 0)
		p = p[:cut]
	}
	return 1
}

func (c *checker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: c.line(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) check(f *rulesFile) {
	if strings.TrimSpace(f.Version) == "" {
		c.fail("version", "required: name the rules version, so that scores computed under other rules are recomputed")
	}
	c.checkCompleteness(&f.Completeness)
	c.checkGrade(&f.Grade)
	c.checkMAN(&f.MAN)
	c.checkKYC(&f.KYCRisk)
	c.checkVIP(&f.VIP)
}

func (c *checker) nonNegative(path string, v float64) {
	if v < 0 {
		c.fail(path, "must not be negative, got %s", num(v))
	}
}

func (c *checker) positive(path string, v float64) {
	if v <= 0 {
		c.fail(path, "must be greater than 0, got %s", num(v))
	}
}

// words checks a list of names or keywords: no empty entries, no repeats.
func (c *checker) words(path string, list []string) {
	seen := make(map[string]bool, len(list))
	for i, w := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		key := strings.ToLower(strings.TrimSpace(w))
		switch {
		case key == "":
			c.fail(p, "must not be empty")
		case seen[key]:
			c.fail(p, "%q is listed twice", w)
		}
		seen[key] = true
	}
}

// vocabulary checks that every entry of list is one of allowed.
func (c *checker) vocabulary(path string, list, allowed []string) {
	c.words(path, list)
	for i, w := range list {
		if w != "" && !slices.Contains(allowed, w) {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "unknown value %q: want one of %s", w, strings.Join(allowed, ", "))
		}
	}
}

func (c *checker) weights(path string, w map[string]float64, known map[string]presence, needPositive bool) {
	anyPositive := false
	for _, k := range sortedKeys(w) {
		p := joinPath(path, k)
		if _, ok := known[k]; !ok {
			c.fail(p, "unknown field: want one of %s", strings.Join(sortedKeys(known), ", "))
			continue
		}
		c.nonNegative(p, w[k])
		anyPositive = anyPositive || w[k] > 0
	}
	if needPositive && !anyPositive {
		c.fail(path, "at least one field must have a weight greater than 0")
	}
}

func (c *checker) fieldList(path string, list []string, known map[string]presence) {
	c.words(path, list)
	for i, k := range list {
		if _, ok := known[k]; k != "" && !ok {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "unknown field %q: want one of %s", k, strings.Join(sortedKeys(known), ", "))
		}
	}
}

func (c *checker) checkCompleteness(r *completenessRules) {
	c.nonNegative("completeness.mandatoryWeight", r.MandatoryWeight)
	c.weights("completeness.person", r.Person, personFields, true)
	c.weights("completeness.organisation", r.Organisation, organisationFields, true)
	c.weights("completeness.card", r.Card, cardFields, false)
	c.fieldList("completeness.cardMandatory", r.CardMandatory, cardFields)
	c.fieldList("completeness.kycPersonMandatory", r.KYCPersonMandatory, personFields)
	c.fieldList("completeness.kycOrganisationMandatory", r.KYCOrganisationMandatory, organisationFields)
}

var (
	gradeLetters = []string{"A", "B", "C", "D", "E"}
	ruleID       = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

func (c *checker) checkGrade(r *gradeRules) {
	if len(r.Grades) != len(gradeLetters) {
		c.fail("grade.grades", "want exactly %d grades, %s, highest first; got %d", len(gradeLetters), strings.Join(gradeLetters, ", "), len(r.Grades))
		return
	}
	ids := make(map[string]string)
	for i, g := range r.Grades {
		path := fmt.Sprintf("grade.grades[%d]", i)
		if g.Grade != gradeLetters[i] {
			c.fail(path+".grade", "want grade %s here (grades run A to E, highest first), got %q", gradeLetters[i], g.Grade)
		}
		last := i == len(gradeLetters)-1
		switch {
		case last && len(g.When) > 0:
			c.fail(path+".when", "the lowest grade is what is left when nothing above applies: it takes no conditions")
		case !last && len(g.When) == 0:
			c.fail(path+".when", "at least one condition is required")
		}
		for j := range g.When {
			c.checkCondition(fmt.Sprintf("%s.when[%d]", path, j), &g.When[j], ids)
		}
	}
	c.ordered(r, "monetaryAtLeast", func(w *gradeCondition) (float64, bool) {
		if w.MonetaryAtLeast == nil {
			return 0, false
		}
		return *w.MonetaryAtLeast, true
	})
	c.ordered(r, "frequencyAtLeast", func(w *gradeCondition) (float64, bool) {
		if w.FrequencyAtLeast == nil {
			return 0, false
		}
		return float64(*w.FrequencyAtLeast), true
	})
}

func (c *checker) checkCondition(path string, w *gradeCondition, ids map[string]string) {
	switch {
	case !ruleID.MatchString(w.ID):
		c.fail(path+".id", "want a rule id of lower-case letters, digits and underscores, got %q", w.ID)
	case ids[w.ID] != "":
		c.fail(path+".id", "rule id %q already used at %s", w.ID, ids[w.ID])
	default:
		ids[w.ID] = path
	}
	if w.criteria() == 0 {
		c.fail(path, "a condition needs at least one criterion")
	}
	if w.MonetaryAtLeast != nil {
		c.nonNegative(path+".monetaryAtLeast", *w.MonetaryAtLeast)
	}
	if w.AnySpend != nil && !*w.AnySpend {
		c.fail(path+".anySpend", "only true is meaningful: leave the key out instead")
	}
	if w.FrequencyAtLeast != nil && *w.FrequencyAtLeast < 1 {
		c.fail(path+".frequencyAtLeast", "must be at least 1, got %d", *w.FrequencyAtLeast)
	}
	if w.RecencyWithinDays != nil && *w.RecencyWithinDays < 0 {
		c.fail(path+".recencyWithinDays", "must not be negative, got %d", *w.RecencyWithinDays)
	}
	c.vocabulary(path+".influence", w.Influence, customer.InfluenceLevels)
	c.vocabulary(path+".stage", w.Stage, customer.ValueStages)
	c.words(path+".diningTier", w.DiningTier)
	c.words(path+".cardFrequency", w.CardFrequency)
}

// ordered checks that a threshold that alone decides a grade (a condition with that single
// criterion) is higher for a higher grade: otherwise the lower grade would be unreachable by it,
// which is a mistake in the file, not a policy.
func (c *checker) ordered(r *gradeRules, key string, get func(*gradeCondition) (float64, bool)) {
	type seenAt struct {
		v     float64
		path  string
		grade string
	}
	var higher []seenAt
	for i, g := range r.Grades {
		var here []seenAt
		for j := range g.When {
			w := &g.When[j]
			v, ok := get(w)
			if !ok || w.criteria() != 1 {
				continue
			}
			path := fmt.Sprintf("grade.grades[%d].when[%d].%s", i, j, key)
			for _, h := range higher {
				if v >= h.v {
					c.fail(path, "thresholds must be ordered: %s for grade %s is not below %s for grade %s (%s)", num(v), g.Grade, num(h.v), h.grade, h.path)
				}
			}
			here = append(here, seenAt{v, path, g.Grade})
		}
		higher = append(higher, here...)
	}
}

var manClasses = []string{"M+A+N", "M+A+n", "M+a+N", "m+A+N", "m+a+N", "m+A+n", "M+a+n", "m+a+n"}

func (c *checker) checkMAN(r *manRules) {
	c.vocabulary("man.prospectStages", r.ProspectStages, customer.ValueStages)
	c.positive("man.money.budgetAtLeast", r.Money.BudgetAtLeast)
	c.positive("man.money.amountAtLeast", r.Money.AmountAtLeast)
	c.vocabulary("man.money.vipSignals", r.Money.VIPSignals, signalNames)
	c.words("man.authority.positions", r.Authority.Positions)
	for _, k := range sortedKeys(r.Actions) {
		p := joinPath("man.actions", k)
		if !slices.Contains(manClasses, k) {
			c.fail(p, "unknown MAN class: want one of %s", strings.Join(manClasses, ", "))
			continue
		}
		a := r.Actions[k]
		if strings.TrimSpace(a.En) == "" || strings.TrimSpace(a.Zh) == "" {
			c.fail(p, "the action needs both en and zh text")
		}
	}
	for _, k := range manClasses {
		if _, ok := r.Actions[k]; !ok {
			c.fail("man.actions", "no action for class %s: all eight classes need one", k)
		}
	}
}

var jurisdictionCode = regexp.MustCompile(`^[A-Z]{2,3}$`)

func (c *checker) checkKYC(r *kycRules) {
	if r.DocumentChecks != "kyc_grade" && r.DocumentChecks != "all" {
		c.fail("kycRisk.documentChecks", `want "kyc_grade" or "all", got %q`, r.DocumentChecks)
	}
	p := r.Points
	for key, v := range map[string]int{
		"documentMissing": p.DocumentMissing, "documentUnverified": p.DocumentUnverified,
		"documentExpired": p.DocumentExpired, "documentNoExpiry": p.DocumentNoExpiry,
		"noController": p.NoController, "highRiskJurisdiction": p.HighRiskJurisdiction,
		"highRiskOccupation": p.HighRiskOccupation, "politicallyExposed": p.PoliticallyExposed,
	} {
		if v < 0 {
			c.fail("kycRisk.points."+key, "must not be negative, got %d", v)
		}
	}
	if r.MediumAtLeast < 1 {
		c.fail("kycRisk.mediumAtLeast", "must be at least 1, got %d", r.MediumAtLeast)
	}
	if r.HighAtLeast <= r.MediumAtLeast {
		c.fail("kycRisk.highAtLeast", "thresholds must be ordered: highAtLeast (%d) must be above mediumAtLeast (%d)", r.HighAtLeast, r.MediumAtLeast)
	}
	c.words("kycRisk.highRiskJurisdictions", r.HighRiskJurisdictions)
	for i, j := range r.HighRiskJurisdictions {
		if j != "" && !jurisdictionCode.MatchString(j) {
			c.fail(fmt.Sprintf("kycRisk.highRiskJurisdictions[%d]", i), "want an upper-case ISO 3166-1 alpha-2 or alpha-3 code, got %q", j)
		}
	}
	c.words("kycRisk.highRiskOccupations", r.HighRiskOccupations)
	c.words("kycRisk.longTermExpiry", r.LongTermExpiry)
}

var regionCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (c *checker) checkVIP(r *vipRules) {
	c.words("vip.highEndAddress.keywords", r.HighEndAddress.Keywords)
	c.words("vip.qualityEmployer.keywords", r.QualityEmployer.Keywords)
	ph := r.DistinctivePhone
	if !regionCode.MatchString(ph.DefaultRegion) {
		c.fail("vip.distinctivePhone.defaultRegion", "want an upper-case ISO 3166-1 alpha-2 region, got %q", ph.DefaultRegion)
	}
	if n := ph.RepeatedTailAtLeast; n != 0 && (n < 3 || n > 15) {
		c.fail("vip.distinctivePhone.repeatedTailAtLeast", "want 0 (off) or 3 to 15, got %d", n)
	}
	if n := ph.SequenceTailAtLeast; n != 0 && (n < 3 || n > 10) {
		c.fail("vip.distinctivePhone.sequenceTailAtLeast", "want 0 (off) or 3 to 10, got %d", n)
	}
	c.words("vip.premiumCard.diningTiers", r.PremiumCard.DiningTiers)
	c.words("vip.premiumCard.interests", r.PremiumCard.Interests)
	c.words("vip.creditLimitTooLow.interests", r.CreditLimitTooLow.Interests)
	c.words("vip.corporateBusiness.interests", r.CorporateBusiness.Interests)
	c.positive("vip.largeAmount.amountAtLeast", r.LargeAmount.AmountAtLeast)
	c.words("vip.largeAmount.interests", r.LargeAmount.Interests)
	c.words("vip.premiumEnquiry.interests", r.PremiumEnquiry.Interests)
}

// criteria counts the criteria a condition sets.
func (w *gradeCondition) criteria() int {
	n := 0
	for _, set := range []bool{
		w.MonetaryAtLeast != nil, w.AnySpend != nil, w.FrequencyAtLeast != nil, w.RecencyWithinDays != nil,
		len(w.Influence) > 0, len(w.Stage) > 0, len(w.DiningTier) > 0, len(w.CardFrequency) > 0,
	} {
		if set {
			n++
		}
	}
	return n
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
