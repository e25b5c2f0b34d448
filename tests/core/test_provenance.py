"""No internal names on screen (issue #13): sources keep their Chinese document names, lose
file names, project references and English notes — in the data files they stay complete."""

import re

import pytest
from django.urls import reverse

from anying.core.provenance import DEFAULT, for_users, verification_for_users
from anying.oversight.models import RankingScheme
from anying.standards import riskbands

INTERNAL = re.compile(r"seed|\.csv|\.md\b|code id|variant_|issue #", re.I)


@pytest.mark.parametrize("source, shown", [
    ("重庆市铜梁区应急管理局 2022 年工作要点（seed 001）第 119 行：“一级标准化企业三年覆盖”",
     "重庆市铜梁区应急管理局 2022 年工作要点：“一级标准化企业三年覆盖”"),
    ("强化执法强度通报考核（seed 000 第64行）；“十条措施”季度考核（seed 001 第30行，铜梁区应急管理局2022年工作要点）；权重为默认值",
     "强化执法强度通报考核；“十条措施”季度考核；权重为默认值"),
    ("同上：“加大对未达标企业监督检查力度”；issue #4：无等级企业至少每年一次",
     "同上：“加大对未达标企业监督检查力度”；无等级企业至少每年一次"),
    ("JOURNEYS.md J4 (day 15)", DEFAULT),
    ("lec_d_bands.csv variant_B_4color(code id 23160132924)", DEFAULT),
    ("举报瞒报谎报事故的，一般/较大/重大/特别重大事故每人3/4/5/6万元", "举报瞒报谎报事故的，一般/较大/重大/特别重大事故每人3/4/5/6万元"),
    ("", ""),
])
def test_sources_as_users_read_them(source, shown):
    assert for_users(source) == shown


def test_verification_in_chinese():
    assert verification_for_users("verbatim-2-sources") == "已与两份公开文本逐字核对"
    assert verification_for_users("verbatim-1-source (+prefix corroborated)") == "已与一份公开文本逐字核对"
    assert verification_for_users("") == ""


def test_risk_band_sources_and_variants_name_the_method_not_the_file():
    for label in [*riskbands.VARIANTS.values(), *riskbands.SOURCE_LABELS.values()]:
        assert not INTERNAL.search(label)
    assert "LEC" in riskbands.source_label(f"lec_d_bands.csv {riskbands.LEC_DEFAULT}")


def test_pages_show_no_internal_source_names(users, login):
    client = login(users["admin"])
    scheme = RankingScheme.objects.filter(source__contains="seed").first()
    assert scheme is not None  # the shipped schemes cite the seed documents
    pages = [reverse("scheme_edit", args=[scheme.pk]), reverse("risk_config"), reverse("clock_list")]
    for url in pages:
        body = client.get(url).content.decode()
        shown = re.sub(r"<script.*?</script>|<(?!/?[a-z]+[^>]*\btitle=)[^>]+>", " ", body, flags=re.S)  # text and tooltips
        assert not INTERNAL.search(shown), (url, INTERNAL.search(shown))
