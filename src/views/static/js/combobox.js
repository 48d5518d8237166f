// Type-ahead for long lists: every <select data-combobox> becomes a text box with a list of matching choices
// (WAI-ARIA combobox with a listbox). Typing without diacritics matches ("hoa loi" finds "Xã Hòa Lợi — huyện Châu
// Thành"); every typed word must appear. Arrow keys move, Enter or a click chooses, Escape closes. The <select> stays
// in the form (hidden) and carries the value, so the form sends the same thing with or without scripts; a `change`
// event is sent on it when a choice is made. Without scripts the plain <select> is shown.
(function () {
  var MAX_SHOWN = 60;
  function fold(s) {
    return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
      .toLowerCase().replace(/\s+/g, ' ').trim();
  }
  var counter = 0;
  function enhance(select) {
    if (select.getAttribute('data-combobox-ready')) return;
    select.setAttribute('data-combobox-ready', '1');
    counter += 1;
    var id = select.id || ('combobox-' + counter);
    var choices = [].slice.call(select.options).filter(function (o) { return o.value !== ''; }).map(function (o) {
      var group = o.parentNode && o.parentNode.tagName === 'OPTGROUP' ? o.parentNode.label : '';
      var label = o.getAttribute('data-label') || o.text;
      return { value: o.value, text: label, hint: group, key: fold(label + ' ' + (o.getAttribute('data-search') || '')) };
    });
    var empty = [].slice.call(select.options).filter(function (o) { return o.value === ''; })[0];
    var wrap = document.createElement('div');
    wrap.className = 'combobox';
    var input = document.createElement('input');
    input.type = 'text';
    input.id = id + '-tim';
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('spellcheck', 'false');
    input.placeholder = empty ? empty.text : 'Gõ để tìm';
    if (select.required) input.required = true;
    ['aria-invalid', 'aria-describedby'].forEach(function (a) { if (select.hasAttribute(a)) input.setAttribute(a, select.getAttribute(a)); });
    var list = document.createElement('ul');
    list.id = id + '-ds';
    list.className = 'combobox-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.setAttribute('aria-controls', list.id);
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) { label.htmlFor = input.id; list.setAttribute('aria-label', label.textContent.replace(/\s*\*\s*$/, '').trim()); }
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute('aria-hidden', 'true');
    select.required = false;
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(select);

    var shown = [];
    var active = -1;
    var touched = false; // typed or moved in the list since it opened
    var current = choices.filter(function (c) { return c.value === select.value; })[0];
    if (current) input.value = current.text;

    function close() { touched = false; list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; }
    function mark(i) {
      active = i;
      [].forEach.call(list.children, function (li, j) { li.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      if (i >= 0 && list.children[i]) {
        input.setAttribute('aria-activedescendant', list.children[i].id);
        list.children[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }
    function render() {
      var words = fold(input.value).split(' ').filter(Boolean);
      shown = choices.filter(function (c) { return words.every(function (w) { return c.key.indexOf(w) >= 0; }); }).slice(0, MAX_SHOWN);
      while (list.firstChild) list.removeChild(list.firstChild);
      shown.forEach(function (c, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('data-value', c.value);
        li.textContent = c.text;
        if (c.hint && c.key.indexOf(fold(c.hint)) < 0) {
          var small = document.createElement('span'); small.className = 'hint'; small.textContent = ' · ' + c.hint; li.appendChild(small);
        }
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(c); });
        list.appendChild(li);
      });
      if (!shown.length) {
        var none = document.createElement('li'); none.className = 'none'; none.textContent = 'Không có lựa chọn phù hợp'; none.setAttribute('aria-disabled', 'true');
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      mark(shown.length ? 0 : -1);
    }
    function choose(c) {
      current = c;
      input.value = c ? c.text : '';
      select.value = c ? c.value : '';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      close();
    }
    input.addEventListener('input', function () {
      touched = true;
      if (!input.value.trim()) { choose(null); return; }
      render();
    });
    input.addEventListener('focus', function () { if (!current) render(); });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') touched = true;
      if (e.key === 'ArrowDown') { e.preventDefault(); if (list.hidden) render(); else if (shown.length) mark(Math.min(active + 1, shown.length - 1)); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); if (!list.hidden && shown.length) mark(Math.max(active - 1, 0)); }
      else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(shown[active]); }
      } else if (e.key === 'Tab') {
        // moving on with a list open takes the highlighted choice, like Enter, once the person has typed or moved in
        // the list: tabbing through an empty optional field chooses nothing
        if (!list.hidden && active >= 0 && touched) choose(shown[active]);
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); input.value = current ? current.text : ''; }
      }
    });
    input.addEventListener('blur', function () {
      // a typed text that names exactly one choice is that choice; otherwise the last choice stays
      var words = fold(input.value);
      var exact = choices.filter(function (c) { return fold(c.text) === words; })[0];
      if (exact && exact !== current) choose(exact);
      else if (!input.value.trim()) choose(null);
      else input.value = current ? current.text : '';
      close();
    });
    select.addEventListener('combobox:refresh', function () {
      current = choices.filter(function (c) { return c.value === select.value; })[0];
      input.value = current ? current.text : '';
    });
  }
  [].forEach.call(document.querySelectorAll('select[data-combobox]'), enhance);
})();
