package validate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
)

// Rules are the settings a submission is checked under.
type Rules struct {
	// Now is the time the check runs at; every rule about the future or expiry uses it. It
	// must be set: a check without a clock would silently pass expired documents.
	Now time.Time
	// DiningTiers and Frequencies are the site's card vocabularies; empty means
	// customer.DefaultDiningTiers and customer.DefaultFrequencies.
	DiningTiers []string
	Frequencies []string
	// PhoneRegion is the region assumed for phone numbers written without a country code;
	// empty means CN.
	PhoneRegion string
	// RequireMobile makes a person's phones include at least one mobile number.
	RequireMobile bool
}

// Limits on lists and free text. Generous for real data, they bound what one submission can
// make the system store.
const (
	MaxPhones       = 10
	MaxEmails       = 10
	MaxAgents       = 20
	MaxAssociates   = 20
	MaxSpecialDates = 20
	MaxPurposes     = 20

	maxRef      = 128
	maxShort    = 100
	maxLine     = 200
	maxPostcode = 20
	maxTaxNo    = 30
	maxLicence  = 60
	maxLong     = 2000
	maxConsent  = 5000
)

// Result is the outcome of a check: errors make the submission invalid, warnings send it to
// review. Canonical is the submission with every accepted value in its canonical form (E.164
// phones, upper-cased and 18-character identity numbers, NFC names, alpha-2 country codes);
// later steps use it rather than the submission as sent.
type Result struct {
	Errors    []customer.FieldError `json:"errors"`
	Warnings  []customer.FieldError `json:"warnings"`
	Canonical customer.Submission   `json:"-"`
}

// Valid reports whether the submission has no errors; warnings do not make it invalid.
func (r Result) Valid() bool { return len(r.Errors) == 0 }

// Check applies every rule to s and reports every problem found. It panics when r.Now is
// zero, a programming error.
func (r Rules) Check(s customer.Submission) Result {
	if r.Now.IsZero() {
		panic("validate: Rules.Now is zero")
	}
	if len(r.DiningTiers) == 0 {
		r.DiningTiers = customer.DefaultDiningTiers
	}
	if len(r.Frequencies) == 0 {
		r.Frequencies = customer.DefaultFrequencies
	}
	c := &checker{rules: r}
	canon := cloneSubmission(s)
	c.submission(&canon)
	return Result{Errors: c.errs, Warnings: c.warns, Canonical: canon}
}

type checker struct {
	rules Rules
	errs  []customer.FieldError
	warns []customer.FieldError
}

func (c *checker) fail(path, code string, detail ...string) {
	c.errs = append(c.errs, fieldError(path, code, detail...))
}

// report places a value parser's error at path.
func (c *checker) report(path string, err error) {
	var fe customer.FieldError
	if !errors.As(err, &fe) {
		// The value parsers return only FieldErrors; anything else is a bug worth seeing.
		panic(fmt.Sprintf("validate: unexpected error type %T", err))
	}
	c.errs = append(c.errs, fe.At(path))
}

func (c *checker) text(path string, v *string, max int) {
	if *v == "" {
		return
	}
	t, err := customer.ParseText(*v, max)
	if err != nil {
		c.report(path, err)
		return
	}
	*v = t
}

// line is text that must stay on one line.
func (c *checker) line(path string, v *string, max int) {
	if *v == "" {
		return
	}
	t, err := customer.ParseLine(*v, max)
	if err != nil {
		c.report(path, err)
		return
	}
	*v = t
}

func (c *checker) name(path string, v *string, required bool) {
	if *v == "" {
		if required {
			c.fail(path, CodeRequired)
		}
		return
	}
	n, err := customer.ParseName(*v)
	if err != nil {
		c.report(path, err)
		return
	}
	*v = n.String()
}

func (c *checker) oneOf(path, v string, allowed []string, required bool) bool {
	if v == "" {
		if required {
			c.fail(path, CodeRequired)
		}
		return false
	}
	if !slices.Contains(allowed, v) {
		c.fail(path, CodeNotAllowed, strings.Join(allowed, ", "))
		return false
	}
	return true
}

