// hoso's one script. Pages work as plain forms without it; with it, the new-dossier
// form takes dropped files and folders and shows what the citizen already supplied,
// a dossier's files report their progress live, and review works from the keyboard.
// Text from the server is always set as textContent, never parsed as HTML.
"use strict";

const csrf = () => document.getElementById("main")?.dataset.csrf || "";

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    return body.error?.message || response.statusText;
  } catch {
    return response.statusText;
  }
}

// ---- New dossier -------------------------------------------------------------------

function newDossier(form) {
  const files = [];
  const list = document.getElementById("file-list");
  const status = document.getElementById("form-status");
  const max = Number(form.dataset.maxFiles || 20);
  const msg = form.dataset;

  function render() {
    list.replaceChildren();
    files.forEach((file, i) => {
      const item = el("li", { "data-testid": "picked-file" });
      item.append(el("span", {}, file.webkitRelativePath || file.name));
      const remove = el("button", { type: "button", class: "link" }, msg.msgRemove);
      remove.setAttribute("aria-label", `${msg.msgRemove}: ${file.name}`);
      remove.addEventListener("click", () => { files.splice(i, 1); render(); });
      item.append(remove);
      list.append(item);
    });
  }

  function add(newFiles) {
    for (const f of newFiles) {
      if (f.name.startsWith(".")) continue; // a folder's hidden files
      if (files.length >= max) { status.textContent = msg.msgTooMany; break; }
      files.push(f);
    }
    render();
  }

  // A dropped folder arrives as an entry whose files are read one directory at a time.
  async function entryFiles(entry) {
    if (entry.isFile) return [await new Promise((ok, no) => entry.file(ok, no))];
    if (!entry.isDirectory) return [];
    const reader = entry.createReader();
    const out = [];
    for (;;) {
      const batch = await new Promise((ok, no) => reader.readEntries(ok, no));
      if (!batch.length) break;
      for (const child of batch) out.push(...await entryFiles(child));
    }
    return out;
  }

  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const entries = [...e.dataTransfer.items]
      .map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry())
      .filter(Boolean);
    if (entries.length) {
      const found = [];
      for (const entry of entries) found.push(...await entryFiles(entry));
      add(found);
    } else {
      add(e.dataTransfer.files);
    }
  });
  for (const id of ["files", "folder"]) {
    const input = document.getElementById(id);
    input.addEventListener("change", () => { add(input.files); input.value = ""; });
  }

  // Once-only: the moment the id number is complete, what the registry holds.
  const subject = document.getElementById("subject_id");
  const procedure = document.getElementById("procedure_code");
  const panel = document.getElementById("once-only");
  let asked = "";
  let timer;
  // Asked once the id has stopped changing for a moment, never for a prefix being typed
  // (ten digits of a citizen's twelve are an enterprise's code), and a late answer about
  // an id no longer in the field is dropped.
  async function lookUp() {
    const id = subject.value.trim();
    const key = `${id}|${procedure.value}`;
    if (!/^(\d{12}|\d{10}(-\d{3})?)$/.test(id) || key === asked) return;
    asked = key;
    const response = await fetch("/dossiers/once-only", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ subject_id: id, procedure_code: procedure.value }),
    });
    if (`${subject.value.trim()}|${procedure.value}` !== key) return;
    if (!response.ok) { status.textContent = await errorMessage(response); return; }
    const found = await response.json();
    const known = document.getElementById("once-known");
    const missing = document.getElementById("once-missing");
    known.replaceChildren();
    missing.replaceChildren();
    found.known.forEach((k, i) => {
      const inputId = `known-${i}`;
      const row = el("div", { class: "known", "data-testid": "known-field", "data-field": k.field });
      row.append(el("label", { for: inputId }, k.label));
      row.append(el("input", { id: inputId, value: k.value, readonly: "", "data-testid": "prefilled" }));
      const note = k.verified_at ? `${msg.msgSupplied} · ${msg.msgVerified} ${k.verified_at}` : msg.msgSupplied;
      row.append(el("span", { class: "badge" }, note));
      known.append(row);
    });
    for (const label of found.missing) missing.append(el("li", {}, label));
    panel.hidden = false;
  }
  const soon = () => { clearTimeout(timer); timer = setTimeout(lookUp, 400); };
  subject.addEventListener("input", soon);
  subject.addEventListener("blur", lookUp);
  procedure.addEventListener("change", () => { asked = ""; soon(); });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!files.length) { status.textContent = msg.msgNoFiles; return; }
    const body = new FormData();
    for (const name of ["dossier_code", "procedure_code", "subject_id"]) {
      body.append(name, form.elements[name].value.trim());
    }
    for (const f of files) body.append("file", f, f.name);
    status.textContent = msg.msgUploading;
    form.querySelector("button[type=submit]").disabled = true;
    const response = await fetch("/dossiers", {
      method: "POST", headers: { "X-CSRF-Token": csrf() }, body,
    });
    if (response.ok) {
      location.assign((await response.json()).location);
    } else {
      status.textContent = await errorMessage(response);
      form.querySelector("button[type=submit]").disabled = false;
    }
  });
}

