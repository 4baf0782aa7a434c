package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

const at = "--now=2025-06-01T12:00:00Z"

const validLine = `{"sourceRef":"r1","channel":"import","kind":"person","person":{"name":"Anna Müller","emails":["anna@example.com"]}}`

type line struct {
	SourceRef string `json:"sourceRef"`
	Valid     bool   `json:"valid"`
	Errors    []struct {
		Path, Code, Message, MessageZh string
	} `json:"errors"`
	Warnings []struct{ Path, Code string } `json:"warnings"`
}

func parseLines(t *testing.T, out string) []line {
	t.Helper()
	var lines []line
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("output line is not JSON: %v", err)
		}
		lines = append(lines, v)
	}
	return lines
}

func runWith(args []string, stdin string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestValidateFile(t *testing.T) {
	code, out, _ := runWith([]string{"validate", at, "testdata/mixed.ndjson"}, "")
	if code != exitFailed {
		t.Fatalf("exit code %d, want %d", code, exitFailed)
	}
	lines := parseLines(t, out)
	refs := []string{}
	for _, l := range lines {
		refs = append(refs, l.SourceRef)
	}
	if !slices.Equal(refs, []string{"ok-1", "bad-2", "warn-3"}) {
		t.Fatalf("records %v", refs)
	}
	if !lines[0].Valid || len(lines[0].Errors) != 0 || lines[0].Errors == nil {
		t.Errorf("first record: %+v", lines[0])
	}
	var paths []string
	for _, e := range lines[1].Errors {
		paths = append(paths, e.Path+" "+e.Code)
		if e.Message == "" || e.MessageZh == "" {
			t.Errorf("error without both messages: %+v", e)
		}
	}
	want := []string{"person.religion sensitive_data", "person.phones[1] phone_mobile_format", "consent required"}
	if lines[1].Valid || !slices.Equal(paths, want) {
		t.Errorf("second record errors %v, want %v", paths, want)
	}
	if !lines[2].Valid || len(lines[2].Warnings) != 1 || lines[2].Warnings[0].Path != "organisation.creditCode" {
		t.Errorf("third record: %+v", lines[2])
	}
}

func TestValidateExitCodes(t *testing.T) {
	// One record of about 72 KiB: its consent text, written as \u escapes, is over the limit.
	long := `{"sourceRef":"long","channel":"import","kind":"person","person":{"name":"Anna"},` +
		`"consent":{"purposes":["x"],"givenAt":"2025-01-01T00:00:00Z","text":"` + strings.Repeat(`\u5f20`, 12000) + `"}}`
	tests := []struct {
		name   string
		stdin  string
		code   int
		lines  int
		stderr string
	}{
		{name: "all valid", stdin: validLine + "\n" + validLine, code: exitOK, lines: 2},
		{name: "blank lines skipped", stdin: "\n" + validLine + "\n   \n\r\n" + validLine + "\n\n", code: exitOK, lines: 2},
		{name: "no final newline", stdin: validLine, code: exitOK, lines: 1},
		{name: "empty input", stdin: "", code: exitOK, lines: 0},
		{name: "one invalid record", stdin: validLine + "\n" + `{"channel":"fax"}`, code: exitFailed, lines: 2},
		{name: "JSON that is not an object is an invalid record", stdin: `[1,2]`, code: exitFailed, lines: 1},
		{name: "a line that is not JSON stops with its number", stdin: validLine + "\n\nname=张三\n" + validLine, code: exitBadData, lines: 1, stderr: "line 3 of standard input"},
		{name: "a truncated record", stdin: `{"channel":"import"`, code: exitBadData, lines: 0, stderr: "line 1"},
		{name: "a line longer than 64 KiB is read whole", stdin: validLine + "\n" + long + "\n" + validLine, code: exitFailed, lines: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runWith([]string{"validate", at, "-"}, tt.stdin)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if got := len(parseLines(t, out)); got != tt.lines {
				t.Errorf("%d result lines, want %d", got, tt.lines)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
			if tt.code == exitBadData && strings.Contains(errOut, "张三") {
				t.Errorf("stderr quotes the input: %q", errOut)
			}
		})
	}
}

func TestValidateUnreadableInput(t *testing.T) {
	code, _, errOut := runWith([]string{"validate", at, "testdata/no-such-file.ndjson"}, "")
	if code != exitBadData || !strings.Contains(errOut, "no-such-file") {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
	var stdout, stderr bytes.Buffer
	in := iotest.TimeoutReader(strings.NewReader(validLine + "\n" + validLine + "\n"))
	code = runValidate(context.Background(), []string{at, "-"}, in, &stdout, &stderr)
	if code != exitBadData || !strings.Contains(stderr.String(), "reading line 3") {
		t.Errorf("read failure: exit %d, stderr %q", code, stderr.String())
	}
	if got := len(parseLines(t, stdout.String())); got != 2 {
		t.Errorf("%d result lines before the failure, want 2", got)
	}
}

func TestValidateFlags(t *testing.T) {
	card := `{"channel":"card_scan","kind":"person","person":{"name":"李四","phones":["010-12345678"]},"card":{"diningTier":"banquet","frequency":"monthly","role":"host","signsBill":true,"patronageReason":"walk_in"}}`
	tests := []struct {
		name  string
		args  []string
		code  int
		codes []string
	}{
		{name: "default tiers reject a site tier", args: nil, code: exitFailed, codes: []string{"not_allowed"}},
		{name: "site tiers", args: []string{"--dining-tiers=banquet, standard"}, code: exitOK},
		{name: "mobile required", args: []string{"--dining-tiers=banquet", "--require-mobile"}, code: exitFailed, codes: []string{"mobile_required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"validate", at}, tt.args...), "-")
			code, out, errOut := runWith(args, card)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			var got []string
			for _, e := range parseLines(t, out)[0].Errors {
				got = append(got, e.Code)
			}
			if !slices.Equal(got, tt.codes) {
				t.Errorf("codes %v, want %v", got, tt.codes)
			}
		})
	}
	if code, _, errOut := runWith([]string{"validate", "--now=yesterday", "-"}, ""); code != exitUsage || !strings.Contains(errOut, "RFC 3339") {
		t.Errorf("bad --now: exit %d, stderr %q", code, errOut)
	}
}