func (c *checker) amount(path string, v *float64) {
	if v != nil && !(*v >= 0) {
		c.fail(path, CodeNegativeAmount)
	}
}

func (c *checker) count(path string, n, max int) bool {
	if n > max {
		c.fail(path, CodeTooManyItems, strconv.Itoa(max))
		return false
	}
	return true
}

func (c *checker) country(path string, v *string) customer.Country {
	if *v == "" {
		return customer.Country{}
	}
	k, err := customer.ParseCountry(*v)
	if err != nil {
		c.report(path, err)
		return customer.Country{}
	}
	*v = k.String()
	return k
}

func (c *checker) submission(s *customer.Submission) {
	c.line("sourceRef", &s.SourceRef, maxRef)
	c.oneOf("channel", string(s.Channel), names(customer.Channels), true)
	kinds := []string{string(customer.KindPerson), string(customer.KindOrganisation)}
	c.oneOf("kind", string(s.Kind), kinds, true)
	c.line("collectedBy", &s.CollectedBy, maxRef)

	switch s.Kind {
	case customer.KindPerson:
		if s.Person == nil {
			c.fail("person", CodeRequired)
		}
		if s.Organisation != nil {
			c.fail("organisation", CodeBlockNotAllowed)
		}
	case customer.KindOrganisation:
		if s.Organisation == nil {
			c.fail("organisation", CodeRequired)
		}
		if s.Person != nil {
			c.fail("person", CodeBlockNotAllowed)
		}
	}
	if s.Person != nil {
		c.person("person", s.Person, s.Channel, s.KYCGrade && s.Kind == customer.KindPerson)
	}
	if s.Organisation != nil {
		c.organisation("organisation", s.Organisation, s.KYCGrade && s.Kind == customer.KindOrganisation)
	}

	if s.Consent == nil && s.Channel == customer.ChannelWebForm {
		c.fail("consent", CodeRequired)
	}
	if s.Consent != nil {
		c.consent("consent", s.Consent)
	}
	if s.Card == nil && s.Channel == customer.ChannelCardScan {
		c.fail("card", CodeRequired)
	}
	if s.Card != nil {
		c.card("card", s.Card, s.Channel == customer.ChannelCardScan)
	}
	if s.Value != nil {
		c.value("value", s.Value)
	}
	if s.Prospect != nil {
		c.amount("prospect.budget", s.Prospect.Budget)
		c.text("prospect.need", &s.Prospect.Need, maxLong)
	}
	if c.count("interests", len(s.Interests), len(customer.InterestTopics)) {
		for i, topic := range s.Interests {
			path := fmt.Sprintf("interests[%d]", i)
			if c.oneOf(path, topic, customer.InterestTopics, true) && slices.Contains(s.Interests[:i], topic) {
				c.fail(path, CodeDuplicate)
			}
		}
	}
}

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func (c *checker) person(path string, p *customer.Person, channel customer.Channel, kyc bool) {
	nameRequired := channel == customer.ChannelCardScan || kyc
	c.name(path+".name", &p.Name, nameRequired)
	// An identity document's number identifies a person as well as a name or a contact does
	// (records imported from older systems sometimes lost the name but kept the number).
	hasDocument := p.IDDocument != nil && strings.TrimSpace(p.IDDocument.Number) != ""
	if !nameRequired && p.Name == "" && len(p.Phones) == 0 && len(p.Emails) == 0 && !hasDocument {
		c.fail(path, CodeContactRequired)
	}
	c.name(path+".givenName", &p.GivenName, false)
	c.name(path+".familyName", &p.FamilyName, false)
	genderOK := c.oneOf(path+".gender", p.Gender, customer.Genders, false)
	var birth customer.Date
	if p.BirthDate != "" {
		d, err := customer.ParseBirthDate(p.BirthDate, c.rules.Now)
		if err != nil {
			c.report(path+".birthDate", err)
		} else {
			birth = d
		}
	}
	c.country(path+".nationality", &p.Nationality)
	c.line(path+".occupation", &p.Occupation, maxShort)

	if p.IDDocument == nil && kyc {
		c.fail(path+".idDocument", CodeRequired)
	}
	if p.IDDocument != nil {
		if id, ok := c.document(path+".idDocument", p.IDDocument, kyc); ok {
			if !birth.IsZero() && birth != id.BirthDate() {
				c.fail(path+".birthDate", CodeIDBirthMismatch)
			}
			if genderOK && p.Gender != customer.GenderOther && p.Gender != id.Gender() {
				c.fail(path+".gender", CodeIDGenderMismatch)
			}
		}
	}
	mobiles := c.phones(path+".phones", p.Phones)
	if c.rules.RequireMobile && mobiles == 0 {
		c.fail(path+".phones", CodeMobileRequired)
	}
	c.emails(path+".emails", p.Emails)
	c.address(path+".address", p.Address)
	c.address(path+".habitualAddress", p.HabitualAddress)
	if w := p.Workplace; w != nil {
		c.line(path+".workplace.name", &w.Name, maxLine)
		c.line(path+".workplace.position", &w.Position, maxShort)
		c.address(path+".workplace.address", w.Address)
	}
}

