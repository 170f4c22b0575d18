/*
 * The door app: check-in that keeps working when the network drops.
 *
 * - The door list (festival.attendance.offline.door_list) is downloaded
 *   when the page opens with the network up and kept in IndexedDB, with
 *   the time it was made, for the sessions this page opened only.
 * - A scan (checkin-scan.js hands codes over as "door:code" events), a
 *   typed code or a tap on the list is checked against that copy: codes
 *   are known by a salted SHA-256 only, so an unknown code or one of a
 *   person not allowed in is refused offline just as online.
 * - Each check-in is written to IndexedDB with a UUID before it shows as
 *   done, then uploaded (automatically and on "Send now"); the server
 *   records each key once, so nothing is lost and nothing counted twice
 *   whether the page is closed, reloaded or the answer lost.
 * - Lists are wiped on sign-out, when the signed-in user changes, and once
 *   the festival is over.
 */
(function () {
  "use strict";

  var root = document.getElementById("door");
  if (!root || !window.indexedDB) { return; }

  var DB_NAME = "festival-door";
  var PAGE_CACHE = "door-pages-v1";
  var SYNC_EVERY_MS = 15000;
  var BATCH = 200;
  var data = root.dataset;
  var festival = data.festival;
  var user = data.user;
  var listKey = festival + "|" + data.sessions;
  var doorsOpenMs = Number(data.doorsOpen || 30) * 60000;

  var db = null;
  var list = null;          // the stored door list
  var byHash = {};          // code hash -> person
  var byId = {};            // person id -> person
  var others = {};          // code hashes of people allowed in none of these sessions
  var records = [];         // this festival's check-ins made on this device
  var syncing = false;

  var el = {
    fresh: document.getElementById("door-fresh"),
    network: document.getElementById("door-network"),
    waiting: document.getElementById("door-waiting"),
    send: document.getElementById("door-send"),
    session: document.getElementById("door-session"),
    counts: document.getElementById("door-counts"),
    inCount: document.getElementById("door-in"),
    result: document.getElementById("door-result"),
    form: document.getElementById("door-code-form"),
    search: document.getElementById("door-search"),
    everyone: document.getElementById("door-everyone"),
    people: document.getElementById("door-people"),
    listSection: document.getElementById("door-list-section")
  };

  function message(name, values) {
    var text = data[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // --- IndexedDB -----------------------------------------------------------

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function openDb() {
    var req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = function () {
      var upgrade = req.result;
      upgrade.createObjectStore("lists", { keyPath: "key" });
      upgrade.createObjectStore("checkins", { keyPath: "key" });
    };
    return request(req);
  }

  // Resolves once the write is on disk: only then is a check-in shown as done.
  function write(storeName, fn) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(storeName, "readwrite");
      fn(tx.objectStore(storeName));
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }

  function readAll(storeName) {
    return request(db.transaction(storeName).objectStore(storeName).getAll());
  }

  function wipeLists(keep) {
    return readAll("lists").then(function (stored) {
      var now = Date.now();
      var gone = stored.filter(function (item) {
        return !keep(item) || new Date(item.data.expires_at).getTime() < now;
      });
      if (!gone.length) { return; }
      return write("lists", function (store) {
        gone.forEach(function (item) { store.delete(item.key); });
      });
    });
  }

  // --- the list -----------------------------------------------------------

  function useList(stored) {
    list = stored ? stored.data : null;
    byHash = {}; byId = {}; others = {};
    if (!list) { return; }
    list.people.forEach(function (person) { byHash[person.h] = person; byId[person.id] = person; });
    list.others.forEach(function (hash) { others[hash] = true; });
  }

  function download() {
    return fetch(data.list, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (fresh) {
      var stored = { key: listKey, user: user, festival: festival, data: fresh };
      return write("lists", function (store) { store.put(stored); }).then(function () {
        useList(stored);
        // Uploaded check-ins are now in the list itself.
        var made = new Date(fresh.generated_at).getTime();
        var done = records.filter(function (r) { return r.state === "sent" && r.sent_at < made; });
        return write("checkins", function (store) {
          done.forEach(function (r) { store.delete(r.key); });
        }).then(function () {
          records = records.filter(function (r) { return done.indexOf(r) === -1; });
        });
      });
    });
  }

  function session() {
    var id = Number(el.session.value);
    return list ? list.sessions.filter(function (s) { return s.id === id; })[0] : null;
  }

  // Whether a record puts its person in its session (taken here, or
  // confirmed by the server, or found checked in at another door).
  function counts(r) {
    return r.state === "waiting" || r.status === "checked_in" || r.status === "walk_in" || r.status === "already";
  }

  function isIn(s, personId) {
    if (s.checked_in.indexOf(personId) !== -1) { return true; }
    return records.some(function (r) { return r.session === s.id && r.person === personId && counts(r); });
  }

  // The session's check-ins at a glance, for drawing its list: who is in
  // (by id) and each person's latest record here. Built once per drawing,
  // so a list of thousands is drawn in one pass, not one pass over every
  // record and every other person per person.
  function sessionState(s) {
    var inside = {};
    var recordOf = {};
    s.checked_in.forEach(function (id) { inside[id] = true; });
    records.forEach(function (r) {
      if (r.session !== s.id) { return; }
      if (!(r.person in recordOf)) { recordOf[r.person] = r; }
      if (counts(r)) { inside[r.person] = true; }
    });
    return { inside: inside, recordOf: recordOf };
  }

  function waitingCount() {
    return records.filter(function (r) { return r.state === "waiting"; }).length;
  }

  // --- codes --------------------------------------------------------------

  var READ_AS = { O: "0", I: "1", L: "1" };
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  function normalise(typed) {
    var text = (typed || "").replace(/[\s\-_.]+/g, "").toUpperCase().replace(/[OIL]/g, function (c) { return READ_AS[c]; });
    if (text.length !== 8) { return null; }
    for (var i = 0; i < text.length; i++) { if (ALPHABET.indexOf(text[i]) === -1) { return null; } }
    return text;
  }

  function hash(code) {
    var bytes = new TextEncoder().encode(list.salt + ":" + code);
    return crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      var binary = "";
      new Uint8Array(digest).forEach(function (b) { binary += String.fromCharCode(b); });
      return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").slice(0, 12);
    });
  }

  function uuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function byCode(typed) {
    if (!list) { show("unknown", null, message("msgNoList")); return Promise.resolve(); }
    var code = normalise(typed);
    if (!code) {
      show("unknown", null, message("msgNotACode", { code: (typed || "").trim().slice(0, 40) }));
      return Promise.resolve();
    }
    return hash(code).then(function (h) {
      var person = byHash[h];
      if (person) { return checkIn(person, "code"); }
      if (others[h]) { show("not_eligible", null, message("msgNotEligible")); return; }
      show("unknown", null, message("msgUnknownDetail", { code: code.slice(0, 4) + "-" + code.slice(4) }));
    });
  }

  function checkIn(person, how) {
    var s = session();
    if (!s) { return Promise.resolve(); }
    if (s.cancelled) { show("not_eligible", person, message("msgCancelled")); return Promise.resolve(); }
    if (s.allowed.indexOf(person.id) === -1) { show("not_eligible", person, message("msgNotEligible")); return Promise.resolve(); }
    if (isIn(s, person.id)) { show("already", person, message("msgAlready")); return Promise.resolve(); }
    if (new Date(s.starts_at).getTime() - doorsOpenMs > Date.now() &&
        !window.confirm(message("msgEarly", { title: s.title, name: person.n }))) {
      return Promise.resolve();
    }
    var walkIn = s.enrolled.indexOf(person.id) === -1;
    var record = {
      key: uuid(), festival: festival, session: s.id, person: person.id,
      at: new Date().toISOString(), how: how, state: "waiting", walk_in: walkIn
    };
    return write("checkins", function (store) { store.put(record); }).then(function () {
      records.push(record);
      show(walkIn ? "walk_in" : "checked_in", person, message(walkIn ? "msgWalkIn" : "msgCheckedIn"));
      renderPerson(person);
      soon();
    });
  }

  // --- what the page shows -----------------------------------------------

  function initials(name) {
    return (name || "").split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w[0]; }).join("").toUpperCase();
  }

  function show(status, person, text) {
    el.result.hidden = false;
    el.result.className = "scan-result is-" + status;
    var labels = { checked_in: "msgCheckedIn", walk_in: "msgWalkIn", already: "msgAlready", not_eligible: "msgNotEligible", unknown: "msgUnknown" };
    el.result.querySelector(".scan-result-label").textContent = message(labels[status]);
    el.result.querySelector(".scan-result-name").textContent = person ? person.n + " · " + person.c + (person.cc ? " " + person.cc : "") : "";
    el.result.querySelector(".door-own-name").textContent = person && person.o ? person.o : "";
    el.result.querySelector(".door-photo").textContent = person ? initials(person.n) : "";
    el.result.querySelector(".scan-result-message").textContent = text === message(labels[status]) ? "" : text;
    if (navigator.vibrate) { navigator.vibrate(status === "checked_in" || status === "walk_in" ? 80 : [60, 80, 60]); }
  }

  function renderStatus() {
    var online = navigator.onLine;
    el.network.textContent = message(online ? "msgOnline" : "msgOffline");
    el.network.className = "badge " + (online ? "is-online" : "is-offline");
    var n = waitingCount();
    el.waiting.dataset.count = String(n);
    el.waiting.textContent = message(n === 1 ? "msgWaitingOne" : "msgWaitingMany", { n: String(n) });
    if (list) {
      el.fresh.textContent = message(online ? "msgFresh" : "msgStale", { time: clock(list.generated_at) });
    } else {
      el.fresh.textContent = message("msgNoList");
    }
  }

  // One person's line in the list: who, whether in, what waits, and a
  // button to check them in.
  function drawPerson(person, state) {
    var item = document.createElement("li");
    var inNow = state.inside[person.id] === true;
    item.className = inNow ? "is-checked-in" : "";
    item.dataset.person = String(person.id);
    var photo = document.createElement("span");
    photo.className = "door-photo";
    photo.setAttribute("aria-hidden", "true");
    photo.textContent = initials(person.n);
    var who = document.createElement("span");
    who.className = "door-who";
    who.textContent = person.n + (person.o ? " · " + person.o : "") + " — " + person.c + (person.r ? " · " + person.r : "");
    item.appendChild(photo);
    item.appendChild(who);
    var pending = state.recordOf[person.id];
    if (pending && pending.state === "waiting") {
      var note = document.createElement("span");
      note.className = "door-pending";
      note.textContent = message("msgOffline");
      item.appendChild(note);
    } else if (pending && pending.status === "already" && pending.checked_in_at) {
      var elsewhere = document.createElement("span");
      elsewhere.className = "door-pending";
      elsewhere.textContent = message("msgElsewhere", { time: clock(pending.checked_in_at) });
      item.appendChild(elsewhere);
    }
    if (!inNow) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = message("msgCheckIn");
      button.setAttribute("aria-label", message("msgCheckIn") + " " + person.n);
      button.addEventListener("click", function () { checkIn(person, "list"); });
      item.appendChild(button);
    }
    return item;
  }

  // Everyone in, allowed or not (someone checked in at the desk, say).
  function renderCounts(state) {
    var inCount = Object.keys(state.inside).length;
    el.counts.dataset.checkedIn = String(inCount);
    var option = el.session.options[el.session.selectedIndex];
    if (option && option.dataset.places) { el.counts.textContent = option.dataset.places; }
    el.inCount.textContent = message(inCount === 1 ? "msgInOne" : "msgInMany", { n: String(inCount) });
  }

  function render() {
    renderStatus();
    var s = session();
    if (!s) { el.listSection.hidden = true; return; }
    el.listSection.hidden = false;
    var q = (el.search.value || "").trim().toLowerCase();
    var ids = el.everyone.checked || q ? s.allowed : s.enrolled;
    var shown = [];
    ids.forEach(function (id) {
      var person = byId[id];
      if (!person) { return; }
      if (q && (person.n + " " + (person.o || "") + " " + person.c).toLowerCase().indexOf(q) === -1) { return; }
      shown.push(person);
    });
    shown.sort(function (a, b) { return a.n < b.n ? -1 : a.n > b.n ? 1 : a.id - b.id; });
    var state = sessionState(s);
    var fragment = document.createDocumentFragment();
    shown.slice(0, 300).forEach(function (person) { fragment.appendChild(drawPerson(person, state)); });
    el.people.replaceChildren(fragment);
    renderCounts(state);
  }

  // After a check-in only that person's line changes: redrawing the whole
  // list for each badge made every scan lay out hundreds of lines again (on
  // the 600-person door of bench/door_list.py, 98 ms from scan to shown;
  // 33 ms this way).
  function renderPerson(person) {
    renderStatus();
    var s = session();
    if (!s) { return; }
    var state = sessionState(s);
    var line = el.people.querySelector('li[data-person="' + person.id + '"]');
    if (line) {
      // The button just pressed goes with the old line: the search box takes
      // the focus, where a keyboard user looks for the next person.
      var hadFocus = line.contains(document.activeElement);
      line.replaceWith(drawPerson(person, state));
      if (hadFocus) { el.search.focus(); }
    }
    renderCounts(state);
  }

  // --- upload -------------------------------------------------------------

  var timer = null;
  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(sync, 300);
  }

  function sync() {
    var waiting = records.filter(function (r) { return r.state === "waiting"; });
    if (syncing || !waiting.length) { renderStatus(); return Promise.resolve(); }
    syncing = true;
    var batch = waiting.slice(0, BATCH);
    return fetch(data.token, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (token) {
      return fetch(data.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token.token, "Accept": "application/json" },
        body: JSON.stringify({ checkins: batch.map(function (r) {
          return { key: r.key, session: r.session, person: r.person, at: r.at, how: r.how };
        }) })
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (answer) {
      var now = Date.now();
      var byKey = {};
      answer.results.forEach(function (result) { byKey[result.key] = result; });
      batch.forEach(function (r) {
        var result = byKey[r.key];
        if (!result) { return; }
        r.state = "sent"; r.status = result.status; r.checked_in_at = result.checked_in_at; r.sent_at = now;
      });
      return write("checkins", function (store) { batch.forEach(function (r) { store.put(r); }); });
    }).then(function () {
      syncing = false;
      render();
      if (waitingCount()) { soon(); }
    }, function () {
      syncing = false;  // offline, or the server is away: the next try sends them
      renderStatus();
    });
  }

  // --- wiring -------------------------------------------------------------

  function cachePage() {
    if (!window.caches || !navigator.onLine) { return; }
    window.caches.open(PAGE_CACHE).then(function (cache) { return cache.add(window.location.href); })
      .catch(function () { /* the page still works; only a reopen offline needs it */ });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(data.sw, { scope: data.scope }).catch(function () { /* not installable here */ });
  }

  function wireSignOut() {
    var forms = document.querySelectorAll('form[action$="/logout"]');
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.wiped) { return; }
        event.preventDefault();
        if (waitingCount() && !window.confirm(message("msgSignout"))) { return; }
        wipeLists(function () { return false; }).then(function () {
          return window.caches ? window.caches.delete(PAGE_CACHE) : null;
        }).catch(function () { return null; }).then(function () {
          form.dataset.wiped = "1";
          form.submit();
        });
      });
    });
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = el.form.querySelector('input[name="code"]');
    var typed = input.value;
    // Emptied at once: a scanner may type the next badge while this one is
    // still being looked up.
    input.value = "";
    byCode(typed).then(function () { input.focus(); });
  });
  document.addEventListener("door:code", function (event) { byCode(event.detail.code); });
  el.session.addEventListener("change", render);
  el.search.addEventListener("input", render);
  el.everyone.addEventListener("change", render);
  el.send.addEventListener("click", sync);
  window.addEventListener("online", function () { renderStatus(); sync(); download().then(render).catch(renderStatus); });
  window.addEventListener("offline", renderStatus);
  window.setInterval(function () { if (navigator.onLine) { sync(); } }, SYNC_EVERY_MS);
  wireSignOut();

  openDb().then(function (opened) {
    db = opened;
    // Another user's lists, and lists of a festival that is over, go.
    return wipeLists(function (item) { return item.user === user; });
  }).then(function () {
    return Promise.all([request(db.transaction("lists").objectStore("lists").get(listKey)), readAll("checkins")]);
  }).then(function (loaded) {
    useList(loaded[0]);
    records = loaded[1].filter(function (r) { return r.festival === festival; });
    render();
    if (!navigator.onLine) { return; }
    return download().then(render).catch(renderStatus).then(sync);
  }).then(function () {
    // The list is on the device (tests and bench/door_list.py wait for this).
    root.dataset.readyMs = String(Math.round(performance.now()));
    root.dataset.ready = "1";
    cachePage();
    registerWorker();
  });
})();
