/*
 * The new-festival form: the short name for web addresses follows the name
 * as it is typed ("Fête de la Gastronomie 2027" -> fete-de-la-gastronomie-2027)
 * until the organiser types a short name of their own. The same rules as
 * festival/festivals/slugs.py, which also fills an empty short name on the
 * server (so the form works without JavaScript too). No inline script: the
 * CSP is script-src 'self'.
 */
(function () {
  "use strict";

  var slug = document.querySelector("input[data-slug-from]");
  if (!slug) { return; }
  var name = document.getElementById(slug.getAttribute("data-slug-from"));
  if (!name) { return; }

  var MAX_LENGTH = 64;
  // Latin letters that Unicode does not decompose into a letter and an accent.
  var LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i" };

  function slugFromName(text) {
    var folded = text.toLowerCase().replace(/[ßæœøđðłþı]/g, function (ch) { return LETTERS[ch]; });
    var words = folded.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").match(/[a-z0-9]+/g) || [];
    var result = "";
    for (var i = 0; i < words.length; i++) {
      var longer = result ? result + "-" + words[i] : words[i];
      if (longer.length > MAX_LENGTH) { break; }
      result = longer;
    }
    return result || (words.length ? words[0].slice(0, MAX_LENGTH) : "");
  }

  // Untouched: empty, or still what the name suggests (after the server sent
  // the form back with an error, say).
  var following = slug.value === "" || slug.value === slugFromName(name.value);

  name.addEventListener("input", function () {
    if (following) { slug.value = slugFromName(name.value); }
  });
  slug.addEventListener("input", function () {
    // Emptying the field hands it back to the name.
    following = slug.value === "";
  });
}());
