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
            "mail_added": pgettext("action", "Message from the mailbox added"),
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
            "notification_sent": _("Email sent"),
            "notification_failed": _("Email could not be sent"),
        },
        # The letters of notifications/templates, as the timeline names them.
        "mail": {
            "officer_reminder": _("Deadline reminder to the officer"),
            "head_escalation": _("Urging letter to the agency head"),
            "parent_escalation": _("Urging letter to the parent agency"),
            "daily_digest": _("Daily digest"),
            "citizen_receipt": _("Receipt to the citizen"),
            "citizen_accepted": _("Acceptance notice to the citizen"),
            "citizen_declined": _("Refusal notice to the citizen"),
            "citizen_apology": _("Apology with a new return date to the citizen"),
            "citizen_answer": _("Answer to the citizen"),
            "citizen_notice": _("Notice to the citizen"),
            "ping_pong": _("Warning: case bounced between agencies"),
        },
        # The notices the law requires the citizen be given (models/notice.py).
        "notice": {
            "acceptance": _("Notice of acceptance"),
            "denunciation_accepted": _("Notice: denunciation accepted"),
            "completion_request": _("Request to complete the dossier"),
            "transfer": _("Notice of transfer"),
            "extension": _("Notice of extension"),
        },
        "notice.channel": {
            "email": pgettext("notice", "Email"),
            "print": _("Printed, handed over or posted"),
        },
        "dash": {
            "dash.on_time_month": _("On-time rate this month"),
            "dash.on_time_year": _("On-time rate this year"),
        },
        "mail_state": {
            "pending": pgettext("mail", "waiting to be sent"),
            "sending": pgettext("mail", "being sent"),
            "sent": pgettext("mail", "sent"),
            "failed": pgettext("mail", "not sent"),
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
            "mailboxes": _("Feedback mailboxes"),
        },
        "mailbox.security": {
            "ssl": _("SSL/TLS (port 993)"),
            "starttls": _("STARTTLS (port 143)"),
            "none": _("None: plain text (a local server only)"),
        },
        "inbox": {
            "new": pgettext("inbox", "Waiting"),
            "case": pgettext("inbox", "Became a case"),
            "added": pgettext("inbox", "Added to a case"),
            "discarded": pgettext("inbox", "Discarded"),
        },
        "error": {
            "mailbox.none": _("This agency has no mailbox (any more)."),
            "mailbox.no_agency": _("No such agency."),
            "mailbox.agency_dissolved": _("This agency was dissolved: it gets no mailbox."),
            "mailbox.password_needed": _("A new mailbox needs its password."),
            "inbox.handled": _("Someone else handled this message meanwhile."),
            "inbox.no_case": _("No case with this tracking code in your scope."),
            "inbox.reason": _("Give the reason for discarding the message."),
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
            "intake.form_token": _("This form is out of date. Open the intake form again."),
            "intake.form_taken": _("This form was submitted by someone else. Open it again."),
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
                "The citizen was already asked to complete the documents as often as the law "
                "allows."
            ),
            "case.complexity_decided": _("The complexity of this case was already decided."),
            "case.complexity_too_late": _(
                "The complexity must be decided before the resolution deadline."
            ),
            "case.extension_too_late": _(
                "An extension must be decided before the resolution deadline."
            ),
            "case.reset_too_late": _(
                "The apology with a new return date (form 04) is sent at the latest one day "
                "before the return date; this dossier is already late."
            ),
            "case.withdrawal_incomplete": _(
                "Withdrawing a denunciation needs the denouncer's written request and the "
                "decision to stop or continue (Denunciation Law 2018 Art. 33)."
            ),
            "case.unknown_action": _("This action does not exist."),
            "notice.not_found": _("No such notice."),
            "notice.already_sent": _("This notice was already handed over."),
            "intake.instance_complaints": _(
                "The instance and the first complaint apply to complaints only."
            ),
            "intake.first_case_needed": _(
                "A second complaint needs the case number of the first complaint."
            ),
            "intake.first_case_unused": _(
                "The first complaint's case number is given only for a second complaint."
            ),
            "intake.first_case_unknown": _(
                "No first complaint with this case number within your agencies."
            ),
            "intake.key_invalid": _("The form was damaged; open it again."),
            "intake.key_reused": _(
                "This form was already sent with other contents; open a new form."
            ),
            "intake.procedure_dossiers": _("A procedure is chosen for dossiers only."),
            "citizens.not_allowed": _("The citizen's history is for the desk staff."),
            "citizens.phone_short": _("A phone number has at least 6 digits."),
            "citizens.id_invalid": _(
                "Not a valid CCCD number: 12 digits, beginning with a province code."
            ),
            "citizens.nothing_given": _("Give the citizen's phone number or CCCD number."),
            "user.agency_needed": _("This role must belong to an agency."),
            "user.no_agency": _("The agency does not exist."),
            "user.username_taken": _("This username is taken."),
            "user.field_empty": _("This field cannot be empty."),
            "user.self_change": _(
                "Administrators cannot disable themselves or change their own role."
            ),
            "lookup.not_found": _("No case with this code and these digits."),
            "rating.invalid": _("Please choose a score from 1 to 5."),
            "not_resolved": _("The case is not resolved yet; you can rate it once it is."),
            "already_rated": _("This case was already rated."),
            "import.encoding": _(
                "The file is neither UTF-8 nor Windows-1258 (Vietnamese) text: save it from Excel "
                "as 'CSV UTF-8' or as .xlsx (files typed with TCVN3 or VNI fonts: convert them to "
                "Unicode first, e.g. with Unikey's converter)."
            ),
            "import.columns_missing": _("The header row lacks the columns:"),
            "import.columns_unknown": _("Unknown columns in the header row:"),
            "import.empty": _("The file is empty."),
            "import.not_csv": _("The file is not a readable CSV file."),
            "import.not_xlsx": _("The file is not a readable XLSX workbook."),
            "upload.unsupported": _(
                "The file is not one of the allowed types (PDF, JPEG, PNG, TIFF, DOCX, XLSX, "
                "ODT): its content was checked, not its name."
            ),
            "upload.too_large": _("The file is too large."),
            "upload.disk_full": _(
                "The server has no room left to store files: nothing was saved. Try again later "
                "and tell the administrator."
            ),
            "upload.no_file": _("Choose one file to upload."),
            "upload.no_kind": _("Choose the kind of the file."),
            "reorg.reroute_not_allowed": _(
                "Only an administrator, or a head into the agencies they head, re-routes a case."
            ),
            "reorg.not_moved": _(
                "Only a case moved by a reorganisation can be re-routed; transfer it instead."
            ),
            "case.extension_not_in_policy": _(
                "The policy of this kind of case allows no extension."
            ),
            "case.reset_not_in_policy": _("The policy of this kind of case allows no new date."),
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
