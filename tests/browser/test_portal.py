"""The portal in a real browser (issue 14), as the demo users: the main flow from the self-check
to the disbursement, every menu page of every role, the public pages and English mode. Every
page opened is checked by `checks.Visit` (width at 1366×768 and 1920×1080, no message ids or
catalog codes on Chinese pages, no serious or critical axe-core violation, no CSP violation) and
screenshot under .ci/artifacts/screenshots/."""

import re

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data_restored")]

DEMO_USERS = ["demo-enterprise", "demo-enterprise-2", "demo-officer", "demo-approver", "demo-officer-2",
              "demo-bank-admin", "demo-bank-admin-2", "demo-district", "demo-district-2", "demo-city", "demo-admin"]
ADDED_CLAIM = "management.chief_quality_officer"
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
       b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def status_of(page):
    return page.inner_text("[data-testid=status]").strip()


def act(visit, action):
    """Click a workflow button (accept, submit, approve…) and check the page that follows."""
    visit.page.click(f"[data-testid=act-{action}]")
    visit.page.wait_for_load_state("load")
    visit.check(f"after {action}")


def side_navigation_holds(page):
    """The role's menu is one column on the left: every entry on one line, none cut off."""
    entries = page.locator("[data-testid=sidenav] .nav-link")
    assert entries.count() >= 2
    boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
    assert len({round(b["x"]) for b in boxes}) == 1, "menu entries are not in one column"
    assert max(b["height"] for b in boxes) < 48, "a menu entry wraps onto two lines"
    cut = page.evaluate("() => [...document.querySelectorAll('[data-testid=sidenav] .nav-link')]"
                        ".filter(a => a.scrollWidth > a.clientWidth + 1).map(a => a.innerText)")
    assert not cut, f"menu entries cut off: {cut}"


CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
GLOSSARY = re.compile(r"(?<=[A-Za-z]) \([\u3400-\u9fff/+]+\)")


def notice_data(n):
    """The data in a notice: its plain parameters, and for a risk alert what the change event
    recorded (the authority's words, the regulator who entered it)."""
    from loans.models import RiskAlert

    values = [v for v in n.params.values() if isinstance(v, str) and v]
    alert = re.search(r"/loans/alerts/(\d+)/", n.url)
    if alert:
        event = RiskAlert.objects.select_related("event__user").get(pk=int(alert.group(1))).event
        values += [v for v in (event.data or {}).values() if isinstance(v, str) and v]
        values += [v for v in (event.reason, event.user.display_name if event.user else "") if v]
    return values


def notices_are_english(page, username):
    """The notification list in English: every notice the demo generated reads in English. What
    is left is data: the names and numbers stored as plain parameters (an enterprise's
    registered name, an application number) and the free text people wrote (the note). The
    English catalog gives some terms with the Chinese term in brackets ("Extended (展期)",
    "Loss (损失)"), a glossary the portal keeps on purpose: a bracketed Chinese term is allowed."""
    from applications.models import Notification

    items = page.locator("[data-testid=notification]")
    assert items.count() >= 1, f"{username} has no notification in the demo"
    for i in range(items.count()):
        item = items.nth(i)
        pk = int(re.search(r"/(\d+)/", item.locator("a").first.get_attribute("href")).group(1))
        n = Notification.objects.get(pk=pk, recipient__username=username)
        assert n.message, f"notice {pk} has no message key"
        text = item.inner_text()
        note = item.locator("[data-testid=notification-note]")
        if note.count():
            text = text.replace(note.inner_text(), "")
        for value in sorted(notice_data(n), key=len, reverse=True):
            text = text.replace(value, "")
        text = GLOSSARY.sub("", text)
        assert not CJK.search(text), f"{username}: notice {pk} is not in English: {item.inner_text()!r}"


def test_public_pages(browse):
    """Anonymous: sign-in page, self-check, the public partner list; the favicon and the language
    menu (each language by its own name)."""
    visit = browse()
    page = visit.open("/login/")
    icon = page.get_attribute("link[rel=icon]", "href")
    response = page.request.get(visit.base_url + icon)
    assert response.status == 200 and "svg" in response.headers["content-type"]
    options = page.locator("[data-testid=language] option").all_inner_texts()
    assert [o.strip() for o in options] == ["简体中文", "English"]

    from identity.models import User

    uscc = User.objects.get(username="demo-enterprise").enterprise.uscc
    page = visit.open("/check/")
    page.fill("input[name=uscc]", uscc)
    page.locator("main form button").first.click()
    page.wait_for_load_state("load")
    assert "北京京质精密仪器有限公司" in page.inner_text("main")
    visit.check("check result")

    page = visit.open("/banks/")
    assert "中国工商银行北京市分行" in page.inner_text("main")


