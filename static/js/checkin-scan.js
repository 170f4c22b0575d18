/*
 * The check-in scanner: reads QR codes from the phone's camera and checks
 * each delegate in with a POST (CSRF token from <meta name="csrf-token">).
 *
 * Uses the BarcodeDetector API where the browser has it (Chrome, Android),
 * else the vendored pure-JS decoder jsQR (static/vendor/jsqr/), loaded only
 * then. Without JavaScript, or without a camera, the page's typed-code form
 * does the same job. No inline script anywhere: the CSP is script-src 'self'.
 * On the door app's page (data-offline), a code read is handed to door.js
 * as a "door:code" event instead: it is checked on the device.
 */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }

  var video = document.getElementById("scanner-video");
  var toggle = document.getElementById("scanner-toggle");
  var statusLine = document.getElementById("scanner-status");
  var result = document.getElementById("scanner-result");
  var log = document.getElementById("scanner-log");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var endpoint = root.dataset.endpoint;

  var SAME_CODE_PAUSE_MS = 4000; // a badge held in front of the camera is one scan
  var FRAME_INTERVAL_MS = 150;   // decoding every frame would drain the battery
  var MAX_DECODE_SIDE = 720;     // jsQR is fast enough on a downscaled frame

  var stream = null;
  var detector = null;
  var canvas = null;
  var context = null;
  var running = false;
  var busy = false;
  var lastCode = "";
  var lastCodeAt = 0;
  var timer = null;

  function message(name, values) {
    var text = root.dataset[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  function say(text) { statusLine.textContent = text; }

  root.hidden = false;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.isSecureContext) {
    toggle.hidden = true;
    video.parentNode.hidden = true;
    say(message("msgNoCamera"));
    return;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function makeDecoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") !== -1) {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return;
        }
        return loadScript(root.dataset.decoder);
      }).catch(function () { return loadScript(root.dataset.decoder); });
    }
    return window.jsQR ? Promise.resolve() : loadScript(root.dataset.decoder);
  }

  function decodeFrame() {
    if (video.readyState < 2 || !video.videoWidth) { return Promise.resolve(null); }
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    var scale = Math.min(1, MAX_DECODE_SIDE / Math.max(video.videoWidth, video.videoHeight));
    var width = Math.round(video.videoWidth * scale);
    var height = Math.round(video.videoHeight * scale);
    if (!canvas) {
      canvas = document.createElement("canvas");
      context = canvas.getContext("2d", { willReadFrequently: true });
    }
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var found = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
    return Promise.resolve(found ? found.data : null);
  }

  function tick() {
    if (!running) { return; }
    decodeFrame().then(function (code) {
      if (code) { handle(code.trim()); }
    }).catch(function () { /* a frame that fails to decode is just skipped */ })
      .then(function () { if (running) { timer = window.setTimeout(tick, FRAME_INTERVAL_MS); } });
  }

  function send(code, confirmed) {
    var body = new FormData();
    body.append("code", code);
    if (confirmed) { body.append("confirm_early", "1"); }
    return fetch(endpoint, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenMeta ? tokenMeta.content : "", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function handle(code) {
    var now = Date.now();
    if (busy || (code === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS)) { return; }
    lastCode = code;
    lastCodeAt = now;
    if (root.dataset.offline) {
      // The door app (door.js) checks codes against the list on the device.
      document.dispatchEvent(new CustomEvent("door:code", { detail: { code: code, how: "scan" } }));
      return;
    }
    busy = true;
    say(message("msgChecking", { code: code }));
    send(code, false).then(function (data) {
      // Before the session's start the server asks first (nothing is done
      // yet): the same code again with confirm_early=1 if staff agree.
      if (data.needs_confirmation && window.confirm(data.message)) { return send(code, true); }
      return data;
    }).then(show, function () {
      show({ status: "error", label: "", message: message("msgError") });
    }).then(function () {
      busy = false;
      say(running ? message("msgReady") : "");
    });
  }

  function show(data) {
    result.hidden = false;
    result.className = "scan-result is-" + data.status;
    result.querySelector(".scan-result-label").textContent = data.label || "";
    var name = data.name ? data.name + (data.city ? " · " + data.city : "") : "";
    result.querySelector(".scan-result-name").textContent = name;
    result.querySelector(".scan-result-message").textContent = data.message || "";
    ["checked_in", "enrolled"].forEach(function (key) {
      var cell = document.querySelector('[data-count="' + key + '"]');
      if (cell && typeof data[key] === "number") { cell.textContent = String(data[key]); }
      // The word beside the number agrees with it (in French: 1 arrivé, 2 arrivés).
      var word = document.querySelector('[data-count-label="' + key + '"]');
      if (word && data.count_labels && data.count_labels[key]) {
        word.textContent = data.count_labels[key];
      }
    });
    var item = document.createElement("li");
    item.className = "is-" + data.status;
    var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    item.textContent = time + " — " + (data.message || data.label || "");
    log.insertBefore(item, log.firstChild);
    while (log.children.length > 20) { log.removeChild(log.lastChild); }
    if (navigator.vibrate) {
      var good = data.status === "checked_in" || data.status === "walk_in";
      navigator.vibrate(good ? 80 : [60, 80, 60]);
    }
  }

  function start() {
    toggle.disabled = true;
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" } },
      audio: false
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      return video.play();
    }).then(makeDecoder).then(function () {
      running = true;
      toggle.textContent = message("msgStop");
      say(message("msgReady"));
      tick();
    }).catch(function (error) {
      stop();
      say(message("msgDenied", { reason: error && error.name ? error.name : String(error) }));
    }).then(function () { toggle.disabled = false; });
  }

  function stop() {
    running = false;
    window.clearTimeout(timer);
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    toggle.textContent = message("msgStart");
  }

  toggle.addEventListener("click", function () { if (running || stream) { stop(); } else { start(); } });
  // Give the camera back when the phone locks or the tab is left.
  document.addEventListener("visibilitychange", function () { if (document.hidden) { stop(); } });
  window.addEventListener("pagehide", stop);
})();
