package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/intake-project/intake/shared/ids"
	"github.com/intake-project/intake/shared/localflow"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/shared/store"
	"github.com/intake-project/intake/shared/validate"
	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
)

func init() {
	commands["import"] = command{summary: "run NDJSON submissions through the full workflow, in file order", run: runImport}
}

// importSummary is what an import ends with.
type importSummary struct {
	Records    int            `json:"records"`
	Outcomes   map[string]int `json:"outcomes"`
	Unreadable []int          `json:"unreadableLines,omitempty"`
	Rejected   []rejection    `json:"rejected,omitempty"`
	Seconds    float64        `json:"seconds"`
	PerSecond  float64        `json:"recordsPerSecond"`
}

// rejection tells which record the workflow rejected and why: its line, its sourceRef and
// submission ID, and the fields at fault (paths and codes, never values).
type rejection struct {
	Line         int             `json:"line"`
	SourceRef    string          `json:"sourceRef,omitempty"`
	SubmissionID string          `json:"submissionId"`
	Errors       []rejectedField `json:"errors"`
}

type rejectedField struct {
	Path string `json:"path"`
	Code string `json:"code"`
}

// shownRejections bounds the rejections printed as text; the JSON summary lists them all.
const shownRejections = 20

// runImport stores each record as a submission and runs it through the workflow before
// taking the next, exactly as the API's submissions are run, so the result does not depend on
// timing. Re-importing a file is harmless: a record is keyed by its sourceRef (or its text).
func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: intake import [flags] FILE|-")
		fs.PrintDefaults()
	}
	var sf siteFlags
	sf.register(fs)
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
	in, total, closeIn, err := openInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintln(stderr, "intake import:", err)
		return exitBadData
	}
	defer closeIn()

	s, err := openSite(ctx, sf, quietLogger())
	if err != nil {
		fmt.Fprintln(stderr, "intake import:", err)
		return exitFailed
	}
	defer s.Close()
	machine, err := asl.Load(workflows.Definition, steps.Substitutions)
	if err != nil {
		fmt.Fprintln(stderr, "intake import:", err)
		return exitFailed
	}
	runner := localflow.New(machine, s.steps.Tasks(), s.store, s.log)
	if err := runner.Run(ctx, 1); err != nil {
		fmt.Fprintln(stderr, "intake import:", err)
		return exitFailed
	}
	defer runner.Stop(context.Background())

	bar := newProgress(stderr, total, "importing")
	sum := importSummary{Outcomes: map[string]int{}}
	start := time.Now()
	r := bufio.NewReaderSize(in, 1<<20)
	for line := 1; ; line++ {
		raw, readErr := r.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			sub, outcome, err := importRecord(ctx, s.store, runner, raw)
			if err != nil {
				if ctx.Err() != nil {
					break
				}
				if errors.Is(err, errUnreadable) {
					sum.Unreadable = append(sum.Unreadable, line)
					outcome = "UNREADABLE"
				} else {
					bar.done()
					fmt.Fprintf(stderr, "intake import: line %d: %v\n", line, err)
					return exitFailed
				}
			}
			if outcome == string(store.StatusRejected) {
				sum.Rejected = append(sum.Rejected, rejectionOf(line, sub))
			}
			sum.Records++
			sum.Outcomes[outcome]++
			bar.set(sum.Records)
		}
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			bar.done()
			fmt.Fprintf(stderr, "intake import: line %d: %v\n", line, readErr)
			return exitBadData
		}
	}
	bar.done()
	sum.Seconds = time.Since(start).Seconds()
	if sum.Seconds > 0 {
		sum.PerSecond = float64(sum.Records) / sum.Seconds
	}
	printImportSummary(stdout, sum)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "intake import: interrupted; records already stored resume at the next start")
		return exitFailed
	}
	return exitOK
}

var errUnreadable = errors.New("not a submission")

