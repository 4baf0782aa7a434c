package customer

import "testing"

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opt      PhoneOptions
		want     string
		kind     PhoneType
		wantCode string
	}{
		{name: "mainland mobile", in: "13800138000", want: "+8613800138000", kind: PhoneMobile},
		{name: "plus 86", in: "+86 138 0013 8000", want: "+8613800138000", kind: PhoneMobile},
		{name: "0086 prefix", in: "008613800138000", want: "+8613800138000", kind: PhoneMobile},
		{name: "bare 86 with 13 digits", in: "8613800138000", want: "+8613800138000", kind: PhoneMobile},
		{name: "hyphenated mobile", in: "138-0013-8000", want: "+8613800138000", kind: PhoneMobile},
		{name: "199 range", in: "19912345678", want: "+8619912345678", kind: PhoneMobile},
		{name: "Beijing fixed line", in: "010-12345678", want: "+861012345678", kind: PhoneFixedLine},
		{name: "Shanghai fixed line with space", in: "021-6123 4567", want: "+862161234567", kind: PhoneFixedLine},
		{name: "fixed line in brackets", in: "(010) 12345678", want: "+861012345678", kind: PhoneFixedLine},
		{name: "UK fixed line", in: "+44 20 7946 0018", want: "+442079460018", kind: PhoneFixedLine},
		{name: "US number", in: "+1 650 253 0000", want: "+16502530000", kind: PhoneFixedLineOrMobile},
		{name: "Hong Kong mobile", in: "+852 9123 4567", want: "+85291234567", kind: PhoneMobile},
		{name: "US default region", in: "(650) 253-0000", opt: PhoneOptions{DefaultRegion: "US"}, want: "+16502530000", kind: PhoneFixedLineOrMobile},
		{name: "mobile required accepts a mobile", in: "13800138000", opt: PhoneOptions{RequireMobile: true}, want: "+8613800138000", kind: PhoneMobile},
		{name: "mobile required rejects a fixed line", in: "010-12345678", opt: PhoneOptions{RequireMobile: true}, wantCode: CodePhoneNotMobile},
		{name: "mobile starting 12", in: "12345678901", wantCode: CodePhoneMobile},
		{name: "mobile starting 10", in: "10012345678", wantCode: CodePhoneMobile},
		{name: "10-digit mobile", in: "1380013800", wantCode: CodePhoneInvalid},
		{name: "12-digit bare 86 number", in: "861380013800", wantCode: CodePhoneInvalid},
		{name: "letters", in: "1-800-FLOWERS", wantCode: CodePhoneInvalid},
		{name: "extension", in: "+44 20 7946 0018;ext=12", wantCode: CodePhoneInvalid},
		{name: "empty", in: "", wantCode: CodePhoneInvalid},
		{name: "too long", in: "+86 138 0013 8000 0000 0000 0000 0000 0000", wantCode: CodePhoneTooLong},
		{name: "unknown country code", in: "+999 1234 5678", wantCode: CodePhoneInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePhone(tt.in, tt.opt)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if p.String() != tt.want || p.Type() != tt.kind {
				t.Errorf("got %s %s, want %s %s", p, p.Type(), tt.want, tt.kind)
			}
		})
	}
}

func TestPhoneIsMobileAndRegion(t *testing.T) {
	p, err := ParsePhone("010-12345678", PhoneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.IsMobile() || p.Region() != "CN" {
		t.Errorf("fixed line: IsMobile=%v Region=%s", p.IsMobile(), p.Region())
	}
	p, err = ParsePhone("+852 9123 4567", PhoneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.IsMobile() || p.Region() != "HK" {
		t.Errorf("Hong Kong mobile: IsMobile=%v Region=%s", p.IsMobile(), p.Region())
	}
}
