/* The door app's start page: registers its service worker (door_sw.js), so
 * the app can be installed and its pages open again with no network. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-sw]");
  if (!script || !("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.scope })
    .catch(function () { /* not installable here (plain HTTP): the pages still work online */ });
})();
