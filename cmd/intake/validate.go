package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/customer"
	"github.com/intake-project/intake/shared/validate"
)

// validateResult is the line printed for each record.
type validateResult struct {
	SourceRef string                `json:"sourceRef"`
	Valid     bool                  `json:"valid"`
	Errors    []customer.FieldError `json:"errors"`
	Warnings  []customer.FieldError `json:"warnings"`
}

// runValidate checks NDJSON submissions from a file or standard input and prints one JSON
// line per record. Exit 0: every record valid; 1: some record invalid; 2: the input could
// not be read, or a line is not JSON.
func runValidate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: intake validate [flags] FILE|-")
		fs.PrintDefaults()
	}
	nowFlag := fs.String("now", "", "check as at this RFC 3339 `time` instead of the current time")
	tiers := fs.String("dining-tiers", "", "comma-separated dining tiers (default: "+strings.Join(customer.DefaultDiningTiers, ",")+")")
	freqs := fs.String("frequencies", "", "comma-separated visit frequencies (default: "+strings.Join(customer.DefaultFrequencies, ",")+")")
	region := fs.String("phone-region", "CN", "region assumed for phone numbers without a country code")
	mobile := fs.Bool("require-mobile", false, "require every person to give a mobile number")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	rules := validate.Rules{
		Now:           time.Now(),
		DiningTiers:   splitList(*tiers),
		Frequencies:   splitList(*freqs),
		PhoneRegion:   *region,
		RequireMobile: *mobile,
	}
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintln(stderr, "intake validate: --now must be an RFC 3339 time")
			return exitUsage
		}
		rules.Now = t
	}

	in := stdin
	name := fs.Arg(0)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "intake validate: %v\n", err)
			return exitBadData
		}
		defer f.Close()
		in = f
	} else {
		name = "standard input"
	}
	return validateStream(ctx, rules, name, in, stdout, stderr)
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func validateStream(ctx context.Context, rules validate.Rules, name string, in io.Reader, stdout, stderr io.Writer) int {
	// bufio.Reader rather than Scanner: a record may be longer than Scanner's 64 KiB token
	// limit, and ReadBytes has none.
	r := bufio.NewReader(in)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	code := exitOK
	for lineNo := 1; ; lineNo++ {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "intake validate: stopped at line %d of %s\n", lineNo, name)
			return exitBadData
		}
		line, err := r.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			out.Flush()
			fmt.Fprintf(stderr, "intake validate: reading line %d of %s: %v\n", lineNo, name, err)
			return exitBadData
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			res, cerr := rules.CheckJSON(bytes.NewReader(trimmed))
			if cerr != nil {
				out.Flush()
				// The message names the line, not its content, which holds personal data.
				fmt.Fprintf(stderr, "intake validate: line %d of %s is not a JSON record: %v\n", lineNo, name, cerr)
				return exitBadData
			}
			if !res.Valid() {
				code = exitFailed
			}
			if werr := enc.Encode(resultLine(res)); werr != nil {
				fmt.Fprintf(stderr, "intake validate: writing results: %v\n", werr)
				return exitBadData
			}
		}
		if errors.Is(err, io.EOF) {
			return code
		}
	}
}

func resultLine(res validate.Result) validateResult {
	v := validateResult{
		SourceRef: res.Canonical.SourceRef,
		Valid:     res.Valid(),
		Errors:    res.Errors,
		Warnings:  res.Warnings,
	}
	if v.Errors == nil {
		v.Errors = []customer.FieldError{}
	}
	if v.Warnings == nil {
		v.Warnings = []customer.FieldError{}
	}
	return v
}
