package score

import (
	"slices"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// KYC risk levels.
const (
	RiskLow    = "low"
	RiskMedium = "medium"
	RiskHigh   = "high"
)

// kycRisk sums the points of every risk rule that fires and maps the sum onto a level.
// Identification checks (the identity document, an organisation's controller) apply to KYC-grade
// customers, or to everyone when the rules say so: a diner filed without an identity document is
// normal, a bank customer is not. Risk factors (jurisdiction, occupation, politically exposed)
// apply to everyone.
func (e *Engine) kycRisk(in *Input) *customer.KYCRisk {
	r := &e.r.f.KYCRisk
	points := 0
	var reasons []customer.Reason
	fire := func(rule string, pts int, inputs map[string]string) {
		if pts == 0 {
			return
		}
		points += pts
		reasons = append(reasons, customer.Reason{Rule: "kyc." + rule, Inputs: inputs, Effect: "+" + strconv.Itoa(pts)})
	}
	identify := in.KYCGrade || r.DocumentChecks == "all"
	org := in.Kind == customer.KindOrganisation

	if identify {
		field, number, expires := "person.idDocument", personDoc(in).Number, personDoc(in).ExpiresOn
		present := personDoc(in).Type != "" && number != ""
		if org {
			field, number, expires = "organisation.licence", licence(in).Number, licence(in).ExpiresOn
			present = number != ""
		}
		switch {
		case !present:
			fire("document_missing", r.Points.DocumentMissing, map[string]string{"field": field})
		default:
			if !in.IdentityVerified {
				fire("document_unverified", r.Points.DocumentUnverified, map[string]string{"field": field})
			}
			e.expiry(in, field, expires, fire)
		}
		if org && len(controllers(in)) == 0 {
			fire("no_controller", r.Points.NoController, map[string]string{"field": "organisation.controller"})
		}
	}

	field, country := "person.nationality", person(in).Nationality
	if org {
		field, country = "organisation.address.country", ""
		if a := organisation(in).Address; a != nil {
			country = a.Country
		}
	}
	if c := strings.ToUpper(strings.TrimSpace(country)); c != "" && slices.Contains(r.HighRiskJurisdictions, c) {
		fire("high_risk_jurisdiction", r.Points.HighRiskJurisdiction, map[string]string{"field": field, "jurisdiction": c})
	}
	field, activity := "person.occupation", person(in).Occupation
	if org {
		field, activity = "organisation.businessScope", organisation(in).BusinessScope
	}
	if kw, ok := containsKeyword(activity, r.HighRiskOccupations); ok {
		fire("high_risk_occupation", r.Points.HighRiskOccupation, map[string]string{"field": field, "keyword": kw})
	}
	if !org && person(in).PoliticallyExposed {
		fire("politically_exposed", r.Points.PoliticallyExposed, map[string]string{"field": "person.politicallyExposed"})
	}

	level := RiskLow
	switch {
	case points >= r.HighAtLeast:
		level = RiskHigh
	case points >= r.MediumAtLeast:
		level = RiskMedium
	}
	reasons = append(reasons, customer.Reason{
		Rule:   "kyc.level",
		Inputs: map[string]string{"points": strconv.Itoa(points), "mediumAtLeast": strconv.Itoa(r.MediumAtLeast), "highAtLeast": strconv.Itoa(r.HighAtLeast)},
		Effect: level,
	})
	return &customer.KYCRisk{Level: level, Reasons: reasons}
}

// expiry fires the expired rule for a document whose last valid day is before today, and the
// no-expiry rule for one whose validity is unknown. A long-term document (长期) never expires.
func (e *Engine) expiry(in *Input, field, expires string, fire func(string, int, map[string]string)) {
	r := &e.r.f.KYCRisk
	if slices.ContainsFunc(r.LongTermExpiry, func(v string) bool { return strings.EqualFold(v, strings.TrimSpace(expires)) }) {
		return
	}
	last, ok := parseDay(expires)
	if !ok {
		fire("document_no_expiry", r.Points.DocumentNoExpiry, map[string]string{"field": field + ".expiresOn"})
		return
	}
	if today := dayOf(in.Now); last < today {
		fire("document_expired", r.Points.DocumentExpired, map[string]string{"field": field + ".expiresOn", "expiredDaysAgo": strconv.Itoa(today - last)})
	}
}
