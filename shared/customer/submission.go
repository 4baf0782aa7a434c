// Package customer holds the customer-data model: submissions as they arrive, the people and
// organisations they describe, information-card details, and attributes with provenance.
package customer

import "time"

// Channel is the front door a submission came through.
type Channel string

// The channels a submission may arrive on.
const (
	ChannelWebForm    Channel = "web_form"
	ChannelCardScan   Channel = "card_scan"
	ChannelStaffEntry Channel = "staff_entry"
	ChannelImport     Channel = "import"
)

// Channels lists every known channel, in a stable order.
var Channels = []Channel{ChannelWebForm, ChannelCardScan, ChannelStaffEntry, ChannelImport}

// Kind says whether a submission describes a natural person or an organisation.
type Kind string

// The kinds of customer.
const (
	KindPerson       Kind = "person"
	KindOrganisation Kind = "organisation"
)

// Submission is one piece of customer information as it was sent, before validation. Its JSON
// form is the public submission format (DESIGN.md §5); unknown fields are rejected when decoding.
type Submission struct {
	// SourceRef is the sender's own identifier for the record, echoed in exports.
	SourceRef string  `json:"sourceRef,omitempty"`
	Channel   Channel `json:"channel"`
	Kind      Kind    `json:"kind"`
	// KYCGrade marks a relationship that requires full customer identification: such a customer
	// is not filed as identified without a valid, unexpired identity document.
	KYCGrade bool `json:"kycGrade,omitempty"`
	// ReceivedAt is set by the system when the submission is accepted.
	ReceivedAt *time.Time `json:"receivedAt,omitempty"`
	// CollectedBy names the staff member or form that collected the information.
	CollectedBy string `json:"collectedBy,omitempty"`
	// Verified says the collector checked the information against the customer or a document
	// (DOMAIN.md §2: only verified information is recorded on cards).
	Verified bool `json:"verified,omitempty"`

	Person       *Person       `json:"person,omitempty"`
	Organisation *Organisation `json:"organisation,omitempty"`
	Consent      *Consent      `json:"consent,omitempty"`
	Card         *CardInfo     `json:"card,omitempty"`
	Value        *ValueInfo    `json:"value,omitempty"`
	Prospect     *Prospect     `json:"prospect,omitempty"`
	// Interests are enquiry topics that hint at a customer's value, from a fixed list
	// (see InterestTopics).
	Interests []string `json:"interests,omitempty"`
}

// Person is a natural person's basic identity information (DOMAIN.md §1).
type Person struct {
	// Name is the full name as written, e.g. 张三 or "Anna Müller".
	Name        string `json:"name,omitempty"`
	GivenName   string `json:"givenName,omitempty"`
	FamilyName  string `json:"familyName,omitempty"`
	Gender      string `json:"gender,omitempty"` // "male", "female" or "other"
	BirthDate   string `json:"birthDate,omitempty"`
	Nationality string `json:"nationality,omitempty"` // ISO 3166-1 alpha-2 or alpha-3
	Occupation  string `json:"occupation,omitempty"`

	IDDocument *IDDocument `json:"idDocument,omitempty"`
	Phones     []string    `json:"phones,omitempty"`
	Emails     []string    `json:"emails,omitempty"`
	// Address is the residential address; HabitualAddress is where the customer habitually
	// lives when that differs from the registered residence (经常居住地).
	Address         *Address   `json:"address,omitempty"`
	HabitualAddress *Address   `json:"habitualAddress,omitempty"`
	Workplace       *Workplace `json:"workplace,omitempty"`
	// PoliticallyExposed marks a politically exposed person, a KYC risk factor.
	PoliticallyExposed bool `json:"politicallyExposed,omitempty"`
}

// IDDocument is an identity document: its type, number, validity and issuer.
type IDDocument struct {
	Type           string `json:"type,omitempty"` // see DocumentTypes
	Number         string `json:"number,omitempty"`
	ExpiresOn      string `json:"expiresOn,omitempty"`
	IssuingCountry string `json:"issuingCountry,omitempty"`
}

// Identity document types.
const (
	DocCNResidentID = "cn_resident_id"
	DocPassport     = "passport"
	DocHKMOPermit   = "hk_mo_permit"
	DocTWPermit     = "tw_permit"
	DocForeignPR    = "foreign_permanent_residence"
	DocOther        = "other"
)

// DocumentTypes lists the accepted identity document types.
var DocumentTypes = []string{DocCNResidentID, DocPassport, DocHKMOPermit, DocTWPermit, DocForeignPR, DocOther}

