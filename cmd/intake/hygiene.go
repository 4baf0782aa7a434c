package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/intake-project/intake/shared/hygiene"
	"github.com/intake-project/intake/shared/scanstore"
)

func init() {
	commands["sweep"] = command{summary: "flag customers due for a refresh of their information", run: runSweep}
	commands["purge"] = command{summary: "purge customers past retention or whose consent was withdrawn, and expired payloads", run: runPurge}
}

// hygieneRuns are the runs each command makes, in order: the purge also removes the raw
// payloads of submissions past their payload retention, as the purge Lambda does.
var hygieneRuns = map[string][]string{
	"sweep": {"sweep"},
	"purge": {"purge", "payloads"},
}

func runSweep(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return runHygiene(ctx, "sweep", args, stdout, stderr)
}

func runPurge(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return runHygiene(ctx, "purge", args, stdout, stderr)
}

// runHygiene runs a sweep or a purge and prints the report of each of its runs: each
// customer's ID with its reasons, and counts, never personal data. With --json each report is
// one line of JSON.
func runHygiene(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	dryRun := fs.Bool("dry-run", false, "report what would happen and change nothing")
	nowFlag := fs.String("now", "", "act as at this RFC 3339 `time` (default: now)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	now := time.Now().UTC()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "intake %s: --now: want an RFC 3339 time such as 2026-01-02T15:04:05Z\n", name)
			return exitUsage
		}
		now = t
	}
	s, err := openSite(ctx, sf, quietLogger())
	if err != nil {
		fmt.Fprintf(stderr, "intake %s: %v\n", name, err)
		return exitFailed
	}
	defer s.Close()
	// The runs are independent: a failed purge still leaves the payload run to do its work.
	code := exitOK
	for _, run := range hygieneRuns[name] {
		bar := newProgress(stderr, 0, run)
		rep, err := runEngine(ctx, s, run, now, *dryRun, bar.set)
		bar.done()
		if err != nil {
			fmt.Fprintf(stderr, "intake %s: %s: %v\n", name, run, err)
			code = exitFailed
			continue
		}
		if *asJSON {
			json.NewEncoder(stdout).Encode(rep)
			continue
		}
		printHygieneReport(stdout, rep)
	}
	return code
}

// runEngine makes one hygiene run: "sweep", "purge" or "payloads".
func runEngine(ctx context.Context, s *site, run string, now time.Time, dryRun bool, progress func(int)) (hygiene.Report, error) {
	switch run {
	case "sweep":
		return hygiene.Sweep(ctx, s.store, s.policy, hygiene.SweepOptions{Now: now, DryRun: dryRun, Progress: progress})
	case "purge":
		return hygiene.Purge(ctx, s.store, s.policy, hygiene.PurgeOptions{Now: now, DryRun: dryRun, Progress: progress, Images: s.images()})
	case "payloads":
		return hygiene.ExpirePayloads(ctx, s.store, hygiene.ExpireOptions{Now: now, DryRun: dryRun, Progress: progress})
	}
	return hygiene.Report{}, fmt.Errorf("unknown hygiene run %q", run)
}

func printHygieneReport(w io.Writer, rep hygiene.Report) {
	mode := ""
	if rep.DryRun {
		mode = " (dry run: nothing changed)"
	}
	if rep.Run == "payloads" {
		fmt.Fprintf(w, "expired payloads at %s%s\n", rep.Now.Format(time.RFC3339), mode)
		fmt.Fprintf(w, "read %d, dropped %d\n", rep.Read, rep.Dropped)
		return
	}
	fmt.Fprintf(w, "%s at %s under policy %s%s\n", rep.Run, rep.Now.Format(time.RFC3339), rep.PolicyVersion, mode)
	fmt.Fprintf(w, "read %d, flagged %d, purged %d, skipped %d\n", rep.Read, rep.Flagged, rep.Purged, rep.Skipped)
	for _, c := range rep.Customers {
		codes := make([]string, len(c.Reasons))
		for i, r := range c.Reasons {
			codes[i] = r.Code
		}
		fmt.Fprintf(w, "  %s\t%v\n", c.ID, codes)
	}
}

// images is where the site keeps card-scan images.
func (s *site) images() *scanstore.Local { return scanstore.NewLocal(filepath.Join(s.dir, "images")) }
