"""The generated scope walk (issue #12 point 6, PRODUCT.md §1).

On the whole demo district, every URL pattern that takes an object id and every API operation
with an id in its path is requested as each role that must not see the record it names: GET
answers 404, a write 403 or 404, and nothing changes. The routes come from the resolver and the
OpenAPI schema, so a new route is walked as soon as it exists — and this test fails until
someone says, in ROUTES or API_ROUTES below, how to name a foreign record of its kind.

The foreign world: qiye's enterprise in 旧县街道 (the demo's richest), moved to 危险化学品 with
everything it owns, and the records of 区应急局 and 区安委办 (a plan, a draw, key tasks, a draft
ranking, reports). The roles:
- other_district: the admin of a second district;
- department:     区经信委 (机械, 轻工), for records of another industry;
- other_town:     虎峰镇's inspector;
- other_company:  the safety manager of another enterprise in the same town;
- inactive_user:  the enterprise's own manager, deactivated — its own records;
- inactive_unit:  旧县街道's inspector, their unit deactivated — their own town's records.
Inactive users get through authentication here (AllowAllUsersModelBackend), so the scope itself
is what stops them; through the API their token is refused (401).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Max, Sum
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anying.api import api
from anying.core import attachments
from anying.core.hooks import DEMO_LOADERS
from anying.core.models import ApiToken, AuditEvent, ClockStep, Industry, Organisation, Region, User
from anying.core.roles import Role
from anying.core.services import create_token, create_user, save_organisation, save_region

from ..conftest import PASSWORD, png_bytes

MISSING = 2_000_000_000  # an id no record has: the answer for a foreign record must look the same
ROLES = ["other_district", "department", "other_town", "other_company", "inactive_user", "inactive_unit"]
UNIT_RECORDS = "a unit's record is seen by every user whose territory holds the unit (core.scope.unit_q): " \
               "区经信委 sees 区应急局's; the enterprises in it are scoped again (checked: not named on the page)"

# Django URL name → the foreign record's kwargs (w: the world below).
ROUTES = {
    "token_revoke": lambda w: {"pk": w["token"].pk},
    "unit_edit": lambda w: {"pk": w["town_unit"].pk},
    "unit_wordings": lambda w: {"pk": w["town_unit"].pk},
    "unit_wording_download": lambda w: {"pk": w["town_unit"].pk, "key": "inspections.site_record"},
    "unit_wording_upload": lambda w: {"pk": w["town_unit"].pk, "key": "inspections.site_record"},
    "unit_wording_reset": lambda w: {"pk": w["town_unit"].pk, "key": "inspections.site_record"},
    "region_edit": lambda w: {"pk": w["town"].pk},
    "user_edit": lambda w: {"pk": w["town_user"].pk},
    "user_password": lambda w: {"pk": w["town_user"].pk},
    "enterprise_account_active": lambda w: {"pk": w["ent_account"].pk},
    "enterprise_account_password": lambda w: {"pk": w["ent_account"].pk},
    "enterprise_detail": lambda w: {"pk": w["ent"].pk},
    "enterprise_edit": lambda w: {"pk": w["ent"].pk},
    "enterprise_account_open": lambda w: {"pk": w["ent"].pk},
    "enterprise_public_sign": lambda w: {"pk": w["ent"].pk},
    "enterprise_qr": lambda w: {"pk": w["ent"].pk},
    "enterprise_detail_save": lambda w: {"pk": w["ent"].pk, "kind": "key_person"},
    "enterprise_detail_remove": lambda w: {"pk": w["ent"].pk, "kind": "post", "item": w["post"].pk},
    "enterprise_card_save": lambda w: {"pk": w["ent"].pk, "post_id": w["post"].pk},
    "enterprise_card_file": lambda w: {"pk": w["ent"].pk, "attachment_id": w["card_file"].pk},
    "enterprise_risks": lambda w: {"pk": w["ent"].pk},
    "risk_point_create": lambda w: {"pk": w["ent"].pk},
    "risk_point_edit": lambda w: {"pk": w["ent"].pk, "point_id": w["risk_point"].pk},
    "risk_point_retire": lambda w: {"pk": w["ent"].pk, "point_id": w["risk_point"].pk},
    "risk_area_edit": lambda w: {"pk": w["ent"].pk, "area_id": w["risk_area"].pk},
    "hazard_create": lambda w: {"enterprise_id": w["ent"].pk},
    "hazard_detail": lambda w: {"pk": w["hazard"].pk},
    "hazard_transition": lambda w: {"pk": w["hazard"].pk, "name": "start"},
    "hazard_extension": lambda w: {"pk": w["hazard"].pk},
    "hazard_extension_answer": lambda w: {"pk": w["hazard"].pk, "extension_id": w["extension"].pk},
    "hazard_supervise": lambda w: {"pk": w["hazard"].pk},
    "hazard_progress": lambda w: {"pk": w["hazard"].pk},
    "hazard_supervision_letter": lambda w: {"pk": w["hazard"].pk},
    "hazard_file": lambda w: {"pk": w["hazard"].pk, "attachment_id": w["hazard_file"].pk},
    "hazard_overdue_letter": lambda w: {"pk": w["hazard"].pk, "step_id": w["overdue_letter"].pk},
    "checklist_detail": lambda w: {"pk": w["checklist"].pk},
    "checklist_edit": lambda w: {"pk": w["checklist"].pk},
    "checklist_action": lambda w: {"pk": w["checklist"].pk, "action": "publish"},
    "self_inspection_enterprise": lambda w: {"enterprise_id": w["ent"].pk},
    "self_inspection_generate": lambda w: {"enterprise_id": w["ent"].pk},
    "schedule_edit": lambda w: {"pk": w["schedule"].pk},
    "round_create": lambda w: {"schedule_id": w["schedule"].pk},
    "self_inspection_round": lambda w: {"pk": w["round"].pk},
    "inspector_detail": lambda w: {"pk": w["inspector"].pk},
    "inspector_edit": lambda w: {"pk": w["inspector"].pk},
    "exclusion_add": lambda w: {"pk": w["inspector"].pk},
    "exclusion_lift": lambda w: {"pk": w["inspector"].pk, "exclusion_id": w["exclusion"].pk},
    "plan_detail": lambda w: {"pk": w["plan"].pk},
    "plan_move": lambda w: {"pk": w["plan"].pk, "enterprise_id": w["ent"].pk},
    "plan_remove": lambda w: {"pk": w["plan"].pk, "enterprise_id": w["ent"].pk},
    "plan_add": lambda w: {"pk": w["plan"].pk},
    "plan_approve": lambda w: {"pk": w["plan"].pk},
    "draw_detail": lambda w: {"pk": w["draw"].pk},
    "inspection_create": lambda w: {"enterprise_id": w["ent"].pk},
    "inspection_detail": lambda w: {"pk": w["inspection"].pk},
    "inspection_review": lambda w: {"pk": w["inspection"].pk},
    "inspection_issue": lambda w: {"pk": w["inspection"].pk, "kind": "measures"},
    "inspection_document": lambda w: {"pk": w["inspection"].pk, "document_id": w["inspection_document"].pk},
    "penalty_create": lambda w: {"inspection_id": w["inspection"].pk},
    "penalty_detail": lambda w: {"pk": w["penalty"].pk},
    "penalty_action": lambda w: {"pk": w["penalty"].pk, "action": "notify"},
    "penalty_issue": lambda w: {"pk": w["penalty"].pk, "kind": "filing"},
    "penalty_document": lambda w: {"pk": w["penalty"].pk, "document_id": w["penalty_document"].pk},
    "tip_detail": lambda w: {"pk": w["tip"].pk},
    "tip_step": lambda w: {"pk": w["tip"].pk, "name": "assign"},
    "tip_enterprise": lambda w: {"pk": w["tip"].pk},
    "tip_hazard": lambda w: {"pk": w["tip"].pk},
    "tip_link": lambda w: {"pk": w["tip"].pk},
    "tip_reward": lambda w: {"pk": w["tip"].pk, "action": "propose"},
    "tip_file": lambda w: {"pk": w["tip"].pk, "attachment_id": w["tip_file"].pk},
    "ranking_detail": lambda w: {"pk": w["ranking"].pk},
    "ranking_publish": lambda w: {"pk": w["ranking"].pk},
    "report_download": lambda w: {"pk": w["report"].pk},
    "accident_enterprise": lambda w: {"enterprise_id": w["ent"].pk},
    "accident_interview_record": lambda w: {"year": w["today"].year, "enterprise_id": w["ent"].pk},
    "accident_detail": lambda w: {"pk": w["accident"].pk},
    "accident_edit": lambda w: {"pk": w["accident"].pk},
    "accident_act": lambda w: {"pk": w["accident"].pk, "name": "start"},
    "keytask_table_edit": lambda w: {"pk": w["keytask"].table_id},
    "keytask_detail": lambda w: {"pk": w["keytask"].pk},
    "keytask_edit": lambda w: {"pk": w["keytask"].pk},
    "keytask_report": lambda w: {"pk": w["keytask"].pk},
    "keytask_file": lambda w: {"pk": w["keytask"].pk, "attachment_id": w["keytask_file"].pk},
    "supplies:warehouse_detail": lambda w: {"pk": w["warehouse"].pk},
    "supplies:warehouse_edit": lambda w: {"pk": w["warehouse"].pk},
    "supplies:minimum_edit": lambda w: {"pk": w["warehouse"].pk},
    "supplies:ledger": lambda w: {"pk": w["warehouse"].pk},
    "supplies:document_detail": lambda w: {"pk": w["stock_document"].pk},
    "supplies:document_post": lambda w: {"pk": w["stock_document"].pk},
    "supplies:document_reverse": lambda w: {"pk": w["stock_document"].pk},
    "supplies:document_discard": lambda w: {"pk": w["stock_document"].pk},
    "supplies:transfer_detail": lambda w: {"pk": w["transfer"].pk},
    "supplies:transfer_act": lambda w: {"pk": w["transfer"].pk},
    "duty_shift": lambda w: {"pk": w["duty_shift"].pk},
    "duty_assign": lambda w: {"pk": w["duty_shift"].pk},
    "duty_handover": lambda w: {"pk": w["duty_shift"].pk},
    "duty_receive": lambda w: {"pk": w["duty_shift"].pk},
    "duty_log_add": lambda w: {"pk": w["duty_shift"].pk},
    "duty_log_close": lambda w: {"pk": w["duty_log"].pk},
    "duty_unassign": lambda w: {"pk": w["duty_assignment"].pk},
    "duty_swap_request": lambda w: {"pk": w["duty_assignment"].pk},
    "duty_swap_act": lambda w: {"pk": w["duty_swap"].pk},
    "duty_period_edit": lambda w: {"pk": w["duty_period"].pk},
    "duty_period_delete": lambda w: {"pk": w["duty_period"].pk},
    **{name: (lambda w: {"pk": w["incident"].pk}) for name in [
        "incident_detail", "incident_edit", "incident_report", "incident_step", "incident_verify", "incident_merge",
        "incident_dismiss", "incident_flag", "incident_activate", "incident_task_issue", "incident_dispatch_team",
        "incident_dispatch_supplies", "incident_post_open", "incident_make_accident", "incident_review"]},
    "incident_response_level": lambda w: {"rid": w["incident_response"].pk},
    "incident_response_end": lambda w: {"rid": w["incident_response"].pk},
    "incident_task_receive": lambda w: {"tid": w["incident_task"].pk},
    "incident_task_feedback": lambda w: {"tid": w["incident_task"].pk},
    "incident_dispatch_mark": lambda w: {"did": w["incident_dispatch"].pk},
    "incident_post_close": lambda w: {"post_id": w["incident_post"].pk},
    "incident_report_detail": lambda w: {"pk": w["incident_report"].pk},
    "installation_detail": lambda w: {"pk": w["installation"].pk},
    "installation_edit": lambda w: {"pk": w["installation"].pk},
    "installation_new": lambda w: {"enterprise_id": w["ent"].pk},
    "sensor_new": lambda w: {"installation_id": w["installation"].pk},
    "sensor_detail": lambda w: {"pk": w["sensor"].pk},
    "sensor_edit": lambda w: {"pk": w["sensor"].pk},
    "sensor_series": lambda w: {"pk": w["sensor"].pk},
    "sensor_rule_add": lambda w: {"pk": w["sensor"].pk},
    "sensor_rule_toggle": lambda w: {"pk": w["sensor_rule"].pk},
    "monitoring_enterprise_board": lambda w: {"enterprise_id": w["ent"].pk},
    "monitoring_devices": lambda w: {"enterprise_id": w["ent"].pk},
    "monitoring_device_toggle": lambda w: {"pk": w["device"].pk},
    "alarm_detail": lambda w: {"pk": w["alarm"].pk},
    "alarm_act": lambda w: {"pk": w["alarm"].pk},
    "alarm_file": lambda w: {"pk": w["alarm"].pk, "attachment_id": w["alarm_file"].pk},
    "alarm_to_incident": lambda w: {"pk": w["alarm"].pk},
    "alarm_to_hazard": lambda w: {"pk": w["alarm"].pk},
    "guarantor_edit": lambda w: {"pk": w["installation"].pk, "kind": "technical"},
    "duty_record_new": lambda w: {"pk": w["guarantor"].pk},
    "duty_record_detail": lambda w: {"pk": w["duty_record"].pk},
    "duty_record_hazard": lambda w: {"pk": w["duty_record"].pk},
    "duty_record_file": lambda w: {"pk": w["duty_record"].pk, "attachment_id": w["duty_record_file"].pk},
    "incident_report_receive": lambda w: {"pk": w["incident_report"].pk},
    "incident_flag_withdraw": lambda w: {"pk": w["incident_flag"].pk},
    "supplies:demand_detail": lambda w: {"pk": w["demand_plan"].pk},
    "supplies:demand_edit": lambda w: {"pk": w["demand_plan"].pk},
    "supplies:demand_act": lambda w: {"pk": w["demand_plan"].pk},
    "supplies:maintenance_new": lambda w: {"pk": w["warehouse"].pk},
    "supplies:maintenance_edit": lambda w: {"pk": w["maintenance"].pk},
    "supplies:publicity_edit": lambda w: {"pk": w["publicity"].pk},
    "supplies:check_round_new": lambda w: {"schedule_id": w["check_schedule"].pk},
    "supplies:check_schedule_edit": lambda w: {"pk": w["check_schedule"].pk},
    "supplies:check_round": lambda w: {"pk": w["check_round"].pk},
    "supplies:check_defaults": lambda w: {"pk": w["warehouse"].pk},
    "shelter_edit": lambda w: {"pk": w["shelter"].pk},
    "rescue_team_detail": lambda w: {"pk": w["rescue_team"].pk},
    "rescue_team_edit": lambda w: {"pk": w["rescue_team"].pk},
    "rescue_member_add": lambda w: {"pk": w["rescue_team"].pk},
    "rescue_certificate_add": lambda w: {"pk": w["rescue_team"].pk},
    "rescue_team_equipment": lambda w: {"pk": w["rescue_team"].pk},
    "rescue_expert_detail": lambda w: {"pk": w["expert"].pk},
    "rescue_expert_edit": lambda w: {"pk": w["expert"].pk},
    "rescue_expert_avoid": lambda w: {"pk": w["expert"].pk},
    "rescue_expert_unavoid": lambda w: {"pk": w["expert"].pk, "enterprise_id": w["ent"].pk},
    "rescue_inspection_experts": lambda w: {"inspection_id": w["inspection"].pk},
    "rescue_visit_detail": lambda w: {"pk": w["visit"].pk},
    "rescue_visit_file": lambda w: {"pk": w["visit"].pk, "attachment_id": w["visit_file"].pk},
    "rescue_member_detail": lambda w: {"pk": w["rescue_team"].pk, "member_id": w["rescue_member"].pk},
    "rescue_member_leave": lambda w: {"pk": w["rescue_team"].pk, "member_id": w["rescue_member"].pk},
    "rescue_member_rejoin": lambda w: {"pk": w["rescue_team"].pk, "member_id": w["rescue_member"].pk},
    "rescue_certificate_edit": lambda w: {"pk": w["rescue_team"].pk, "certificate_id": w["rescue_certificate"].pk},
    "rescue_certificate_remove": lambda w: {"pk": w["rescue_team"].pk, "certificate_id": w["rescue_certificate"].pk},
    "rescue_team_guidance": lambda w: {"pk": w["rescue_social"].pk},
    "rescue_grassroots_edit": lambda w: {"pk": w["grassroots"].pk},
    "rescue_target_remove": lambda w: {"target_id": w["rescue_target"].pk},
    "rescue_meeting_file": lambda w: {"pk": w["meeting"].pk, "attachment_id": w["meeting_file"].pk},
    # the enterprise's own plan, drill and follow-up (core.scope.plan_q): no walking role may see them
    "plans:detail": lambda w: {"pk": w["ent_plan"].pk},
    "plans:edit": lambda w: {"pk": w["ent_plan"].pk},
    "plans:act": lambda w: {"pk": w["ent_plan"].pk},
    "plans:part_add": lambda w: {"pk": w["ent_plan"].pk, "kind": "level"},
    "plans:part_remove": lambda w: {"pk": w["ent_plan"].pk, "kind": "level", "part_id": w["ent_plan_level"].pk},
    "plans:evaluate": lambda w: {"pk": w["ent_plan"].pk},
    "plans:upload": lambda w: {"pk": w["ent_plan"].pk},
    "plans:file": lambda w: {"pk": w["ent_plan"].pk, "attachment_id": w["ent_plan_file"].pk},
    "plans:card": lambda w: {"pk": w["ent_plan"].pk, "number": 1},
    "plans:follow_up_done": lambda w: {"pk": w["ent_follow_up"].pk},
    "plans:drill": lambda w: {"pk": w["ent_drill"].pk},
    "plans:drill_edit": lambda w: {"pk": w["ent_drill"].pk},
    "plans:drill_record": lambda w: {"pk": w["ent_drill"].pk},
    "plans:drill_cancel": lambda w: {"pk": w["ent_drill"].pk},
    "plans:drill_evaluate": lambda w: {"pk": w["ent_drill"].pk},
    "plans:drill_photo": lambda w: {"pk": w["ent_drill"].pk, "attachment_id": w["ent_drill_photo"].pk},
    # 旧县街道's own warnings (a draft, and one issued over 龙洞湾村 with its 叫应 ledger)
    "warning:detail": lambda w: {"pk": w["warning"].pk},
    "warning:edit": lambda w: {"pk": w["warning"].pk},
    "warning:act": lambda w: {"pk": w["warning"].pk},
    "warning:cap": lambda w: {"pk": w["warning"].pk},
    "warning:follow_up": lambda w: {"pk": w["warning_issued"].pk, "msg_type": "Cancel"},
    "warning:ack_for": lambda w: {"pk": w["warning_issued"].pk, "rid": w["warning_recipient"].pk},
    "warning:call_done": lambda w: {"pk": w["warning_call"].pk},
    "warning:measure_report": lambda w: {"pk": w["warning_measure"].pk},
    "warning:contact_edit": lambda w: {"pk": w["warning_contact"].pk},
    # 森林防火 (issue #17): 旧县街道's checkpoint, ranger, fire-use application, fire report, 责任人
    "forestfire:checkpoint_detail": lambda w: {"pk": w["forest_checkpoint"].pk},
    "forestfire:checkpoint_duty": lambda w: {"pk": w["forest_checkpoint"].pk},
    "forestfire:checkpoint_poster": lambda w: {"pk": w["forest_checkpoint"].pk},
    "forestfire:ranger_detail": lambda w: {"pk": w["forest_ranger"].pk},
    "forestfire:fire_use_detail": lambda w: {"pk": w["forest_fire_use"].pk},
    "forestfire:fire_use_act": lambda w: {"pk": w["forest_fire_use"].pk},
    "forestfire:report_detail": lambda w: {"pk": w["forest_report"].pk},
    "forestfire:report_check": lambda w: {"pk": w["forest_report"].pk},
    "forestfire:responsibility_remove": lambda w: {"pk": w["forest_responsibility"].pk},
    # 灾情报送 (issue #18): an event over 旧县街道 alone, its report, a village's return, the registers and relief
    # issue #19: a town's campaign, a stoppage of the enterprise, the enterprise's monthly report
    "campaigns:detail": lambda w: {"pk": w["campaign"].pk},
    "campaigns:edit": lambda w: {"pk": w["campaign"].pk},
    "campaigns:act": lambda w: {"pk": w["campaign"].pk},
    "campaigns:item_add": lambda w: {"pk": w["campaign"].pk},
    "campaigns:item_remove": lambda w: {"pk": w["campaign"].pk, "item_pk": w["campaign_item"].pk},
    "campaigns:items_export": lambda w: {"pk": w["campaign"].pk},
    "campaigns:stats_export": lambda w: {"pk": w["campaign"].pk},
    "stoppages:new": lambda w: {"enterprise_id": w["ent"].pk},
    "stoppages:detail": lambda w: {"pk": w["stoppage"].pk},
    "stoppages:act": lambda w: {"pk": w["stoppage"].pk},
    "stoppages:file": lambda w: {"pk": w["stoppage"].pk, "attachment_id": w["stoppage_file"].pk},
    "monthly:report": lambda w: {"enterprise_id": w["ent"].pk, "month": w["monthly_month"]},
    "monthly:report_docx": lambda w: {"enterprise_id": w["ent"].pk, "month": w["monthly_month"]},
    "disasters:event": lambda w: {"pk": w["dz_event"].pk},
    "disasters:event_act": lambda w: {"pk": w["dz_event"].pk},
    "disasters:village": lambda w: {"pk": w["dz_event"].pk},
    "disasters:report_start": lambda w: {"pk": w["dz_event"].pk, "town_pk": w["town"].pk},
    "disasters:export": lambda w: {"pk": w["dz_event"].pk},
    "disasters:circular": lambda w: {"pk": w["dz_event"].pk},
    "disasters:casualties": lambda w: {"pk": w["dz_event"].pk},
    "disasters:relief": lambda w: {"pk": w["dz_event"].pk},
    "disasters:stay_add": lambda w: {"pk": w["dz_event"].pk},
    "disasters:stay_end": lambda w: {"pk": w["dz_event"].pk, "stay_pk": w["dz_stay"].pk},
    "disasters:check_add": lambda w: {"pk": w["dz_event"].pk},
    "disasters:aid_add": lambda w: {"pk": w["dz_event"].pk},
    "disasters:aid_deliver": lambda w: {"pk": w["dz_event"].pk, "aid_pk": w["dz_aid"].pk},
    "disasters:report": lambda w: {"pk": w["dz_report"].pk},
    "disasters:report_act": lambda w: {"pk": w["dz_report"].pk},
    "disasters:report_photo": lambda w: {"pk": w["dz_report"].pk, "attachment_id": w["dz_report_photo"].pk},
    "disasters:return_photo": lambda w: {"pk": w["dz_return"].pk, "attachment_id": w["dz_return_photo"].pk},
    # 旧县街道's geological point, its household, its evacuation in progress, patrols and a finding
    "riskpoint_detail": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_edit": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_act": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_plan": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_household_new": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_household_edit": lambda w: {"pk": w["rp_point"].pk, "household_id": w["rp_household"].pk},
    "riskpoint_household_delete": lambda w: {"pk": w["rp_point"].pk, "household_id": w["rp_household"].pk},
    "riskpoint_placard": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_qr": lambda w: {"pk": w["rp_point"].pk},
    "riskpoint_patrols": lambda w: {"pk": w["rp_point"].pk},
    "evacuation_start": lambda w: {"pk": w["rp_point"].pk},
    "evacuation_detail": lambda w: {"pk": w["rp_evacuation"].pk},
    "evacuation_confirm": lambda w: {"pk": w["rp_evacuation"].pk},
    "evacuation_act": lambda w: {"pk": w["rp_evacuation"].pk},
    "finding_act": lambda w: {"pk": w["rp_finding"].pk},
    "patrol_round": lambda w: {"pk": w["rp_schedule"].pk},
    "rain_check": lambda w: {"pk": w["rp_rain_check"].pk},
    # 旧县街道's winter-spring relief: an application on notice (with a photo and an objection), its village's
    # minutes, the district's round, a donation of the district and a finding about 旧县街道
    "relief:application_detail": lambda w: {"pk": w["relief_app"].pk},
    "relief:application_edit": lambda w: {"pk": w["relief_app"].pk},
    "relief:application_act": lambda w: {"pk": w["relief_app"].pk},
    "relief:objection_new": lambda w: {"pk": w["relief_app"].pk},
    "relief:application_file": lambda w: {"pk": w["relief_app"].pk, "attachment_id": w["relief_photo"].pk},
    "relief:objection_answer": lambda w: {"pk": w["relief_objection"].pk},
    "relief:minutes_file": lambda w: {"pk": w["relief_minutes"].pk, "attachment_id": w["relief_sheet"].pk},
    "relief:round_edit": lambda w: {"pk": w["relief_round"].pk},
    "relief:donation_detail": lambda w: {"pk": w["relief_donation"].pk},
    "relief:donation_allocate": lambda w: {"pk": w["relief_donation"].pk},
    "relief:finding_edit": lambda w: {"pk": w["relief_finding"].pk},
    "house_detail": lambda w: {"pk": w["house"].pk},
    "house_edit": lambda w: {"pk": w["house"].pk},
    "house_plan": lambda w: {"pk": w["house"].pk},
    "house_act": lambda w: {"pk": w["house"].pk},
    "house_photo": lambda w: {"pk": w["house"].pk, "attachment_id": w["house_photo"].pk},
    "permit_detail": lambda w: {"pk": w["permit"].pk},
    "permit_edit": lambda w: {"pk": w["permit"].pk},
    "permit_analysis": lambda w: {"pk": w["permit"].pk},
    "permit_act": lambda w: {"pk": w["permit"].pk},
    "permit_print": lambda w: {"pk": w["permit"].pk},
    # the enterprise's safety-spending ledger, its entry and voucher; its listing and penalty
    "spending:detail": lambda w: {"pk": w["ledger"].pk},
    "spending:edit": lambda w: {"pk": w["ledger"].pk},
    "spending:voucher": lambda w: {"pk": w["spending_entry"].pk, "attachment_id": w["spending_voucher"].pk},
    "credit:detail": lambda w: {"pk": w["listing"].pk},
    "credit:act": lambda w: {"pk": w["listing"].pk},
    "credit:penalty_publish": lambda w: {"pk": w["penalty"].pk},
    "training_session": lambda w: {"pk": w["training_session"].pk},
    "trainee_detail": lambda w: {"pk": w["trainee"].pk},
    "training_plan": lambda w: {"enterprise_id": w["ent"].pk},
    "onsite_meeting": lambda w: {"pk": w["onsite_meeting"].pk},
    "onsite_meeting_file": lambda w: {"pk": w["onsite_meeting"].pk, "attachment_id": w["onsite_scan"].pk},
}

# Routes with an id that are not scoped records, and why.
PUBLIC = {
    "enterprise_public": "公示 page of an enterprise: public by design, reached only with its secret token",
    "draw_public": "双随机一公开: the result is published by law, reached with its secret token",
    "criteria_detail": "reference standards (判定标准), the same for everyone",
    "scheme_edit": "ranking schemes are district-wide configuration without a region, behind oversight.configure",
    "supplies:item_balance": "names a catalogue item (reference data, the same for everyone); the balances the page "
                             "lists are scoped (tests/supplies/test_pages.py)",
    "map_layer": "names a map layer, not a record; its rows come from the layer's scoped queryset and only the "
                 "layers the user may see answer (tests/places/test_map.py)",
    "map_tile": "tile coordinates of the offline base map, the same for every user",
    "warning:public": "an issued warning's public page: published by design (only issued ones answer; "
                      "tests/warning/test_cap.py)",
    "warning:public_cap": "an issued warning's CAP message: published by design, like the feed",
    "warning_ack": "the 叫应 link of an SMS: reached only with a keyed digest of the recipient "
                   "(tests/warning/test_delivery.py refuses a forged one)",
    "forestfire:public_entry": "the public 进山扫码 form of a checkpoint: public by design, reached with its secret "
                               "token (tests/forestfire/test_entry.py)",
    "forestfire:public_done": "the visitor's own entries, found by the cookie of the phone that entered",
    "forestfire:public_leave": "下山 with the key held in the entering phone's cookie",
    "forestfire:public_leave_phone": "下山 by phone number and the ID's last four, rate-limited",
    "forestfire:public_qr": "the QR image of a checkpoint's public form (its secret token)",
    "forestfire:public_board": "the forest 责任人 公示牌 of a region: public by law (seed 001「设公示牌，公开监督」)",
    "riskpoint_public": "转移避险公示 behind a placard's QR code: public by design (挂牌公示), reached only with the "
                        "point's secret token, residents' names masked and no residents' phones (tests/riskpoints)",
    "relief:public_notice": "a town's 张榜公示 of winter-spring relief: public by design (张榜公示), reached only with "
                            "the notice's secret token; names masked, no ID numbers or phones (tests/relief/test_pages.py)",
    "clock_edit": "names a deadline clock, not a record; the region it edits comes in the query string and is "
                  "checked against the admin's territory (tests/core/test_clocks.py)",
}

# Records a role sees by the rule itself: {route: {role: reason}}.
VISIBLE_BY_RULE = {name: {"department": UNIT_RECORDS} for name in [
    "plan_detail", "plan_move", "plan_remove", "plan_add", "plan_approve", "draw_detail",
    "inspector_detail", "inspector_edit", "exclusion_add", "exclusion_lift",
    "keytask_table_edit", "keytask_detail", "keytask_edit", "keytask_report", "keytask_file", "shelter_edit",
    # a town's rescue team and expert: seen by the district's units (unit_q), kept by the town alone
    "rescue_team_detail", "rescue_team_edit", "rescue_member_add", "rescue_certificate_add", "rescue_team_equipment",
    "rescue_expert_detail", "rescue_expert_edit", "rescue_expert_avoid", "rescue_expert_unavoid",
    "/api/v1/rescue/teams/{team_id}", "/api/v1/rescue/teams/{team_id}/standby",
    "/api/v1/inspections/plans/{plan_id}/items", "/api/v1/inspections/draws/{draw_id}",
    "/api/v1/key-tasks/{task_id}", "/api/v1/key-tasks/{task_id}/progress", "/api/v1/places/{place_id}"]}
# the district's linkage meeting and its minutes are seen by the district's units (area_q on the district)
VISIBLE_BY_RULE["rescue_meeting_file"] = {"department": "the district's linkage meeting is seen by the district's "
                                                        "units (area_q, docs/rescue.md)"}
# A town's warehouse, its books and its 调拨 are the town's and its superiors' (core.scope.resource_q,
# unit_q): 区经信委 is a district unit above the town (docs/supplies.md "scope").
VISIBLE_BY_RULE.update({name: {"department": "a town's warehouse and its books are seen by the district units above "
                                             "it (resource_q / unit_q, docs/supplies.md)"} for name in [
    "supplies:warehouse_detail", "supplies:warehouse_edit", "supplies:minimum_edit", "supplies:ledger",
    "supplies:document_detail", "supplies:document_post", "supplies:document_reverse", "supplies:document_discard",
    "supplies:transfer_detail", "supplies:transfer_act", "/api/v1/supplies/warehouses/{warehouse_id}",
    "/api/v1/supplies/documents/{document_id}", "/api/v1/supplies/documents/{document_id}/post",
    "/api/v1/supplies/documents/{document_id}/reverse", "/api/v1/supplies/transfers/{transfer_id}",
    "/api/v1/supplies/transfers/{transfer_id}/steps/{name}",
    # a town's demand plan, upkeep and publicity: the town's and its superiors' (unit_q); only the
    # town writes them and only an approver over it reviews (refused: 403, or the step's message)
    "supplies:demand_detail", "supplies:demand_edit", "supplies:demand_act", "supplies:maintenance_new",
    "supplies:maintenance_edit",
    # a town's duty desk: its roster, log and swaps are the town's and its superiors' (unit_q, docs/duty.md);
    # only the town's own staff write them, so a district department's writes are refused
    "duty_shift", "duty_assign", "duty_handover", "duty_receive", "duty_log_add", "duty_log_close", "duty_unassign",
    "duty_swap_request", "duty_swap_act", "/api/v1/duty/shifts/{shift_id}", "/api/v1/duty/shifts/{shift_id}/log"]})
# A town warehouse's 日周月 checks are read by the books' rule (unit_q on the owner), so the district's
# departments read them; only the keepers record (supplies/rounds.py).
VISIBLE_BY_RULE.update({name: {"department": "a town warehouse's checks are read by the district units above it "
                                             "(unit_q, docs/supplies.md); recording is the keepers' (403)"} for name in [
    "supplies:check_round_new", "supplies:check_schedule_edit", "supplies:check_round", "supplies:check_defaults"]})

# A town's warnings are seen by the district's units (unit_q, docs/warning.md): warnings are not
# an industry's records, so 区经信委 reads 旧县街道's; only the town's staff write them (403).
VISIBLE_BY_RULE.update({name: {"department": "a town's warnings are seen by the district units above it "
                                             "(unit_q, docs/warning.md); writing is the town's (403)"} for name in [
    "warning:detail", "warning:edit", "warning:cap", "warning:contact_edit", "/api/v1/warnings/{warning_id}"]})
# A disaster event and its towns' reports, registers and relief are the territory's (docs/disasters.md): the
# district's departments read them (disasters.view); every write needs a right 区经信委 does not hold.
VISIBLE_BY_RULE.update({name: {"department": "a disaster event and its reports are the territory's (area records, "
                                             "docs/disasters.md): a district department reads its towns'"} for name in [
    "disasters:event", "disasters:casualties", "disasters:relief", "disasters:report", "disasters:report_photo",
    "disasters:return_photo", "/api/v1/disasters/events/{event_id}", "/api/v1/disasters/events/{event_id}/reports"]})
# 森林防火 records are area records (core.scope.area_q): a district department sees its towns'; none names an
# enterprise. Writes need forestfire.manage / approve / check, which 区经信委 holds only in part.
VISIBLE_BY_RULE.update({name: {"department": "森林防火 records are the territory's (area_q, docs/forestfire.md): a "
                                             "district department sees its towns'"} for name in [
    "forestfire:checkpoint_detail", "forestfire:checkpoint_duty", "forestfire:checkpoint_poster",
    "forestfire:ranger_detail", "forestfire:fire_use_detail", "forestfire:fire_use_act", "forestfire:report_detail",
    "forestfire:report_check", "forestfire:responsibility_remove", "/api/v1/forest/rangers/{ranger_id}/patrols",
    "/api/v1/forest/fire-uses/{fire_use_id}/steps/{name}", "/api/v1/forest/reports/{report_id}/check"]})
# Risk points are area records without an industry (core.scope.area_q): every district unit sees the
# district's points and evacuations, as it must for the 三个责任人 and 转移 of every department (docs/riskpoints.md).
VISIBLE_BY_RULE.update({name: {"department": "a risk point and its evacuation are area records without an industry "
                                             "(area_q): the district's departments see them (docs/riskpoints.md)"}
                        for name in ["riskpoint_detail", "riskpoint_edit", "riskpoint_act", "riskpoint_plan",
                                     "riskpoint_household_new", "riskpoint_household_edit", "riskpoint_household_delete",
                                     "riskpoint_placard", "riskpoint_qr", "riskpoint_patrols", "evacuation_start",
                                     "evacuation_detail", "evacuation_confirm", "evacuation_act", "finding_act",
                                     "patrol_round", "rain_check", "/api/v1/riskpoints/points/{point_id}",
                                     "/api/v1/riskpoints/evacuations/{evacuation_id}",
                                     "/api/v1/riskpoints/evacuations/{evacuation_id}/confirm"]})
# 倒损住房 are area records of a village without an industry (area_q on the village): the district's
# departments read them like the risk points (docs/houses.md).
VISIBLE_BY_RULE.update({name: {"department": "a household of the house ledger is an area record without an industry "
                                             "(area_q on its village): the district's departments read it "
                                             "(docs/houses.md)"}
                        for name in ["house_detail", "house_edit", "house_plan", "house_act", "house_photo",
                                     "/api/v1/houses/households/{household_id}",
                                     "/api/v1/houses/households/{household_id}/plan",
                                     "/api/v1/houses/households/{household_id}/attachments",
                                     "/api/v1/houses/households/{household_id}/transitions"]})

# A town's 专项行动 is handed down to the enterprises of the town and seen by the district's units (core.scope.
# shared_q, docs/campaigns.md): 区经信委 and the neighbouring enterprise read it; only the town's office edits it.
VISIBLE_BY_RULE.update({name: {"department": "a town's campaign is seen by the district units above it (shared_q, "
                                             "docs/campaigns.md); only its owner edits (403)",
                               "other_company": "a town's campaign is handed down to the town's enterprises "
                                                "(shared_q, docs/campaigns.md); they read it, never edit it"}
                        for name in ["campaigns:detail", "campaigns:items_export", "campaigns:stats_export",
                                     "/api/v1/campaigns/{pk}"]})
VISIBLE_BY_RULE.update({name: {"department": "a town's campaign is seen by the district units above it; only its "
                                             "owner edits it (403, docs/campaigns.md)"}
                        for name in ["campaigns:edit", "campaigns:act", "campaigns:item_add", "campaigns:item_remove"]})

# A district's relief round is worked in by its towns: another town of the district sees the round and, in its
# coverage, only its own town's figures (tests/relief/test_applications.py::test_coverage_by_town).
VISIBLE_BY_RULE["/api/v1/relief/rounds/{round_id}/coverage"] = {
    "other_town": "a district's winter-spring round is the towns' too (relief/scope.py); its coverage answers only "
                  "the reader's own town"}

# OpenAPI path → (kwargs, {method: body}). Bodies are valid, so the scope is what refuses.
API_ROUTES = {
    "/api/v1/enterprises/{enterprise_id}": (lambda w: {"enterprise_id": w["ent"].pk}, {"patch": {"name": "改名"}}),
    "/api/v1/hazards/{hazard_id}": (lambda w: {"hazard_id": w["hazard"].pk}, {}),
    "/api/v1/hazards/{hazard_id}/attachments": (lambda w: {"hazard_id": w["hazard"].pk}, {"post": "FILE"}),
    "/api/v1/hazards/{hazard_id}/transitions": (lambda w: {"hazard_id": w["hazard"].pk},
                                                {"post": {"name": "start", "comment": "走查"}}),
    "/api/v1/inspections/plans/{plan_id}/items": (lambda w: {"plan_id": w["plan"].pk}, {}),
    "/api/v1/inspections/draws/{draw_id}": (lambda w: {"draw_id": w["draw"].pk}, {}),
    "/api/v1/inspections/{inspection_id}": (lambda w: {"inspection_id": w["inspection"].pk}, {}),
    "/api/v1/inspections/penalties/{penalty_id}": (lambda w: {"penalty_id": w["penalty"].pk}, {}),
    "/api/v1/tips/{tip_id}": (lambda w: {"tip_id": w["tip"].pk}, {}),
    "/api/v1/training/sessions/{session_id}": (lambda w: {"session_id": w["training_session"].pk}, {}),
    "/api/v1/tips/{tip_id}/steps/{name}": (lambda w: {"tip_id": w["tip"].pk, "name": "assign"},
                                           {"post": {"unit_id": 1}}),
    "/api/v1/tips/{tip_id}/links": (lambda w: {"tip_id": w["tip"].pk},
                                    {"post": {"kind": "hazard", "object_id": 1}}),
    "/api/v1/risk-points/{point_id}": (lambda w: {"point_id": w["risk_point"].pk}, {}),
    "/api/v1/accidents/{accident_id}": (lambda w: {"accident_id": w["accident"].pk}, {}),
    "/api/v1/key-tasks/{task_id}": (lambda w: {"task_id": w["keytask"].pk}, {}),
    "/api/v1/key-tasks/{task_id}/progress": (lambda w: {"task_id": w["keytask"].pk}, {"post": {"text": "走查"}}),
    "/api/v1/rescue/teams/{team_id}": (lambda w: {"team_id": w["rescue_team"].pk}, {}),
    "/api/v1/rescue/teams/{team_id}/standby": (lambda w: {"team_id": w["rescue_team"].pk},
                                               {"post": {"day": dt.date.today().isoformat(), "people": 3}}),
    "/api/v1/places/{place_id}": (lambda w: {"place_id": w["shelter"].pk}, {}),
    "/api/v1/supplies/warehouses/{warehouse_id}": (lambda w: {"warehouse_id": w["warehouse"].pk}, {}),
    "/api/v1/supplies/documents/{document_id}": (lambda w: {"document_id": w["stock_document"].pk}, {}),
    "/api/v1/supplies/documents/{document_id}/post": (lambda w: {"document_id": w["stock_document"].pk}, {"post": {}}),
    "/api/v1/supplies/documents/{document_id}/reverse": (lambda w: {"document_id": w["stock_document"].pk},
                                                         {"post": {"note": "走查"}}),
    "/api/v1/supplies/transfers/{transfer_id}": (lambda w: {"transfer_id": w["transfer"].pk}, {}),
    "/api/v1/duty/shifts/{shift_id}": (lambda w: {"shift_id": w["duty_shift"].pk}, {}),
    "/api/v1/duty/shifts/{shift_id}/log": (lambda w: {"shift_id": w["duty_shift"].pk},
                                           {"post": {"kind": "call", "content": "走查"}}),
    "/api/v1/incidents/{incident_id}": (lambda w: {"incident_id": w["incident"].pk}, {}),
    "/api/v1/monitoring/installations/{installation_id}": (lambda w: {"installation_id": w["installation"].pk}, {}),
    "/api/v1/monitoring/sensors/{sensor_id}/series": (lambda w: {"sensor_id": w["sensor"].pk}, {}),
    "/api/v1/monitoring/alarms/{alarm_id}": (lambda w: {"alarm_id": w["alarm"].pk}, {}),
    "/api/v1/monitoring/alarms/{alarm_id}/steps/{name}": (lambda w: {"alarm_id": w["alarm"].pk, "name": "acknowledge"},
                                                          {"post": {"comment": "走查"}}),
    "/api/v1/monitoring/installations/{installation_id}/guarantors": (
        lambda w: {"installation_id": w["installation"].pk}, {}),
    "/api/v1/monitoring/guarantors/{guarantor_id}/duty-records": (
        lambda w: {"guarantor_id": w["guarantor"].pk},
        {"post": {"done_on": dt.date.today().isoformat(), "checked": "走查"}}),
    "/api/v1/incidents/{incident_id}/reports": (lambda w: {"incident_id": w["incident"].pk},
                                                {"post": {"stage": "followup", "content": "走查"}}),
    "/api/v1/supplies/transfers/{transfer_id}/steps/{name}": (lambda w: {"transfer_id": w["transfer"].pk,
                                                                         "name": "return"}, {"post": {}}),
    "/api/v1/plans/{plan_id}": (lambda w: {"plan_id": w["ent_plan"].pk}, {}),
    "/api/v1/plans/{plan_id}/levels/{number}/actions": (lambda w: {"plan_id": w["ent_plan"].pk, "number": 1}, {}),
    "/api/v1/plans/{plan_id}/steps/{name}": (lambda w: {"plan_id": w["ent_plan"].pk, "name": "revise"},
                                             {"post": {"comment": "走查"}}),
    "/api/v1/plans/drills/{drill_id}": (lambda w: {"drill_id": w["ent_drill"].pk}, {}),
    "/api/v1/warnings/{warning_id}": (lambda w: {"warning_id": w["warning"].pk}, {}),
    "/api/v1/warnings/{warning_id}/steps/{name}": (lambda w: {"warning_id": w["warning"].pk, "name": "submit"},
                                                   {"post": {}}),
    "/api/v1/forest/rangers/{ranger_id}/patrols": (
        lambda w: {"ranger_id": w["forest_ranger"].pk},
        {"post": {"started_at": "2026-01-01T08:00:00+08:00", "ended_at": "2026-01-01T10:00:00+08:00", "route": "走查"}}),
    "/api/v1/forest/fire-uses/{fire_use_id}/steps/{name}": (
        lambda w: {"fire_use_id": w["forest_pending_use"].pk, "name": "approve"}, {"post": {"comment": "走查"}}),
    "/api/v1/forest/reports/{report_id}/check": (
        lambda w: {"report_id": w["forest_report"].pk},
        {"post": {"outcome": "false_alarm", "comment": "走查"}}),
    "/api/v1/riskpoints/points/{point_id}": (lambda w: {"point_id": w["rp_point"].pk}, {}),
    "/api/v1/riskpoints/evacuations/{evacuation_id}": (lambda w: {"evacuation_id": w["rp_evacuation"].pk}, {}),
    "/api/v1/campaigns/{pk}": (lambda w: {"pk": w["campaign"].pk}, {}),
    "/api/v1/stoppages/{pk}": (lambda w: {"pk": w["stoppage"].pk}, {}),
    "/api/v1/disasters/events/{event_id}": (lambda w: {"event_id": w["dz_event"].pk}, {}),
    "/api/v1/disasters/events/{event_id}/reports": (lambda w: {"event_id": w["dz_event"].pk}, {}),
    "/api/v1/disasters/events/{event_id}/village-returns": (
        lambda w: {"event_id": w["dz_event"].pk}, {"post": {"affected": 1}}),
    "/api/v1/riskpoints/evacuations/{evacuation_id}/confirm": (
        lambda w: {"evacuation_id": w["rp_evacuation"].pk}, {"post": {"household_id": 1}}),
    "/api/v1/relief/applications/{application_id}": (lambda w: {"application_id": w["relief_app"].pk}, {}),
    "/api/v1/relief/applications/{application_id}/steps/{name}": (
        lambda w: {"application_id": w["relief_app"].pk, "name": "decide"}, {"post": {"comment": "走查"}}),
    "/api/v1/relief/rounds/{round_id}/coverage": (lambda w: {"round_id": w["relief_round"].pk}, {}),
    "/api/v1/houses/households/{household_id}": (lambda w: {"household_id": w["house"].pk}, {}),
    "/api/v1/houses/households/{household_id}/plan": (lambda w: {"household_id": w["house"].pk},
                                                       {"post": {"mode": "repair"}}),
    "/api/v1/houses/households/{household_id}/attachments": (lambda w: {"household_id": w["house"].pk},
                                                              {"post": "FILE"}),
    "/api/v1/houses/households/{household_id}/transitions": (lambda w: {"household_id": w["house"].pk},
                                                              {"post": {"name": "submit_plan"}}),
    "/api/v1/permits/{permit_id}": (lambda w: {"permit_id": w["permit"].pk}, {}),
    "/api/v1/spending/ledgers/{ledger_id}": (lambda w: {"ledger_id": w["ledger"].pk}, {}),
    "/api/v1/spending/ledgers/{ledger_id}/entries": (
        lambda w: {"ledger_id": w["ledger"].pk},
        {"post": {"kind": "set_aside", "on": f"{dt.date.today().year - 2}-06-01", "amount": "1", "description": "走查"}}),
    "/api/v1/credit/listings/{listing_id}": (lambda w: {"listing_id": w["listing"].pk}, {}),
    "/api/v1/credit/listings/{listing_id}/transitions": (lambda w: {"listing_id": w["listing"].pk},
                                                          {"post": {"name": "approve"}}),
    "/api/v1/credit/penalties/{penalty_id}/publish": (lambda w: {"penalty_id": w["penalty"].pk}, {"post": {}}),
}
API_PUBLIC = {  # the 12350 status lookup takes a code and PIN in the body
    "/api/v1/supplies/items/{item_id}/nearby": "names a catalogue item (reference data); the warehouses and "
                                               "quantities it answers are scoped (tests/supplies/test_api.py)",
}


def url_patterns(resolver=None, prefix="", namespace=None):
    """Every URL pattern: (route, name, converters)."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from url_patterns(p, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield prefix + str(p.pattern), name, p.pattern.converters


