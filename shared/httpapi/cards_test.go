package httpapi

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/intake-project/intake/shared/cards"
	"github.com/intake-project/intake/shared/scanstore"
	"github.com/intake-project/intake/shared/store"
)

func init() {
	openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)
}

// withImages keeps scan images in dir.
func withImages(dir string) option {
	return func(_ *Config, d *Deps) { d.Images = scanstore.NewLocal(dir) }
}

const cardBody = `{"room":"A08","unit":"北京示例科技有限公司","salutation":"王总","quantity":2}`

// scanJSON is a card scan with the five ※ fields.
const scanJSON = `{"kind":"person","verified":true,"person":{"name":"王五","phones":["13700137000"]},
 "card":{"diningTier":"business","frequency":"monthly","role":"host","signsBill":true,"patronageReason":"loyal_customer"}}`

func (a *api) staffDo(method, path, contentType, body string, want docAgrees, headers ...string) response {
	a.t.Helper()
	headers = append(headers, "Authorization", "Bearer "+a.staffToken("clerk-li"))
	return a.do(a.request(method, path, contentType, body, headers...), want)
}

func (a *api) issueCard(body string) CardView {
	a.t.Helper()
	r := a.staffDo("POST", "/v1/cards", "application/json", body, docAccepts)
	if r.status != http.StatusCreated {
		a.t.Fatalf("issue card: HTTP %d %s", r.status, r.body)
	}
	var v CardView
	if err := json.Unmarshal(r.body, &v); err != nil {
		a.t.Fatal(err)
	}
	if r.header.Get("Location") != "/v1/cards/"+v.ID {
		a.t.Errorf("Location = %q", r.header.Get("Location"))
	}
	return v
}

func cardProblem(t *testing.T, r response) Problem {
	t.Helper()
	var p Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("HTTP %d: not a problem: %s", r.status, r.body)
	}
	return p
}

func errorCodes(p Problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Path+":"+e.Code)
		if e.Message == "" || e.Zh == "" {
			out = append(out, e.Path+":no-message")
		}
	}
	slices.Sort(out)
	return out
}

func TestIssueCardStoresTheLogEntryWithLinks(t *testing.T) {
	a := newAPI(t)
	v := a.issueCard(cardBody)
	if v.Status != store.CardOutstanding || v.Room != "A08" || v.Quantity != 2 || v.IssuedBy != "clerk-li" || !v.IssuedAt.Equal(a.clock.Now()) {
		t.Fatalf("card = %+v", v)
	}
	if v.Links.QRPNG != "/v1/cards/"+v.ID+"/qr.png" || v.Links.Print != "/v1/cards/"+v.ID+"/print" {
		t.Fatalf("links = %+v", v.Links)
	}
	stored, err := a.store.GetCard(t.Context(), v.ID)
	if err != nil || stored.Unit != "北京示例科技有限公司" || stored.Salutation != "王总" {
		t.Fatalf("stored card = %+v, %v", stored, err)
	}
	if def := a.issueCard(`{"room":"A09","unit":"示例","salutation":"李总"}`); def.Quantity != 1 {
		t.Errorf("quantity without a value = %d, want 1", def.Quantity)
	}
}

func TestIssueCardReportsEveryFieldError(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		name, body string
		status     int
		want       []string
	}{
		{"required fields missing", `{"quantity":0}`, 422, []string{"quantity:out_of_range", "room:required", "salutation:required", "unit:required"}},
		{"limits and controls", `{"room":"` + strings.Repeat("1", 33) + `","unit":"a\nb","salutation":"王总","quantity":51,"issuedBy":"` + strings.Repeat("x", 65) + `"}`, 422,
			[]string{"issuedBy:too_long", "quantity:out_of_range", "room:too_long", "unit:control_characters"}},
		{"unknown customer", `{"customerId":"01jx5v0c3kq8w2m9d4r7t6y1ab","room":"A1","unit":"U","salutation":"S"}`, 422, []string{"customerId:unknown_customer"}},
		{"unknown and mistyped fields", `{"room":1,"unit":"U","salutation":"S","quantity":"2","vip":true}`, 400,
			[]string{"quantity:invalid_type", "room:invalid_type", "vip:unknown_field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := docRejects // the document states the types, required fields and lengths
			if tt.name == "unknown customer" {
				want = docAccepts
			}
			r := a.staffDo("POST", "/v1/cards", "application/json", tt.body, want)
			if r.status != tt.status {
				t.Fatalf("HTTP %d %s, want %d", r.status, r.body, tt.status)
			}
			if got := errorCodes(cardProblem(t, r)); !slices.Equal(got, tt.want) {
				t.Fatalf("errors %v, want %v", got, tt.want)
			}
		})
	}
	list, _, _ := a.store.ListCards(t.Context(), store.CardFilter{}, store.Page{})
	if len(list) != 0 {
		t.Fatalf("%d cards stored from refused requests", len(list))
	}
}

