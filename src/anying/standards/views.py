from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from anying.core.views import perm_required

from .filters import CriterionFilter
from .models import AccidentType, CriteriaSet


@perm_required("standards.view")
def criteria_list(request):
    sets = CriteriaSet.objects.prefetch_related("industries").annotate(rows=Count("criteria"))
    return render(request, "standards/criteria_list.html", {
        "sets": sets, "accident_types": AccidentType.objects.all()})


@perm_required("standards.view")
def criteria_detail(request, code):
    criteria_set = get_object_or_404(CriteriaSet, code=code)
    flt = CriterionFilter.from_params(request.GET, request=request)
    return render(request, "standards/criteria_detail.html", {
        "set": criteria_set, "criteria": flt.apply(criteria_set.criteria.all()), "q": flt["q"]})
