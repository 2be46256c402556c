/* spytrace report: the timeline browser and the chart of events per day.
   It unpacks the embedded timeline chunks only as they are shown, writes evidence only
   through textContent, and fetches nothing (the page's Content-Security-Policy forbids it). */
(() => {
  'use strict';
  const PAGE = 100;
  const HOUR = 3600000;
  const DAY = 86400000;
  const $ = (id) => document.getElementById(id);

  for (const node of document.querySelectorAll('.js-only')) node.hidden = false;
  window.addEventListener('beforeprint', () => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });

  const indexNode = $('timeline-index');
  if (!indexNode) return;
  const index = JSON.parse(indexNode.textContent);
  const blocks = document.querySelectorAll('script.tl-chunk');
  const statusNode = $('tl-status');
  const say = (text) => { if (statusNode) statusNode.textContent = text; };
  const fmt = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const number = (n) => n.toLocaleString('en');

  const controls = {
    artifact: $('tl-artifact'),
    text: $('tl-text'),
    ioc: $('tl-ioc'),
    day: $('tl-day'),
    windowBox: $('tl-window-box'),
    windowText: $('tl-window'),
  };
  const state = { artifact: -1, text: '', ioc: false, from: null, to: null, page: 0, focus: null };

  /* ---- chunks: base64 → gzip → JSON, on demand, once each ---- */
  const cache = new Map();
  const chunk = (i) => {
    let pending = cache.get(i);
    if (!pending) {
      pending = inflate(i);
      cache.set(i, pending);
    }
    return pending;
  };
  async function inflate(i) {
    const binary = atob(blocks[i].textContent.trim());
    const bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    const data = JSON.parse(await new Response(stream).text());
    // A chunk numbers its own artifacts and indicator texts: its numbers become the index's.
    const artifactOf = data.A.map((name) => index.artifacts.indexOf(name));
    data.a = data.a.map((k) => artifactOf[k]);
    const iocOf = data.I.map((text) => index.iocs.indexOf(text));
    data.i = data.i.map((k) => iocOf[k]);
    const times = new Array(data.t.length);
    let at = index.chunks[i].t0;
    for (let k = 0; k < data.t.length; k++) {
      at += data.t[k];
      times[k] = at;
    }
    data.t = times;
    return data;
  }

  function hay(c, k) {
    if (!c.h) c.h = [];
    let text = c.h[k];
    if (text === undefined) {
      text = [c.m[k], c.D[c.d[k]], c.S[c.s[k]], c.l[k], index.artifacts[c.a[k]], index.iocs[c.i[k]]]
        .join('\n').toLowerCase();
      c.h[k] = text;
    }
    return text;
  }

  function keeps(c, k, q) {
    if (q.artifact >= 0 && c.a[k] !== q.artifact) return false;
    if (q.ioc && !c.i[k]) return false;
    if (q.from !== null && (c.t[k] < q.from || c.t[k] > q.to)) return false;
    return !q.text || hay(c, k).includes(q.text);
  }

  /* ---- a query: which chunks, and which rows in them, match the filters ---- */
  let generation = 0;
  async function query() {
    const mine = ++generation;
    const q = {
      artifact: state.artifact,
      text: state.text.trim().toLowerCase(),
      ioc: state.ioc,
      from: state.from,
      to: state.to,
    };
    // Only an artifact filter: the chunk counts answer without unpacking anything.
    const counted = !q.text && !q.ioc && q.from === null;
    const pieces = [];
    let total = 0;
    for (let i = 0; i < index.chunks.length; i++) {
      const meta = index.chunks[i];
      if (q.from !== null && (meta.t1 < q.from || meta.t0 > q.to)) continue;
      const n = q.artifact >= 0 ? meta.a[q.artifact] : meta.n;
      if (!n || (q.ioc && !meta.x)) continue;
      if (counted) {
        pieces.push({ i, n, rows: null });
        total += n;
        continue;
      }
      if (!cache.has(i)) say(`Searching… ${Math.round((100 * i) / index.chunks.length)}%`);
      const c = await chunk(i);
      if (mine !== generation) return null;
      const rows = [];
      for (let k = 0; k < c.m.length; k++) if (keeps(c, k, q)) rows.push(k);
      if (rows.length) {
        pieces.push({ i, n: rows.length, rows });
        total += rows.length;
      }
    }
    return { q, pieces, total, mine };
  }

  async function rowsOf(piece, q) {
    if (!piece.rows) {
      const c = await chunk(piece.i);
      const rows = [];
      for (let k = 0; k < c.m.length; k++) if (q.artifact < 0 || c.a[k] === q.artifact) rows.push(k);
      piece.rows = rows;
    }
    return piece.rows;
  }

  const isFocus = (c, k, f) =>
    f && c.l[k] === f.locator && c.S[c.s[k]] === f.source && index.artifacts[c.a[k]] === f.artifact;

  async function locate(result, focus) {
    let position = 0;
    for (const piece of result.pieces) {
      const c = await chunk(piece.i);
      const rows = await rowsOf(piece, result.q);
      for (let j = 0; j < rows.length; j++) if (isFocus(c, rows[j], focus)) return position + j;
      position += rows.length;
    }
    return -1;
  }

  /* ---- the table ---- */
  function cell(row, text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    row.append(td);
    return td;
  }

  async function show() {
    const result = await query();
    if (!result) return;
    const pages = Math.max(1, Math.ceil(result.total / PAGE));
    if (state.focus) {
      const position = await locate(result, state.focus);
      if (position >= 0) state.page = Math.floor(position / PAGE);
    }
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    const start = state.page * PAGE;
    let skip = start;
    const shown = [];
    for (const piece of result.pieces) {
      if (shown.length >= PAGE) break;
      if (skip >= piece.n) {
        skip -= piece.n;
        continue;
      }
      const c = await chunk(piece.i);
      const rows = await rowsOf(piece, result.q);
      for (let j = skip; j < rows.length && shown.length < PAGE; j++) shown.push([c, rows[j]]);
      skip = 0;
    }
    if (result.mine !== generation) return;
    const fragment = document.createDocumentFragment();
    for (const [c, k] of shown) {
      const row = document.createElement('tr');
      if (c.i[k]) row.classList.add('ioc');
      cell(row, fmt(c.t[k]));
      cell(row, index.artifacts[c.a[k]]);
      const what = cell(row, c.m[k]);
      const desc = document.createElement('span');
      desc.className = 'desc';
      desc.textContent = c.D[c.d[k]];
      what.append(desc);
      if (c.i[k]) {
        const tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = `matches ${index.iocs[c.i[k]]} indicators`;
        what.append(tag);
      }
      cell(row, `${c.S[c.s[k]]} · ${c.l[k]}`, 'where');
      if (isFocus(c, k, state.focus)) {
        row.classList.add('focus');
        row.tabIndex = -1;
      }
      fragment.append(row);
    }
    $('tl-rows').replaceChildren(fragment);
    const filters = [];
    if (result.q.artifact >= 0) filters.push(`artifact ${index.artifacts[result.q.artifact]}`);
    if (result.q.text) filters.push(`text “${state.text.trim()}”`);
    if (result.q.ioc) filters.push('indicator matches only');
    if (result.q.from !== null) filters.push(`${fmt(result.q.from)} to ${fmt(result.q.to)} UTC`);
    const scope = filters.length ? ` (${filters.join('; ')})` : '';
    say(
      result.total
        ? `Events ${number(start + 1)}–${number(start + shown.length)} of ${number(result.total)}${scope}.`
        : `No event matches${scope}.`,
    );
    $('tl-page').textContent = `Page ${number(state.page + 1)} of ${number(pages)}`;
    $('tl-first').disabled = $('tl-prev').disabled = state.page === 0;
    $('tl-next').disabled = $('tl-last').disabled = state.page >= pages - 1;
    document.body.dataset.timelineRows = String(shown.length);
  }

  const refresh = () =>
    show().catch((error) => {
      say(`The timeline could not be shown: ${error}. timeline.csv holds every event.`);
      console.error(error);
    });

  function setWindow(from, to, label) {
    state.from = from;
    state.to = to;
    controls.windowBox.hidden = false;
    controls.windowText.textContent = `${label}: ${fmt(from)} to ${fmt(to)} UTC`;
  }

  function clearWindow() {
    state.from = state.to = null;
    state.focus = null;
    controls.windowBox.hidden = true;
    if (controls.day) controls.day.value = '';
  }

  function reset() {
    state.page = 0;
    state.focus = null;
  }

  /* ---- jumping to a finding ---- */
  function jumpTo(id) {
    const finding = index.findings.find((f) => f.id === id);
    if (!finding || finding.t === null) return;
    state.artifact = -1;
    controls.artifact.value = '-1';
    state.text = controls.text.value = '';
    state.ioc = controls.ioc.checked = false;
    state.page = 0;
    setWindow(finding.t - HOUR, finding.t + HOUR, 'Within an hour of the finding');
    state.focus = { source: finding.source, locator: finding.locator, artifact: finding.artifact };
    drawChart();
    show()
      .then(() => {
        const row = document.querySelector('#tl-rows tr.focus');
        if (row) row.focus();
        else $('browse-h').scrollIntoView();
      })
      .catch((error) => {
        say(`The timeline could not be shown: ${error}.`);
        console.error(error);
      });
  }

  /* ---- the chart ---- */
  const staticBox = $('chart-static');
  const live = $('chart-live');
  const svgNs = staticBox ? staticBox.querySelector('svg').namespaceURI : null;

  function node(name, attributes, title) {
    const element = document.createElementNS(svgNs, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (title) {
      const label = document.createElementNS(svgNs, 'title');
      label.textContent = title;
      element.append(label);
    }
    return element;
  }

  function text(svg, x, y, content, anchor) {
    const label = node('text', { x, y, class: 'tick', 'text-anchor': anchor || 'start' });
    label.textContent = content;
    svg.append(label);
  }

  function drawChart() {
    if (!staticBox || !live || !index.days.length) return;
    const first = index.days[0][0];
    const last = index.days[index.days.length - 1][0];
    const span = last - first + 1;
    const size = Math.max(1, Math.ceil(span / index.maxBars));
    const count = Math.ceil(span / size);
    const bins = new Array(count).fill(0);
    for (const [day, artifact, n] of index.days) {
      if (state.artifact < 0 || artifact === state.artifact) bins[Math.floor((day - first) / size)] += n;
    }
    const width = 800, height = 160, left = 48, top = 14, bottom = 22;
    const plotWidth = width - left - 8, plotHeight = height - top - bottom;
    const step = plotWidth / count;
    const peak = bins.reduce((a, b) => Math.max(a, b), 1);
    const unit = size === 1 ? 'day' : `${size} days`;
    const svg = node('svg', {
      viewBox: `0 0 ${width} ${height}`,
      class: 'chart-svg',
      role: 'group',
      'aria-label': `Events per ${unit}${state.artifact >= 0 ? ` in ${index.artifacts[state.artifact]}` : ''}; marks are findings`,
    });
    svg.append(node('line', { x1: left, y1: top + plotHeight, x2: width - 8, y2: top + plotHeight, class: 'axis' }));
    text(svg, left - 4, top + 4, number(peak), 'end');
    text(svg, left - 4, top + plotHeight, '0', 'end');
    text(svg, left, height - 4, fmt(first * DAY).slice(0, 10));
    text(svg, width - 8, height - 4, fmt(last * DAY).slice(0, 10), 'end');
    bins.forEach((n, b) => {
      if (!n) return;
      const h = Math.max((plotHeight * n) / peak, 1);
      const from = (first + b * size) * DAY;
      const bar = node(
        'rect',
        { x: left + b * step, y: top + plotHeight - h, width: Math.max(step * 0.85, 0.6), height: h, class: 'bar hit' },
        `${fmt(from).slice(0, 10)}: ${number(n)} event${n === 1 ? '' : 's'}`,
      );
      if (state.from !== null && from <= state.to && from + size * DAY > state.from) bar.classList.add('active');
      bar.addEventListener('click', () => {
        reset();
        setWindow(from, from + size * DAY - 1, size === 1 ? 'That day' : `Those ${size} days`);
        drawChart();
        refresh();
      });
      svg.append(bar);
    });
    const marked = new Map();
    for (const finding of index.findings) {
      if (finding.t === null) continue;
      const b = Math.floor((Math.floor(finding.t / DAY) - first) / size);
      if (b < 0 || b >= count) continue;
      if (!marked.has(b)) marked.set(b, []);
      marked.get(b).push(finding);
    }
    for (const [b, findings] of marked) {
      const x = left + (b + 0.5) * step;
      const label =
        findings.length === 1
          ? `Finding: ${findings[0].label}`
          : `${findings.length} findings; first: ${findings[0].label}`;
      const mark = node(
        'path',
        { d: `M${x - 5} 1 L${x + 5} 1 L${x} 11 Z`, class: 'mark hit', tabindex: 0, role: 'button', 'aria-label': label },
        label,
      );
      const go = () => jumpTo(findings[0].id);
      mark.addEventListener('click', go);
      mark.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          go();
        }
      });
      svg.append(mark);
    }
    live.replaceChildren(svg);
    staticBox.hidden = true;
  }

  /* ---- wiring ---- */
  for (const button of document.querySelectorAll('button.jump')) {
    button.addEventListener('click', () => jumpTo(button.dataset.finding));
  }
  drawChart();
  if (!controls.artifact || !index.total) return;

  const perArtifact = index.artifacts.map((_, a) => index.chunks.reduce((n, c) => n + c.a[a], 0));
  controls.artifact.options[0].textContent = `All artifacts (${number(index.total)})`;
  index.artifacts
    .map((name, a) => [name, a])
    .sort((x, y) => (x[0] < y[0] ? -1 : 1))
    .forEach(([name, a]) => {
      const option = document.createElement('option');
      option.value = String(a);
      option.textContent = `${name} (${number(perArtifact[a])})`;
      controls.artifact.append(option);
    });
  if (controls.day && index.days.length) {
    controls.day.min = fmt(index.days[0][0] * DAY).slice(0, 10);
    controls.day.max = fmt(index.days[index.days.length - 1][0] * DAY).slice(0, 10);
  }

  $('tl-form').addEventListener('submit', (event) => event.preventDefault());
  controls.artifact.addEventListener('change', () => {
    state.artifact = Number(controls.artifact.value);
    reset();
    drawChart();
    refresh();
  });
  let typing = 0;
  controls.text.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.text = controls.text.value;
      reset();
      refresh();
    }, 250);
  });
  controls.ioc.addEventListener('change', () => {
    state.ioc = controls.ioc.checked;
    reset();
    refresh();
  });
  if (controls.day) {
    controls.day.addEventListener('change', () => {
      const day = Date.parse(`${controls.day.value}T00:00:00Z`);
      reset();
      if (Number.isNaN(day)) clearWindow();
      else setWindow(day, day + DAY - 1, 'That day');
      drawChart();
      refresh();
    });
  }
  $('tl-all-times').addEventListener('click', () => {
    clearWindow();
    reset();
    drawChart();
    refresh();
  });
  const page = (to) => () => {
    state.focus = null;
    state.page = to();
    refresh();
  };
  $('tl-first').addEventListener('click', page(() => 0));
  $('tl-prev').addEventListener('click', page(() => state.page - 1));
  $('tl-next').addEventListener('click', page(() => state.page + 1));
  $('tl-last').addEventListener('click', page(() => Number.MAX_SAFE_INTEGER));

  if (typeof DecompressionStream !== 'function') {
    say('This browser cannot unpack the embedded timeline (it lacks DecompressionStream): timeline.csv beside this report holds every event.');
    return;
  }
  refresh();
})();