def id_patterns() -> list[str]:
    return sorted({name for _, name, converters in url_patterns() if converters and not (name or "").startswith("api:")})


def api_paths() -> dict[str, list[str]]:
    """OpenAPI paths with a parameter in the path → their methods."""
    schema = api.get_openapi_schema()
    return {path: sorted(ops) for path, ops in schema["paths"].items() if "{" in path}


def test_every_route_with_an_id_is_walked(db):
    """Fails for a new route until ROUTES / API_ROUTES (or PUBLIC) says how to name a foreign
    record of its kind."""
    missing = [n for n in id_patterns() if n not in ROUTES and n not in PUBLIC]
    assert not missing, ("URL patterns with an object id not covered by the scope walk: add each to ROUTES in "
                         f"tests/core/test_scope_walk.py (or to PUBLIC with a reason): {missing}")
    missing_api = [p for p in api_paths() if p not in API_ROUTES and p not in API_PUBLIC]
    assert not missing_api, ("API paths with an id not covered by the scope walk: add each to API_ROUTES in "
                             f"tests/core/test_scope_walk.py: {missing_api}")
    stale = [n for n in ROUTES if n not in id_patterns()] + [p for p in API_ROUTES if p not in api_paths()]
    assert not stale, f"ROUTES / API_ROUTES name routes that no longer exist: {stale}"


