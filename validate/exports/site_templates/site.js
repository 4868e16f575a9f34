// The site's one script. Data is only ever written as text (textContent, createTextNode),
// and only http(s) addresses, checked again here, become links.
"use strict";

function element(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

function safeLink(address) {
  try {
    const url = new URL(address);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (error) {
    return null;
  }
}

function anchor(text, address, plain) {
  const href = address && (plain ? address : safeLink(address));
  if (!href) return element("span", text);
  const link = element("a", text, { href: href });
  if (!plain) link.setAttribute("rel", "noopener noreferrer");
  return link;
}

// ---- the annotated article ---------------------------------------------------------------

function articlePage(data) {
  const article = document.getElementById("article");
  const panel = document.getElementById("panel");
  const records = data.records;
  const marksOf = new Map();
  const filters = {
    level: document.getElementById("filter-level"),
    speaker: document.getElementById("filter-speaker"),
    relation: document.getElementById("filter-relation"),
  };
  for (const speaker of data.filters.speakers) filters.speaker.append(element("option", speaker, { value: speaker }));

  const fragment = document.createDocumentFragment();
  for (const [start, end, keys] of data.segments) {
    const words = data.text.slice(start, end);
    const known = keys.filter((key) => key in records);
    // blank stretches between marked words stay plain: a control needs words to be named by
    if (!known.length || !words.trim()) { fragment.append(document.createTextNode(words)); continue; }
    const mark = element("mark", words, { tabindex: "0", role: "button" });
    mark.dataset.keys = known.join(" ");
    for (const key of known) {
      mark.classList.add("k-" + records[key].kind);
      if (!marksOf.has(key)) marksOf.set(key, []);
      marksOf.get(key).push(mark);
    }
    fragment.append(mark);
  }
  article.append(fragment);

  function visible(key) {
    const record = records[key];
    return (!filters.level.value || record.level === filters.level.value)
      && (!filters.speaker.value || record.speaker === filters.speaker.value)
      && (!filters.relation.value || record.relation === filters.relation.value);
  }

  function paint() {
    let shown = 0;
    const counted = new Set();
    for (const mark of article.querySelectorAll("mark")) {
      const keys = mark.dataset.keys.split(" ").filter(visible);
      mark.className = mark.className.split(" ").filter((c) => c.startsWith("k-") || c === "selected").join(" ");
      if (!keys.length) { mark.classList.add("off"); mark.setAttribute("tabindex", "-1"); continue; }
      mark.setAttribute("tabindex", "0");
      const record = records[keys[0]];
      mark.classList.add("lvl-" + record.level, "rel-" + record.relation);
      for (const key of keys) if (!counted.has(key)) { counted.add(key); shown += 1; }
    }
    document.getElementById("status").textContent = shown + " of " + Object.keys(records).length + " records shown";
  }

  function section(title, items, render) {
    if (!items.length) return null;
    const part = element("section");
    part.append(element("h3", title + " (" + items.length + ")"));
    const list = element("ul");
    for (const item of items) { const entry = element("li"); render(entry, item); list.append(entry); }
    part.append(list);
    return part;
  }

  function documentLink(entry, documentInfo) {
    if (!documentInfo) { entry.append(element("span", "no document")); return; }
    entry.append(anchor(documentInfo.title, documentInfo.url));
    if (documentInfo.title !== documentInfo.id) entry.append(document.createTextNode(" (" + documentInfo.id + ")"));
  }

  function renderCheck(entry, check) {
    entry.append(element("b", check.relation), document.createTextNode(" · "));
    documentLink(entry, check.document);
    if (check.part) entry.append(document.createTextNode(" · on " + check.part));
    if (check.excerpt) entry.append(element("blockquote", check.excerpt));
  }

  function select(key, focusPanel) {
    const record = records[key];
    if (!record) return;
    for (const mark of article.querySelectorAll("mark.selected")) mark.classList.remove("selected");
    for (const mark of marksOf.get(key) || []) mark.classList.add("selected");
    document.getElementById("panel-title").textContent = record.kind + " " + record.id;
    document.getElementById("panel-hint").textContent = record.label;
    const body = document.getElementById("panel-body");
    body.replaceChildren();
    const facts = element("dl");
    const add = (name, value) => { if (value) facts.append(element("dt", name), element("dd", value)); };
    add("sourcing level", record.level);
    add("outside sources", record.relation);
    add("speaker", record.speaker);
    body.append(facts);
    if (record.words.length) {
      body.append(element("h3", "The exact words"));
      for (const words of record.words) body.append(element("blockquote", words));
    }
    const parts = [
      section("What it rests on", record.sources, (entry, source) => {
        entry.append(element("b", source.basis), document.createTextNode(" · "));
        documentLink(entry, source.document);
        if (source.status) entry.append(document.createTextNode(" · " + source.status));
        if (source.evidence) entry.append(document.createTextNode(" · evidence " + source.evidence));
      }),
      section("Outside sources on it", record.checks, renderCheck),
      section("Outside sources on its numbers and quotes", record.part_checks || [], renderCheck),
      section("Findings", record.findings, (entry, finding) => {
        entry.append(element("b", finding.type), document.createTextNode(" (" + finding.confidence + "): " + finding.text));
      }),
      section("Claims it belongs to", record.claims, (entry, claim) => {
        const button = element("button", claim, { type: "button" });
        button.addEventListener("click", () => select("claims/" + claim, true));
        entry.append(button);
      }),
    ];
    for (const part of parts) if (part) body.append(part);
    const here = new Set();
    for (const mark of marksOf.get(key) || []) for (const other of mark.dataset.keys.split(" ")) if (other !== key) here.add(other);
    const also = section("Also marked in these words", [...here], (entry, other) => {
      const button = element("button", records[other].kind + " " + records[other].id, { type: "button" });
      button.addEventListener("click", () => select(other, true));
      entry.append(button);
    });
    if (also) body.append(also);
    body.append(element("h3", "Every field"));
    const fields = element("dl");
    for (const [name, value, address] of record.fields) {
      const definition = element("dd");
      definition.append(address ? anchor(value, address) : document.createTextNode(value));
      fields.append(element("dt", name), definition);
    }
    body.append(fields);
    body.append(anchor("This row in the " + record.table + " table", record.table + ".html#" + record.id, true));
    if (history.replaceState) history.replaceState(null, "", "#" + record.id);
    if (focusPanel) panel.focus();
  }

  function innermostVisible(mark) {
    return mark.dataset.keys.split(" ").find(visible);
  }

  article.addEventListener("click", (event) => {
    const mark = event.target.closest("mark");
    if (mark && !mark.classList.contains("off")) select(innermostVisible(mark), false);
  });
  article.addEventListener("keydown", (event) => {
    const mark = event.target.closest("mark");
    if (mark && (event.key === "Enter" || event.key === " ") && !mark.classList.contains("off")) {
      event.preventDefault();
      select(innermostVisible(mark), true);
    }
  });
  for (const control of Object.values(filters)) control.addEventListener("change", paint);
  for (const radio of document.querySelectorAll("input[name=colour]")) {
    radio.addEventListener("change", () => {
      article.dataset.colour = radio.value;
      document.getElementById("legend-level").hidden = radio.value !== "level";
      document.getElementById("legend-relation").hidden = radio.value !== "relation";
    });
  }
  paint();
  const wanted = decodeURIComponent(location.hash.slice(1));
  const key = Object.keys(records).find((k) => records[k].id === wanted);
  if (key) select(key, false);
}

// ---- a table page ------------------------------------------------------------------------

function tablePage(table) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const search = document.getElementById("search");
  const status = document.getElementById("status");
  const texts = new Map(rows.map((row) => [row, row.textContent.toLowerCase()]));
  search.addEventListener("input", () => {
    const wanted = search.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      row.hidden = wanted !== "" && !texts.get(row).includes(wanted);
      if (!row.hidden) shown += 1;
    }
    status.textContent = shown + " of " + rows.length + " rows";
  });
  for (const button of table.querySelectorAll("th button")) {
    button.addEventListener("click", () => {
      const header = button.parentElement;
      const ascending = header.getAttribute("aria-sort") !== "ascending";
      for (const other of table.querySelectorAll("th")) other.setAttribute("aria-sort", "none");
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const column = Number(button.dataset.column);
      const numeric = ["integer", "number", "year"].includes(button.dataset.type);
      const value = (row) => row.cells[column].textContent;
      const compare = numeric
        ? (a, b) => Number(value(a)) - Number(value(b))
        : (a, b) => value(a).localeCompare(value(b), undefined, { numeric: true });
      // empty cells last in either direction
      rows.sort((a, b) => (value(a) === "") - (value(b) === "") || (ascending ? compare(a, b) : compare(b, a)));
      body.append(...rows);
      status.textContent = "sorted by " + button.textContent + (ascending ? ", ascending" : ", descending");
    });
  }
}

const siteData = document.getElementById("site-data");
if (siteData) articlePage(JSON.parse(siteData.textContent));
const rowsTable = document.getElementById("rows");
if (rowsTable) tablePage(rowsTable);
