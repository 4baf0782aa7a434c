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
	commands["purge"] = command{summary: "purge customers past retention or whose consent was withdrawn", run: runPurge}
}

func runSweep(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return runHygiene(ctx, "sweep", args, stdout, stderr)
}

func runPurge(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return runHygiene(ctx, "purge", args, stdout, stderr)
}

// runHygiene runs a sweep or a purge and prints its report: each customer's ID with its
// reasons, never personal data.
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
	bar := newProgress(stderr, 0, name)
	rep, err := runEngine(ctx, s, name, now, *dryRun, bar.set)
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "intake %s: %v\n", name, err)
		return exitFailed
	}
	if *asJSON {
		json.NewEncoder(stdout).Encode(rep)
		return exitOK
	}
	printHygieneReport(stdout, name, rep)
	return exitOK
}

func runEngine(ctx context.Context, s *site, name string, now time.Time, dryRun bool, progress func(int)) (hygiene.Report, error) {
	if name == "sweep" {
		return hygiene.Sweep(ctx, s.store, s.policy, hygiene.SweepOptions{Now: now, DryRun: dryRun, Progress: progress})
	}
	return hygiene.Purge(ctx, s.store, s.policy, hygiene.PurgeOptions{Now: now, DryRun: dryRun, Progress: progress, Images: s.images()})
}

func printHygieneReport(w io.Writer, name string, rep hygiene.Report) {
	mode := ""
	if rep.DryRun {
		mode = " (dry run: nothing changed)"
	}
	fmt.Fprintf(w, "%s at %s under policy %s%s\n", name, rep.Now.Format(time.RFC3339), rep.PolicyVersion, mode)
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
