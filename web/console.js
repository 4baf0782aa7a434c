// The staff console: plain DOM calls against the staff API. Every value from the API reaches
// the page as text (textContent or a text node), never as markup.
"use strict";

const tokenKey = "intake.staffToken";
const $ = (id) => document.getElementById(id);

// el builds an element; string children become text nodes.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

function row(...cells) {
  return el("tr", null, ...cells.map((c) => el("td", null, c)));
}

function when(t) {
  if (!t) return "";
  const d = new Date(t);
  return isNaN(d) ? t : d.toLocaleString("zh-CN", { hour12: false });
}

// at is a time for a table cell, kept on one line.
function at(t) {
  return el("span", { className: "t" }, when(t));
}

function num(x) {
  return typeof x === "number" ? x.toFixed(2) : "";
}

// Problem is a failed call: the API's problem document, or a stand-in for a network failure.
class Problem extends Error {
  constructor(doc) {
    super(doc.title || "Error");
    this.doc = doc;
  }
}

// api calls the staff API with the token; it answers the parsed JSON, or a Blob when asked.
async function api(method, path, body, as) {
  const headers = { Authorization: "Bearer " + (sessionStorage.getItem(tokenKey) || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new Problem({ title: "The server did not answer", titleZh: "服务器没有响应", detail: String(e.message || e) });
  }
  if (!res.ok) {
    let doc;
    try {
      doc = await res.json();
    } catch {
      doc = {};
    }
    if (!doc.title) doc = { title: "HTTP " + res.status, status: res.status };
    throw new Problem(doc);
  }
  return as === "blob" ? res.blob() : res.json();
}

function showProblem(err) {
  const box = $("problem");
  const doc = err instanceof Problem ? err.doc : { title: String(err && err.message ? err.message : err) };
  box.replaceChildren(el("strong", { className: "problem-title" }, [doc.titleZh, doc.title].filter(Boolean).join(" · ")));
  if (doc.detail || doc.detailZh) {
    box.append(el("p", { className: "problem-detail" }, [doc.detailZh, doc.detail].filter(Boolean).join(" ")));
  }
  if (Array.isArray(doc.errors) && doc.errors.length) {
    box.append(el("ul", null, ...doc.errors.map((fe) =>
      el("li", null, el("code", null, fe.path || "—"), " ", fe.messageZh || "", " · ", fe.message || ""))));
  }
  if (doc.instance) box.append(el("p", null, el("small", null, "请求 · Request: " + doc.instance)));
  box.hidden = false;
  $("notice").hidden = true;
}

function notice(text) {
  $("problem").hidden = true;
  $("notice").textContent = text;
  $("notice").hidden = false;
}

function clearMessages() {
  $("problem").hidden = true;
  $("notice").hidden = true;
}

// run wraps a handler so that any failure ends in the problem box.
function run(fn) {
  return async (event) => {
    if (event && event.preventDefault) event.preventDefault();
    try {
      await fn(event);
    } catch (err) {
      showProblem(err);
    }
  };
}

// pager keeps a listing's cursor: load(true) starts over, load(false) appends the next page.
function pager(fetchPage, tbody, more, empty, render) {
  let next = "";
  return async (fresh) => {
    if (fresh) next = "";
    const page = await fetchPage(next);
    if (fresh) tbody.replaceChildren();
    for (const item of page.items) tbody.append(render(item));
    next = page.next || "";
    more.hidden = !next;
    empty.hidden = tbody.children.length > 0;
    tbody.closest("table").hidden = tbody.children.length === 0;
  };
}

// flatten turns a submission-shaped view into [path, text] pairs, lists as one line each.
function flatten(value, path, out) {
  if (value === null || value === undefined || value === "") return out;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object")) {
      if (value.length) out.push([path, value.join("; ")]);
    } else {
      value.forEach((v, i) => flatten(v, path + "[" + i + "]", out));
    }
  } else if (typeof value === "object") {
    for (const k of Object.keys(value)) flatten(value[k], path ? path + "." + k : k, out);
  } else {
    out.push([path, String(value)]);
  }
  return out;
}

function viewRows(view) {
  return flatten(view || {}, "", []).filter(([p]) => p !== "channel");
}

// --- Review queue ---

