// The classroom page: levers snap to the simulated grid points; numbers, charts and the
// watched citizens follow at once. Hand-written, no libraries, nothing fetched.
'use strict';

const D = JSON.parse(document.getElementById('lesson-data').textContent);
const SVGNS = 'http://www.w3.org/2000/svg';
const YEARS = Math.round(D.horizon_days / 365);
const state = { pos: D.levers.map(l => l.start), day: 0, playing: false, speed: 30, person: null };
const violations = [];
document.addEventListener('securitypolicyviolation', e => violations.push(e.blockedURI || 'blocked'));

// ----- small helpers -----
function el(tag, attrs, parent, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function svg(tag, attrs, parent, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
const pct = x => (x * 100).toFixed(1) + '%';
const days = x => Math.round(x).toLocaleString('en-US');
const euro = x => (x < 0 ? '−€' : '€') + Math.round(Math.abs(x)).toLocaleString('en-US');
function dayWords(d) {
  const y = Math.floor(d / 365), m = Math.floor((d % 365) / 30.44);
  return 'day ' + d + ' (year ' + (y + 1) + ', month ' + (m + 1) + ')';
}
function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

// ----- where we are in the grid -----
function pointIndex() {
  let p = 0;
  D.levers.forEach((l, k) => { p = p * l.labels.length + state.pos[k]; });
  return p;
}
function runsNow() { return D.point_runs[pointIndex()].map(i => D.runs[i]); }
function number(run, name) { return run.numbers[D.shown.indexOf(name)]; }

// ----- the address holds the state -----
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  D.levers.forEach((l, k) => {
    const v = h.get(l.id);
    if (v === null) return;
    const i = l.labels.indexOf(v);
    if (i >= 0) state.pos[k] = i;
    else if (/^\d+$/.test(v) && +v < l.labels.length) state.pos[k] = +v;
  });
  const day = parseInt(h.get('day'), 10);
  if (day >= 0) state.day = Math.min(day, D.horizon_days - 1);
  const person = h.get('person');
  state.person = person !== null && D.watched.indexOf(+person) >= 0 ? D.watched.indexOf(+person) : null;
  return h;
}
function writeHash() {
  const h = new URLSearchParams();
  D.levers.forEach((l, k) => h.set(l.id, l.labels[state.pos[k]]));
  if (state.day > 0) h.set('day', String(state.day));
  if (state.person !== null) h.set('person', String(D.watched[state.person]));
  const test = new URLSearchParams(location.hash.slice(1)).get('test');
  if (test) h.set('test', test);
  history.replaceState(null, '', '#' + h.toString());
}

// ----- levers -----
function buildLevers() {
  const box = document.getElementById('levers');
  D.levers.forEach((l, k) => {
    const div = el('div', { class: 'lever' }, box);
    const scope = l.applies_to.length === D.regimes.length ? 'both sides'
      : 'only ' + l.applies_to.map(r => D.regimes[r].label).join(', ');
    const head = el('label', { class: 'lever-name', for: 'lever-' + l.id }, div, l.label + ': ');
    el('span', { class: 'lever-value', id: 'value-' + l.id }, head);
    el('span', { class: 'lever-scope' }, div, '(' + scope + ')');
    if (l.explain) el('p', { class: 'lever-explain' }, div, l.explain);
    if (l.labels.length === 2) {
      const sw = el('label', { class: 'switch' }, div);
      el('span', {}, sw, l.labels[0]);
      const input = el('input', { type: 'checkbox', id: 'lever-' + l.id, role: 'switch' }, sw);
      el('span', {}, sw, l.labels[1]);
      input.addEventListener('change', () => { state.pos[k] = input.checked ? 1 : 0; changed(); });
    } else {
      const input = el('input', { type: 'range', id: 'lever-' + l.id, min: 0, max: l.labels.length - 1, step: 1 }, div);
      const ticks = el('div', { class: 'ticks' }, div);
      l.labels.forEach(t => el('span', {}, ticks, t));
      input.addEventListener('input', () => { state.pos[k] = +input.value; changed(); });
    }
  });
}
function showLevers() {
  D.levers.forEach((l, k) => {
    const input = document.getElementById('lever-' + l.id);
    if (input.type === 'checkbox') input.checked = state.pos[k] === 1;
    else input.value = state.pos[k];
    document.getElementById('value-' + l.id).textContent = l.labels[state.pos[k]];
  });
}

// ----- numbers -----
const ROWS = [
  ['reconviction_1y', 'Convicted again within 1 year', 'share of people', pct],
  ['reconviction_2y', 'Convicted again within 2 years', 'share of people', pct],
  ['reconviction_5y', 'Convicted again within 5 years', 'share of people', pct],
  ['days_homeless', 'Days on the street', 'days per person, ' + YEARS + ' years', days],
  ['days_without_income', 'Days without any income', 'days per person, ' + YEARS + ' years', days],
  ['days_active_addiction', 'Days in active addiction', 'days per person, ' + YEARS + ' years', days],
  ['cost_societal', 'Cost to society', 'euros per person (today\'s value)', euro],
];
function buildTable() {
  const t = document.getElementById('headline');
  const head = el('tr', {}, el('thead', {}, t));
  el('th', {}, head, '');
  D.regimes.forEach(r => {
    const th = el('th', { title: r.explain }, head);
    el('span', { class: 'swatch', style: 'background:' + r.colour }, th);
    th.appendChild(document.createTextNode(r.label));
  });
  const body = el('tbody', {}, t);
  ROWS.forEach(([name, label, unit]) => {
    if (D.shown.indexOf(name) < 0 || D.runs[0].numbers[D.shown.indexOf(name)] === null) return;
    const tr = el('tr', {}, body);
    const td = el('td', {}, tr, label);
    el('br', {}, td);
    el('span', { class: 'note' }, td, unit);
    D.regimes.forEach((r, k) => el('td', { id: 'n-' + k + '-' + name }, tr));
  });
}
function showTable(runs) {
  ROWS.forEach(([name, , , fmt]) => runs.forEach((run, k) => {
    const cell = document.getElementById('n-' + k + '-' + name);
    if (cell) cell.textContent = fmt(number(run, name));
  }));
}

// ----- charts -----
function chartFrame(figId, w, h) {
  const fig = document.getElementById(figId);
  const old = fig.querySelector('svg');
  if (old) old.remove();
  return svg('svg', { class: 'chart', viewBox: '0 0 ' + w + ' ' + h, role: 'img' }, fig);
}
function legend(s, x, y) {
  D.regimes.forEach((r, k) => {
    svg('rect', { x: x, y: y + k * 24 - 13, width: 16, height: 16, fill: r.colour }, s);
    svg('text', { x: x + 22, y: y + k * 24, 'font-size': 17 }, s, r.label);
  });
}
function drawCurve(runs) {
  const W = 560, H = 330, L = 66, R = 16, T = 14, B = 56;
  const s = chartFrame('fig-curve', W, H);
  const n = runs[0].curve.length;
  const maxDay = (n - 1) * D.curve_step_days;
  const top = niceMax(Math.max(...runs.map(r => Math.max(...r.curve))));
  const x = d => L + (W - L - R) * d / maxDay;
  const y = v => T + (H - T - B) * (1 - v / top);
  const grid = svg('g', { class: 'grid' }, s);
  for (let k = 0; k <= 4; k++) {
    const v = top * k / 4;
    svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }, grid);
    svg('text', { x: L - 6, y: y(v) + 6, 'text-anchor': 'end', 'font-size': 17 }, s, Math.round(v * 100) + '%');
  }
  for (let yr = 0; yr * 365 <= maxDay; yr++) {
    svg('line', { x1: x(yr * 365), x2: x(yr * 365), y1: T, y2: H - B }, grid);
    svg('text', { x: x(yr * 365), y: H - B + 21, 'text-anchor': 'middle', 'font-size': 17 }, s, String(yr));
  }
  svg('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 17 }, s, 'years since release');
  svg('text', { transform: 'translate(18,' + (T + (H - T - B) / 2) + ') rotate(-90)', 'text-anchor': 'middle', 'font-size': 17 }, s, '% convicted again');
  runs.forEach((run, k) => {
    const pts = run.curve.map((v, i) => x(i * D.curve_step_days).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
    svg('polyline', { points: pts, fill: 'none', stroke: D.regimes[k].colour, 'stroke-width': 3.5 }, s);
  });
  legend(s, L + 14, T + 22);
}
function hbars(figId, groups, unitLabel, fmt, note) {
  // groups: [{label, values: [per regime], note?}]
  const W = 560, L = 8, R = 120, rowH = 30, T = 6;
  const groupH = g => 26 + rowH * D.regimes.length + (g.note ? 24 : 0) + 16;
  const H = T + groups.reduce((a, g) => a + groupH(g), 0) + 30;
  const s = chartFrame(figId, W, H);
  const top = niceMax(Math.max(1, ...groups.flatMap(g => g.values.map(Math.abs))));
  const x = v => L + (W - L - R) * v / top;
  let yy = T;
  groups.forEach((g, gi) => {
    svg('text', { x: L, y: yy + 19, 'font-size': 18, 'font-weight': 700 }, s, g.label);
    yy += 26;
    g.values.forEach((v, k) => {
      svg('rect', { x: L, y: yy, width: Math.max(1, x(v) - L), height: rowH - 7, fill: D.regimes[k].colour }, s);
      svg('text', { x: x(v) + 6, y: yy + rowH - 12, 'font-size': 17, id: figId + '-' + gi + '-' + k }, s, fmt(v));
      yy += rowH;
    });
    if (g.note) {
      svg('text', { x: L, y: yy + 16, 'font-size': 16, 'font-style': 'italic', fill: '#333' }, s, g.note);
      yy += 24;
    }
    yy += 16;
  });
  svg('line', { x1: L, x2: W - R, y1: yy, y2: yy, stroke: '#777' }, s);
  svg('text', { x: L, y: yy + 22, 'font-size': 16 }, s, '0');
  svg('text', { x: W - R, y: yy + 22, 'font-size': 16, 'text-anchor': 'end' }, s, fmt(top));
  svg('text', { x: (L + W - R) / 2, y: yy + 22, 'font-size': 16, 'text-anchor': 'middle' }, s, unitLabel);
  if (note) el('p', { class: 'note' }, s.parentNode, note);
}
function drawDays(runs) {
  hbars('fig-days', [
    { label: 'days on the street', values: runs.map(r => number(r, 'days_homeless')) },
    { label: 'days without any income', values: runs.map(r => number(r, 'days_without_income')) },
  ], 'days per person over ' + YEARS + ' years', days);
}
function drawPayers(runs) {
  const fig = document.getElementById('fig-payers');
  fig.querySelectorAll('p.note').forEach(p => p.remove());
  const groups = D.payers.map(([name, words]) => {
    const values = runs.map(r => number(r, 'cost_' + name));
    const diff = values[1] - values[0];
    const who = D.regimes[1].label.toLowerCase();
    const verdict = Math.abs(diff) < 0.5 ? 'the same under ' + who
      : diff > 0 ? 'pays ' + euro(diff) + ' more under ' + who : 'gains ' + euro(-diff) + ' under ' + who;
    return { label: words, values: values, note: verdict };
  });
  hbars('fig-payers', groups, 'euros per person, ' + YEARS + ' years', euro,
    'Gains and extra pay are per person, compared with ' + D.regimes[0].label.toLowerCase() +
    '. Future years count a little less (discounted). Benefits count for the municipality ' +
    'but not in the cost to society: that money moves between people.');
}

// ----- watch the citizens -----
const SLOT = 12, COLS = Math.ceil(Math.sqrt(D.watched.length)), LABEL = 40;
const BOX = Math.max(COLS * SLOT + 14, 164);
// Phones get two boxes a row, so that the words stay readable.
const BOXES_PER_ROW = window.innerWidth < 600 ? 2 : 3;
const BOX_ORDER = [0, 5, 2, 1, 3, 4]; // prison, care, shelter / street, supported, home
const fields = [];
const decoded = new Map();
function spotsOf(runIndex) {
  if (decoded.has(runIndex)) return decoded.get(runIndex);
  const run = D.runs[runIndex];
  const out = run.spots.map(rle => {
    const a = new Uint8Array(D.horizon_days);
    let d = 0;
    for (let i = 0; i < rle.length; i += 2) { a.fill(rle[i], d, d + rle[i + 1]); d += rle[i + 1]; }
    return a;
  });
  decoded.set(runIndex, out);
  return out;
}
function boxOrigin(spot) {
  const slot = BOX_ORDER.indexOf(spot);
  return [6 + (slot % BOXES_PER_ROW) * (BOX + 16), 6 + Math.floor(slot / BOXES_PER_ROW) * (BOX + LABEL + 8)];
}
function buildFields() {
  const box = document.getElementById('fields');
  const rows = Math.ceil(D.spots.length / BOXES_PER_ROW);
  const W = 4 + BOXES_PER_ROW * (BOX + 16), H = 12 + rows * (BOX + LABEL + 8);
  D.regimes.forEach((r, k) => {
    const div = el('div', { class: 'field' }, box);
    const h = el('h3', {}, div);
    el('span', { class: 'swatch', style: 'background:' + r.colour }, h);
    h.appendChild(document.createTextNode(r.label));
    const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, id: 'field-' + k, role: 'img' }, div);
    const counts = [];
    D.spots.forEach(([, words], spot) => {
      const [x0, y0] = boxOrigin(spot);
      const g = svg('g', { class: 'box' }, s);
      svg('rect', { x: x0, y: y0 + LABEL, width: BOX, height: BOX, rx: 6 }, g);
      svg('text', { x: x0 + 2, y: y0 + 16, 'font-weight': 700 }, g, words);
      counts[spot] = svg('text', { x: x0 + 2, y: y0 + 34 }, g, '');
    });
    const dots = D.watched.map((citizen, i) => {
      const c = svg('circle', { r: 4.2, cx: 0, cy: 0, fill: r.colour, class: 'dot', 'data-person': citizen }, s);
      svg('title', {}, c, 'person ' + citizen + ': click for the life story');
      c.addEventListener('click', () => openStory(i));
      return c;
    });
    fields.push({ dots: dots, counts: counts });
  });
}
function showField() {
  const runs = D.point_runs[pointIndex()];
  runs.forEach((runIndex, k) => {
    const spots = spotsOf(runIndex);
    const f = fields[k];
    const n = new Array(D.spots.length).fill(0);
    f.dots.forEach((c, i) => {
      const spot = spots[i][state.day];
      n[spot]++;
      const [x0, y0] = boxOrigin(spot);
      const pad = (BOX - COLS * SLOT) / 2;
      const x = x0 + pad + SLOT / 2 + (i % COLS) * SLOT, y = y0 + LABEL + pad + SLOT / 2 + Math.floor(i / COLS) * SLOT;
      const t = 'translate(' + x + 'px,' + y + 'px)';
      if (c.style.transform !== t) c.style.transform = t;
      c.classList.toggle('selected', state.person === i);
    });
    D.spots.forEach((_, spot) => { f.counts[spot].textContent = n[spot] + (n[spot] === 1 ? ' person' : ' people'); });
  });
  document.getElementById('day-counter').textContent = dayWords(state.day);
  document.getElementById('day-slider').value = state.day;
}

