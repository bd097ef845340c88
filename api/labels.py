"""The words the pages show for stored values: a status, a kind, an action, a role, a figure,
a domain error's code. Each text is a gettext call, so `pybabel extract` finds it."""

from functools import lru_cache

from api.i18n import translations


@lru_cache
def labels(lang: str) -> dict[str, dict[str, str]]:
    """group → stored value → its words in `lang`."""
    tr = translations(lang)
    _, pgettext = tr.gettext, tr.pgettext
    return {
        "status": {
            "received": pgettext("status", "Received"),
            "accepted": _("Accepted"),
            "on_hold": _("Waiting for documents"),
            "resolved": _("Resolved"),
            "closed": pgettext("status", "Closed"),
            "declined": _("Declined"),
            "withdrawn": _("Withdrawn"),
        },
        "kind": {
            "complaint": _("Complaint"),
            "denunciation": _("Denunciation"),
            "petition": _("Petition"),
            "dossier": _("Administrative dossier"),
        },
        "channel": {
            "in_person": _("In person"),
            "hotline": _("Hotline"),
            "email": pgettext("channel", "Email"),
            "online": _("Online portal"),
            "inspection": _("Inspection"),
        },
        "action": {
            "attachment_added": pgettext("action", "File attached"),
            "attachment_read": pgettext("action", "Denunciation file read"),
            "import": pgettext("action", "Imported from the register"),
            "identity_shown": pgettext("action", "Denouncer's identity shown"),
            "declare_complex": pgettext("action", "Declare the case complex (longer limit)"),
            "suspend": pgettext("action", "Suspend the denunciation"),
            "resume": pgettext("action", "Resume the denunciation"),
            "second_complaint": pgettext("action", "Second complaint filed"),
            "receive": pgettext("action", "Received"),
            "accept": _("Accept"),
            "decline": _("Decline"),
            "transfer": _("Transfer"),
            "assign": _("Assign"),
            "request_documents": _("Request documents"),
            "documents_received": _("Documents received"),
            "extend": _("Extend"),
            "reset_date": _("New return date (apology)"),
            "resolve": _("Resolve"),
            "close": _("Close"),
            "reopen": _("Reopen"),
            "withdraw": _("Withdrawn by the citizen"),
            "conclude": _("Inspection conclusion"),
            "reorganise": _("Agency reorganised"),
            "reminder": _("Deadline reminder"),
            "escalation": _("Escalated to a higher level"),
            "escalation_acknowledged": _("Escalation acknowledged"),
            "flagged_for_inspection": _("Flagged for inspection"),
        },
        "field": {
            "grounds": pgettext("form field", "Grounds (Denunciation Law Art. 36)"),
            "decision": pgettext("form field", "Decision"),
            "written_request": pgettext("form field", "The written withdrawal"),
            "note": _("Note"),
            "reason": _("Reason"),
            "agency_id": _("Receiving agency"),
            "assignee_id": pgettext("form field", "Officer"),
            "missing": _("Missing documents"),
            "complexity": _("Complexity"),
            "new_due_date": _("New return date"),
            "answer": _("Answer"),
            "do": _("Do it"),
        },
        "complexity": {
            "normal": _("Normal"),
            "complex": _("Complex"),
            "especially_complex": _("Especially complex"),
        },
        "role": {
            "clerk": _("Reception clerk"),
            "officer": pgettext("role", "Officer"),
            "head": _("Agency head"),
            "inspector": _("Inspector"),
            "admin": _("Administrator"),
        },
        "home": {
            "clerk": _("Log petitions and hand the citizen a receipt with a tracking code."),
            "officer": _("Work the agency's cases: accept them and resolve them on time."),
            "head": _(
                "Watch the overdue, soon-due and long-pending cases of your agency and those below."
            ),
            "inspector": _("Read the figures and prepare the inspection meetings."),
            "admin": _("Agencies, users, mail folder."),
        },
        "fig": {
            "received": pgettext("figure", "Received"),
            "resolved": _("Resolved"),
            "resolved_on_time": _("Resolved on time"),
            "on_time_rate": _("On-time rate"),
            "overdue_now": _("Overdue now"),
            "open_now": _("Open now"),
            "transfers": pgettext("figure", "Transfers"),
            "ping_pong_open": pgettext("figure", "Cases bounced between agencies"),
            "escalations": _("Escalation steps"),
            "escalated_open": _("Open cases escalated"),
            "inspections": pgettext("figure", "Inspections"),
        },
        "age": {
            "under_1_month": _("Under 1 month"),
            "1_3_months": _("1–3 months"),
            "3_12_months": _("3–12 months"),
            "1_3_years": _("1–3 years"),
            "over_3_years": _("Over 3 years"),
        },
        "note": {
            "inspections_not_recorded": _(
                "Inspections and measures are not recorded yet: counted as zero."
            ),
        },
        "insp.kind": {
            "planned": _("Planned inspection"),
            "surprise": _("Surprise inspection"),
            "self_inspection": _("Self-inspection"),
        },
        "insp.done": {
            "planned": _("The inspection is planned."),
            "closed": _("Recorded: case %(code)s is closed."),
            "directive": _("Recorded: a directive for case %(code)s."),
            "measure": _("The measure is recorded."),
            "measure_done": _("The measure is marked carried out."),
        },
        "insp.concluded": {
            "closed": _("Concluded: closed"),
            "directive": _("Concluded: directive"),
        },
        "insp.outcome": {
            "closed": _("Close the case"),
            "directive": _("Directive with a new deadline"),
        },
        "insp.state": {
            "done": _("Done"),
            "pending": _("Pending"),
            "overdue": _("Overdue"),
        },
        "measure": {
            "reminder": _("Reminder"),
            "explanation_report": _("Explanation report"),
            "responsibility_review": _("Responsibility review"),
            "discipline": _("Discipline"),
        },
        "nav": {
            "intake": pgettext("menu", "Log a petition"),
            "lookup": pgettext("menu", "Look up a case"),
            "mail": _("Mail folder"),
            "queue": _("Case queue"),
            "dashboard": _("Dashboard"),
            "reports": _("Reports"),
            "inspections": pgettext("menu", "Inspections"),
            "users": pgettext("menu", "Users"),
        },
        "error": {
            "insp.head_self_only": _("A head plans only self-inspections of their own agency."),
            "insp.member_outside_jurisdiction": _(
                "Team members must work inside your jurisdiction."
            ),
            "insp.no_jurisdiction": _("You have no jurisdiction to plan in."),
            "insp.outside_jurisdiction": _("This agency lies outside your jurisdiction."),
            "password.weak": _(
                "The password is too weak: 10 characters or more, not a common password."
            ),
            "reorg.below": _("The successor or new parent cannot lie below the dissolved agency."),
            "reorg.dissolved": _("This agency was already dissolved."),
            "reorg.future": _("A dissolution is recorded on or after the day it takes effect."),
            "reorg.not_open": _("The chosen agency does not exist or was dissolved."),
            "case.assignee_invalid": _(
                "The assignee must be an active officer or head of the case's agency."
            ),
            "case.no_extension_left": _("No extension is left for this case under its rule."),
            "case.reset_once": _("The return date may be reset only once."),
            "case.reset_not_later": _("The new return date must be later than the current one."),
            "case.reset_not_working_day": _("The new return date must be a working day."),
            "case.already_closed": _("The case is already closed."),
            "case.agency_gone": _("The receiving agency does not exist or was dissolved."),
            "case.same_agency": _("The case is already at that agency."),
            "case.fields_invalid": _("Some fields are missing or invalid."),
            "case.not_applicable": _("This action does not apply to the case as it is now."),
            "case.not_allowed": _("You may not do this on this case."),
            "intake.not_allowed": _("Your role does not register cases."),
            "intake.no_agency": _("The agency does not exist or was dissolved."),
            "intake.other_agency": _("You may register cases only for your own agency."),
            "insp.no_agency": _("No such agency."),
            "insp.member_twice": _("A member is listed twice."),
            "insp.leader_not_member": _("The leader must be a member of the team."),
            "insp.member_inactive": _("A member is not an active user."),
            "insp.not_member": _(
                "Only members of the inspection team record conclusions and measures."
            ),
            "insp.no_case": _("No such case."),
            "insp.case_out_of_scope": _(
                "The case is not one of the inspected agency (it may have just been transferred)."
            ),
            "insp.already_concluded": _("The case was already concluded at this meeting."),
            "insp.responsible_invalid": _(
                "The responsible person must be an active official of an agency."
            ),
            "insp.due_past": _("The deadline must be a future date."),
            "insp.no_target": _("No such unit or official."),
            "insp.target_out_of_scope": _(
                "A measure may only target units and officials of the inspected agency."
            ),
            "insp.measure_done": _("This measure is already marked carried out."),
            # Why an action is not offered (workflows/cases/effects.py) or refused.
            "case.no_documents_pause": _(
                "The law gives this kind of case no pause for missing documents."
            ),
            "case.completion_requests_used": _(
                "The documents may be requested only once, and they were."
            ),
            "case.complexity_decided": _("The complexity of this case was already decided."),
            "case.complexity_too_late": _(
                "The complexity is decided before the deadline it lengthens."
            ),
            "case.extension_not_in_policy": _(
                "The policy of this kind of case allows no extension."
            ),
            "case.extension_too_late": _(
                "An extension is decided before the deadline it extends; it has passed."
            ),
            "case.reset_not_in_policy": _("The policy of this kind of case allows no new date."),
            "case.reset_too_late": _(
                "The apology with a new date is sent at the latest one day before the "
                "deadline; the dossier is now late."
            ),
            "escalation.not_head": _(
                "Only the head of the case's agency or of an agency above it acknowledges."
            ),
            "escalation.not_running": _("The case is not running: nothing to acknowledge."),
            "escalation.not_escalated": _("The case was not escalated: nothing to acknowledge."),
            "escalation.already_acknowledged": _("This escalation is already acknowledged."),
        },
    }


def label(lang: str, group: str, value: object, **values) -> str:
    """The words for `value` in `group`; the value itself when it has none (a test checks
    that every member of the enums shown on pages has words)."""
    key = getattr(value, "value", value)
    text = labels(lang).get(group, {}).get(str(key))
    if text is None:
        return str(key)
    return text % values if values else text