const loadReviews = pager(
  (cursor) => api("GET", "/v1/reviews?status=open&limit=50" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")),
  $("reviews-table").tBodies[0], $("reviews-more"), $("reviews-empty"),
  (r) => {
    const open = el("button", { type: "button", className: "open-review" }, "打开 · Open");
    open.addEventListener("click", run(() => openReview(r.id)));
    return row(at(r.createdAt), el("code", null, r.id), el("code", null, r.customerId),
      el("code", null, r.candidateId), num(r.explanation && r.explanation.total), open);
  },
);

let currentReview = "";

async function openReview(id) {
  const d = await api("GET", "/v1/reviews/" + encodeURIComponent(id));
  clearMessages();
  currentReview = d.review.id;
  const x = d.review.explanation || {};
  $("review-id").textContent = d.review.id;
  $("review-summary").textContent =
    "总分 · Total " + num(x.total) + " （合并线 · merge at ≥ " + num(x.upperThreshold) +
    "，审核线 · review at ≥ " + num(x.lowerThreshold) + "） · 规则 · rules v" + (x.rulesVersion || "?") +
    (x.note ? " · " + x.note : "");
  $("review-fields").tBodies[0].replaceChildren(...(x.fields || []).map((f) => {
    const tr = row(f.field, num(f.similarity), num(f.weight), f.outcome);
    tr.className = "outcome-" + f.outcome;
    return tr;
  }));
  const left = new Map(d.customer ? viewRows(d.customer.view) : []);
  const right = new Map(d.candidate ? viewRows(d.candidate.view) : []);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  $("side-customer").replaceChildren("新客户 · New customer ", el("code", null, d.review.customerId),
    d.customer ? "" : " （已不存在 · gone）");
  $("side-candidate").replaceChildren("已有客户 · Existing customer ", el("code", null, d.review.candidateId),
    d.candidate ? "" : " （已不存在 · gone）");
  $("review-sides").tBodies[0].replaceChildren(...paths.map((p) => {
    const tr = row(p, left.get(p) || "", right.get(p) || "");
    if (left.get(p) !== right.get(p)) tr.className = "differs";
    return tr;
  }));
  $("decision-note").value = "";
  $("review").hidden = false;
}

async function decide(decision) {
  const note = $("decision-note").value.trim();
  const body = note ? { decision, note } : { decision };
  const r = await api("POST", "/v1/reviews/" + encodeURIComponent(currentReview) + "/decision", body);
  $("review").hidden = true;
  await loadReviews(true);
  notice(r.status === "merged"
    ? "已合并 · Merged: " + r.customerId + " → " + r.candidateId
    : "已记录为不同客户 · Recorded as different customers: " + r.customerId + " ≠ " + r.candidateId);
}

// --- Cards ---

let issuedPrint = "";
let issuedQR = "";

async function issueCard() {
  const req = {
    room: $("card-room").value,
    unit: $("card-unit").value,
    salutation: $("card-salutation").value,
    quantity: Number($("card-quantity").value || 1),
  };
  const customerId = $("card-customer").value.trim();
  if (customerId) req.customerId = customerId;
  const card = await api("POST", "/v1/cards", req);
  const png = await api("GET", card.links.qrPng, undefined, "blob");
  if (issuedQR) URL.revokeObjectURL(issuedQR);
  issuedQR = URL.createObjectURL(png);
  $("card-qr").src = issuedQR;
  $("card-issued-id").textContent = card.id;
  $("card-issued-text").textContent = card.room + " · " + card.unit + " · " + card.salutation + " × " + card.quantity;
  issuedPrint = card.links.print;
  $("card-issued").hidden = false;
  $("card-form").reset();
  notice("已发放 · Issued " + card.id);
  await loadLog(true);
}

// printCard fetches the print page with the token and opens it from a blob: a plain link
// cannot carry the Authorization header.
async function printCard(path) {
  const tab = window.open("", "_blank");
  let page;
  try {
    page = await api("GET", path, undefined, "blob");
  } catch (err) {
    if (tab) tab.close();
    throw err;
  }
  const url = URL.createObjectURL(new Blob([page], { type: "text/html" }));
  if (tab) tab.location = url;
  else location.assign(url);
}

const loadLog = pager(
  (cursor) => {
    const q = new URLSearchParams();
    for (const [key, id] of [["status", "log-status"], ["room", "log-room"], ["from", "log-from"], ["to", "log-to"]]) {
      const v = $(id).value.trim();
      if (v) q.set(key, v);
    }
    if (cursor) q.set("cursor", cursor);
    return api("GET", "/v1/cards?" + q).then((p) => ({ items: p.cards, next: p.next }));
  },
  $("log-table").tBodies[0], $("log-more"), $("log-empty"),
  (c) => {
    const actions = el("span", { className: "actions" });
    const print = el("button", { type: "button" }, "打印 · Print");
    print.addEventListener("click", run(() => printCard(c.links.print)));
    actions.append(print);
    if (c.status === "outstanding") {
      const ret = el("button", { type: "button", className: "return-card" }, "回收 · Return");
      ret.addEventListener("click", run(async () => {
        const r = await api("POST", c.links.self + "/return", {});
        notice("已回收 · Returned " + r.id);
        await loadLog(true);
      }));
      actions.append(" ", ret);
    }
    const status = c.status === "outstanding" ? "未回收 · outstanding" : "已回收 · returned";
    const tr = row(at(c.issuedAt), c.room, c.unit, c.salutation, c.quantity, c.issuedBy,
      el("span", { className: "status" }, status),
      c.returnedAt ? el("span", null, at(c.returnedAt), " ", c.returnedBy || "") : "", (c.scans || []).length, actions);
    tr.dataset.card = c.id;
    tr.className = "card-" + c.status;
    return tr;
  },
);

// --- Customers ---

const loadDue = pager(
  (cursor) => api("GET", "/v1/customers?flag=refresh_due&limit=50" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")),
  $("due-table").tBodies[0], $("due-more"), $("due-empty"),
  (c) => {
    const link = el("a", { href: "#customers" }, c.id);
    link.addEventListener("click", run(() => { $("lookup-id").value = c.id; return lookup(); }));
    return row(link, c.kind, flagReasons(c.flagReasons), at(c.refreshDueAt), at(c.purgeDueAt), at(c.lastActivityAt));
  },
);

// The hygiene reason codes (docs/hygiene.md), as staff read them.
const reasonLabels = {
  refresh_period_elapsed: "信息久未更新 · information not updated for the grade's period",
  id_document_expiring: "证件即将到期 · identity document expiring",
  id_document_expired: "证件已过期 · identity document expired",
  mandatory_missing: "必填信息缺失 · mandatory information missing",
  prospect_inactive: "潜在客户长期无往来 · prospect inactive",
  consent_withdrawn: "已撤回同意 · consent withdrawn",
  relationship_ended: "业务关系已结束 · relationship ended",
};

function flagReasons(codes) {
  return (codes || []).map((c) => reasonLabels[c] || c).join("; ");
}

function reasons(list) {
  if (!list || !list.length) return null;
  return el("ul", { className: "reasons" }, ...list.map((r) => {
    const inputs = Object.entries(r.inputs || {}).map(([k, v]) => k + "=" + v).join(", ");
    return el("li", null, el("code", null, r.rule), r.effect ? " → " + r.effect : "", inputs ? " (" + inputs + ")" : "");
  }));
}

function scoreBlock(title, summary, why) {
  return el("div", { className: "score" }, el("h5", null, title), el("p", null, summary), why);
}

function renderScores(s) {
  if (!s) return [el("p", null, "尚未评分 · Not scored yet")];
  const out = [];
  if (s.grade) {
    out.push(scoreBlock("客户等级 · Grade", s.grade.grade + " · recency " + s.grade.recencyDays + "d · frequency " +
      s.grade.frequency + " · monetary " + s.grade.monetary, reasons(s.grade.reasons)));
  }
  if (s.kycRisk) out.push(scoreBlock("KYC 风险 · KYC risk", s.kycRisk.level, reasons(s.kycRisk.reasons)));
  if (s.man) {
    const yes = (b) => (b ? "✓" : "✗");
    out.push(scoreBlock("MAN", s.man.class + " · money " + yes(s.man.money) + " · authority " + yes(s.man.authority) +
      " · need " + yes(s.man.need) + " · " + s.man.action, reasons(s.man.reasons)));
  }
  const vip = s.vipSignals || [];
  out.push(scoreBlock("VIP 信号 · VIP signals", vip.length ? "" : "无 · none",
    vip.length ? el("ul", { className: "reasons" }, ...vip.map((v) => el("li", null, el("code", null, v.signal),
      " ", Object.entries(v.evidence || {}).map(([k, x]) => k + "=" + x).join(", ")))) : null));
  if (s.completeness) {
    const missing = s.completeness.missing || [];
    out.push(scoreBlock("完整度 · Completeness", Math.round(s.completeness.ratio * 100) + "%" +
      (missing.length ? " · 缺少 · missing: " + missing.join(", ") : ""), reasons(s.completeness.reasons)));
  }
  out.push(el("p", null, el("small", null, "规则 · rules " + s.rulesVersion + " · " + when(s.computedAt))));
  return out;
}

async function lookup() {
  const id = $("lookup-id").value.trim();
  const d = await api("GET", "/v1/customers/" + encodeURIComponent(id));
  clearMessages();
  const c = d.customer;
  $("customer-id").textContent = c.id;
  const facts = [
    ["类型 · Kind", c.kind],
    ["KYC 级 · KYC grade", c.kycGrade ? "是 · yes" : "否 · no"],
    ["标记 · Flag", c.flag ? c.flag + " (" + flagReasons(c.flagReasons) + ")" : "—"],
    ["建档 · Created", when(c.createdAt)],
    ["最近往来 · Last activity", when(c.lastActivityAt)],
    ["更新期限 · Refresh due", when(c.refreshDueAt) || "—"],
    ["删除期限 · Purge due", when(c.purgeDueAt) || "—"],
  ];
  $("customer-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  $("customer-view").tBodies[0].replaceChildren(...viewRows(d.view).map(([p, v]) => row(p, v)));
  $("customer-scores").replaceChildren(...renderScores(c.scores));
  $("customer-history").tBodies[0].replaceChildren(...(d.history || []).map((h) =>
    row(at(h.at), h.channel, h.decision, el("code", null, h.submissionId), h.amount ?? "", h.cardId || "")));
  $("customer-history-more").hidden = !d.historyNext;
  $("customer").hidden = false;
}

// --- Tabs and token ---

const loaders = { reviews: () => loadReviews(true), cards: () => loadLog(true), customers: () => loadDue(true) };

function show(tab) {
  if (!loaders[tab]) tab = "reviews";
  for (const name of Object.keys(loaders)) $(name).hidden = name !== tab;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
  clearMessages();
  if (sessionStorage.getItem(tokenKey)) run(loaders[tab])();
  else showProblem(new Problem({ title: "Paste a staff token first", titleZh: "请先粘贴员工令牌" }));
}

// forget clears what the previous token showed, so that a refused token leaves nothing behind.
function forget() {
  for (const id of ["review", "card-issued", "customer"]) $(id).hidden = true;
  for (const id of ["reviews-table", "log-table", "due-table"]) $(id).tBodies[0].replaceChildren();
}

function currentTab() {
  return location.hash.slice(1);
}

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem(tokenKey, $("token").value.trim());
  $("token").value = "";
  $("token").placeholder = "已保存 · saved";
  forget();
  show(currentTab());
});
$("token-clear").addEventListener("click", () => {
  sessionStorage.removeItem(tokenKey);
  $("token").placeholder = "eyJ...";
  forget();
  show(currentTab());
});
window.addEventListener("hashchange", () => show(currentTab()));
$("reviews-load").addEventListener("click", run(() => loadReviews(true)));
$("reviews-more").addEventListener("click", run(() => loadReviews(false)));
$("decision-form").addEventListener("submit", run((e) => decide(e.submitter.value)));
$("card-form").addEventListener("submit", run(issueCard));
$("card-print").addEventListener("click", run(() => printCard(issuedPrint)));
$("log-form").addEventListener("submit", run(() => loadLog(true)));
$("log-more").addEventListener("click", run(() => loadLog(false)));
$("due-load").addEventListener("click", run(() => loadDue(true)));
$("due-more").addEventListener("click", run(() => loadDue(false)));
$("lookup-form").addEventListener("submit", run(lookup));

if (sessionStorage.getItem(tokenKey)) $("token").placeholder = "已保存 · saved";
show(currentTab());
