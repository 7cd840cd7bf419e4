// Filters the index by verdict and by id/title text; works from a file:// URL, without a server.
(function () {
  var search = document.getElementById("search");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[type=checkbox]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.case"));
  var shown = document.getElementById("shown");
  function apply() {
    var text = search.value.trim().toLowerCase();
    var wanted = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var count = 0;
    rows.forEach(function (row) {
      var verdicts = row.getAttribute("data-verdicts").split(" ");
      var byVerdict = verdicts.some(function (v) { return wanted.indexOf(v) >= 0; });
      var byText = text === "" || row.getAttribute("data-text").indexOf(text) >= 0;
      row.hidden = !(byVerdict && byText);
      if (!row.hidden) count++;
    });
    shown.textContent = count + " of " + rows.length + " case(s) shown";
  }
  search.addEventListener("input", apply);
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  apply();
})();
