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
// The grid is either coloured cells or a contour field: a value per cell that the browser shades
// smoothly (interpolating between cell centres) and traces iso-lines through (marching squares).
// Zoom and pan (buttons, drag, Ctrl + scroll) and "fit to paths" change only the browser's view.

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
    <div class="stage"><canvas role="img"></canvas><div class="readout" aria-live="off"></div>
      <div class="view" role="group">
        <button type="button" class="zoom-in">＋</button><button type="button" class="zoom-out">－</button>
        <button type="button" class="fit"></button><button type="button" class="whole"></button>
      </div></div>
    <div class="controls">
      <button type="button" class="play"></button>
      <button type="button" class="back" hidden></button>
      <button type="button" class="forward" hidden></button>
      <input type="range" class="scrub" min="0" step="1">
      <span class="label" aria-live="polite"></span>
    </div>
    <div class="bands"><canvas class="bar" aria-hidden="true"></canvas><span class="scale"></span></div>`;
  return {
    legend: root.querySelector(".legend"), canvas: root.querySelector("canvas"),
    readout: root.querySelector(".readout"), play: root.querySelector(".play"),
    back: root.querySelector(".back"), forward: root.querySelector(".forward"),
    scrub: root.querySelector(".scrub"), label: root.querySelector(".label"),
    bands: root.querySelector(".bands"), bar: root.querySelector(".bar"), scale: root.querySelector(".scale"),
    zoomIn: root.querySelector(".zoom-in"), zoomOut: root.querySelector(".zoom-out"),
    fit: root.querySelector(".fit"), whole: root.querySelector(".whole"), tools: root.querySelector(".view"),
  };
}

function draw(view) {
  const { scene, ui, index } = view;
  const canvas = ui.canvas;
  const ratio = window.devicePixelRatio || 1;
  const [x0, x1, y0, y1] = view.window;
  // A square scene keeps one unit of x as long as one of y (so a gradient meets its contour line at a
  // right angle on screen): the plot takes the largest such size that fits the width and the height.
  let plotW = Math.max(240, view.root.clientWidth) - SIZE.left - SIZE.right;
  let plotH = scene.height - SIZE.top - SIZE.bottom;
  if (scene.square) {
    const aspect = (x1 - x0) / (y1 - y0);
    if (plotW > plotH * aspect) plotW = plotH * aspect; else plotH = plotW / aspect;
  }
  const width = Math.round(plotW) + SIZE.left + SIZE.right, height = Math.round(plotH) + SIZE.top + SIZE.bottom;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`; canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const px = (x) => SIZE.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y) => SIZE.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  view.plotW = plotW; view.plotH = plotH;
  view.toData = (cx, cy) => [x0 + ((cx - SIZE.left) / plotW) * (x1 - x0), y1 - ((cy - SIZE.top) / plotH) * (y1 - y0)];
  view.inside = (cx, cy) => cx >= SIZE.left && cx <= SIZE.left + plotW && cy >= SIZE.top && cy <= SIZE.top + plotH;

  ctx.save();
  ctx.beginPath(); ctx.rect(SIZE.left, SIZE.top, plotW, plotH); ctx.clip();
  if (scene.grid.kind === "contours") drawContours(ctx, view, px, py);
  else drawCells(ctx, view, px, py);
  const value = scene.frames[index];
  for (const s of scene.series) {
    let last = -1;
    while (last + 1 < s.at.length && s.at[last + 1] <= value) last++;
    if (last < 0) continue;
    ctx.lineJoin = "round";
    ctx.beginPath();
    for (let k = 0; k <= last; k++) (k ? ctx.lineTo : ctx.moveTo).call(ctx, px(s.x[k]), py(s.y[k]));
    ctx.strokeStyle = "rgba(255, 255, 255, 0.8)"; ctx.lineWidth = 5; ctx.stroke(); // a casing: seen on any shade
    ctx.strokeStyle = s.colour; ctx.lineWidth = 2.5; ctx.stroke();
    chevrons(ctx, s, last, px, py);
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
  ctx.fillStyle = getComputedStyle(canvas).color; ctx.font = "12px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
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

// Coloured cells: one palette colour per cell (this frame's, or the one set for all frames), painted
// as one pixel a cell and scaled up without smoothing, so neighbouring cells meet without seams.
function drawCells(ctx, view, px, py) {
  const { grid, domain } = view.scene;
  const frame = grid.colour.length === 1 ? 0 : Math.min(view.index, grid.colour.length - 1);
  view.cells = view.cells || new Map();
  if (!view.cells.has(frame)) {
    const image = document.createElement("canvas");
    image.width = grid.nx; image.height = grid.ny;
    const ictx = image.getContext("2d"), pixels = ictx.createImageData(grid.nx, grid.ny);
    const palette = grid.palette.map((colour) => {
      ictx.clearRect(0, 0, 1, 1); ictx.fillStyle = colour; ictx.fillRect(0, 0, 1, 1); // parsed by the browser
      return ictx.getImageData(0, 0, 1, 1).data.slice();
    });
    ictx.clearRect(0, 0, 1, 1);
    const colours = grid.colour[frame];
    for (let j = 0; j < grid.ny; j++) {
      for (let i = 0; i < grid.nx; i++) {
        const c = view.code[colours.charCodeAt(j * grid.nx + i)];
        if (c < 0) continue; // undefined there: left blank
        pixels.data.set(palette[c], 4 * ((grid.ny - 1 - j) * grid.nx + i));
      }
    }
    ictx.putImageData(pixels, 0, 0);
    view.cells.set(frame, image);
  }
  const [[x0, x1], [y0, y1]] = domain;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(view.cells.get(frame), px(x0), py(y1), px(x1) - px(x0), py(y0) - py(y1));
  ctx.imageSmoothingEnabled = true;
}

// A contour field's values (NaN where undefined), rows from the bottom, decoded once per scene.
function fieldValues(grid) {
  const code = new Int16Array(128).fill(-1);
  for (let k = 0; k < grid.alphabet.length; k++) code[grid.alphabet.charCodeAt(k)] = k;
  const n = grid.nx * grid.ny, base = grid.alphabet.length, values = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const high = code[grid.z.charCodeAt(2 * c)], low = code[grid.z.charCodeAt(2 * c + 1)];
    values[c] = high === 0 ? NaN : grid.lo + (((high - 1) * base + low) / (grid.depth - 1)) * (grid.hi - grid.lo);
  }
  return values;
}

