package score

import (
	"math"
	"strconv"

	"github.com/intake-project/intake/shared/customer"
)

// completeness is the weighted share of the weighed fields the customer has. Card fields count
// only once the customer has a card scan, so that a web-form customer is not marked down for
// dining details nobody could have collected.
func (e *Engine) completeness(in *Input) *customer.Completeness {
	r := &e.r.f.Completeness
	known, base, kyc := personFields, r.Person, r.KYCPersonMandatory
	if in.Kind == customer.KindOrganisation {
		known, base, kyc = organisationFields, r.Organisation, r.KYCOrganisationMandatory
	}
	weights := make(map[string]float64, len(base)+len(r.Card))
	checks := make(map[string]presence, len(known)+len(cardFields))
	for k, w := range base {
		weights[k], checks[k] = w, known[k]
	}
	var reasons []customer.Reason
	mandatory := func(rule string, fields []string, table map[string]presence) {
		for _, k := range fields {
			weights[k], checks[k] = max(weights[k], r.MandatoryWeight), table[k]
		}
		reasons = append(reasons, customer.Reason{
			Rule:   rule,
			Inputs: map[string]string{"fields": strconv.Itoa(len(fields)), "mandatoryWeight": num(r.MandatoryWeight)},
			Effect: "mandatory fields weigh at least " + num(r.MandatoryWeight),
		})
	}
	if in.KYCGrade {
		mandatory("completeness.kyc_identity_mandatory", kyc, known)
	}
	if len(in.Cards) > 0 {
		for k, w := range r.Card {
			weights[k], checks[k] = w, cardFields[k]
		}
		reasons = append(reasons, customer.Reason{
			Rule:   "completeness.card_fields",
			Inputs: map[string]string{"cards": strconv.Itoa(len(in.Cards))},
			Effect: "card fields are weighed",
		})
		mandatory("completeness.card_mandatory", r.CardMandatory, cardFields)
	}

	var have, total float64
	var missing []string
	for _, k := range sortedKeys(weights) {
		w := weights[k]
		if w == 0 {
			continue
		}
		total += w
		if checks[k](in) {
			have += w
		} else {
			missing = append(missing, k)
		}
	}
	ratio := 0.0
	if total > 0 {
		ratio = math.Round(have/total*1e4) / 1e4
	}
	reasons = append(reasons, customer.Reason{
		Rule:   "completeness.ratio",
		Inputs: map[string]string{"presentWeight": num(have), "totalWeight": num(total), "missing": strconv.Itoa(len(missing))},
		Effect: "ratio " + num(ratio),
	})
	return &customer.Completeness{Ratio: ratio, Missing: missing, Reasons: reasons}
}
