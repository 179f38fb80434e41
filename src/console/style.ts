import { createHash } from 'node:crypto';

/**
 * The console's only stylesheet, served from the app under its hash (style-src 'self'; no inline
 * style anywhere). Colours keep text at 4.5:1 or more against its background (WCAG 2.1 1.4.3):
 * #1b1b1b, #404040 and #0b4f9c on white, white on #0b4f9c; bars and focus rings at 3:1 or more.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;line-height:1.45}
body{margin:0}
a{color:#0b4f9c}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.75rem 1rem;border-bottom:2px solid #0b4f9c}
header .brand{font-weight:700;margin-right:auto}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{padding:1rem;max-width:80rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.75rem 1rem;align-items:end;margin-bottom:1rem}
label{display:block;font-weight:600;font-size:.9rem;margin-bottom:.2rem}
input,select,button{font:inherit;font-size:1rem;padding:.45rem .5rem;border:1px solid #595959;border-radius:4px;width:100%;background:#fff;color:#1b1b1b}
select[multiple]{height:7.5rem}
button,.button{background:#0b4f9c;color:#fff;border-color:#0b4f9c;cursor:pointer;width:auto;padding:.5rem 1rem;text-decoration:none;display:inline-block;border-radius:4px}
button.link{background:none;color:#0b4f9c;border:none;text-decoration:underline;padding:0}
.hint{color:#404040;font-size:.85rem;margin:.2rem 0 0}
.error{color:#a30000;font-weight:600}
.errors{border:2px solid #a30000;padding:.5rem 1rem;margin-bottom:1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #bdbdbd;vertical-align:top}
th{background:#f2f2f2}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85rem;word-break:break-all}
.signin{max-width:28rem;margin:3rem auto}
.signin form>*+*{margin-top:1rem}
figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}
.legend{display:flex;gap:1rem;flex-wrap:wrap;list-style:none;padding:0;margin:.5rem 0}
.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.35rem;vertical-align:-.1rem;border:1px solid #1b1b1b}
.swatch.sent{background:#0b4f9c}.swatch.approved{background:#1d7a3a}.swatch.refused{background:#b3261e}
ol.timeline{padding-left:1.25rem}
ol.timeline li{margin-bottom:.75rem}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.3rem}th,td{padding:.35rem}}
`;

const hash = createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 16);

/** Where the stylesheet is served: its hash in the name, so it may be cached for ever. */
export const STYLESHEET_PATH = `/console/static/console-${hash}.css`;