function rgb(hex) { return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); }

// The ramp's colour at fraction u of the way from lo to hi (linear between neighbouring entries).
function rampAt(ramp, u) {
  const at = Math.min(Math.max(u, 0), 1) * (ramp.length - 1), k = Math.min(Math.floor(at), ramp.length - 2);
  const a = ramp[k], b = ramp[k + 1], w = at - k;
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * w));
}

// One pixel per cell, top row first: the browser's image smoothing interpolates between cell centres.
function shading(grid, values) {
  const image = document.createElement("canvas");
  image.width = grid.nx; image.height = grid.ny;
  const ictx = image.getContext("2d"), pixels = ictx.createImageData(grid.nx, grid.ny);
  const ramp = grid.ramp.map(rgb), span = grid.hi - grid.lo || 1;
  for (let j = 0; j < grid.ny; j++) {
    for (let i = 0; i < grid.nx; i++) {
      const v = values[j * grid.nx + i], p = 4 * ((grid.ny - 1 - j) * grid.nx + i);
      if (Number.isNaN(v)) continue; // undefined there: transparent
      const [r, g, b] = rampAt(ramp, (v - grid.lo) / span);
      pixels.data[p] = r; pixels.data[p + 1] = g; pixels.data[p + 2] = b; pixels.data[p + 3] = 255;
    }
  }
  ictx.putImageData(pixels, 0, 0);
  return image;
}

