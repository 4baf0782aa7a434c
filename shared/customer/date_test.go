package customer

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in       string
		wantCode string
	}{
		{in: "2024-02-29"},
		{in: "1999-12-31"},
		{in: "2023-02-29", wantCode: CodeDateInvalid},
		{in: "2023-02-30", wantCode: CodeDateInvalid},
		{in: "2023-04-31", wantCode: CodeDateInvalid},
		{in: "2023-13-01", wantCode: CodeDateInvalid},
		{in: "2023-00-10", wantCode: CodeDateInvalid},
		{in: "0000-01-01", wantCode: CodeDateInvalid},
		{in: "2023-2-3", wantCode: CodeDateFormat},
		{in: "2023/02/03", wantCode: CodeDateFormat},
		{in: "20230203", wantCode: CodeDateFormat},
		{in: "2023-02-03T00:00:00Z", wantCode: CodeDateFormat},
		{in: "+023-02-03", wantCode: CodeDateFormat},
		{in: "", wantCode: CodeDateFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && d.String() != tt.in {
				t.Errorf("round trip gave %s", d)
			}
		})
	}
}

func TestParseBirthDate(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantCode string
	}{
		{name: "ordinary", in: "1985-07-14"},
		{name: "born today", in: "2025-06-01"},
		{name: "born tomorrow", in: "2025-06-02", wantCode: CodeDateFuture},
		{name: "1 January 1900", in: "1900-01-01"},
		{name: "before 1900", in: "1899-12-31", wantCode: CodeDateTooOld},
		{name: "impossible", in: "1985-02-30", wantCode: CodeDateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBirthDate(tt.in, testNow)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestBirthDateAgeLimit(t *testing.T) {
	later := time.Date(2040, time.March, 1, 0, 0, 0, 0, time.UTC)
	if _, err := ParseBirthDate("1910-02-28", later); codeOf(t, err) != CodeDateTooOld {
		t.Errorf("a 130-year-old was accepted: %v", err)
	}
	if _, err := ParseBirthDate("1910-03-01", later); err != nil {
		t.Errorf("a person of exactly 130 was rejected: %v", err)
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		expired  bool
		wantCode string
	}{
		{name: "expires next year", in: "2026-01-01"},
		{name: "expires today is still valid", in: "2025-06-01"},
		{name: "expired yesterday", in: "2025-05-31", expired: true},
		{name: "long-term document", in: "9999-12-31"},
		{name: "before 1900", in: "1899-01-01", wantCode: CodeDateTooOld},
		{name: "impossible", in: "2030-02-30", wantCode: CodeDateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseExpiryDate(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && d.Expired(testNow) != tt.expired {
				t.Errorf("Expired = %v, want %v", d.Expired(testNow), tt.expired)
			}
		})
	}
}

func TestExpiredUsesNowsLocation(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	// 23:30 UTC on 31 May is already 1 June in Shanghai.
	now := time.Date(2025, time.May, 31, 23, 30, 0, 0, time.UTC).In(shanghai)
	d, _ := ParseExpiryDate("2025-05-31")
	if !d.Expired(now) {
		t.Error("a document that expired on 31 May is still valid on 1 June in Shanghai")
	}
}

func TestParseMonthDay(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		wantCode string
	}{
		{in: "--02-29", want: "--02-29"},
		{in: "--12-31", want: "--12-31"},
		{in: "2019-05-20", want: "2019-05-20"},
		{in: "--02-30", wantCode: CodeDateInvalid},
		{in: "--13-01", wantCode: CodeDateInvalid},
		{in: "--2-3", wantCode: CodeMonthDayFormat},
		{in: "05-20", wantCode: CodeMonthDayFormat},
		{in: "2023-02-30", wantCode: CodeDateInvalid},
		{in: "", wantCode: CodeMonthDayFormat},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			md, err := ParseMonthDay(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && md.String() != tt.want {
				t.Errorf("got %s, want %s", md, tt.want)
			}
		})
	}
}
