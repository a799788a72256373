/* kefu agent page: log in, then live chat over /ws/agent (docs/chat-protocol.md). No build step. */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var el = {};
  ["me", "me-name", "presence", "logout", "banner", "banner-text", "retry", "login-view", "login", "email",
    "password", "login-error", "desk", "queue", "queue-count", "queue-empty", "chats", "chats-count", "chats-empty",
    "chat-empty", "chat-body", "chat-title", "chat-sub", "chat-flag", "solve", "transcript", "typing", "composer", "input",
  ].forEach(function (id) { el[id.replace(/-(\w)/g, function (_, c) { return c.toUpperCase(); })] = $(id); });

  var wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/agent";
  var S = {
    csrf: "", agent: null, me: null, ws: null, ready: false, stopped: false, attempt: 0, timer: 0,
    convs: {}, queue: {}, selected: null, claiming: {}, typing: {}, notice: "", presence: "online",
    lastHeard: 0, rate: 5, burst: 20, bucket: 20, bucketAt: Date.now(),
  };
  var outbox = [], nodes = {};

  function key(k) { return "kefu-agent:" + (S.agent ? S.agent.id : 0) + ":" + k; }
  function loadOutbox() {
    try { outbox = JSON.parse(localStorage.getItem(key("outbox")) || "[]"); } catch (e) { outbox = []; }
  }
  function saveOutbox() {
    try {
      var keep = outbox.map(function (o) { return { cid: o.cid, conversation: o.conversation, body: o.body, at: o.at, state: o.state, detail: o.detail }; });
      if (keep.length) localStorage.setItem(key("outbox"), JSON.stringify(keep)); else localStorage.removeItem(key("outbox"));
    } catch (e) { /* private mode: in memory only */ }
  }
  function newCid() {
    var b = new Uint8Array(12); crypto.getRandomValues(b);
    return "a-" + Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function conv(n) {
    return S.convs[n] || (S.convs[n] = { number: n, ticket: { number: n }, msgs: {}, seq: 0, tseq: 0, seen: {}, read: {}, sentRead: 0, asked: 0 });
  }
  function mineConv(c) { return !S.me || c.ticket.assignee_id == null || c.ticket.assignee_id === S.me.id; }

  // ---- HTTP: login, session, logout, status (cookie + CSRF token) ----
  function api(method, path, body) {
    var headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && S.csrf) headers["X-CSRF-Token"] = S.csrf;
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.text().then(function (t) {
          var data = null; try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
          if (!r.ok) { var err = new Error((data && (data.detail || data.title)) || "HTTP " + r.status); err.status = r.status; throw err; }
          return data;
        });
      });
  }
  function loggedIn(data) {
    S.csrf = data.csrf_token; S.agent = data.agent; S.stopped = false;
    S.presence = data.agent.status === "away" ? "away" : "online";
    el.presence.value = el.presence.className = S.presence;
    el.meName.textContent = data.agent.name || data.agent.email;
    el.loginView.hidden = true; el.desk.hidden = false; el.me.hidden = false;
    loadOutbox(); render(); connect();
  }
  function showLogin(message) {
    S.stopped = true; S.csrf = ""; S.agent = null; S.me = null; S.convs = {}; S.queue = {}; S.selected = null;
    outbox = []; nodes = {}; el.transcript.textContent = "";
    if (S.ws) { var ws = S.ws; S.ws = null; ws.close(); }
    clearTimeout(S.timer);
    el.desk.hidden = true; el.me.hidden = true; el.loginView.hidden = false;
    el.loginError.textContent = message || "";
    renderBanner(); el.email.focus();
  }
  el.login.addEventListener("submit", function (e) {
    e.preventDefault();
    var btn = el.login.querySelector("button");
    btn.disabled = true; el.loginError.textContent = "";
    api("POST", "/api/v1/auth/login", { email: el.email.value.trim(), password: el.password.value })
      .then(function (d) { el.password.value = ""; loggedIn(d); })
      .catch(function (err) { el.loginError.textContent = err.message; })
      .then(function () { btn.disabled = false; });
  });
  el.logout.addEventListener("click", function () {
    api("POST", "/api/v1/auth/logout").catch(function () { /* logged out anyway */ }).then(function () { showLogin(""); });
  });
  el.solve.addEventListener("click", function () {
    var n = S.selected; if (!n) return;
    el.solve.disabled = true;
    api("POST", "/api/v1/tickets/" + encodeURIComponent(n) + "/status", { status: "solved" })
      .then(function (t) { if (t && S.convs[n]) { Object.assign(S.convs[n].ticket, t); render(); } })
      .catch(function (err) { notice("Could not mark " + n + " solved: " + err.message); })
      .then(function () { el.solve.disabled = false; });
  });

  // ---- WebSocket ----
  function send(f) { if (!S.ws || S.ws.readyState !== 1) return false; S.ws.send(JSON.stringify(f)); return true; }
  function connect() {
    clearTimeout(S.timer);
    if (S.ws || S.stopped) return;
    var ws;
    try { ws = new WebSocket(wsUrl); } catch (e) { return later(false); }
    S.ws = ws;
    var helloTimer = setTimeout(function () { if (S.ws === ws && !S.ready) drop(ws); }, 15000);
    ws.onopen = function () { S.lastHeard = Date.now(); ws.send(JSON.stringify({ v: 1, type: "hello" })); };
    ws.onmessage = function (e) {
      if (S.ws !== ws) return;
      S.lastHeard = Date.now();
      var f; try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f && f.type) handle(f);
    };
    ws.onclose = function (e) { clearTimeout(helloTimer); if (S.ws === ws) closed(e.code); };
  }
  function drop(ws) { if (S.ws === ws) { S.ws = null; try { ws.close(); } catch (e) { /* gone */ } closed(4000); } }
  function closed(code) {
    S.ws = null; S.ready = false; S.typing = {}; S.lost = true;
    if (code === 4401) { // the session ended, or the socket raced a login: check, then retry or log in
      api("GET", "/api/v1/auth/session").then(function (d) { S.csrf = d.csrf_token; later(false); }, function () { showLogin("Your session has ended. Please log in again."); });
      return;
    }
    if (code === 4403 || code === 4400) { S.stopped = true; notice(code === 4403 ? "This page's origin is not allowed to connect." : "This page is out of date: reload it.", 1e9); return; }
    later(code === 1012);
  }
  function later(soon) {
    var base = soon ? 300 : Math.min(30000, 1000 * Math.pow(2, S.attempt));
    S.attempt++;
    S.timer = setTimeout(connect, base / 2 + Math.random() * base / 2); // exponential backoff with jitter
    render();
  }
  setInterval(function () {
    if (!S.ws || !S.ready) return;
    if (Date.now() - S.lastHeard > 60000) drop(S.ws);
    else { send({ type: "ping", active: S.active }); S.active = false; } // active: keeps presence "online"
  }, 25000);
  ["keydown", "pointerdown", "mousemove", "focus"].forEach(function (e) { window.addEventListener(e, function () { S.active = true; }, { passive: true }); });
  window.addEventListener("online", function () { if (!S.ws && !S.stopped) { S.attempt = 0; connect(); } });
  window.addEventListener("offline", function () { renderBanner(); });
  el.retry.addEventListener("click", function () { S.attempt = 0; connect(); });

  function handle(f) {
    var t = f.type, c;
    if (t === "welcome") {
      var known = Object.keys(S.convs);
      S.me = f.me; S.ready = true; S.attempt = 0; S.lost = false; S.queue = {};
      (f.queue || []).forEach(function (t) { S.queue[t.number] = t; });
      if (f.limits) { S.rate = f.limits.messages_per_second || 5; S.burst = S.bucket = f.limits.burst || 20; }
      (f.conversations || []).forEach(merge);
      known.forEach(function (n) { send({ type: "resume", conversation: n, after: S.convs[n].seq }); });
      outbox.forEach(function (o) { o.inflight = false; });
      if (!S.selected) { var first = Object.keys(S.convs).filter(function (n) { return mineConv(S.convs[n]); })[0]; if (first) S.selected = first; }
      pump(); render(); markRead();
    } else if (t === "conversation") { // a chat this connection now follows (after a claim)
      c = merge(f);
      if (S.claiming[c.number] || (!S.selected && mineConv(c))) { delete S.claiming[c.number]; delete S.queue[c.number]; S.selected = c.number; focusInput(); }
      render(); markRead();
    } else if (t === "queue") {
      var tk = f.ticket || {};
      if (f.event === "waiting") S.queue[tk.number] = tk; else delete S.queue[tk.number];
      if (f.event !== "waiting") delete S.claiming[tk.number];
      render();
    } else if (t === "event") {
      applyEvent(f); render(); markRead();
    } else if (t === "ack") {
      c = conv(f.conversation);
      var o = take(function (x) { return x.cid === f.cid; });
      if (o && !c.msgs[f.message_id]) c.msgs[f.message_id] = { id: f.message_id, body: o.body, direction: "outbound", author_kind: "agent", author_id: S.me && S.me.id, created_at: new Date(o.at).toISOString() };
      if (o) adopt(o.cid, f.message_id);
      pump(); render();
    } else if (t === "typing") {
      var w = f.who || {};
      if (S.me && w.kind === S.me.kind && w.id === S.me.id) return;
      c = conv(f.conversation);
      clearTimeout(c.typingTimer);
      S.typing[f.conversation] = f.active ? (w.name || (w.kind === "customer" ? "The customer" : "Someone")) : null;
      if (f.active) c.typingTimer = setTimeout(function () { S.typing[f.conversation] = null; renderTyping(); }, 8000);
      renderTyping();
    } else if (t === "presence") {
      if (S.me && f.agent && f.agent.id === S.me.id) { S.presence = f.status; el.presence.value = f.status; el.presence.className = f.status; }
    } else if (t === "error") {
      var item = f.cid && outbox.filter(function (x) { return x.cid === f.cid; })[0];
      if (f.code === "rate_limited") {
        if (item) { item.inflight = false; item.wait = Date.now() + 2000 + Math.random() * 2000; setTimeout(pump, 4100); }
        notice("Sending too fast; retrying in a moment.", 4000);
      } else if (item) {
        item.state = "failed"; item.inflight = false; item.detail = f.detail || f.code; saveOutbox();
      } else {
        Object.keys(S.claiming).forEach(function (n) { delete S.claiming[n]; });
        notice((f.detail || f.code) + ".");
      }
      render();
    }
  }
  function merge(w) {
    var c = conv(w.ticket.number);
    c.ticket = w.ticket; c.read = w.read || {}; c.sentRead = 0;
    (w.messages || []).forEach(function (m) { own(c, m, false); c.msgs[m.id] = m; });
    if (w.seq > c.seq) c.seq = w.seq;
    if (w.seq > c.tseq) c.tseq = w.seq;
    return c;
  }
  function own(c, m, loose) { // our own message, stored before its ack arrived: adopt its bubble
    if (m.direction !== "outbound" || c.msgs[m.id] || !S.me || m.author_id !== S.me.id) return;
    var o = take(function (x) { return mine(m, x); }) || (loose && take(function (x) { return x.inflight && x.conversation === c.number && x.body === m.body; }));
    if (o) adopt(o.cid, m.id);
  }
  function mine(m, o) { var x = m.external_id || ""; return x === o.cid || x.slice(-o.cid.length - 1) === ":" + o.cid; }
  function take(pred) {
    for (var i = 0; i < outbox.length; i++) if (pred(outbox[i])) { var o = outbox.splice(i, 1)[0]; saveOutbox(); return o; }
    return null;
  }
  function adopt(cid, id) {
    var n = nodes["c" + cid]; delete nodes["c" + cid];
    if (!n) return;
    if (nodes["m" + id]) n.remove(); else nodes["m" + id] = n;
  }
  function applyEvent(f) {
    var fresh = !S.convs[f.conversation], c = conv(f.conversation), ev = f.event || {};
    if (f.seq != null) {
      if (c.seen[f.seq]) return;
      // A gap (or a chat just picked up): ask for what is missing; replayed events fill it in.
      if (f.seq > c.seq + 1 && c.asked < f.seq) { c.asked = f.seq; send({ type: "resume", conversation: c.number, after: c.seq }); }
      c.seen[f.seq] = 1;
      if (f.seq > c.seq) c.seq = f.seq;
    }
    var newest = f.seq == null || f.seq >= c.tseq;
    if (newest) {
      if (f.seq != null) c.tseq = f.seq;
      if (ev.ticket) Object.assign(c.ticket, ev.ticket);
      if (ev.changes) Object.keys(ev.changes).forEach(function (k) {
        var v = ev.changes[k]; c.ticket[k] = Array.isArray(v) && v.length === 2 ? v[1] : v;
      });
    }
    if (S.claiming[c.number] && c.ticket.assignee_id === (S.me && S.me.id)) { delete S.claiming[c.number]; delete S.queue[c.number]; S.selected = c.number; focusInput(); }
    else if (fresh && !S.selected && mineConv(c)) S.selected = c.number;
    var m = ev.message;
    if (ev.type === "message.created" && m) {
      own(c, m, true);
      c.msgs[m.id] = m;
      if (m.direction === "inbound") S.typing[c.number] = null;
    } else if (ev.type === "message.read" && ev.reader) {
      c.read[ev.reader] = Math.max(c.read[ev.reader] || 0, ev.message_id || 0);
    } else if (ev.type === "security.lookalike_warning" && newest) {
      notice(c.number + ": the customer mentions " + (ev.findings || []).map(function (x) {
        return x.value + (x.official ? " (imitates " + x.official + ")" : "");
      }).join(", ") + ". They were warned.", 30000);
    }
  }

  // ---- sending: fresh cid per message; resent with the same cid until acked ----
  function pump() {
    if (!S.ready) return;
    var now = Date.now(), waitMs = 0;
    S.bucket = Math.min(S.burst, S.bucket + (now - S.bucketAt) / 1000 * S.rate); S.bucketAt = now;
    for (var i = 0; i < outbox.length; i++) {
      var o = outbox[i];
      if (o.state === "failed" || o.inflight) continue;
      if (o.wait && o.wait > now) { waitMs = o.wait - now; break; }
      if (S.bucket < 1) { waitMs = 1000 / S.rate; break; }
      if (!send({ type: "send", cid: o.cid, conversation: o.conversation, body: o.body })) break;
      S.bucket--; o.inflight = true; o.wait = 0;
    }
    if (waitMs) setTimeout(pump, waitMs + 50);
  }
  function submit() {
    var body = el.input.value.replace(/^\s+|\s+$/g, "");
    if (!body || !S.selected) return;
    outbox.push({ cid: newCid(), conversation: S.selected, body: body, at: Date.now(), state: "sending" });
    saveOutbox(); el.input.value = ""; stopTyping();
    pump(); render(); el.transcript.scrollTop = el.transcript.scrollHeight;
  }
  el.composer.addEventListener("submit", function (e) { e.preventDefault(); submit(); el.input.focus(); });
  el.input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });

  // ---- typing, read receipts, presence ----
  var typingSent = 0, typingConv = null, typingIdle = 0;
  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSent && typingConv) send({ type: "typing", conversation: typingConv, active: false });
    typingSent = 0; typingConv = null;
  }
  el.input.addEventListener("input", function () {
    if (!S.selected || !S.ready || !el.input.value.trim()) return stopTyping();
    if (typingConv !== S.selected) stopTyping();
    if (Date.now() - typingSent > 3000 && send({ type: "typing", conversation: S.selected, active: true })) { typingSent = Date.now(); typingConv = S.selected; }
    clearTimeout(typingIdle); typingIdle = setTimeout(stopTyping, 4000);
  });
  function markRead() {
    var c = S.selected && S.convs[S.selected];
    if (!c || !S.ready || document.visibilityState !== "visible") return;
    var top = 0;
    Object.keys(c.msgs).forEach(function (id) { if (c.msgs[id].direction === "inbound" && +id > top) top = +id; });
    if (top > (c.read.agent || 0) && top > c.sentRead && send({ type: "read", conversation: c.number, message_id: top })) c.sentRead = top;
  }
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);
  el.presence.addEventListener("change", function () {
    S.presence = el.presence.value; el.presence.className = S.presence;
    send({ type: "presence", status: S.presence });
  });

  // ---- rendering ----
  var noticeTimer = 0;
  function notice(text, ms) {
    S.notice = text; renderBanner(); clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { S.notice = ""; renderBanner(); }, ms || 6000);
  }
  function renderBanner() {
    var text = S.notice, retry = false;
    if (!S.stopped && !S.ready && S.lost) {
      text = navigator.onLine === false ? "You are offline. Reconnecting when the network is back…" : "Connection lost. Reconnecting…";
      retry = true;
    }
    el.bannerText.textContent = text; el.retry.hidden = !retry; el.banner.hidden = !text;
  }
  function renderTyping() {
    var who = S.selected && S.typing[S.selected];
    el.typing.textContent = who ? who + " is typing…" : "";
  }
  function lastId(c) { var ids = Object.keys(c.msgs).map(Number); return ids.length ? Math.max.apply(null, ids) : 0; }
  function unread(c) {
    var n = 0;
    Object.keys(c.msgs).forEach(function (id) { if (c.msgs[id].direction === "inbound" && +id > (c.read.agent || 0)) n++; });
    return n;
  }
  function tag(name, cls, text) {
    var e = document.createElement(name); if (cls) e.className = cls;
    if (text != null) e.textContent = text; // text only: never HTML from the wire
    return e;
  }
  function fmtTime(iso) {
    var d = iso ? new Date(iso) : new Date();
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function render() {
    renderBanner();
    // waiting chats
    var q = Object.keys(S.queue).sort();
    el.queue.textContent = "";
    q.forEach(function (n) {
      var t = S.queue[n], li = tag("li"), row = tag("div", "queue-item"), what = tag("div", "what");
      what.appendChild(tag("div", "num", n));
      what.appendChild(tag("div", "subj", t.subject || ""));
      var b = tag("button", "primary", S.claiming[n] ? "Picking up…" : "Pick up");
      b.type = "button"; b.disabled = !!S.claiming[n] || !S.ready;
      b.setAttribute("aria-label", "Pick up " + n);
      b.addEventListener("click", function () { if (send({ type: "claim", conversation: n })) { S.claiming[n] = 1; render(); } });
      row.appendChild(what); row.appendChild(b); li.appendChild(row); el.queue.appendChild(li);
    });
    el.queueCount.textContent = q.length; el.queueEmpty.hidden = q.length > 0;
    // my chats
    var mine = Object.keys(S.convs).filter(function (n) { return mineConv(S.convs[n]); });
    mine.sort(function (a, b) { return lastId(S.convs[b]) - lastId(S.convs[a]) || (a < b ? 1 : -1); });
    el.chats.textContent = "";
    mine.forEach(function (n) {
      var c = S.convs[n], li = tag("li"), b = tag("button", "item"), what = tag("div", "what"), u = unread(c);
      b.type = "button";
      if (n === S.selected) b.setAttribute("aria-current", "true");
      what.appendChild(tag("div", "num", n));
      what.appendChild(tag("div", "subj", c.ticket.subject || ""));
      b.appendChild(what);
      if (c.ticket.status && c.ticket.status !== "open" && c.ticket.status !== "new") b.appendChild(tag("span", "st", c.ticket.status));
      if (u && n !== S.selected) { var badge = tag("span", "unread", String(u)); badge.setAttribute("aria-label", u + " unread"); b.appendChild(badge); }
      b.addEventListener("click", function () { select(n); });
      li.appendChild(b); el.chats.appendChild(li);
    });
    el.chatsCount.textContent = mine.length; el.chatsEmpty.hidden = mine.length > 0;
    renderChat();
  }
  function select(n) {
    if (S.selected !== n) { stopTyping(); S.selected = n; nodes = {}; el.transcript.textContent = ""; }
    render(); markRead(); focusInput();
  }
  function focusInput() { setTimeout(function () { if (!el.chatBody.hidden) el.input.focus(); }, 0); }
  function renderChat() {
    var c = S.selected && S.convs[S.selected];
    el.chatEmpty.hidden = !!c; el.chatBody.hidden = !c;
    if (!c) return;
    var t = c.ticket;
    el.chatTitle.textContent = c.number + (t.subject ? " · " + t.subject : "");
    el.chatSub.textContent = [t.status || "", t.customer_id != null ? "customer #" + t.customer_id : "", t.language || ""].filter(Boolean).join(" · ");
    var secrets = (t.tags || []).filter(function (x) { return x.indexOf("secret:") === 0; }).map(function (x) { return x.slice(7).replace(/_/g, " "); });
    el.chatFlag.hidden = (t.tags || []).indexOf("security") < 0; // screening found a secret in the customer's text
    el.chatFlag.textContent = "Security: the customer shared " + (secrets.join(", ") || "a secret") + " (redacted)";
    el.solve.hidden = t.status === "solved" || t.status === "closed";
    var stick = el.transcript.scrollHeight - el.transcript.scrollTop - el.transcript.clientHeight < 80;
    var items = Object.keys(c.msgs).map(function (id) { return c.msgs[id]; }).sort(function (a, b) { return a.id - b.id; });
    var keep = {}, prev = null;
    function place(k, n) {
      keep[k] = 1;
      var want = prev ? prev.nextSibling : el.transcript.firstChild;
      if (want !== n) el.transcript.insertBefore(n, want);
      prev = n;
    }
    items.forEach(function (m) {
      var k = "m" + m.id, n = nodes[k] || (nodes[k] = msgNode());
      var note = m.direction === "internal", mine = m.direction === "outbound";
      var meta = fmtTime(m.created_at);
      if (note) meta = "internal note · " + meta;
      else if (mine) meta += " · " + ((c.read.customer || 0) >= m.id ? "read" : "sent");
      else meta = "customer · " + meta;
      fill(n, (mine ? "msg mine" : "msg") + (note ? " note" : ""), m.body || "", meta);
      place(k, n);
    });
    outbox.forEach(function (o) {
      if (o.conversation !== c.number) return;
      var k = "c" + o.cid, n = nodes[k] || (nodes[k] = msgNode()), failed = o.state === "failed";
      fill(n, "msg mine" + (failed ? " failed" : ""), o.body, failed ? "not sent: " + (o.detail || "refused") : o.wait ? "waiting to send…" : "sending…");
      place(k, n);
    });
    Object.keys(nodes).forEach(function (k) { if (!keep[k]) { nodes[k].remove(); delete nodes[k]; } });
    if (stick) el.transcript.scrollTop = el.transcript.scrollHeight;
    renderTyping();
  }
  function msgNode() {
    var n = tag("div", "msg"), b = tag("div", "body");
    b.setAttribute("dir", "auto");
    n.appendChild(b); n.appendChild(tag("div", "meta"));
    return n;
  }
  function fill(n, cls, body, meta) {
    n.className = cls;
    if (n.firstChild.textContent !== body) n.firstChild.textContent = body;
    n.lastChild.textContent = meta;
  }

  // ---- start: already logged in? ----
  api("GET", "/api/v1/auth/session").then(loggedIn, function () { showLogin(""); });
})();
