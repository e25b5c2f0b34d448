"""Shared fixtures: the demo district's regions, units and government users (small and fast),
plus a factory for enterprises that goes through the service layer like everything else."""

import random

import pytest
from django.test import Client

from anying.core import demo as core_demo
from anying.core.models import Industry, Organisation, Region, User
from anying.registry import creditcode, services
from anying.registry.models import RiskTag

PASSWORD = core_demo.DEMO_PASSWORD


def png_bytes(size=(4, 4)) -> bytes:
    """A real, decodable PNG for upload tests."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # argon2 is deliberately slow; tests that check hashing itself put it back.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_monitoring_caches():
    # Each test's transaction is rolled back, taking the partitions and sensors it made with it:
    # the per-process caches of monitoring must not outlive the test that filled them.
    from anying.monitoring import ingest, timeseries

    timeseries._known_partitions.clear()
    ingest.CACHE.stamp = None
    ingest.CACHE.enterprises, ingest.CACHE.devices = {}, {}


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests (live server, threads) flush the database afterwards, which removes
    the reference data the migrations loaded; put it back with the migrations' own functions."""
    import importlib

    from django.apps import apps

    from anying.inspections.models import FrequencyRule
    from anying.oversight.models import AccidentGradeRule, RankingScheme
    from anying.standards.models import AccidentType, RiskBand
    from anying.tips.models import TipRules

    for model, migration in ((Industry, "anying.core.migrations.0002_industries"),
                             (RiskTag, "anying.registry.migrations.0002_risk_tags"),
                             (AccidentType, "anying.standards.migrations.0002_load"),
                             (RiskBand, "anying.standards.migrations.0004_risk_defaults"),
                             (FrequencyRule, "anying.inspections.migrations.0002_frequencies"),
                             (TipRules, "anying.tips.migrations.0002_rules"),
                             (AccidentGradeRule, "anying.oversight.migrations.0002_accident_grades"),
                             (RankingScheme, "anying.oversight.migrations.0004_ranking_schemes")):
        if not model.objects.exists():
            importlib.import_module(migration).load(apps, None)
    from anying.core.clock import load_all_defaults
    from anying.incidents import rules as incident_rules
    from anying.incidents.models import ReportRule

    load_all_defaults()
    if not ReportRule.objects.exists():
        incident_rules.load_defaults()
    from anying.houses.models import Standard
    from anying.houses.standards import load_defaults as house_standard

    if not Standard.objects.filter(region=None).exists():
        house_standard()


@pytest.fixture
def district(db):
    core_demo.load(random.Random(1))
    return Region.objects.get(name="铜梁区")


@pytest.fixture
def users(district):
    return {u.username: u for u in User.objects.select_related("unit")}


@pytest.fixture
def town(district):
    return lambda name: Region.objects.get(name=name, level=Region.Level.TOWN, parent=district)


@pytest.fixture
def industry(db):
    return lambda name: Industry.objects.get(name=name)


@pytest.fixture
def make_enterprise(district, town, industry):
    rng = random.Random(7)

    def make(name="测试企业", town_name="旧县街道", industry_name="机械", tags=(), **extra):
        data = {"name": name, "credit_code": creditcode.synthetic(rng), "region": town(town_name),
                "industry": industry(industry_name), **extra}
        return services.create_enterprise(None, data, tags=list(RiskTag.objects.filter(code__in=tags)))

    return make


@pytest.fixture
def enterprise_user(make_enterprise):
    """Makes a login for an enterprise (its safety manager)."""
    from anying.core.roles import Role
    from anying.core.services import create_user

    def make(ent, username="qiye"):
        return create_user(None, username=username, password=PASSWORD, role=Role.ENTERPRISE_USER,
                           unit=Organisation.objects.get(pk=ent.organisation_id))

    return make


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def photo(name: str = "photo.png"):
    """A fresh evidence upload (a step needs files new in its own round)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