# ---- the world -----------------------------------------------------------------------------------

def upload(name="walk.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _warning_world(w, now) -> None:
    """旧县街道's own warnings: a draft over 玉泉村, and a rainstorm warning issued over 龙洞湾村
    with its recipients, a call task and a measure task."""
    from anying.core.permissions import SYSTEM as _SYSTEM
    from anying.warning import delivery as warning_delivery
    from anying.warning import services as warning_services
    from anying.warning.models import Contact, MeasureTask, Warning

    village = Region.objects.get(name="玉泉村", parent=w["town"])
    other = Region.objects.get(name="龙洞湾村", parent=w["town"])
    fields = {"kind": "rainstorm", "level": "orange", "agency": "走查气象台", "unit": w["town_unit"],
              "description": "走查", "onset": now, "expires": now + dt.timedelta(hours=6)}
    w["warning"] = warning_services.save_draft(_SYSTEM, Warning(headline="走查预警草稿", **fields), [village])
    issued = warning_services.save_draft(_SYSTEM, Warning(headline="走查预警", **fields), [other])
    warning_services.act(_SYSTEM, issued.pk, "submit")
    w["warning_issued"] = warning_services.act(_SYSTEM, issued.pk, "issue")
    warning_delivery.escalate_due(now + dt.timedelta(minutes=6))
    warning_delivery.escalate_due(now + dt.timedelta(minutes=12))
    w["warning_recipient"] = issued.recipients.filter(acknowledged_at__isnull=True).first()
    w["warning_call"] = w["warning_recipient"].call
    w["warning_measure"] = MeasureTask.objects.create(warning=issued, town=w["town"], text="走查措施")
    w["warning_contact"] = Contact.objects.filter(region=village).first()


def _disaster_world(w, now) -> None:
    """A disaster event over 旧县街道 alone (the demo's covers 虎峰镇 too), with 玉泉村's return and
    photo, the town's 初报 with a photo, a resettled household and relief from the town's warehouse."""
    from anying.disasters import registers as dz_registers
    from anying.disasters import services as dz_services
    from anying.places.models import Place
    from anying.supplies.models import Item, Warehouse

    duty = User.objects.get(username="duty")
    w["dz_event"] = event = dz_services.open_event(duty, name="走查暴雨", kind="flood", towns=[w["town"]],
                                                   started_at=now - dt.timedelta(hours=1))
    officer = User.objects.get(username="cunyuan")
    w["dz_return"] = dz_services.file_village_return(officer, event, figures={"affected": 3}, photos=[upload()])
    w["dz_return_photo"] = attachments.attachments_of(w["dz_return"]).first()
    report = dz_services.draft_report(w["town_user"], event, w["town"])
    w["dz_report_photo"] = attachments.attach(w["town_user"], report, upload())
    w["dz_report"] = dz_services.submit(w["town_user"], report.pk)
    shelter = Place.objects.filter(kind=Place.Kind.SHELTER, region=w["town"]).first()
    w["dz_stay"] = dz_registers.add_stay(w["town_user"], event, {"town": w["town"].pk, "mode": "shelter",
                                                                 "shelter": shelter.pk, "head": "走查", "persons": 2})
    store = Warehouse.objects.filter(owner=w["town_unit"]).first()
    item = Item.objects.get(code="SH-003")
    w["dz_aid"] = dz_registers.give_aid(w["town_user"], event, {"town": w["town"].pk, "shelter": shelter.pk,
                                                                "persons": 2, "warehouse": store.pk, "item": item.pk,
                                                                "quantity": 1})


def _obligations_world(w, now) -> None:
    """Issue #19: 旧县街道应急办's own campaign, a stoppage order on the enterprise with the restart
    application's file, and the enterprise's monthly report of last month."""
    from anying.campaigns import services as campaign_services
    from anying.core.permissions import SYSTEM as _SYSTEM
    from anying.monthly import rules as monthly_rules
    from anying.stoppages import services as stoppage_services
    from anying.stoppages.models import Stoppage

    today = w["today"]
    w["campaign"] = campaign_services.create(_SYSTEM, {
        "name": "走查专项行动", "owner": w["town_unit"], "starts_on": today - dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=10)}, industries=[], phases=[
        {"kind": "self_check", "starts_on": today - dt.timedelta(days=10), "ends_on": today - dt.timedelta(days=1)},
        {"kind": "enforcement", "starts_on": today, "ends_on": today + dt.timedelta(days=10)}])
    w["campaign_item"] = campaign_services.add_item(_SYSTEM, w["campaign"].pk, {"content": "走查条目"})
    campaign_services.step(_SYSTEM, w["campaign"].pk, "start")  # announced: handed down to the town's enterprises
    Stoppage.objects.filter(enterprise=w["ent"]).delete()
    w["stoppage"] = stoppage_services.order(_SYSTEM, w["ent"], {"source": "other", "reason": "走查", "legal_basis": "走查",
                                                                "unit": w["town_unit"]})
    stoppage_services.step(_SYSTEM, w["stoppage"].pk, "apply", data={"report": "走查整改"}, files=[upload()])
    w["stoppage_file"] = attachments.attachments_of(w["stoppage"]).first()
    w["monthly_month"] = f"{monthly_rules.previous_month(today):%Y-%m}"


