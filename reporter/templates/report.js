/* perfscope report: sortable tables and the bundle treemap. No network, no eval;
   every label is set with textContent. */
(function () {
  'use strict';

  function fmtBytes(v) {
    if (v === null || v === undefined) return '—';
    if (v < 1000) return v + ' B';
    var units = [['GB', 1e9], ['MB', 1e6], ['KB', 1e3]];
    for (var i = 0; i < units.length; i++) {
      if (v >= units[i][1]) {
        var x = v / units[i][1];
        var text = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
        if (text.indexOf('.') >= 0) text = text.replace(/\.?0+$/, '');
        return text + ' ' + units[i][0];
      }
    }
    return v + ' B';
  }

  /* ---- Sortable tables ---- */
  function cellKey(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) return numeric ? 0 : '';
    var v = cell.getAttribute('data-v');
    var text = v !== null ? v : cell.textContent;
    if (numeric) {
      var n = parseFloat(text);
      return isNaN(n) ? 0 : n;
    }
    return text.trim().toLowerCase();
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, col) {
      th.classList.add('sort');
      th.tabIndex = 0;
      th.setAttribute('aria-sort', 'none');
      var numeric = th.getAttribute('data-sort') === 'num';
      function sort() {
        var current = th.getAttribute('aria-sort');
        var dir = current === 'none' ? (numeric ? 'descending' : 'ascending')
          : current === 'ascending' ? 'descending' : 'ascending';
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', dir);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var sign = dir === 'ascending' ? 1 : -1;
        rows.sort(function (a, b) {
          var x = cellKey(a, col, numeric), y = cellKey(b, col, numeric);
          return x < y ? -sign : x > y ? sign : 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), makeSortable);

  /* Printing shows everything: open the collapsed blocks, restore them after. */
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });

  /* ---- Treemap ---- */
  var box = document.getElementById('treemap');
  var dataEl = document.getElementById('treemap-data');
  if (!box || !dataEl) return;
  var root;
  try { root = JSON.parse(dataEl.textContent); } catch (e) { root = null; }
  if (!root) return;
  var crumbs = document.getElementById('treemap-crumbs');
  var sizeKey = 'r';
  var current = root;

  (function link(node, parent) {
    node.p = parent;
    (node.c || []).forEach(function (child) { link(child, node); });
  })(root, null);

  function size(node) {
    var v = node[sizeKey];
    return typeof v === 'number' && v > 0 ? v : 0;
  }

  function worst(row, sum, side) {
    var max = 0, min = Infinity;
    row.forEach(function (r) { max = Math.max(max, r.a); min = Math.min(min, r.a); });
    var s2 = side * side, sum2 = sum * sum;
    return Math.max(s2 * max / sum2, sum2 / (s2 * min));
  }

  /* Squarified treemap (Bruls, Huizing, van Wijk). */
  function squarify(nodes, x, y, w, h) {
    var out = [];
    var total = 0;
    nodes.forEach(function (n) { total += size(n); });
    if (total <= 0 || w <= 0 || h <= 0) return out;
    var items = nodes.filter(function (n) { return size(n) > 0; })
      .map(function (n) { return { n: n, a: size(n) * w * h / total }; })
      .sort(function (p, q) { return q.a - p.a; });
    var i = 0;
    while (i < items.length) {
      var side = Math.min(w, h);
      var row = [items[i]], sum = items[i].a, best = worst(row, sum, side);
      i++;
      while (i < items.length) {
        var cand = row.concat([items[i]]);
        var score = worst(cand, sum + items[i].a, side);
        if (score > best) break;
        row = cand; sum += items[i].a; best = score; i++;
      }
      var thick = sum / side, off = 0;
      row.forEach(function (it) {
        var len = it.a / thick;
        if (w >= h) out.push({ n: it.n, x: x, y: y + off, w: thick, h: len });
        else out.push({ n: it.n, x: x + off, y: y, w: len, h: thick });
        off += len;
      });
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
    }
    return out;
  }

  function describe(node) {
    var total = size(current) || 1;
    var lines = [node.n, 'raw ' + fmtBytes(node.r) + ' · gzip ' + fmtBytes(node.g) + (node.k !== 'asset' && node.k !== 'root' ? ' (estimate)' : ''),
      (100 * size(node) / total).toFixed(1) + '% of ' + current.n, node.i ? 'initial load' : 'lazy'];
    return lines.join('\n');
  }

  function zoom(node) {
    current = node;
    draw();
  }

  function place(node, rect, depth, parentEl) {
    var el = document.createElement('div');
    el.className = 'tm-node tm-' + node.k + (node.i ? ' tm-initial' : ' tm-lazy') + ' tm-depth' + depth;
    el.style.left = rect.x + 'px';
    el.style.top = rect.y + 'px';
    el.style.width = Math.max(0, rect.w - 1) + 'px';
    el.style.height = Math.max(0, rect.h - 1) + 'px';
    el.title = describe(node);
    var label = document.createElement('div');
    label.className = 'tm-label';
    if (rect.w > 44 && rect.h > 16) {
      var name = document.createElement('span');
      name.className = 'tm-name';
      name.textContent = node.n;
      var amount = document.createElement('span');
      amount.className = 'tm-size';
      amount.textContent = fmtBytes(size(node));
      label.appendChild(name);
      label.appendChild(document.createTextNode(' '));
      label.appendChild(amount);
    }
    el.appendChild(label);
    el.tabIndex = depth === 0 ? 0 : -1;
    el.addEventListener('click', function (e) {
      e.stopPropagation();
      if (node.c && node.c.length) zoom(node);
      else if (node.p && node.p !== current) zoom(node.p);
    });
    el.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); el.click(); }
    });
    parentEl.appendChild(el);
    if (depth === 0 && node.c && node.c.length && rect.w > 60 && rect.h > 44) {
      var inner = squarify(node.c, 2, 18, rect.w - 5, rect.h - 21);
      inner.forEach(function (r) { place(r.n, r, 1, el); });
    }
  }

  function drawCrumbs() {
    while (crumbs.firstChild) crumbs.removeChild(crumbs.firstChild);
    var path = [];
    for (var n = current; n; n = n.p) path.unshift(n);
    path.forEach(function (node, i) {
      if (i > 0) {
        var sep = document.createElement('span');
        sep.className = 'sep';
        sep.textContent = '›';
        crumbs.appendChild(sep);
      }
      if (node === current) {
        var here = document.createElement('strong');
        here.textContent = node.n + ' (' + fmtBytes(size(node)) + ')';
        crumbs.appendChild(here);
      } else {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = node.n;
        b.addEventListener('click', function () { zoom(node); });
        crumbs.appendChild(b);
      }
    });
  }

  function draw() {
    while (box.firstChild) box.removeChild(box.firstChild);
    drawCrumbs();
    var w = box.clientWidth, h = box.clientHeight;
    var children = current.c && current.c.length ? current.c : [current];
    var rects = squarify(children, 0, 0, w, h);
    if (!rects.length) {
      var empty = document.createElement('p');
      empty.className = 'tm-empty';
      empty.textContent = 'Nothing to show at this size.';
      box.appendChild(empty);
    }
    rects.forEach(function (r) { place(r.n, r, 0, box); });
  }

  var buttons = document.querySelectorAll('.treemap-controls [data-size]');
  Array.prototype.forEach.call(buttons, function (b) {
    if (b.getAttribute('data-size') === 'g' && typeof root.g !== 'number') {
      b.disabled = true;
      b.title = 'gzip sizes were not computed';
    }
    b.addEventListener('click', function () {
      sizeKey = b.getAttribute('data-size');
      Array.prototype.forEach.call(buttons, function (o) { o.classList.toggle('on', o === b); });
      draw();
    });
  });
  var pending = null;
  window.addEventListener('resize', function () {
    if (pending) clearTimeout(pending);
    pending = setTimeout(draw, 100);
  });
  box.setAttribute('data-ready', 'true');
  draw();
})();
