"""The generated query-count walk (issue #12 point 9, ENGINEERING.md rule 6).

On the whole demo district, every page whose URL takes no id and every API list is requested at
20 and at 100 rows a page: both must run the same number of queries — a query per row would
show as a difference — and that number is pinned below, so a change that adds queries to a
page is seen in review. The pages come from the resolver and the API lists from the OpenAPI
schema: a new page fails `test_every_page_is_pinned` until its count is written here.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anying.api import api
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import User
from anying.core.services import create_token

from .test_scope_walk import url_patterns

# Pages without an id that are not lists to measure, and why.
SKIP = {
    "enterprise_accounts": "an enterprise user's own accounts (404 for the admin who walks); pinned in "
                           "tests/core/test_enterprise_accounts.py",
    "logout": "logs the user out",
    "login": "the login form, before any user",
    "tip_public": "the public 12350 form (rate-limited, no user)",
    "tip_status": "the public 12350 status lookup (rate-limited, no user)",
    "tip_poster": "an image of the QR poster, not a list",
    "enterprise_template": "the import template download",
    "checklist_from_criteria": "a POST action (builds a checklist from a 判定标准)",
    "plan_generate": "a POST action (generates the annual plan)",
    "incident_desk_setting": "a POST action (saves who receives the reports of the towns)",
    "tip_receipt": "the receipt shown once after a public submission (redirects without one)",
    "hazard_todo": "the old address of 待办, a redirect to /todo/",
    "supplies:nearby": "a query form (item, point, radius), not a list; measured in tests/supplies/test_pages.py",
    "relief:application_new": "the village officer's 户报 form (relief.village_review): the admin has none; a "
                              "form, not a list (tests/relief/test_pages.py opens it)",
    "relief:minutes_new": "the village's 村评 form (relief.village_review): the admin has none; its list of filed "
                          "applications is one query (tests/browser/test_relief_journey.py)",
    "relief:notice_new": "the town's 公示 form (relief.town_review): the admin has none",
    "permit_new": "the enterprise's permit form (permits.write): the district admin who walks gets 404; the "
                  "form's errors are tested in tests/permits/test_pages.py",
    "house_new": "the form of the village officer and the town (houses.record): the district admin who walks gets 404; "
                 "its queries are pinned in tests/houses/test_queries.py",
    "spending:new": "the enterprise's own ledger form (spending.record): the district admin who walks gets 404; "
                    "tests/spending/test_ledger.py opens it",
    "training_new": "the enterprise's own form (training.record): the district admin who walks gets 404; "
                    "tests/training opens it",
    "trainee_new": "the enterprise's own form (training.record): the district admin gets 404",
    "onsite_meeting_new": "the mine's own form (onsite.record): the district admin gets 404; tests/onsite opens it",
    "map_nearest": "answers a point (lat, lon), not a list: one box query per resource layer, timed in "
                   "bench/run_places.py",
    "monthly:mine": "the enterprise's own report: a redirect to it (or, for the government, to the month's overview)",
}

# Queries of each page for the district admin on the demo district (the same at 20 and 100 rows).
PINNED: dict[str, int] = {
    "accident_enterprise_search": 4,
    "accident_interviews": 10,
    "accident_list": 13,
    "accident_new": 10,
    "account": 7,
    "audit_log": 8,
    "checklist_create": 6,
    "checklist_list": 10,
    "clock_list": 9,
    "criteria_list": 8,
    "dashboard": 26,
    "supplies:warehouse_new": 8,
    "supplies:warehouse_list": 9,
    "supplies:transfer_new": 11,
    "supplies:transfer_list": 8,
    "supplies:document_new": 12,
    "supplies:document_list": 10,
    "supplies:balance_list": 9,
    "supplies:check_list": 15,
    "draw_create": 5,
    "draw_list": 9,  # the demo now has a draw (issue #13)
    "enterprise_create": 12,
    "enterprise_export": 9,
    "enterprise_import": 5,
    "enterprise_list": 13,
    "hazard_export": 9,
    "hazard_issue_list": 11,
    "hazard_list": 13,
    "home": 52,  # + one per kind of work (core/workqueue.py); supplies adds 6, rescue 2, duty 4, incidents 2, plans 5, riskpoints 2, disasters 2, relief 2 (县定, 发放), houses 1 (payments), stoppages 1 (restart checks); the warehouse
    # checks 2 (their working-day patterns for "behind", then the count)
    "inbox": 8,
    "inspection_list": 10,
    "inspector_create": 8,
    "inspector_list": 9,
    "intensity_report": 9,
    "keytask_list": 12,
    "keytask_new": 8,
    "keytask_table_new": 7,
    "map": 7,  # the warm-up caches the opening extent (places/views.py); +1 the warehouses layer's item choices
    "map_outlines": 6,
    "map_areas": 8,  # the warnings in force (warning/areas.py): the warnings, their regions, the outlines
    "penalty_list": 10,
    "pick_inspection": 10,
    "pick_penalty": 10,
    "plan_list": 8,
    "ranking_list": 14,
    "region_create": 7,
    "region_list": 7,
    "report_list": 8,
    "risk_config": 8,
    "risk_list": 12,
    "search": 5,
    "self_inspection_overview": 16,
    "shelter_create": 8,
    "shelter_list": 10,
    "standardization_below": 8,
    "standardization_report": 12,
    "standardization_targets": 8,
    "tip_enterprise_search": 4,
    "tip_list": 9,
    "tip_new": 5,
    "tip_phone": 6,
    "tip_qr": 3,
    "tip_rules": 9,
    "tip_stats": 7,
    "todo": 52,  # supplies adds 6 kinds of work (+2 the warehouse checks), rescue 2 (standby, certificates), duty 4, incidents 2, plans 5, riskpoints 2, disasters 2, relief 2, houses 1, stoppages 1
    "unit_create": 11,
    "unit_document_template": 3,
    "unit_list": 9,
    "user_create": 7,
    "user_list": 8,
    "work_badges": 48,  # supplies adds 6 kinds of work (+2 the warehouse checks), rescue 2, duty 4, incidents 2, plans 5, riskpoints 2, disasters 2, relief 2, houses 1, stoppages 1
    "rescue_catalogue": 6,
    "rescue_expert_list": 8,
    "rescue_expert_new": 7,
    "rescue_import": 5,
    "supplies:import": 5,
    "supplies:demand_list": 8,
    "duty_checks": 9,
    "installation_list": 10,
    "alarm_list": 10,
    "monitoring_board": 23,
    "monitoring_coverage": 10,
    "warning:list": 9,
    "warning:new": 7,
    "warning:import": 5,
    "warning:calls": 8,
    "warning:contacts": 10,
    "warning:contact_new": 9,
    "warning:feed": 8,  # + the rate-limit hit it writes (a public address)
    "incident_desk": 26,  # + the warnings in force and the waiting 叫应 calls (2, warning); + the risk points' panel (2: evacuations in progress, points by threat); + 森林防火 (5: open fire reports, checkpoints, levels, duty, counts); + the unhandled alarms panel (monitoring); + the territory's region ids (a literal list: bench/run_incidents.py)
    "guarantor_list": 13,  # + the guarantors, their 履职 counts and first days (baobao.standings)
    "incident_enterprise_search": 4,
    "incident_list": 12,
    "incident_new": 11,  # + the drills an intake may belong to
    "incident_quality": 11,
    "incident_quality_docx": 11,  # + the export's audit line
    "incident_rules": 10,
    "duty_period_new": 7,
    "duty_roster": 11,
    "duty_roster_print": 10,  # + the export's audit line
    "duty_setup": 13,
    "duty_today": 12,
    "plans:list": 9,
    "plans:new": 10,
    "plans:coverage": 17,
    "plans:rules": 8,
    "plans:follow_ups": 9,
    "plans:drills": 9,
    "plans:drill_new": 9,
    "plans:quotas": 16,
    "supplies:demand_new": 6,
    "supplies:demand_summary": 9,
    "supplies:maintenance_list": 9,
    "supplies:publicity_list": 10,
    "supplies:publicity_new": 7,
    "rescue_grassroots_list": 10,
    "rescue_grassroots_new": 8,
    "rescue_meetings": 11,
    "rescue_overview": 21,  # + towns, villages, grassroots counts per town, the district's targets, the meeting
    "rescue_targets": 8,
    "rescue_pick_enterprise": 8,
    "rescue_standby": 11,
    "rescue_standby_report": 8,
    "rescue_team_list": 9,
    "rescue_team_new": 11,  # + the district and its funding standard (the 年度经费 hint)
    "rescue_training": 13,
    "rescue_visit_list": 10,
    "rescue_visit_new": 9,
    # 森林防火 (issue #17 point 5)
    "forestfire:board": 25, "forestfire:levels": 11, "forestfire:bans": 13, "forestfire:checkpoints": 11,
    "forestfire:checkpoint_new": 7, "forestfire:entries": 10, "forestfire:rangers": 12, "forestfire:ranger_new": 9,
    "forestfire:fire_uses": 10, "forestfire:fire_use_new": 7, "forestfire:illegal_new": 7, "forestfire:reports": 12,
    "forestfire:report_new": 7, "forestfire:responsibilities": 12,
    "riskpoint_list": 10,
    "disasters:list": 8,
    "disasters:new": 13,  # + the recent warnings and incidents offered for linking
    "disasters:zero": 12,
    "relief:application_list": 11,
    "relief:coverage": 11,
    "relief:donation_list": 11,
    "relief:donation_new": 10,
    "relief:finding_list": 9,
    "relief:finding_new": 7,
    "relief:fund_list": 13,
    "relief:fund_new": 8,
    "relief:fund_use_new": 7,
    "relief:notice_list": 9,
    "relief:public_open": 15,
    "relief:round_list": 7,
    "relief:round_new": 5,
    "relief:survey_edit": 11,
    "relief:survey_list": 9,
    "house_list": 13,  # one to list the territory's villages (region_id IN, docs/houses.md)
    "permit_list": 9,
    "permit_open": 9,  # the same list, only the permits open now
    "permit_rules": 5,  # the data of permits/data/*.csv, no query of its own
    "house_standards": 12,
    "training_list": 11,
    "trainee_list": 12,  # + the industries' codes, read once for every row's minimum (training/services.py)
    "training_coverage": 9,  # one query for the enterprises with their two EXISTS (covered or not)
    "onsite_months": 12,  # the mines, their people, their days and their meetings: one query each
    "onsite_days": 10,
    "onsite_meetings": 10,
    "riskpoint_new": 12,
    "evacuation_list": 11,
    "patrol_board": 14,
    # issue #19
    "campaigns:list": 8,
    "campaigns:new": 7,
    "stoppages:list": 13,  # + the open stoppages by town
    "monthly:overview": 11,  # every enterprise that owes a report, its report and the sums: no query per row
    "spending:list": 11,
    "spending:standards": 5,
    "credit:list": 10,
    "credit:new": 10,
    "credit:penalties": 11,
    "credit:public_list": 10,
    "credit:public_penalties": 10,
    "credit:rerating": 10,  # one query for major hazards and one for casualty accidents since the grading
}
API_PINNED: dict[str, int] = {
    "/api/v1/warnings/": 5,
    "/api/v1/duty/on-duty": 5,
    "/api/v1/incidents/": 6,
    "/api/v1/incidents/dues": 2,
    "/api/v1/monitoring/installations": 5,
    "/api/v1/monitoring/sensors": 5,
    "/api/v1/monitoring/alarms": 5,
    "/api/v1/plans/": 5,
    "/api/v1/plans/drills": 5,
    "/api/v1/plans/follow-ups": 5,
    "/api/v1/accidents/": 5,
    "/api/v1/dashboard/": 22,
    "/api/v1/enterprises/": 6,
    "/api/v1/hazards/": 6,
    "/api/v1/inspections/": 6,
    "/api/v1/inspections/draws": 7,  # the demo now has a draw (issue #13)
    "/api/v1/inspections/penalties": 6,
    "/api/v1/inspections/plans": 5,
    "/api/v1/key-tasks/": 5,
    "/api/v1/rescue/experts": 4,
    "/api/v1/rescue/grassroots": 4,
    "/api/v1/rescue/overview": 11,
    "/api/v1/rescue/teams": 4,
    "/api/v1/risk-points/": 5,
    "/api/v1/tips/": 7,
    "/api/v1/tips/stats": 3,
    "/api/v1/supplies/balances": 4,
    "/api/v1/supplies/documents": 4,
    "/api/v1/supplies/transfers": 5,
    "/api/v1/supplies/warehouses": 4,
    "/api/v1/places/": 4,
    "/api/v1/forest/levels": 5, "/api/v1/forest/checkpoints": 7, "/api/v1/forest/entries": 5,
    "/api/v1/forest/fire-uses": 5, "/api/v1/forest/reports": 5,
    "/api/v1/riskpoints/points": 5,
    "/api/v1/disasters/events": 5,
    "/api/v1/relief/applications": 5,
    "/api/v1/relief/donations": 5,
    "/api/v1/relief/funds": 5,
    "/api/v1/houses/households": 6,  # likewise
    "/api/v1/permits/": 5,
    "/api/v1/permits/open": 5,
    "/api/v1/training/sessions": 5,
    "/api/v1/training/people": 6,  # + the industries' codes
    "/api/v1/training/coverage": 5,
    "/api/v1/onsite/days": 5,
    "/api/v1/onsite/meetings": 5,
    "/api/v1/onsite/months": 7,
    "/api/v1/riskpoints/evacuations": 5,
    "/api/v1/campaigns/": 4,
    "/api/v1/stoppages/": 5,
    "/api/v1/monthly/reports": 5,
    "/api/v1/spending/ledgers": 5,
    "/api/v1/credit/listings": 5,
    "/api/v1/credit/penalty-notices": 5,
    "/api/v1/credit/rerating": 6,
}
# API reads without an id that are not lists, and why.
API_SKIP = {
    "/api/v1/places/nearest": "answers a point (lat, lon): one box query per resource layer, timed in bench/run_places.py",
    "/api/v1/duty/shifts": "one unit's dates (unit, first, last required), at most 62 shifts; tested in tests/duty",
    "/api/v1/houses/counts": "three sums for one event (event required), not a list; tested in tests/houses",
}


def pages() -> list[str]:
    return sorted({name for _, name, converters in url_patterns()
                   if name and not converters and not name.startswith("api:") and name not in SKIP})


def api_lists() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(path for path, ops in schema["paths"].items()
                  if "{" not in path and "get" in ops and path not in API_SKIP)


def count(client, url: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    return response.status_code, len(ctx)


def measure(client, url: str, size_param: str) -> tuple[int, int, int]:
    count(client, url, {size_param: 20})  # warm the process caches (content types, reference data)
    status, at_20 = count(client, url, {size_param: 20})
    _, at_100 = count(client, url, {size_param: 100})
    return status, at_20, at_100


@pytest.mark.django_db
def test_query_walk():
    rng = random.Random(2022)
    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(rng)
    admin = User.objects.get(username="admin")
    page_client = Client()
    page_client.force_login(admin)
    _, secret = create_token(None, admin, "walk")
    api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    problems, measured = [], {}
    for name in pages():
        status, at_20, at_100 = measure(page_client, reverse(name), "per_page")
        measured[name] = at_20
        if status != 200:
            problems.append(f"{name}: HTTP {status}")
        if at_20 != at_100:
            problems.append(f"{name}: {at_20} queries at 20 rows, {at_100} at 100 — a query per row")
    api_measured = {}
    for path in api_lists():
        status, at_20, at_100 = measure(api_client, path, "limit")
        api_measured[path] = at_20
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
        if at_20 != at_100:
            problems.append(f"{path}: {at_20} queries at 20 rows, {at_100} at 100 — a query per row")
    pinned = {**PINNED, **API_PINNED}
    for key, value in {**measured, **api_measured}.items():
        if key not in pinned:
            problems.append(f"{key}: not pinned (measured {value}); add it to PINNED / API_PINNED")
        elif pinned[key] != value:
            problems.append(f"{key}: {value} queries, pinned {pinned[key]}")
    assert not problems, "\n".join(problems)
