// The web form's commune list becomes two linked lists (district, then commune) when scripts run; without scripts
// the grouped list works alone.
(function () {
  var sel = document.getElementById('areaCode');
  if (!sel || !sel.querySelector) return;
  var groups = [].slice.call(sel.getElementsByTagName('optgroup')).map(function (g) {
    return { label: g.label, options: [].slice.call(g.getElementsByTagName('option')).map(function (o) { return { value: o.value, text: o.text }; }) };
  });
  // one group (the 2025 map: communes directly under the province, no districts): the list alone
  if (groups.length < 2) return;
  var current = sel.value;
  var wrap = document.createElement('div'); wrap.className = 'field'; wrap.id = 'field-district';
  var label = document.createElement('label'); label.htmlFor = 'district'; label.textContent = 'Huyện, thị xã, thành phố';
  var district = document.createElement('select'); district.id = 'district';
  var none = document.createElement('option'); none.value = ''; none.textContent = '— Chọn huyện, thị xã, thành phố —'; district.appendChild(none);
  groups.forEach(function (g, i) {
    var o = document.createElement('option'); o.value = String(i); o.textContent = g.label; district.appendChild(o);
    g.options.forEach(function (c) { if (c.value === current) o.selected = true; });
  });
  wrap.appendChild(label); wrap.appendChild(district);
  var field = document.getElementById('field-areaCode'); field.parentNode.insertBefore(wrap, field);
  var areaLabel = field.getElementsByTagName('label')[0];
  if (areaLabel && areaLabel.firstChild) areaLabel.firstChild.nodeValue = 'Xã, phường, thị trấn ';
  function fill() {
    var g = groups[district.value];
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    var first = document.createElement('option'); first.value = '';
    first.textContent = g ? '— Chọn xã, phường, thị trấn —' : '— Chọn huyện trước —'; sel.appendChild(first);
    if (g) g.options.forEach(function (c) { var o = document.createElement('option'); o.value = c.value; o.textContent = c.text; if (c.value === current) o.selected = true; sel.appendChild(o); });
    sel.disabled = !g;
  }
  district.addEventListener('change', function () { current = ''; fill(); });
  fill();
})();