// Marching squares on the grid of cell centres: for each level, segments [xa, ya, xb, yb, ...] in data
// coordinates. A cell whose corners alternate (a saddle) is split the way its centre value says.
function isolines(grid, values, domain) {
  const [[x0, x1], [y0, y1]] = domain;
  const dx = (x1 - x0) / grid.nx, dy = (y1 - y0) / grid.ny, nx = grid.nx;
  const X = (i) => x0 + (i + 0.5) * dx, Y = (j) => y0 + (j + 0.5) * dy;
  return grid.lines.map((level) => {
    const out = [];
    for (let j = 0; j + 1 < grid.ny; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        const a = values[j * nx + i], b = values[j * nx + i + 1];
        const c = values[(j + 1) * nx + i + 1], d = values[(j + 1) * nx + i];
        if (Number.isNaN(a + b + c + d)) continue;
        const cross = (u, v) => (u < level) !== (v < level);
        const t = (u, v) => (level - u) / (v - u);
        // edges: bottom (a→b), right (b→c), top (d→c), left (a→d)
        const points = [];
        if (cross(a, b)) points.push(["bottom", X(i) + t(a, b) * dx, Y(j)]);
        if (cross(b, c)) points.push(["right", X(i + 1), Y(j) + t(b, c) * dy]);
        if (cross(d, c)) points.push(["top", X(i) + t(d, c) * dx, Y(j + 1)]);
        if (cross(a, d)) points.push(["left", X(i), Y(j) + t(a, d) * dy]);
        if (points.length === 2) out.push(points[0][1], points[0][2], points[1][1], points[1][2]);
        else if (points.length === 4) {
          const [bottom, right, top, left] = points;
          const centreWithA = ((a + b + c + d) / 4 < level) === (a < level);
          // the centre joins a's corner to c's: the lines cut off b's and d's corners, else a's and c's
          const pairs = centreWithA ? [[bottom, right], [top, left]] : [[bottom, left], [top, right]];
          for (const [p, q] of pairs) out.push(p[1], p[2], q[1], q[2]);
        }
      }
    }
    return out;
  });
}

function drawContours(ctx, view, px, py) {
  const [[x0, x1], [y0, y1]] = view.scene.domain;
  ctx.imageSmoothingEnabled = true; ctx.imageSmoothingQuality = "high";
  ctx.drawImage(view.shade, px(x0), py(y1), px(x1) - px(x0), py(y0) - py(y1));
  ctx.strokeStyle = "rgba(30, 35, 60, 0.45)"; ctx.lineWidth = 0.9;
  ctx.beginPath();
  for (const segments of view.lines) {
    for (let k = 0; k < segments.length; k += 4) {
      ctx.moveTo(px(segments[k]), py(segments[k + 1])); ctx.lineTo(px(segments[k + 2]), py(segments[k + 3]));
    }
  }
  ctx.stroke();
}

// Small arrowheads along a trail, one every CHEVRON_PX of drawn length, pointing the way it went.
const CHEVRON_PX = 90;
function chevrons(ctx, s, last, px, py) {
  let travelled = 0;
  ctx.fillStyle = s.colour;
  for (let k = 1; k <= last; k++) {
    const ax = px(s.x[k - 1]), ay = py(s.y[k - 1]), bx = px(s.x[k]), by = py(s.y[k]);
    const length = Math.hypot(bx - ax, by - ay);
    travelled += length;
    if (travelled < CHEVRON_PX || length < 1) continue;
    travelled = 0;
    const angle = Math.atan2(by - ay, bx - ax), mx = (ax + bx) / 2, my = (ay + by) / 2, r = 6;
    ctx.beginPath();
    ctx.moveTo(mx + r * Math.cos(angle), my + r * Math.sin(angle));
    ctx.lineTo(mx + r * Math.cos(angle + 2.5), my + r * Math.sin(angle + 2.5));
    ctx.lineTo(mx + r * Math.cos(angle - 2.5), my + r * Math.sin(angle - 2.5));
    ctx.closePath(); ctx.fill();
    ctx.strokeStyle = "white"; ctx.lineWidth = 1; ctx.stroke();
  }
}

