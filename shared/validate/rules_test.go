package validate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

var testNow = time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// webPerson is a valid web-form submission about a person.
func webPerson() customer.Submission {
	return customer.Submission{
		SourceRef: "crm-1",
		Channel:   customer.ChannelWebForm,
		Kind:      customer.KindPerson,
		Person: &customer.Person{
			Name:      "张三",
			Gender:    "female",
			BirthDate: "1949-12-31",
			IDDocument: &customer.IDDocument{
				Type: customer.DocCNResidentID, Number: "11010519491231002X", ExpiresOn: "2030-01-01",
			},
			Phones: []string{"13800138000"},
			Emails: []string{"zhang@example.com"},
		},
		Consent: &customer.Consent{Purposes: []string{"marketing"}, GivenAt: "2025-05-30T10:00:00+08:00"},
	}
}

// cardPerson is a valid card scan.
func cardPerson() customer.Submission {
	return customer.Submission{
		Channel: customer.ChannelCardScan,
		Kind:    customer.KindPerson,
		Person:  &customer.Person{Name: "李四"},
		Card: &customer.CardInfo{
			DiningTier: "business", Frequency: "monthly", Role: "host", SignsBill: ptr(true),
			PatronageReason: "loyal_customer",
		},
	}
}

// kycOrganisation is a valid KYC-grade organisation from staff entry.
func kycOrganisation() customer.Submission {
	doc := func() *customer.IDDocument {
		return &customer.IDDocument{Type: customer.DocCNResidentID, Number: "110101199003071233", ExpiresOn: "2035-03-07"}
	}
	return customer.Submission{
		Channel:  customer.ChannelStaffEntry,
		Kind:     customer.KindOrganisation,
		KYCGrade: true,
		Organisation: &customer.Organisation{
			Name:                "北京示例科技有限公司",
			CreditCode:          "91110108551385082Q",
			Licence:             &customer.Licence{Name: "营业执照", Number: "110108012345678", ExpiresOn: "2040-01-01"},
			LegalRepresentative: &customer.RelatedPerson{Name: "王五", IDDocument: doc()},
			Controller:          &customer.RelatedPerson{Name: "赵六", IDDocument: doc()},
		},
	}
}

type issue struct{ path, code string }

func issues(fes []customer.FieldError) []issue {
	out := make([]issue, len(fes))
	for i, e := range fes {
		out[i] = issue{e.Path, e.Code}
	}
	return out
}

func TestCheckAcceptsValidSubmissions(t *testing.T) {
	for name, s := range map[string]customer.Submission{
		"web form person":  webPerson(),
		"card scan":        cardPerson(),
		"KYC organisation": kycOrganisation(),
	} {
		t.Run(name, func(t *testing.T) {
			res := Rules{Now: testNow}.Check(s)
			if !res.Valid() || len(res.Warnings) > 0 {
				t.Fatalf("errors %v, warnings %v", issues(res.Errors), issues(res.Warnings))
			}
		})
	}
}

