// The header's counts of what waits for this person (new tickets for the unit, the coordinators' queue), kept
// current without reloading: asks GET /trang/dem every 30 seconds while the tab is visible. A list page marked
// data-live-list="queue|unit" shows a notice with a reload link when its count grows.
(function () {
  var badges = document.querySelectorAll('[data-live-count]');
  if (!badges.length || !window.fetch) return;
  var list = document.querySelector('[data-live-list]');
  var listKey = list && list.getAttribute('data-live-list');
  var seen = {};
  [].forEach.call(badges, function (b) { seen[b.getAttribute('data-live-count')] = Number(b.textContent) || 0; });
  var first = seen[listKey];
  function show(counts) {
    [].forEach.call(badges, function (b) {
      var key = b.getAttribute('data-live-count');
      if (typeof counts[key] !== 'number') return;
      b.textContent = String(counts[key]);
      b.hidden = counts[key] === 0;
      b.setAttribute('aria-label', counts[key] + ' phản ánh đang chờ');
    });
    if (list && typeof counts[listKey] === 'number' && counts[listKey] > first && !document.getElementById('co-moi')) {
      var note = document.createElement('div');
      note.id = 'co-moi'; note.className = 'notice live-banner'; note.setAttribute('role', 'status');
      note.appendChild(document.createTextNode('Có phản ánh mới. '));
      var a = document.createElement('a'); a.href = location.pathname + location.search; a.textContent = 'Tải lại danh sách';
      note.appendChild(a);
      list.parentNode.insertBefore(note, list);
    }
  }
  function poll() {
    if (document.hidden) return;
    fetch('/trang/dem', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) { if (c) show(c); })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  setInterval(poll, 30000);
  document.addEventListener('visibilitychange', poll);
})();