def build_world() -> dict:
    from anying.hazards.models import (
        ChecklistTemplate,
        ExtensionRequest,
        Hazard,
        SelfInspectionRound,
        SelfInspectionSchedule,
    )
    from anying.inspections import draws
    from anying.inspections.models import (
        EnforcementDocument,
        Exclusion,
        Inspection,
        InspectionPlan,
        Inspector,
        Penalty,
    )
    from anying.oversight.models import Accident, KeyTask, ProgressReport
    from anying.registry.models import Enterprise, PostCard, RiskArea, RiskPoint
    from anying.tips.models import Tip

    for loader in sorted(DEMO_LOADERS.values(), key=lambda d: d.order):
        loader.load(random.Random(2022))
    w = {"today": dt.date.today()}
    qiye = User.objects.get(username="qiye")
    ent = w["ent"] = Enterprise.objects.get(organisation_id=qiye.unit_id)
    w["town"] = ent.region
    assert w["town"].name == "旧县街道"
    # Another industry than 区经信委's (机械, 轻工) for the enterprise and every record copying it.
    chem = Industry.objects.get(name="危险化学品")
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        if model is Enterprise:
            model.objects.filter(pk=ent.pk).update(industry=chem)
        elif {"enterprise", "industry"} <= fields:
            model._base_manager.filter(enterprise=ent).update(industry=chem)
    ent.refresh_from_db()

    w["town_unit"] = Organisation.objects.get(name="旧县街道应急办")
    w["town_user"] = User.objects.get(username="jiuxian")
    w["ent_account"] = User.objects.get(username="fuzeren")  # the enterprise's second account
    w["token"], _ = create_token(None, User.objects.get(username="admin"), "walk")
    w["post"] = ent.posts.first()
    card = PostCard.objects.filter(post=w["post"]).first()
    w["card_file"] = attachments.attach(None, card, upload())
    w["risk_point"] = RiskPoint.objects.filter(enterprise=ent).first()
    w["risk_area"] = RiskArea.objects.filter(enterprise=ent).first()
    hazard = w["hazard"] = (Hazard.objects.filter(enterprise=ent, supervision__isnull=False).first()
                            or Hazard.objects.filter(enterprise=ent).first())
    w["hazard_file"] = attachments.attach(None, hazard, upload())
    w["overdue_letter"] = ClockStep.objects.create(
        clock="hazard_overdue", content_type=ContentType.objects.get_for_model(Hazard), object_id=hazard.pk,
        code="walk_letter", label="函告", days=7, document_no="走查函〔2026〕1号")
    w["extension"] = ExtensionRequest.objects.create(
        hazard=hazard, requested_by=qiye, requested_on=w["today"], current_deadline=hazard.deadline,
        new_deadline=hazard.deadline + dt.timedelta(days=30), reason="走查", answer_due=w["today"])
    w["checklist"] = ChecklistTemplate.objects.create(code="walk", name="企业自定清单", use="daily",
                                                      owner_id=ent.organisation_id)
    w["schedule"] = SelfInspectionSchedule.objects.filter(enterprise=ent).first()
    w["round"] = SelfInspectionRound.objects.filter(enterprise=ent).first()
    bureau = Organisation.objects.get(name="区应急局")
    w["inspector"] = Inspector.objects.filter(unit=bureau).first()
    w["exclusion"] = Exclusion.objects.create(inspector=w["inspector"], enterprise=ent, reason="走查")
    w["plan"] = InspectionPlan.objects.get(unit=bureau)
    assert w["plan"].items.filter(enterprise=ent).exists()
    every = len(draws.collect(bureau, w["today"])["targets"])  # so the enterprise is drawn
    w["draw"] = draws.draw(None, bureau, title="走查", targets=every, ratios={"key": 1, "standardized": 1, "general": 1})
    assert w["draw"].targets.filter(enterprise=ent).exists()
    w["inspection"] = Inspection.objects.get(enterprise=ent)
    w["inspection_document"] = EnforcementDocument.objects.filter(inspection=w["inspection"]).first()
    w["penalty"] = Penalty.objects.get(enterprise=ent)
    w["penalty_document"] = EnforcementDocument.objects.filter(penalty=w["penalty"]).first() or \
        EnforcementDocument.objects.filter(inspection=w["inspection"]).first()
    w["tip"] = Tip.objects.get(enterprise=ent)
    w["tip_file"] = attachments.attach(None, w["tip"], upload())
    from anying.oversight import rankings, reports
    from anying.oversight.models import RankingScheme

    office = Organisation.objects.get(name="区安委办")
    last_month = w["today"].replace(day=1) - dt.timedelta(days=1)
    scheme = RankingScheme.objects.filter(is_active=True).first()
    w["ranking"] = rankings.compute(None, scheme.pk, last_month)  # a draft of 区安委办
    w["report"] = reports.generate(None, "monthly", last_month, unit=office)
    w["accident"] = Accident.objects.filter(enterprise=ent).first()
    w["keytask"] = KeyTask.objects.filter(reports__isnull=False).first()
    w["keytask_file"] = attachments.attach(None, ProgressReport.objects.filter(task=w["keytask"]).first(), upload())
    from anying.supplies.models import StockDocument, Transfer, Warehouse
    w["warehouse"] = Warehouse.objects.get(name="旧县街道应急物资仓库")  # the town's own, not shared
    w["stock_document"] = StockDocument.objects.filter(warehouse=w["warehouse"]).first()
    w["transfer"] = Transfer.objects.filter(to_warehouse=w["warehouse"]).first()
    from anying.supplies.models_planning import DemandPlan, Maintenance, Publicity

    w["demand_plan"] = DemandPlan.objects.filter(owner=w["town_unit"]).first()
    w["maintenance"] = Maintenance.objects.filter(warehouse=w["warehouse"]).first()
    w["publicity"] = Publicity.objects.filter(owner=w["town_unit"]).first()
    from django.utils import timezone

    from anying.core.permissions import SYSTEM as _SYSTEM
    from anying.duty import services as duty_services
    from anying.duty.models import Assignment, DutyPost, KeyPeriod, LogEntry, Shift

    now = timezone.now()
    w["duty_shift"] = Shift.objects.filter(unit=w["town_unit"], starts_at__lte=now, ends_at__gt=now).first()
    later = Shift.objects.filter(unit=w["town_unit"], starts_at__gt=now).order_by("starts_at").first()
    if later is None:  # the demo's month ends today: one more day
        later = duty_services.plan_shifts(_SYSTEM, w["town_unit"], w["today"] + dt.timedelta(days=1),
                                          w["today"] + dt.timedelta(days=1))[0]
    w["duty_assignment"] = later.assignments.first() or Assignment.objects.create(
        shift=later, post=DutyPost.objects.get(code="officer"), name="走查值班", phone="13900000000")
    w["duty_swap"] = duty_services.request_swap(_SYSTEM, w["duty_assignment"].pk, name="走查替班", phone="1", reason="走查")
    w["duty_log"] = LogEntry.objects.create(shift=w["duty_shift"], at=now, kind="todo", content="走查事项", open=True)
    w["duty_period"] = KeyPeriod.objects.first()
    from anying.incidents import services as incident_services

    # an accident at the foreign enterprise, taken by 旧县街道's desk and reported up, with a flag
    w["incident"] = incident_services.record(_SYSTEM, {
        "unit": w["town_unit"], "title": "走查事故", "kind": "work_safety", "enterprise": ent, "region": w["town"],
        "occurred_at": now - dt.timedelta(hours=3), "received_at": now - dt.timedelta(hours=2), "source": "phone",
        "place": "走查地点", "description": "走查", "deaths": 1})
    w["incident_report"] = incident_services.submit(w["town_user"], w["incident"].pk, "first",
                                                    "written", "走查首报")
    w["incident_flag"] = incident_services.flag(_SYSTEM, w["incident"].pk, "omitted", "走查", unit=w["town_unit"])
    from anying.monitoring import services as monitoring_services

    # the foreign enterprise's 液氯 storage: a major hazard installation
    w["installation"] = monitoring_services.save_installation(_SYSTEM, ent.pk, {
        "name": "走查液氯储罐区", "kind": "storage", "people_within_500m": 10}, [("液氯", "20", "")])
    from anying.monitoring import ingest as monitoring_ingest
    from anying.monitoring import sensors as monitoring_sensors

    # its chlorine detector, its gateway and a 高高报 alarm with a photo
    w["sensor"] = monitoring_sensors.save_sensor(_SYSTEM, w["installation"].pk, {
        "code": "AT-走查", "name": "走查氯气浓度", "kind": "toxic_gas", "unit": "ppm", "range_low": 0, "range_high": 100,
        "high": 1, "high_high": 3, "interval_seconds": 60, "offline_after": 3})
    w["sensor_rule"] = monitoring_sensors.add_rule(_SYSTEM, w["sensor"].pk, {"kind": "repeat", "bound": "H", "count": 3,
                                                                           "level": 2})
    w["device"], _token = monitoring_sensors.create_device(_SYSTEM, ent.pk, "走查网关")
    monitoring_ingest.ingest(w["device"], [("AT-走查", int(now.timestamp() * 1000) - 1000, 5.0)])
    w["alarm"] = w["sensor"].alarms.get(level=1)
    w["alarm_file"] = attachments.attach(None, w["alarm"], upload())
    from anying.monitoring import services_baobao

    w["guarantor"] = services_baobao.assign_guarantor(_SYSTEM, w["installation"].pk, "technical", {
        "name": "走查技术负责人", "phone": "13900000000", "since": w["today"]})
    w["duty_record"] = services_baobao.record_duty(_SYSTEM, w["guarantor"].pk, {"done_on": w["today"],
                                                                                "checked": "走查"})
    w["duty_record_file"] = attachments.attach(None, w["duty_record"], upload())
    from anying.incidents import response as incident_response

    w["incident_response"] = incident_response.activate(_SYSTEM, w["incident"].pk, plan_name="走查预案", level=3,
                                                        commander="走查", actions=[(w["town_unit"], "", "走查任务", None)])
    w["incident_task"] = w["incident_response"].tasks.get()
    w["incident_post"] = incident_response.open_post(_SYSTEM, w["incident"].pk, place="走查", commander="走查",
                                                     groups="综合协调组")
    from anying.supplies.models import CheckRound, CheckSchedule
    w["check_schedule"] = CheckSchedule.objects.filter(warehouse=w["warehouse"], frequency="daily").first()
    w["check_round"] = CheckRound.objects.filter(warehouse=w["warehouse"]).first()
    _warning_world(w, now)
    _disaster_world(w, now)
    _obligations_world(w, now)
    from anying.places.models import Place

    w["shelter"] = Place.objects.filter(kind=Place.Kind.SHELTER, region=w["town"], dispatchable=False).first()
    from anying.rescue.models import Expert, GuidanceVisit, Team

    # 旧县街道's own team and expert, not offered to anyone else for dispatch
    w["rescue_team"] = Team.objects.filter(owner=w["town_unit"], region=w["town"], dispatchable=False).first()
    w["incident_dispatch"] = incident_response.dispatch_team(_SYSTEM, w["incident"].pk, w["rescue_team"].pk)
    w["expert"] = Expert.objects.create(owner=w["town_unit"], name="走查专家", fields=",hazchem,", dispatchable=False)
    w["visit"] = GuidanceVisit.objects.filter(enterprise=ent).first()
    w["visit_file"] = attachments.attach(None, w["visit"], upload()) if w["visit"] else None
    from anying.rescue.models import Certificate, GrassrootsPerson, LinkageMeeting, Member, TargetValue

    w["rescue_member"] = Member.objects.filter(team=w["rescue_team"]).first()
    w["rescue_certificate"] = Certificate.objects.filter(member__team=w["rescue_team"]).first()
    w["rescue_social"] = Team.objects.filter(category=Team.Category.SOCIAL, dispatchable=False).first()
    w["grassroots"] = GrassrootsPerson.objects.filter(owner=w["town_unit"]).first()
    w["rescue_target"] = TargetValue.objects.create(region=w["town"].parent, code="funding_town", from_year=2024,
                                                    value=450000, source="走查")
    w["meeting"] = LinkageMeeting.objects.filter(held_on__isnull=False).first()
    w["meeting_file"] = attachments.attach(None, w["meeting"], upload()) if w["meeting"] else None
    from anying.plans import services as plan_services
    from anying.plans.models import Drill, EmergencyPlan, ResponseLevel

    w["ent_plan"] = EmergencyPlan.objects.filter(enterprise=ent, status="filed").first()
    w["ent_plan_level"] = ResponseLevel.objects.create(plan=w["ent_plan"], number=1, criteria="走查")
    w["ent_plan_file"] = attachments.attach(None, w["ent_plan"], upload())
    w["ent_drill"] = Drill.objects.filter(enterprise=ent).first()
    w["ent_drill_photo"] = attachments.attach(None, w["ent_drill"], upload())
    w["ent_follow_up"] = plan_services.add_follow_up(None, w["ent_drill"], "走查整改", ent.organisation, w["today"])
    from anying.forestfire import lifecycles as forest
    from anying.forestfire.models import Checkpoint, FireUse, Ranger, Responsibility

    w["forest_checkpoint"] = Checkpoint.objects.filter(place__region=w["town"]).first()
    w["forest_ranger"] = Ranger.objects.filter(region=w["town"]).first()
    w["forest_fire_use"] = FireUse.objects.filter(region=w["town"]).first()
    w["forest_report"] = forest.report_fire(None, {"source": "public", "region_id": w["town"].pk, "place": "走查",
                                                   "description": "走查"})
    w["forest_pending_use"] = FireUse.objects.create(
        number="走查-1", region=w["town"], place="走查", applicant="走查", phone="1", kind="烧荒", reason="走查",
        starts_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC), ends_at=dt.datetime(2030, 1, 2, tzinfo=dt.UTC),
        precautions="走查", watcher="走查", watcher_phone="1")
    w["forest_responsibility"] = Responsibility.objects.filter(region=w["town"]).first()
    from anying.riskpoints.models import DisasterRiskPoint, Evacuation, PatrolFinding, RainCheck
    from anying.warning.models import Warning

    w["rp_point"] = DisasterRiskPoint.objects.filter(region=w["town"], kind="geological").first()
    w["rp_household"] = w["rp_point"].household_rows.exclude(moves__isnull=False).first()
    w["rp_evacuation"] = Evacuation.objects.filter(point=w["rp_point"]).exclude(status="returned").first()
    w["rp_schedule"] = w["rp_point"].patrol_schedules.filter(tier="village").first()
    w["rp_finding"] = PatrolFinding.objects.filter(point__region=w["town"]).first()
    rain = Warning.objects.create(number="走查预警", kind="rainstorm", level="blue", agency="走查", unit=w["town_unit"],
                                  headline="走查", description="走查", onset=now, expires=now + dt.timedelta(hours=6))
    w["rp_rain_check"] = RainCheck.objects.create(point=w["rp_point"], warning=rain, phase="before", due_at=now)
    from anying.core.models import Attachment
    from anying.relief import funds as relief_funds
    from anying.relief.models import Application, Donation, Minutes, Objection

    w["relief_app"] = Application.objects.filter(town=w["town"], status="notice", objections__isnull=False).first()
    w["relief_round"] = w["relief_app"].round if w["relief_app"] else None
    w["relief_photo"] = attachments.attach(None, w["relief_app"], upload()) if w["relief_app"] else None
    w["relief_objection"] = Objection.objects.filter(application=w["relief_app"]).first()
    w["relief_minutes"] = Minutes.objects.filter(town=w["town"]).first()
    w["relief_sheet"] = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Minutes), object_id=str(w["relief_minutes"].pk)).first() \
        if w["relief_minutes"] else None
    w["relief_donation"] = Donation.objects.first()
    w["relief_finding"] = relief_funds.save_finding(None, {"region": w["town"], "kind": "delay", "unit_name": "走查",
                                                           "found_on": w["today"], "description": "走查"})
    from anying.disasters.models import Event as DisasterEvent
    from anying.houses import services as house_services

    event = DisasterEvent.objects.filter(towns=w["town"]).first()
    if event is None:  # the disasters demo makes the 7·12 rainstorm; without it, an event of our own
        event = DisasterEvent.objects.create(number="走查-ZH", name="走查暴雨", kind="flood", region=w["town"].parent,
                                             started_at=now - dt.timedelta(days=5), unit=w["town_unit"])
        event.towns.set([w["town"]])
    w["house"] = house_services.save_household(None, {
        "event": event, "village": Region.objects.filter(parent=w["town"], level=Region.Level.VILLAGE).first(),
        "head": "走查户", "id_number": "11010519491231002X", "members": 3, "situation": "general",
        "structure": "brick_wood", "rooms": 3, "rooms_collapsed": 2, "cause": "山洪", "assessed_on": w["today"],
        "assessors": "走查"}, photos=[upload()])
    w["house_photo"] = attachments.attachments_of(w["house"]).first()
    from anying.permits import rules as permit_rules
    from anying.permits import services as permit_services

    w["permit"] = permit_services.save_permit(None, {
        "kind": "hot_work", "level": "2", "place": "走查车间", "content": "走查动火", "hazards": "火灾",
        "details": {"fire_method": "电焊"}, "applicant_name": "走查", "leader_name": "走查", "guardian_name": "走查",
        "valid_from": now, "valid_until": now + dt.timedelta(hours=8),
        "measures": [m.code for m in permit_rules.measures_of("hot_work")], "measures_confirmed": True,
        "workers": [{"name": "走查", "company": ent.name}]}, enterprise=ent)
    # the enterprise's safety-spending ledger (a year the demo leaves alone) with a voucher, and a
    # listing proposed by 区应急局
    from anying.credit import services as credit_services
    from anying.spending import services as spending_services

    year = w["today"].year - 2
    w["ledger"] = spending_services.save_ledger(None, {"enterprise": w["ent"].pk, "year": year,
                                                       "class_key": "hazmat", "base": 10_000_000})
    w["spending_entry"] = spending_services.add_entry(None, w["ledger"].pk, {
        "kind": "set_aside", "on": dt.date(year, 6, 1), "amount": "100", "description": "走查"}, files=[upload()])
    w["spending_voucher"] = attachments.attachments_of(w["spending_entry"]).first()
    w["listing"] = credit_services.propose(None, {
        "enterprise": w["ent"].pk, "ground": "no_licence", "reason": "走查", "legal_basis": "走查",
        "decision_unit": Organisation.objects.get(name="区应急局")})
    # the enterprise's training archive (the training demo trains qiye's enterprise) and, though
    # it is no mine, a meeting of its actual controller with the minutes' scan
    from anying.onsite import services as onsite_services
    from anying.registry.models import KeyPerson
    from anying.training.models import Session as TrainingSession
    from anying.training.models import Trainee

    w["training_session"] = TrainingSession.objects.filter(enterprise=ent).first()
    w["trainee"] = Trainee.objects.filter(enterprise=ent).first()
    KeyPerson.objects.create(enterprise=ent, kind=KeyPerson.Kind.ACTUAL_CONTROLLER, name="走查实控人")
    w["onsite_meeting"] = onsite_services.save_meeting(None, ent, {
        "held_on": w["today"], "topics": "走查", "attendees": "走查", "minutes": "走查会议纪要，议定事项一项。"},
        files=[upload()])
    w["onsite_scan"] = attachments.attachments_of(w["onsite_meeting"]).first()
    missing = [k for k, v in w.items() if v is None]
    assert not missing, f"the demo no longer has these records for the walk: {missing}"
    return w


