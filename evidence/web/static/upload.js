// The victim's upload page: each file in chunks, resumable after a dropped connection (the
// server keeps what arrived; localStorage remembers the upload's id), progress per file, the
// server's verdict per file, and the checklist updated from the server's answer.
"use strict";
(function () {
  const form = document.getElementById("upload");
  const input = document.getElementById("files");
  const list = document.getElementById("progress");
  const base = form.dataset.base;
  const csrf = form.dataset.csrf;
  const chunk = parseInt(form.dataset.chunk, 10);
  const text = (key) => form.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Some in-app browsers refuse storage: uploads still work, only without resuming after a reload.
  const memory = {};
  const saved = {
    get(k) { try { return localStorage.getItem(k); } catch (e) { return memory[k] || null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch (e) { memory[k] = v; } },
    drop(k) { try { localStorage.removeItem(k); } catch (e) { delete memory[k]; } },
  };

  function row(file) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const note = document.createElement("span");
    note.className = "note";
    li.append(name, bar, note);
    list.append(li);
    return { li, bar, note };
  }

  async function call(method, url, body, type) {
    const headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    if (type) headers["Content-Type"] = type;
    const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { status: response.status, data };
  }

  // A chunk goes by XMLHttpRequest, whose upload progress moves the bar within the chunk (a
  // 4 MiB chunk takes half a minute on a weak mobile connection).
  function put(url, body, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = (e) => progress(e.loaded);
      xhr.onload = () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
        resolve({ status: xhr.status, data });
      };
      xhr.onerror = () => reject(new Error("network"));
      xhr.ontimeout = () => reject(new Error("timeout"));
      xhr.timeout = 300000;
      xhr.send(body);
    });
  }

  class Refusal extends Error {}

  // Network errors are retried (the connection of a phone comes and goes); a refusal is final.
  async function retrying(step, show) {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await step();
        if (out.status >= 500 || out.status === 429 || (out.status === 409 && out.data.code === "busy")) {
          throw new Error("retry");  // the server is busy with this very upload's last try
        }
        return out;
      } catch (e) {
        if (e instanceof Refusal || attempt >= 40) throw e;
        show();
        await sleep(Math.min(500 * 2 ** Math.min(attempt, 5), 15000));
      }
    }
  }

  async function sha256(file) {
    if (!window.crypto || !crypto.subtle || file.size > 64 * 1024 * 1024) return null;
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function send(file, ui) {
    const key = "evidence-upload:" + base + ":" + file.name + ":" + file.size + ":" + file.lastModified;
    const resuming = () => { ui.note.textContent = text("resuming"); };
    let id = saved.get(key);
    let received = 0;
    if (id) {
      const state = await retrying(() => call("GET", base + "/uploads/" + id), resuming);
      if (state.status === 200) received = state.data.received; else id = null;
    }
    if (!id) {
      const body = JSON.stringify({ name: file.name, size: file.size, sha256: await sha256(file),
                                    modified: file.lastModified });
      const started = await retrying(() => call("POST", base + "/uploads", body, "application/json"), resuming);
      if (started.status !== 201) throw new Refusal(started.data.error || text("failed"));
      id = started.data.id;
      saved.set(key, id);
    }
    ui.note.textContent = text("uploading");
    while (received < file.size) {
      const piece = file.slice(received, Math.min(received + chunk, file.size));
      const url = base + "/uploads/" + id + "?offset=" + received;
      const out = await retrying(async () => {
        try {
          return await put(url, piece, (sent) => {
            ui.bar.value = file.size ? Math.floor((100 * (received + sent)) / file.size) : 100;
          });
        } catch (e) {  // the connection dropped mid-chunk: ask where the server is
          const state = await call("GET", base + "/uploads/" + id);
          if (state.status === 200) received = state.data.received;
          throw e;
        }
      }, resuming);
      if (out.status === 200 || (out.status === 409 && out.data.code === "offset")) {
        received = out.status === 200 ? out.data.received : out.data.offset;
      } else {
        if (out.status === 404) saved.drop(key);
        throw new Refusal(out.data.error || text("failed"));
      }
      ui.bar.value = file.size ? Math.floor((100 * received) / file.size) : 100;
      ui.note.textContent = text("uploading");
    }
    const done = await retrying(() => call("POST", base + "/uploads/" + id + "/finish"), resuming);
    if (done.status === 404) saved.drop(key);
    if (done.status !== 200) throw new Refusal(done.data.error || text("failed"));
    saved.drop(key);
    ui.bar.value = 100;
    return done.data;
  }

  function verdict(ui, result) {
    const lines = result.entries.map((e) => {
      if (e.status === "accepted") return text("done");
      if (e.status === "duplicate") return text("duplicate");
      return text("rejected") + "：" + (e.name !== result.upload ? e.name + " — " : "") + e.reason;
    });
    const bad = result.entries.some((e) => e.status === "rejected");
    ui.li.className = bad ? "rejected" : "accepted";
    ui.note.textContent = Array.from(new Set(lines)).join("；");
  }

  function humanSize(n) {  // as the server writes it (server.human_size)
    const units = [["GB", 1 << 30], ["MB", 1 << 20], ["KB", 1024]];
    for (const [unit, size] of units) if (n >= size) return (n / size).toFixed(1) + " " + unit;
    return n + " B";
  }

  function refresh(status) {
    for (const item of status.checklist) {
      const li = document.querySelector('#checklist li[data-key="' + item.key + '"]');
      if (!li) continue;
      li.className = item.ok ? "ok" : item.ok === null ? "unknown" : "missing";
      li.querySelector(".mark").textContent = item.ok ? "✓" : item.ok === null ? "?" : "○";
      li.querySelector(".detail").textContent = item.detail;
    }
    const received = document.getElementById("received");
    received.replaceChildren(...status.files.map((f) => {
      const li = document.createElement("li");
      li.className = f.status;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = f.name;
      const state = document.createElement("span");
      state.className = "status";
      state.textContent = f.status_text;
      const size = document.createElement("span");
      size.className = "size";
      size.textContent = humanSize(f.size);
      li.append(name, " ", size, " ", state);
      if (f.status === "rejected" && f.reason) {
        const reason = document.createElement("span");
        reason.className = "reason";
        reason.textContent = f.reason;
        li.append(reason);
      }
      return li;
    }));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    document.body.dataset.idle = "no";
    const files = Array.from(input.files);
    input.value = "";
    for (const file of files) {
      const ui = row(file);
      try {
        const result = await send(file, ui);
        verdict(ui, result);
        refresh(result);
      } catch (e) {
        ui.li.className = "rejected";
        ui.note.textContent = text("failed") + "：" + e.message;
      }
    }
    document.body.dataset.idle = "yes";
  });
  document.body.dataset.idle = "yes";
})();
