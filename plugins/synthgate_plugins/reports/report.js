// synthgate HTML report: draws the page from the JSON in #report-data.
// Every value from the data reaches the page through textContent or an attribute set with
// setAttribute (never innerHTML), so no manifest field can become markup or script.
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const VERDICTS = ["pass", "warn", "fail", "error"];
  const RANK = { pass: 0, warn: 1, fail: 2, error: 3 };
  const COL = {};
  DATA.finding_columns.forEach(function (name, i) { COL[name] = i; });
  const ROWS = DATA.findings;
  const MANIFESTS = DATA.manifests;
  const RULES = DATA.rules;
  const PAGE_FINDINGS = 100;
  const PAGE_MANIFESTS = 50;
  const ORIGIN_COLOURS = { synthetic: "#e07b39", mixed: "#9b6bcc", unknown: "#9aa3b2", human: "#3b7dd8" };
  const PALETTE = ["#e07b39", "#d4a02b", "#5aa469", "#3fa7b5", "#9b6bcc", "#c95d8c", "#7f8c3a", "#b0703c"];
  const SVGNS = "http://www.w3.org/2000/svg";

  // ---- DOM helpers: text only, never markup ----------------------------------------------
  function el(tag, attrs) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "onclick" || key === "oninput" || key === "onchange") {
        node.addEventListener(key.slice(2), value);
      } else {
        node.setAttribute(key, String(value));
      }
    });
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function badge(verdict) { return el("span", { class: "badge " + verdict }, verdict); }
  function fmt(n) { return typeof n === "number" ? n.toLocaleString("en-US") : String(n); }
  function pct(x) { return (Math.round(x * 1000) / 10) + "%"; }
  function plural(n, one, many) { return fmt(n) + " " + (n === 1 ? one : many || one + "s"); }
  function short(text, max) { text = String(text); return text.length > max ? text.slice(0, max - 1) + "\u2026" : text; }
  function ruleLink(code) { return el("a", { href: "#rule/" + encodeURIComponent(code), class: "mono" }, code); }
  function manifestLink(index, label) {
    return el("a", { href: "#manifest/" + index, class: "mono" }, label || MANIFESTS[index].path);
  }

  // ---- findings ---------------------------------------------------------------------------
  function finding(row) {
    return {
      manifest: row[COL.manifest], rule: row[COL.rule], verdict: row[COL.verdict],
      scope: row[COL.scope], line: row[COL.line], column: row[COL.column],
      pointer: row[COL.pointer], message: row[COL.message], observed: row[COL.observed],
      expected: DATA.strings[row[COL.expected]],
      remediation: row[COL.remediation] === null ? (RULES[row[COL.rule]] || {}).fix || ""
        : DATA.strings[row[COL.remediation]],
      waiver: row[COL.waiver], related: row[COL.related],
    };
  }
  function isWaived(row) { const w = row[COL.waiver]; return w !== null && w[0] === "active"; }
  let byManifest = null;
  function findingsOf(index) {
    if (byManifest === null) {
      byManifest = new Map();
      ROWS.forEach(function (row) {
        const m = row[COL.manifest];
        if (!byManifest.has(m)) byManifest.set(m, []);
        byManifest.get(m).push(row);
      });
    }
    return byManifest.get(index) || [];
  }
  let names = null;
  // The manifest of this report whose dataset has this name (the first), or null.
  function manifestNamed(name) {
    if (names === null) {
      names = new Map();
      MANIFESTS.forEach(function (m, i) { if (!names.has(m.dataset)) names.set(m.dataset, i); });
    }
    return names.has(name) ? names.get(name) : null;
  }
  let links = null;
  // Cross-manifest links: a finding in one manifest that names places in another.
  function crossLinks() {
    if (links === null) {
      links = [];
      ROWS.forEach(function (row) {
        row[COL.related].forEach(function (place) {
          links.push({ from: row[COL.manifest], fromPointer: row[COL.pointer], to: place[0],
            toFile: place[1], toPointer: place[3], rule: row[COL.rule], verdict: row[COL.verdict] });
        });
      });
    }
    return links;
  }

  // ---- pieces -----------------------------------------------------------------------------
  function pager(total, page, size, go) {
    const pages = Math.max(1, Math.ceil(total / size));
    const first = total === 0 ? 0 : page * size + 1;
    return el("div", { class: "pager" },
      el("button", { type: "button", disabled: page === 0, onclick: function () { go(page - 1); } }, "\u2039 previous"),
      el("span", { class: "muted" }, fmt(first) + "\u2013" + fmt(Math.min(total, (page + 1) * size)) +
        " of " + fmt(total) + " (page " + fmt(page + 1) + " of " + fmt(pages) + ")"),
      el("button", { type: "button", disabled: page + 1 >= pages, onclick: function () { go(page + 1); } }, "next \u203a"));
  }
  function tile(n, label, cls) { return el("div", { class: "tile " + (cls || "") }, el("div", { class: "n" }, fmt(n)), el("div", { class: "l" }, label)); }

  // A horizontal stacked bar (SVG): segments {label, value, colour}; markers {at, level, label}.
  function stackedBar(segments, markers, caption) {
    // Marker labels go in rows above the bar, a new row when a label would overlap the last.
    const placed = (markers || []).filter(function (mk) { return mk.at > 0 && mk.at < 1; })
      .sort(function (a, b) { return a.at - b.at; });
    const rowEnds = [];
    placed.forEach(function (mk) {
      const x = mk.at * 640, w = mk.label.length * 6 + 8;
      let row = 0;
      while (row < rowEnds.length && rowEnds[row] > x - (x > 448 ? w : 0)) row++;
      rowEnds[row] = x + (x > 448 ? 0 : w);
      mk.row = row;
    });
    const width = 640, barY = 18 + Math.max(0, rowEnds.length - 1) * 12, barH = 22, height = barY + 40;
    const total = segments.reduce(function (s, seg) { return s + seg.value; }, 0);
    const root = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
      role: "img", "aria-label": caption, class: "bar" });
    root.appendChild(svg("title", null, caption));
    root.appendChild(svg("rect", { x: 0, y: barY, width: width, height: barH, fill: "#eef0f3", rx: 3 }));
    let x = 0;
    segments.forEach(function (seg) {
      if (!total || !seg.value) return;
      const w = seg.value / total * width;
      root.appendChild(svg("rect", { x: x.toFixed(2), y: barY, width: w.toFixed(2), height: barH, fill: seg.colour },
        svg("title", null, seg.label + ": " + fmt(seg.value) + " (" + pct(seg.value / total) + ")")));
      if (w > 46) {
        root.appendChild(svg("text", { x: (x + 5).toFixed(2), y: barY + 15, fill: "#fff", "font-size": 11 },
          short(seg.label, Math.floor(w / 7)) + " " + pct(seg.value / total)));
      }
      x += w;
    });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (t) {
      root.appendChild(svg("text", { x: (t * width).toFixed(1), y: height - 4, fill: "#5b6475", "font-size": 10,
        "text-anchor": t === 0 ? "start" : t === 1 ? "end" : "middle" }, pct(t)));
    });
    placed.forEach(function (mark) {
      const mx = Math.max(1, Math.min(width - 1, mark.at * width));
      const colour = mark.level === "fail" ? "#c0392b" : "#b7791f";
      const labelY = barY - 8 - mark.row * 12;
      root.appendChild(svg("line", { x1: mx, x2: mx, y1: labelY + 2, y2: barY + barH + 4, stroke: colour,
        "stroke-width": 2, "stroke-dasharray": mark.level === "fail" ? null : "4 2", class: "band-marker" },
        svg("title", null, mark.label)));
      const right = mx > width * 0.7;  // near the right end the label goes to the left of its line
      root.appendChild(svg("text", { x: right ? mx - 3 : mx + 3, y: labelY, fill: colour, "font-size": 10,
        "text-anchor": right ? "end" : "start" }, mark.label));
    });
    return root;
  }
  function legend(segments) {
    return el("div", { class: "legend" }, segments.filter(function (s) { return s.value; }).map(function (s) {
      return el("span", null, el("span", { class: "sw", style: "background:" + s.colour }), s.label + " " + fmt(s.value));
    }));
  }

  // ---- composition --------------------------------------------------------------------------
  function value(source, key, which) { const part = source[which || "declared"]; return part ? part[key] : undefined; }
  function records(source, which) { const r = value(source, "records", which); return typeof r === "number" ? r : null; }
  function originSegments(sources, which) {
    const sums = { synthetic: 0, mixed: 0, unknown: 0, human: 0 };
    sources.forEach(function (s) { const r = records(s, which); if (r !== null) sums[value(s, "origin", which) || "unknown"] += r; });
    return ["synthetic", "mixed", "unknown", "human"].map(function (o) {
      return { label: o, value: sums[o], colour: ORIGIN_COLOURS[o] };
    });
  }
  function generatorSegments(sources) {
    const sums = new Map();
    sources.forEach(function (s) {
      const origin = value(s, "origin");
      const r = records(s);
      if (r === null || (origin !== "synthetic" && origin !== "mixed")) return;
      const g = value(s, "generator");
      const key = g ? (g.family !== "unknown" ? g.family : g.name) : "generator not declared";
      sums.set(key, (sums.get(key) || 0) + r);
    });
    return Array.from(sums.keys()).sort().map(function (key, i) {
      return { label: key, value: sums.get(key), colour: key === "generator not declared" ? "#9aa3b2" : PALETTE[i % PALETTE.length] };
    });
  }
  function depthSegments(sources) {
    const sums = { "depth 1": 0, "depth 2": 0, "depth 3+": 0, "depth unknown": 0 };
    sources.forEach(function (s) {
      const origin = value(s, "origin");
      const r = records(s);
      if (r === null || (origin !== "synthetic" && origin !== "mixed")) return;
      const d = value(s, "depth");
      const key = typeof d !== "number" ? "depth unknown" : d >= 3 ? "depth 3+" : "depth " + d;
      sums[key] += r;
    });
    const colours = { "depth 1": "#5aa469", "depth 2": "#d4a02b", "depth 3+": "#c0392b", "depth unknown": "#9aa3b2" };
    return Object.keys(sums).map(function (k) { return { label: k, value: sums[k], colour: colours[k] }; });
  }
  const OPS = { above: ">", below: "<", at_least: "\u2265", at_most: "\u2264" };
  function bandText(band, level) {
    const b = band[level];
    if (!b) return "";
    const share = band.metric.indexOf("share") >= 0;
    return level + " " + OPS[b[0]] + " " + (share ? pct(b[1]) : b[1]);
  }
  function markersFor(bands) {
    const marks = [];
    bands.forEach(function (band) {
      if (band.bar !== "origin") return;
      ["warn", "fail"].forEach(function (level) {
        const b = band[level];
        if (!b) return;
        // Synthetic records are drawn from the left, human records from the right.
        if (band.metric === "synthetic_share_records") marks.push({ at: b[1], level: level, label: band.rule + " " + level });
        if (band.metric === "human_share_records") marks.push({ at: 1 - b[1], level: level, label: band.rule + " " + level });
      });
    });
    return marks;
  }
  function bandNotes(bands) {
    return bands.map(function (band) {
      const rule = RULES[band.rule] || {};
      const seen = band.observed === undefined || band.observed === null ? "" :
        "; the rule saw " + (typeof band.observed === "number" && band.metric.indexOf("share") >= 0 ? pct(band.observed) : String(band.observed));
      return el("div", { class: "bandnote " + (band.verdict || "") }, band.verdict ? badge(band.verdict) : null, " ",
        ruleLink(band.rule), " " + (rule.name || "") + ": " + band.metric + " " +
        [bandText(band, "warn"), bandText(band, "fail")].filter(Boolean).join(", ") +
        (band.scope === "sources" ? " (each source)" : "") + seen);
    });
  }
  function chart(title, segments, markers, note) {
    const total = segments.reduce(function (s, seg) { return s + seg.value; }, 0);
    if (!total) return el("div", { class: "chart" }, el("div", { class: "title" }, title), el("div", { class: "empty" }, note || "no records declared"));
    return el("div", { class: "chart", "data-chart": title }, el("div", { class: "title" }, title),
      stackedBar(segments, markers, title), legend(segments));
  }
  function compositionBlock(label, sources, bands) {
    const hasMeasured = sources.some(function (s) { return s.measured; });
    const missing = sources.filter(function (s) { return records(s) === null; }).length;
    const origin = bands.filter(function (b) { return b.bar === "origin"; });
    const generator = bands.filter(function (b) { return b.bar === "generator"; });
    const depth = bands.filter(function (b) { return b.bar === "depth"; });
    return el("div", { class: "card composition" },
      el("div", { class: "split-head" }, el("h3", null, label), el("span", { class: "muted small" },
        plural(sources.length, "source") + (missing ? "; " + plural(missing, "source") + " without declared records, not drawn" : ""))),
      chart("Records by origin" + (hasMeasured ? " (declared)" : ""), originSegments(sources), markersFor(origin)),
      hasMeasured ? chart("Records by origin (measured)", originSegments(sources, "measured"), markersFor(origin), "nothing measured") : null,
      bandNotes(origin),
      chart("Synthetic and mixed records by generator family", generatorSegments(sources), [], "no synthetic or mixed records"),
      bandNotes(generator),
      chart("Synthetic and mixed records by generation depth", depthSegments(sources), [], "no synthetic or mixed records"),
      bandNotes(depth));
  }
  function sourcesTable(m) {
    const all = [];
    m.splits.forEach(function (split) { split.sources.forEach(function (s) { all.push([split.name, s]); }); });
    const measured = all.some(function (pair) { return pair[1].measured; });
    const keys = ["origin", "records", "tokens", "depth"];
    const head = ["split", "source"];
    keys.forEach(function (k) { head.push(measured ? k + " (declared)" : k); if (measured) head.push(k + " (measured)"); });
    head.push("generator", "derived from");
    return el("table", { class: "sources" },
      el("thead", null, el("tr", null, head.map(function (h) { return el("th", null, h); }))),
      el("tbody", null, all.map(function (pair) {
        const s = pair[1];
        const cells = [el("td", null, pair[0]), el("td", { class: "mono" }, s.id)];
        keys.forEach(function (k) {
          const d = value(s, k);
          cells.push(el("td", { class: typeof d === "number" ? "num" : "" }, d === undefined ? "unknown" : fmt(d)));
          if (measured) {
            const v = value(s, k, "measured");
            const differs = v !== undefined && d !== undefined && v !== d;
            cells.push(el("td", { class: (typeof v === "number" ? "num " : "") + (differs ? "disagree" : ""),
              title: differs ? "declared and measured values disagree" : null },
              v === undefined ? "\u2014" : (differs ? "\u2260 " : "") + fmt(v)));
          }
        });
        const g = value(s, "generator");
        cells.push(el("td", null, g ? g.name + (g.family !== "unknown" ? " (" + g.family + ")" : "") : "\u2014"));
        cells.push(el("td", { class: "mono" }, (value(s, "derived_from") || []).join(", ") || "\u2014"));
        return el("tr", null, cells);
      })));
  }

  // ---- lineage graph ----------------------------------------------------------------------
  function lineage(index) {
    const m = MANIFESTS[index];
    const nodes = new Map();
    const edges = [];
    function node(key, column, label, kind, pointer, detail) {
      if (!nodes.has(key)) nodes.set(key, { key: key, column: column, label: label, kind: kind, pointer: pointer, detail: detail || label, marks: [] });
      return nodes.get(key);
    }
    const ids = new Map();
    m.splits.forEach(function (split, i) { split.sources.forEach(function (s, j) { ids.set(s.id, "/splits/" + i + "/sources/" + j); }); });
    // How far a source is from the inputs, through derived_from inside the manifest.
    const level = new Map();
    function depthOf(id, seen) {
      if (level.has(id)) return level.get(id);
      let found = null;
      m.splits.forEach(function (split) { split.sources.forEach(function (s) { if (s.id === id && !found) found = s; }); });
      let d = 0;
      (value(found, "derived_from") || []).forEach(function (parent) {
        if (ids.has(parent) && !seen.has(parent)) { seen.add(parent); d = Math.max(d, depthOf(parent, seen) + 1); }
      });
      level.set(id, d);
      return d;
    }
    let maxLevel = 0;
    m.splits.forEach(function (split) { split.sources.forEach(function (s) { maxLevel = Math.max(maxLevel, depthOf(s.id, new Set([s.id]))); }); });
    const genCol = maxLevel + 2, famCol = maxLevel + 3, modelCol = maxLevel + 4;
    m.splits.forEach(function (split, i) {
      split.sources.forEach(function (s, j) {
        const pointer = "/splits/" + i + "/sources/" + j;
        const origin = value(s, "origin") || "unknown";
        const r = records(s);
        node("src:" + s.id, 1 + level.get(s.id), (m.splits.length > 1 ? split.name + " \u203a " : "") + s.id, "source:" + origin, pointer,
          split.name + " / " + s.id + ": " + origin + (r !== null ? ", " + fmt(r) + " records" : ", records unknown"));
        (value(s, "derived_from") || []).forEach(function (parent) {
          if (ids.has(parent)) edges.push({ from: "src:" + parent, to: "src:" + s.id, kind: "derived" });
          else { node("ext:" + parent, 0, parent, "external", null, "input named in derived_from: " + parent); edges.push({ from: "ext:" + parent, to: "src:" + s.id, kind: "derived" }); }
        });
        const g = value(s, "generator");
        if (g) {
          const gk = "gen:" + g.name;
          node(gk, genCol, g.name, "generator", pointer + "/generator", "generator " + g.name + " (" + g.provider + ")");
          edges.push({ from: "src:" + s.id, to: gk, kind: "generated" });
          if (g.family !== "unknown") { node("fam:" + g.family, famCol, g.family, "family", null, "model family " + g.family); edges.push({ from: gk, to: "fam:" + g.family, kind: "family" }); }
        }
      });
    });
    (m.derived_from || []).forEach(function (parent) {
      const other = manifestNamed(parent);
      if (other === null) { node("ext:" + parent, 0, parent, "external", null, "dataset derived from " + parent); return; }
      node("x:" + other, 0, parent, "linked", null, MANIFESTS[other].path + " (this dataset is derived from it)").manifest = other;
    });
    const models = (m.targets || []).map(function (t, k) { return [t, "/dataset/target_models/" + k, m.stage === "eval" ? "evaluated" : "trained"]; });
    if (m.judge) models.push([m.judge, "/dataset/judge", "judge"]);
    models.forEach(function (entry) {
      const t = entry[0];
      const key = "model:" + entry[2] + ":" + t.name;
      node(key, modelCol, entry[2] + ": " + t.name, "model", entry[1], entry[2] + " model " + t.name + " (family " + t.family + ")");
      if (t.family !== "unknown") {
        node("fam:" + t.family, famCol, t.family, "family", null, "model family " + t.family);
        edges.push({ from: "fam:" + t.family, to: key, kind: "family" });
      }
    });
    // Where a rule fired: mark the node whose pointer holds the finding.
    const pointers = Array.from(nodes.values()).filter(function (n) { return n.pointer; })
      .sort(function (a, b) { return b.pointer.length - a.pointer.length; });
    function nodeAt(pointer) {
      for (let i = 0; i < pointers.length; i++) {
        const p = pointers[i].pointer;
        if (pointer === p || pointer.indexOf(p + "/") === 0) return pointers[i];
      }
      return null;
    }
    findingsOf(index).forEach(function (row) {
      if (isWaived(row)) return;
      const n = nodeAt(row[COL.pointer]);
      if (n) n.marks.push([row[COL.rule], row[COL.verdict]]);
    });
    // Cross-manifest links, both ways.
    crossLinks().forEach(function (link) {
      let here = null, other = null, otherPointer = null, outward;
      if (link.from === index) { here = link.fromPointer; other = link.to; otherPointer = link.toPointer; outward = true; }
      else if (link.to === index) { here = link.toPointer; other = link.from; otherPointer = link.fromPointer; outward = false; }
      else return;
      const target = nodeAt(here) || node("self", 1, "this dataset", "self", "", m.path);
      const otherLabel = other === null ? link.toFile : MANIFESTS[other].dataset;
      let otherSource = "";
      if (other !== null) {
        const match = /^\/splits\/(\d+)\/sources\/(\d+)/.exec(otherPointer || "");
        const om = MANIFESTS[other];
        if (match && om.splits && om.splits[+match[1]] && om.splits[+match[1]].sources[+match[2]]) otherSource = " \u203a " + om.splits[+match[1]].sources[+match[2]].id;
      }
      const key = "x:" + (other === null ? link.toFile : other) + otherSource;
      const n = node(key, 0, otherLabel + otherSource, "linked", null,
        (other === null ? link.toFile : MANIFESTS[other].path) + otherSource + " (another manifest of this audit)");
      n.manifest = other;
      n.marks.push([link.rule, link.verdict]);
      edges.push({ from: key, to: target.key, kind: "cross", rule: link.rule, verdict: link.verdict, outward: outward });
    });
    return drawGraph(Array.from(nodes.values()), edges, modelCol + 1);
  }
  function drawGraph(nodes, edges, columns) {
    if (!nodes.length) return el("div", { class: "empty" }, "no sources to draw");
    const nodeW = 168, nodeH = 26, gapY = 22, colW = 200, top = 34;
    const byColumn = [];
    for (let c = 0; c < columns; c++) byColumn.push([]);
    nodes.forEach(function (n) { byColumn[n.column].push(n); });
    const used = byColumn.map(function (list, c) { return [list, c]; }).filter(function (p) { return p[0].length; });
    const colX = {};
    used.forEach(function (p, i) { colX[p[1]] = 10 + i * colW; });
    let maxRows = 0;
    used.forEach(function (p) { maxRows = Math.max(maxRows, p[0].length); });
    const height = top + maxRows * (nodeH + gapY) + 10;
    const width = 20 + used.length * colW - (colW - nodeW);
    used.forEach(function (p) {
      const offset = (maxRows - p[0].length) * (nodeH + gapY) / 2;
      p[0].forEach(function (n, i) { n.x = colX[p[1]]; n.y = top + offset + i * (nodeH + gapY); });
    });
    const root = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img",
      "aria-label": "lineage graph", class: "lineage-graph" });
    root.appendChild(svg("title", null, "Lineage: sources, what they derive from, generators, model families and models"));
    const heads = { external: "inputs and linked sets", source: "sources", generator: "generators", family: "model families", model: "trained / evaluated models" };
    let sourceColumns = 0;
    used.forEach(function (p) {
      const kinds = p[0].map(function (n) { return n.kind.split(":")[0]; });
      const kind = kinds.indexOf("source") >= 0 ? "source" : kinds.indexOf("linked") >= 0 ? "external" : kinds[0];
      const head = kind === "source" && sourceColumns++ ? "derived sources" : heads[kind] || "";
      root.appendChild(svg("text", { x: colX[p[1]], y: 16, fill: "#5b6475", "font-size": 11 }, head));
    });
    const byKey = new Map();
    nodes.forEach(function (n) { byKey.set(n.key, n); });
    const colours = { derived: "#8d96a8", generated: "#e07b39", family: "#8d96a8" };
    edges.forEach(function (e) {
      const a = byKey.get(e.from), b = byKey.get(e.to);
      if (!a || !b || a === b) return;
      const x1 = a.x + nodeW, y1 = a.y + nodeH / 2, x2 = b.x, y2 = b.y + nodeH / 2;
      const back = x2 <= x1;
      const d = back
        ? "M" + (a.x) + "," + y1 + " C" + (a.x - 40) + "," + y1 + " " + (b.x - 40) + "," + y2 + " " + b.x + "," + y2
        : "M" + x1 + "," + y1 + " C" + (x1 + (x2 - x1) / 2) + "," + y1 + " " + (x1 + (x2 - x1) / 2) + "," + y2 + " " + x2 + "," + y2;
      const cross = e.kind === "cross";
      const colour = cross ? (e.verdict === "fail" || e.verdict === "error" ? "#c0392b" : e.verdict === "warn" ? "#b7791f" : "#2e7d4f") : colours[e.kind];
      root.appendChild(svg("path", { d: d, fill: "none", stroke: colour, "stroke-width": cross ? 2.5 : 1.4,
        "stroke-dasharray": cross && !e.outward ? "6 3" : null, class: "edge " + e.kind },
        svg("title", null, cross ? e.rule + " (" + e.verdict + "): " + a.detail + " \u2194 " + b.detail : e.kind)));
    });
    const fills = { "source:human": "#dbe8fa", "source:synthetic": "#fbe3d3", "source:mixed": "#ece1f7",
      "source:unknown": "#e8eaee", generator: "#fff3d6", family: "#f0f1f4", model: "#dff1e6", external: "#ffffff", linked: "#ffffff", self: "#ffffff" };
    nodes.forEach(function (n) {
      const worst = n.marks.reduce(function (w, mark) { return RANK[mark[1]] > RANK[w] ? mark[1] : w; }, "pass");
      const stroke = worst === "pass" ? "#9aa3b2" : worst === "warn" ? "#b7791f" : worst === "fail" ? "#c0392b" : "#7b3fa0";
      const group = svg("g", { class: "node " + n.kind.replace(":", "-") + (worst !== "pass" ? " flagged " + worst : ""), "data-key": n.key });
      const tip = n.detail + (n.marks.length ? "\n" + n.marks.map(function (mk) { return mk[0] + " " + mk[1] + " (" + ((RULES[mk[0]] || {}).name || "") + ")"; }).join("\n") : "");
      group.appendChild(svg("title", null, tip));
      group.appendChild(svg("rect", { x: n.x, y: n.y, width: nodeW, height: nodeH, rx: n.kind === "family" ? 13 : 4,
        fill: fills[n.kind] || "#fff", stroke: stroke, "stroke-width": worst === "pass" ? 1 : 2.5,
        "stroke-dasharray": n.kind === "external" || n.kind === "linked" ? "4 2" : null }));
      group.appendChild(svg("text", { x: n.x + 8, y: n.y + 17, fill: "#1d2330" }, short(n.label, 24)));
      if (n.marks.length) {
        const codes = Array.from(new Set(n.marks.map(function (mk) { return mk[0]; })));
        group.appendChild(svg("text", { x: n.x + nodeW - 4, y: n.y - 3, fill: stroke, "font-size": 10, "text-anchor": "end" }, short(codes.join(" "), 25)));
      }
      if (n.manifest !== undefined && n.manifest !== null) {
        const target = n.manifest;
        group.setAttribute("style", "cursor:pointer");
        group.addEventListener("click", function () { location.hash = "#manifest/" + target; });
      }
      root.appendChild(group);
    });
    return root;
  }

  // ---- tabs -------------------------------------------------------------------------------
  const app = document.getElementById("app");
  const TABS = [["overview", "Overview"], ["findings", "Findings"], ["manifests", "Manifests"], ["governance", "Governance"], ["rules", "Rules"]];
  const main = el("main", { id: "main" });
  const tabLinks = {};
  function header() {
    const t = DATA.totals;
    const policies = DATA.policies.map(function (p) { return p.name + " " + p.version; }).join(", ");
    const nav = el("nav", { class: "tabs" }, TABS.map(function (tab) {
      tabLinks[tab[0]] = el("a", { href: "#" + tab[0] }, tab[1]);
      return tabLinks[tab[0]];
    }));
    return el("header", { class: "top" },
      el("h1", null, "synthgate audit ", badge(DATA.verdict)),
      el("div", { class: "meta" }, plural(t.manifests, "manifest") + " \u00b7 policy " + (policies || "unknown") +
        " \u00b7 fail-on " + DATA.fail_on + (DATA.today ? " \u00b7 judged on " + DATA.today : "") + " \u00b7 synthgate " + DATA.synthgate),
      nav);
  }
  function familyCounts() {
    const fam = new Map();
    ROWS.forEach(function (row) {
      const rule = RULES[row[COL.rule]];
      const key = rule ? rule.family : row[COL.rule];
      if (!fam.has(key)) fam.set(key, { warn: 0, fail: 0, error: 0, waived: 0 });
      const c = fam.get(key);
      if (isWaived(row)) c.waived += 1; else c[row[COL.verdict]] += 1;
    });
    return Array.from(fam.keys()).sort().map(function (k) { return [k, fam.get(k)]; });
  }
  function familyChart() {
    const rows = familyCounts();
    if (!rows.length) return el("div", { class: "empty" }, "no findings");
    const width = 640, rowH = 26, left = 70;
    let max = 1;
    rows.forEach(function (r) { max = Math.max(max, r[1].warn + r[1].fail + r[1].error + r[1].waived); });
    const root = svg("svg", { viewBox: "0 0 " + width + " " + (rows.length * rowH + 10), width: width, height: rows.length * rowH + 10,
      role: "img", "aria-label": "findings per rule family", class: "family-chart" });
    const colours = { fail: "#c0392b", error: "#7b3fa0", warn: "#b7791f", waived: "#b8bfcc" };
    rows.forEach(function (r, i) {
      const y = 4 + i * rowH;
      const link = svg("a", { href: "#findings/rule=" + encodeURIComponent(r[0]) });
      link.appendChild(svg("text", { x: 0, y: y + 15, fill: "#2456a6", "font-size": 12 }, r[0]));
      root.appendChild(link);
      let x = left;
      ["fail", "error", "warn", "waived"].forEach(function (k) {
        const n = r[1][k];
        if (!n) return;
        const w = n / max * (width - left - 70);
        root.appendChild(svg("rect", { x: x, y: y + 3, width: Math.max(1, w), height: rowH - 8, fill: colours[k] }, svg("title", null, r[0] + ": " + fmt(n) + " " + k)));
        x += w;
      });
      const total = r[1].warn + r[1].fail + r[1].error;
      root.appendChild(svg("text", { x: x + 6, y: y + 15, fill: "#5b6475", "font-size": 11 }, fmt(total) + (r[1].waived ? " + " + fmt(r[1].waived) + " waived" : "")));
    });
    return root;
  }
  function overview() {
    const t = DATA.totals;
    const byVerdict = { pass: 0, warn: 0, fail: 0, error: 0 };
    MANIFESTS.forEach(function (m) { byVerdict[m.verdict] += 1; });
    const worst = MANIFESTS.map(function (m, i) { return i; }).filter(function (i) { return MANIFESTS[i].verdict !== "pass"; })
      .sort(function (a, b) {
        const A = MANIFESTS[a], B = MANIFESTS[b];
        return RANK[B.verdict] - RANK[A.verdict] || B.counts[2] - A.counts[2] || B.counts[1] - A.counts[1] || a - b;
      }).slice(0, 10);
    const manifestBar = stackedBar(["fail", "error", "warn", "pass"].map(function (v) {
      return { label: v, value: byVerdict[v], colour: { pass: "#2e7d4f", warn: "#b7791f", fail: "#c0392b", error: "#7b3fa0" }[v] };
    }), [], "manifests by verdict");
    return [
      el("h2", null, "Verdicts"),
      el("div", { class: "tiles" },
        tile(byVerdict.fail, "manifests fail", "fail"), tile(byVerdict.warn, "manifests warn", "warn"),
        tile(byVerdict.pass, "manifests pass", "pass"), byVerdict.error ? tile(byVerdict.error, "manifests with a crashed check", "error") : null,
        tile(t.findings.fail, "fail findings", "fail"), tile(t.findings.warn, "warn findings", "warn"),
        t.findings.error ? tile(t.findings.error, "crashed checks", "error") : null,
        tile(t.findings.pass, "checks passed", "pass"), tile(t.waived, "waived"), tile(t.baselined, "baselined"),
        t.unreadable ? tile(t.unreadable, "files not readable", "error") : null),
      el("div", { class: "grid2" },
        el("div", null, el("h2", null, "Findings per rule family"), familyChart()),
        el("div", null, el("h2", null, "Manifests by verdict"), el("div", { class: "chart", "data-chart": "manifests" }, manifestBar),
          el("h2", null, "Worst manifests"),
          worst.length ? el("table", null, el("tbody", null, worst.map(function (i) {
            const m = MANIFESTS[i];
            return el("tr", null, el("td", null, badge(m.verdict)), el("td", null, manifestLink(i), el("div", { class: "muted small" }, m.dataset)),
              el("td", { class: "num" }, fmt(m.counts[2]) + " fail, " + fmt(m.counts[1]) + " warn"));
          }))) : el("div", { class: "empty" }, "every manifest passes"))),
      el("h2", null, "Worst findings"),
      findingsTable(ROWS.slice(0, 10)),
      ROWS.length > 10 ? el("p", null, el("a", { href: "#findings" }, "All " + plural(ROWS.length, "finding") + " \u203a")) : null,
    ];
  }
  function waiverNote(w) {
    if (!w) return null;
    return el("div", { class: "small muted" }, w[0] === "lapsed" ? badge("lapsed") : badge("waived"),
      " " + (w[0] === "lapsed" ? "waiver lapsed on " : "until ") + w[3] + ", " + w[1] + ": " + w[2]);
  }
  function findingsTable(rows) {
    if (!rows.length) return el("div", { class: "empty" }, "no findings match");
    return el("table", { class: "findings" },
      el("thead", null, el("tr", null, ["verdict", "rule", "manifest", "finding"].map(function (h) { return el("th", null, h); }))),
      el("tbody", null, rows.map(function (row) {
        const f = finding(row);
        const m = MANIFESTS[f.manifest];
        const rule = RULES[f.rule] || {};
        return el("tr", { class: isWaived(row) ? "waived" : "" },
          el("td", null, badge(f.verdict)),
          el("td", null, ruleLink(f.rule), el("div", { class: "small muted" }, rule.name || "")),
          el("td", null, manifestLink(f.manifest), el("div", { class: "small muted" }, m.dataset + " \u00b7 line " + f.line + ":" + f.column)),
          el("td", { class: "finding-msg" }, f.message,
            el("div", { class: "exp" }, "observed: " + f.observed + "; expected: " + f.expected),
            f.related.length ? el("div", { class: "exp" }, "related: ", f.related.map(function (p, i) {
              return [i ? ", " : "", p[0] === null ? p[1] + ":" + p[2] : manifestLink(p[0], p[1] + ":" + p[2])];
            })) : null,
            waiverNote(f.waiver)));
      })));
  }

  // Findings tab: state survives tab changes; filters narrow the rows, a page at a time.
  const filter = { verdicts: { fail: true, warn: true, error: true }, waived: true, rule: "", manifest: "", text: "", page: 0 };
  let haystack = null;
  function textOf(i) {
    if (haystack === null) haystack = new Array(ROWS.length);
    if (haystack[i] === undefined) {
      const row = ROWS[i];
      haystack[i] = [row[COL.rule], (RULES[row[COL.rule]] || {}).name || "", row[COL.message], row[COL.observed],
        DATA.strings[row[COL.expected]]].join(" ").toLowerCase();
    }
    return haystack[i];
  }
  function matching() {
    const out = [];
    const text = filter.text.trim().toLowerCase();
    const where = filter.manifest.trim().toLowerCase();
    const rule = filter.rule;
    const family = /xx$/.test(rule);
    for (let i = 0; i < ROWS.length; i++) {
      const row = ROWS[i];
      if (!filter.verdicts[row[COL.verdict]]) continue;
      if (!filter.waived && isWaived(row)) continue;
      if (rule && (family ? (RULES[row[COL.rule]] || {}).family !== rule : row[COL.rule] !== rule)) continue;
      if (where) { const m = MANIFESTS[row[COL.manifest]]; if ((m.path + " " + m.dataset).toLowerCase().indexOf(where) < 0) continue; }
      if (text && textOf(i).indexOf(text) < 0) continue;
      out.push(row);
    }
    return out;
  }
  function findingsView() {
    const results = el("div", { id: "finding-results" });
    function refresh() {
      clear(results);
      const rows = matching();
      const pages = Math.max(1, Math.ceil(rows.length / PAGE_FINDINGS));
      if (filter.page >= pages) filter.page = pages - 1;
      const go = function (p) { filter.page = p; refresh(); };
      append(results, [el("div", { class: "muted", id: "finding-count" }, plural(rows.length, "finding") + " shown of " + fmt(ROWS.length)),
        pager(rows.length, filter.page, PAGE_FINDINGS, go),
        findingsTable(rows.slice(filter.page * PAGE_FINDINGS, (filter.page + 1) * PAGE_FINDINGS)),
        rows.length > PAGE_FINDINGS ? pager(rows.length, filter.page, PAGE_FINDINGS, go) : null]);
    }
    function changed() { filter.page = 0; refresh(); }
    let timer = null;
    function typed(key) { return function (ev) { filter[key] = ev.target.value; clearTimeout(timer); timer = setTimeout(changed, 150); }; }
    const codes = new Set();
    ROWS.forEach(function (row) { codes.add(row[COL.rule]); });
    const families = new Set();
    codes.forEach(function (c) { families.add((RULES[c] || {}).family || c); });
    const ruleSelect = el("select", { id: "filter-rule", onchange: function (ev) { filter.rule = ev.target.value; changed(); } },
      el("option", { value: "" }, "all rules"),
      Array.from(families).sort().map(function (f) { return el("option", { value: f }, f + " (family)"); }),
      Array.from(codes).sort().map(function (c) { return el("option", { value: c }, c + " " + ((RULES[c] || {}).name || "")); }));
    ruleSelect.value = filter.rule;
    const controls = el("div", { class: "filters" },
      ["fail", "warn", "error"].map(function (v) {
        const box = el("input", { type: "checkbox", id: "filter-" + v, onchange: function (ev) { filter.verdicts[v] = ev.target.checked; changed(); } });
        box.checked = filter.verdicts[v];
        return el("label", null, box, v);
      }),
      (function () {
        const box = el("input", { type: "checkbox", id: "filter-waived", onchange: function (ev) { filter.waived = ev.target.checked; changed(); } });
        box.checked = filter.waived;
        return el("label", null, box, "waived");
      })(),
      el("label", null, "rule ", ruleSelect),
      (function () { const i = el("input", { type: "search", id: "filter-manifest", placeholder: "manifest path or dataset", oninput: typed("manifest") }); i.value = filter.manifest; return el("label", null, "manifest ", i); })(),
      (function () { const i = el("input", { type: "search", id: "filter-text", placeholder: "message, value, rule name", oninput: typed("text") }); i.value = filter.text; return el("label", null, "search ", i); })());
    refresh();
    return [el("h2", null, "Findings, worst first"), controls, results];
  }

  const mfilter = { verdict: "", text: "", page: 0 };
  function totalRecords(m) {
    let sum = 0, known = false;
    (m.splits || []).forEach(function (s) { s.sources.forEach(function (src) { const r = records(src); if (r !== null) { sum += r; known = true; } }); });
    return known ? sum : null;
  }
  function syntheticShare(m) {
    let syn = 0, all = 0;
    (m.splits || []).forEach(function (s) { s.sources.forEach(function (src) { const r = records(src); if (r !== null) { all += r; if (value(src, "origin") === "synthetic") syn += r; } }); });
    return all ? syn / all : null;
  }
  function manifestsView() {
    const results = el("div", { id: "manifest-results" });
    function refresh() {
      clear(results);
      const text = mfilter.text.trim().toLowerCase();
      const rows = [];
      MANIFESTS.forEach(function (m, i) {
        if (mfilter.verdict && m.verdict !== mfilter.verdict) return;
        if (text && (m.path + " " + m.dataset + " " + (m.task_type || "")).toLowerCase().indexOf(text) < 0) return;
        rows.push(i);
      });
      const go = function (p) { mfilter.page = p; refresh(); };
      const pageRows = rows.slice(mfilter.page * PAGE_MANIFESTS, (mfilter.page + 1) * PAGE_MANIFESTS);
      append(results, [pager(rows.length, mfilter.page, PAGE_MANIFESTS, go),
        el("table", null, el("thead", null, el("tr", null, ["verdict", "manifest", "task type", "stage", "records", "synthetic (declared)", "fail", "warn", "waived", "baselined"].map(function (h, k) {
          return el("th", { class: k >= 4 ? "num" : "" }, h);
        }))), el("tbody", null, pageRows.map(function (i) {
          const m = MANIFESTS[i];
          const share = syntheticShare(m), total = totalRecords(m);
          return el("tr", { class: "clickable", onclick: function () { location.hash = "#manifest/" + i; } },
            el("td", null, badge(m.verdict)), el("td", null, manifestLink(i), el("div", { class: "small muted" }, m.dataset)),
            el("td", null, (m.task_type || "unknown") + (m.verifiability && m.verifiability !== "unknown" ? " (" + m.verifiability + ")" : "")),
            el("td", null, m.stage || "unknown"), el("td", { class: "num" }, total === null ? "unknown" : fmt(total)),
            el("td", { class: "num" }, share === null ? "unknown" : pct(share)),
            el("td", { class: "num" }, fmt(m.counts[2])), el("td", { class: "num" }, fmt(m.counts[1])),
            el("td", { class: "num" }, fmt(m.waived)), el("td", { class: "num" }, fmt(m.baselined)));
        })))]);
    }
    const select = el("select", { id: "manifest-verdict", onchange: function (ev) { mfilter.verdict = ev.target.value; mfilter.page = 0; refresh(); } },
      el("option", { value: "" }, "any verdict"), VERDICTS.map(function (v) { return el("option", { value: v }, v); }));
    select.value = mfilter.verdict;
    let timer = null;
    const search = el("input", { type: "search", id: "manifest-text", placeholder: "path, dataset or task type", oninput: function (ev) {
      mfilter.text = ev.target.value; clearTimeout(timer); timer = setTimeout(function () { mfilter.page = 0; refresh(); }, 150);
    } });
    search.value = mfilter.text;
    refresh();
    return [el("h2", null, "Manifests"), el("div", { class: "filters" }, el("label", null, "verdict ", select), el("label", null, "search ", search)), results];
  }

  function manifestView(index) {
    const m = MANIFESTS[index];
    if (!m) return el("div", { class: "empty" }, "no such manifest");
    const facts = [];
    if (m.task_type) facts.push("task type " + m.task_type + (m.verifiability !== "unknown" ? " (" + m.verifiability + ")" : ""));
    if (m.stage) facts.push("stage " + m.stage);
    (m.targets || []).forEach(function (t) { facts.push((m.stage === "eval" ? "evaluates " : "trains ") + t.name + " (" + t.family + ")"); });
    if (m.judge) facts.push("judge " + m.judge.name + " (" + m.judge.family + ")");
    const parts = [
      el("p", null, el("a", { href: "#manifests" }, "\u2039 all manifests")),
      el("h2", null, badge(m.verdict), " ", el("span", { class: "mono" }, m.path)),
      el("div", null, el("strong", null, m.dataset), facts.length ? " \u00b7 " + facts.join(" \u00b7 ") : ""),
      el("div", { class: "muted small" }, fmt(m.counts[2]) + " fail, " + fmt(m.counts[1]) + " warn, " + fmt(m.counts[3]) + " error, " +
        fmt(m.counts[0]) + " passed checks; " + fmt(m.waived) + " waived, " + fmt(m.baselined) + " baselined"),
    ];
    if (!m.splits) {
      parts.push(el("div", { class: "empty" }, "The manifest could not be read again for its composition; only its findings are shown."));
    } else {
      const bands = m.bands || [];
      const all = [];
      m.splits.forEach(function (s) { s.sources.forEach(function (src) { all.push(src); }); });
      parts.push(el("h2", null, "Composition"),
        el("p", { class: "muted small" }, "Declared values" + (all.some(function (s) { return s.measured; }) ? " beside measured ones; a \u2260 marks where they disagree." :
          " (nothing in this report is measured). Lines on a bar are the policy's bands for this task type; the note under it gives the value the rule saw.")),
        compositionBlock("All splits", all, bands.filter(function (b) { return b.scope === "dataset" || b.scope === "sources"; })));
      if (m.splits.length > 1) {
        m.splits.forEach(function (split, i) {
          parts.push(compositionBlock("Split " + split.name, split.sources, bands.filter(function (b) { return b.scope === i; })));
        });
      }
      parts.push(el("h3", null, "Sources"), sourcesTable(m),
        el("h2", null, "Lineage"),
        el("p", { class: "muted small" }, "Sources left to right from what they were derived from; their generators, model families and the models trained or evaluated with the data. " +
          "A red or amber outline marks where a rule fired (hover for the rules); thick lines are links to other manifests found by cross-manifest rules (dashed: the other manifest's finding)."),
        el("div", { class: "lineage", id: "lineage" }, lineage(index)));
    }
    const own = findingsOf(index);
    parts.push(el("h2", null, "Findings"), findingsTable(own.slice(0, 500)),
      own.length > 500 ? el("p", null, el("a", { href: "#findings/manifest=" + encodeURIComponent(m.path) }, "all " + plural(own.length, "finding") + " \u203a")) : null);
    return parts;
  }

  function governance() {
    const ws = DATA.waivers;
    const active = ws.filter(function (w) { return w.status === "active"; }).length;
    const lapsed = ws.length - active;
    const ratchets = Object.keys(RULES).filter(function (c) { return RULES[c].enforce_from; });
    const baselined = MANIFESTS.map(function (m, i) { return i; }).filter(function (i) { return MANIFESTS[i].baselined; });
    const perRule = {};
    ROWS.forEach(function (row) { perRule[row[COL.rule]] = (perRule[row[COL.rule]] || 0) + 1; });
    return [
      el("h2", null, "Governance"),
      el("div", { class: "tiles" }, tile(active, "active waivers", "pass"), tile(lapsed, "lapsed waivers", lapsed ? "fail" : ""),
        tile(DATA.totals.waived, "findings waived"), tile(DATA.totals.baselined, "findings baselined"), tile(ratchets.length, "ratchets")),
      el("h3", null, "Waivers"),
      ws.length ? el("table", { id: "waivers" }, el("thead", null, el("tr", null, ["status", "rule", "covers", "scope", "owner", "reason", "expires", "written at", "ticket / approver"].map(function (h) { return el("th", null, h); }))),
        el("tbody", null, ws.map(function (w) {
          return el("tr", null, el("td", null, badge(w.status)), el("td", null, ruleLink(w.rule)),
            el("td", { class: "num" }, w.covers ? plural(w.covers, "finding") : "matches nothing"),
            el("td", null, (w.manifest !== null ? manifestLink(w.manifest) : (w.manifests.length ? "manifests " + w.manifests.join(", ") : "")), el("div", { class: "small muted" }, w.scope)),
            el("td", null, w.owner), el("td", null, w.reason),
            el("td", { class: w.status === "lapsed" ? "disagree" : "" }, w.expires + (w.status === "lapsed" ? " (lapsed)" : "")),
            el("td", { class: "mono small" }, w.file + ":" + w.line),
            el("td", { class: "small" }, [w.ticket, w.approver ? "approved by " + w.approver : null].filter(Boolean).join("; ") || "\u2014"));
        }))) : el("div", { class: "empty" }, "No waiver is written in these manifests or the central waivers file."),
      el("h3", null, "Ratchets"),
      ratchets.length ? el("table", null, el("thead", null, el("tr", null, ["rule", "name", "enforced from", "state", "findings now"].map(function (h) { return el("th", null, h); }))),
        el("tbody", null, ratchets.map(function (c) {
          const date = RULES[c].enforce_from;
          const enforced = DATA.today !== null && DATA.today >= date;
          return el("tr", null, el("td", null, ruleLink(c)), el("td", null, RULES[c].name), el("td", null, date),
            el("td", null, enforced ? "enforced: fails count" : "fails reported as warnings until then"), el("td", { class: "num" }, fmt(perRule[c] || 0)));
        }))) : el("div", { class: "empty" }, "No rule of the policy has an enforce_from date."),
      el("h3", null, "Baselined findings"),
      baselined.length ? el("table", null, el("tbody", null, baselined.slice(0, 500).map(function (i) {
        return el("tr", null, el("td", null, manifestLink(i)), el("td", { class: "num" }, plural(MANIFESTS[i].baselined, "finding") + " baselined"));
      }))) : el("div", { class: "empty" }, "No finding was left out by a baseline."),
    ];
  }

  function rulesView() {
    const codes = Object.keys(RULES);
    const counts = {};
    ROWS.forEach(function (row) { counts[row[COL.rule]] = (counts[row[COL.rule]] || 0) + 1; });
    return [el("h2", null, "Rules of the policy"), codes.map(function (code) {
      const r = RULES[code];
      const facts = [["Applies to", r.applies], ["Check", r.check], ["Verdicts", r.severity === "warn" ? "warn at worst" : r.severity === "off" ? "off" : "warn or fail"]];
      if (r.basis) facts.push(["Thresholds", r.basis]);
      if (r.enforce_from) facts.push(["Enforced from", r.enforce_from]);
      if (!r.waivable) facts.push(["Waivable", "no"]);
      return el("section", { class: "card rule", id: "rule-" + code },
        el("h3", null, el("span", { class: "mono" }, code), " " + r.name, " ",
          counts[code] ? el("a", { href: "#findings/rule=" + encodeURIComponent(code), class: "small" }, plural(counts[code], "finding")) : null),
        el("div", null, r.summary),
        el("dl", null, facts.map(function (f) { return [el("dt", null, f[0]), el("dd", null, f[1])]; }),
          r.why ? [el("dt", null, "Why"), el("dd", null, r.why)] : null,
          r.fix ? [el("dt", null, "What to do"), el("dd", null, r.fix)] : null,
          r.references.length ? [el("dt", null, "References"), el("dd", null, el("ul", null, r.references.map(function (ref) {
            const label = ref.authors + " (" + ref.year + "). " + ref.title + (ref.venue ? ". " + ref.venue : "") + (ref.id ? ". " + ref.id : "");
            return el("li", null, /^https?:\/\//.test(ref.url) ? el("a", { href: ref.url, rel: "noreferrer noopener" }, label) : label);
          })))] : null));
    })];
  }

  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    const parts = hash.split("/");
    let tab = parts[0] || "overview";
    clear(main);
    if (tab === "manifest") { append(main, manifestView(+parts[1])); tab = "manifests"; }
    else if (tab === "rule") { append(main, rulesView()); tab = "rules"; }
    else if (tab === "findings") {
      const preset = parts.slice(1).join("/");
      if (preset) {
        const eq = preset.indexOf("=");
        const key = preset.slice(0, eq), val = preset.slice(eq + 1);
        if (key === "rule") { filter.rule = val; filter.manifest = ""; } else if (key === "manifest") { filter.manifest = val; filter.rule = ""; }
        filter.page = 0;
      }
      append(main, findingsView());
    }
    else if (tab === "manifests") append(main, manifestsView());
    else if (tab === "governance") append(main, governance());
    else if (tab === "rules") append(main, rulesView());
    else { tab = "overview"; append(main, overview()); }
    Object.keys(tabLinks).forEach(function (k) { tabLinks[k].className = k === tab ? "active" : ""; });
    if (parts[0] === "rule") {
      const card = document.getElementById("rule-" + parts[1]);
      if (card) { card.classList.add("target"); card.scrollIntoView(); }
    } else {
      window.scrollTo(0, 0);
    }
  }

  append(app, [header(), main]);
  window.addEventListener("hashchange", route);
  route();
  document.documentElement.setAttribute("data-ready", "true");
})();
