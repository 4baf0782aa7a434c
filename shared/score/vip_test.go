package score

import (
	"maps"
	"testing"

	"github.com/intake-project/intake/shared/customer"
)

func TestVIPSignals(t *testing.T) {
	withPhone := func(phones ...string) Input {
		return Input{Kind: customer.KindPerson, Person: &customer.Person{Phones: phones}}
	}
	tests := []struct {
		name     string
		in       Input
		signal   string
		evidence map[string]string // nil: the signal must not fire
	}{
		{
			name: "villa address", signal: SignalHighEndAddress,
			in:       Input{Person: &customer.Person{Address: &customer.Address{Line1: "香山别墅 8 号", City: "北京"}}},
			evidence: map[string]string{"field": "person.address", "keyword": "别墅"},
		},
		{
			name: "office tower, any case", signal: SignalHighEndAddress,
			in: Input{Person: &customer.Person{Workplace: &customer.Workplace{
				Address: &customer.Address{Line1: "Floor 30", Line2: "Harbour TOWER 2"},
			}}},
			evidence: map[string]string{"field": "person.workplace.address", "keyword": "Tower"},
		},
		{
			name: "organisation in an international centre", signal: SignalHighEndAddress,
			in: Input{Kind: customer.KindOrganisation, Organisation: &customer.Organisation{
				Address: &customer.Address{Line1: "环球国际中心 A 座"},
			}},
			evidence: map[string]string{"field": "organisation.address", "keyword": "国际中心"},
		},
		{
			name: "ordinary address", signal: SignalHighEndAddress,
			in: Input{Person: &customer.Person{Address: &customer.Address{Line1: "和平里七区 12 号楼"}}},
		},
		{
			name: "bank employee", signal: SignalQualityEmployer,
			in:       Input{Person: &customer.Person{Workplace: &customer.Workplace{Name: "某某银行北京分行"}}},
			evidence: map[string]string{"field": "person.workplace.name", "keyword": "银行"},
		},
		{
			name: "bakery employee", signal: SignalQualityEmployer,
			in: Input{Person: &customer.Person{Workplace: &customer.Workplace{Name: "Corner Bakery"}}},
		},
		{
			name: "phone ending 8888", signal: SignalDistinctivePhone,
			in:       withPhone("+8613800138000", "+8613912348888"),
			evidence: map[string]string{"field": "person.phones", "pattern": "repeated_digit_tail", "length": "4"},
		},
		{
			name: "national format ending 00000", signal: SignalDistinctivePhone,
			in:       withPhone("139 1230 0000"),
			evidence: map[string]string{"field": "person.phones", "pattern": "repeated_digit_tail", "length": "5"},
		},
		{
			name: "phone ending 654321", signal: SignalDistinctivePhone,
			in:       withPhone("+8613900654321"),
			evidence: map[string]string{"field": "person.phones", "pattern": "sequence_tail", "length": "6"},
		},
		{
			// national significant number 2079460000: tail 0000
			name: "foreign number ending 0000", signal: SignalDistinctivePhone,
			in:       withPhone("+44 20 7946 0000"),
			evidence: map[string]string{"field": "person.phones", "pattern": "repeated_digit_tail", "length": "4"},
		},
		{
			name: "tail 000 and 54321 are too short", signal: SignalDistinctivePhone,
			in: withPhone("+8613800138000", "+8613900054321"),
		},
		{
			name: "no wrap-around from 9 to 0", signal: SignalDistinctivePhone,
			in: withPhone("+8613967890123"),
		},
		{
			name: "luxury dining tier", signal: SignalPremiumCard,
			in:       Input{Cards: []customer.CardInfo{{DiningTier: "business"}, {DiningTier: "luxury"}}},
			evidence: map[string]string{"field": "card.diningTier", "diningTier": "luxury"},
		},
		{
			name: "premium card enquiry", signal: SignalPremiumCard,
			in:       Input{Interests: []string{"premium_card"}},
			evidence: map[string]string{"interests": "premium_card"},
		},
		{
			name: "business dining tier", signal: SignalPremiumCard,
			in: Input{Cards: []customer.CardInfo{{DiningTier: "business"}}},
		},
		{
			name: "credit limit too low", signal: SignalCreditLimitTooLow,
			in:       Input{Interests: []string{"fx", "credit_limit_too_low"}},
			evidence: map[string]string{"interests": "credit_limit_too_low"},
		},
		{
			name: "no credit limit complaint", signal: SignalCreditLimitTooLow,
			in: Input{Interests: []string{"fx"}},
		},
		{
			name: "corporate business enquiry", signal: SignalCorporateBusiness,
			in:       Input{Interests: []string{"corporate_business"}},
			evidence: map[string]string{"interests": "corporate_business"},
		},
		{
			name: "no corporate enquiry", signal: SignalCorporateBusiness,
			in: Input{Interests: []string{"study_abroad"}},
		},
		{
			name: "an amount of exactly the threshold", signal: SignalLargeAmount,
			in:       Input{Value: []customer.ValueInfo{{Amount: amount(10)}, {Stage: "intends", Amount: amount(1000000)}}},
			evidence: map[string]string{"field": "value.amount", "amountAtLeast": "1000000"},
		},
		{
			name: "a large-transaction enquiry", signal: SignalLargeAmount,
			in:       Input{Interests: []string{"large_transaction"}},
			evidence: map[string]string{"interests": "large_transaction"},
		},
		{
			name: "an amount just below, and a large purchase total", signal: SignalLargeAmount,
			in: Input{Value: []customer.ValueInfo{{Amount: amount(999999.99), PurchaseTotal: amount(5000000)}}},
		},
		{
			name: "premium enquiries, listed in the rule's order", signal: SignalPremiumEnquiry,
			in:       Input{Interests: []string{"deposit_certificate", "fx", "private_banking"}},
			evidence: map[string]string{"interests": "private_banking,fx,deposit_certificate"},
		},
		{
			name: "no premium enquiry", signal: SignalPremiumEnquiry,
			in: Input{Interests: []string{"corporate_business"}},
		},
	}
	e := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.Kind == "" {
				tt.in.Kind = customer.KindPerson
			}
			tt.in.Now = now
			var got *customer.VIPSignal
			signals := e.vipSignals(&tt.in)
			for i := range signals {
				if signals[i].Signal == tt.signal {
					got = &signals[i]
				}
			}
			switch {
			case tt.evidence == nil && got != nil:
				t.Errorf("%s fired with %v, want it not to fire", tt.signal, got.Evidence)
			case tt.evidence != nil && got == nil:
				t.Errorf("%s did not fire; signals: %v", tt.signal, signals)
			case got != nil && !maps.Equal(got.Evidence, tt.evidence):
				t.Errorf("evidence = %v, want %v", got.Evidence, tt.evidence)
			}
		})
	}
}

func TestPhoneTails(t *testing.T) {
	tests := []struct {
		nsn              string
		repeated, sequen int
	}{
		{"", 0, 0},
		{"7", 1, 1},
		{"13800138000", 3, 1},
		{"13912348888", 4, 1},
		{"13812345678", 1, 8},
		{"13987654321", 1, 9},
		{"13967890123", 1, 4},
	}
	for _, tt := range tests {
		if r, s := repeatedTail(tt.nsn), sequenceTail(tt.nsn); r != tt.repeated || s != tt.sequen {
			t.Errorf("%q: repeated %d, sequence %d; want %d, %d", tt.nsn, r, s, tt.repeated, tt.sequen)
		}
	}
}

func TestNationalNumber(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"+8613912348888", "13912348888"},
		{"139 1234 8888", "13912348888"},
		{"008613912348888", "13912348888"},
		{"+44 20 7946 0000", "2079460000"},
		// not a phone number: its digits, as written
		{"room 12", "12"},
	}
	for _, tt := range tests {
		if got := nationalNumber(tt.raw, "CN"); got != tt.want {
			t.Errorf("nationalNumber(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
