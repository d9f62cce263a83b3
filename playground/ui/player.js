// The step player: a map drawn on a canvas from one scene sent per result, with Play and a step
// scrubber that run in the browser. Play advances frames with requestAnimationFrame, so the server
// reruns nothing while it plays; the step reaches the server (and so the link) only when the
// student stops: Pause, the end of the replay, or letting go of the scrubber. With reduced motion
// (the page's switch, or the browser's prefers-reduced-motion) Play gives way to ◀ ▶ frame steps.
//
// Scene (built in Python, see playground/ui/player.py): domain, grid (cells with a colour index per
// frame or one for all), series (trails with a marker at the current frame), marks (fixed points),
// frames (the frame values, e.g. steps 0..N), frame (the one to show), the words to show and, if
// any, arrows (vectors and an ellipse drawn from a point at each frame, e.g. an optimizer's state).

const SIZE = { left: 52, right: 12, top: 10, bottom: 40 };
const DURATION_MS = 5000; // a replay from the first frame to the last

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  const raw = span / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= count) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

function shapePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "square") ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
  else if (shape === "triangle-up" || shape === "triangle-down" || shape === "wedge") {
    const s = shape === "triangle-down" ? -1 : 1;
    const w = shape === "wedge" ? 0.55 : 1;
    ctx.moveTo(x, y - s * r * 1.1); ctx.lineTo(x + r * w, y + s * r * 0.8); ctx.lineTo(x - r * w, y + s * r * 0.8);
    ctx.closePath();
  } else if (shape === "diamond") {
    ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r * 1.2); ctx.lineTo(x - r, y); ctx.closePath();
  } else if (shape === "cross") {
    const a = r * 0.38;
    ctx.moveTo(x - a, y - r); ctx.lineTo(x + a, y - r); ctx.lineTo(x + a, y - a); ctx.lineTo(x + r, y - a);
    ctx.lineTo(x + r, y + a); ctx.lineTo(x + a, y + a); ctx.lineTo(x + a, y + r); ctx.lineTo(x - a, y + r);
    ctx.lineTo(x - a, y + a); ctx.lineTo(x - r, y + a); ctx.lineTo(x - r, y - a); ctx.lineTo(x - a, y - a);
    ctx.closePath();
  } else if (shape === "star") {
    for (let k = 0; k < 10; k++) {
      const radius = k % 2 ? r * 0.42 : r * 1.15;
      const angle = -Math.PI / 2 + (k * Math.PI) / 5;
      ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
    ctx.closePath();
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
}

// Character code to palette index (-1 for the alphabet's first character: undefined there).
function alphabetCodes(alphabet) {
  const code = new Int16Array(128).fill(-1);
  for (let k = 0; k < alphabet.length; k++) code[alphabet.charCodeAt(k)] = k - 1;
  return code;
}

function build(root) {
  root.innerHTML = `
    <div class="legend" aria-hidden="true"></div>
    <div class="stage"><canvas role="img"></canvas><div class="readout" aria-live="off"></div></div>
    <div class="controls">
      <button type="button" class="play"></button>
      <button type="button" class="back" hidden></button>
      <button type="button" class="forward" hidden></button>
      <input type="range" class="scrub" min="0" step="1">
      <span class="label" aria-live="polite"></span>
    </div>
    <div class="bands" aria-hidden="true"></div>`;
  return {
    legend: root.querySelector(".legend"), canvas: root.querySelector("canvas"),
    readout: root.querySelector(".readout"), play: root.querySelector(".play"),
    back: root.querySelector(".back"), forward: root.querySelector(".forward"),
    scrub: root.querySelector(".scrub"), label: root.querySelector(".label"),
    bands: root.querySelector(".bands"),
  };
}

function draw(view) {
  const { scene, ui, index } = view;
  const canvas = ui.canvas;
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(240, canvas.parentElement.clientWidth);
  const height = scene.square ? Math.min(scene.height, width - SIZE.left - SIZE.right + SIZE.top + SIZE.bottom)
    : scene.height;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`; canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const [[x0, x1], [y0, y1]] = scene.domain;
  const plotW = width - SIZE.left - SIZE.right, plotH = height - SIZE.top - SIZE.bottom;
  const px = (x) => SIZE.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y) => SIZE.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  view.toData = (cx, cy) => [x0 + ((cx - SIZE.left) / plotW) * (x1 - x0), y1 - ((cy - SIZE.top) / plotH) * (y1 - y0)];
  view.inside = (cx, cy) => cx >= SIZE.left && cx <= SIZE.left + plotW && cy >= SIZE.top && cy <= SIZE.top + plotH;

  const grid = scene.grid;
  const colours = grid.colour.length === 1 ? grid.colour[0] : grid.colour[Math.min(index, grid.colour.length - 1)];
  const code = view.code;
  const cw = plotW / grid.nx, ch = plotH / grid.ny;
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const c = code[colours.charCodeAt(j * grid.nx + i)];
      if (c < 0) continue; // undefined there: left blank
      ctx.fillStyle = grid.palette[c];
      ctx.fillRect(SIZE.left + i * cw, SIZE.top + (grid.ny - 1 - j) * ch, cw + 0.5, ch + 0.5);
    }
  }

  ctx.save();
  ctx.beginPath(); ctx.rect(SIZE.left, SIZE.top, plotW, plotH); ctx.clip();
  const value = scene.frames[index];
  for (const s of scene.series) {
    let last = -1;
    while (last + 1 < s.at.length && s.at[last + 1] <= value) last++;
    if (last < 0) continue;
    ctx.strokeStyle = s.colour; ctx.lineWidth = 2.5; ctx.lineJoin = "round";
    ctx.beginPath();
    for (let k = 0; k <= last; k++) (k ? ctx.lineTo : ctx.moveTo).call(ctx, px(s.x[k]), py(s.y[k]));
    ctx.stroke();
    shapePath(ctx, s.shape, px(s.x[last]), py(s.y[last]), 7);
    ctx.fillStyle = s.colour; ctx.fill(); ctx.strokeStyle = "white"; ctx.lineWidth = 1.5; ctx.stroke();
  }
  if (scene.arrows) drawArrows(ctx, scene.arrows, value, px, py, [SIZE.left, SIZE.top]);
  for (const m of scene.marks) {
    shapePath(ctx, m.shape, px(m.x), py(m.y), m.size);
    if (m.fill) { ctx.fillStyle = m.fill; ctx.fill(); }
    ctx.strokeStyle = m.stroke; ctx.lineWidth = m.fill ? 1 : 2.5; ctx.stroke();
  }
  ctx.restore();

  ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(SIZE.left, SIZE.top, plotW, plotH);
  ctx.fillStyle = "#444"; ctx.font = "12px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const t of niceTicks(x0, x1, Math.max(3, Math.floor(plotW / 70)))) ctx.fillText(String(t), px(t), SIZE.top + plotH + 5);
  ctx.fillText(scene.axes[0], SIZE.left + plotW / 2, SIZE.top + plotH + 22);
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of niceTicks(y0, y1, Math.max(3, Math.floor(plotH / 60)))) ctx.fillText(String(t), SIZE.left - 6, py(t));
  ctx.save(); ctx.translate(12, SIZE.top + plotH / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = "center";
  ctx.fillText(scene.axes[1], 0, 0); ctx.restore();

  ui.scrub.value = String(index);
  ui.label.textContent = `${scene.words.frame} ${value} / ${scene.frames[scene.frames.length - 1]}`;
  ui.canvas.setAttribute("aria-label", `${scene.words.description} ${ui.label.textContent}`);
}

// The row of arrows.at for frame value `value`: the last at or before it (none before the first).
function arrowRow(arrows, value) {
  let row = -1;
  while (row + 1 < arrows.at.length && arrows.at[row + 1] <= value) row++;
  return row;
}

function arrowHead(ctx, x0, y0, x1, y1) {
  const angle = Math.atan2(y1 - y0, x1 - x0), head = 8;
  ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
  ctx.beginPath(); ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle - 0.45), y1 - head * Math.sin(angle - 0.45));
  ctx.lineTo(x1 - head * Math.cos(angle + 0.45), y1 - head * Math.sin(angle + 0.45));
  ctx.closePath(); ctx.fill();
}

// The optimizer's state at the frame on screen: an ellipse (semi-axes along x and y) and one labelled
// arrow per vector from the point, all at the row's scale; the scale is written in the plot's corner.
function drawArrows(ctx, arrows, value, px, py, corner) {
  const row = arrowRow(arrows, value);
  if (row < 0) return;
  const k = arrows.scale[row], x = arrows.x[row], y = arrows.y[row];
  const cx = px(x), cy = py(y);
  if (arrows.axes) {
    const rx = Math.abs(px(x + k * arrows.axes.dx[row]) - cx), ry = Math.abs(py(y + k * arrows.axes.dy[row]) - cy);
    ctx.beginPath(); ctx.ellipse(cx, cy, Math.max(rx, 0.5), Math.max(ry, 0.5), 0, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(0, 0, 0, 0.06)"; ctx.fill();
    ctx.strokeStyle = "#333"; ctx.lineWidth = 1.2; ctx.setLineDash([4, 3]); ctx.stroke(); ctx.setLineDash([]);
  }
  ctx.font = "bold 13px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
  for (const v of arrows.vectors) {
    const tx = px(x + k * v.dx[row]), ty = py(y + k * v.dy[row]);
    if (Math.hypot(tx - cx, ty - cy) < 1) continue; // a zero vector: nothing to point at
    ctx.strokeStyle = ctx.fillStyle = v.colour; ctx.lineWidth = 2.5;
    arrowHead(ctx, cx, cy, tx, ty);
    const [lx, ly] = [tx + 6 * Math.sign(tx - cx || 1), ty - 8];
    ctx.textAlign = tx >= cx ? "left" : "right";
    ctx.lineWidth = 3; ctx.strokeStyle = "white"; ctx.strokeText(v.label, lx, ly);
    ctx.fillStyle = v.colour; ctx.fillText(v.label, lx, ly);
  }
  const label = arrows.words.replace("{k}", String(k));
  ctx.font = "12px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "top";
  ctx.fillStyle = "#ffffffcc"; ctx.fillRect(corner[0] + 4, corner[1] + 4, ctx.measureText(label).width + 8, 18);
  ctx.fillStyle = "#222"; ctx.fillText(label, corner[0] + 8, corner[1] + 7);
}

function legend(ui, scene) {
  ui.legend.replaceChildren(...scene.series.map((s) => {
    const item = document.createElement("span");
    const swatch = document.createElement("canvas");
    swatch.width = 16; swatch.height = 16;
    const ctx = swatch.getContext("2d");
    shapePath(ctx, s.shape, 8, 8, 6); ctx.fillStyle = s.colour; ctx.fill();
    item.append(swatch, document.createTextNode(s.name));
    return item;
  }));
  ui.bands.textContent = scene.words.bands || "";
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector(".player");
  if (!root) {
    root = document.createElement("div");
    root.className = "player";
    parentElement.appendChild(root);
  }
  // The function runs again whenever the scene changes; the view (and a running animation) lives on root.
  const view = root.view || (root.view = { ui: build(root), raf: 0 });
  cancelAnimationFrame(view.raf);
  view.playing = false;
  view.scene = data;
  view.code = alphabetCodes(data.grid.alphabet);
  view.index = Math.max(0, data.frames.indexOf(data.frame));
  const { ui } = view;
  const last = data.frames.length - 1;
  ui.scrub.max = String(last);
  legend(ui, data);

  const report = () => setTriggerValue("stop", data.frames[view.index]);
  const setPlaying = (on) => {
    view.playing = on;
    ui.play.textContent = on ? `⏸ ${data.words.pause}` : `▶ ${data.words.play}`;
    ui.play.setAttribute("aria-pressed", String(on));
  };
  const tick = (now) => {
    if (!view.playing) return;
    const elapsed = now - view.started;
    view.index = Math.min(last, view.from + Math.round((elapsed / DURATION_MS) * last));
    draw(view);
    if (view.index >= last) { setPlaying(false); report(); return; }
    view.raf = requestAnimationFrame(tick);
  };
  ui.play.onclick = () => {
    if (view.playing) { setPlaying(false); cancelAnimationFrame(view.raf); report(); return; }
    if (view.index >= last) view.index = 0;
    view.from = view.index;
    view.started = performance.now();
    setPlaying(true);
    view.raf = requestAnimationFrame(tick);
  };
  // Reduced motion (the page's switch or the browser's setting): step a frame at a time, no animation.
  const reduced = Boolean(data.reduced) || window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  ui.play.hidden = reduced;
  ui.back.hidden = ui.forward.hidden = !reduced;
  ui.back.textContent = `◀ ${data.words.back}`;
  ui.forward.textContent = `${data.words.forward} ▶`;
  const stepBy = (by) => { view.index = Math.min(last, Math.max(0, view.index + by)); draw(view); report(); };
  ui.back.onclick = () => stepBy(-1);
  ui.forward.onclick = () => stepBy(1);
  ui.scrub.oninput = () => { setPlaying(false); cancelAnimationFrame(view.raf); view.index = +ui.scrub.value; draw(view); };
  ui.scrub.onchange = () => report();
  ui.canvas.onmousemove = (event) => {
    const rect = ui.canvas.getBoundingClientRect();
    const cx = event.clientX - rect.left, cy = event.clientY - rect.top;
    if (!view.inside(cx, cy)) { ui.readout.textContent = ""; return; }
    const [x, y] = view.toData(cx, cy);
    ui.readout.textContent = `x = ${x.toFixed(3)}, y = ${y.toFixed(3)}`;
  };
  ui.canvas.onclick = (event) => {
    if (!data.clickable) return;
    const rect = ui.canvas.getBoundingClientRect();
    const cx = event.clientX - rect.left, cy = event.clientY - rect.top;
    if (view.inside(cx, cy)) { const [x, y] = view.toData(cx, cy); setTriggerValue("click", { x, y }); }
  };
  ui.canvas.style.cursor = data.clickable ? "crosshair" : "default";
  setPlaying(false);
  draw(view);
  if (!view.resize) {
    view.resize = new ResizeObserver(() => draw(view));
    view.resize.observe(root);
  }
}
