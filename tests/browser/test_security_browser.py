"""The Content-Security-Policy in a real browser: our pages run, an injected script does not."""

from __future__ import annotations

from tests.browser.conftest import _CSP_TAG, _REPORT_CSP, PHONE
from tests.factories.auth import DEMO_ADMIN, sign_in_page


def test_an_injected_inline_script_is_refused_and_reported(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=live_server)
    context.add_init_script(_REPORT_CSP)
    seen: list[str] = []
    context.on("console", lambda message: seen.append(message.text))
    page = context.new_page()
    try:
        sign_in_page(page, *DEMO_ADMIN)
        page.wait_for_url(f"{live_server}/")
        ran = page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            const box = document.createElement("div");
            box.setAttribute("style", "color: red");
            document.body.appendChild(box);
            return new Promise(r => setTimeout(() => r(window.injected === true), 200));
        }""")
        assert ran is False
        refused = [text for text in seen if text.startswith(_CSP_TAG)]
        assert any("script-src" in text for text in refused), seen
        assert any("style-src" in text for text in refused), seen
    finally:
        context.close()