def test_every_menu_page(browse):
    """Each demo user opens every entry of their menu (and the first application, request or
    loan listed): the side navigation holds and every page passes the checks."""
    for username in DEMO_USERS:
        visit = browse(username)
        page = visit.page
        side_navigation_holds(page)
        assert page.inner_text("[data-testid=whoami]").strip()
        links = [a for a in page.eval_on_selector_all("[data-testid=sidenav] .nav-link",
                                                      "els => els.map(a => a.getAttribute('href'))")
                 if a.startswith("/") and not a.startswith("/django-admin/")]
        for link in dict.fromkeys(links):
            visit.open(link)
            if link.endswith(("/applications/", "/verification-requests/", "/loans/", "/alerts/")):
                first = page.locator("main table tbody a[href^='/']").first
                if first.count():
                    visit.open(first.get_attribute("href"))
        side_navigation_holds(page)
        visit.page.context.close()


def test_catalog_shows_names_not_codes(browse):
    """The element catalog names each element (Chinese page: Chinese name only, no code, no
    "质量信用 Quality credit" heading); in English the English names."""
    visit = browse("demo-city")
    page = visit.open("/elements/catalog/")
    text = page.inner_text("main")
    assert "中国质量奖提名奖" in text and "management.china_quality_award_nomination" not in text
    headings = page.locator("main h2").all_inner_texts()
    assert "质量信用" in [h.strip() for h in headings]
    assert not any("Quality credit" in h for h in headings)

    page = visit.open("/banks/")
    visit.open(page.locator("main table tbody a[href^='/banks/']").first.get_attribute("href"))
    for field in ("action", "reason"):
        label = page.locator(f"label[for=id_{field}]")
        assert label.count() == 1 and label.inner_text().strip(), f"the partner-bank decision {field} has no label"

    english = browse("demo-city", lang="en-US", name="demo-city-en")
    page = english.open("/elements/catalog/")
    text = page.inner_text("main")
    assert "China Quality Award nomination" in text and "中国质量奖提名奖" not in text
    assert "Quality credit" in [h.strip() for h in page.locator("main h2").all_inner_texts()]
    options = page.locator("[data-testid=language] option").all_inner_texts()
    assert [o.strip() for o in options] == ["简体中文", "English"]
    side_navigation_holds(page)


def test_english_mode(browse):
    """In English the enterprise's profile and application pages name categories and elements
    by their English names; the notices the demo generated read in English for the enterprise and
    the officer; the language menu switches back to Chinese."""
    visit = browse("demo-enterprise", lang="en-US", name="demo-enterprise-en")
    page = visit.open("/elements/enterprises/mine/profile/")
    text = page.inner_text("main")
    assert "Quality credit" in text and "China Quality Award nomination" in text
    assert "中国质量奖提名奖" not in text and "质量信用" not in text
    side_navigation_holds(page)
    notices_are_english(visit.open("/applications/notifications/"), "demo-enterprise")
    notices_are_english(browse("demo-officer", lang="en-US", name="demo-officer-en").open(
        "/applications/notifications/"), "demo-officer")
    page = visit.open("/applications/")
    visit.open(page.locator("main table tbody a[href^='/applications/']").first.get_attribute("href"))
    rows = " ".join(page.locator("[data-testid=claim-row]").all_inner_texts())
    assert "China Quality Award nomination" in rows and "中国质量奖提名奖" not in rows
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "zh-hans")
    page.wait_for_load_state("load")
    visit.check("switched to Chinese")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert "中国质量奖提名奖" in page.inner_text("main")


