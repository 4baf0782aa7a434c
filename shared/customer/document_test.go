package customer

import "testing"

func TestParseCountry(t *testing.T) {
	tests := []struct {
		in, alpha2, alpha3, wantCode string
	}{
		{in: "CN", alpha2: "CN", alpha3: "CHN"},
		{in: "chn", alpha2: "CN", alpha3: "CHN"},
		{in: "de", alpha2: "DE", alpha3: "DEU"},
		{in: "GBR", alpha2: "GB", alpha3: "GBR"},
		{in: " hk ", alpha2: "HK", alpha3: "HKG"},
		{in: "UK", wantCode: CodeCountryUnknown},
		{in: "XX", wantCode: CodeCountryUnknown},
		{in: "China", wantCode: CodeCountryUnknown},
		{in: "", wantCode: CodeCountryUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCountry(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && (c.String() != tt.alpha2 || c.Alpha3() != tt.alpha3) {
				t.Errorf("got %s/%s, want %s/%s", c, c.Alpha3(), tt.alpha2, tt.alpha3)
			}
		})
	}
}

func TestCountryTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for code, c := range countryByCode {
		if len(code) != 2 && len(code) != 3 || len(c.alpha2) != 2 || len(c.alpha3) != 3 {
			t.Errorf("malformed entry %s → %+v", code, c)
		}
		seen[c.alpha2] = true
	}
	if len(seen) != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", len(seen))
	}
}

func TestParseDocumentNumber(t *testing.T) {
	cn, _ := ParseCountry("CN")
	gb, _ := ParseCountry("GB")
	tests := []struct {
		name     string
		docType  string
		in       string
		issuer   Country
		want     string
		wantCode string
	}{
		{name: "resident ID checked and upper-cased", docType: DocCNResidentID, in: "11010519491231002x", want: "11010519491231002X"},
		{name: "resident ID upgraded", docType: DocCNResidentID, in: "110105491231002", want: "11010519491231002X"},
		{name: "bad resident ID", docType: DocCNResidentID, in: "110105194912310021", wantCode: CodeResidentIDCheck},
		{name: "foreign passport", docType: DocPassport, in: "123456789", issuer: gb, want: "123456789"},
		{name: "passport upper-cased", docType: DocPassport, in: "ab12345", want: "AB12345"},
		{name: "passport too short", docType: DocPassport, in: "A123", wantCode: CodeDocumentNumber},
		{name: "passport too long", docType: DocPassport, in: "A12345678901234567890", wantCode: CodeDocumentNumber},
		{name: "passport with punctuation", docType: DocPassport, in: "AB-12345", wantCode: CodeDocumentNumber},
		{name: "CN e-passport E+8", docType: DocPassport, in: "E12345678", issuer: cn, want: "E12345678"},
		{name: "CN e-passport E+letter+7", docType: DocPassport, in: "EA1234567", issuer: cn, want: "EA1234567"},
		{name: "CN older passport G+8", docType: DocPassport, in: "G12345678", issuer: cn, want: "G12345678"},
		{name: "CN diplomatic passport", docType: DocPassport, in: "DE1234567", issuer: cn, want: "DE1234567"},
		{name: "CN passport of wrong shape", docType: DocPassport, in: "X12345678", issuer: cn, wantCode: CodeDocumentNumber},
		{name: "CN passport with letter I", docType: DocPassport, in: "EI1234567", issuer: cn, wantCode: CodeDocumentNumber},
		{name: "same shape from another issuer", docType: DocPassport, in: "X12345678", issuer: gb, want: "X12345678"},
		{name: "mainland permit to HK and Macao", docType: DocHKMOPermit, in: "C12345678", want: "C12345678"},
		{name: "new mainland permit card", docType: DocHKMOPermit, in: "CA1234567", want: "CA1234567"},
		{name: "home-return permit", docType: DocHKMOPermit, in: "H1234567801", want: "H1234567801"},
		{name: "HK permit of wrong shape", docType: DocHKMOPermit, in: "K12345678", wantCode: CodeDocumentNumber},
		{name: "Taiwan resident permit", docType: DocTWPermit, in: "12345678", want: "12345678"},
		{name: "permit to Taiwan", docType: DocTWPermit, in: "L12345678", want: "L12345678"},
		{name: "Taiwan permit too short", docType: DocTWPermit, in: "1234567", wantCode: CodeDocumentNumber},
		{name: "2004 permanent residence card", docType: DocForeignPR, in: "USA110070101001", want: "USA110070101001"},
		{name: "permanent residence with unknown nationality", docType: DocForeignPR, in: "XXX110070101001", wantCode: CodeDocumentNumber},
		{name: "2023 permanent residence card", docType: DocForeignPR, in: "911840198001010013", want: "911840198001010013"},
		{name: "2023 card with wrong check", docType: DocForeignPR, in: "911840198001010012", wantCode: CodeDocumentNumber},
		{name: "other document", docType: DocOther, in: " Military ID 1234 ", want: "Military ID 1234"},
		{name: "other document too long", docType: DocOther, in: "12345678901234567890123456789012345678901", wantCode: CodeDocumentNumber},
		{name: "other document empty", docType: DocOther, in: " ", wantCode: CodeDocumentNumber},
		{name: "unknown type", docType: "driving_licence", in: "123456", wantCode: CodeDocumentTypeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDocumentNumber(tt.docType, tt.in, tt.issuer, testNow)
			if code := codeOf(t, err); code != tt.wantCode {
				t.Fatalf("code = %q, want %q", code, tt.wantCode)
			}
			if tt.wantCode == "" && got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseDocumentType(t *testing.T) {
	for _, typ := range DocumentTypes {
		if _, err := ParseDocumentType(typ); err != nil {
			t.Errorf("%s rejected: %v", typ, err)
		}
	}
	if _, err := ParseDocumentType("Passport"); codeOf(t, err) != CodeDocumentTypeUnknown {
		t.Errorf("a type in the wrong case was accepted")
	}
}
