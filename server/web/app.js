// ccc explorer: plain JavaScript over the ccc serve API (no build step).
"use strict";

const $ = (id) => document.getElementById(id);
const api = "/api/v1";
const views = ["datasets", "tables", "atlas", "connectivity", "projections", "schema"];

function showError(e) { $("error").textContent = String(e && e.message || e); }
function clearError() { $("error").textContent = ""; }

async function getJSON(path) {
  // 64-bit root ids would round in JavaScript numbers: ask for them as strings
  const r = await fetch(path, { headers: { Accept: "application/json; int64=string" } });
  const body = await r.text();
  if (!r.ok) {
    let msg = body;
    try { msg = JSON.parse(body).error; } catch (_) { /* not JSON */ }
    throw new Error(r.status + ": " + msg);
  }
  return JSON.parse(body);
}

function cellText(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// renderTable draws rows (array of objects) into el; onRow(row, tr) may add behaviour.
function renderTable(el, rows, cols, onRow) {
  el.textContent = "";
  cols = cols || (rows.length ? Object.keys(rows[0]) : []);
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const c of cols) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th); }
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of cols) { const td = tr.insertCell(); td.dataset.col = c; td.textContent = cellText(r[c]); td.title = td.textContent; }
    if (onRow) onRow(r, tr);
  }
  el.appendChild(t);
  const n = document.createElement("p");
  n.className = "count";
  n.textContent = rows.length + " row(s)";
  el.appendChild(n);
}

function loaded(view) { $("view-" + view).dataset.loaded = "1"; }

// ---- datasets
async function showDatasets() {
  renderTable($("datasets"), await getJSON(api + "/datasets"));
  renderTable($("versions"), await getJSON(api + "/versions"), ["version", "dataset", "time", "message", "changed_tables", "changed_artifacts"]);
  loaded("datasets");
}

// ---- tables
const tableState = { filters: [], offset: 0 };
let tableInit = false;

async function showTables() {
  if (!tableInit) {
    tableInit = true;
    const tables = await getJSON(api + "/tables");
    const classes = [...new Set(tables.map((t) => t.class))].sort();
    const sel = $("table-class");
    for (const c of classes) sel.add(new Option(c, c));
    if (classes.includes("BrainRegion")) sel.value = "BrainRegion";
    sel.addEventListener("change", () => { tableState.filters = []; tableState.offset = 0; loadColumns().then(runTable).catch(showError); });
    $("filter-add").addEventListener("click", () => {
      const v = $("filter-val").value;
      if (v === "") return;
      tableState.filters.push([$("filter-op").value, $("filter-col").value, v]);
      tableState.offset = 0;
      $("filter-val").value = "";
      runTable().catch(showError);
    });
    $("table-form").addEventListener("submit", (e) => { e.preventDefault(); tableState.offset = 0; runTable().catch(showError); });
    $("prev").addEventListener("click", () => { tableState.offset = Math.max(0, tableState.offset - pageSize()); runTable().catch(showError); });
    $("next").addEventListener("click", () => { tableState.offset += pageSize(); runTable().catch(showError); });
    await loadColumns();
  }
  await runTable();
}

function pageSize() { return parseInt($("page-size").value, 10); }

async function loadColumns() {
  const cols = await getJSON(api + "/tables/" + encodeURIComponent($("table-class").value) + "/columns");
  const sel = $("filter-col");
  sel.textContent = "";
  for (const c of cols) sel.add(new Option(c.column, c.column));
}

function tableQuery() {
  const p = new URLSearchParams();
  for (const [op, col, v] of tableState.filters) p.append(op + "." + col, v);
  p.set("limit", String(pageSize()));
  p.set("offset", String(tableState.offset));
  return p;
}

async function runTable() {
  const cls = $("table-class").value;
  const rows = await getJSON(api + "/tables/" + encodeURIComponent(cls) + "?" + tableQuery());
  const list = $("filters");
  list.textContent = "";
  tableState.filters.forEach((f, i) => {
    const li = document.createElement("li");
    li.textContent = f[1] + " " + f[0] + " " + f[2] + " ";
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = "×";
    b.setAttribute("aria-label", "remove filter " + li.textContent);
    b.addEventListener("click", () => { tableState.filters.splice(i, 1); tableState.offset = 0; runTable().catch(showError); });
    li.appendChild(b);
    list.appendChild(li);
  });
  renderTable($("table-rows"), rows);
  $("page-info").textContent = rows.length ? "rows " + (tableState.offset + 1) + "–" + (tableState.offset + rows.length) : "no rows";
  $("prev").disabled = tableState.offset === 0;
  $("next").disabled = rows.length < pageSize();
  loaded("tables");
}