// ----- the clock -----
let timer = null, carry = 0;
function setPlaying(on) {
  state.playing = on;
  document.getElementById('play').textContent = on ? '❚❚ Pause' : '▶ Play';
  if (on && !timer) timer = setInterval(tick, 100);
  if (!on && timer) { clearInterval(timer); timer = null; writeHash(); }
}
function tick() {
  carry += state.speed / 10;
  const steps = Math.floor(carry);
  carry -= steps;
  if (steps === 0) return;
  state.day = Math.min(D.horizon_days - 1, state.day + steps);
  if (state.day >= D.horizon_days - 1) setPlaying(false);
  showField();
  if (state.person !== null) markStoryDay();
}

// ----- life stories -----
function openStory(i) {
  state.person = i;
  renderStory();
  showField();
  writeHash();
  document.getElementById('story').scrollIntoView({ behavior: 'smooth', block: 'start' });
}
function renderStory() {
  const box = document.getElementById('story');
  if (state.person === null) { box.hidden = true; return; }
  const i = state.person;
  const runs = runsNow();
  box.hidden = false;
  document.getElementById('story-title').textContent = 'Life story of person ' + D.watched[i] + ': the same person under both kinds of care';
  document.getElementById('story-profile').textContent = D.strings[runs[0].profiles[i]];
  const cols = document.getElementById('story-columns');
  cols.textContent = '';
  runs.forEach((run, k) => {
    const col = el('div', {}, cols);
    const h = el('h3', {}, col);
    el('span', { class: 'swatch', style: 'background:' + D.regimes[k].colour }, h);
    h.appendChild(document.createTextNode(D.regimes[k].label));
    const e = run.ends[i];
    el('p', { class: 'note' }, col, 'After ' + YEARS + ' years: ' + e[0] + ' offences, ' + e[1] + ' convictions, ' +
      e[2] + ' days back in prison, ' + e[3] + ' days on the street, ' + e[4] + ' days without income, ' +
      e[5] + ' days in active addiction.');
    const ol = el('ol', {}, col);
    const ev = run.events[i];
    for (let j = 0; j < ev.length; j += 2) {
      const li = el('li', { 'data-day': ev[j] }, ol);
      el('span', { class: 'when' }, li, 'day ' + ev[j]);
      li.appendChild(document.createTextNode(D.strings[ev[j + 1]]));
    }
  });
  markStoryDay();
}
function markStoryDay() {
  document.querySelectorAll('#story li').forEach(li => li.classList.toggle('future', +li.dataset.day > state.day));
}