// phones canonicalises a list of phone numbers and returns how many are mobiles.
func (c *checker) phones(path string, list []string) int {
	if !c.count(path, len(list), MaxPhones) {
		return 0
	}
	mobiles := 0
	for i := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		phone, err := customer.ParsePhone(list[i], customer.PhoneOptions{DefaultRegion: c.rules.PhoneRegion})
		if err != nil {
			c.report(p, err)
			continue
		}
		list[i] = phone.String()
		if slices.Contains(list[:i], list[i]) {
			c.fail(p, CodeDuplicate)
		}
		if phone.IsMobile() {
			mobiles++
		}
	}
	return mobiles
}

func (c *checker) emails(path string, list []string) {
	if !c.count(path, len(list), MaxEmails) {
		return
	}
	for i := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		e, err := customer.ParseEmail(list[i])
		if err != nil {
			c.report(p, err)
			continue
		}
		list[i] = e.String()
		if slices.ContainsFunc(list[:i], func(prev string) bool { return strings.EqualFold(prev, list[i]) }) {
			c.fail(p, CodeDuplicate)
		}
	}
}

func (c *checker) address(path string, a *customer.Address) {
	if a == nil {
		return
	}
	c.line(path+".line1", &a.Line1, maxLine)
	c.line(path+".line2", &a.Line2, maxLine)
	c.line(path+".city", &a.City, maxShort)
	c.line(path+".province", &a.Province, maxShort)
	c.line(path+".postcode", &a.Postcode, maxPostcode)
	c.country(path+".country", &a.Country)
}

// document checks an identity document; for a KYC-grade customer it needs a number and an
// expiry date that has not passed. It returns the resident ID when the document is one.
func (c *checker) document(path string, d *customer.IDDocument, kyc bool) (customer.ResidentID, bool) {
	typeOK := false
	if d.Type == "" {
		if d.Number != "" || kyc {
			c.fail(path+".type", CodeRequired)
		}
	} else if _, err := customer.ParseDocumentType(d.Type); err != nil {
		c.report(path+".type", err)
	} else {
		typeOK = true
	}
	issuer := c.country(path+".issuingCountry", &d.IssuingCountry)
	if typeOK && d.Type == customer.DocCNResidentID && !issuer.IsZero() && issuer.String() != "CN" {
		c.fail(path+".issuingCountry", CodeDocumentCountry)
	}
	var id customer.ResidentID
	isID := false
	switch {
	case d.Number == "":
		if typeOK || kyc {
			c.fail(path+".number", CodeRequired)
		}
	case typeOK && d.Type == customer.DocCNResidentID:
		parsed, err := customer.ParseResidentID(d.Number, c.rules.Now)
		if err != nil {
			c.report(path+".number", err)
		} else {
			id, isID = parsed, true
			d.Number = parsed.String()
		}
	case typeOK:
		n, err := customer.ParseDocumentNumber(d.Type, d.Number, issuer, c.rules.Now)
		if err != nil {
			c.report(path+".number", err)
		} else {
			d.Number = n
		}
	}
	c.expiry(path+".expiresOn", d.ExpiresOn, kyc)
	return id, isID
}

