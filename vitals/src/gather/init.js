// perfscope: installed with Page.addScriptToEvaluateOnNewDocument, before any page script.
// 1. Buffers PerformanceObserver entries (paint, LCP, layout shifts, long tasks).
// 2. Installs (or chains to) window.__REACT_DEVTOOLS_GLOBAL_HOOK__ and records every commit.
(function () {
  if (window.__perfscope) return;
  var log = { po: { fcp: null, lcp: null, shifts: [], longtasks: [] },
              react: { renderers: [], commits: [], types: [] } };
  try { Object.defineProperty(window, '__perfscope', { value: log, enumerable: false }); }
  catch (e) { return; }

  function observe(type, fn) {
    try { new PerformanceObserver(function (list) { list.getEntries().forEach(fn); })
            .observe({ type: type, buffered: true }); } catch (e) {}
  }
  observe('paint', function (e) { if (e.name === 'first-contentful-paint') log.po.fcp = e.startTime; });
  // A short CSS selector of an element (tag, id, first classes, up to 5 levels).
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
  observe('largest-contentful-paint', function (e) {
    log.po.lcp = e.startTime;
    var text = e.element && !e.url ? (e.element.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80) : '';
    log.po.lcpEl = [selector(e.element), e.url || '', e.size || 0, text];
  });
  observe('layout-shift', function (e) {
    var sources = (e.sources || []).slice(0, 5).map(function (s) { return selector(s.node); }).filter(Boolean);
    log.po.shifts.push([e.startTime, e.value, !!e.hadRecentInput, sources]);
  });
  observe('longtask', function (e) { log.po.longtasks.push([e.startTime, e.duration]); });

  var MAX_COMMITS = 5000;
  var lastCommit = -1;
  function nameOf(type) {
    if (!type || typeof type === 'string') return null;
    if (typeof type === 'function') return type.displayName || type.name || 'Anonymous';
    if (typeof type === 'object') {
      if (type.displayName) return type.displayName;
      if (type.render) return nameOf(type.render);   // forwardRef
      if (type.type) return nameOf(type.type);       // memo
    }
    return null;
  }
  // Component functions by first sight (their names go in the log, the
  // functions stay here for the runner to ask V8 where each one starts).
  var MAX_TYPES = 2000;
  var typeIds = typeof Map === 'function' ? new Map() : null;
  var typeFns = [];
  try { Object.defineProperty(log, 'typeFns', { value: typeFns, enumerable: false }); } catch (e) {}
  function fnOf(type) {
    for (var i = 0; i < 4 && type; i++) {
      if (typeof type === 'function') return type;
      if (typeof type !== 'object') return null;
      type = type.render || type.type;   // forwardRef, memo
    }
    return null;
  }
  function typeId(type) {
    var fn = fnOf(type);
    if (!fn || !typeIds) return -1;
    var id = typeIds.get(fn);
    if (id === undefined) {
      if (typeFns.length >= MAX_TYPES) return -1;
      id = typeFns.length;
      typeIds.set(fn, id);
      typeFns.push(fn);
      log.react.types.push(nameOf(type) || 'Anonymous');
    }
    return id;
  }
  // Without render timings (a production build) the components mounted in
  // the first commits are still registered, up to this many fibers walked
  // in all, so the CPU profile's time can be told per component.
  var untimedBudget = 20000;
  function isComponent(fiber) {
    // FunctionComponent 0, ClassComponent 1, ForwardRef 11, MemoComponent 14, SimpleMemoComponent 15
    var tag = fiber.tag;
    return tag === 0 || tag === 1 || tag === 11 || tag === 14 || tag === 15;
  }
  function shallowEqual(a, b) {
    if (Object.is(a, b)) return true;
    if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (var i = 0; i < ka.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !Object.is(a[ka[i]], b[ka[i]])) return false;
    }
    return true;
  }
  // Why a rendered component fiber rendered, as React DevTools' "why did
  // this render" tells it (comparing with its alternate, the previous
  // render): mount, props (shallow), state (the hooks with an update queue,
  // or a class's state), context (the values it read), else its parent
  // rendered: an unnecessary render that React.memo would have skipped.
  function why(f) {
    var prev = f.alternate;
    if (!prev) return 'mount';
    if (!shallowEqual(prev.memoizedProps, f.memoizedProps)) return 'props';
    if (f.tag === 1) {
      if (!shallowEqual(prev.memoizedState, f.memoizedState)) return 'state';
    } else {
      for (var h = f.memoizedState, p = prev.memoizedState, n = 0; h && p && n < 1000; h = h.next, p = p.next, n++) {
        if (h.queue && !Object.is(h.memoizedState, p.memoizedState)) return 'state';
      }
    }
    var d = f.dependencies, pd = prev.dependencies;
    for (var c = d && d.firstContext, pc = pd && pd.firstContext, m = 0; c && pc && m < 1000; c = c.next, pc = pc.next, m++) {
      if (!Object.is(c.memoizedValue, pc.memoizedValue)) return 'context';
    }
    return 'parent';
  }
  // Whether a component fiber really rendered in this commit: React sets
  // PerformedWork (flag 1) when it calls the component; a bailout (a memo
  // with equal props, an unchanged subtree) goes through beginWork, and
  // gets a start time, without it. As React DevTools' didFiberRender.
  function performedWork(f) {
    var flags = typeof f.flags === 'number' ? f.flags : f.effectTag;
    return typeof flags !== 'number' || (flags & 1) === 1;
  }
  function record(root) {
    if (log.react.commits.length >= MAX_COMMITS) return;
    var now = performance.now();
    var current = root && root.current;
    var timed = !!current && typeof current.actualDuration === 'number';
    var renders = [];
    if (timed) {
      var since = lastCommit;
      var stack = [current];
      var guard = 0;
      while (stack.length && guard++ < 200000) {
        var f = stack.pop();
        var rendered = typeof f.actualStartTime === 'number' && f.actualStartTime >= 0 && f.actualStartTime > since;
        if (rendered && isComponent(f) && performedWork(f)) {
          var name = nameOf(f.type);
          if (name) {
            var childTime = 0;
            for (var c = f.child; c; c = c.sibling) {
              if (typeof c.actualStartTime === 'number' && c.actualStartTime > since) childTime += c.actualDuration || 0;
            }
            var actual = f.actualDuration || 0;
            renders.push([name, actual, Math.max(0, actual - childTime), why(f), typeId(f.type)]);
          }
        }
        for (var ch = f.child; ch; ch = ch.sibling) stack.push(ch);
      }
    } else if (current && untimedBudget > 0) {
      var seen = [current];
      while (seen.length && untimedBudget-- > 0) {
        var g = seen.pop();
        if (isComponent(g)) typeId(g.type);
        for (var k = g.child; k; k = k.sibling) seen.push(k);
      }
    }
    lastCommit = now;
    // The commit's render time: the root's actualDuration (everything that
    // rendered in it), as React DevTools' Profiler shows per commit.
    log.react.commits.push([now, timed, renders, timed ? current.actualDuration : null]);
  }
  function wrap(hook) {
    if (!hook || hook.__perfscopeWrapped) return hook;
    try {
      var inject = hook.inject;
      hook.inject = function (renderer) {
        try { log.react.renderers.push([renderer && renderer.version || null,
                                        renderer && typeof renderer.bundleType === 'number' ? renderer.bundleType : null,
                                        renderer && renderer.rendererPackageName || null]); } catch (e) {}
        return inject ? inject.apply(this, arguments) : log.react.renderers.length;
      };
      var commit = hook.onCommitFiberRoot;
      hook.onCommitFiberRoot = function (id, root) {
        try { record(root); } catch (e) {}
        if (commit) return commit.apply(this, arguments);
      };
      Object.defineProperty(hook, '__perfscopeWrapped', { value: true });
    } catch (e) {}
    return hook;
  }
  var existing = window.__REACT_DEVTOOLS_GLOBAL_HOOK__;
  var hook = existing ? wrap(existing) : wrap({
    supportsFiber: true,
    renderers: new Map(),
    inject: function (renderer) { var id = this.renderers.size + 1; this.renderers.set(id, renderer); return id; },
    onCommitFiberRoot: function () {},
    onCommitFiberUnmount: function () {},
    onPostCommitFiberRoot: function () {},
    onScheduleFiberRoot: function () {},
    checkDCE: function () {},
    isDisabled: false,
  });
  try {
    // A page (or the real DevTools) that assigns its own hook later gets it
    // wrapped instead of replaced; `defineProperty` over this still works.
    Object.defineProperty(window, '__REACT_DEVTOOLS_GLOBAL_HOOK__', {
      configurable: true, enumerable: false,
      get: function () { return hook; },
      set: function (value) { hook = wrap(value); },
    });
  } catch (e) {}

  // What the run's settle loop polls: FCP seen, end of the last long task,
  // and the page's clock (a busy main thread answers late or not at all).
  log.quiet = function () {
    var t = log.po.longtasks, last = t.length ? t[t.length - 1][0] + t[t.length - 1][1] : 0;
    return JSON.stringify([log.po.fcp !== null, last, performance.now()]);
  };

  log.read = function () {
    var nav = (performance.getEntriesByType('navigation') || [])[0];
    // The LCP resource's timing, for the LCP phases (Lighthouse's LCP breakdown).
    var lcpRes = null;
    if (log.po.lcpEl && log.po.lcpEl[1]) {
      var res = performance.getEntriesByName(log.po.lcpEl[1]).filter(function (r) { return r.entryType === 'resource'; })[0];
      if (res) lcpRes = [res.requestStart || res.startTime, res.responseEnd];
    }
    return JSON.stringify({
      po: log.po,
      lcpRes: lcpRes,
      nav: nav ? { responseStart: nav.responseStart, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd } : null,
      react: log.react,
      url: location.href,
    });
  };
})();
