import { formatDateTimeVi } from '../../common/vn-time.js';
import { FORM_TOKEN_FIELD, HONEYPOT_FIELD } from './bot-trap.js';
import type { FormChoices, PublicTicketView } from './public-report.service.js';

/**
 * The public pages, rendered on the server: plain HTML forms that work without JavaScript, one column that fits a
 * phone screen, every value escaped. The only script (district → commune picker) is an optional enhancement
 * allowed by the page's CSP nonce.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

export interface PageContext {
  nonce: string;
  province: string;
}

/** The house style, shared with the staff pages (src/web/). */
export const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#f4f6f8}
header{background:#b3261e;color:#fff;padding:.75rem 1rem}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700;font-size:1.1rem;display:block}
header .sub{font-size:.85rem;opacity:.9}
nav{display:flex;gap:1rem;flex-wrap:wrap;margin-top:.4rem}
nav a{text-decoration:underline;font-size:.95rem}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
.card{background:#fff;border-radius:8px;padding:1rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.field{margin-bottom:1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{font-weight:400;color:#555;font-size:.9rem}
.req{color:#b3261e}
input[type=text],input[type=tel],input[type=email],select,textarea{width:100%;font:inherit;font-size:16px;padding:.6rem;border:1px solid #8a8f98;border-radius:6px;background:#fff}
textarea{min-height:9rem;resize:vertical}
[aria-invalid=true]{border-color:#b3261e;border-width:2px}
.error{color:#b3261e;margin:.25rem 0 0;font-size:.95rem}
.notice{background:#fff4e5;border-left:4px solid #e08a00;padding:.75rem;margin-bottom:1rem}
.summary{background:#fdecea;border-left:4px solid #b3261e;padding:.75rem;margin-bottom:1rem}
button{font:inherit;font-weight:600;background:#b3261e;color:#fff;border:0;border-radius:6px;padding:.75rem 1.25rem;width:100%;cursor:pointer}
.code{font-size:1.6rem;font-weight:700;letter-spacing:.05em;background:#f4f6f8;padding:.5rem .75rem;border-radius:6px;display:inline-block}
dl{margin:0}dt{font-weight:600;margin-top:.6rem}dd{margin:0}
ol.timeline{padding-left:1.2rem;margin:.25rem 0}
ol.timeline li{margin-bottom:.5rem}
.time{color:#555;font-size:.9rem;display:block}
.answer{white-space:pre-line;background:#eef7ee;border-left:4px solid #2e7d32;padding:.75rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
@media (min-width:40rem){button{width:auto}main{padding:1.5rem}}
`;

export function layout(ctx: PageContext, title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Tổng đài 1022</title>
<style nonce="${esc(ctx.nonce)}">${CSS}</style>
</head>
<body>
<header>
<a class="brand" href="/gui-phan-anh">Tổng đài 1022 ${esc(ctx.province)}</a>
<span class="sub">Tiếp nhận phản ánh, kiến nghị của người dân</span>
<nav><a href="/gui-phan-anh">Gửi phản ánh</a><a href="/tra-cuu">Tra cứu phản ánh</a></nav>
</header>
<main>
${body}
</main>
${script ? `<script nonce="${esc(ctx.nonce)}">${script}</script>` : ''}
</body>
</html>
`;
}

export type FieldErrors = Partial<Record<string, string>>;

interface FieldOptions {
  name: string;
  label: string;
  required?: boolean;
  hint?: string;
  errors: FieldErrors;
}

/** One labelled field with its error right under it (and tied to it for screen readers). */
function field(o: FieldOptions, control: (attrs: string) => string): string {
  const error = o.errors[o.name];
  const describedBy = error ? ` aria-invalid="true" aria-describedby="${o.name}-error"` : '';
  return `<div class="field" id="field-${o.name}">
<label for="${o.name}">${esc(o.label)}${o.required ? ' <span class="req" aria-hidden="true">*</span>' : ''}${o.hint ? ` <span class="hint">${esc(o.hint)}</span>` : ''}</label>
${control(`id="${o.name}" name="${o.name}"${o.required ? ' required' : ''}${describedBy}`)}
${error ? `<p class="error" id="${o.name}-error">${esc(error)}</p>` : ''}
</div>`;
}

const input = (type: string, value: string | undefined, extra = '') => (attrs: string) =>
  `<input type="${type}" ${attrs} value="${esc(value)}"${extra}>`;

export interface ReportFormValues {
  fullName?: string;
  phone?: string;
  email?: string;
  areaCode?: string;
  categoryCode?: string;
  address?: string;
  content?: string;
}

export interface ReportFormModel {
  choices: FormChoices;
  values: ReportFormValues;
  errors: FieldErrors;
  token: string;
  notice?: string;
}

/** Turns the grouped commune list into two linked lists (district, then commune) when scripts run. */
const AREA_PICKER = `
(function(){
  var sel=document.getElementById('areaCode');
  if(!sel||!sel.querySelector)return;
  var groups=[].slice.call(sel.getElementsByTagName('optgroup')).map(function(g){
    return {label:g.label,options:[].slice.call(g.getElementsByTagName('option')).map(function(o){return {value:o.value,text:o.text};})};
  });
  var current=sel.value;
  var wrap=document.createElement('div');wrap.className='field';wrap.id='field-district';
  var label=document.createElement('label');label.htmlFor='district';label.textContent='Huyện, thị xã, thành phố';
  var district=document.createElement('select');district.id='district';
  var none=document.createElement('option');none.value='';none.textContent='— Chọn huyện, thị xã, thành phố —';district.appendChild(none);
  groups.forEach(function(g,i){var o=document.createElement('option');o.value=String(i);o.textContent=g.label;district.appendChild(o);
    g.options.forEach(function(c){if(c.value===current)o.selected=true;});});
  wrap.appendChild(label);wrap.appendChild(district);
  var field=document.getElementById('field-areaCode');field.parentNode.insertBefore(wrap,field);
  var areaLabel=field.getElementsByTagName('label')[0];if(areaLabel&&areaLabel.firstChild)areaLabel.firstChild.nodeValue='Xã, phường, thị trấn ';
  function fill(){
    var g=groups[district.value];
    while(sel.firstChild)sel.removeChild(sel.firstChild);
    var first=document.createElement('option');first.value='';
    first.textContent=g?'— Chọn xã, phường, thị trấn —':'— Chọn huyện trước —';sel.appendChild(first);
    if(g)g.options.forEach(function(c){var o=document.createElement('option');o.value=c.value;o.textContent=c.text;if(c.value===current)o.selected=true;sel.appendChild(o);});
    sel.disabled=!g;
  }
  district.addEventListener('change',function(){current='';fill();});
  fill();
})();`;

export function reportFormPage(ctx: PageContext, m: ReportFormModel): string {
  const { values: v, errors } = m;
  const messages = Object.values(errors).filter(Boolean);
  const areaOptions = m.choices.districts.map((d) =>
    `<optgroup label="${esc(d.name)}">${d.communes.map((c) =>
      `<option value="${esc(c.code)}"${c.code === v.areaCode ? ' selected' : ''}>${esc(c.name)}</option>`).join('')}</optgroup>`).join('\n');
  const categoryOptions = m.choices.categories.map((c) =>
    `<option value="${esc(c.code)}"${c.code === v.categoryCode ? ' selected' : ''}>${esc(c.name)}</option>`).join('');
  const body = `<h1>Gửi phản ánh, kiến nghị</h1>
${m.notice ? `<div class="notice" role="status">${esc(m.notice)}</div>` : ''}
${messages.length ? `<div class="summary" role="alert">Vui lòng sửa ${messages.length} lỗi được đánh dấu bên dưới rồi gửi lại.</div>` : ''}
<form class="card" method="post" action="/gui-phan-anh" accept-charset="utf-8">
<p class="hint">Các ô có dấu <span class="req">*</span> là bắt buộc.</p>
${field({ name: 'fullName', label: 'Họ và tên', required: true, errors }, input('text', v.fullName, ' autocomplete="name" maxlength="120"'))}
${field({ name: 'phone', label: 'Số điện thoại', required: true, hint: '(để nhận kết quả và tra cứu)', errors }, input('tel', v.phone, ' autocomplete="tel" inputmode="tel" maxlength="20"'))}
${field({ name: 'email', label: 'Email', hint: '(tùy chọn)', errors }, input('email', v.email, ' autocomplete="email" maxlength="254"'))}
${field({ name: 'areaCode', label: 'Địa bàn (xã, phường, thị trấn)', required: true, hint: '', errors }, (attrs) =>
    `<select ${attrs}>\n<option value="">— Chọn xã, phường, thị trấn —</option>\n${areaOptions}\n</select>`)}
${field({ name: 'categoryCode', label: 'Lĩnh vực', hint: '(nếu biết)', errors }, (attrs) =>
    `<select ${attrs}>\n<option value="">— Không rõ, để Tổng đài phân loại —</option>\n${categoryOptions}\n</select>`)}
${field({ name: 'address', label: 'Địa chỉ', hint: '(số nhà, ấp, khóm…)', errors }, input('text', v.address, ' autocomplete="street-address" maxlength="300"'))}
${field({ name: 'content', label: 'Nội dung phản ánh', required: true, errors }, (attrs) =>
    `<textarea ${attrs} rows="7" maxlength="5000">${esc(v.content)}</textarea>`)}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Không điền vào ô này</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" value="" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(m.token)}">
<button type="submit">Gửi phản ánh</button>
</form>`;
  return layout(ctx, 'Gửi phản ánh', body, AREA_PICKER);
}

export function reportSentPage(ctx: PageContext, code: string): string {
  const body = `<h1>Đã gửi phản ánh</h1>
<div class="card">
<p>Tổng đài 1022 đã tiếp nhận phản ánh của bạn. Mã phản ánh của bạn là:</p>
<p><span class="code" id="ma-phan-anh">${esc(code)}</span></p>
<p>Vui lòng ghi lại mã phản ánh này. Bạn có thể tra cứu tình hình xử lý bằng mã phản ánh và số điện thoại đã khai báo.</p>
<p><a href="/tra-cuu?ma=${encodeURIComponent(code)}" id="link-tra-cuu">Tra cứu tình hình xử lý phản ánh</a></p>
<p><a href="/gui-phan-anh">Gửi phản ánh khác</a></p>
</div>`;
  return layout(ctx, 'Đã gửi phản ánh', body);
}

export interface TrackFormModel {
  values: { code?: string; phone?: string };
  errors: FieldErrors;
  notFound?: boolean;
}

export const TRACK_NOT_FOUND_TEXT =
  'Không tìm thấy phản ánh với mã phản ánh và số điện thoại này. Vui lòng kiểm tra lại mã phản ánh và số điện thoại đã khai báo khi gửi.';

export function trackFormPage(ctx: PageContext, m: TrackFormModel): string {
  const { values: v, errors } = m;
  const body = `<h1>Tra cứu phản ánh</h1>
${m.notFound ? `<div class="summary" role="alert" id="khong-tim-thay">${esc(TRACK_NOT_FOUND_TEXT)}</div>` : ''}
<form class="card" method="post" action="/tra-cuu" accept-charset="utf-8">
${field({ name: 'code', label: 'Mã phản ánh', required: true, hint: '(ví dụ PA-7K3M-9QXZ)', errors }, input('text', v.code, ' autocapitalize="characters" autocomplete="off" maxlength="40"'))}
${field({ name: 'phone', label: 'Số điện thoại', required: true, hint: '(đã khai báo khi gửi)', errors }, input('tel', v.phone, ' autocomplete="tel" inputmode="tel" maxlength="20"'))}
<button type="submit">Tra cứu</button>
</form>`;
  return layout(ctx, 'Tra cứu phản ánh', body);
}

export function trackResultPage(ctx: PageContext, view: PublicTicketView): string {
  const timeline = view.timeline.map((e) =>
    `<li><span class="time">${esc(formatDateTimeVi(new Date(e.at)))}</span>${esc(e.label)}</li>`).join('\n');
  const body = `<h1>Phản ánh ${esc(view.code)}</h1>
<div class="card">
<dl>
<dt>Tình trạng</dt><dd id="trang-thai">${esc(view.statusLabel)}</dd>
<dt>Đơn vị xử lý</dt><dd id="don-vi">${view.unit ? esc(view.unit) : 'Chưa phân công'}</dd>
<dt>Ngày tiếp nhận</dt><dd>${esc(formatDateTimeVi(new Date(view.receivedAt)))}</dd>
</dl>
<h2>Quá trình xử lý</h2>
<ol class="timeline" id="qua-trinh">
${timeline}
</ol>
${view.answer ? `<h2>Kết quả xử lý</h2>\n<div class="answer" id="ket-qua">${esc(view.answer)}</div>` : ''}
</div>
<p><a href="/tra-cuu">Tra cứu phản ánh khác</a></p>`;
  return layout(ctx, `Phản ánh ${view.code}`, body);
}

/** A page for a refused or failed request (too many requests, too large, not found, server error). */
export function messagePage(ctx: PageContext, title: string, message: string): string {
  const body = `<h1>${esc(title)}</h1>
<div class="card" role="alert"><p id="thong-bao">${esc(message)}</p>
<p><a href="/gui-phan-anh">Về trang gửi phản ánh</a> · <a href="/tra-cuu">Tra cứu phản ánh</a></p></div>`;
  return layout(ctx, title, body);
}