func TestCardRoutesAreForStaffOnly(t *testing.T) {
	a := newAPI(t)
	v := a.issueCard(cardBody)
	for _, path := range []string{"/v1/cards", "/v1/cards/" + v.ID, "/v1/cards/" + v.ID + "/qr.png", "/v1/cards/" + v.ID + "/print"} {
		r := a.do(a.request("GET", path, "", "", "X-Form-Key", jsonFormKey), docAccepts)
		if r.status != http.StatusUnauthorized {
			t.Errorf("GET %s without a token: HTTP %d, want 401", path, r.status)
		}
	}
	r := a.do(a.request("POST", "/v1/cards/"+v.ID+"/scans", "application/json", scanJSON, "X-Form-Key", jsonFormKey), docAccepts)
	if r.status != http.StatusUnauthorized {
		t.Errorf("scan with a form key: HTTP %d, want 401", r.status)
	}
	if r := a.staffDo("GET", "/v1/cards/01jx5v0c3kq8w2m9d4r7t6y1ab", "", "", docAccepts); r.status != http.StatusNotFound {
		t.Errorf("unknown card: HTTP %d, want 404", r.status)
	}
}

func TestCardQRCodesAndPrintPageNameTheCard(t *testing.T) {
	a := newAPI(t)
	v := a.issueCard(cardBody)
	r := a.staffDo("GET", v.Links.QRPNG, "", "", docAccepts)
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: HTTP %d %s", r.status, r.header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := cards.ReadID(img); err != nil || id != v.ID {
		t.Fatalf("qr.png reads %q, %v; want %s", id, err, v.ID)
	}
	r = a.staffDo("GET", v.Links.QRSVG, "", "", docAccepts)
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !bytes.Contains(r.body, []byte(`shape-rendering="crispEdges"`)) {
		t.Fatalf("qr.svg: HTTP %d %s %.80s", r.status, r.header.Get("Content-Type"), r.body)
	}
	r = a.staffDo("GET", v.Links.Print, "", "", docAccepts)
	page := string(r.body)
	if r.status != 200 || !strings.Contains(page, "size: 85mm 54mm") || !strings.Contains(page, "北京示例科技有限公司") || !strings.Contains(page, v.ID) {
		t.Fatalf("print: HTTP %d %.200s", r.status, page)
	}
}

