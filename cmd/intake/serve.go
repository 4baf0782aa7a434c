package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/intake-project/intake/shared/auth"
	"github.com/intake-project/intake/shared/httpapi"
	"github.com/intake-project/intake/shared/localflow"
	"github.com/intake-project/intake/shared/rescore"
	"github.com/intake-project/intake/shared/steps"
	"github.com/intake-project/intake/web"
	"github.com/intake-project/intake/workflows"
	"github.com/intake-project/intake/workflows/asl"
)

func init() {
	commands["serve"] = command{summary: "serve the HTTP API with the workflow and the store", run: runServe}
}

// runServe serves the API on one machine: the same handler as on AWS, the same state machine
// run in-process, and the embedded store (or DynamoDB). It stops gracefully on SIGINT/SIGTERM.
func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf siteFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	workers := fs.Int("workers", 2, "workflow executions run at once")
	every := fs.Duration("hygiene-every", time.Hour, "run the sweep, the purge, the payload expiry and rescoring this often (0: never)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := serve(ctx, sf, *addr, *workers, *every, stdout, jsonLogger()); err != nil {
		fmt.Fprintln(stderr, "intake serve:", err)
		return exitFailed
	}
	return exitOK
}

func serve(ctx context.Context, sf siteFlags, addr string, workers int, every time.Duration, stdout io.Writer, log *slog.Logger) error {
	s, err := openSite(ctx, sf, log)
	if err != nil {
		return err
	}
	defer s.Close()
	fm, err := loadForms(sf)
	if err != nil {
		return err
	}
	staffKey, err := auth.LoadOrCreateKey(sf.staffKeyPath())
	if err != nil {
		return err
	}
	machine, err := asl.Load(workflows.Definition, steps.Substitutions)
	if err != nil {
		return fmt.Errorf("load workflow: %w", err)
	}
	runner := localflow.New(machine, s.steps.Tasks(), s.store, log)
	if err := runner.Run(ctx, workers); err != nil {
		return err
	}
	handler := httpapi.New(httpapi.Config{}, httpapi.Deps{
		Store: s.store, Starter: runner, Forms: fm, Auth: auth.NewLocal(staffKey, nil), Logger: log,
		Images: s.images(), Policy: s.policy, Scorer: s.score,
	})
	site := http.NewServeMux()
	site.Handle("/v1/", handler)
	site.Handle("/healthz", handler)
	site.Handle("/openapi.json", handler)
	site.Handle("/", http.FileServerFS(web.Files))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		runner.Stop(context.Background())
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	token, err := auth.Mint(staffKey, "local-admin", 12*time.Hour)
	if err != nil {
		return err
	}
	list, _ := fm.Forms(ctx)
	formKey := ""
	if len(list) > 0 {
		formKey = list[0].Key
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "intake is serving on %s (data in %s)\n\n", base, sf.data)
	fmt.Fprintf(stdout, "Staff token (valid 12 hours; make another with `intake token --data %s`):\n%s\n\n", sf.data, token)
	fmt.Fprintf(stdout, "Intake form: %s/form.html?form=%s\n", base, formKey)
	fmt.Fprintf(stdout, "Staff console: %s/console.html (paste the staff token)\n\n", base)
	fmt.Fprintf(stdout, "Post a submission:\n  curl -i %s/v1/submissions -H 'Content-Type: application/json' -H 'X-Form-Key: %s' \\\n"+
		"    -d '{\"channel\":\"web_form\",\"kind\":\"person\",\"person\":{\"name\":\"张三\",\"phones\":[\"13800138000\"]},\"consent\":{\"purposes\":[\"service\"],\"givenAt\":\"%s\"}}'\n\n",
		base, formKey, time.Now().UTC().Format(time.RFC3339))
	log.Info("serving", "addr", ln.Addr().String())
	hygieneDone := make(chan struct{})
	hygieneCtx, stopHygiene := context.WithCancel(ctx)
	go func() {
		defer close(hygieneDone)
		s.hygieneLoop(hygieneCtx, every)
	}()
	defer func() { stopHygiene(); <-hygieneDone }()

	select {
	case err := <-served:
		runner.Stop(context.Background())
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		log.Error("http shutdown", "error", err.Error())
	}
	runner.Stop(stopCtx)
	return nil
}

// hygieneLoop runs the sweep, the purge, the payload expiry and rescoring at start and then
// every interval, as the schedules do on AWS. Reports are logged as counts: the customers' IDs and reasons are in
// the audit entries.
func (s *site) hygieneLoop(ctx context.Context, every time.Duration) {
	if every <= 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		now := time.Now().UTC()
		for _, name := range []string{"sweep", "purge", "payloads"} {
			rep, err := runEngine(ctx, s, name, now, false, nil)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error(name+" failed", "error", err.Error())
				}
				continue
			}
			s.log.Info(name+" done", "read", rep.Read, "flagged", rep.Flagged, "purged", rep.Purged, "skipped", rep.Skipped, "dropped", rep.Dropped)
		}
		if rep, err := s.rescorer().All(ctx, rescore.Options{}); err != nil {
			if ctx.Err() == nil {
				s.log.Error("rescore failed", "error", err.Error())
			}
		} else if rep.Rescored > 0 {
			s.log.Info("rescore done", "read", rep.Read, "rescored", rep.Rescored)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
