// perfscope flows: installed with Page.addScriptToEvaluateOnNewDocument (after
// init.js) when a recorded flow is replayed.
// 1. Buffers Event Timing entries of interactions (durationThreshold 16 ms,
//    the smallest the browser allows), as the web-vitals library reads them,
//    and long animation frames; `take` hands over what each step recorded.
// 2. Finds the element a Recorder step names: a list of alternatives, each a
//    chain of selectors (through iframes and shadow roots), each a CSS
//    selector or `aria/…`, `text/…`, `xpath/…`, `pierce/…`.
(function () {
  if (window.__perfscopeFlow) return;
  var flow = { events: [] };
  try { Object.defineProperty(window, '__perfscopeFlow', { value: flow, enumerable: false }); }
  catch (e) { return; }
  var MAX_EVENTS = 5000;

  function selector(node) {
    try {
      if (!node || node.nodeType !== 1) return null;
      var parts = [];
      for (var n = node, i = 0; n && n.nodeType === 1 && i < 5; i++, n = n.parentElement) {
        var s = n.localName;
        if (n.id) { parts.unshift(s + '#' + n.id); break; }
        if (n.classList && n.classList.length) s += '.' + Array.prototype.slice.call(n.classList, 0, 2).join('.');
        parts.unshift(s);
      }
      return parts.join(' > ').slice(0, 200);
    } catch (e) { return null; }
  }
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (!e.interactionId || flow.events.length >= MAX_EVENTS) return;
        flow.events.push([e.name, e.interactionId, e.startTime, e.processingStart,
                          e.processingEnd, e.duration, selector(e.target)]);
      });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch (e) {}

  // Long animation frames (Chrome 123+), each with its scripts.
  flow.frames = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (flow.frames.length >= MAX_EVENTS) return;
        var scripts = (e.scripts || []).slice(0, 20).map(function (s) {
          return [s.sourceURL || '', s.sourceFunctionName || '', s.invoker || '', s.duration || 0,
                  s.forcedStyleAndLayoutDuration || 0,
                  typeof s.sourceCharPosition === 'number' ? s.sourceCharPosition : -1];
        });
        flow.frames.push([e.startTime, e.duration, e.blockingDuration || 0, scripts]);
      });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) {}

  // The document's requests (Resource Timing: an entry comes when its
  // response has ended).
  flow.resources = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (flow.resources.length >= MAX_EVENTS) return;
        flow.resources.push([String(e.name).slice(0, 2000), e.initiatorType || '', e.startTime,
                             e.duration, e.transferSize || 0, e.decodedBodySize || 0,
                             e.responseStatus || 0]);
      });
    }).observe({ type: 'resource', buffered: true });
  } catch (e) {}

  // Everything recorded since the last call (a new document starts from
  // nothing): Event Timing entries, long animation frames, requests, and
  // init.js's layout shifts, long tasks and React commits, with the
  // document's time origin and the time of the call. JSON.
  var cursor = { events: 0, frames: 0, resources: 0, shifts: 0, longtasks: 0, commits: 0 };
  flow.take = function () {
    var log = window.__perfscope || { po: { shifts: [], longtasks: [] }, react: { commits: [] } };
    var lists = { events: flow.events, frames: flow.frames, resources: flow.resources,
                  shifts: log.po.shifts, longtasks: log.po.longtasks, commits: log.react.commits };
    var out = { now: performance.now(), origin: performance.timeOrigin, url: location.href };
    Object.keys(lists).forEach(function (k) {
      out[k] = lists[k].slice(cursor[k]);
      cursor[k] = lists[k].length;
    });
    return JSON.stringify(out);
  };
  // DOM nodes in the document (elements, text, comments, shadow trees).
  flow.attachedNodes = function () {
    var count = 0;
    function walk(root) {
      var w = document.createTreeWalker(root, NodeFilter.SHOW_ALL), n = w.currentNode;
      while (n) { count++; if (n.shadowRoot) walk(n.shadowRoot); n = w.nextNode(); }
    }
    try { walk(document); } catch (e) {}
    return String(count);
  };

  function text(el) { return (el.textContent || '').replace(/\s+/g, ' ').trim(); }
  function accessibleName(el) {
    var label = el.getAttribute && el.getAttribute('aria-label');
    if (label) return label.trim();
    var by = el.getAttribute && el.getAttribute('aria-labelledby');
    if (by) {
      var ref = el.ownerDocument.getElementById(by);
      if (ref) return text(ref);
    }
    if (el.labels && el.labels.length) return text(el.labels[0]);
    if (el.alt) return el.alt;
    if (el.localName === 'input' && (el.type === 'submit' || el.type === 'button')) return el.value || '';
    if (el.placeholder) return el.placeholder;
    return text(el) || el.title || '';
  }
  function all(root, css) {
    try { return Array.prototype.slice.call(root.querySelectorAll(css)); } catch (e) { return []; }
  }
  function deep(root, css) {
    var found = all(root, css);
    all(root, '*').forEach(function (el) { if (el.shadowRoot) found = found.concat(deep(el.shadowRoot, css)); });
    return found;
  }
  function one(root, part) {
    if (part.indexOf('aria/') === 0) {
      var spec = part.slice(5), role = null;
      var m = /^(.*)\[role="([^"]+)"\]$/.exec(spec);
      if (m) { spec = m[1]; role = m[2]; }
      var hits = deep(root, '*').filter(function (el) {
        if (role && (el.getAttribute('role') || implicitRole(el)) !== role) return false;
        return accessibleName(el) === spec;
      });
      return hits.length ? hits[hits.length - 1] : null;
    }
    if (part.indexOf('text/') === 0) {
      var wanted = part.slice(5);
      var matches = deep(root, '*').filter(function (el) { return text(el).indexOf(wanted) >= 0; });
      return matches.length ? matches[matches.length - 1] : null;
    }
    if (part.indexOf('xpath/') === 0) {
      try {
        var doc = root.ownerDocument || root;
        return doc.evaluate(part.slice(6), root, null, 9, null).singleNodeValue;
      } catch (e) { return null; }
    }
    if (part.indexOf('pierce/') === 0) return deep(root, part.slice(7))[0] || null;
    try { return root.querySelector(part); } catch (e) { return null; }
  }
  function implicitRole(el) {
    var tag = el.localName;
    if (tag === 'button') return 'button';
    if (tag === 'a' && el.href) return 'link';
    if (tag === 'input') return ({ checkbox: 'checkbox', radio: 'radio', submit: 'button', button: 'button' })[el.type] || 'textbox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'select') return 'combobox';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    return null;
  }
  // The first alternative whose whole chain matches: [element, the alternative as written].
  flow.find = function (alternatives) {
    for (var i = 0; i < alternatives.length; i++) {
      var chain = alternatives[i], root = document, el = null;
      for (var j = 0; j < chain.length; j++) {
        el = one(root, chain[j]);
        if (!el) break;
        if (j < chain.length - 1) {
          root = el.shadowRoot || (el.contentDocument) || el;
        }
      }
      if (el) return [el, chain.join(' >> ')];
    }
    return null;
  };
  // Scrolls the element into view; its point to act on, in the viewport:
  // JSON [x, y, matched] or null.
  flow.point = function (alternatives, offsetX, offsetY) {
    var hit = flow.find(alternatives);
    if (!hit) return null;
    var el = hit[0];
    try { el.scrollIntoView({ block: 'center', inline: 'center' }); } catch (e) {}
    var r = el.getBoundingClientRect();
    var x = r.left + (offsetX == null ? r.width / 2 : offsetX);
    var y = r.top + (offsetY == null ? r.height / 2 : offsetY);
    return JSON.stringify([x, y, hit[1]]);
  };
})();
