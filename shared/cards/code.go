// Package cards makes and reads customer information cards: the QR code that names a card,
// its PNG and SVG renderings, the printable business-card layout, and reading a code from a scan.
package cards

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"github.com/intake-project/intake/shared/ids"
)

// Scheme prefixes the card ID in a card's QR code. The payload is a URI rather than an address
// on the API so that printed cards stay valid when the API moves; it is written in upper case
// so that the whole payload fits QR alphanumeric mode, which keeps the code at version 2
// (25×25 modules) and its modules large on a card 54 mm high.
const Scheme = "intake:card:"

// QuietZone is the white border, in modules, that readers need around a code.
const QuietZone = 4

// ErrNotCardCode: a QR code that does not name an intake card.
var ErrNotCardCode = errors.New("not an intake card code")

// Payload is the text a card's QR code carries.
func Payload(cardID string) string { return strings.ToUpper(Scheme + cardID) }

// ParsePayload returns the card ID a QR code names. Scheme and ID are read without regard to
// case; anything else is ErrNotCardCode.
func ParsePayload(text string) (string, error) {
	text = strings.TrimSpace(text)
	if len(text) <= len(Scheme) || !strings.EqualFold(text[:len(Scheme)], Scheme) {
		return "", ErrNotCardCode
	}
	id := strings.ToLower(text[len(Scheme):])
	if !ids.Valid(id) {
		return "", ErrNotCardCode
	}
	return id, nil
}

// Code is a card's QR code as a square of modules, without its quiet zone.
type Code struct {
	size int
	dark []bool
}

// Encode makes the QR code of a card at medium error correction (about 15% of the code may be
// lost), which survives a crease or a coffee ring without making the modules smaller. Every
// code is read back before it is returned: the mask the standard's penalty rules pick leaves
// about 3 codes in 1,000 that the reader misses, and such a code is made again with another
// mask, so that every card issued can be scanned.
func Encode(cardID string) (*Code, error) {
	if !ids.Valid(cardID) {
		return nil, fmt.Errorf("encode card %q: %w", cardID, ErrNotCardCode)
	}
	payload := Payload(cardID)
	masks := []any{nil, 0, 1, 2, 3, 4, 5, 6, 7} // nil: the encoder's own choice
	for _, mask := range masks {
		c, err := encode(payload, mask)
		if err != nil {
			return nil, fmt.Errorf("encode card %s: %w", cardID, err)
		}
		if text, err := ReadText(c.Image(readBackScale)); err == nil && text == payload {
			return c, nil
		}
	}
	return nil, fmt.Errorf("encode card %s: no mask gives a code that reads back", cardID)
}

// readBackScale is the pixels per module of the image an encoded code is read back from.
const readBackScale = 4

func encode(payload string, mask any) (*Code, error) {
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_M,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	if mask != nil {
		hints[gozxing.EncodeHintType_QR_MASK_PATTERN] = mask
	}
	// Asking for no size gets one pixel per module.
	m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, err
	}
	c := &Code{size: m.GetWidth(), dark: make([]bool, m.GetWidth()*m.GetHeight())}
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			c.dark[y*c.size+x] = m.Get(x, y)
		}
	}
	return c, nil
}

func (c *Code) Size() int { return c.size }

// Dark tells whether the module at column x, row y is dark.
func (c *Code) Dark(x, y int) bool { return c.dark[y*c.size+x] }

// Image draws the code with its quiet zone, scale pixels to a module.
func (c *Code) Image(scale int) *image.Gray {
	scale = max(scale, 1)
	side := (c.size + 2*QuietZone) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range c.size {
		for x := range c.size {
			if !c.Dark(x, y) {
				continue
			}
			x0, y0 := (x+QuietZone)*scale, (y+QuietZone)*scale
			for py := y0; py < y0+scale; py++ {
				for px := x0; px < x0+scale; px++ {
					img.SetGray(px, py, color.Gray{})
				}
			}
		}
	}
	return img
}

// PNG writes the code as a PNG image, scale pixels to a module.
func (c *Code) PNG(w io.Writer, scale int) error {
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, c.Image(scale)); err != nil {
		return fmt.Errorf("write QR PNG: %w", err)
	}
	return nil
}

// SVG writes the code as an SVG image: a white square and one path of dark modules in module
// units, drawn with crisp edges so that no renderer blurs the module boundaries. The width and
// height attributes give scale pixels to a module; a stylesheet may size it otherwise.
func (c *Code) SVG(w io.Writer, scale int) error {
	_, err := io.WriteString(w, c.svg(scale))
	if err != nil {
		return fmt.Errorf("write QR SVG: %w", err)
	}
	return nil
}

func (c *Code) svg(scale int) string {
	side := strconv.Itoa(c.size + 2*QuietZone)
	px := strconv.Itoa((c.size + 2*QuietZone) * max(scale, 1))
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + side + " " + side +
		`" width="` + px + `" height="` + px + `" shape-rendering="crispEdges" role="img" aria-label="QR code">`)
	b.WriteString(`<rect width="` + side + `" height="` + side + `" fill="#fff"/><path fill="#000" d="`)
	// Each horizontal run of dark modules is one rectangle of the path.
	for y := range c.size {
		for x := 0; x < c.size; {
			if !c.Dark(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < c.size && c.Dark(x+run, y) {
				run++
			}
			n := strconv.Itoa(run)
			b.WriteString("M" + strconv.Itoa(x+QuietZone) + " " + strconv.Itoa(y+QuietZone) + "h" + n + "v1h-" + n + "z")
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