// Address is a postal address.
type Address struct {
	Line1    string `json:"line1,omitempty"`
	Line2    string `json:"line2,omitempty"`
	City     string `json:"city,omitempty"`
	Province string `json:"province,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Country  string `json:"country,omitempty"`
}

// Workplace is where a person works.
type Workplace struct {
	Name     string   `json:"name,omitempty"`
	Position string   `json:"position,omitempty"`
	Address  *Address `json:"address,omitempty"`
}

// Organisation is an organisation customer's basic identity information (DOMAIN.md §1).
type Organisation struct {
	Name          string   `json:"name,omitempty"`
	CreditCode    string   `json:"creditCode,omitempty"`
	TaxNumber     string   `json:"taxNumber,omitempty"`
	BusinessScope string   `json:"businessScope,omitempty"`
	Address       *Address `json:"address,omitempty"`
	Phones        []string `json:"phones,omitempty"`
	Emails        []string `json:"emails,omitempty"`
	Licence       *Licence `json:"licence,omitempty"`

	LegalRepresentative *RelatedPerson `json:"legalRepresentative,omitempty"`
	// Controller is the controlling shareholder or actual controller (控股股东或者实际控制人).
	Controller *RelatedPerson `json:"controller,omitempty"`
	// BeneficialOwner is the natural person who ultimately owns or controls the organisation.
	BeneficialOwner   *RelatedPerson  `json:"beneficialOwner,omitempty"`
	ResponsiblePerson *RelatedPerson  `json:"responsiblePerson,omitempty"`
	Agents            []RelatedPerson `json:"agents,omitempty"`
}

// Licence is the licence or document proving an organisation's lawful establishment.
type Licence struct {
	Name      string `json:"name,omitempty"`
	Number    string `json:"number,omitempty"`
	ExpiresOn string `json:"expiresOn,omitempty"`
}

// RelatedPerson is a natural person acting for an organisation, with their identity document.
type RelatedPerson struct {
	Name       string      `json:"name,omitempty"`
	IDDocument *IDDocument `json:"idDocument,omitempty"`
}

// Consent records what the customer agreed their data may be used for.
type Consent struct {
	Purposes []string `json:"purposes,omitempty"`
	GivenAt  string   `json:"givenAt,omitempty"` // RFC 3339
	Text     string   `json:"text,omitempty"`
}

// CardInfo is what staff collect on a customer information card (DOMAIN.md §2). The first
// five fields are the ※ mandatory ones.
type CardInfo struct {
	DiningTier      string `json:"diningTier,omitempty"`
	Frequency       string `json:"frequency,omitempty"`
	Role            string `json:"role,omitempty"` // "host" or "guest"
	SignsBill       *bool  `json:"signsBill,omitempty"`
	PatronageReason string `json:"patronageReason,omitempty"`

	Suggestions          string        `json:"suggestions,omitempty"`
	HabitualReceptionist string        `json:"habitualReceptionist,omitempty"`
	Family               []Associate   `json:"family,omitempty"`
	Assistants           []Associate   `json:"assistants,omitempty"` // office director, driver, ...
	Friends              []Associate   `json:"friends,omitempty"`
	SpecialDates         []SpecialDate `json:"specialDates,omitempty"`
	Complaints           string        `json:"complaints,omitempty"`
	Seating              string        `json:"seating,omitempty"` // see SeatingPositions
	// Spend is what the party spent on the visit the card records, in the site's currency.
	Spend *float64 `json:"spend,omitempty"`
	// VisitedOn is the date of that visit (YYYY-MM-DD).
	VisitedOn string `json:"visitedOn,omitempty"`
}

// Associate is a person associated with a card customer.
type Associate struct {
	Name     string `json:"name,omitempty"`
	Relation string `json:"relation,omitempty"`
	Phone    string `json:"phone,omitempty"`
}

// SpecialDate is an anniversary worth remembering.
type SpecialDate struct {
	Kind string `json:"kind,omitempty"` // "birthday", "wedding_anniversary", "promotion", "other"
	Date string `json:"date,omitempty"` // YYYY-MM-DD, or --MM-DD when the year is unknown
	Note string `json:"note,omitempty"`
}

// Card field vocabularies.
var (
	CardRoles        = []string{"host", "guest"}
	PatronageReasons = []string{"board_relationship", "loyal_customer", "management_relationship", "referral", "consumption_card", "walk_in"}
	SeatingPositions = []string{"host", "deputy_host", "guest_of_honour", "second_guest"}
	SpecialDateKinds = []string{"birthday", "wedding_anniversary", "promotion", "other"}
	// DefaultDiningTiers and DefaultFrequencies are used when a site configures no lists.
	DefaultDiningTiers = []string{"standard", "business", "premium", "luxury"}
	DefaultFrequencies = []string{"first_visit", "occasional", "monthly", "weekly", "several_weekly"}
)

// ValueInfo carries what a submission says about the customer's value (DOMAIN.md §3).
type ValueInfo struct {
	// Amount is spent or requested in this interaction, in the site's currency.
	Amount *float64 `json:"amount,omitempty"`
	// PurchaseTotal is the customer's cumulative purchases when the sender knows it.
	PurchaseTotal *float64 `json:"purchaseTotal,omitempty"`
	// Influence is "major" or "important" for customers of major influence or important
	// officials and industry figures (grades A and B).
	Influence string `json:"influence,omitempty"`
	// Stage is how far the customer has come: "purchased", "intends", "event" or "enquiry".
	Stage string `json:"stage,omitempty"`
	// OccurredOn is the date of the interaction (YYYY-MM-DD); the received time when absent.
	OccurredOn string `json:"occurredOn,omitempty"`
}

// Value vocabularies.
var (
	InfluenceLevels = []string{"major", "important"}
	ValueStages     = []string{"purchased", "intends", "event", "enquiry"}
	// InterestTopics are enquiries that signal a potential VIP (DOMAIN.md §3).
	InterestTopics = []string{"private_banking", "fx", "safe_deposit_box", "study_abroad", "deposit_certificate", "corporate_business", "credit_limit_too_low", "wealth_management", "large_transaction", "premium_card"}
)

// Prospect carries the MAN qualification facts for a sales prospect: Money, Authority, Need.
type Prospect struct {
	// Budget is the purchasing power the prospect stated or showed.
	Budget *float64 `json:"budget,omitempty"`
	// DecisionMaker says whether the contact decides the purchase; nil when unknown.
	DecisionMaker *bool `json:"decisionMaker,omitempty"`
	// Need describes what the prospect needs; empty when no need was found.
	Need string `json:"need,omitempty"`
}