// ----- everything that follows a lever -----
function changed() {
  showLevers();
  const runs = runsNow();
  showTable(runs);
  drawCurve(runs);
  drawDays(runs);
  drawPayers(runs);
  showField();
  if (state.person !== null) renderStory();
  writeHash();
}

function init() {
  document.getElementById('intro').textContent = D.intro;
  const q = document.getElementById('questions');
  D.questions.forEach(t => el('li', {}, q, t));
  document.getElementById('results-note').textContent =
    'Each number is the mean of ' + D.replications + ' simulations of the same ' +
    D.citizens.toLocaleString('en-US') + ' people, followed for ' + YEARS + ' years after they entered prison. ' +
    'Both kinds of care meet the same people with the same luck.';
  document.getElementById('watch-note').textContent =
    'The same ' + D.watched.length + ' people on both sides, one dot each, day by day from the start ' +
    '(everyone begins in prison). "Care" means in addiction or mental-health care, wherever they sleep.';
  document.getElementById('about').textContent =
    'Made with reentry ' + D.tool_version + ' from lesson ' + D.lesson_file + ' (seed ' + D.seed + '). ' +
    'A simulation, not a forecast: the people are synthetic and the numbers show what the model ' +
    'assumes, so use them to reason about mechanisms, not to quote as facts.';
  const slider = document.getElementById('day-slider');
  slider.max = D.horizon_days - 1;
  slider.addEventListener('input', () => { state.day = +slider.value; showField(); markStoryDay(); });
  slider.addEventListener('change', writeHash);
  document.getElementById('play').addEventListener('click', () => {
    if (state.day >= D.horizon_days - 1) state.day = 0;
    setPlaying(!state.playing);
  });
  document.getElementById('step').addEventListener('click', () => {
    setPlaying(false);
    state.day = Math.min(D.horizon_days - 1, state.day + 1);
    showField();
    markStoryDay();
    writeHash();
  });
  const speed = document.getElementById('speed');
  speed.addEventListener('change', () => { state.speed = +speed.value; });
  document.getElementById('story-close').addEventListener('click', () => { state.person = null; renderStory(); showField(); writeHash(); });
  buildLevers();
  buildTable();
  buildFields();
  const h = readHash();
  changed();
  window.addEventListener('hashchange', () => { readHash(); changed(); });
  if (h.get('test')) runTest(h.get('test'));
}

// ----- test hook: #...&test=LEVER.POSITION moves that lever through the page's own controls,
// presses play, and after a while writes what the page shows into #test-report. -----
function runTest(spec) {
  const [id, position] = spec.split('.');
  const input = document.getElementById('lever-' + id);
  if (input.type === 'checkbox') { input.checked = +position === 1; input.dispatchEvent(new Event('change')); }
  else { input.value = position; input.dispatchEvent(new Event('input')); }
  const before = fields.map(f => f.dots.map(c => c.style.transform));
  const dayBefore = state.day;
  document.getElementById('play').click();
  setTimeout(() => {
    document.getElementById('play').click();
    const moved = fields.map((f, k) => f.dots.filter((c, i) => c.style.transform !== before[k][i]).length);
    document.getElementById('test-report').textContent = JSON.stringify({
      point: pointIndex(),
      positions: state.pos,
      runs: D.point_runs[pointIndex()],
      day_before: dayBefore,
      day: state.day,
      counter: document.getElementById('day-counter').textContent,
      moved: moved,
      hash: location.hash,
      resources: performance.getEntriesByType('resource').map(e => e.name),
      violations: violations,
    });
  }, 3000);
}

init();