// The contour field's colour bar: the ramp from lo to hi, a tick at each iso-line, labelled where room.
function colourBar(ui, grid, ink) {
  const bar = ui.bar, ratio = window.devicePixelRatio || 1;
  const width = Math.min(420, Math.max(200, ui.bands.clientWidth * 0.55)), height = 34;
  bar.width = Math.round(width * ratio); bar.height = Math.round(height * ratio);
  bar.style.width = `${width}px`; bar.style.height = `${height}px`;
  const ctx = bar.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const title = 8 + Math.min(120, ctx.measureText(grid.title).width * 1.1), left = title + 6, right = width - 14;
  const gradient = ctx.createLinearGradient(left, 0, right, 0);
  grid.ramp.forEach((c, k) => gradient.addColorStop(k / (grid.ramp.length - 1), c));
  ctx.fillStyle = gradient; ctx.fillRect(left, 2, right - left, 12);
  ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(left, 2, right - left, 12);
  ctx.fillStyle = ink; ctx.strokeStyle = ink; ctx.font = "11px sans-serif";
  ctx.textBaseline = "middle"; ctx.textAlign = "left"; ctx.fillText(grid.title, 0, 8);
  ctx.textBaseline = "top"; ctx.textAlign = "center";
  let free = -Infinity;
  grid.lines.forEach((level, k) => {
    const x = left + ((level - grid.lo) / (grid.hi - grid.lo || 1)) * (right - left);
    ctx.beginPath(); ctx.moveTo(x, 2); ctx.lineTo(x, 17); ctx.stroke();
    const w = ctx.measureText(grid.labels[k]).width;
    if (x - w / 2 > free + 4) { ctx.fillText(grid.labels[k], x, 19); free = x + w / 2; }
  });
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
  const placed = []; // label boxes drawn so far: a label that would overlap one moves down a line
  for (const v of arrows.vectors) {
    const tx = px(x + k * v.dx[row]), ty = py(y + k * v.dy[row]);
    if (Math.hypot(tx - cx, ty - cy) < 1) continue; // a zero vector: nothing to point at
    ctx.strokeStyle = ctx.fillStyle = v.colour; ctx.lineWidth = 2.5;
    arrowHead(ctx, cx, cy, tx, ty);
    const lx = tx + 6 * Math.sign(tx - cx || 1), w = ctx.measureText(v.label).width;
    const box = (y) => (tx >= cx ? [lx, lx + w, y - 8, y + 8] : [lx - w, lx, y - 8, y + 8]);
    const overlaps = (y) => placed.some(([a, b, c, d]) => {
      const [e, f, g, h] = box(y);
      return e < b + 2 && a < f + 2 && g < d && c < h;
    });
    let ly = ty - 8;
    while (overlaps(ly)) ly += 16;
    placed.push(box(ly));
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
  const contours = scene.grid.kind === "contours";
  ui.bar.hidden = !contours;
  ui.scale.textContent = scene.words.bands || "";
  if (contours) colourBar(ui, scene.grid, getComputedStyle(ui.bands).color);
}

// The part of the domain on screen: at most all of it, at least 1/MAX_ZOOM of it, kept inside it.
const MAX_ZOOM = 64;
function clampWindow(domain, [a, b, c, d]) {
  const [[x0, x1], [y0, y1]] = domain;
  const w = Math.min(x1 - x0, Math.max(b - a, (x1 - x0) / MAX_ZOOM));
  const h = Math.min(y1 - y0, Math.max(d - c, (y1 - y0) / MAX_ZOOM));
  const left = Math.min(Math.max((a + b) / 2 - w / 2, x0), x1 - w);
  const bottom = Math.min(Math.max((c + d) / 2 - h / 2, y0), y1 - h);
  return [left, left + w, bottom, bottom + h];
}

// Zoom by `factor` about the data point (cx, cy), which stays where it is on screen.
function zoomed([a, b, c, d], factor, cx, cy) {
  return [cx - (cx - a) / factor, cx + (b - cx) / factor, cy - (cy - c) / factor, cy + (d - cy) / factor];
}

// The smallest window with the domain's proportions that holds every path point and mark, plus a margin.
function fitted(scene) {
  const xs = scene.series.flatMap((s) => s.x).concat(scene.marks.map((m) => m.x));
  const ys = scene.series.flatMap((s) => s.y).concat(scene.marks.map((m) => m.y));
  const [[x0, x1], [y0, y1]] = scene.domain;
  const inX = xs.map((x) => Math.min(Math.max(x, x0), x1)), inY = ys.map((y) => Math.min(Math.max(y, y0), y1));
  let [a, b, c, d] = [Math.min(...inX), Math.max(...inX), Math.min(...inY), Math.max(...inY)];
  const aspect = (x1 - x0) / (y1 - y0);
  let w = (b - a) * 1.16, h = (d - c) * 1.16;
  if (w / h > aspect) h = w / aspect; else w = h * aspect;
  const cx = (a + b) / 2, cy = (c + d) / 2;
  return [cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2];
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
  const view = root.view || (root.view = { ui: build(root), raf: 0, root });
  cancelAnimationFrame(view.raf);
  view.playing = false;
  view.scene = data;
  view.code = alphabetCodes(data.grid.alphabet);
  view.cells = null; // the cell images of the previous scene
  if (data.grid.kind === "contours") {
    const values = fieldValues(data.grid);
    view.shade = shading(data.grid, values);
    view.lines = isolines(data.grid, values, data.domain);
  }
  // The zoom survives a new scene of the same map (a stop, a new setting); a new domain shows it whole.
  const domainKey = JSON.stringify(data.domain);
  if (view.domainKey !== domainKey) { view.domainKey = domainKey; view.window = data.domain.flat(); }
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
  const at = (event) => {
    const rect = ui.canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  const show = (window) => { view.window = clampWindow(data.domain, window); draw(view); };
  const zoomBy = (factor) => {
    const [a, b, c, d] = view.window;
    show(zoomed(view.window, factor, (a + b) / 2, (c + d) / 2));
  };
  ui.zoomIn.onclick = () => zoomBy(1.6);
  ui.zoomOut.onclick = () => zoomBy(1 / 1.6);
  ui.fit.onclick = () => show(fitted(data));
  ui.whole.onclick = () => show(data.domain.flat());
  ui.zoomIn.title = ui.zoomIn.ariaLabel = data.words.zoom_in;
  ui.zoomOut.title = ui.zoomOut.ariaLabel = data.words.zoom_out;
  ui.fit.textContent = data.words.fit; ui.whole.textContent = data.words.whole;
  ui.fit.hidden = !data.series.length;
  ui.tools.title = data.words.hint;
  ui.canvas.onwheel = (event) => {
    if (!(event.ctrlKey || event.metaKey)) return; // a plain scroll scrolls the page
    event.preventDefault();
    const [cx, cy] = at(event);
    if (!view.inside(cx, cy)) return;
    const [x, y] = view.toData(cx, cy);
    show(zoomed(view.window, Math.exp(-event.deltaY * 0.002), x, y));
  };
  // A drag pans the view; a press released where it began is a click (which may set the start).
  ui.canvas.onpointerdown = (event) => {
    const [cx, cy] = at(event);
    if (!view.inside(cx, cy)) return;
    view.drag = { cx, cy, window: view.window, moved: false };
    ui.canvas.setPointerCapture(event.pointerId);
  };
  ui.canvas.onpointermove = (event) => {
    const [cx, cy] = at(event);
    const drag = view.drag;
    if (drag && (drag.moved || Math.hypot(cx - drag.cx, cy - drag.cy) > 4)) {
      drag.moved = true;
      ui.canvas.style.cursor = "grabbing";
      const [a, b, c, d] = drag.window;
      const sx = ((b - a) / view.plotW) * (cx - drag.cx), sy = ((d - c) / view.plotH) * (cy - drag.cy);
      show([a - sx, b - sx, c + sy, d + sy]);
      return;
    }
    if (!view.inside(cx, cy)) { ui.readout.textContent = ""; return; }
    const [x, y] = view.toData(cx, cy);
    ui.readout.textContent = `x = ${x.toFixed(3)}, y = ${y.toFixed(3)}`;
  };
  ui.canvas.onpointerup = (event) => {
    const drag = view.drag;
    view.drag = null;
    ui.canvas.style.cursor = data.clickable ? "crosshair" : "grab";
    if (!drag || drag.moved || !data.clickable) return;
    const [cx, cy] = at(event);
    if (view.inside(cx, cy)) { const [x, y] = view.toData(cx, cy); setTriggerValue("click", { x, y }); }
  };
  ui.canvas.onpointercancel = () => { view.drag = null; };
  ui.canvas.style.cursor = data.clickable ? "crosshair" : "grab";
  setPlaying(false);
  draw(view);
  if (!view.resize) {
    view.resize = new ResizeObserver(() => draw(view));
    view.resize.observe(root);
  }
}