def test_main_flow(browse, tmp_path):
    """Apply → submit → accept → ask the district → district answers → propose → approve →
    contract → disburse, each step by the demo user whose step it is, each asserting what that
    user must see."""
    from applications.models import Application

    evidence = tmp_path / "首席质量官任命文件.pdf"
    evidence.write_bytes(PDF)

    # The enterprise applies for ICBC's 京质贷·质量信用贷, claiming one element the library lacks.
    ent = browse("demo-enterprise")
    page = ent.open("/applications/new/")
    page.locator("label", has_text="京质贷·质量信用贷").first.click()
    page.fill("#id_amount", "1500000")
    page.fill("#id_term_months", "12")
    page.fill("#id_purpose_description", "浏览器测试：购置检测设备")
    page.fill("#id_need_statement", "购置检测设备，资金缺口约150万元，以经营性现金流还款。")
    page.check(f"input[name=claims][value='{ADDED_CLAIM}']")
    page.check("#id_authorise")
    ent.check("application form filled")
    page.locator("main form button.btn-primary").last.click()
    page.wait_for_load_state("load")
    ent.check("draft")
    assert status_of(page) == "草稿"
    number = page.inner_text("main h1").split()[0]
    app = Application.objects.get(pk=int(re.search(r"/applications/(\d+)/", page.url).group(1)))
    assert app.number == number
    row = page.locator("[data-testid=claim-row]", has_text="首席质量官")
    assert ADDED_CLAIM not in row.inner_text()
    row.locator("input[type=file]").set_input_files(str(evidence))
    row.locator("form button", has_text="上传").click()
    page.wait_for_load_state("load")
    ent.check("evidence uploaded")
    assert "首席质量官任命文件.pdf" in page.locator("[data-testid=claim-row]", has_text="首席质量官").inner_text()
    act(ent, "submit")
    assert status_of(page) == "已提交"

    # The officer accepts it and asks the district regulator about the added claim.
    officer = browse("demo-officer")
    page = officer.open("/applications/?status=submitted")
    assert number in page.inner_text("main")
    page = officer.open(f"/applications/{app.pk}/")
    act(officer, "accept")
    assert status_of(page) == "核实中"
    table = page.locator("[data-testid=claim-row]").first.locator("xpath=ancestor::table")
    card = table.locator("xpath=ancestor::section[contains(@class, 'card')]")
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= \
        card.bounding_box()["x"] + card.bounding_box()["width"] + 1, "the evidence table overflows its card"
    row = page.locator("[data-testid=claim-row]", has_text="首席质量官")
    box = row.locator("textarea[name=question]")
    assert row.locator("label", has_text="向区市场监管局提出的问题").count() == 1
    assert box.bounding_box()["width"] >= 200 and box.bounding_box()["height"] >= 60, "the question box is tiny"
    box.fill("请核实该企业是否已建立首席质量官制度。")
    row.locator("button", has_text="向区市场监管局核实").click()
    page.wait_for_load_state("load")
    officer.check("asked the district")
    assert "待答复" in page.locator("[data-testid=claim-row]", has_text="首席质量官").inner_text()

    # The district regulator answers: every field labelled.
    district = browse("demo-district")
    page = district.open("/regulators/verification-requests/")
    assert app.enterprise.name in page.inner_text("main")
    request_id = app.verification_requests.get(element_type__code=ADDED_CLAIM).pk
    page = district.open(f"/regulators/verification-requests/{request_id}/")
    assert ADDED_CLAIM not in page.inner_text("main") and "建立首席质量官制度" in page.inner_text("main")
    for field in ("note", "issuer", "certificate_no", "granted_on", "expires_on", "file"):
        assert page.locator(f"label[for=id_{field}]").inner_text().strip(), f"{field} has no visible label"
    page.check("#c-yes")
    page.fill("#id_note", "经现场核查，企业已发文任命首席质量官。")
    page.fill("#id_issuer", "北京京质精密仪器有限公司")
    page.fill("#id_granted_on", "2025-03-01")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("load")
    district.check("answered")
    assert "已确认" in page.inner_text("main")

    # The officer sees the element confirmed, signed by the person and the unit, and proposes.
    page = officer.open(f"/applications/{app.pk}/")
    row_text = page.locator("[data-testid=claim-row]", has_text="首席质量官").inner_text()
    assert "demo-district" not in row_text
    review = page.locator("[data-testid=claim-row]", has_text="首席质量官").locator("form:has(select[name=verdict])")
    review.locator("select[name=verdict]").select_option("verified")
    review.locator("button").click()
    page.wait_for_load_state("load")
    officer.check("evidence verified")
    rate_range = page.inner_text("[data-testid=rate-range]")
    low = re.search(r"\d+(\.\d+)?", rate_range).group(0)
    page.fill("input[name=credit_line]", "1500000")
    page.fill("input[name=annual_rate]", low)
    page.fill("input[name=term_months]", "12")
    page.fill("#id_propose_notes", "质量要素齐全")
    page.locator("[data-testid=actions] form button.btn-primary").first.click()
    page.wait_for_load_state("load")
    officer.check("proposed")
    assert status_of(page) == "已提出审批意见"

    # The approver approves, records the contract (units on amount and term) and a disbursement.
    approver = browse("demo-approver")
    page = approver.open(f"/applications/{app.pk}/")
    act(approver, "approve")
    assert status_of(page) == "已批准"
    form = page.locator("[data-testid=contract-form]")
    labels = form.locator("label").all_inner_texts()
    assert any("金额" in t and "元" in t for t in labels), labels
    assert any("期限" in t and "月" in t for t in labels), labels
    today = timezone.localdate().isoformat()
    form.locator("input[name=number]").fill(f"ICBC-BROWSER-{app.pk}")
    form.locator("input[name=signed_on]").fill(today)
    form.locator("button.btn-primary").click()
    page.wait_for_load_state("load")
    approver.check("contracted")
    assert status_of(page) == "已签订合同"
    form = page.locator("[data-testid=disburse-form]")
    form.locator("input[name=amount]").fill("1000000")
    form.locator("input[name=date]").fill(today)
    form.locator("button.btn-primary").click()
    page.wait_for_load_state("load")
    approver.check("disbursed")
    assert status_of(page) == "已放款"

    # The enterprise sees the loan, and the confirmed element in its profile signed by the
    # person and the unit that confirmed it (not a username).
    page = ent.open("/elements/enterprises/mine/profile/")
    row = page.locator("tr", has_text="建立首席质量官制度").first.inner_text()
    assert "海淀区市场监督管理局" in row and "demo-district" not in row, row
    page = ent.open(f"/applications/{app.pk}/")
    assert status_of(page) == "已放款"
    ent.open("/loans/")
    ent.open("/applications/notifications/")
