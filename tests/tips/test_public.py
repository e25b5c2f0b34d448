"""The public pages: the form, the receipt, the status page — and what they must never do."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anying.core.models import Attachment
from anying.tips import codes, services
from anying.tips.models import Tip
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def form_data(town, **extra):
    return {"category": "major_hazard", "description": "楼梯间堆放几十桶油漆和稀释剂", "region": town("旧县街道").pk,
            "place": "宿舍楼楼梯间", "anonymous": "1", **extra}


def test_the_home_page_of_a_visitor_leads_to_the_form_and_the_status_page(district):
    body = Client().get("/").content.decode()
    assert "/tips/report/" in body and "/tips/status/" in body and "/tips/report/qr.svg" in body
    qr = Client().get("/tips/report/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"


def test_submit_then_track_with_code_and_pin(town):
    client = Client()
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = client.post("/tips/report/", {**form_data(town), "photos": [photo]})
    assert response.status_code == 302 and response["Location"] == "/tips/report/done/"
    receipt = client.get("/tips/report/done/")
    code, pin = receipt.context["code"], receipt.context["pin"]
    assert receipt["Cache-Control"] == "no-store"
    assert client.get("/tips/report/done/").status_code == 302  # the PIN is shown once
    tip = Tip.objects.get()
    assert codes.display(tip.code) == code and Attachment.objects.count() == 1 and tip.anonymous
    status = client.post("/tips/status/", {"code": code.lower().replace("-", " "), "pin": pin})
    assert status.status_code == 200 and "已受理" in status.content.decode()


def test_wrong_pin_and_wrong_code_say_the_same_and_save_nothing_else(town, file_tip):
    tip, pin = file_tip()
    client = Client()
    wrong_pin = client.post("/tips/status/", {"code": tip.code, "pin": "000000" if pin != "000000" else "111111"})
    assert wrong_pin.status_code == 404 and "举报编号或查询密码不正确" in wrong_pin.content.decode()
    code = codes.new_code()
    unknown = client.post("/tips/status/", {"code": code, "pin": pin})
    assert unknown.status_code == 404 and "举报编号或查询密码不正确" in unknown.content.decode()
    typo = client.post("/tips/status/", {"code": tip.code[:-1] + ("0" if tip.code[-1] != "0" else "1"), "pin": pin})
    assert typo.status_code == 400 and "校验位" in typo.content.decode()  # a mistyped code is caught by the check


def test_guessing_is_rate_limited_per_address_and_per_code(file_tip):
    tip, pin = file_tip()
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(services.PIN_LIMIT.count):
        assert client.post("/tips/status/", {"code": tip.code, "pin": "999999" if pin != "999999" else "888888"}
                           ).status_code == 404
    # five wrong PINs lock the code for a day, even with the right PIN and from another address
    locked = Client(REMOTE_ADDR="10.9.9.8").post("/tips/status/", {"code": tip.code, "pin": pin})
    assert locked.status_code == 429
    walker = Client(REMOTE_ADDR="10.7.7.7")
    statuses = [walker.post("/tips/status/", {"code": codes.new_code(), "pin": "123456"}).status_code
                for _ in range(services.LOOKUP_LIMIT.count + 1)]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {404}


def test_code_space_makes_guessing_infeasible():
    # 32^8 random codes with a check symbol, times 10^6 PINs, at 30 lookups an hour per address
    assert len(codes.ALPHABET) ** codes.RANDOM_SYMBOLS >= 2 ** 40
    assert services.LOOKUP_LIMIT.count <= 30 and services.PIN_LIMIT.count <= 5


def test_submissions_are_rate_limited_per_address(town):
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(services.SUBMIT_LIMIT.count):
        assert client.post("/tips/report/", form_data(town)).status_code == 302
    response = client.post("/tips/report/", form_data(town))
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert Tip.objects.count() == services.SUBMIT_LIMIT.count


def test_honeypot_saves_nothing(town):
    response = Client().post("/tips/report/", form_data(town, website="http://spam.example"))
    assert response.status_code == 400 and not Tip.objects.exists()


@pytest.mark.parametrize("name, content, message", [
    ("fake.png", b"<html>not an image</html>", "文件内容与扩展名不符"),
    ("broken.jpg", b"\xff\xd8\xff" + b"\x00" * 200, "图片已损坏"),
    ("doc.pdf", b"%PDF-1.4 hello", "只能上传 JPG 或 PNG"),
])
def test_fake_images_are_refused_with_a_clear_message_and_nothing_saved(town, name, content, message):
    good = SimpleUploadedFile("good.png", png_bytes(), content_type="image/png")
    bad = SimpleUploadedFile(name, content)
    response = Client().post("/tips/report/", {**form_data(town), "photos": [good, bad]})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Tip.objects.exists() and not Attachment.objects.exists()


def test_oversize_and_too_many_photos_are_refused(town, settings):
    settings.ANYING_TIP_MAX_PHOTO_MB = 1
    big = SimpleUploadedFile("big.png", png_bytes() + b"\x00" * (1024 * 1024 + 1))
    response = Client().post("/tips/report/", {**form_data(town), "photos": [big]})
    assert response.status_code == 400 and "照片过大" in response.content.decode()
    six = [SimpleUploadedFile(f"p{i}.png", png_bytes()) for i in range(6)]
    response = Client().post("/tips/report/", {**form_data(town), "photos": six})
    assert "最多上传 5 张照片" in response.content.decode()
    assert not Tip.objects.exists() and not Attachment.objects.exists()


def test_a_request_larger_than_five_photos_is_refused_before_reading(town):
    from anying.tips import public

    body = io.BytesIO(b"x" * 10)
    response = Client().generic("POST", "/tips/report/", body.getvalue(), content_type="multipart/form-data; boundary=x",
                                CONTENT_LENGTH=str(public.MAX_REQUEST + 1))
    assert response.status_code == 413 and not Tip.objects.exists()


def test_real_name_needs_a_phone_and_anonymous_keeps_nothing(town):
    response = Client().post("/tips/report/", form_data(town, anonymous="0", reporter_name="张三", reporter_phone="12"))
    assert response.status_code == 400 and "正确的手机号" in response.content.decode()
    Client().post("/tips/report/", form_data(town, anonymous="1", reporter_name="张三", reporter_phone="13800000000"))
    tip = Tip.objects.get()
    assert tip.reporter_name == "" and tip.reporter_phone == ""


def test_script_payloads_are_escaped_on_public_and_staff_pages(town, users, login, office):
    client = Client()
    client.post("/tips/report/", form_data(town, description=XSS + "足够长的描述", place=XSS, enterprise_text=XSS,
                                           anonymous="0", reporter_name="<b>张</b>", reporter_phone="13800000000"))
    receipt = client.get("/tips/report/done/").context
    tip = Tip.objects.get()
    services.step(users["admin"], tip.pk, "assign", unit=office, text=XSS)
    services.step(users["jiuxian"], tip.pk, "start")
    services.step(users["jiuxian"], tip.pk, "conclude", substantiated=True, text=XSS)
    services.step(users["jiuxian"], tip.pk, "reply", text=XSS)
    pages = [client.post("/tips/status/", {"code": receipt["code"], "pin": receipt["pin"]}).content.decode(),
             login(users["admin"]).get(f"/tips/{tip.pk}/").content.decode(),
             login(users["admin"]).get("/tips/").content.decode()]
    for body in pages:
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>张</b>" not in body
    assert "&lt;script&gt;alert" in pages[0] and "&lt;script&gt;alert" in pages[1]


def test_the_status_page_shows_nothing_internal(verified, users):
    services.step(users["jiuxian"], verified.pk, "reply", text="经核查属实，已责令整改。")
    response = Client().post("/tips/status/", {"code": verified.code, "pin": verified.pin})
    body = response.content.decode()
    assert "经核查属实，已责令整改。" in body and "属实" in body
    for internal in ("现场核查属实", "旧县街道应急办", "刘旧县", "王安委", users["jiuxian"].username, "交办意见"):
        assert internal not in body  # findings, unit, handlers stay inside


def test_enterprise_search_lists_names_only(ent):
    body = Client().get("/tips/report/enterprises/", {"enterprise_text": "喷涂"}).content.decode()
    assert ent.name in body and ent.credit_code not in body
