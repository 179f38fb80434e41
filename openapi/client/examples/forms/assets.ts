/**
 * The WebOTP API (https://wicg.github.io/web-otp/): where the browser has it (Chrome on Android),
 * it reads the code from the SMS Tessera sent, when its last line is `@<this host> #<code>`
 * (Tessera adds it with WEBOTP_DOMAIN), and submits the form. Elsewhere the field's
 * autocomplete="one-time-code" lets iOS and others offer the code, or the user types it.
 */
export const WEBOTP_SCRIPT = `'use strict';
(function () {
  if (!('OTPCredential' in window)) return;
  var input = document.querySelector('input[autocomplete="one-time-code"]');
  if (!input || !input.form) return;
  var abort = new AbortController();
  input.form.addEventListener('submit', function () { abort.abort(); });
  navigator.credentials
    .get({ otp: { transport: ['sms'] }, signal: abort.signal })
    .then(function (otp) {
      if (!otp || !otp.code) return;
      input.value = otp.code;
      input.form.requestSubmit();
    })
    .catch(function () { /* dismissed or timed out: the user types the code */ });
})();
`;

/** Dark text on white at 4.5:1 or more; the layout is one column from 320 px up. */
export const STYLESHEET = `*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f4f5f7;line-height:1.45}
body{margin:0;padding:1rem}
main{max-width:26rem;margin:2rem auto;background:#fff;border:1px solid #d0d4da;border-radius:8px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 1rem}
p{margin:.5rem 0}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input,select{font:inherit;font-size:1rem;width:100%;padding:.6rem .7rem;border:1px solid #595959;border-radius:6px;background:#fff;color:#1b1b1b}
input.code{font-size:1.6rem;letter-spacing:.4em;text-align:center;font-variant-numeric:tabular-nums}
.row{display:grid;grid-template-columns:7rem 1fr;gap:.5rem}
button{font:inherit;font-size:1rem;width:100%;margin-top:1.25rem;padding:.7rem;border:0;border-radius:6px;background:#0b4f9c;color:#fff;cursor:pointer}
button.secondary{background:none;color:#0b4f9c;border:1px solid #0b4f9c;margin-top:.75rem}
input:focus-visible,select:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
a{color:#0b4f9c}
.hint{color:#404040;font-size:.9rem}
.error{color:#a30000;font-weight:600}
.notice{color:#1e5e2b;font-weight:600}
footer{text-align:center;margin-top:1rem}
`;
