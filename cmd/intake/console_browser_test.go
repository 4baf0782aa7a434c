package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The staff console (web/console.html) driven in headless Chromium against `intake serve`.

// openConsole loads the console at a tab and pastes a token, as a member of staff would.
func openConsole(t *testing.T, ctx context.Context, s *server, tab, token string) {
	t.Helper()
	do(t, ctx, "open the console",
		chromedp.Navigate(s.base+"/console.html#"+tab),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token),
		chromedp.Click(chromedp.CSS(`#token-save`)),
	)
}

// do runs browser actions, each wait bounded so that a failure reports what the page shows
// (the problem box, the notice) instead of a bare timeout.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(step, actions...); err != nil {
		shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("problem").innerText + " | " + document.getElementById("notice").innerText`))
		t.Fatalf("%s: %v; the page shows: %s", what, err, shown)
	}
}

// fillCard types a card's details into the issue form (the form is empty after each issue).
func fillCard(room, customerID string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`#card-room`), room),
			chromedp.SendKeys(chromedp.CSS(`#card-unit`), "北京示例科技有限公司"),
			chromedp.SendKeys(chromedp.CSS(`#card-salutation`), "王总"),
		}
		if customerID != "" {
			actions = append(actions, chromedp.SendKeys(chromedp.CSS(`#card-customer`), customerID))
		}
		return chromedp.Void{}, chromedp.Do(ctx, actions...)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return got
}

func TestConsoleIssuesACardAndReturnsIt(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, t.TempDir())
	openConsole(t, ctx, s, "cards", s.token)

	do(t, ctx, "issue",
		chromedp.WaitVisible(chromedp.CSS(`#log-empty`)),
		fillCard("A08", ""),
		chromedp.Click(chromedp.CSS(`#card-issue`)),
		chromedp.WaitVisible(chromedp.CSS(`#card-issued-id`)),
	)
	id := text(t, ctx, `#card-issued-id`)
	if id == "" {
		t.Fatal("no card ID shown after issuing")
	}
	row := `tr[data-card="` + id + `"]`
	do(t, ctx, "return the card from the log",
		chromedp.WaitVisible(chromedp.CSS(row+`.card-outstanding`)),
		chromedp.Click(chromedp.CSS(row+` .return-card`)),
		chromedp.WaitVisible(chromedp.CSS(row+`.card-returned`)),
	)
	if got := text(t, ctx, row); !strings.Contains(got, "returned") || !strings.Contains(got, "local-admin") {
		t.Fatalf("log row = %q, want it returned by the token's subject", got)
	}
	if qr, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.getElementById("card-qr").naturalWidth`)); err != nil || qr != 330 {
		t.Fatalf("QR image width = %d (%v), want the 330-pixel code loaded", qr, err)
	}
	// A customer the store does not know is refused with the field named.
	do(t, ctx, "issue to an unknown customer",
		fillCard("B12", "nosuchcustomer"),
		chromedp.Click(chromedp.CSS(`#card-issue`)),
		chromedp.WaitVisible(chromedp.CSS(`#problem li`)),
	)
	if got := text(t, ctx, `#problem`); !strings.Contains(got, "customerId") || !strings.Contains(got, "is not a known customer") {
		t.Fatalf("problem shown = %q, want the customerId field named", got)
	}
	card := s.do("GET", "/v1/cards/"+id, nil, map[string]string{"Authorization": "Bearer " + s.token})
	if card.body["status"] != "returned" {
		t.Fatalf("card = %s, want returned", card.raw)
	}
}

func TestConsoleDecidesAReviewNotTheSame(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, t.TempDir())
	staff := map[string]string{"Authorization": "Bearer " + s.token, "Content-Type": "application/json"}
	// Two people sharing a phone number, with different identity documents: a possible match.
	first := `{"kind":"person","person":{"name":"张三","gender":"female","birthDate":"1949-12-31","phones":["13800138000"],` +
		`"idDocument":{"type":"cn_resident_id","number":"11010519491231002X","expiresOn":"2036-01-01"}}}`
	second := `{"kind":"person","person":{"name":"Maria Rossi","birthDate":"1980-05-05","phones":["13800138000"],` +
		`"idDocument":{"type":"passport","number":"YA1234567","issuingCountry":"IT","expiresOn":"2030-01-01"}}}`
	var last response
	for _, body := range []string{first, second} {
		r := s.do("POST", "/v1/submissions", []byte(body), staff)
		if r.status != http.StatusAccepted {
			t.Fatalf("POST: HTTP %d %s", r.status, r.raw)
		}
		last = s.waitStatus(r.body["id"].(string))
	}
	reviewID, _ := last.body["reviewId"].(string)
	if last.body["status"] != "REVIEW" || reviewID == "" {
		t.Fatalf("second submission = %s, want REVIEW", last.raw)
	}

	openConsole(t, ctx, s, "reviews", s.token)
	do(t, ctx, "open the review",
		chromedp.WaitVisible(chromedp.CSS(`#reviews-table .open-review`)),
		chromedp.Click(chromedp.CSS(`#reviews-table .open-review`)),
		chromedp.WaitVisible(chromedp.CSS(`#review-sides tbody tr`)),
	)
	if got := text(t, ctx, `#review-id`); got != reviewID {
		t.Fatalf("review shown = %q, want %s", got, reviewID)
	}
	sides := text(t, ctx, `#review-sides`)
	for _, want := range []string{"张三", "Maria Rossi", "+8613800138000", "person.name"} {
		if !strings.Contains(sides, want) {
			t.Fatalf("side by side:\n%s\nwant %q", sides, want)
		}
	}
	if got := text(t, ctx, `#review-fields`); !strings.Contains(got, "disagree") {
		t.Fatalf("field outcomes:\n%s\nwant the disagreeing fields", got)
	}

	do(t, ctx, "decide",
		chromedp.SendKeys(chromedp.CSS(`#decision-note`), "different passport holder"),
		chromedp.Click(chromedp.CSS(`#decide-distinct`)),
		chromedp.WaitVisible(chromedp.CSS(`#reviews-empty`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#review`)),
	)
	if got := text(t, ctx, `#notice`); !strings.Contains(got, "different customers") {
		t.Fatalf("notice = %q, want the distinct decision confirmed", got)
	}
	rev := s.do("GET", "/v1/reviews/"+reviewID, nil, staff)
	review, _ := rev.body["review"].(map[string]any)
	if review["status"] != "distinct" || review["note"] != "different passport holder" || review["decidedBy"] != "local-admin" {
		t.Fatalf("review = %s, want distinct with the note, decided by the token's subject", rev.raw)
	}
}

func TestConsoleShowsTheUnauthorizedProblemForABadToken(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, t.TempDir())
	openConsole(t, ctx, s, "customers", "not-a-token")
	do(t, ctx, "wait for the problem", chromedp.WaitVisible(chromedp.CSS(`#problem .problem-title`)))
	got := text(t, ctx, `#problem`)
	for _, want := range []string{"Authentication required", "需要身份验证"} {
		if !strings.Contains(got, want) {
			t.Fatalf("problem shown = %q, want %q", got, want)
		}
	}
}
