package score

import (
	"slices"
	"strings"

	"github.com/intake-project/intake/shared/customer"
)

// stageRank orders value stages by how far they go, so that a customer who has purchased is no
// longer qualified as a prospect by an older enquiry.
var stageRank = map[string]int{"enquiry": 1, "event": 2, "intends": 3, "purchased": 4}

func furthestStage(values []customer.ValueInfo) string {
	best := ""
	for _, v := range values {
		if stageRank[v.Stage] > stageRank[best] {
			best = v.Stage
		}
	}
	return best
}

// man classifies a prospect by Money, Authority and Need. Only prospects are classified: a
// customer with a prospect block, or whose furthest value stage is one of the rules'
// prospect stages. Anyone else gets nil.
func (e *Engine) man(in *Input, signals []customer.VIPSignal) *customer.MANScore {
	r := &e.r.f.MAN
	stage := furthestStage(in.Value)
	if in.Prospect == nil && !slices.Contains(r.ProspectStages, stage) {
		return nil
	}
	p := in.Prospect
	if p == nil {
		p = &customer.Prospect{}
	}
	s := &customer.MANScore{}
	if p == in.Prospect {
		s.Reasons = append(s.Reasons, customer.Reason{Rule: "man.prospect_block", Effect: "classified as a prospect"})
	} else {
		s.Reasons = append(s.Reasons, customer.Reason{Rule: "man.prospect_stage", Inputs: map[string]string{"stage": stage}, Effect: "classified as a prospect"})
	}

	var money []customer.Reason
	if p.Budget != nil && *p.Budget >= r.Money.BudgetAtLeast {
		money = append(money, customer.Reason{Rule: "man.money.budget", Inputs: map[string]string{"budget": num(*p.Budget), "budgetAtLeast": num(r.Money.BudgetAtLeast)}})
	}
	for _, field := range []string{"value.amount", "value.purchaseTotal"} {
		for _, v := range in.Value {
			a := v.Amount
			if field == "value.purchaseTotal" {
				a = v.PurchaseTotal
			}
			if a != nil && *a >= r.Money.AmountAtLeast {
				money = append(money, customer.Reason{Rule: "man.money.amount", Inputs: map[string]string{"field": field, "amountAtLeast": num(r.Money.AmountAtLeast)}})
				break
			}
		}
	}
	for _, sig := range signals {
		if slices.Contains(r.Money.VIPSignals, sig.Signal) {
			money = append(money, customer.Reason{Rule: "man.money.vip_signal", Inputs: map[string]string{"signal": sig.Signal}})
		}
	}

	var authority []customer.Reason
	if p.DecisionMaker != nil && !*p.DecisionMaker {
		// What the contact said about themselves outweighs a title: the action for "a" is to
		// find the person who decides.
		s.Reasons = append(s.Reasons, customer.Reason{Rule: "man.authority.not_decision_maker", Inputs: map[string]string{"decisionMaker": "false"}, Effect: "a"})
	} else {
		if p.DecisionMaker != nil {
			authority = append(authority, customer.Reason{Rule: "man.authority.decision_maker", Inputs: map[string]string{"decisionMaker": "true"}})
		}
		if in.Kind != customer.KindOrganisation {
			if kw, ok := containsKeyword(workplace(in).Position, r.Authority.Positions); ok {
				authority = append(authority, customer.Reason{Rule: "man.authority.position", Inputs: map[string]string{"field": "person.workplace.position", "keyword": kw}})
			}
		} else if namedPerson(organisation(in).LegalRepresentative) {
			authority = append(authority, customer.Reason{Rule: "man.authority.legal_representative", Inputs: map[string]string{"field": "organisation.legalRepresentative"}})
		}
	}

	var need []customer.Reason
	if strings.TrimSpace(p.Need) != "" {
		need = append(need, customer.Reason{Rule: "man.need.stated", Inputs: map[string]string{"field": "prospect.need"}})
	}
	if len(in.Interests) > 0 {
		need = append(need, customer.Reason{Rule: "man.need.interests", Inputs: map[string]string{"interests": strings.Join(in.Interests, ",")}})
	}

	s.Money, s.Authority, s.Need = len(money) > 0, len(authority) > 0, len(need) > 0
	s.Class = letter(s.Money, "M") + "+" + letter(s.Authority, "A") + "+" + letter(s.Need, "N")
	for _, part := range []struct {
		name    string
		reasons []customer.Reason
		upper   string
	}{{"money", money, "M"}, {"authority", authority, "A"}, {"need", need, "N"}} {
		for _, reason := range part.reasons {
			reason.Effect = part.upper
			s.Reasons = append(s.Reasons, reason)
		}
		if len(part.reasons) == 0 && !(part.name == "authority" && p.DecisionMaker != nil) {
			s.Reasons = append(s.Reasons, customer.Reason{Rule: "man." + part.name + ".none", Effect: strings.ToLower(part.upper)})
		}
	}
	a := r.Actions[s.Class]
	s.Action, s.ActionZh = a.En, a.Zh
	s.Reasons = append(s.Reasons, customer.Reason{Rule: "man.action", Inputs: map[string]string{"class": s.Class}, Effect: a.En})
	return s
}

func letter(has bool, upper string) string {
	if has {
		return upper
	}
	return strings.ToLower(upper)
}
