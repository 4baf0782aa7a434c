package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// progress draws a one-line progress bar on a terminal, and nothing elsewhere, so that logs
// and redirected output stay clean.
type progress struct {
	w       io.Writer
	on      bool
	total   int
	label   string
	start   time.Time
	last    time.Time
	current int
}

func newProgress(w io.Writer, total int, label string) *progress {
	return &progress{w: w, on: isTerminal(w), total: total, label: label, start: time.Now()}
}

// set records how many items are done, redrawing at most ten times a second.
func (p *progress) set(n int) {
	p.current = n
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	rate := float64(p.current) / max(time.Since(p.start).Seconds(), 1e-3)
	if p.total > 0 {
		const width = 30
		filled := min(width, p.current*width/p.total)
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %.0f/s ", p.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.current, p.total, rate)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d %.0f/s ", p.label, p.current, rate)
}

// done draws the final state and ends the line.
func (p *progress) done() {
	if !p.on {
		return
	}
	p.draw()
	fmt.Fprintln(p.w)
	p.on = false
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// quietLogger logs only warnings and errors, as JSON to stderr, for commands with their own
// progress output.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