// importRecord stores one record and runs it through the workflow, returning the submission
// and the status it ended with (or the status it had, when the record was imported before).
func importRecord(ctx context.Context, st store.Store, runner *localflow.Runner, raw []byte) (store.Submission, string, error) {
	payload, decodeErrs, err := validate.Decode(bytes.NewReader(raw))
	if err != nil || len(decodeErrs) > 0 {
		return store.Submission{}, "", errUnreadable
	}
	sum := sha256.Sum256(bytes.TrimSpace(raw))
	bodyHash := hex.EncodeToString(sum[:])
	key := "import:" + bodyHash
	if payload.SourceRef != "" {
		key = "import:ref:" + payload.SourceRef
	}
	now := time.Now().UTC()
	payload.ReceivedAt = &now
	create := func(key string) (store.Submission, bool, error) {
		return st.CreateSubmission(ctx, store.Submission{
			ID: ids.New(now), IdempotencyKey: key, BodyHash: bodyHash, Status: store.StatusReceived,
			ReceivedAt: now, UpdatedAt: now, Payload: &payload, SourceRef: payload.SourceRef,
		})
	}
	sub, created, err := create(key)
	if err == nil && !created && sub.BodyHash != bodyHash && sub.Status == store.StatusRejected {
		// A corrected version of a rejected record: it gets a submission of its own, keyed by
		// its content too, so importing the corrected file again is still harmless.
		sub, created, err = create(key + "#" + bodyHash)
	}
	if err != nil {
		return store.Submission{}, "", fmt.Errorf("store submission: %w", err)
	}
	if !created && sub.BodyHash != bodyHash {
		return sub, "CONFLICT", nil
	}
	if created || sub.Status == store.StatusReceived {
		if err := runner.RunNow(ctx, sub.ID); err != nil {
			return store.Submission{}, "", err
		}
		if sub, err = st.GetSubmission(ctx, sub.ID); err != nil {
			return store.Submission{}, "", fmt.Errorf("read outcome: %w", err)
		}
	}
	return sub, string(sub.Status), nil
}

func rejectionOf(line int, sub store.Submission) rejection {
	r := rejection{Line: line, SourceRef: sub.SourceRef, SubmissionID: sub.ID, Errors: []rejectedField{}}
	if sub.Outcome != nil {
		for _, e := range sub.Outcome.Errors {
			r.Errors = append(r.Errors, rejectedField{Path: e.Path, Code: e.Code})
		}
	}
	return r
}

func printImportSummary(w io.Writer, s importSummary) {
	fmt.Fprintf(w, "imported %d records in %.1fs (%.0f records/s)\n", s.Records, s.Seconds, s.PerSecond)
	names := make([]string, 0, len(s.Outcomes))
	for name := range s.Outcomes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %d\n", name, s.Outcomes[name])
	}
	for i, r := range s.Rejected {
		if i == shownRejections {
			fmt.Fprintf(w, "  ... %d more rejected records in the JSON summary below\n", len(s.Rejected)-i)
			break
		}
		fields := make([]string, len(r.Errors))
		for j, e := range r.Errors {
			fields[j] = e.Path + " (" + e.Code + ")"
		}
		ref := ""
		if r.SourceRef != "" {
			ref = " sourceRef " + r.SourceRef
		}
		fmt.Fprintf(w, "  rejected line %d%s: %s\n", r.Line, ref, strings.Join(fields, ", "))
	}
	if len(s.Rejected) > 0 {
		fmt.Fprintln(w, "  (`intake validate` explains each field error in English and Chinese)")
	}
	if len(s.Unreadable) > 0 {
		fmt.Fprintf(w, "  unreadable lines (not JSON, unknown fields, wrong types; see `intake validate`): %v\n", s.Unreadable)
	}
	enc := json.NewEncoder(w)
	_ = enc.Encode(s)
}

// openInput opens a file (counting its lines, for the progress bar) or standard input.
func openInput(name string, stdin io.Reader) (io.Reader, int, func(), error) {
	if name == "-" {
		return stdin, 0, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, nil, err
	}
	total := 0
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			total++
		}
		if err != nil {
			break
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, nil, err
	}
	return f, total, func() { f.Close() }, nil
}
