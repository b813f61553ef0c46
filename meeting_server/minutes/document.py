"""Everything a minutes PDF shows, as plain data: the minutes service fills it in, pdf.py prints it.

Nothing here touches the database. The service gathers what the server knows
(issuer, attendance, documents, closed votes, times) and what the secretary
wrote (discussion and conclusion per agenda item) into one `MinutesDocument`
and hands it to `render_minutes_pdf`. The wording of the printed document
(labels, "đồng chí", the vote rules in Vietnamese) lives in the template and
in the label tables below, not in the service.

A sketch of filling it in:

    MinutesDocument(
        status="draft",
        issuer=Issuer(parent="Đảng bộ phường Phan Đình Phùng", name="Chi bộ Khu phố 3", number="12-BB/CB"),
        locality="Phường Phan Đình Phùng",
        date=date(2026, 11, 27),
        title="hội nghị Chi bộ thường kỳ tháng 11 năm 2026",
        location="Hội trường Đảng ủy phường",
        opened_at=meeting.opened_at, closed_at=meeting.closed_at,   # aware datetimes, any offset
        chair=Person(name="Trần Đức Lương", position="Bí thư Chi bộ"),
        secretary=Person(name="Nguyễn Thị Hằng", position="Phó Bí thư Chi bộ"),
        attendees=[Attendee(name=..., status="present"), Attendee(name=..., status="absent", reason="Đi công tác")],
        items=[AgendaEntry(title=..., documents=[DocumentRef(title=..., pages=5)],
                           discussion=minutes_item.discussion, conclusion=minutes_item.conclusion,
                           votes=[VoteRecord(...)])],
        fingerprint="",   # final minutes: their SHA-256, printed under the signatures
    )

Text is cleaned on the way in: normalised to NFC (some keyboards send
Vietnamese decomposed, which would print and extract differently) and rid of
control characters. One-line fields have their whitespace collapsed; the free
texts keep their line breaks, each non-empty line printing as a paragraph.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

# The API cleans what people type the same way when it arrives (meeting_server/text.py).
from meeting_server.text import CONTROL as _CONTROL
from meeting_server.text import SPACES as _SPACES
from meeting_server.text import one_line as _one_line

VoteRule = Literal["majority_of_members", "majority_of_cast", "two_thirds_of_members"]

# PROTOCOL.md's vote rules as the minutes state them.
RULE_LABELS: dict[str, str] = {
    "majority_of_members": "quá nửa tổng số thành viên có quyền biểu quyết",
    "majority_of_cast": "quá nửa số thành viên tham gia biểu quyết",
    "two_thirds_of_members": "ít nhất hai phần ba tổng số thành viên có quyền biểu quyết",
}

# The default vote options, as the clients show them (i18n vote.option.*).
OPTION_LABELS: dict[str, str] = {"yes": "Đồng ý", "no": "Không đồng ý", "abstain": "Không biểu quyết"}


def option_label(option: str) -> str:
    """The printed label of a vote option: the default ones in Vietnamese, custom ones as given."""
    return OPTION_LABELS.get(option, option)


def _paragraphs(value: str) -> str:
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACES.sub(" ", _CONTROL.sub("", line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _not_blank(value: str) -> str:
    # After cleaning: Field(min_length=1) would count the spaces it strips.
    if not value:
        raise ValueError("must not be blank")
    return value


Line = Annotated[str, AfterValidator(_one_line)]
"""One line of text (a position, a reason), may be empty: NFC, no controls, whitespace collapsed."""

Name = Annotated[str, AfterValidator(_one_line), AfterValidator(_not_blank)]
"""A Line that must say something (a name, a title)."""

Paragraphs = Annotated[str, AfterValidator(_paragraphs)]
"""Free text: NFC, no controls; one paragraph per non-empty line."""


class _Model(BaseModel):
    # A misspelt field from the service should fail loudly, not vanish from the minutes.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Model):
    name: Name = Field(max_length=200)
    # Their office, printed after the name: "Bí thư Chi bộ". May be empty.
    position: Line = Field(default="", max_length=200)


class Issuer(_Model):
    """The issuing body, top left of the first page, printed in capitals."""

    # The body above the issuer ("Đảng bộ phường Phan Đình Phùng"); empty for none.
    parent: Line = Field(default="", max_length=200)
    # The issuer itself, in bold ("Chi bộ Khu phố 3").
    name: Name = Field(max_length=200)
    # The document number without "Số " ("12-BB/CB"); empty prints no number line.
    number: Line = Field(default="", max_length=60)


class Attendee(_Model):
    """One invited person and how they attended."""

    name: Name = Field(max_length=200)
    position: Line = Field(default="", max_length=200)
    # False for a guest: listed as "khách mời", not counted in attendance.
    voting: bool = True
    # The service decides before printing: a participant never checked in is "absent".
    status: Literal["present", "online", "absent"]
    # Why absent ("Đi công tác"); empty counts as "không có lý do".
    reason: Line = Field(default="", max_length=500)
    # A late arrival (after the meeting opened) and an early departure, printed with their times.
    arrived_at: AwareDatetime | None = None
    left_at: AwareDatetime | None = None

    @property
    def attended(self) -> bool:
        return self.status != "absent"


@dataclass(frozen=True)
class AttendanceCounts:
    members: int  # voting participants
    present: int  # of them, in the room or online
    absent: int  # in a meeting of a body: of its whole membership, invited or not
    excused: int  # of the absent, with a reason
    # A meeting of a body: its whole membership, invited or not ("Tổng số ủy viên: 9"). None otherwise.
    body_members: int | None = None


class DocumentRef(_Model):
    """A document discussed under an agenda item."""

    title: Name = Field(max_length=500)
    pages: int | None = Field(default=None, ge=1)


class OptionCount(_Model):
    # As printed: use option_label() for the default options.
    label: Name = Field(max_length=200)
    count: int = Field(ge=0)


# How the minutes call a person's role when they name who did something.
ROLE_TITLES = {
    "chair": "chủ trì",
    "secretary": "thư ký",
    "admin": "quản trị viên",
    "member": "thành viên",
    "archivist": "cán bộ lưu trữ",
}


class Actor(_Model):
    """Who did something the minutes record: "đồng chí Nguyễn Văn A (thư ký)"."""

    name: Name = Field(max_length=200)
    role: str = ""

    @property
    def title(self) -> str:
        role = ROLE_TITLES.get(self.role, "")
        return f"đồng chí {self.name} ({role})" if role else f"đồng chí {self.name}"

    @property
    def named(self) -> str:
        """The same inside parentheses: "đồng chí Nguyễn Văn A, thư ký"."""
        role = ROLE_TITLES.get(self.role, "")
        return f"đồng chí {self.name}, {role}" if role else f"đồng chí {self.name}"


class BallotLine(_Model):
    """One ballot of a named vote as the minutes print it: who, and what they chose."""

    name: Name = Field(max_length=200)
    label: Name = Field(max_length=200)
    # Recorded at the console for a voter without a tablet, by whom; None: the voter's own.
    recorded_by: Actor | None = None


class VoteQuorum(_Model):
    """Who was present when the vote was opened (votes contract: vote.quorum)."""

    required: int = Field(ge=0)
    present: int = Field(ge=0)
    met: bool
    # The vote was opened without quorum, by `overridden_by` (the chair or the secretary who
    # clicked, from the audit log); the minutes say so and name them.
    overridden: bool = False
    overridden_by: Actor | None = None


class VoteRecord(_Model):
    """One closed vote. Give the options in their order: the first one is the one the rule counts."""

    title: Name = Field(max_length=500)
    rule: VoteRule = "majority_of_members"
    secret: bool = False
    eligible: int = Field(ge=0)  # voting participants entitled to vote
    # A meeting of a body: its whole membership, the base of the "of the members" rules.
    members: int | None = Field(default=None, ge=0)
    cast: int = Field(ge=0)  # ballots cast
    results: list[OptionCount] = Field(min_length=1)
    passed: bool
    quorum: VoteQuorum | None = None
    # The voting participants attending when the vote opened: the votes' rules used that attendance.
    attending: int | None = Field(default=None, ge=0)
    # Named votes: each ballot by name. Secret votes: never.
    ballots: list[BallotLine] = Field(default_factory=list)
    # Secret votes: the paper ballots counted at the console, per option (already in `results`).
    paper: list[OptionCount] | None = None
    # Who recorded that count at the console.
    paper_counted_by: Actor | None = None

    @property
    def rule_label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def not_cast(self) -> int:
        return max(self.eligible - self.cast, 0)

    @property
    def approvals(self) -> int:
        return self.results[0].count

    @property
    def base(self) -> int:
        """What the approvals are measured against under the rule."""
        if self.rule == "majority_of_cast":
            return self.cast
        return self.eligible if self.members is None else self.members


class AgendaEntry(_Model):
    title: Name = Field(max_length=500)
    documents: list[DocumentRef] = Field(default_factory=list)
    # The secretary's free text.
    discussion: Paragraphs = Field(default="", max_length=100_000)
    conclusion: Paragraphs = Field(default="", max_length=100_000)
    votes: list[VoteRecord] = Field(default_factory=list)


class MinutesDocument(_Model):
    """One meeting's minutes, ready to print."""

    # A draft carries a "DỰ THẢO" mark on every page; final minutes carry none.
    status: Literal["draft", "final"] = "draft"
    issuer: Issuer
    # The place of the date line, top right: "Phường Phan Đình Phùng".
    locality: Name = Field(max_length=200)
    # The date of the date line (usually the meeting's day).
    date: Date
    # The subject under "BIÊN BẢN", as it should read: "hội nghị Chi bộ thường kỳ tháng 11".
    title: Name = Field(max_length=500)
    # Where the meeting took place.
    location: Line = Field(default="", max_length=500)
    # When the meeting opened and closed; printed as wall-clock time in `timezone`.
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    chair: Person
    secretary: Person
    attendees: list[Attendee] = Field(default_factory=list)
    # A meeting of a body: its whole membership when the meeting opened, invited or not.
    body_members: int | None = Field(default=None, ge=1)
    items: list[AgendaEntry] = Field(default_factory=list)
    # Printed small under the signatures of final minutes: the finalized minutes'
    # SHA-256 (lowercase hex), so the signed paper can be checked against the
    # archive (docs/archive.md). Empty prints nothing.
    fingerprint: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def members(self) -> list[Attendee]:
        return [person for person in self.attendees if person.voting]

    @property
    def guests(self) -> list[Attendee]:
        return [person for person in self.attendees if not person.voting and person.attended]

    @property
    def counts(self) -> AttendanceCounts:
        members = self.members
        absent = [person for person in members if not person.attended]
        present = len(members) - len(absent)
        return AttendanceCounts(
            members=len(members),
            present=present,
            # A body's members who were not invited are absent too, without a reason.
            absent=len(absent) if self.body_members is None else max(self.body_members - present, len(absent)),
            excused=sum(1 for person in absent if person.reason),
            body_members=self.body_members,
        )
