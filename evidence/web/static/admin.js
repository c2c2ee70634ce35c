// The dashboard: while a build runs, show its progress, then reload to show the new dossiers.
"use strict";
(function () {
  const status = document.getElementById("build-status");
  if (!status || status.dataset.running !== "yes") return;
  const poll = async () => {
    const response = await fetch("/admin/build", { headers: { "Accept": "application/json" } });
    const data = await response.json();
    status.textContent = data.text;
    if (data.running) setTimeout(poll, 1000); else window.location.reload();
  };
  poll();
})();