// expiry checks a document's expiry date: required and unexpired for a KYC-grade customer;
// otherwise an expired document is only a warning, since it still identifies the customer
// well enough to file them and sweep them for refresh.
func (c *checker) expiry(path, v string, kyc bool) {
	if v == "" {
		if kyc {
			c.fail(path, CodeRequired)
		}
		return
	}
	d, err := customer.ParseExpiryDate(v)
	if err != nil {
		c.report(path, err)
		return
	}
	if d.Expired(c.rules.Now) {
		if kyc {
			c.fail(path, CodeDocumentExpired)
		} else {
			c.warns = append(c.warns, fieldError(path, CodeDocumentExpired))
		}
	}
}

func (c *checker) organisation(path string, o *customer.Organisation, kyc bool) {
	if o.Name == "" {
		c.fail(path+".name", CodeRequired)
	}
	c.line(path+".name", &o.Name, maxLine)
	switch {
	case o.CreditCode != "":
		code, err := customer.ParseCreditCode(o.CreditCode)
		if err != nil {
			c.report(path+".creditCode", err)
			break
		}
		o.CreditCode = code.String()
		for _, w := range code.Warnings() {
			c.warns = append(c.warns, w.At(path+".creditCode"))
		}
	case kyc:
		c.fail(path+".creditCode", CodeRequired)
	}
	c.line(path+".taxNumber", &o.TaxNumber, maxTaxNo)
	c.text(path+".businessScope", &o.BusinessScope, maxLong)
	c.address(path+".address", o.Address)
	c.phones(path+".phones", o.Phones)
	c.emails(path+".emails", o.Emails)

	if o.Licence == nil && kyc {
		c.fail(path+".licence", CodeRequired)
	}
	if l := o.Licence; l != nil {
		c.line(path+".licence.name", &l.Name, maxLine)
		if l.Number == "" && kyc {
			c.fail(path+".licence.number", CodeRequired)
		}
		c.line(path+".licence.number", &l.Number, maxLicence)
		c.expiry(path+".licence.expiresOn", l.ExpiresOn, kyc)
	}

	if o.LegalRepresentative == nil && kyc {
		c.fail(path+".legalRepresentative", CodeRequired)
	}
	if o.Controller == nil && o.BeneficialOwner == nil && kyc {
		c.fail(path+".controller", CodeControllerMissing)
	}
	c.related(path+".legalRepresentative", o.LegalRepresentative, kyc)
	c.related(path+".controller", o.Controller, kyc)
	c.related(path+".beneficialOwner", o.BeneficialOwner, kyc)
	c.related(path+".responsiblePerson", o.ResponsiblePerson, kyc)
	if c.count(path+".agents", len(o.Agents), MaxAgents) {
		for i := range o.Agents {
			c.related(fmt.Sprintf("%s.agents[%d]", path, i), &o.Agents[i], kyc)
		}
	}
}

// related checks a person acting for an organisation; a KYC-grade organisation needs each
// one's identity document.
func (c *checker) related(path string, p *customer.RelatedPerson, kyc bool) {
	if p == nil {
		return
	}
	c.name(path+".name", &p.Name, true)
	if p.IDDocument == nil {
		if kyc {
			c.fail(path+".idDocument", CodeRequired)
		}
		return
	}
	c.document(path+".idDocument", p.IDDocument, kyc)
}

