from django import forms

from anying.core.forms import ScopedChoices, Styled
from anying.core.models import Organisation, Region

from .models import Place


class ShelterForm(ScopedChoices, Styled, forms.ModelForm):
    """An 应急避难场所: the unit keeping it and the region it lies in are those of the user's territory."""
    scoped_fields = {"owner": "region", "region": ""}

    class Meta:
        model = Place
        fields = ["name", "owner", "region", "address", "latitude", "longitude", "capacity", "contact_name",
                  "contact_phone", "dispatchable", "public", "is_active", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(
            kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN_OFFICE, Organisation.Kind.COMMITTEE_OFFICE,
                      Organisation.Kind.COMMITTEE], is_active=True)
        self.fields["region"].queryset = self.fields["region"].queryset.exclude(level=Region.Level.CITY)
        self.fields["capacity"].required = True
        self.scope_choices()