// ---- Live progress -----------------------------------------------------------------

function liveProgress(list) {
  const source = new EventSource(list.dataset.events);
  source.addEventListener("files", (e) => {
    for (const f of JSON.parse(e.data)) {
      const item = list.querySelector(`li[data-sha256="${f.sha256}"]`);
      if (!item) continue;
      for (const s of f.states) {
        const stage = item.querySelector(`[data-stage="${s.stage}"]`);
        if (stage) stage.className = `stage ${s.state}`;
      }
      item.classList.toggle("finished", f.finished);
      item.classList.toggle("failed", f.failed);
      item.querySelector(".summary").textContent = f.summary;
      const made = item.querySelector(".made");
      made.replaceChildren();
      for (const r of f.records) {
        const li = el("li");
        li.append(el("a", { href: `/records/${encodeURIComponent(r.id)}`, "data-testid": "record-link" }, r.label));
        made.append(li);
      }
    }
  });
  source.addEventListener("done", () => source.close());
  source.addEventListener("error", () => {
    // The server ends the stream when every file has finished; a dropped connection
    // reconnects by itself unless the page is done.
    if (!list.querySelector("li.file:not(.finished)")) source.close();
  });
}

// ---- Review ------------------------------------------------------------------------

function review(root) {
  const canvas = document.getElementById("crop");
  const status = document.getElementById("review-status");
  const forms = [...root.querySelectorAll("form.field")];

  function show(form) {
    root.querySelectorAll("rect.box.active").forEach((r) => r.classList.remove("active"));
    forms.forEach((f) => f.classList.remove("selected"));
    form.classList.add("selected");
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const d = form.dataset;
    if (d.page === undefined) return;
    const rect = root.querySelector(`figure[data-page-index="${d.page}"] rect[data-key="${d.key}"]`);
    if (rect) {
      rect.classList.add("active");
      rect.closest("figure").scrollIntoView({ block: "nearest" });
    }
    const img = root.querySelector(`figure[data-page-index="${d.page}"] img`);
    const draw = () => {
      const [x, y, w, h] = [d.x, d.y, d.w, d.h].map(Number);
      const pad = 0.01;
      const sx = Math.max(0, (x - pad) * img.naturalWidth);
      const sy = Math.max(0, (y - pad) * img.naturalHeight);
      const sw = Math.min(img.naturalWidth - sx, (w + 2 * pad) * img.naturalWidth);
      const sh = Math.min(img.naturalHeight - sy, (h + 2 * pad) * img.naturalHeight);
      if (sw <= 0 || sh <= 0) return;
      const scale = Math.min(canvas.width / sw, canvas.height / sh);
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(img, sx, sy, sw, sh, 0, 0, sw * scale, sh * scale);
    };
    if (img.complete && img.naturalWidth) draw(); else img.addEventListener("load", draw, { once: true });
  }

  forms.forEach((form, i) => {
    const value = form.querySelector("input.value");
    const reasonBox = form.querySelector(".reason");
    const reason = form.querySelector("input.reason-input");
    if (reasonBox) reasonBox.hidden = true;
    value.addEventListener("focus", () => show(form));
    const next = () => {
      const following = forms[i + 1]?.querySelector("input.value");
      (following || document.querySelector("[data-testid=verify]"))?.focus();
    };
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!reason) return;
      if (value.value === value.dataset.original) { next(); return; }
      if (reasonBox.hidden || !reason.value.trim()) {
        reasonBox.hidden = false;
        reason.required = true;
        reason.focus();
        status.textContent = root.dataset.msgReason;
        return;
      }
      const body = new URLSearchParams({ value: value.value, reason: reason.value });
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf(), Accept: "application/json" },
        body,
      });
      if (!response.ok) { status.textContent = await errorMessage(response); return; }
      const saved = await response.json();
      value.value = saved.value;
      value.dataset.original = saved.value;
      form.querySelector(".method").textContent = saved.method;
      form.classList.add("corrected");
      reason.value = "";
      reason.required = false;
      reasonBox.hidden = true;
      status.textContent = root.dataset.msgSaved;
      next();
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("dossier-form");
  if (form) newDossier(form);
  const list = document.querySelector("ol.files-progress[data-events]");
  if (list && list.querySelector("li.file:not(.finished)")) liveProgress(list);
  const root = document.getElementById("review");
  if (root) review(root);
});
