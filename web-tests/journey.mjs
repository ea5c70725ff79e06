// The clerks' and auditors' journey through hoso's web interface, in Debian's headless
// Chromium. Usage: node journey.mjs config.json (written by hoso/tests/web_journey.rs,
// which starts the server and makes the accounts). Every step is screenshotted into
// config.out, axe-core runs on every page, and each page is measured at 1366×768 for
// horizontal overflow. Exits non-zero on the first failure; writes results.json.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const base = config.base;
mkdirSync(config.out, { recursive: true });

const results = { steps: [], axe: {}, overflow: {}, screenshots: [] };
let step = 0;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// Screenshot, accessibility and overflow of the page as it is now.
async function record(page, name, { audit = true } = {}) {
  step += 1;
  const file = join(config.out, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  results.screenshots.push(file);
  results.steps.push(name);
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
  });
  results.overflow[name] = overflow;
  check(overflow.scrollWidth <= overflow.width && overflow.wide.length === 0,
    `${name} overflows at 1366×768: ${JSON.stringify(overflow)}`);
  if (audit) {
    await page.evaluate(axeSource);
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    results.axe[name] = axe;
    const bad = axe.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(bad.length === 0, `${name}: axe found ${JSON.stringify(bad)}`);
  }
}

async function signIn(page, who) {
  await page.goto(`${base}/sign-in`);
  await page.fill("#name", who.name);
  await page.fill("#password", who.password);
  await Promise.all([page.waitForURL(`${base}/`), page.click("[data-testid=sign-in]")]);
}

