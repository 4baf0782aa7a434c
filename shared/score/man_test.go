package score

import (
	"slices"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

func TestMANClasses(t *testing.T) {
	yes, no := true, false
	// Money: a budget of 1,000,000 meets the default threshold; 999,999 does not.
	// Authority: decisionMaker true or false. Need: a stated need or none.
	tests := []struct {
		budget   float64
		decides  *bool
		need     string
		class    string
		action   string
		actionZh string
	}{
		{1000000, &yes, "fleet", "M+A+N", "Ideal prospect; contact now.", "理想客户，立即接触。"},
		{1000000, &yes, "", "M+A+n", "Contact; with skill there is a good chance.", "可以接触，配上熟练的销售技巧，有成功的希望。"},
		{1000000, &no, "fleet", "M+a+N", "Contact, and find the person with decision authority.", "可以接触，并设法找到具有决策权的人。"},
		{999999, &yes, "fleet", "m+A+N", "Contact; check credit and financing.", "可以接触，需调查其信用状况并为其融资。"},
		{999999, nil, "fleet", "m+a+N", "Contact, but nurture over time.", "可以接触，应长期观察、培养。"},
		{999999, &yes, "", "m+A+n", "Contact, but nurture over time.", "可以接触，应长期观察、培养。"},
		{1000000, nil, "", "M+a+n", "Contact, but nurture over time.", "可以接触，应长期观察、培养。"},
		{999999, &no, " ", "m+a+n", "Not a customer; stop contact.", "非客户，停止接触。"},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			in := Input{Kind: customer.KindPerson, Now: now, Prospect: &customer.Prospect{Budget: amount(tt.budget), DecisionMaker: tt.decides, Need: tt.need}}
			m := e.man(&in, e.vipSignals(&in))
			if m == nil {
				t.Fatal("no MAN score for a prospect")
			}
			if m.Class != tt.class || m.Action != tt.action || m.ActionZh != tt.actionZh {
				t.Errorf("got %s %q %q, want %s %q %q", m.Class, m.Action, m.ActionZh, tt.class, tt.action, tt.actionZh)
			}
			if m.Money != (tt.class[0] == 'M') || m.Authority != (tt.class[2] == 'A') || m.Need != (tt.class[4] == 'N') {
				t.Errorf("flags M=%v A=%v N=%v disagree with %s", m.Money, m.Authority, m.Need, m.Class)
			}
			last := m.Reasons[len(m.Reasons)-1]
			if last.Rule != "man.action" || last.Inputs["class"] != tt.class {
				t.Errorf("last reason = %+v, want man.action for %s", last, tt.class)
			}
		})
	}
}

func TestMANEvidence(t *testing.T) {
	no := false
	tests := []struct {
		name  string
		in    Input
		class string
		rules []string
	}{
		{
			name:  "an enquiry makes a prospect; interests are a need (corporate business is not a money signal)",
			in:    Input{Value: []customer.ValueInfo{{Stage: "enquiry"}}, Interests: []string{"corporate_business"}},
			class: "m+a+N",
			rules: []string{"man.prospect_stage", "man.money.none", "man.authority.none", "man.need.interests", "man.action"},
		},
		{
			name: "a purchase total over the threshold is money; a chairman has authority",
			in: Input{
				Value:  []customer.ValueInfo{{Stage: "intends", PurchaseTotal: amount(1200000)}},
				Person: &customer.Person{Workplace: &customer.Workplace{Position: "集团董事长"}},
			},
			class: "M+A+n",
			rules: []string{"man.prospect_stage", "man.money.amount", "man.authority.position", "man.need.none", "man.action"},
		},
		{
			name: "a requested amount over the threshold is money; positions match ignoring case",
			in: Input{
				Value:  []customer.ValueInfo{{Stage: "intends", Amount: amount(1000000)}},
				Person: &customer.Person{Workplace: &customer.Workplace{Position: "Group ceo"}},
			},
			// the amount also fires large_amount, a money signal
			class: "M+A+n",
			rules: []string{"man.prospect_stage", "man.money.amount", "man.money.vip_signal", "man.authority.position", "man.need.none", "man.action"},
		},
		{
			name: "a high-end address is money",
			in: Input{
				Prospect: &customer.Prospect{},
				Person:   &customer.Person{Address: &customer.Address{Line1: "香山别墅 8 号"}},
			},
			class: "M+a+n",
			rules: []string{"man.prospect_block", "man.money.vip_signal", "man.authority.none", "man.need.none", "man.action"},
		},
		{
			name: "saying they do not decide outweighs the title",
			in: Input{
				Prospect: &customer.Prospect{DecisionMaker: &no, Need: "x"},
				Person:   &customer.Person{Workplace: &customer.Workplace{Position: "CEO"}},
			},
			class: "m+a+N",
			rules: []string{"man.prospect_block", "man.authority.not_decision_maker", "man.money.none", "man.need.stated", "man.action"},
		},
		{
			name: "an organisation with a legal representative has authority",
			in: Input{
				Kind:         customer.KindOrganisation,
				Prospect:     &customer.Prospect{Need: "payroll"},
				Organisation: &customer.Organisation{LegalRepresentative: &customer.RelatedPerson{Name: "r"}},
			},
			class: "m+A+N",
			rules: []string{"man.prospect_block", "man.money.none", "man.authority.legal_representative", "man.need.stated", "man.action"},
		},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			m := e.man(&tt.in, e.vipSignals(&tt.in))
			if m == nil {
				t.Fatal("no MAN score")
			}
			if m.Class != tt.class {
				t.Errorf("class = %s, want %s", m.Class, tt.class)
			}
			if rules := ruleNames(m.Reasons); !slices.Equal(rules, tt.rules) {
				t.Errorf("reasons = %v, want %v", rules, tt.rules)
			}
		})
	}
}

func TestMANOnlyForProspects(t *testing.T) {
	tests := []struct {
		name string
		in   Input
	}{
		{"no prospect block and no value", Input{}},
		{"an event participant", Input{Value: []customer.ValueInfo{{Stage: "event"}}}},
		{"a purchase after an enquiry", Input{Value: []customer.ValueInfo{{Stage: "enquiry"}, {Stage: "purchased"}}}},
		{"only interests", Input{Interests: []string{"fx"}}},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := e.Score(tt.in).MAN; m != nil {
				t.Errorf("MAN = %+v, want nil", m)
			}
		})
	}
}
