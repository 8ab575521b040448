// Live status: refresh every status badge from the JSON API every two seconds.
// The page works without this script (reload shows the same); buttons follow on reload.
(function () {
  "use strict";
  var port = document.body.getAttribute("data-port");
  var badges = document.querySelectorAll("[data-status-of]");
  // Destructive actions ask first (a form, or a button with its own formaction).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  if (!badges.length || !window.fetch) { return; }
  function refresh() {
    fetch("/native/v1/regions/" + encodeURIComponent(location.hostname) + "/" + port,
          {headers: {"Accept": "application/json"}})
      .then(function (reply) { return reply.ok ? reply.json() : []; })
      .then(function (servers) {
        var byName = {};
        servers.forEach(function (s) { byName[s.name] = s.status; });
        badges.forEach(function (badge) {
          var status = byName[badge.getAttribute("data-status-of")];
          if (status && badge.textContent !== status) {
            badge.textContent = status;
            badge.className = "status status-" + status.toLowerCase().replace(/ /g, "-");
          }
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);
})();
