// The coordinator's ticket page: the sentence "Theo quy tắc phân công: …" follows the category and the commune as
// they are chosen, asking GET /dieu-phoi/tuyen (where the routing rules would send the ticket). Without scripts the
// sentence shows the ticket's own category and commune, and the form works the same.
(function () {
  var out = document.getElementById('theo-quy-tac');
  var category = document.getElementById('categoryCode');
  var area = document.getElementById('areaCode');
  if (!out || !category || !area || !window.fetch) return;
  var asked = 0;
  function update() {
    var ask = ++asked;
    var q = '?categoryCode=' + encodeURIComponent(category.value) + '&areaCode=' + encodeURIComponent(area.value) +
      '&traLai=' + encodeURIComponent(out.getAttribute('data-returned-by') || '');
    out.setAttribute('aria-busy', 'true');
    fetch('/dieu-phoi/tuyen' + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        // an answer to an older question (the choice changed again meanwhile) is dropped
        if (ask !== asked) return;
        out.removeAttribute('aria-busy');
        if (p && p.text) { out.textContent = p.text; out.setAttribute('data-unit', p.unitCode || ''); }
      })
      .catch(function () { if (ask === asked) out.removeAttribute('aria-busy'); });
  }
  category.addEventListener('change', update);
  area.addEventListener('change', update);
})();

// The queue's list: a box in the header ticks or unticks every ticket of the page at once.
(function () {
  var table = document.getElementById('danh-sach');
  var head = table && table.querySelector('thead th');
  var boxes = table ? table.querySelectorAll('tbody input[type=checkbox][name=ma]') : [];
  if (!head || !boxes.length) return;
  var all = document.createElement('input');
  all.type = 'checkbox';
  all.id = 'chon-tat-ca';
  var label = document.createElement('label');
  label.htmlFor = all.id;
  label.className = 'vh';
  label.textContent = 'Chọn tất cả phản ánh trong trang';
  while (head.firstChild) head.removeChild(head.firstChild);
  head.appendChild(all);
  head.appendChild(label);
  function sync() {
    var ticked = [].filter.call(boxes, function (b) { return b.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener('change', function () { [].forEach.call(boxes, function (b) { b.checked = all.checked; }); });
  [].forEach.call(boxes, function (b) { b.addEventListener('change', sync); });
  sync();
})();