def build_roles(w) -> dict[str, User]:
    city = w["town"].parent.parent
    other = save_region(None, Region(name="大足区", level=Region.Level.DISTRICT, parent=city))
    office = save_organisation(None, Organisation(name="大足区安委办", kind=Organisation.Kind.COMMITTEE_OFFICE,
                                                  region=other))
    roles = {"other_district": create_user(None, username="dazu", password=PASSWORD, role=Role.DISTRICT_ADMIN,
                                           unit=office),
             "department": User.objects.get(username="jingxin"),
             "other_town": User.objects.get(username="hufeng")}
    from anying.registry.models import Enterprise

    neighbour = Enterprise.objects.filter(region=w["town"]).exclude(pk=w["ent"].pk).first()
    roles["other_company"] = create_user(None, username="linju", password=PASSWORD, role=Role.ENTERPRISE_USER,
                                         unit=Organisation.objects.get(pk=neighbour.organisation_id))
    User.objects.filter(username="qiye").update(is_active=False)
    roles["inactive_user"] = User.objects.get(username="qiye")
    Organisation.objects.filter(pk=w["town_unit"].pk).update(is_active=False)
    roles["inactive_unit"] = User.objects.get(username="jiuxian")
    return roles


def fingerprint() -> dict:
    """Row counts, highest ids, latest auto-updated times and version sums of every model."""
    skip = {"sessions", "contenttypes"}
    out = {}
    for model in apps.get_models():
        if model._meta.app_label in skip or model in (ApiToken,) or model._meta.model_name in ("ratelimithit",
                                                                                            "loginfailure"):
            continue
        aggregates = {"n": Count("pk"), "max": Max("pk")}
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False):
                aggregates[f"max_{f.name}"] = Max(f.name)
            elif f.name == "version":
                aggregates["version"] = Sum("version")
        out[model._meta.label] = model._base_manager.aggregate(**aggregates)
    return out


