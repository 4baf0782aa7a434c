package cards

import (
	"fmt"
	"html/template"
	"io"
)

// Face is what a printed card shows: the unit and salutation on the front, the code and the
// card ID on the back.
type Face struct {
	ID         string
	Unit       string
	Salutation string
	// Logo is the text shown where the site's logo goes until a logo is configured.
	Logo string
}

// The card is a business card, 85 × 54 mm, printed as two pages: front, then back. On screen
// the two faces are shown one above the other on a grey background.
var printTmpl = template.Must(template.New("card").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>客户信息卡 {{.ID}} / Customer information card</title>
<style>
@page { size: 85mm 54mm; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #000; }
.card { position: relative; width: 85mm; height: 54mm; overflow: hidden; padding: 4mm; background: #fff; break-after: page; page-break-after: always; }
.card:last-child { break-after: auto; page-break-after: auto; }
.logo { position: absolute; left: 4mm; top: 4mm; width: 22mm; height: 10mm; border: 0.3mm dashed #888; color: #888; font-size: 7pt; display: flex; align-items: center; justify-content: center; }
.kind { position: absolute; right: 4mm; top: 5mm; font-size: 7pt; letter-spacing: 0.5mm; }
.unit { position: absolute; left: 4mm; right: 4mm; top: 21mm; font-size: 12pt; font-weight: bold; line-height: 1.25; max-height: 15mm; overflow: hidden; }
.salutation { position: absolute; left: 4mm; right: 4mm; top: 38mm; font-size: 11pt; }
.fields { position: absolute; left: 4mm; top: 4mm; width: 47mm; font-size: 6.5pt; line-height: 1.9; }
.fields p { margin: 0; border-bottom: 0.2mm solid #999; }
.qr { position: absolute; right: 3mm; top: 3mm; width: 28mm; height: 28mm; }
.qr svg { display: block; width: 28mm; height: 28mm; }
.id { position: absolute; right: 2mm; top: 32mm; width: 30mm; font-family: "DejaVu Sans Mono", monospace; font-size: 5pt; white-space: nowrap; text-align: center; word-break: break-all; }
.note { position: absolute; left: 4mm; right: 4mm; bottom: 3mm; font-size: 5.5pt; color: #444; }
@media screen {
  body { background: #ddd; padding: 8mm 0; }
  .card { margin: 0 auto 8mm; box-shadow: 0 0.5mm 2mm rgba(0,0,0,0.3); }
}
</style>
</head>
<body>
<section class="card front" aria-label="正面 / front">
<div class="logo">{{.Logo}}</div>
<div class="kind">客户信息卡</div>
<div class="unit">{{.Unit}}</div>
<div class="salutation">{{.Salutation}}</div>
</section>
<section class="card back" aria-label="背面 / back">
<div class="fields">
<p>※ 就餐档次</p>
<p>※ 消费频次</p>
<p>※ 角色　□ 经常请客　□ 经常被请</p>
<p>※ 签单　□ 是　□ 否</p>
<p>※ 消费原因</p>
</div>
<div class="qr">{{.QR}}</div>
<div class="id">{{.ID}}</div>
<div class="note">其余信息写在客户信息收集表上，连同本卡交回 · Other details on the collection form</div>
</section>
</body>
</html>
`))

// WritePrint writes the printable page of a card: front and back, each a page of 85 × 54 mm.
// The code is drawn inline, so the page prints without fetching anything.
func WritePrint(w io.Writer, f Face) error {
	code, err := Encode(f.ID)
	if err != nil {
		return err
	}
	data := struct {
		Face
		QR template.HTML
	}{f, template.HTML(code.svg(8))} // the SVG is made here from the code's modules alone
	if err := printTmpl.Execute(w, data); err != nil {
		return fmt.Errorf("write card %s: %w", f.ID, err)
	}
	return nil
}
