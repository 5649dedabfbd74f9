/* Payment return page, progressive: without it the buyer presses "Perbarui status". With it, the
   page asks the server for the order's state every few seconds while it waits for Stripe's
   confirmation, and reloads once the state has changed. It stops asking after ten minutes. */
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var waiting = box.getAttribute("data-status");
  var deadline = Date.now() + 10 * 60 * 1000;
  function ask() {
    if (Date.now() > deadline) { return; }
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.status && data.status !== waiting) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 3000);
        }
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 3000);
})();
