package customer

import (
	"strings"
	"testing"
)

func TestParseEmail(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		wantCode string
	}{
		{name: "plain", in: "anna@example.com", want: "anna@example.com"},
		{name: "domain lower-cased, local kept", in: " Anna.Muller@Example.COM ", want: "Anna.Muller@example.com"},
		{name: "plus tag", in: "zhang+bank@mail.example.cn", want: "zhang+bank@mail.example.cn"},
		{name: "unicode local and domain", in: "张三@例子.中国", want: "张三@例子.中国"},
		{name: "display name", in: "Anna <anna@example.com>", wantCode: CodeEmailDisplayName},
		{name: "angle brackets only", in: "<anna@example.com>", wantCode: CodeEmailDisplayName},
		{name: "no at sign", in: "anna.example.com", wantCode: CodeEmailFormat},
		{name: "empty local", in: "@example.com", wantCode: CodeEmailFormat},
		{name: "double dot in local", in: "an..na@example.com", wantCode: CodeEmailFormat},
		{name: "leading dot in local", in: ".anna@example.com", wantCode: CodeEmailFormat},
		{name: "space inside", in: "an na@example.com", wantCode: CodeEmailFormat},
		{name: "quoted local", in: `"anna"@example.com`, wantCode: CodeEmailFormat},
		{name: "two at signs", in: "a@b@example.com", wantCode: CodeEmailFormat},
		{name: "dotless domain", in: "anna@localhost", wantCode: CodeEmailDomain},
		{name: "empty label", in: "anna@example..com", wantCode: CodeEmailDomain},
		{name: "hyphen at label start", in: "anna@-example.com", wantCode: CodeEmailDomain},
		{name: "numeric top-level domain", in: "anna@192.168.0.1", wantCode: CodeEmailDomain},
		{name: "underscore in domain", in: "anna@ex_ample.com", wantCode: CodeEmailDomain},
		{name: "local part of 65", in: strings.Repeat("a", 65) + "@example.com", wantCode: CodeEmailTooLong},
		{name: "local part of 64", in: strings.Repeat("a", 64) + "@example.com", want: strings.Repeat("a", 64) + "@example.com"},
		{name: "address of 257", in: "a@" + strings.Repeat("b", 62) + "." + strings.Repeat("c", 62) + "." + strings.Repeat("d", 62) + "." + strings.Repeat("e", 62) + ".com", wantCode: CodeEmailTooLong},
		{name: "label of 64", in: "a@" + strings.Repeat("b", 64) + ".com", wantCode: CodeEmailDomain},
		{name: "empty", in: "", wantCode: CodeEmailFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseEmail(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && e.String() != tt.want {
				t.Errorf("got %s, want %s", e, tt.want)
			}
		})
	}
}
