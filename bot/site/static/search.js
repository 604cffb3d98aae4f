// Progressive enhancement: the list is complete without this; with it, a search box filters it.
(function () {
  "use strict";
  var filter = document.getElementById("filter");
  var list = document.getElementById("orgs");
  if (!filter || !list) return;
  var query = document.getElementById("q");
  var kind = document.getElementById("kind");
  var count = document.getElementById("count");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.org"));
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[.'\u2019]/g, "")
      .replace(/[^a-z0-9]+/g, " ");
  }
  // A leading space lets each typed word match the start of a word: "our" finds "O.U.R.",
  // not every "your" and "resource".
  items.forEach(function (item) { item.dataset.folded = " " + fold(item.dataset.search || ""); });
  function apply() {
    var words = fold(query.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var match = (!kind.value || item.dataset.kind === kind.value) &&
        words.every(function (w) { return item.dataset.folded.indexOf(" " + w) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = shown === items.length ? items.length + " organizations" :
      shown + " of " + items.length + " organizations match";
  }
  query.addEventListener("input", apply);
  kind.addEventListener("change", apply);
  filter.hidden = false;
  apply();
})();
