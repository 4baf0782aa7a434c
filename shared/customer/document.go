package customer

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Document number shapes by type. Chinese passports: E + 8 digits or E + letter + 7 digits
// (ordinary electronic), G + 8 digits (ordinary, older), D/S/P with an optional E and 7 or 8
// digits (diplomatic, service, public affairs), 14/15 + 7 digits (older service passports).
var (
	passportShape   = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
	cnPassportShape = regexp.MustCompile(`^(E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[DSP]E?[0-9]{7,8}|1[45][0-9]{7})$`)
	// hk_mo_permit covers both directions: the mainland resident's permit (C + 8 digits, C +
	// letter + 7 digits, older W + 8 digits) and the Hong Kong or Macao resident's home-return
	// permit (H or M + 8 or 10 digits).
	hkMoShape = regexp.MustCompile(`^(C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|W[0-9]{8}|[HM][0-9]{8}([0-9]{2})?)$`)
	// tw_permit: the Taiwan resident's permit (8 digits, or older 10-digit forms, some with a
	// letter) and the mainland resident's permit to Taiwan (L + 8 digits).
	twShape = regexp.MustCompile(`^([0-9]{8}|[0-9]{10}|[A-Z][0-9]{8,9}|L[0-9]{8})$`)
	// foreign_permanent_residence: the 2004 card (3-letter nationality + 12 digits) and the
	// 2023 card (9 + 17 characters with a GB 11643 check character).
	fprOldShape = regexp.MustCompile(`^[A-Z]{3}[0-9]{12}$`)
	fprNewShape = regexp.MustCompile(`^9[0-9]{16}[0-9X]$`)
)

// maxOtherDocument bounds the number of a document of type "other".
const maxOtherDocument = 40

// ParseDocumentType reads an identity document type from DocumentTypes.
func ParseDocumentType(s string) (string, error) {
	if !slices.Contains(DocumentTypes, s) {
		return "", problem(CodeDocumentTypeUnknown)
	}
	return s, nil
}

// ParseDocumentNumber reads the number of a document of type docType (from DocumentTypes),
// upper-cased and without spaces. A resident ID is checked in full (ParseResidentID) and
// upgraded to 18 characters; issuer, when known, sharpens the passport check.
func ParseDocumentNumber(docType, number string, issuer Country, now time.Time) (string, error) {
	if docType == DocCNResidentID {
		id, err := ParseResidentID(number, now)
		if err != nil {
			return "", err
		}
		return id.String(), nil
	}
	if docType == DocOther {
		text, err := ParseLine(number, maxOtherDocument)
		if err != nil || text == "" {
			return "", problem(CodeDocumentNumber)
		}
		return text, nil
	}
	n := strings.ToUpper(stripSpaces(number))
	if !utf8.ValidString(n) {
		return "", problem(CodeDocumentNumber)
	}
	var ok bool
	switch docType {
	case DocPassport:
		ok = passportShape.MatchString(n)
		if ok && issuer.alpha2 == "CN" {
			ok = cnPassportShape.MatchString(n)
		}
	case DocHKMOPermit:
		ok = hkMoShape.MatchString(n)
	case DocTWPermit:
		ok = twShape.MatchString(n)
	case DocForeignPR:
		ok = fprOldShape.MatchString(n) && countryByCode[n[:3]].alpha3 == n[:3] ||
			fprNewShape.MatchString(n) && residentCheck(n[:17]) == n[17]
	default:
		return "", problem(CodeDocumentTypeUnknown)
	}
	if !ok {
		return "", problem(CodeDocumentNumber)
	}
	return n, nil
}