const browser = await chromium.launch({
  executablePath: config.chromium || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const cspViolations = [];
function watch(page) {
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on("pageerror", (e) => cspViolations.push(`script error: ${e.message}`));
}

let evil;
try {
  const viewport = { width: 1366, height: 768 };
  const clerkContext = await browser.newContext({ viewport, locale: "vi-VN" });
  const page = await clerkContext.newPage();
  watch(page);

  // Sign in.
  const first = await page.goto(`${base}/`);
  check(page.url() === `${base}/sign-in`, `an anonymous visit lands on sign-in, not ${page.url()}`);
  const csp = first.headers()["content-security-policy"] || "";
  check(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline"), `csp: ${csp}`);
  await record(page, "sign-in");
  await page.fill("#name", config.clerk.name);
  await page.fill("#password", "not the password at all");
  const wrong = page.waitForResponse((r) => r.url() === `${base}/sign-in` && r.request().method() === "POST");
  await page.click("[data-testid=sign-in]");
  const wrongStatus = (await wrong).status();
  check(wrongStatus === 401, `a wrong password is refused with 401, not ${wrongStatus}`);
  await page.waitForSelector("[data-testid=sign-in-error]");
  await signIn(page, config.clerk);
  const cookies = await clerkContext.cookies();
  const session = cookies.find((c) => c.name === "hoso_session");
  check(session && session.httpOnly && session.sameSite === "Strict", `cookie: ${JSON.stringify(session)}`);
  await record(page, "start");

  // A new dossier with three files dropped at once.
  await page.click("[data-testid=nav-new]");
  await page.selectOption("[data-testid=procedure]", config.procedure);
  await page.fill("[data-testid=subject]", config.subject);
  const files = config.files.map((path) => ({
    name: basename(path), b64: readFileSync(path).toString("base64"),
    type: path.endsWith(".png") ? "image/png" : path.endsWith(".pdf") ? "application/pdf" : "image/jpeg",
  }));
  const transfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, files);
  await page.dispatchEvent("[data-testid=drop]", "drop", { dataTransfer: transfer });
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=picked-file]").length === n, files.length);
  await record(page, "new-dossier");
  await Promise.all([
    page.waitForURL(/\/dossiers\/HS-/, { timeout: 120_000 }),
    page.click("[data-testid=create-dossier]"),
  ]);
  const dossierUrl = page.url();
  await page.evaluate(() => { window.__notReloaded = true; });
  await record(page, "progress-started", { audit: false });
  // Every file reaches its end through server-sent events, without a reload.
  await page.waitForFunction(
    (n) => document.querySelectorAll("li.file.finished").length === n,
    files.length, { timeout: 300_000, polling: 500 });
  check(await page.evaluate(() => window.__notReloaded === true), "progress came without reloading");
  check(await page.locator("li.file.failed").count() === 0, "no file failed");
  await record(page, "progress-done");

  // Review the card of the dossier's citizen.
  const cardItem = page.locator("li.file", { hasText: basename(config.files[0]) });
  await Promise.all([page.waitForURL(/\/records\//), cardItem.locator("[data-testid=record-link]").first().click()]);
  const recordUrl = page.url();
  const recordId = recordUrl.split("/records/")[1];
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=page-image]")]
    .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 60_000 });
  check(await page.locator("rect.box").count() > 3, "the fields' boxes are drawn on the page");
  await record(page, "review");

  // Correct a field from the keyboard: focus, type, Enter, reason, Enter.
  const key = await page.evaluate((keys) => keys.find((k) => document.getElementById(`v-${k}`)), config.correct_keys);
  check(key, `one of ${config.correct_keys} is on the card`);
  await page.focus("form.field input.value");
  for (let i = 0; i < 40; i += 1) {
    if (await page.evaluate((k) => document.activeElement?.id === `v-${k}`, key)) break;
    await page.keyboard.press("Tab");
  }
  check(await page.evaluate((k) => document.activeElement?.id === `v-${k}`, key), `tabbing reached ${key}`);
  check(await page.locator(`rect.box.active[data-key="${key}"]`).count() === 1, "the field's box is highlighted");
  const cropInk = await page.evaluate(() => {
    const c = document.getElementById("crop");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink += 1;
    return ink;
  });
  check(cropInk > 100, `the crop shows the region (${cropInk} pixels)`);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(config.corrected_value);
  await page.keyboard.press("Enter");
  await page.waitForFunction((k) => document.activeElement?.id === `r-${k}`, key);
  await page.keyboard.type("sửa theo bản gốc giấy tờ");
  await page.keyboard.press("Enter");
  await page.waitForFunction((k) => document.querySelector(`[data-testid=field-${k}]`).classList.contains("corrected"), key);
  check(await page.locator(`[data-testid=field-${key}] .method`).textContent() === "manual", "the method is manual");
  await record(page, "corrected");

  // Verify.
  await page.focus("[data-testid=verify]");
  await Promise.all([page.waitForURL(recordUrl), page.keyboard.press("Enter")]);
  const status = await page.locator("[data-testid=record-status]").getAttribute("class");
  check(status === "status-verified", `verified, not ${status}`);
  check(await page.locator(`#v-${key}`).inputValue() === config.corrected_value, "the correction is kept");
  await record(page, "verified");

  // A second dossier for the same citizen: what was supplied is shown and prefilled.
  await page.goto(`${base}/dossiers/new`);
  await page.selectOption("[data-testid=procedure]", config.second_procedure);
  await page.fill("[data-testid=subject]", config.subject);
  await page.waitForSelector("[data-testid=once-only]:not([hidden])");
  const prefilled = await page.locator("[data-testid=prefilled]").evaluateAll((els) => els.map((e) => e.value));
  check(prefilled.includes(config.full_name), `prefilled ${JSON.stringify(prefilled)} holds ${config.full_name}`);
  check(prefilled.length >= 3, `at least three fields prefilled: ${prefilled.length}`);
  await record(page, "once-only");

  // Search by a name typed without tone marks; nothing personal in the URL.
  await page.click("[data-testid=nav-search]");
  await page.fill("[data-testid=search-input]", config.folded_name);
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=search-submit]")]);
  check(page.url() === `${base}/search`, `the search's url carries nothing: ${page.url()}`);
  const names = await page.locator("[data-testid=result-name]").allTextContents();
  check(names.includes(config.full_name), `"${config.folded_name}" finds ${config.full_name}: ${names}`);
  await record(page, "search");

  // English, and back.
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=lang-toggle]")]);
  check((await page.locator("html").getAttribute("lang")) === "en", "the toggle switches to English");
  check(await page.locator("h1").textContent() === "Search", "the page is in English");
  await record(page, "english");
  await Promise.all([page.waitForNavigation(), page.click("[data-testid=lang-toggle]")]);

  // A form posted from another site is refused, though the browser is signed in.
  evil = createServer((_, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><html lang="en"><body><form id="f" method="post" action="${base}/search">
      <input name="q" value="${config.subject}"></form>
      <script>document.getElementById("f").submit()</script></body></html>`);
  });
  await new Promise((ok) => evil.listen(0, "127.0.0.1", ok));
  const evilUrl = `http://127.0.0.1:${evil.address().port}/`;
  const refused = page.waitForResponse((r) => r.url() === `${base}/search` && r.request().method() === "POST");
  await page.goto(evilUrl);
  const crossSite = await refused;
  check(crossSite.status() === 403, `a cross-site post gets 403, not ${crossSite.status()}`);
  results.cross_site_status = crossSite.status();
  await page.waitForLoadState();
  await record(page, "cross-site-refused", { audit: false });
  // And a same-origin post without the session's token too.
  const tokenless = await page.request.post(`${base}/search`, { form: { q: config.subject } });
  check(tokenless.status() === 403, `a post without the csrf token gets 403, not ${tokenless.status()}`);

  // A clerk is refused the auditors' pages.
  for (const path of ["/audit", `/audit/records/${recordId}`, "/audit/access-log"]) {
    const r = await page.goto(`${base}${path}`);
    check(r.status() === 403, `clerk on ${path}: ${r.status()}`);
  }
  await record(page, "clerk-forbidden");
  await page.goto(dossierUrl);
  await Promise.all([page.waitForURL(`${base}/sign-in`), page.click("[data-testid=sign-out]")]);
  const after = await page.goto(`${base}/`);
  check(after.url() === `${base}/sign-in`, "signed out");

  // The auditor: the log's state, the record's provenance with its crops, the access log.
  const auditorContext = await browser.newContext({ viewport, locale: "vi-VN" });
  const audit = await auditorContext.newPage();
  watch(audit);
  await signIn(audit, config.auditor);
  await audit.click("[data-testid=nav-audit]");
  await audit.click("[data-testid=verify-log]");
  await audit.waitForSelector("[data-testid=verification]");
  check(await audit.locator(".ok").count() === 1, "the audit log verifies intact");
  await record(audit, "audit");
  await audit.goto(`${base}/records/${recordId}`);
  await Promise.all([audit.waitForURL(/\/audit\/records\//), audit.click("[data-testid=provenance-link]")]);
  await audit.waitForFunction(() => {
    const imgs = [...document.querySelectorAll("[data-testid=crop-image]")];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, { timeout: 60_000 });
  const sha = await audit.locator("[data-testid=original-sha256]").first().textContent();
  check(/^[0-9a-f]{64}$/.test(sha), `the original's hash is shown: ${sha}`);
  check(await audit.locator(`[data-testid=trace-${key}] .corrections li`).count() === 1, "the correction is traced");
  await record(audit, "provenance");
  const receipt = await audit.request.get(`${base}/audit/records/${recordId}/receipt`);
  check(receipt.status() === 200 && (await receipt.text()).startsWith("c2sp.org/tlog-proof@v1"), "the receipt downloads");
  await audit.goto(`${base}/audit/access-log`);
  await audit.fill("#subject", config.subject);
  await Promise.all([audit.waitForNavigation(), audit.click("[data-testid=access-submit]")]);
  check(await audit.locator("[data-testid=access-rows] tbody tr").count() >= 1, "the citizen's reads are logged");
  await record(audit, "access-log");

  check(cspViolations.length === 0, `no CSP violations or script errors: ${cspViolations}`);
  results.ok = true;
} catch (e) {
  results.ok = false;
  results.error = String(e.stack || e);
  console.error(results.error);
} finally {
  writeFileSync(join(config.out, "results.json"), JSON.stringify(results, null, 2));
  if (evil) evil.close();
  await browser.close();
}
process.exit(results.ok ? 0 : 1);
