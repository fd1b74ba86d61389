"""§ 25a AufenthG: what the workflow file cannot say as data.

- Family members under Abs. 2: the parents (and through them the minor siblings) only while the young person is a
  minor, which depends on the day; one item per minor child of the young person. The spouse is a plain ``when``
  item in the workflow file.
- The ancillary request in the letter for the spouse (Abs. 2 S. 3) and the minor children (Abs. 2 S. 5), which are
  "soll" rules. The parents' permit (Abs. 2 S. 1, "kann", own livelihood by work) is a separate application and
  is only named in the checklist.
"""
from __future__ import annotations

from perspektive.law import birthday, de, family_request, hookimpl

WORKFLOW = "section_25a"
FAMILY_BAR = "ausgeschlossen bei Verurteilungen über 50/90 Tagessätze, § 25a Abs. 3 AufenthG"


@hookimpl
def checklist_items(workflow, facts, assessment):
    if workflow.id != WORKFLOW:
        return []
    on = assessment.assessed_on
    items = []
    born = facts.person.date_of_birth
    if facts.household.lives_with_parents and born is not None and on < birthday(born, 18):
        items.append({
            "id": "parents",
            "text": {"de": "Für die Eltern (eigener Antrag): Arbeitsverträge und Lohnabrechnungen, Mietvertrag, "
                           "Krankenversicherung, Pässe oder Nachweise der Passbeschaffung; Geburtsurkunden der "
                           "minderjährigen Geschwister",
                     "en": "For the parents (separate application): employment contracts and pay slips, rent contract, "
                           "health insurance, passports or proof of efforts to obtain them; birth certificates of the "
                           "minor siblings"},
            "why": "für § 25a Abs. 2 S. 1 und 2 AufenthG: Aufenthaltserlaubnis für die Eltern und minderjährigen "
                   "Geschwister eines minderjährigen Begünstigten („kann“; Lebensunterhalt durch Erwerbstätigkeit, "
                   f"keine Täuschung oder verweigerte Mitwirkung; {FAMILY_BAR}; bis dahin § 60a Abs. 2b AufenthG)",
        })
    for child in facts.household.minor_children or ():
        if child.date_of_birth <= on < birthday(child.date_of_birth, 18):
            day = de(child.date_of_birth)
            items.append({
                "id": f"child_{child.date_of_birth.isoformat()}",
                "text": {"de": f"Geburtsurkunde und Duldung oder Pass des Kindes, geboren am {day}",
                         "en": f"Birth certificate and Duldung or passport of the child born on {day}"},
                "why": "für § 25a Abs. 2 S. 5 AufenthG: Aufenthaltserlaubnis für das minderjährige ledige Kind "
                       f"(„soll“; {FAMILY_BAR})",
            })
    return items


@hookimpl
def letter_context(workflow, facts, assessment, letter):
    if workflow.id != WORKFLOW or letter != "antrag":
        return {}
    return {"family_request": family_request(facts, "§ 25a Abs. 2 S. 3 AufenthG", "§ 25a Abs. 2 S. 5 AufenthG")}
