// The operator's console (/tong-dai), enhanced: the calls the telephone exchange announces appear without reload
// (server-sent events from GET /tong-dai/cuoc-goi) and an incoming call fills an untouched form; the caller's earlier
// tickets appear as the number is typed (GET /tong-dai/lich-su); the likely duplicates are looked for as the form is
// filled (POST /tong-dai/kiem-tra-trung). Without scripts the same is reached through the form's buttons.
(function () {
  var form = document.getElementById('form-tong-dai');
  if (!form || !window.fetch) return;
  var csrf = form.elements._csrf.value;
  var phone = form.elements.reporterPhone;
  var callId = form.elements.callId;
  var historySection = document.getElementById('lich-su');
  var duplicateSection = document.getElementById('trung');
  var callList = document.getElementById('ds-cuoc-goi');
  var noCalls = document.getElementById('khong-co-cuoc-goi');
  var banner = document.getElementById('cuoc-goi-den');

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  var dateFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hour12: false });
  function when(iso) {
    var p = {};
    dateFormat.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.hour + ':' + p.minute + ' ' + p.day + '/' + p.month + '/' + p.year;
  }
  function digits(s) { return String(s || '').replace(/\D/g, ''); }
  function plausible(s) { var d = digits(s); return d.length >= 10 && d.length <= 12; }

  // the same markup as console/tickets.njk
  function ticketList(items, id) {
    var ul = el('ul', 'tickets console-tickets');
    ul.id = id;
    items.forEach(function (t) {
      var li = el('li');
      var a = el('a', 'tcode', t.code); a.href = '/tickets/' + encodeURIComponent(t.code);
      li.appendChild(a); li.appendChild(document.createTextNode(' '));
      li.appendChild(el('span', 'badge', t.statusLabel));
      if (t.reason) { li.appendChild(document.createTextNode(' ')); li.appendChild(el('span', 'badge soon', t.reason)); }
      li.appendChild(el('div', 'meta', 'Tiếp nhận ' + when(t.receivedAt) + (t.category ? ' · ' + t.category : '') + (t.unit ? ' · ' + t.unit : '')));
      li.appendChild(el('p', 'excerpt', t.excerpt));
      if (t.open) {
        var b = el('button', 'secondary small', 'Thêm cuộc gọi này vào ' + t.code);
        b.type = 'submit'; b.name = 'themVao'; b.value = t.code; b.setAttribute('form', 'form-tong-dai');
        li.appendChild(b);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function fillSection(section, title, summary, list) {
    var heading = section.querySelector('h2');
    [].slice.call(section.childNodes).forEach(function (n) { if (n !== heading) section.removeChild(n); });
    heading.textContent = title;
    section.appendChild(summary);
    if (list) section.appendChild(list);
    section.hidden = false;
  }

  // the caller's earlier tickets
  var historyFor = null;
  function showHistory(number, focus) {
    if (!plausible(number)) return;
    historyFor = digits(number);
    fetch('/tong-dai/lich-su?so=' + encodeURIComponent(number), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (h) {
        if (!h || historyFor !== digits(number)) return;
        var summary = el('p', 'hint', h.items.length
          ? h.total + ' phản ánh' + (h.total > h.items.length ? ', hiện ' + h.items.length + ' phản ánh gần nhất' : '') + '.'
          : 'Số này chưa có phản ánh nào.');
        summary.id = 'lich-su-tong';
        fillSection(historySection, 'Phản ánh trước đây của số ' + h.phone, summary, h.items.length ? ticketList(h.items, 'ds-lich-su') : null);
        if (focus) historySection.querySelector('h2').focus();
      })
      .catch(function () { /* the button still works */ });
  }
  var typing;
  phone.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(function () { if (digits(phone.value) !== historyFor) showHistory(phone.value, false); }, 400);
  });
  document.getElementById('xem-lich-su').addEventListener('click', function (e) {
    if (!plausible(phone.value)) return; // the server says what is wrong with the number
    e.preventDefault();
    showHistory(phone.value, true);
  });

  // the likely duplicates
  var lastCheck = '';
  function checkDuplicates(focus) {
    var body = {
      reporterPhone: phone.value, areaCode: form.elements.areaCode.value, categoryCode: form.elements.categoryCode.value,
      content: form.elements.content.value, callId: callId.value,
    };
    var key = JSON.stringify(body);
    if (!focus && (key === lastCheck || !body.content.trim())) return;
    lastCheck = key;
    fetch('/tong-dai/kiem-tra-trung', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: key,
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        var summary = el('p', 'hint', d.duplicates.length
          ? 'Những phản ánh này có thể cùng một việc. Nếu đúng, hãy thêm cuộc gọi vào phản ánh đó thay vì tạo phản ánh mới.'
          : 'Không thấy phản ánh nào có thể trùng.');
        summary.id = 'trung-tong';
        if (!d.duplicates.length && !focus) { duplicateSection.hidden = true; return; }
        fillSection(duplicateSection, 'Có thể trùng', summary, d.duplicates.length ? ticketList(d.duplicates, 'ds-trung') : null);
        if (focus) duplicateSection.querySelector('h2').focus();
      })
      .catch(function () { /* the button still works */ });
  }
  ['content', 'categoryCode', 'areaCode'].forEach(function (name) {
    form.elements[name].addEventListener('change', function () { checkDuplicates(false); });
  });
  document.getElementById('kiem-tra').addEventListener('click', function (e) {
    e.preventDefault();
    checkDuplicates(true);
  });

  // calls announced by the exchange
  function untouched() {
    return !callId.value && !phone.value.trim() && !form.elements.content.value.trim() && !form.elements.reporterName.value.trim();
  }
  function attach(call) {
    callId.value = call.callId;
    phone.value = call.callerNumber;
    phone.readOnly = true;
    document.getElementById('reporterPhone-hint').textContent = '(số gọi đến, từ tổng đài)';
    document.getElementById('bo-cuoc-goi').hidden = false;
    form.elements.channel.value = 'hotline';
    banner.textContent = '';
    banner.appendChild(document.createTextNode('Cuộc gọi đến từ số '));
    banner.appendChild(el('strong', null, call.callerDisplay || 'ẩn số'));
    banner.appendChild(document.createTextNode(', bắt đầu lúc ' + when(call.startedAt) + '. Số đã được điền vào biểu mẫu; phản ánh lưu từ biểu mẫu này được gắn với cuộc gọi.'));
    showHistory(call.callerNumber, false);
  }
  function listCall(call) {
    var item = callList.querySelector('[data-call="' + (window.CSS && CSS.escape ? CSS.escape(call.callId) : call.callId) + '"]');
    if (call.ticketCode) {
      if (item) item.parentNode.removeChild(item);
      noCalls.hidden = callList.children.length > 0;
      return;
    }
    if (item) return;
    item = el('li', 'new');
    item.setAttribute('data-call', call.callId);
    var a = el('a', null, call.callerDisplay || 'Ẩn số');
    a.href = '/tong-dai?cuoc-goi=' + encodeURIComponent(call.callId);
    item.appendChild(a);
    item.appendChild(document.createTextNode(' '));
    item.appendChild(el('span', 'meta', 'lúc ' + when(call.startedAt)));
    callList.insertBefore(item, callList.firstChild);
    noCalls.hidden = true;
    if (untouched()) attach(call);
    else {
      // the form is in use: the call waits in the list, and the banner says so
      banner.textContent = '';
      banner.appendChild(document.createTextNode('Cuộc gọi mới từ số '));
      banner.appendChild(el('strong', null, call.callerDisplay || 'ẩn số'));
      banner.appendChild(document.createTextNode(' đang chờ trong danh sách “Cuộc gọi đang chờ”.'));
    }
  }
  if (window.EventSource) {
    var source = new EventSource('/tong-dai/cuoc-goi');
    source.addEventListener('call', function (e) {
      try { listCall(JSON.parse(e.data)); } catch (err) { /* a malformed event is skipped */ }
    });
  }
})();