func (c *checker) consent(path string, k *customer.Consent) {
	if len(k.Purposes) == 0 {
		c.fail(path+".purposes", CodeRequired)
	}
	if c.count(path+".purposes", len(k.Purposes), MaxPurposes) {
		for i := range k.Purposes {
			p := fmt.Sprintf("%s.purposes[%d]", path, i)
			if k.Purposes[i] == "" {
				c.fail(p, CodeRequired)
				continue
			}
			c.line(p, &k.Purposes[i], maxShort)
			if slices.Contains(k.Purposes[:i], k.Purposes[i]) {
				c.fail(p, CodeDuplicate)
			}
		}
	}
	switch at, err := time.Parse(time.RFC3339, k.GivenAt); {
	case k.GivenAt == "":
		c.fail(path+".givenAt", CodeRequired)
	case err != nil:
		c.fail(path+".givenAt", CodeTimeFormat)
	case at.After(c.rules.Now):
		c.fail(path+".givenAt", CodeTimeFuture)
	}
	c.text(path+".text", &k.Text, maxConsent)
}

// card checks a customer information card; a card scan needs the five ※ fields.
func (c *checker) card(path string, k *customer.CardInfo, scan bool) {
	c.oneOf(path+".diningTier", k.DiningTier, c.rules.DiningTiers, scan)
	c.oneOf(path+".frequency", k.Frequency, c.rules.Frequencies, scan)
	c.oneOf(path+".role", k.Role, customer.CardRoles, scan)
	if k.SignsBill == nil && scan {
		c.fail(path+".signsBill", CodeRequired)
	}
	c.oneOf(path+".patronageReason", k.PatronageReason, customer.PatronageReasons, scan)
	c.text(path+".suggestions", &k.Suggestions, maxLong)
	c.line(path+".habitualReceptionist", &k.HabitualReceptionist, maxShort)
	c.associates(path+".family", k.Family)
	c.associates(path+".assistants", k.Assistants)
	c.associates(path+".friends", k.Friends)
	if c.count(path+".specialDates", len(k.SpecialDates), MaxSpecialDates) {
		for i := range k.SpecialDates {
			d := &k.SpecialDates[i]
			p := fmt.Sprintf("%s.specialDates[%d]", path, i)
			c.oneOf(p+".kind", d.Kind, customer.SpecialDateKinds, true)
			if d.Date == "" {
				c.fail(p+".date", CodeRequired)
			} else if md, err := customer.ParseMonthDay(d.Date); err != nil {
				c.report(p+".date", err)
			} else {
				d.Date = md.String()
			}
			c.line(p+".note", &d.Note, maxLine)
		}
	}
	c.text(path+".complaints", &k.Complaints, maxLong)
	c.oneOf(path+".seating", k.Seating, customer.SeatingPositions, false)
	c.amount(path+".spend", k.Spend)
	c.pastDate(path+".visitedOn", k.VisitedOn)
}

func (c *checker) associates(path string, list []customer.Associate) {
	if !c.count(path, len(list), MaxAssociates) {
		return
	}
	for i := range list {
		a := &list[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		c.name(p+".name", &a.Name, true)
		c.line(p+".relation", &a.Relation, maxShort)
		if a.Phone == "" {
			continue
		}
		phone, err := customer.ParsePhone(a.Phone, customer.PhoneOptions{DefaultRegion: c.rules.PhoneRegion})
		if err != nil {
			c.report(p+".phone", err)
			continue
		}
		a.Phone = phone.String()
	}
}

func (c *checker) pastDate(path, v string) {
	if v == "" {
		return
	}
	if _, err := customer.ParsePastDate(v, c.rules.Now); err != nil {
		c.report(path, err)
	}
}

func (c *checker) value(path string, v *customer.ValueInfo) {
	c.amount(path+".amount", v.Amount)
	c.amount(path+".purchaseTotal", v.PurchaseTotal)
	c.oneOf(path+".influence", v.Influence, customer.InfluenceLevels, false)
	c.oneOf(path+".stage", v.Stage, customer.ValueStages, false)
	c.pastDate(path+".occurredOn", v.OccurredOn)
}