// scanForm builds a multipart scan: a submission part and, when img is not nil, an image part.
func scanForm(t *testing.T, submission string, img []byte, imgType string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="submission"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	pw.Write([]byte(submission))
	if img != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="image"; filename="card.png"`)
		h.Set("Content-Type", imgType)
		pw, _ := mw.CreatePart(h)
		pw.Write(img)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

func qrPNG(t *testing.T, cardID string) []byte {
	t.Helper()
	code, err := cards.Encode(cardID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := code.PNG(&buf, 6); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestScanRequiresTheMandatoryCardFields(t *testing.T) {
	a := newAPI(t)
	v := a.issueCard(cardBody)
	r := a.staffDo("POST", v.Links.Scans, "application/json", `{"kind":"person","person":{"name":"王五","phones":["13700137000"]},"card":{"suggestions":"靠窗"}}`, docAccepts)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("HTTP %d %s, want 422", r.status, r.body)
	}
	got := errorCodes(cardProblem(t, r))
	for _, want := range []string{"card.diningTier:required", "card.frequency:required", "card.role:required", "card.signsBill:required", "card.patronageReason:required"} {
		if !slices.Contains(got, want) {
			t.Errorf("errors %v lack %s", got, want)
		}
	}
	r = a.staffDo("POST", v.Links.Scans, "application/json", strings.Replace(scanJSON, `{"kind"`, `{"channel":"web_form","kind"`, 1), docAccepts)
	if got := errorCodes(cardProblem(t, r)); r.status != 422 || !slices.Contains(got, "channel:not_allowed") {
		t.Errorf("a scan on another channel: HTTP %d %v", r.status, got)
	}
	if len(a.starter.started()) != 0 {
		t.Fatal("a refused scan started a workflow")
	}
}

func TestScanIsStoredOnTheCardWithItsImage(t *testing.T) {
	images := t.TempDir()
	a := newAPI(t, withImages(images))
	v := a.issueCard(cardBody)
	ct, body := scanForm(t, strings.Replace(scanJSON, `"kind"`, `"collectedBy":"waiter-zhao","kind"`, 1), qrPNG(t, v.ID), "image/png")
	r := a.staffDo("POST", v.Links.Scans, ct, body, docAccepts, "Idempotency-Key", "scan-1")
	if r.status != http.StatusAccepted {
		t.Fatalf("scan: HTTP %d %s", r.status, r.body)
	}
	var acc Accepted
	json.Unmarshal(r.body, &acc)
	sub, err := a.store.GetSubmission(t.Context(), acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.CardID != v.ID || sub.ImageRef != acc.ID+".png" || sub.Payload.Channel != "card_scan" || sub.Payload.CollectedBy != "waiter-zhao" {
		t.Fatalf("stored scan: card %q image %q channel %q collectedBy %q", sub.CardID, sub.ImageRef, sub.Payload.Channel, sub.Payload.CollectedBy)
	}
	if fi, err := os.Stat(filepath.Join(images, acc.ID+".png")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept image: %v %v", fi, err)
	}
	if started := a.starter.started(); !slices.Equal(started, []string{acc.ID}) {
		t.Fatalf("started %v", started)
	}

	// A retry with a new multipart boundary is the same scan.
	ct, body = scanForm(t, strings.Replace(scanJSON, `"kind"`, `"collectedBy":"waiter-zhao","kind"`, 1), qrPNG(t, v.ID), "image/png")
	again := a.staffDo("POST", v.Links.Scans, ct, body, docAccepts, "Idempotency-Key", "scan-1")
	var acc2 Accepted
	json.Unmarshal(again.body, &acc2)
	if again.status != http.StatusAccepted || acc2.ID != acc.ID {
		t.Fatalf("replay: HTTP %d %s", again.status, again.body)
	}
	if files, _ := os.ReadDir(images); len(files) != 1 {
		t.Fatalf("%d images kept after a replay, want 1", len(files))
	}

	got := a.staffDo("GET", v.Links.Self, "", "", docAccepts)
	var card CardView
	json.Unmarshal(got.body, &card)
	if len(card.Scans) != 1 || card.Scans[0].ID != acc.ID || card.Scans[0].StatusURL != "/v1/submissions/"+acc.ID {
		t.Fatalf("card scans = %+v", card.Scans)
	}
}

func TestScanImagesMustShowThisCard(t *testing.T) {
	images := t.TempDir()
	a := newAPI(t, withImages(images))
	v := a.issueCard(cardBody)
	other := a.issueCard(`{"room":"B01","unit":"另一单位","salutation":"赵总"}`)
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	var blankPNG bytes.Buffer
	png.Encode(&blankPNG, blank)
	tests := []struct {
		name    string
		img     []byte
		status  int
		code    string
		mention string
	}{
		{"code of another card", qrPNG(t, other.ID), 422, "card_mismatch", other.ID},
		{"no code", blankPNG.Bytes(), 422, "no_card_code", ""},
		{"not an image", []byte("GIF89a not really"), 415, "image_type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := scanForm(t, scanJSON, tt.img, "image/png")
			r := a.staffDo("POST", v.Links.Scans, ct, body, docAccepts)
			if r.status != tt.status {
				t.Fatalf("HTTP %d %s, want %d", r.status, r.body, tt.status)
			}
			p := cardProblem(t, r)
			if got := errorCodes(p); !slices.Equal(got, []string{"image:" + tt.code}) {
				t.Fatalf("errors %v, want image:%s", got, tt.code)
			}
			if !strings.Contains(p.Errors[0].Message, tt.mention) || !strings.Contains(p.Errors[0].Message, v.ID) && tt.mention != "" {
				t.Errorf("message %q does not name both cards", p.Errors[0].Message)
			}
		})
	}
	if files, _ := os.ReadDir(images); len(files) != 0 || len(a.starter.started()) != 0 {
		t.Fatalf("refused scans left %d images and started %d workflows", len(files), len(a.starter.started()))
	}
}

func TestReturnedCardTakesOneScanAtMost(t *testing.T) {
	a := newAPI(t)
	v := a.issueCard(cardBody)
	a.clock.Advance(3 * time.Hour)
	r := a.staffDo("POST", v.Links.Self+"/return", "application/json", `{"returnedBy":"manager-sun"}`, docAccepts)
	var back CardView
	json.Unmarshal(r.body, &back)
	if r.status != 200 || back.Status != store.CardReturned || back.ReturnedBy != "manager-sun" || !back.ReturnedAt.Equal(a.clock.Now()) {
		t.Fatalf("return: HTTP %d %s", r.status, r.body)
	}
	if r := a.staffDo("POST", v.Links.Self+"/return", "", "", docAccepts); r.status != http.StatusConflict || cardProblem(t, r).Type != ProblemTypeBase+"card-returned" {
		t.Fatalf("second return: HTTP %d %s, want 409 card-returned", r.status, r.body)
	}
	if r := a.staffDo("POST", v.Links.Scans, "application/json", scanJSON, docAccepts); r.status != http.StatusAccepted {
		t.Fatalf("first scan of a returned card: HTTP %d %s", r.status, r.body)
	}
	r = a.staffDo("POST", v.Links.Scans, "application/json", scanJSON, docAccepts)
	if p := cardProblem(t, r); r.status != http.StatusConflict || p.Type != ProblemTypeBase+"card-closed" || !strings.Contains(p.Detail, v.ID) {
		t.Fatalf("second scan of a returned card: HTTP %d %s, want 409 card-closed", r.status, r.body)
	}
}

func TestCardLogFiltersByDateRoomAndStatus(t *testing.T) {
	a := newAPI(t)
	first := a.issueCard(cardBody) // 2026-06-01 09:00
	a.clock.Advance(24 * time.Hour)
	second := a.issueCard(`{"room":"B01","unit":"另一单位","salutation":"赵总"}`)
	a.staffDo("POST", second.Links.Self+"/return", "", "", docAccepts)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{first.ID, second.ID}},
		{"?from=2026-06-02", []string{second.ID}},
		{"?to=2026-06-01", []string{first.ID}},
		{"?from=2026-06-01T08:00:00%2B08:00&to=2026-06-01T18:00:00%2B08:00", []string{first.ID}},
		{"?room=A08", []string{first.ID}},
		{"?status=outstanding", []string{first.ID}},
		{"?status=returned", []string{second.ID}},
	}
	for _, tt := range tests {
		r := a.staffDo("GET", "/v1/cards"+tt.query, "", "", docAccepts)
		var list CardList
		json.Unmarshal(r.body, &list)
		var got []string
		for _, c := range list.Cards {
			got = append(got, c.ID)
		}
		if r.status != 200 || !slices.Equal(got, tt.want) {
			t.Errorf("GET /v1/cards%s: HTTP %d %v, want %v", tt.query, r.status, got, tt.want)
		}
	}
	r := a.staffDo("GET", "/v1/cards?limit=1", "", "", docAccepts)
	var page CardList
	json.Unmarshal(r.body, &page)
	if len(page.Cards) != 1 || page.Next == "" {
		t.Fatalf("first page of one: %s", r.body)
	}
	r = a.staffDo("GET", "/v1/cards?limit=1&cursor="+page.Next, "", "", docAccepts)
	json.Unmarshal(r.body, &page)
	if len(page.Cards) != 1 || page.Cards[0].ID != second.ID {
		t.Fatalf("second page: %s", r.body)
	}
	r = a.staffDo("GET", "/v1/cards?from=yesterday&status=lost&limit=0", "", "", docRejects)
	if got := errorCodes(cardProblem(t, r)); r.status != 400 || !slices.Equal(got, []string{"from:date_format", "limit:out_of_range", "status:not_allowed"}) {
		t.Fatalf("bad query: HTTP %d %v", r.status, got)
	}
}
