"""The fixed texts of the built-in templates, in Ukrainian and English: a template writes ``{{ t("doc.…") }}`` and
the text comes in the document's language. An organisation's own template may use these or its own words."""
from __future__ import annotations

from .. import i18n

i18n.add({
    # shared
    "doc.case_number": {"uk": "Випадок №", "en": "Case no."},
    "doc.programme": {"uk": "Програма", "en": "Programme"},
    "doc.opened_on": {"uk": "Дата відкриття випадку", "en": "Case opened on"},
    "doc.worker": {"uk": "Фахівець, що веде випадок", "en": "Case worker"},
    "doc.made_on": {"uk": "Документ сформовано", "en": "Document made on"},
    "doc.version": {"uk": "редакція", "en": "version"},
    "doc.name": {"uk": "Прізвище, імʼя, по батькові", "en": "Full name"},
    "doc.birth_date": {"uk": "Дата народження", "en": "Date of birth"},
    "doc.age": {"uk": "Вік", "en": "Age"},
    "doc.relation": {"uk": "Родинний звʼязок", "en": "Relation"},
    "doc.domain": {"uk": "Сфера", "en": "Domain"},
    "doc.rating": {"uk": "Оцінка", "en": "Rating"},
    "doc.notes": {"uk": "Примітки фахівця", "en": "Practitioner's notes"},
    "doc.signature": {"uk": "(підпис)", "en": "(signature)"},
    "doc.date_line": {"uk": "Дата", "en": "Date"},
    "doc.sign.worker": {"uk": "Фахівець", "en": "Practitioner"},
    "doc.sign.family": {"uk": "Представник сімʼї / особа", "en": "For the family / the person"},
    "doc.sign.head": {"uk": "Керівник центру", "en": "Head of the centre"},
    "doc.sign.client": {"uk": "Отримувач послуг", "en": "Client"},
    "doc.sign.parent": {"uk": "Один із батьків / законний представник", "en": "Parent / legal representative"},
    "doc.sign.person": {"uk": "Особа, що дає згоду", "en": "The person giving consent"},
    # the act of needs assessment, in the order of the Ministry's form (see the README's "Documents")
    "doc.act.title": {"uk": "АКТ оцінки потреб сімʼї/особи", "en": "ACT of needs assessment of the family/person"},
    "doc.act.assessed_on": {"uk": "Дата оцінювання", "en": "Date of assessment"},
    "doc.act.s1": {"uk": "1. Загальна інформація про членів сімʼї/особу", "en": "1. General information on the family members/the person"},
    "doc.act.visit_date": {"uk": "Дата візиту", "en": "Date of visit"},
    "doc.act.household_size": {"uk": "Кількість членів домогосподарства", "en": "People in the household"},
    "doc.act.income": {"uk": "Середньомісячний дохід на одну особу, грн", "en": "Average monthly income per person, UAH"},
    "doc.act.income_sources": {"uk": "Джерела доходу", "en": "Sources of income"},
    "doc.act.s2": {"uk": "2. Стан і потреби дитини", "en": "2. The child's state and needs"},
    "doc.act.urgent": {"uk": "Загроза життю або здоровʼю дитини чи іншого члена сімʼї",
                       "en": "Threat to the life or health of a child or another family member"},
    "doc.act.urgent_details": {"uk": "Загроза та вжиті заходи", "en": "The threat and the action taken"},
    "doc.act.child": {"uk": "Дитина", "en": "Child"},
    "doc.act.no_children": {"uk": "Дітей в оцінюванні не зазначено.", "en": "No child is entered in the assessment."},
    "doc.act.s5": {"uk": "5. Висновок оцінювання", "en": "5. Conclusion of the assessment"},
    "doc.act.duration": {"uk": "Тривалість існування труднощів", "en": "How long the difficulties have lasted"},
    "doc.act.awareness": {"uk": "Усвідомлення сімʼєю труднощів", "en": "The family's awareness of its difficulties"},
    "doc.act.readiness": {"uk": "Готовність до співпраці", "en": "Readiness to cooperate"},
    "doc.act.in_difficult": {"uk": "Сімʼя/особа перебуває у складних життєвих обставинах",
                             "en": "The family/person is in difficult life circumstances"},
    "doc.act.complexity": {"uk": "Випадок", "en": "The case is"},
    "doc.act.conclusion": {"uk": "Висновок фахівця", "en": "Practitioner's conclusion"},
    "doc.act.services": {"uk": "Рекомендовані послуги", "en": "Recommended services"},
    "doc.act.assessed_by": {"uk": "Оцінювання провів (провела)", "en": "Assessed by"},
    "doc.act.corrected": {"uk": "Виправлення", "en": "Correction"},
    # the individual plan
    "doc.plan.title": {"uk": "Індивідуальний план надання соціальних послуг",
                       "en": "Individual plan of social services"},
    "doc.plan.goal": {"uk": "Мета", "en": "Goal"},
    "doc.plan.wish": {"uk": "Бажання (словами клієнта)", "en": "Wish (in the client's words)"},
    "doc.plan.set_on": {"uk": "Встановлено", "en": "Set on"},
    "doc.plan.target": {"uk": "Досягти до", "en": "Target date"},
    "doc.plan.status": {"uk": "Стан", "en": "Status"},
    "doc.plan.levels": {"uk": "Рівні досягнення (GAS)", "en": "Attainment levels (GAS)"},
    "doc.plan.level": {"uk": "Рівень", "en": "Level"},
    "doc.plan.actions": {"uk": "Дії", "en": "Actions"},
    "doc.plan.what": {"uk": "Що зробити", "en": "What"},
    "doc.plan.who": {"uk": "Хто", "en": "Who"},
    "doc.plan.due": {"uk": "До якого числа", "en": "By when"},
    "doc.plan.done": {"uk": "Виконано", "en": "Done"},
    "doc.plan.reviews": {"uk": "Перегляди", "en": "Reviews"},
    "doc.plan.next_review": {"uk": "Наступний перегляд — до", "en": "Next review due by"},
    "doc.plan.no_goals": {"uk": "Цілей ще не встановлено.", "en": "No goal has been set yet."},
    "doc.plan.signed_off": {"uk": "Затверджено супервізором", "en": "Signed off by the supervisor"},
    # consent
    "doc.consent.title": {"uk": "Згода на обробку персональних даних", "en": "Consent to the processing of personal data"},
    "doc.consent.i": {"uk": "Я, {name}, даю згоду центру «{organisation}» на обробку моїх персональних даних "
                            "(а також даних моїх дітей, які отримують послуги разом зі мною).",
                      "en": "I, {name}, consent to \"{organisation}\" processing my personal data (and the data of my "
                            "children who receive services with me)."},
    "doc.consent.i_for": {"uk": "Я, {representative}, даю згоду центру «{organisation}» на обробку персональних даних "
                                "особи, яку представляю: {name}.",
                          "en": "I, {representative}, consent to \"{organisation}\" processing the personal data of the "
                                "person I represent: {name}."},
    "doc.sign.representative": {"uk": "Законний представник, що дає згоду", "en": "The legal representative giving consent"},
    "doc.consent.what": {"uk": "Що обробляється: прізвище, імʼя, по батькові, дата народження, контакти, склад сімʼї, "
                               "результати оцінювання потреб, план і надані послуги.",
                         "en": "What is processed: full name, date of birth, contacts, the household, the results of the "
                               "needs assessment, the plan and the services given."},
    "doc.consent.purpose": {"uk": "Мета", "en": "Purpose"},
    "doc.consent.how_long": {"uk": "Строк: на час надання соціальних послуг і зберігання справи згідно із законом, або "
                                   "доки згоду не відкликано.",
                             "en": "For how long: while social services are given and the file is kept as the law "
                                   "requires, or until the consent is withdrawn."},
    "doc.consent.withdraw": {"uk": "Як відкликати: письмовою заявою до центру або усно фахівцеві, який це записує; "
                                   "після відкликання дані не використовуються для звітів і досліджень.",
                             "en": "How to withdraw: by a written statement to the centre, or by telling the "
                                   "practitioner, who records it; once withdrawn, the data are left out of reports "
                                   "and research."},
    "doc.consent.given_on": {"uk": "Згоду надано", "en": "Consent given on"},
    "doc.consent.given_by": {"uk": "Згоду надав(ла)", "en": "Consent given by"},
    # referral
    "doc.referral.title": {"uk": "Направлення", "en": "Referral letter"},
    "doc.referral.to": {"uk": "Кому", "en": "To"},
    "doc.referral.text": {"uk": "Просимо надати послуги сімʼї/особі, зазначеній нижче, яку супроводжує наш центр.",
                          "en": "We ask you to provide services to the family/person named below, whom our centre "
                                "accompanies."},
    "doc.referral.date": {"uk": "Дата направлення", "en": "Date of referral"},
    "doc.referral.reason": {"uk": "Причина та що потрібно", "en": "Why, and what is needed"},
    "doc.referral.contact": {"uk": "Контактна особа центру", "en": "Contact at the centre"},
    # closure
    "doc.closure.title": {"uk": "Висновок про закриття випадку", "en": "Closure of the case"},
    "doc.closure.closed_on": {"uk": "Дата закриття", "en": "Closed on"},
    "doc.closure.reason": {"uk": "Причина закриття", "en": "Reason for closure"},
    "doc.closure.results": {"uk": "Результати", "en": "Results"},
    "doc.closure.achieved": {"uk": "Цілей досягнуто", "en": "Goals achieved"},
    "doc.closure.abandoned": {"uk": "Цілей скасовано", "en": "Goals abandoned"},
    "doc.closure.t_score": {"uk": "Підсумковий T-бал GAS (цілей переглянуто: {goals})",
                            "en": "Final GAS T-score (goals reviewed: {goals})"},
    "doc.closure.last_level": {"uk": "Останній рівень", "en": "Last level"},
    "doc.closure.closed_by": {"uk": "Закрив (закрила)", "en": "Closed by"},
    # the CARe personal profile
    "doc.care.title": {"uk": "Особистий профіль (CARe)", "en": "Personal profile (CARe)"},
    "doc.care.meeting_date": {"uk": "Дата зустрічі", "en": "Date of the meeting"},
    "doc.care.filled_with": {"uk": "Як заповнено", "en": "How it was filled in"},
    "doc.care.quality": {"uk": "Якість життя за сферами (оцінка самої людини)",
                         "en": "Quality of life by domain (the person's own rating)"},
    "doc.care.strengths": {"uk": "Сильні сторони", "en": "Strengths"},
    "doc.care.personal": {"uk": "Що вдається", "en": "Good at"},
    "doc.care.supports": {"uk": "На кого й на що може спертися", "en": "Can count on"},
    "doc.care.achievements": {"uk": "Чим пишається", "en": "Proud of"},
    "doc.care.areas": {"uk": "Сфери сильних сторін", "en": "Areas of strength"},
    "doc.care.wishes": {"uk": "Бажання (словами людини)", "en": "Wishes (in the person's words)"},
    "doc.care.first": {"uk": "почати з цього", "en": "start with this one"},
    "doc.care.next_step": {"uk": "Наступний крок", "en": "Next step"},
})
