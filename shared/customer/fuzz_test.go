package customer

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The fuzz targets check that no input makes a parser panic, that every rejection is a
// catalogued field error, and that what a parser accepts is canonical: parsing it again gives
// it back unchanged. Seed corpora live in testdata/fuzz/<target>.

func FuzzResidentID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, testNow)
		if codeOf(t, err) != "" {
			return
		}
		n := id.String()
		if len(n) != 18 || residentCheck(n[:17]) != n[17] || id.BirthDate().After(DateOf(testNow)) {
			t.Fatalf("accepted a number that is not canonical and checked")
		}
		again, err := ParseResidentID(n, testNow)
		if err != nil || again != (ResidentID{number: n, birth: id.birth, gender: id.gender}) {
			t.Fatalf("canonical number does not parse to itself: %v", err)
		}
	})
}

func FuzzCreditCode(f *testing.F) {
	f.Add("91110000600037341L")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if codeOf(t, err) != "" {
			return
		}
		if c.CheckOK() != (creditCheck(c.code[:17]) == c.code[17]) || c.CheckOK() == (len(c.Warnings()) > 0) {
			t.Fatalf("check result and warnings disagree")
		}
		if again, err := ParseCreditCode(c.String()); err != nil || again != c {
			t.Fatalf("canonical code does not parse to itself: %v", err)
		}
	})
}

func FuzzPhone(f *testing.F) {
	f.Add("13800138000", false)
	f.Fuzz(func(t *testing.T, s string, mobile bool) {
		p, err := ParsePhone(s, PhoneOptions{RequireMobile: mobile})
		if codeOf(t, err) != "" {
			return
		}
		if p.String() == "" || p.String()[0] != '+' || mobile && !p.IsMobile() {
			t.Fatalf("accepted number is not E.164 or not the required type")
		}
		if again, err := ParsePhone(p.String(), PhoneOptions{}); err != nil || again.String() != p.String() {
			t.Fatalf("E.164 form does not parse to itself: %v", err)
		}
	})
}

func FuzzEmail(f *testing.F) {
	f.Add("anna@example.com")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEmail(s)
		if codeOf(t, err) != "" {
			return
		}
		if len(e.String()) > maxEmail {
			t.Fatalf("accepted an address over %d bytes", maxEmail)
		}
		if again, err := ParseEmail(e.String()); err != nil || again != e {
			t.Fatalf("canonical address does not parse to itself: %v", err)
		}
	})
}

func FuzzName(f *testing.F) {
	f.Add("张三")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseName(s)
		if codeOf(t, err) != "" {
			return
		}
		if !norm.NFC.IsNormalString(n.String()) || utf8.RuneCountInString(n.String()) > MaxNameRunes {
			t.Fatalf("accepted name is not NFC or too long")
		}
		if again, err := ParseName(n.String()); err != nil || again != n {
			t.Fatalf("normalised name does not parse to itself: %v", err)
		}
	})
}

func FuzzText(f *testing.F) {
	f.Add("prefers the window seat", 50)
	f.Fuzz(func(t *testing.T, s string, max int) {
		got, err := ParseText(s, max)
		if codeOf(t, err) != "" {
			return
		}
		if utf8.RuneCountInString(got) > max || !norm.NFC.IsNormalString(got) {
			t.Fatalf("accepted text is too long or not NFC")
		}
	})
}

func FuzzDate(f *testing.F) {
	f.Add("2024-02-29")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if codeOf(t, err) == "" && d.String() != s {
			t.Fatalf("accepted a date that does not print as it was written")
		}
		b, err := ParseBirthDate(s, testNow)
		if codeOf(t, err) == "" && (b.After(DateOf(testNow)) || b.Year() < earliestBirthYear) {
			t.Fatalf("accepted an implausible birth date")
		}
		md, err := ParseMonthDay(s)
		if codeOf(t, err) == "" && md.String() != s {
			t.Fatalf("accepted a special date that does not print as it was written")
		}
	})
}

func FuzzDocumentNumber(f *testing.F) {
	f.Add(DocPassport, "E12345678", "CN")
	f.Fuzz(func(t *testing.T, docType, number, issuer string) {
		country, _ := ParseCountry(issuer)
		got, err := ParseDocumentNumber(docType, number, country, testNow)
		if codeOf(t, err) != "" {
			return
		}
		again, err := ParseDocumentNumber(docType, got, country, testNow)
		if err != nil || again != got {
			t.Fatalf("canonical number does not parse to itself: %v", err)
		}
	})
}
