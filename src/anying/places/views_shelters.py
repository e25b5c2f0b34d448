"""The register of 应急避难场所: a scoped list with filters and export, and the form (with a map
to pick the location)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from anying.core import exports
from anying.core.http import submit
from anying.core.listing import paginate, query_without
from anying.core.models import Region
from anying.core.scope import region_subtree_q, unit_q
from anying.core.views import perm_required

from . import services
from .filters import ShelterFilter
from .forms import ShelterForm
from .models import Place

HEADER = ["名称", "管理单位", "所在区划", "地址", "经度", "纬度", "容纳人数", "联系人", "联系电话", "可供下级调度", "向社会公示", "在用"]


def _shelters(user):
    return Place.objects.visible_to(user).filter(kind=Place.Kind.SHELTER).select_related("owner", "region")


@perm_required("places.map")
def shelter_list(request):
    flt = ShelterFilter.from_params(request.GET, request=request)
    qs = flt.apply(_shelters(request.user)).order_by("region__path", "name")
    if request.GET.get("export") == "xlsx":
        shown = ["q", "region", "dispatchable"]
        book = exports.Book()
        count = book.sheet("应急避难场所", HEADER, title="应急避难场所", filters=flt.describe(shown)).extend(
            [p.name, p.owner.name, p.region.name, p.address, p.longitude, p.latitude, p.capacity, p.contact_name,
             p.contact_phone, "是" if p.dispatchable else "否", "是" if p.public else "否", "是" if p.is_active else "否"]
            for p in qs.iterator())
        return exports.response(request, book, exports.stamp("应急避难场所"), summary=f"导出应急避难场所 {count} 处",
                                filters=flt.audit_values(shown))
    page = paginate(request, qs)
    editable = set(qs.filter(unit_q(request.user, unit="owner"), pk__in=[p.pk for p in page])
                   .values_list("pk", flat=True)) if request.user.has_perm_code("places.edit") else set()
    return render(request, "places/shelter_list.html", {
        "page": page, "editable": editable, "qs_page": query_without(request, "page"),
        "qs_export": query_without(request, "page", "export"), "q": flt["q"], "region": flt["region"],
        "towns": Region.objects.filter(level=Region.Level.TOWN).filter(region_subtree_q(request.user, "")),
        "can_edit": request.user.has_perm_code("places.edit")})


@perm_required("places.edit")
def shelter_edit(request, pk: int | None = None):
    # read: the shared ones of the units above too; edit: only the user's own and those below
    editable = _shelters(request.user).filter(unit_q(request.user, unit="owner"))
    shelter = get_object_or_404(editable, pk=pk) if pk else None
    form = ShelterForm(request.POST or None, instance=shelter, user=request.user)

    def save(data):
        place = form.save(commit=False)
        place.kind = Place.Kind.SHELTER
        return services.save_place(request.user, place)

    done = submit(request, form, save, lambda saved: f"已保存应急避难场所：{saved.name}", lambda saved: reverse("shelter_list"))
    return done or render(request, "places/shelter_form.html", {"form": form, "shelter": shelter})
