// Keeps what waits for this person current without reloading the page: asks GET /trang/dem every 30 seconds while
// the tab is visible and updates the header's counts (new tickets for the unit, the coordinators' queue). On a list
// marked data-live-list="queue|unit", when its count changes the list is fetched again and swapped in place, so new
// tickets appear; while the person is working in the list (focus inside it, a box ticked) it is left alone and a
// notice offers to reload instead. A polite live region says what changed.
(function () {
  var badges = document.querySelectorAll('[data-live-count]');
  if (!badges.length || !window.fetch || !window.DOMParser) return;
  var list = document.querySelector('[data-live-list]');
  var listKey = list && list.getAttribute('data-live-list');
  var seen = {};
  // each badge carries its count in data-n and the count's cap in data-cap: past the cap it reads "999+", and the
  // server stops counting at cap + 1 (so a change past the cap is not seen here; the list says how many there are)
  [].forEach.call(badges, function (b) { seen[b.getAttribute('data-live-count')] = Number(b.getAttribute('data-n')) || 0; });
  var status = document.createElement('div');
  status.className = 'hp';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  document.body.appendChild(status);

  function busy() {
    return list.contains(document.activeElement) || !!list.querySelector('input[type=checkbox]:checked');
  }
  function notice() {
    if (document.getElementById('co-moi')) return;
    var note = document.createElement('div');
    note.id = 'co-moi'; note.className = 'notice live-banner';
    note.appendChild(document.createTextNode('Có phản ánh mới. '));
    var a = document.createElement('a'); a.href = location.pathname + location.search; a.textContent = 'Tải lại danh sách';
    note.appendChild(a);
    list.parentNode.insertBefore(note, list);
  }
  function refreshList(grew) {
    if (busy()) { if (grew) notice(); return; }
    fetch(location.pathname + location.search, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html || busy()) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live-list="' + listKey + '"]');
        if (!fresh) return;
        list.innerHTML = fresh.innerHTML;
        var total = document.getElementById('tong-so');
        var freshTotal = fresh.ownerDocument.getElementById('tong-so');
        if (total && freshTotal) total.textContent = freshTotal.textContent;
        if (grew) status.textContent = 'Danh sách đã được cập nhật: có phản ánh mới.';
      })
      .catch(function () { if (grew) notice(); });
  }
  function show(counts) {
    [].forEach.call(badges, function (b) {
      var key = b.getAttribute('data-live-count');
      if (typeof counts[key] !== 'number') return;
      var cap = Number(b.getAttribute('data-cap')) || Infinity;
      b.setAttribute('data-n', String(counts[key]));
      b.textContent = counts[key] > cap ? cap + '+' : String(counts[key]);
      b.hidden = counts[key] === 0;
    });
    if (list && typeof counts[listKey] === 'number' && counts[listKey] !== seen[listKey]) {
      var grew = counts[listKey] > seen[listKey];
      seen[listKey] = counts[listKey];
      refreshList(grew);
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
