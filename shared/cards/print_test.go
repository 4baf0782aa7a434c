package cards

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// -update renders the sample card in headless Chromium again: the back face the reading test
// decodes (testdata/card-back.png) and the pictures in docs/img.
var update = flag.Bool("update", false, "render the printed card again with headless Chromium")

var sample = Face{ID: cardID, Unit: "北京示例科技有限公司", Salutation: "王总", Logo: "LOGO"}

func TestWritePrintLaysOutABusinessCard(t *testing.T) {
	var buf bytes.Buffer
	f := sample
	f.Unit = `<script>alert(1)</script>示例`
	if err := WritePrint(&buf, f); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"@page { size: 85mm 54mm; margin: 0; }",
		"width: 85mm; height: 54mm;",
		"&lt;script&gt;alert(1)&lt;/script&gt;示例",
		">王总<",
		">LOGO<",
		`<div class="id">` + cardID + `</div>`,
		`shape-rendering="crispEdges"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("print page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("the unit was not escaped")
	}
	if n := strings.Count(page, "<svg"); n != 1 {
		t.Errorf("print page has %d SVG images, want the one QR code", n)
	}
	if err := WritePrint(&buf, Face{ID: "bad id"}); err == nil {
		t.Error("WritePrint of a malformed ID succeeded")
	}
}

// TestPrintedCardReads decodes the back face as Chromium renders the print page at 300 dpi,
// as it is, scaled down, and photographed with margins.
func TestPrintedCardReads(t *testing.T) {
	golden := filepath.Join("testdata", "card-back.png")
	if *update {
		renderSample(t, golden)
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	gray := toGray(back)
	tests := []struct {
		name string
		img  image.Image
	}{
		{"as printed", back},
		{"at half size", photo(t, gray, gray.Bounds().Dx()/2+40, gray.Bounds().Dy()/2+40, 0.5, 0, image.Pt(20, 20), 0)},
		{"photographed with margins, turned", jpegOf(t, photo(t, gray, 2000, 1500, 0.8, -8, image.Pt(500, 400), 25), 75)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ReadID(tt.img); err != nil || got != cardID {
				t.Fatalf("ReadID = %q, %v; want %q", got, err, cardID)
			}
		})
	}
}

// renderSample renders the sample card's print page in headless Chromium: the back face at
// 300 dpi (85 mm = 321 CSS px; 3.125 device pixels to a CSS pixel) into golden, and both faces
// as a screen shows them, with the QR code alone, into docs/img.
func renderSample(t *testing.T, golden string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := WritePrint(w, sample); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 560, chromedp.EmulateScale(3.125)), chromedp.Navigate(srv.URL)); err != nil {
		t.Fatalf("render the print page: %v", err)
	}
	back, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".back")))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 560, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	both, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	code, err := Encode(cardID)
	if err != nil {
		t.Fatal(err)
	}
	var qr bytes.Buffer
	if err := code.PNG(&qr, 10); err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join("..", "..", "docs", "img")
	for path, data := range map[string][]byte{
		golden:                             back,
		filepath.Join(docs, "card.png"):    both,
		filepath.Join(docs, "card-qr.png"): qr.Bytes(),
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