func TestCheckRules(t *testing.T) {
	tests := []struct {
		name   string
		base   func() customer.Submission
		rules  Rules
		change func(s *customer.Submission)
		errs   []issue
		warns  []issue
	}{
		{name: "channel required", base: webPerson, change: func(s *customer.Submission) { s.Channel = "" },
			errs: []issue{{"channel", CodeRequired}}},
		{name: "unknown channel", base: webPerson, change: func(s *customer.Submission) { s.Channel = "fax" },
			errs: []issue{{"channel", CodeNotAllowed}}},
		{name: "kind required", base: webPerson, change: func(s *customer.Submission) { s.Kind = "" },
			errs: []issue{{"kind", CodeRequired}}},
		{name: "person kind needs the person block", base: webPerson, change: func(s *customer.Submission) { s.Person = nil },
			errs: []issue{{"person", CodeRequired}}},
		{name: "person kind must not carry an organisation", base: webPerson,
			change: func(s *customer.Submission) { s.Organisation = &customer.Organisation{Name: "X 公司"} },
			errs:   []issue{{"organisation", CodeBlockNotAllowed}}},
		{name: "organisation kind needs the organisation block", base: kycOrganisation,
			change: func(s *customer.Submission) { s.Organisation = nil; s.KYCGrade = false },
			errs:   []issue{{"organisation", CodeRequired}}},
		{name: "organisation kind must not carry a person", base: kycOrganisation,
			change: func(s *customer.Submission) { s.Person = &customer.Person{Name: "张三"} },
			errs:   []issue{{"person", CodeBlockNotAllowed}}},
		{name: "web form needs consent", base: webPerson, change: func(s *customer.Submission) { s.Consent = nil },
			errs: []issue{{"consent", CodeRequired}}},
		{name: "consent needs purposes and a time", base: webPerson,
			change: func(s *customer.Submission) { s.Consent = &customer.Consent{} },
			errs:   []issue{{"consent.purposes", CodeRequired}, {"consent.givenAt", CodeRequired}}},
		{name: "consent time must be RFC 3339", base: webPerson,
			change: func(s *customer.Submission) { s.Consent.GivenAt = "2025-05-30 10:00" },
			errs:   []issue{{"consent.givenAt", CodeTimeFormat}}},
		{name: "consent time must not be in the future", base: webPerson,
			change: func(s *customer.Submission) { s.Consent.GivenAt = "2025-06-02T00:00:00Z" },
			errs:   []issue{{"consent.givenAt", CodeTimeFuture}}},
		{name: "empty and repeated purposes", base: webPerson,
			change: func(s *customer.Submission) { s.Consent.Purposes = []string{"marketing", "", "marketing"} },
			errs:   []issue{{"consent.purposes[1]", CodeRequired}, {"consent.purposes[2]", CodeDuplicate}}},
		{name: "card scan needs the card", base: cardPerson, change: func(s *customer.Submission) { s.Card = nil },
			errs: []issue{{"card", CodeRequired}}},
		{name: "card scan needs every mandatory card field", base: cardPerson,
			change: func(s *customer.Submission) { s.Card = &customer.CardInfo{} },
			errs: []issue{{"card.diningTier", CodeRequired}, {"card.frequency", CodeRequired}, {"card.role", CodeRequired},
				{"card.signsBill", CodeRequired}, {"card.patronageReason", CodeRequired}}},
		{name: "card values come from the vocabularies", base: cardPerson,
			change: func(s *customer.Submission) {
				s.Card.DiningTier, s.Card.Frequency, s.Card.Role, s.Card.PatronageReason = "gold", "daily", "boss", "friend"
				s.Card.Seating = "corner"
			},
			errs: []issue{{"card.diningTier", CodeNotAllowed}, {"card.frequency", CodeNotAllowed}, {"card.role", CodeNotAllowed},
				{"card.patronageReason", CodeNotAllowed}, {"card.seating", CodeNotAllowed}}},
		{name: "site dining tiers replace the defaults", base: cardPerson,
			rules:  Rules{DiningTiers: []string{"banquet"}, Frequencies: []string{"monthly"}},
			change: func(s *customer.Submission) {},
			errs:   []issue{{"card.diningTier", CodeNotAllowed}}},
		{name: "card on another channel needs no mandatory fields", base: webPerson,
			change: func(s *customer.Submission) { s.Card = &customer.CardInfo{Seating: "host"} }},
		{name: "card details are checked", base: cardPerson,
			change: func(s *customer.Submission) {
				s.Card.Family = []customer.Associate{{Name: "李小四", Relation: "son", Phone: "13900139000"}, {Phone: "123"}}
				s.Card.SpecialDates = []customer.SpecialDate{{Kind: "birthday", Date: "--02-29"}, {Kind: "divorce", Date: "2023-02-30"}}
				s.Card.Spend = ptr(-1.0)
				s.Card.VisitedOn = "2025-06-02"
			},
			errs: []issue{{"card.family[1].name", CodeRequired}, {"card.family[1].phone", customer.CodePhoneInvalid},
				{"card.specialDates[1].kind", CodeNotAllowed}, {"card.specialDates[1].date", customer.CodeDateInvalid},
				{"card.spend", CodeNegativeAmount}, {"card.visitedOn", customer.CodeDateFuture}}},
		{name: "card scan needs a name", base: cardPerson,
			change: func(s *customer.Submission) { s.Person = &customer.Person{Phones: []string{"13800138000"}} },
			errs:   []issue{{"person.name", CodeRequired}}},
		{name: "web form person with only a phone is enough", base: webPerson,
			change: func(s *customer.Submission) { s.Person = &customer.Person{Phones: []string{"13800138000"}} }},
		{name: "web form person with no name, phone, email or document number", base: webPerson,
			change: func(s *customer.Submission) { s.Person = &customer.Person{Occupation: "teacher"} },
			errs:   []issue{{"person", CodeContactRequired}}},
		{name: "an identity document number identifies a person without a name", base: webPerson,
			change: func(s *customer.Submission) {
				s.Person = &customer.Person{IDDocument: &customer.IDDocument{Type: customer.DocPassport, Number: "E12345678", IssuingCountry: "CN", ExpiresOn: "2030-01-01"}}
			}},
		{name: "gender from the list", base: webPerson, change: func(s *customer.Submission) { s.Person.Gender = "f" },
			errs: []issue{{"person.gender", CodeNotAllowed}}},
		{name: "birth date must be real", base: webPerson, change: func(s *customer.Submission) { s.Person.BirthDate = "1949-02-30" },
			errs: []issue{{"person.birthDate", customer.CodeDateInvalid}}},
		{name: "birth date must agree with the resident ID", base: webPerson,
			change: func(s *customer.Submission) { s.Person.BirthDate = "1949-12-30" },
			errs:   []issue{{"person.birthDate", CodeIDBirthMismatch}}},
		{name: "gender must agree with the resident ID", base: webPerson,
			change: func(s *customer.Submission) { s.Person.Gender = "male" },
			errs:   []issue{{"person.gender", CodeIDGenderMismatch}}},
		{name: "gender other is not compared with the resident ID", base: webPerson,
			change: func(s *customer.Submission) { s.Person.Gender = "other" }},
		{name: "wrong check character", base: webPerson,
			change: func(s *customer.Submission) { s.Person.IDDocument.Number = "110105194912310021" },
			errs:   []issue{{"person.idDocument.number", customer.CodeResidentIDCheck}}},
		{name: "resident ID issued outside CN", base: webPerson,
			change: func(s *customer.Submission) { s.Person.IDDocument.IssuingCountry = "HKG" },
			errs:   []issue{{"person.idDocument.issuingCountry", CodeDocumentCountry}}},
		{name: "document number without a type", base: webPerson,
			change: func(s *customer.Submission) { s.Person.IDDocument.Type = "" },
			errs:   []issue{{"person.idDocument.type", CodeRequired}}},
		{name: "unknown document type", base: webPerson,
			change: func(s *customer.Submission) { s.Person.IDDocument.Type = "library_card" },
			errs:   []issue{{"person.idDocument.type", customer.CodeDocumentTypeUnknown}}},
		{name: "CN passport of the wrong shape", base: webPerson,
			change: func(s *customer.Submission) {
				s.Person.IDDocument = &customer.IDDocument{Type: customer.DocPassport, Number: "X1234567", IssuingCountry: "CHN"}
			},
			errs: []issue{{"person.idDocument.number", customer.CodeDocumentNumber}}},
		{name: "expired document is a warning for an ordinary customer", base: webPerson,
			change: func(s *customer.Submission) { s.Person.IDDocument.ExpiresOn = "2025-05-31" },
			warns:  []issue{{"person.idDocument.expiresOn", CodeDocumentExpired}}},
		{name: "expired document is an error for a KYC-grade customer", base: webPerson,
			change: func(s *customer.Submission) { s.KYCGrade = true; s.Person.IDDocument.ExpiresOn = "2025-05-31" },
			errs:   []issue{{"person.idDocument.expiresOn", CodeDocumentExpired}}},
		{name: "KYC-grade person needs a document", base: webPerson,
			change: func(s *customer.Submission) { s.KYCGrade = true; s.Person.IDDocument = nil },
			errs:   []issue{{"person.idDocument", CodeRequired}}},
		{name: "KYC-grade person needs number and expiry", base: webPerson,
			change: func(s *customer.Submission) {
				s.KYCGrade = true
				s.Person.IDDocument = &customer.IDDocument{Type: customer.DocPassport}
			},
			errs: []issue{{"person.idDocument.number", CodeRequired}, {"person.idDocument.expiresOn", CodeRequired}}},
		{name: "KYC-grade person needs a name", base: webPerson,
			change: func(s *customer.Submission) { s.KYCGrade = true; s.Person.Name = "" },
			errs:   []issue{{"person.name", CodeRequired}}},
		{name: "phones are checked one by one", base: webPerson,
			change: func(s *customer.Submission) {
				s.Person.Phones = []string{"13800138000", "12345678901", "+86 138 0013 8000"}
			},
			errs: []issue{{"person.phones[1]", customer.CodePhoneMobile}, {"person.phones[2]", CodeDuplicate}}},
		{name: "too many phones", base: webPerson,
			change: func(s *customer.Submission) { s.Person.Phones = slices.Repeat([]string{"13800138000"}, MaxPhones+1) },
			errs:   []issue{{"person.phones", CodeTooManyItems}}},
		{name: "mobile required", base: webPerson, rules: Rules{RequireMobile: true},
			change: func(s *customer.Submission) { s.Person.Phones = []string{"010-12345678"} },
			errs:   []issue{{"person.phones", CodeMobileRequired}}},
		{name: "emails are checked", base: webPerson,
			change: func(s *customer.Submission) {
				s.Person.Emails = []string{"Zhang <zhang@example.com>", "zhang@EXAMPLE.com", "ZHANG@example.com"}
			},
			errs: []issue{{"person.emails[0]", customer.CodeEmailDisplayName}, {"person.emails[2]", CodeDuplicate}}},
		{name: "names are checked", base: webPerson,
			change: func(s *customer.Submission) { s.Person.Name, s.Person.FamilyName = "12345", "张\x00" },
			errs:   []issue{{"person.name", customer.CodeNameNoLetter}, {"person.familyName", customer.CodeNameControlChar}}},
		{name: "country codes", base: webPerson,
			change: func(s *customer.Submission) {
				s.Person.Nationality = "China"
				s.Person.Address = &customer.Address{Line1: "1 Main St\nFlat 2", Country: "UK"}
			},
			errs: []issue{{"person.nationality", customer.CodeCountryUnknown}, {"person.address.line1", customer.CodeTextControlChar},
				{"person.address.country", customer.CodeCountryUnknown}}},
		{name: "long text", base: webPerson,
			change: func(s *customer.Submission) { s.Person.Occupation = strings.Repeat("师", 101) },
			errs:   []issue{{"person.occupation", customer.CodeTextTooLong}}},
		{name: "interests from the list, once each", base: webPerson,
			change: func(s *customer.Submission) { s.Interests = []string{"fx", "golf", "fx"} },
			errs:   []issue{{"interests[1]", CodeNotAllowed}, {"interests[2]", CodeDuplicate}}},
		{name: "value vocabularies and amounts", base: webPerson,
			change: func(s *customer.Submission) {
				s.Value = &customer.ValueInfo{Amount: ptr(-5.0), PurchaseTotal: ptr(1e6), Influence: "huge", Stage: "bought", OccurredOn: "2025-13-01"}
				s.Prospect = &customer.Prospect{Budget: ptr(-1.0)}
			},
			errs: []issue{{"value.amount", CodeNegativeAmount}, {"value.influence", CodeNotAllowed}, {"value.stage", CodeNotAllowed},
				{"value.occurredOn", customer.CodeDateInvalid}, {"prospect.budget", CodeNegativeAmount}}},
		{name: "KYC organisation needs its identity", base: kycOrganisation,
			change: func(s *customer.Submission) {
				o := s.Organisation
				o.CreditCode, o.Licence, o.LegalRepresentative, o.Controller = "", nil, nil, nil
			},
			errs: []issue{{"organisation.creditCode", CodeRequired}, {"organisation.licence", CodeRequired},
				{"organisation.legalRepresentative", CodeRequired}, {"organisation.controller", CodeControllerMissing}}},
		{name: "beneficial owner stands in for the controller", base: kycOrganisation,
			change: func(s *customer.Submission) {
				s.Organisation.BeneficialOwner, s.Organisation.Controller = s.Organisation.Controller, nil
			}},
		{name: "KYC related persons need identity documents", base: kycOrganisation,
			change: func(s *customer.Submission) {
				s.Organisation.Controller.IDDocument = nil
				s.Organisation.Agents = []customer.RelatedPerson{{Name: "钱七", IDDocument: &customer.IDDocument{Type: customer.DocPassport, Number: "E12345678"}}}
			},
			errs: []issue{{"organisation.controller.idDocument", CodeRequired}, {"organisation.agents[0].idDocument.expiresOn", CodeRequired}}},
		{name: "KYC licence needs number and unexpired date", base: kycOrganisation,
			change: func(s *customer.Submission) {
				s.Organisation.Licence = &customer.Licence{Name: "营业执照", ExpiresOn: "2020-01-01"}
			},
			errs: []issue{{"organisation.licence.number", CodeRequired}, {"organisation.licence.expiresOn", CodeDocumentExpired}}},
		{name: "credit code failing only the check goes to review", base: kycOrganisation,
			change: func(s *customer.Submission) { s.Organisation.CreditCode = "91110108551385082A" },
			warns:  []issue{{"organisation.creditCode", customer.CodeCreditCodeCheck}}},
		{name: "credit code with a letter outside the alphabet", base: kycOrganisation,
			change: func(s *customer.Submission) { s.Organisation.CreditCode = "9111010855138508ZQ" },
			errs:   []issue{{"organisation.creditCode", customer.CodeCreditCodeChar}}},
		{name: "organisation needs a name", base: kycOrganisation,
			change: func(s *customer.Submission) { s.Organisation.Name = "" },
			errs:   []issue{{"organisation.name", CodeRequired}}},
		{name: "ordinary organisation needs no KYC blocks", base: kycOrganisation,
			change: func(s *customer.Submission) {
				s.KYCGrade = false
				s.Organisation = &customer.Organisation{Name: "示例餐饮", LegalRepresentative: &customer.RelatedPerson{Name: "王五"}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.base()
			tt.change(&s)
			rules := tt.rules
			rules.Now = testNow
			res := rules.Check(s)
			if got := issues(res.Errors); !slices.Equal(got, tt.errs) {
				t.Errorf("errors\n got %v\nwant %v", got, tt.errs)
			}
			if got := issues(res.Warnings); !slices.Equal(got, tt.warns) {
				t.Errorf("warnings\n got %v\nwant %v", got, tt.warns)
			}
			if res.Valid() != (len(tt.errs) == 0) {
				t.Errorf("Valid() = %v with %d errors", res.Valid(), len(tt.errs))
			}
		})
	}
}

func TestCheckErrorsCarryBothMessages(t *testing.T) {
	s := webPerson()
	s.Channel, s.Person.Gender, s.Person.Phones = "fax", "f", []string{"123"}
	res := Rules{Now: testNow}.Check(s)
	if len(res.Errors) != 3 {
		t.Fatalf("got %v", issues(res.Errors))
	}
	for _, e := range res.Errors {
		if e.Message == "" || e.Zh == "" || strings.Contains(e.Message, "%s") || strings.Contains(e.Zh, "%s") {
			t.Errorf("%s: incomplete messages %q / %q", e.Path, e.Message, e.Zh)
		}
		if strings.Contains(e.Message, "123") {
			t.Errorf("%s: message echoes the value", e.Path)
		}
	}
	if !strings.Contains(res.Errors[0].Message, "web_form") {
		t.Errorf("vocabulary error does not list the accepted values: %q", res.Errors[0].Message)
	}
}

func TestCheckCanonicalValues(t *testing.T) {
	s := webPerson()
	s.Person.Name = "  Anna  Mu\u0308ller "
	s.Person.Gender, s.Person.BirthDate = "", ""
	s.Person.IDDocument.Number = "110105491231002"
	s.Person.Phones = []string{"0086 138 0013 8000", "010-12345678"}
	s.Person.Emails = []string{"Anna@Example.COM"}
	s.Person.Nationality = "chn"
	s.Card = &customer.CardInfo{Family: []customer.Associate{{Name: "Li", Phone: "13900139000"}}}
	res := Rules{Now: testNow}.Check(s)
	if !res.Valid() {
		t.Fatalf("errors %v", issues(res.Errors))
	}
	p := res.Canonical.Person
	got := []string{p.Name, p.IDDocument.Number, p.Phones[0], p.Phones[1], p.Emails[0], p.Nationality, res.Canonical.Card.Family[0].Phone}
	want := []string{"Anna Müller", "11010519491231002X", "+8613800138000", "+861012345678", "Anna@example.com", "CN", "+8613900139000"}
	if !slices.Equal(got, want) {
		t.Errorf("canonical\n got %q\nwant %q", got, want)
	}
	if s.Person.Phones[0] != "0086 138 0013 8000" || s.Person.IDDocument.Number != "110105491231002" {
		t.Error("Check changed the submission it was given")
	}
}

func TestCheckWithoutClockPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Check with a zero Now did not panic")
		}
	}()
	Rules{}.Check(webPerson())
}