def snapshot(w) -> dict:
    """Every field of the foreign records themselves."""
    return {k: model_to_dict(v) for k, v in w.items() if hasattr(v, "_meta")}


# ---- the walk ------------------------------------------------------------------------------------

def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> Client:
    _, secret = create_token(None, user, "walk")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def missing_kwargs(kwargs: dict) -> dict:
    return {k: MISSING if isinstance(v, int) else v for k, v in kwargs.items()}


def refused(status: int, baseline: int, reading: bool) -> bool:
    """A foreign record answers 404 (a write may answer 403). A gate in front of the lookup —
    405 for a method the route does not take, 403 for a permission, 401 for a refused token — is
    fine when a missing record gets the very same answer: then nothing about the record leaks."""
    if status == 404 or (not reading and status == 403):
        return True
    return status == baseline and status in {401, 403, 405}


def walk_pages(w, pages: dict[str, Client], problems: list[str]) -> int:
    resolver_names = id_patterns()
    requests = 0
    for role, client in pages.items():
        for name in resolver_names:
            if name in PUBLIC or role in VISIBLE_BY_RULE.get(name, {}):
                continue
            kwargs = ROUTES[name](w)
            url, absent = reverse(name, kwargs=kwargs), reverse(name, kwargs=missing_kwargs(kwargs))
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                baseline = getattr(client, method)(absent).status_code
                requests += 2
                if not refused(response.status_code, baseline, method == "get"):
                    problems.append(f"{role} {method.upper()} {url} ({name}) → {response.status_code}")
    return requests


