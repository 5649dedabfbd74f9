/* Regency picker, progressive: the page works without it (every regency is listed, grouped by
   province). With it, a <select data-province-select="ID"> shows only the regencies of the
   province chosen in the <select id="ID">, matched on the <optgroup> label. */
(function () {
  "use strict";
  function wire(regency) {
    var province = document.getElementById(regency.getAttribute("data-province-select"));
    if (!province) { return; }
    var groups = Array.prototype.slice.call(regency.querySelectorAll("optgroup"));
    function filter() {
      var chosen = province.options[province.selectedIndex];
      var name = chosen && chosen.value ? chosen.text : "";
      groups.forEach(function (group) {
        var show = !name || group.label === name;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = regency.options[regency.selectedIndex];
      if (selected && selected.parentNode.tagName === "OPTGROUP" && selected.parentNode.disabled) {
        regency.value = "";
      }
    }
    province.addEventListener("change", filter);
    filter();
  }
  document.querySelectorAll("select[data-province-select]").forEach(wire);
})();
