"""Reference data from national standards, loaded from the files in data/ (never typed in)."""

from django.db import models


class CriteriaSet(models.Model):
    """A 重大事故隐患判定标准 (e.g. 工贸 部令第10号)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField("名称", max_length=200)
    document = models.CharField("文号", max_length=100)
    in_force = models.DateField("施行日期", null=True, blank=True)
    industries = models.ManyToManyField("core.Industry", verbose_name="适用行业", blank=True)
    expected_items = models.PositiveIntegerField("条目数（官方文本）")
    loaded_items = models.PositiveIntegerField("已收录条目数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "判定标准"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def complete(self) -> bool:
        return self.loaded_items >= self.expected_items


class Criterion(models.Model):
    """One item of a criteria set; `lead` rows are an article's opening sentence (项 = 引语)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    article = models.CharField("条", max_length=20)
    category = models.CharField("类别", max_length=50, blank=True)
    item = models.CharField("项", max_length=20, blank=True)
    text = models.TextField("条文")
    is_item = models.BooleanField("判定条目", default=True, help_text="否：条首引语或总则条文")
    verification = models.CharField("核对情况", max_length=500, blank=True)
    source = models.TextField("来源", blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "判定标准条目"
        ordering = ["criteria_set", "sort"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "article", "item"], name="one_criterion_per_item")]

    def __str__(self) -> str:
        return f"{self.criteria_set.document} {self.article}{self.item}"

    @property
    def reference(self) -> str:
        """How an item is cited: 工贸 第十一条（三）."""
        return f"{self.article}{self.item}"


class AccidentType(models.Model):
    """GB 6441-2025 accident classification codes."""

    code = models.CharField("编码", max_length=10, unique=True)
    name = models.CharField("名称", max_length=50)
    group = models.CharField("分类", max_length=20, help_text="基本事故类型 / 伤害程度 …")
    description = models.TextField("说明", blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "事故类型（GB 6441-2025）"
        ordering = ["sort"]

    def __str__(self) -> str:
        return self.name


# --- Risk grading (安全风险分级管控) ------------------------------------------------------------
# No national rule maps LEC or LS scores to the four colours; the bands are configuration with a
# cited default (data/lec_d_bands.csv, data/ls_matrix_variants.csv), editable by the 区安委办.


class RiskLevel(models.TextChoices):
    MAJOR = "major", "重大风险"
    LARGER = "larger", "较大风险"
    GENERAL = "general", "一般风险"
    LOW = "low", "低风险"


# Severity order, lowest first; the colour is the level's, everywhere (UI.md: 红/橙/黄/蓝).
LEVEL_RANK = {RiskLevel.LOW: 0, RiskLevel.GENERAL: 1, RiskLevel.LARGER: 2, RiskLevel.MAJOR: 3}
LEVEL_COLOUR = {RiskLevel.MAJOR: ("red", "红"), RiskLevel.LARGER: ("orange", "橙"),
                RiskLevel.GENERAL: ("yellow", "黄"), RiskLevel.LOW: ("blue", "蓝")}


class RiskMethod(models.TextChoices):
    LEC = "lec", "作业条件危险性分析法（LEC）"
    LS = "ls", "风险矩阵法（LS）"


class RiskFactor(models.Model):
    """One row of the LEC factor tables: L (likelihood), E (exposure) or C (consequence)."""

    class Factor(models.TextChoices):
        L = "L", "事故发生的可能性（L）"
        E = "E", "暴露于危险环境的频繁程度（E）"
        C = "C", "发生事故可能造成的后果（C）"

    factor = models.CharField("因素", max_length=1, choices=Factor.choices)
    value = models.DecimalField("分值", max_digits=6, decimal_places=2)
    description = models.CharField("说明", max_length=100)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "LEC 取值表"
        ordering = ["sort", "id"]  # the file's order: L, E, C, each from the highest value
        constraints = [models.UniqueConstraint(fields=["factor", "value"], name="one_lec_value_per_factor")]

    def __str__(self) -> str:
        return f"{self.factor}={self.value.normalize():f} {self.description}"


class RiskBand(models.Model):
    """The scores of one level under one method: from `lower` (inclusive or not) up to the next
    level's lower bound. The lowest level starts at 0."""

    method = models.CharField("方法", max_length=3, choices=RiskMethod.choices)
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    lower = models.DecimalField("下限", max_digits=8, decimal_places=2)
    lower_inclusive = models.BooleanField("含下限", default=True)
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "风险分级阈值"
        ordering = ["method", "-lower", "lower_inclusive"]
        constraints = [models.UniqueConstraint(fields=["method", "level"], name="one_band_per_method_level")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.get_level_display()} {'≥' if self.lower_inclusive else '>'}{self.lower.normalize():f}"

    def contains(self, score) -> bool:
        return score >= self.lower if self.lower_inclusive else score > self.lower