// ---- atlas
let atlasInit = false;

function regionButton(r) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "region";
  b.dataset.id = r.id;
  b.textContent = r.acronym + " — " + r.name;
  b.addEventListener("click", () => showRegion(r.id).catch(showError));
  return b;
}

function treeItem(r) {
  const li = document.createElement("li");
  li.setAttribute("role", "treeitem");
  li.dataset.id = r.id;
  const t = document.createElement("button");
  t.type = "button";
  t.className = "toggle";
  if (r.children > 0) {
    t.textContent = "▸";
    t.setAttribute("aria-expanded", "false");
    t.setAttribute("aria-label", "expand " + r.acronym);
    t.addEventListener("click", async () => {
      const open = t.getAttribute("aria-expanded") === "true";
      const sub = li.querySelector(":scope > ul");
      if (open) { sub.remove(); t.setAttribute("aria-expanded", "false"); t.textContent = "▸"; return; }
      const kids = await getJSON(api + "/atlas/regions/" + r.id + "/children");
      const ul = document.createElement("ul");
      ul.setAttribute("role", "group");
      for (const k of kids) ul.appendChild(treeItem(k));
      li.appendChild(ul);
      t.setAttribute("aria-expanded", "true");
      t.textContent = "▾";
    });
  } else {
    t.textContent = "·";
    t.disabled = true;
  }
  li.appendChild(t);
  li.appendChild(regionButton(r));
  return li;
}

async function showAtlas() {
  if (!atlasInit) {
    atlasInit = true;
    $("atlas-form").addEventListener("submit", (e) => { e.preventDefault(); atlasSearch().catch(showError); });
    const root = await getJSON(api + "/atlas/regions/root");
    $("atlas-tree").appendChild(treeItem(root[0]));
  }
  loaded("atlas");
}

async function atlasSearch() {
  const q = $("atlas-q").value.trim();
  if (!q) return;
  const hits = await getJSON(api + "/atlas/search?limit=20&q=" + encodeURIComponent(q));
  const ul = $("atlas-results");
  ul.textContent = "";
  for (const h of hits) { const li = document.createElement("li"); li.appendChild(regionButton(h)); ul.appendChild(li); }
  $("view-atlas").dataset.searched = "1";
}

async function showRegion(id) {
  const [r] = await getJSON(api + "/atlas/regions/" + id);
  const anc = await getJSON(api + "/atlas/regions/" + id + "/ancestors");
  const el = $("atlas-info");
  el.textContent = "";
  const path = document.createElement("p");
  path.id = "atlas-path";
  path.textContent = anc.map((a) => a.acronym).join(" › ");
  el.appendChild(path);
  const t = document.createElement("div");
  renderTable(t, [r], ["id", "acronym", "name", "depth", "children", "descendants", "color_hex_triplet"]);
  el.appendChild(t);
  el.dataset.id = String(id);
}

// ---- connectivity
let connInit = false;

function heat(canvas, n, m, values, max) {
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const cw = canvas.width / Math.max(m, 1), ch = canvas.height / Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = values[i][j];
      if (v === null || v === undefined || isNaN(v)) { ctx.fillStyle = "#ccc"; } else {
        const x = max > 0 ? v / max : 0;
        ctx.fillStyle = "rgb(" + Math.round(255 - 60 * x) + "," + Math.round(255 - 230 * x) + "," + Math.round(255 - 200 * x) + ")";
      }
      ctx.fillRect(j * cw, i * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }
}

async function showConnectivity() {
  if (!connInit) {
    connInit = true;
    $("conn-form").addEventListener("submit", (e) => { e.preventDefault(); neuronMatrix().catch(showError); });
    $("conn-types").addEventListener("click", () => typeMatrix().catch(showError));
    // default neurons: the ten with most outgoing synapses
    const deg = await getJSON(api + "/synapses/degree");
    deg.sort((a, b) => b.out_degree - a.out_degree || (BigInt(a.pt_root_id) < BigInt(b.pt_root_id) ? -1 : 1));
    $("conn-ids").value = deg.slice(0, 10).map((d) => d.pt_root_id).join(",");
    await neuronMatrix();
  }
  loaded("connectivity");
}

