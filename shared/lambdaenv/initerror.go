package lambdaenv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"
)

// InitFailed reports a failed cold start and exits. Under Lambda it posts the error to the
// Runtime API's init/error endpoint, so the failure shows as the function's init error with
// its reason rather than as an anonymous Runtime.ExitError. The Go runtime library has no
// call for this: it starts its loop only after a handler exists.
func InitFailed(log *slog.Logger, err error) {
	log.Error("init failed", "error", err.Error())
	if api := os.Getenv("AWS_LAMBDA_RUNTIME_API"); api != "" {
		if rerr := reportInitError(api, err); rerr != nil {
			log.Error("report init error", "error", rerr.Error())
		}
	}
	os.Exit(1)
}

// initErrorType names the failure for the Runtime API: ConfigError for a configuration that
// cannot work, InitError for anything else (the secret or the store unreachable).
func initErrorType(err error) string {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return "ConfigError"
	}
	return "InitError"
}

func reportInitError(api string, err error) error {
	typ := initErrorType(err)
	body, merr := json.Marshal(struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace"`
	}{err.Error(), typ, []string{}})
	if merr != nil {
		return merr
	}
	req, rerr := http.NewRequest(http.MethodPost, "http://"+api+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
	if rerr != nil {
		return rerr
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "Runtime."+typ)
	resp, derr := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if derr != nil {
		return derr
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("init/error answered %s", resp.Status)
	}
	return nil
}
