package score

import (
	"slices"
	"strconv"
	"strings"

	"github.com/intake-project/intake/shared/customer"
	"github.com/nyaruka/phonenumbers"
)

// Potential-VIP signals (DOMAIN.md §3), in the order Score reports them.
const (
	SignalHighEndAddress    = "high_end_address"
	SignalQualityEmployer   = "quality_employer"
	SignalDistinctivePhone  = "distinctive_phone"
	SignalPremiumCard       = "premium_card"
	SignalCreditLimitTooLow = "credit_limit_too_low"
	SignalCorporateBusiness = "corporate_business"
	SignalLargeAmount       = "large_amount"
	SignalPremiumEnquiry    = "premium_enquiry"
)

var signalNames = []string{
	SignalHighEndAddress, SignalQualityEmployer, SignalDistinctivePhone, SignalPremiumCard,
	SignalCreditLimitTooLow, SignalCorporateBusiness, SignalLargeAmount, SignalPremiumEnquiry,
}

// Evidence names the field and the rule term that matched, never the customer's value: a
// signal says "address keyword 别墅", not the address.
func (e *Engine) vipSignals(in *Input) []customer.VIPSignal {
	r := &e.r.f.VIP
	var out []customer.VIPSignal
	add := func(signal string, evidence map[string]string) {
		out = append(out, customer.VIPSignal{Signal: signal, Evidence: evidence})
	}
	if field, kw, ok := firstKeyword(addresses(in), r.HighEndAddress.Keywords); ok {
		add(SignalHighEndAddress, map[string]string{"field": field, "keyword": kw})
	}
	if in.Kind != customer.KindOrganisation && in.Person != nil && in.Person.Workplace != nil {
		employer := []namedText{{"person.workplace.name", in.Person.Workplace.Name}}
		if field, kw, ok := firstKeyword(employer, r.QualityEmployer.Keywords); ok {
			add(SignalQualityEmployer, map[string]string{"field": field, "keyword": kw})
		}
	}
	if ev, ok := distinctivePhone(in, &r.DistinctivePhone); ok {
		add(SignalDistinctivePhone, ev)
	}
	if ev, ok := premiumCard(in, &r.PremiumCard); ok {
		add(SignalPremiumCard, ev)
	}
	for _, s := range []struct {
		signal string
		topics []string
	}{
		{SignalCreditLimitTooLow, r.CreditLimitTooLow.Interests},
		{SignalCorporateBusiness, r.CorporateBusiness.Interests},
	} {
		if topics := interestsIn(in.Interests, s.topics); topics != "" {
			add(s.signal, map[string]string{"interests": topics})
		}
	}
	if ev, ok := largeAmount(in, &r.LargeAmount); ok {
		add(SignalLargeAmount, ev)
	}
	if topics := interestsIn(in.Interests, r.PremiumEnquiry.Interests); topics != "" {
		add(SignalPremiumEnquiry, map[string]string{"interests": topics})
	}
	return out
}

type namedText struct{ field, text string }

func addressText(a *customer.Address) string {
	if a == nil {
		return ""
	}
	return a.Line1 + " " + a.Line2
}

func addresses(in *Input) []namedText {
	if in.Kind == customer.KindOrganisation {
		return []namedText{{"organisation.address", addressText(organisation(in).Address)}}
	}
	p := person(in)
	return []namedText{
		{"person.address", addressText(p.Address)},
		{"person.habitualAddress", addressText(p.HabitualAddress)},
		{"person.workplace.address", addressText(workplace(in).Address)},
	}
}

// firstKeyword finds the first text containing one of keywords, ignoring case, and says which.
func firstKeyword(texts []namedText, keywords []string) (field, keyword string, ok bool) {
	for _, t := range texts {
		if kw, ok := containsKeyword(t.text, keywords); ok {
			return t.field, kw, true
		}
	}
	return "", "", false
}

func containsKeyword(text string, keywords []string) (string, bool) {
	lower := strings.ToLower(text)
	for _, kw := range keywords {
		if strings.Contains(lower, strings.ToLower(kw)) {
			return kw, true
		}
	}
	return "", false
}

// interestsIn lists, comma-separated and in the rule's order, the topics of the rule the
// customer enquired about.
func interestsIn(interests, topics []string) string {
	var hit []string
	for _, t := range topics {
		if slices.Contains(interests, t) {
			hit = append(hit, t)
		}
	}
	return strings.Join(hit, ",")
}

// distinctivePhone looks at the national significant number (the number without country code
// or trunk prefix) of each phone: it is distinctive when it ends in a run of one repeated digit
// (…8888) or in a run of consecutive ascending or descending digits (…123456, …654321; no
// wrap-around from 9 to 0) at least as long as the rules ask.
func distinctivePhone(in *Input, r *phoneRule) (map[string]string, bool) {
	field, phones := "person.phones", person(in).Phones
	if in.Kind == customer.KindOrganisation {
		field, phones = "organisation.phones", organisation(in).Phones
	}
	for _, raw := range phones {
		nsn := nationalNumber(raw, r.DefaultRegion)
		if n := repeatedTail(nsn); r.RepeatedTailAtLeast > 0 && n >= r.RepeatedTailAtLeast {
			return map[string]string{"field": field, "pattern": "repeated_digit_tail", "length": strconv.Itoa(n)}, true
		}
		if n := sequenceTail(nsn); r.SequenceTailAtLeast > 0 && n >= r.SequenceTailAtLeast {
			return map[string]string{"field": field, "pattern": "sequence_tail", "length": strconv.Itoa(n)}, true
		}
	}
	return nil, false
}

func nationalNumber(raw, region string) string {
	if pn, err := phonenumbers.Parse(raw, region); err == nil {
		return phonenumbers.GetNationalSignificantNumber(pn)
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, raw)
}

// repeatedTail is the length of the run of one digit that ends s.
func repeatedTail(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == s[len(s)-1]; i-- {
		n++
	}
	return n
}

// sequenceTail is the length of the longest run of digits stepping by +1 or by -1 that ends s.
func sequenceTail(s string) int {
	best := min(len(s), 1)
	for _, step := range []int{1, -1} {
		n := min(len(s), 1)
		for i := len(s) - 1; i > 0 && int(s[i])-int(s[i-1]) == step; i-- {
			n++
		}
		best = max(best, n)
	}
	return best
}

func premiumCard(in *Input, r *premiumCardRule) (map[string]string, bool) {
	for _, c := range in.Cards {
		if c.DiningTier != "" && slices.Contains(r.DiningTiers, c.DiningTier) {
			return map[string]string{"field": "card.diningTier", "diningTier": c.DiningTier}, true
		}
	}
	if topics := interestsIn(in.Interests, r.Interests); topics != "" {
		return map[string]string{"interests": topics}, true
	}
	return nil, false
}

func largeAmount(in *Input, r *largeAmountRule) (map[string]string, bool) {
	for _, v := range in.Value {
		if v.Amount != nil && *v.Amount >= r.AmountAtLeast {
			return map[string]string{"field": "value.amount", "amountAtLeast": num(r.AmountAtLeast)}, true
		}
	}
	if topics := interestsIn(in.Interests, r.Interests); topics != "" {
		return map[string]string{"interests": topics}, true
	}
	return nil, false
}
