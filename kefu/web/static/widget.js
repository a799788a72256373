/* kefu chat widget (protocol v1, docs/chat-protocol.md). No dependencies. Embed with:
   <script src="https://desk.example/widget.js" data-kefu-token="v1.…" async></script>
   Without a token a visitor gives an email and a name. Optional: data-kefu-title, and
   data-kefu-lang (the language of the widget's queue line; default: the browser's). */
(function () {
  "use strict";
  if (window.KefuWidget) return;
  var script = document.currentScript || document.querySelector("script[src*='widget.js']");
  if (!script) return;
  var src = new URL(script.src, location.href);
  var wsUrl = new URL("ws/chat", src);
  wsUrl.protocol = src.protocol === "https:" ? "wss:" : "ws:";
  var token = script.getAttribute("data-kefu-token") || "";
  var title = script.getAttribute("data-kefu-title") || "Support";
  var ns = "kefu:" + src.host + ":";
  // The queue line, per language: {n} place in line, {range} minutes. "soon": a free agent will
  // join; "open": nobody is on shift, so no range can be given.
  var QUEUE_TEXT = {
    en: { line: "You are {n} in line · expected wait {range} min", soon: "An agent will join in a moment", open: "You are {n} in line · we will reply as soon as someone is available" },
    zh: { line: "您排在第 {n} 位 · 预计等待 {range} 分钟", soon: "客服马上就来", open: "您排在第 {n} 位 · 客服上线后会立即回复您" },
    ja: { line: "現在 {n} 番目です · 待ち時間の目安 {range} 分", soon: "まもなく担当者が対応します", open: "現在 {n} 番目です · 担当者が対応可能になり次第お返事します" },
    ko: { line: "대기 순서 {n}번 · 예상 대기 {range}분", soon: "곧 상담원이 연결됩니다", open: "대기 순서 {n}번 · 상담원이 연결되는 대로 답변드립니다" },
    es: { line: "Es el número {n} en la cola · espera estimada {range} min", soon: "Un agente se unirá en un momento", open: "Es el número {n} en la cola · le responderemos en cuanto haya alguien disponible" },
    pt: { line: "Você é o {n}º na fila · espera estimada {range} min", soon: "Um atendente vai entrar em instantes", open: "Você é o {n}º na fila · responderemos assim que alguém estiver disponível" },
    ru: { line: "Вы {n}-й в очереди · ожидание {range} мин", soon: "Оператор подключится через мгновение", open: "Вы {n}-й в очереди · ответим, как только кто-то освободится" },
    fr: { line: "Vous êtes n° {n} dans la file · attente estimée {range} min", soon: "Un conseiller arrive dans un instant", open: "Vous êtes n° {n} dans la file · nous répondrons dès que quelqu'un sera disponible" },
    de: { line: "Sie sind Nr. {n} in der Warteschlange · Wartezeit etwa {range} Min.", soon: "Gleich ist jemand für Sie da", open: "Sie sind Nr. {n} in der Warteschlange · wir antworten, sobald jemand frei ist" },
  };
  var lang = (script.getAttribute("data-kefu-lang") || navigator.language || "en").toLowerCase().split("-")[0];
  var QT = QUEUE_TEXT[lang] || QUEUE_TEXT.en;
  function ordinal(n) { // English only; the other languages' lines carry their own counter words
    if (QT !== QUEUE_TEXT.en) return String(n);
    var s = { one: "st", two: "nd", few: "rd", other: "th" };
    try { return n + s[new Intl.PluralRules("en", { type: "ordinal" }).select(n)]; } catch (e) { return String(n); }
  }
  function queueText(q) {
    if (q.wait_high_seconds === null) return QT.open.replace("{n}", ordinal(q.position));
    if (q.wait_high_seconds === 0) return QT.soon;
    var lo = Math.floor(q.wait_low_seconds / 60), hi = Math.max(Math.ceil(q.wait_high_seconds / 60), lo + 1);
    return QT.line.replace("{n}", ordinal(q.position)).replace("{range}", lo + "–" + hi);
  }
  var who = token ? "t:" + token.split(".")[1] : "v";

  function get(k) { try { return localStorage.getItem(ns + k); } catch (e) { return null; } }
  function put(k, v) {
    try { if (v == null) localStorage.removeItem(ns + k); else localStorage.setItem(ns + k, v); } catch (e) { /* private mode */ }
  }
  function newCid() {
    var b = new Uint8Array(12); crypto.getRandomValues(b);
    return "w-" + Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // ---- state (docs/chat-protocol.md, "Client state") ----
  var S = {
    ws: null, ready: false, status: "idle", stopped: "", attempt: 0, timer: 0, me: null,
    convs: {}, queue: {}, visitor: null, open: false, notice: "", typing: null, names: {},
    bucket: 20, rate: 5, burst: 20, lastHeard: 0,
  };
  var outbox = [];
  try { outbox = JSON.parse(get("outbox:" + who) || "[]"); } catch (e) { outbox = []; }
  function saveOutbox() {
    put("outbox:" + who, outbox.length ? JSON.stringify(outbox.map(function (o) {
      return { cid: o.cid, body: o.body, at: o.at, state: o.state, detail: o.detail };
    })) : null);
  }
  function conv(n) {
    return S.convs[n] || (S.convs[n] = { number: n, ticket: { number: n }, msgs: {}, seq: 0, seen: {}, read: {}, sentRead: 0 });
  }
  function isOpen(c) { return ["solved", "closed"].indexOf(c.ticket.status) < 0; }
  function current() {
    var best = null;
    Object.keys(S.convs).forEach(function (n) { var c = S.convs[n]; if (isOpen(c) && (!best || n > best.number)) best = c; });
    return best;
  }

  // ---- DOM (Shadow DOM: the host page's CSS cannot reach in) ----
  var CSS = ":host{all:initial}*{box-sizing:border-box}" +
    ".r{--a:#1f5fd6;--bg:#fff;--fg:#1b2330;--mu:#5f6b7c;--li:#eef1f6;--bd:#d9dee7;position:fixed;inset-inline-end:20px;bottom:20px;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic','Noto Sans CJK SC',sans-serif;color:var(--fg)}" +
    "@media (prefers-color-scheme:dark){.r{--bg:#181c23;--fg:#e8ecf2;--mu:#a3adbd;--li:#262c36;--bd:#343b47;--a:#4d8dff}}" +
    "button{font:inherit;cursor:pointer}:focus-visible{outline:3px solid #f0a500;outline-offset:2px}" +
    ".bub{width:58px;height:58px;border-radius:50%;border:0;background:var(--a);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center;position:relative;transition:transform .15s}" +
    ".bub:hover{transform:scale(1.06)}.bub svg{width:28px;height:28px}" +
    ".badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d93025;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}" +
    ".p{position:absolute;bottom:72px;inset-inline-end:0;width:370px;height:min(560px,calc(100vh - 110px));background:var(--bg);border:1px solid var(--bd);border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.22);display:flex;flex-direction:column;overflow:hidden;animation:in .18s ease-out}" +
    "@keyframes in{from{opacity:0;transform:translateY(10px)}}" +
    "header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--a);color:#fff}" +
    ".hd{flex:1}h2{font-size:16px;margin:0}.st{font-size:12px;opacity:.9}" +
    ".x{background:transparent;border:0;color:#fff;font-size:24px;line-height:1;width:36px;height:36px;border-radius:8px}.x:hover{background:rgba(255,255,255,.15)}" +
    ".ban{padding:8px 14px;background:#fff4d6;color:#5c4400;font-size:13px;display:flex;gap:8px;align-items:center}.ban button{margin-inline-start:auto;background:none;border:1px solid currentColor;border-radius:6px;color:inherit;padding:2px 8px;font-size:12px}" +
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}" +
    ".hi{color:var(--mu);font-size:13px;text-align:center;margin:6px 0}" +
    ".m{max-width:82%;display:flex;flex-direction:column;align-items:flex-start}.m.me{align-self:flex-end;align-items:flex-end}" +
    ".b{padding:8px 12px;border-radius:14px;background:var(--li);white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}" +
    ".me .b{background:var(--a);color:#fff}.fail .b{background:#b3261e}" +
    ".meta{font-size:11px;color:var(--mu);margin:2px 4px 0}" +
    ".q{padding:7px 14px;background:var(--li);color:var(--fg);font-size:13px;border-bottom:1px solid var(--bd)}" +
    ".ty{min-height:20px;padding:0 14px;font-size:12px;color:var(--mu);font-style:italic}" +
    "form.c{display:flex;gap:8px;padding:10px;border-top:1px solid var(--bd)}" +
    "textarea,input{font:inherit;font-weight:400;color:var(--fg);background:var(--bg);border:1px solid var(--bd);border-radius:10px;padding:9px 11px;width:100%}" +
    "textarea{flex:1;resize:none;max-height:120px}" +
    ".send{border:0;border-radius:10px;background:var(--a);color:#fff;width:44px;flex:none;display:grid;place-items:center}.send svg{width:20px;height:20px}" +
    "form.v{padding:16px 14px;display:flex;flex-direction:column;gap:10px;overflow-y:auto}form.v p{margin:0;color:var(--mu);font-size:14px}" +
    "label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600}" +
    ".go{border:0;border-radius:10px;background:var(--a);color:#fff;padding:10px;font-weight:600}.err{color:#b3261e;font-size:13px}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "[hidden]{display:none!important}" +
    "@media (max-width:480px){.r{inset-inline-end:12px;bottom:12px}.p{position:fixed;inset:0;width:auto;height:100%;border-radius:0;border:0}.open .bub{display:none}}" +
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;scroll-behavior:auto!important}}";
  var ICON = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.2-4.4A8 8 0 1 1 21 12z"/></svg>';
  var SEND = '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M3 20.5 21 12 3 3.5 3 10l12 2-12 2z"/></svg>';
  var HTML = '<div class="r" part="root">' +
    '<section class="p" id="kp" role="dialog" aria-labelledby="kt" hidden>' +
    '<header><div class="hd"><h2 id="kt"></h2><div class="st"></div></div><button type="button" class="x" aria-label="Close chat">×</button></header>' +
    '<div class="ban" role="status" hidden><span></span><button type="button">Retry now</button></div>' +
    '<div class="q" role="status" aria-live="polite" hidden></div>' +
    '<form class="v" hidden novalidate><p>Hi! Tell us who you are and we will reply here.</p>' +
    '<label>Name<input name="name" autocomplete="name" maxlength="128" required></label>' +
    '<label>Email<input name="email" type="email" autocomplete="email" maxlength="254" required></label>' +
    '<button class="go" type="submit">Start chat</button><div class="err" role="alert"></div></form>' +
    '<div class="log" role="log" aria-live="polite" aria-label="Messages" tabindex="0"><p class="hi">Hi! How can we help you today?</p></div>' +
    '<div class="ty" aria-live="polite"></div>' +
    '<form class="c"><label class="sr" for="ki">Message</label><textarea id="ki" rows="1" dir="auto" maxlength="20000" placeholder="Type your message…"></textarea>' +
    '<button class="send" type="submit" aria-label="Send message">' + SEND + "</button></form></section>" +
    '<button type="button" class="bub" aria-label="Open chat" aria-expanded="false" aria-controls="kp">' + ICON + '<span class="badge" hidden></span></button></div>';

  var host = document.createElement("div");
  host.setAttribute("data-kefu-widget", "");
  var root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    var sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet];
  } else {
    var st = document.createElement("style"); st.textContent = CSS; root.appendChild(st);
  }
  var wrap = document.createElement("div"); wrap.innerHTML = HTML; root.appendChild(wrap.firstChild);
  function $(s) { return root.querySelector(s); }
  var el = {
    r: $(".r"), panel: $(".p"), bub: $(".bub"), badge: $(".badge"), x: $(".x"), sub: $(".st"), ban: $(".ban"), banText: $(".ban span"),
    retry: $(".ban button"), queue: $(".q"), vform: $("form.v"), verr: $(".err"), log: $(".log"), ty: $(".ty"), form: $("form.c"), input: $("textarea"),
  };
  $("h2").textContent = title;
  var nodes = {};

  function fmtTime(iso) {
    var d = iso ? new Date(iso) : new Date();
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function msgNode(key) {
    var n = nodes[key];
    if (!n) {
      n = document.createElement("div"); n.className = "m";
      var b = document.createElement("div"); b.className = "b"; b.setAttribute("dir", "auto");
      var meta = document.createElement("div"); meta.className = "meta";
      n.appendChild(b); n.appendChild(meta); nodes[key] = n;
    }
    return n;
  }
  function setMsg(n, mine, body, meta, failed) {
    n.className = "m" + (mine ? " me" : "") + (failed ? " fail" : "");
    if (n.firstChild.textContent !== body) n.firstChild.textContent = body; // text only, never HTML
    n.lastChild.textContent = meta;
  }
  function render() {
    var items = [], keep = {};
    Object.keys(S.convs).forEach(function (k) {
      var c = S.convs[k];
      var top = 0;
      Object.keys(c.msgs).forEach(function (id) { var m = c.msgs[id]; if (m.direction !== "internal") { items.push([m, c]); top = Math.max(top, m.id); } });
      if (top && !isOpen(c)) items.push([{ id: top + 0.5, end: 1 }, c]);
    });
    items.sort(function (a, b) { return a[0].id - b[0].id; });
    var prev = el.log.firstChild;
    function place(key, n) {
      keep[key] = 1;
      if (prev.nextSibling !== n) el.log.insertBefore(n, prev.nextSibling);
      prev = n;
    }
    var stick = el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 60;
    items.forEach(function (it) {
      var m = it[0], c = it[1], mine = m.direction === "inbound", key = "m" + m.id;
      if (m.end) {
        var e = nodes["e" + c.number] || (nodes["e" + c.number] = document.createElement("p"));
        e.className = "hi"; e.textContent = "This chat has ended. Write again any time to start a new one.";
        return place("e" + c.number, e);
      }
      var n = msgNode(key), meta = fmtTime(m.created_at);
      if (mine) meta += " · " + ((c.read.agent || 0) >= m.id ? "read" : "sent");
      else meta = (S.names[m.author_id] || title) + " · " + meta;
      setMsg(n, mine, m.body || "", meta, false);
      place(key, n);
    });
    outbox.forEach(function (o) {
      var n = msgNode("c" + o.cid), failed = o.state === "failed";
      setMsg(n, true, o.body, failed ? "not sent: " + (o.detail || "refused") : o.wait ? "waiting to send…" : "sending…", failed);
      place("c" + o.cid, n);
    });
    Object.keys(nodes).forEach(function (k) { if (!keep[k]) { nodes[k].remove(); delete nodes[k]; } });
    if (stick) el.log.scrollTop = el.log.scrollHeight;
    var unread = 0;
    Object.keys(S.convs).forEach(function (k) {
      var c = S.convs[k];
      Object.keys(c.msgs).forEach(function (id) { if (c.msgs[id].direction === "outbound" && +id > (c.read.customer || 0)) unread++; });
    });
    el.badge.hidden = S.open || !unread;
    el.badge.textContent = unread > 9 ? "9+" : String(unread);
    el.bub.setAttribute("aria-label", S.open ? "Close chat" : unread ? "Open chat (" + unread + " unread)" : "Open chat");
    renderStatus();
  }
  function renderStatus() {
    var needForm = !token && !get("visitor") && !S.visitor;
    el.vform.hidden = !needForm;
    el.log.hidden = el.form.hidden = needForm;
    el.ty.hidden = needForm;
    var c = current(), q = c && S.queue[c.number];
    var waits = !!(q && q.waiting && c.ticket.assignee_id == null && S.ready && !needForm);
    el.queue.hidden = !waits;
    el.queue.textContent = waits ? queueText(q) : "";
    el.ty.textContent = S.typing ? S.typing + " is typing…" : "";
    var text = S.notice, retry = false;
    if (S.stopped) text = S.stopped;
    else if (!needForm && !S.ready && S.lost) {
      text = navigator.onLine === false ? "You are offline. We will reconnect when you are back." : "Connection lost. Reconnecting…";
      retry = true;
    }
    el.banText.textContent = text;
    el.retry.hidden = !retry;
    el.ban.hidden = !text;
    var hi = "We usually reply in a few minutes";
    el.sub.textContent = S.ready ? (S.me && S.me.name ? "Hi " + S.me.name + ". " : "") + hi : S.stopped ? "Unavailable" : needForm ? hi : "Connecting…";
  }
  var noticeTimer = 0;
  function notice(text, ms) {
    S.notice = text; renderStatus(); clearTimeout(noticeTimer);
    if (text) noticeTimer = setTimeout(function () { S.notice = ""; renderStatus(); }, ms || 6000);
  }

  // ---- connection ----
  function send(frame) {
    if (!S.ws || S.ws.readyState !== 1) return false;
    S.ws.send(JSON.stringify(frame)); return true;
  }
  function hello() {
    if (token) return { v: 1, type: "hello", token: token };
    var vt = get("visitor");
    if (vt) return { v: 1, type: "hello", visitor_token: vt };
    if (S.visitor) return { v: 1, type: "hello", visitor: S.visitor };
    return null;
  }
  function connect() {
    clearTimeout(S.timer);
    if (S.ws || S.stopped || !hello()) return;
    S.status = "connecting";
    var ws;
    try { ws = new WebSocket(wsUrl.href); } catch (e) { return later(); }
    S.ws = ws;
    var helloTimer = setTimeout(function () { if (S.ws === ws && !S.ready) drop(ws, 4000); }, 15000);
    ws.onopen = function () { S.lastHeard = Date.now(); ws.send(JSON.stringify(hello())); };
    ws.onmessage = function (e) {
      if (S.ws !== ws) return;
      S.lastHeard = Date.now();
      var f; try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f && f.type) handle(f);
    };
    ws.onclose = function (e) { clearTimeout(helloTimer); if (S.ws === ws) closed(e.code); };
  }
  function drop(ws, code) { if (S.ws === ws) { S.ws = null; try { ws.close(); } catch (e) { /* gone */ } closed(code); } }
  function closed(code) {
    var wasVisitorHello = !token && !get("visitor");
    S.ws = null; S.ready = false; S.status = "offline"; S.typing = null; S.lost = true;
    if (code === 4401 && !token) {
      put("visitor", null); S.visitor = null; S.attempt = 0;
      el.verr.textContent = wasVisitorHello ? "We could not start the chat. Please check your details." : "Your chat session has expired. Please tell us who you are again.";
      return render();
    }
    if (code === 4400 && wasVisitorHello) {
      S.visitor = null; el.verr.textContent = "Please check your name and email address."; return render();
    }
    if (code === 4401) S.stopped = "Your session has expired. Reload the page to continue the chat.";
    else if (code === 4403) S.stopped = "The chat is not available on this site.";
    else if (code === 4400) S.stopped = "This chat window is out of date. Reload the page to continue.";
    if (S.stopped) return render();
    later(code === 1012);
  }
  function later(soon) {
    var base = soon ? 300 : Math.min(30000, 1000 * Math.pow(2, S.attempt));
    S.attempt++;
    S.timer = setTimeout(connect, base / 2 + Math.random() * base / 2); // exponential backoff, jitter
    render();
  }
  setInterval(function () { // heartbeat; a silent connection is dropped and reopened
    if (!S.ws || !S.ready) return;
    if (Date.now() - S.lastHeard > 60000) drop(S.ws, 4000); else send({ type: "ping" });
  }, 25000);
  window.addEventListener("online", function () { if (!S.ws && S.lost) { S.attempt = 0; connect(); } });
  window.addEventListener("offline", function () { render(); });

  function handle(f) {
    var t = f.type;
    if (t === "welcome") {
      var known = Object.keys(S.convs);
      S.queue = {}; // a fresh connection is told afresh where its waiting chats stand
      S.me = f.me || null; S.ready = true; S.status = "online"; S.attempt = 0; S.lost = false;
      if (f.limits) { S.rate = f.limits.messages_per_second || 5; S.burst = S.bucket = f.limits.burst || 20; }
      if (f.visitor_token) put("visitor", f.visitor_token);
      put("active:" + who, f.conversations && f.conversations.length ? "1" : null);
      (f.conversations || []).forEach(merge);
      known.forEach(function (n) { send({ type: "resume", conversation: n, after: S.convs[n].seq }); });
      outbox.forEach(function (o) { o.inflight = false; });
      pump(); render(); markRead();
    } else if (t === "conversation") { // a chat this connection now follows, as welcome has them
      merge(f); render(); markRead();
    } else if (t === "ack") {
      var c = conv(f.conversation);
      var o = take(function (x) { return x.cid === f.cid; });
      if (o && !c.msgs[f.message_id]) c.msgs[f.message_id] = { id: f.message_id, body: o.body, direction: "inbound", created_at: new Date(o.at).toISOString() };
      if (f.body != null && c.msgs[f.message_id]) c.msgs[f.message_id].body = f.body; // stored as screened (a secret removed): show that
      if (o) adopt(o.cid, f.message_id);
      put("active:" + who, "1");
      pump(); render();
    } else if (t === "event") {
      applyEvent(f); render(); markRead();
    } else if (t === "queue_position") { // where a waiting chat stands; hidden once an agent joins
      S.queue[f.conversation] = f; renderStatus();
    } else if (t === "typing") {
      var w = f.who || {};
      if (S.me && w.kind === S.me.kind && w.id === S.me.id) return;
      if (w.kind === "agent" && w.name) S.names[w.id] = w.name;
      clearTimeout(S.typingTimer);
      S.typing = f.active ? (w.kind === "agent" && w.name) || title : null;
      if (f.active) S.typingTimer = setTimeout(function () { S.typing = null; renderStatus(); }, 8000);
      renderStatus();
    } else if (t === "error") {
      var item = f.cid && outbox.filter(function (x) { return x.cid === f.cid; })[0];
      if (f.code === "rate_limited") {
        if (item) { item.inflight = false; item.wait = Date.now() + 2000 + Math.random() * 2000; setTimeout(pump, 4100); }
        notice("You are sending messages quickly; we will send yours in a moment.", 4000);
      } else if (item) {
        item.state = "failed"; item.inflight = false; item.detail = f.detail || f.code; saveOutbox();
      } else if (f.code !== "not_found") {
        notice("Something went wrong: " + (f.detail || f.code) + ".");
      }
      render();
    }
  }
  function merge(w) {
    var c = conv(w.ticket.number);
    c.ticket = w.ticket; c.read = w.read || {}; c.sentRead = 0;
    (w.messages || []).forEach(function (m) { own(c, m, false); c.msgs[m.id] = m; });
    if (w.seq > c.seq) c.seq = w.seq;
  }
  function own(c, m, loose) { // our own message, stored before its ack arrived: adopt its bubble
    if (m.direction !== "inbound" || c.msgs[m.id]) return;
    var o = take(function (x) { return mine(m, x); }) || (loose && take(function (x) { return x.inflight && x.body === m.body; }));
    if (o) adopt(o.cid, m.id);
  }
  function mine(m, o) { var x = m.external_id || ""; return x === o.cid || x.slice(-o.cid.length - 1) === ":" + o.cid; }
  function take(pred) {
    for (var i = 0; i < outbox.length; i++) if (pred(outbox[i])) { var o = outbox.splice(i, 1)[0]; saveOutbox(); return o; }
    return null;
  }
  function adopt(cid, id) { // the pending bubble becomes the stored message's (no flicker, no re-announcement)
    var n = nodes["c" + cid];
    delete nodes["c" + cid];
    if (!n) return;
    if (nodes["m" + id]) n.remove(); else nodes["m" + id] = n;
  }
  function applyEvent(f) {
    var c = conv(f.conversation), ev = f.event || {};
    if (f.seq != null) { if (c.seen[f.seq]) return; c.seen[f.seq] = 1; if (f.seq > c.seq) c.seq = f.seq; }
    if (ev.ticket) Object.assign(c.ticket, ev.ticket);
    if (ev.changes) Object.keys(ev.changes).forEach(function (k) {
      var v = ev.changes[k]; c.ticket[k] = Array.isArray(v) && v.length === 2 ? v[1] : v;
    });
    var m = ev.message;
    if (ev.type === "message.created" && m) {
      own(c, m, true);
      c.msgs[m.id] = m;
      if (S.typing && m.direction === "outbound") S.typing = null;
    } else if (ev.type === "message.read" && ev.reader) {
      c.read[ev.reader] = Math.max(c.read[ev.reader] || 0, ev.message_id || 0);
    } else if (ev.type === "security.lookalike_warning" && ev.notice) {
      notice(ev.notice, 30000);
    }
  }

  // ---- sending: a fresh cid per message, resent with the same cid until acked ----
  var bucketAt = Date.now();
  function pump() {
    if (!S.ready) return;
    var now = Date.now();
    S.bucket = Math.min(S.burst, S.bucket + (now - bucketAt) / 1000 * S.rate); bucketAt = now;
    var first = !current(), waitMs = 0;
    for (var i = 0; i < outbox.length; i++) {
      var o = outbox[i];
      if (o.state === "failed" || o.inflight) { if (o.inflight && first) break; continue; }
      if (o.wait && o.wait > now) { waitMs = o.wait - now; break; } // keep the order
      if (S.bucket < 1) { waitMs = 1000 / S.rate; break; }
      if (!send({ type: "send", cid: o.cid, body: o.body })) break;
      S.bucket--; o.inflight = true; o.wait = 0;
      if (first) break; // the first message starts the chat; the rest follow its ack
    }
    if (waitMs) setTimeout(pump, waitMs + 50);
  }
  function submit() {
    var body = el.input.value.replace(/^\s+|\s+$/g, "");
    if (!body) return;
    outbox.push({ cid: newCid(), body: body, at: Date.now(), state: "sending" });
    saveOutbox(); el.input.value = ""; grow(); stopTyping();
    if (!S.ws) { S.attempt = 0; connect(); }
    pump(); render(); el.log.scrollTop = el.log.scrollHeight;
  }

  // ---- typing and read receipts ----
  var typingSent = 0, typingIdle = 0;
  function stopTyping() {
    clearTimeout(typingIdle);
    var c = current();
    if (typingSent && c) send({ type: "typing", conversation: c.number, active: false });
    typingSent = 0;
  }
  function typed() {
    var c = current();
    if (!c || !S.ready || !el.input.value.trim()) return stopTyping();
    if (Date.now() - typingSent > 3000 && send({ type: "typing", conversation: c.number, active: true })) typingSent = Date.now();
    clearTimeout(typingIdle); typingIdle = setTimeout(stopTyping, 4000);
  }
  function markRead() {
    if (!S.open || !S.ready || document.visibilityState !== "visible") return;
    Object.keys(S.convs).forEach(function (n) {
      var c = S.convs[n], top = 0;
      Object.keys(c.msgs).forEach(function (id) { if (c.msgs[id].direction === "outbound" && +id > top) top = +id; });
      if (top > (c.read.customer || 0) && top > c.sentRead && send({ type: "read", conversation: n, message_id: top })) c.sentRead = top;
    });
  }
  document.addEventListener("visibilitychange", markRead);

  // ---- open / close, forms ----
  function setOpen(open) {
    S.open = open;
    try { sessionStorage.setItem(ns + "open", open ? "1" : ""); } catch (e) { /* ignore */ }
    el.panel.hidden = !open;
    el.r.classList.toggle("open", open);
    el.bub.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!S.ws) { S.attempt = 0; connect(); }
      render(); el.log.scrollTop = el.log.scrollHeight; markRead();
      var f = el.vform.hidden ? el.input : el.vform.querySelector("input");
      setTimeout(function () { f.focus(); }, 0);
    } else { render(); el.bub.focus(); }
  }
  function grow() { el.input.style.height = "auto"; el.input.style.height = Math.min(el.input.scrollHeight, 120) + "px"; }
  el.bub.addEventListener("click", function () { setOpen(!S.open); });
  el.x.addEventListener("click", function () { setOpen(false); });
  el.panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.stopPropagation(); setOpen(false); } });
  el.retry.addEventListener("click", function () { S.attempt = 0; connect(); });
  el.form.addEventListener("submit", function (e) { e.preventDefault(); submit(); el.input.focus(); });
  el.input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });
  el.input.addEventListener("input", function () { grow(); typed(); });
  el.vform.addEventListener("submit", function (e) {
    e.preventDefault();
    var name = el.vform.elements.name.value.trim(), email = el.vform.elements.email.value.trim();
    if (!name || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { el.verr.textContent = "Please enter your name and a valid email address."; return; }
    el.verr.textContent = ""; S.visitor = { email: email, name: name }; S.attempt = 0;
    render(); connect(); el.input.focus();
  });

  function mount() {
    document.body.appendChild(host);
    render();
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(ns + "open") === "1"; } catch (e) { /* ignore */ }
    if (wasOpen) setOpen(true);
    else if (get("active:" + who) || outbox.length) connect(); // a chat is going on: get its news
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  window.KefuWidget = { open: function () { setOpen(true); }, close: function () { setOpen(false); } };
})();
