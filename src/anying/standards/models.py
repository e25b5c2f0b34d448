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
