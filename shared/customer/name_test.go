package customer

import (
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		wantCode string
	}{
		{name: "Chinese", in: "张三", want: "张三"},
		{name: "Latin with diacritic", in: "Anna Müller", want: "Anna Müller"},
		{name: "decomposed diacritic composed to NFC", in: "Anna Mu\u0308ller", want: "Anna Müller"},
		{name: "transliterated foreign name with middle dot", in: "约翰·史密斯", want: "约翰·史密斯"},
		{name: "mixed scripts", in: "David 王", want: "David 王"},
		{name: "apostrophe and hyphen", in: "Seán O'Brien-Smith", want: "Seán O'Brien-Smith"},
		{name: "trimmed and collapsed", in: "  Anna \t  Müller \n", want: "Anna Müller"},
		{name: "ideographic space collapsed", in: "欧阳\u3000修", want: "欧阳 修"},
		{name: "generation digit kept", in: "Henry 3rd", want: "Henry 3rd"},
		{name: "Persian with zero-width non-joiner", in: "مهر\u200cناز", want: "مهر\u200cناز"},
		{name: "empty", in: "", wantCode: CodeNameEmpty},
		{name: "only spaces", in: "   ", wantCode: CodeNameEmpty},
		{name: "digits only", in: "12345", wantCode: CodeNameNoLetter},
		{name: "punctuation only", in: "--.", wantCode: CodeNameNoLetter},
		{name: "control character", in: "Anna\x00Müller", wantCode: CodeNameControlChar},
		{name: "bell character", in: "张\a三", wantCode: CodeNameControlChar},
		{name: "emoji", in: "Anna 😀", wantCode: CodeNameInvalidChar},
		{name: "symbol", in: "Anna $", wantCode: CodeNameInvalidChar},
		{name: "invalid UTF-8", in: "Anna\xff", wantCode: CodeNameInvalidChar},
		{name: "101 characters", in: strings.Repeat("张", 101), wantCode: CodeNameTooLong},
		{name: "100 characters", in: strings.Repeat("张", 100), want: strings.Repeat("张", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseName(tt.in)
			if got := codeOf(t, err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q", got, tt.wantCode)
			}
			if tt.wantCode == "" && n.String() != tt.want {
				t.Errorf("got %q, want %q", n, tt.want)
			}
		})
	}
}

func TestParseText(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		max      int
		want     string
		wantCode string
	}{
		{name: "trimmed", in: "  prefers the window seat \n", max: 50, want: "prefers the window seat"},
		{name: "line breaks kept", in: "line one\nline two", max: 50, want: "line one\nline two"},
		{name: "NFC", in: "cafe\u0301", max: 50, want: "café"},
		{name: "at the limit", in: "一二三", max: 3, want: "一二三"},
		{name: "over the limit", in: "一二三四", max: 3, wantCode: CodeTextTooLong},
		{name: "control character", in: "a\x1bb", max: 50, wantCode: CodeTextControlChar},
		{name: "invalid UTF-8", in: "a\xc0", max: 50, wantCode: CodeTextControlChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseText(tt.in, tt.max)
			if code := codeOf(t, err); code != tt.wantCode {
				t.Fatalf("code = %q, want %q", code, tt.wantCode)
			}
			if tt.wantCode == "" && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseLine(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     string
		wantCode string
	}{
		{name: "trimmed", in: " 1 Main Street ", want: "1 Main Street"},
		{name: "line break", in: "1 Main Street\nFlat 2", wantCode: CodeTextControlChar},
		{name: "tab", in: "1 Main\tStreet", wantCode: CodeTextControlChar},
		{name: "too long", in: strings.Repeat("a", 16), wantCode: CodeTextTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLine(tt.in, 15)
			if code := codeOf(t, err); code != tt.wantCode {
				t.Fatalf("code = %q, want %q", code, tt.wantCode)
			}
			if tt.wantCode == "" && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