async function neuronMatrix() {
  const ids = $("conn-ids").value.replace(/\s+/g, "");
  const rows = await getJSON(api + "/synapses/matrix?value=" + $("conn-value").value + "&neurons=" + encodeURIComponent(ids));
  const cols = rows.length ? Object.keys(rows[0]).filter((k) => k !== "pre_pt_root_id") : [];
  const vals = rows.map((r) => cols.map((c) => r[c]));
  const max = Math.max(0, ...vals.flat().filter((v) => v !== null));
  heat($("heatmap"), rows.length, cols.length, vals, max);
  renderTable($("conn-table"), rows, ["pre_pt_root_id", ...cols]);
  $("conn-note").textContent = rows.length + " × " + cols.length + " neurons, " + $("conn-value").value + " (max " + max + "); rows pre, columns post";
  $("view-connectivity").dataset.mode = "neurons";
}

async function typeMatrix() {
  const rows = await getJSON(api + "/synapses/matrix?proofread=subgraph&by=cell_type");
  const pre = [...new Set(rows.map((r) => r.pre_cell_type))], post = [...new Set(rows.map((r) => r.post_cell_type))];
  const vals = pre.map((a) => post.map((b) => { const r = rows.find((x) => x.pre_cell_type === a && x.post_cell_type === b); return r ? r.connection_probability : null; }));
  heat($("heatmap"), pre.length, post.length, vals, Math.max(0, ...vals.flat().filter((v) => v !== null)));
  renderTable($("conn-table"), rows);
  $("conn-note").textContent = pre.length + " × " + post.length + " cell types, connection probability (proofread subgraph)";
  $("view-connectivity").dataset.mode = "types";
}

// ---- projections
let projInit = false;

async function showProjections() {
  if (!projInit) {
    projInit = true;
    renderTable($("matrices"), await getJSON(api + "/projections/matrices"));
    const ds = await getJSON(api + "/datasets");
    const sel = $("slice-name");
    for (const d of ds) {
      for (const a of (d.artifacts || "").split(",")) {
        if (a.startsWith("aggregate/")) sel.add(new Option(d.dataset + " / " + a.slice(10), d.dataset + "/" + a.slice(10)));
      }
    }
    $("slice-form").addEventListener("submit", (e) => { e.preventDefault(); showSlice(); });
    if (sel.options.length) showSlice();
  }
  loaded("projections");
}

function showSlice() {
  const [d, n] = $("slice-name").value.split("/");
  const p = new URLSearchParams({ group: $("slice-group").value, plane: $("slice-plane").value, index: $("slice-index").value });
  const img = $("slice-img");
  img.onerror = () => showError("slice: the server refused " + img.src);
  img.src = api + "/projections/slices/" + encodeURIComponent(d) + "/" + encodeURIComponent(n) + "?" + p;
  img.alt = "slice of " + n + ", group " + p.get("group") + ", " + p.get("plane");
}

// ---- schema
let schemaInit = false;

async function showSchema() {
  if (!schemaInit) {
    schemaInit = true;
    const classes = await getJSON(api + "/schema/classes");
    renderTable($("schema-classes"), classes, ["class", "module", "is_a", "slots"], (r, tr) => {
      const td = tr.cells[0];
      td.textContent = "";
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = r.class;
      b.addEventListener("click", () => schemaClass(r.class).catch(showError));
      td.appendChild(b);
    });
    await schemaClass("BrainRegion");
  }
  loaded("schema");
}

async function schemaClass(name) {
  $("schema-class-title").textContent = "Slots of " + name;
  renderTable($("schema-slots"), await getJSON(api + "/schema/classes/" + encodeURIComponent(name)));
  const r = await fetch(api + "/schema/erdiagram?classes=" + encodeURIComponent(name));
  $("schema-er").textContent = await r.text();
  $("view-schema").dataset.shown = name;
}

// ---- routing
const show = { datasets: showDatasets, tables: showTables, atlas: showAtlas, connectivity: showConnectivity, projections: showProjections, schema: showSchema };

async function route() {
  const v = views.includes(location.hash.slice(1)) ? location.hash.slice(1) : "datasets";
  for (const x of views) {
    $("view-" + x).hidden = x !== v;
    $("nav-" + x).classList.toggle("active", x === v);
    if (x === v) $("nav-" + x).setAttribute("aria-current", "page"); else $("nav-" + x).removeAttribute("aria-current");
  }
  clearError();
  try { await show[v](); } catch (e) { showError(e); }
}

window.addEventListener("hashchange", route);
getJSON("/healthz").then((h) => { $("store-version").textContent = "store version " + h.version; }).catch(showError);
route();