def fill(path: str, kwargs: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)


def api_request(client, method, path, body):
    if body == "FILE":
        return client.post(path, {"file": upload()})
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


def walk_api(w, apis: dict[str, Client], problems: list[str]) -> int:
    requests = 0
    for role, client in apis.items():
        for path, methods in api_paths().items():
            if path in API_PUBLIC or role in VISIBLE_BY_RULE.get(path, {}):
                continue
            kwargs_of, bodies = API_ROUTES[path]
            kwargs = kwargs_of(w)
            url, absent = fill(path, kwargs), fill(path, missing_kwargs(kwargs))
            for method in methods:
                response = api_request(client, method, url, bodies.get(method))
                baseline = api_request(client, method, absent, bodies.get(method)).status_code
                requests += 2
                if not refused(response.status_code, baseline, method == "get"):
                    problems.append(f"{role} API {method.upper()} {url} → {response.status_code} "
                                    f"{response.content[:120].decode(errors='replace')}")
    return requests


def check_visible_by_rule(w, pages: dict[str, Client], apis: dict[str, Client], problems: list[str]) -> None:
    """Where a role sees a unit's record by the rule, the foreign enterprise is still not named."""
    for name, reasons in VISIBLE_BY_RULE.items():
        for role in reasons:
            client = apis[role] if name.startswith("/") else pages[role]
            if name.startswith("/"):
                url = fill(name, API_ROUTES[name][0](w))
            else:
                url = reverse(name, kwargs=ROUTES[name](w))
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code == 200 and w["ent"].name in body.decode(errors="replace"):
                problems.append(f"{role} GET {url} names {w['ent'].name}, outside its industries")


@pytest.mark.django_db
def test_scope_walk(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.AllowAllUsersModelBackend"]
    w = build_world()
    roles = build_roles(w)
    pages = {role: page_client(user) for role, user in roles.items()}
    apis = {role: api_client(user) for role, user in roles.items()}
    before, records, audit_count = fingerprint(), snapshot(w), AuditEvent.objects.count()
    problems: list[str] = []
    requests = walk_pages(w, pages, problems) + walk_api(w, apis, problems)
    walked_audit, last_event = AuditEvent.objects.count(), AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    check_visible_by_rule(w, pages, apis, problems)
    assert not problems, f"{len(problems)} of {requests} requests reached a foreign record:\n" + "\n".join(problems)
    assert walked_audit == audit_count
    # reading what the rule lets a role see leaves nothing but the audit of an export (every export is audited)
    assert not AuditEvent.objects.filter(pk__gt=last_event).exclude(action=AuditEvent.Action.EXPORT).exists()
    assert snapshot(w) == records
    after = fingerprint()
    for trail in (before, after):  # the audit trail is checked above: the walk adds nothing, the visible reads exports only
        trail.pop("core.AuditEvent")
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"the walk changed data: {changed}"
