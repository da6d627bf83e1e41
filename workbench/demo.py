"""Synthetic demo data, from a seed, with effects planted on purpose.

Names are assembled from invented stems and endings, so they belong to no real
person. What later analysis should find, because it is planted here:

- ``family_support`` families' needs fall faster than ``idp_support`` families'
  (about −0.35 versus −0.12 points per follow-up on the 0–3 need scale);
- about 15% of families get worse over time;
- about 15% drop out after the baseline or the first follow-up (closed as refused or moved away);
- about 20% of first assessments are late (more than 5 working days after intake);
- about 5% of assessments are corrected (a new version supersedes them);
- about 6% of cases are flagged urgent at intake; about 8% are handed to another worker;
- families that improve over four or more assessments are closed with their goals achieved;
- about 2% of families withdraw their consent later (and leave the analysis);
- young people leaving care (``care_leavers``) fill in a CARe personal profile soon after intake
  (about 20% late) and every ~2 months while the case is open: their quality of life (1–5 per
  life domain, higher is better) rises by about +0.25 per follow-up, about 15% get worse
  (about −0.15 per follow-up) and about 15% drop out after the baseline or the first follow-up;
  their wishes, in their own words, and strengths are in the profile; their cases go through
  the same lifecycle as families' (assessment → plan → accompaniment → reviews → closure);
- every case that reaches planning gets a support plan of 1–3 goals from the client's wishes
  (the profile's wishes for care leavers, a family's own wishes otherwise), each with a life
  domain, a target date 3–6 months on, five GAS level descriptions, a weight for about 25%, and
  1–2 actions (about 75% of those due by a review are done); the supervisor signs off about
  85% of plans and, separately, about 85% of first assessments;
- goals are reviewed on the follow-up dates; the GAS level starts around −1.2 and drifts up by
  about +1.0 per review in ``care_leavers`` (the CARe method), +0.6 in ``family_support`` and
  +0.3 in ``idp_support`` (noise added, rounded, clipped to −2…+2), so care leavers' goals reach
  the expected outcome (level ≥ 0) more often and sooner (with seed 2026: 80% of reviewed goals
  at ≥ 0 at their latest review and a median 62 days to the first review at ≥ 0, against 69%
  and 67 days in family support and 50% and 105 days in IDP support); clients who get worse
  have goals that do not move (about −0.1 per review); a goal reviewed at ≥ +1 is closed as
  achieved half the time, an open goal is abandoned with a reason at 3.5% of reviews (about
  5–9% of goals overall), and when a case closes with its goals achieved its open goals last
  reviewed at ≥ 0 are closed as achieved (a dropout's goals stay open in the closed case).

- about 70% of families and 80% of young people leaving care also consent to the use of their
  pseudonymised data for research (only they are in the research export);
- the first assessment of a case is a needs assessment and later ones reviews; in a quarter of IDP
  families the first follow-up is done to determine a child's status as affected by war;
- about 97% of acts of needs assessment are entered into ЄІССС (half on the act's day, most of the rest the next
  working day, ~7% a few days late); the others are left not entered, so the lists show a few overdue (the
  entries come from a stream of their own, after everything else);
- every case in social accompaniment receives the social-accompaniment service: on the day it starts, every
  3–5 weeks and on the day it closes (a stream of its own, recorded last), so the period report finds no
  case in accompaniment without one;
- two years of the events log (group sessions, awareness campaigns, trainings, humanitarian aid
  distributions, mobile team trips; about a quarter more in the last year; ~3% corrected), and
  about a third of IDP families stay in a temporary shelter for 1–11 months.

Family data come from the seed's main random stream and plans from a second stream (events and shelter
stays from a third), so adding plans left the families' assessments and lifecycle as they were. Everything is written through
the same service functions the apps use, so the demo also exercises every check (a review
before the goal was set, after today or on a closed case would be refused).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from . import case_cycle
from .instruments.loader import load_builtin
from .store import records
from .store.assessments import correct_assessment, save_assessment
from .store.cases import get_case
from .store.caseload import cases_held
from .store.connection import open_db, write_transaction
from .store.eisss import case_acts, record_eisss_entry
from .store.intake import intake
from .store.lifecycle import case_state, close_case, extend_accompaniment, move_case, transfer_case
from .store.people import _age, household_members, withdraw_consent
from .store.plans import add_action, add_goal, case_goals, close_goal, complete_action, review_goal, sign_off
from .store.events import correct_event, record_event
from .store.services import record_referral_outcome, record_service
from .store.shelter import end_stay, record_stay
from .store.credentials import set_password
from .store.users import add_user

# The demo's staff: two teams, each with two case managers and a supervisor; a head of centre who reads
# everything and writes nothing on a case; an administrator (users, no case content); a researcher who
# only receives exports. The administrator comes first: they add the others.
ADMINISTRATOR = "admin.demo"
# Every demo user's password for signing in at the demo's hub (`make hub`): plainly a demo's.
DEMO_PASSWORD = "demo-password"
USERS = [
    (ADMINISTRATOR, "Адміністратор системи (демо)", "administrator", []),
    ("olena.demo", "Олена Тихоліс (демо)", "case_manager", ["Північ"]),
    ("andrii.demo", "Андрій Вербанюк (демо)", "case_manager", ["Північ"]),
    ("iryna.demo", "Ірина Колосаєнко (демо)", "case_manager", ["Південь"]),
    ("petro.demo", "Петро Ясногірко (демо)", "case_manager", ["Південь"]),
    ("mariia.demo", "Марія Левадчук (демо), супервізорка", "supervisor", ["Північ"]),
    ("taras.demo", "Тарас Житняк (демо), супервізор", "supervisor", ["Південь"]),
    ("halyna.demo", "Галина Очеретюк (демо), керівниця центру", "head_of_centre", []),
    ("oksana.demo", "Оксана Дібровець (демо), дослідниця", "researcher", []),
]
CASE_MANAGERS = [u for u, _, r, _ in USERS if r == "case_manager"]
SUPERVISOR = "mariia.demo"  # of the team Північ; the events log's corrections are hers
HEAD = "halyna.demo"  # the demo reads what it needs through the head of centre, who may read every case
TEAM_OF = {u: teams[0] for u, _, r, teams in USERS if r in ("case_manager", "supervisor")}
SUPERVISOR_OF = {u: next(s for s, _, r, t in USERS if r == "supervisor" and t[0] == TEAM_OF[u])
                 for u in CASE_MANAGERS}

_STEMS = ["Тихо", "Верба", "Колос", "Ясно", "Левад", "Дібро", "Ковил", "Житн", "Сосн", "Калин", "Ожин",
          "Явор", "Гречан", "Лепест", "Очерет", "Буков", "Ясен", "Терн", "Чебрец", "Ромаш", "Вишн", "Морел"]
_ENDINGS = ["енко", "ук", "юк", "чук", "ець", "ишин", "овський", "ар", "ан", "ич"]
_FEMALE_GIVEN = ["Олена", "Ірина", "Марія", "Оксана", "Наталія", "Ганна", "Тетяна", "Юлія", "Софія",
                 "Дарина", "Вікторія", "Катерина", "Єва", "Іванна", "Злата", "Ольга", "Людмила", "Ґражина"]
_MALE_GIVEN = ["Олександр", "Андрій", "Петро", "Тарас", "Богдан", "Іван", "Максим", "Дмитро", "Назар",
               "Ярослав", "Євген", "Ігор", "Остап", "Юрій", "Матвій", "Артем", "Олексій", "Ілля"]
_COMMUNITIES = [("Київська міська", "Київ"), ("Бучанська міська", "Буча"), ("Броварська міська", "Бровари"),
                ("Ірпінська міська", "Ірпінь"), ("Білоцерківська міська", "Біла Церква")]
_FROM = ["Маріуполь", "Бахмут", "Херсон", "Покровськ", "Сєвєродонецьк", "Мелітополь"]
_REFERRERS = ["Служба у справах дітей", "Заклад загальної середньої освіти", "Центр первинної медичної допомоги",
              "Ювенальна превенція Національної поліції", "Староста"]
_RATE = {"family_support": -0.35, "idp_support": -0.12}
_QOL_RATE = 0.25  # care leavers' quality of life, per follow-up (1–5, higher is better)
_GOAL_RATE = {"care_leavers": 1.0, "family_support": 0.6, "idp_support": 0.3}  # GAS level per review
_GOAL_START, _GOAL_SPREAD, _GOAL_NOISE = -1.2, 0.3, 0.4  # GAS: level before the first review, per goal, per review
_WORKER_NAMES = {u: name for u, name, _, _ in USERS}

# Wishes in the person's own words, each with its life domain, the goal's title and the GAS
# levels −1, 0 (the expected outcome), +1 and +2; level −2 comes from _MUCH_WORSE.
_MUCH_WORSE = "Стало гірше, ніж було на початку; до мети «{title}» не просунулися."
_CARE_WISHES = [
    ("Хочу жити окремо у своїй квартирі", "housing", "Орендувати власне житло",
     "Переглянуто кілька варіантів житла, але домовленості немає",
     "Орендовано кімнату чи квартиру, договір підписано",
     "Живе в орендованому житлі й сам(а) вчасно платить за нього",
     "Живе окремо, платить вчасно й має відкладені гроші на наступний місяць"),
    ("Знайти роботу кухарем", "work_education", "Працевлаштуватися кухарем",
     "Ходить на співбесіди, але роботи ще немає",
     "Працює кухарем чи помічником кухаря",
     "Працює кухарем і пройшов(ла) випробувальний термін",
     "Працює кухарем за договором і навчається на курсах підвищення кваліфікації"),
    ("Помиритися з братом", "relationships", "Відновити стосунки з братом",
     "Написав(ла) братові, але зустрічі ще не було",
     "Зустрілися з братом і поговорили",
     "Спілкуються з братом щонайменше раз на місяць",
     "Брат став людиною, на яку можна спертися: спілкуються щотижня"),
    ("Навчитися готувати собі їсти", "daily_living", "Самостійно готувати їжу",
     "Готує лише найпростіше кілька разів на місяць",
     "Готує собі гарячу їжу щонайменше тричі на тиждень",
     "Готує щодня й складає список покупок на тиждень",
     "Готує щодня, планує меню й витрати на харчування"),
    ("Зробити паспорт і код, бо без них нікуди", "legal_documents", "Оформити паспорт та ідентифікаційний код",
     "Подано документи на паспорт",
     "Отримано паспорт та ідентифікаційний код",
     "Отримано паспорт і код, задекларовано місце проживання",
     "Усі документи оформлено, і людина знає, куди звертатися самостійно"),
    ("Вступити до коледжу на перукаря", "work_education", "Вступити на навчання за фахом перукаря",
     "Зібрано документи, але заяву не подано",
     "Зараховано до коледжу чи на курси перукарів",
     "Навчається й відвідує заняття регулярно",
     "Навчається без пропусків і вже має перших клієнтів на практиці"),
    ("Щоб вистачало грошей до кінця місяця", "finances", "Планувати свій бюджет",
     "Іноді записує витрати, гроші закінчуються до середини місяця",
     "Веде бюджет, грошей вистачає до кінця місяця",
     "Грошей вистачає, і щомісяця трохи відкладає",
     "Має заощадження на непередбачені витрати, не менше місячного доходу"),
    ("Отримувати всі виплати, які мені належать", "finances", "Оформити належні виплати",
     "Зʼясовано, на які виплати має право",
     "Подано всі заяви, виплати призначено",
     "Виплати надходять вчасно на власний рахунок",
     "Виплати надходять, і людина сама стежить за строками їх продовження"),
    ("Менше тривожитися і нормально спати", "mental_health", "Зменшити тривогу й налагодити сон",
     "Записався(лася) до психолога, але був(ла) лише раз",
     "Регулярно відвідує психолога, більшість ночей спить краще",
     "Сам(а) оцінює тривогу як помірну, сон налагодився",
     "Тривога рідко заважає; знає, як себе заспокоїти, і користується цим"),
    ("Знайти друзів у новому місті", "social_life", "Знайти коло спілкування",
     "Дізнався(лася) про гуртки й клуби поруч",
     "Щотижня відвідує гурток чи клуб",
     "Має друга чи подругу, з якими бачиться й поза гуртком",
     "Має компанію друзів і сам(а) кличе їх на зустрічі"),
    ("Кинути курити", "substance_use", "Кинути курити",
     "Курить менше, ніж раніше",
     "Не курить місяць",
     "Не курить три місяці",
     "Не курить пів року й допомагає кинути другові"),
    ("Мати свого лікаря, щоб було куди піти, коли болить", "physical_health", "Мати свого сімейного лікаря",
     "Обрано лікаря, але декларацію не підписано",
     "Підписано декларацію з сімейним лікарем",
     "Пройдено профілактичний огляд",
     "Пройдено огляд, і людина сама записується до лікаря, коли треба"),
    ("Не боятися повертатися додому", "safety", "Почуватися в безпеці вдома",
     "Разом складено план безпеки",
     "Погроз більше немає, людина знає, куди звернутися по допомогу",
     "Почувається в безпеці вдома майже весь час",
     "Почувається в безпеці й підказує друзям, де шукати допомоги"),
    ("Вивчитися на водія", "work_education", "Отримати посвідчення водія",
     "Записався(лася) до автошколи",
     "Закінчено автошколу, складено теоретичний іспит",
     "Отримано посвідчення водія",
     "Отримано посвідчення, є підробіток водієм"),
    ("Віддати борги й більше не позичати", "finances", "Жити без боргів",
     "Складено перелік боргів і графік їх повернення",
     "Нових боргів немає, старі повертає за графіком",
     "Повернуто половину боргів",
     "Усі борги повернуто"),
    ("Бачитися з донькою частіше", "relationships", "Регулярно бачитися з донькою",
     "Домовлено про першу зустріч",
     "Бачиться з донькою двічі на місяць",
     "Бачиться з донькою щотижня",
     "Донька проводить із ним чи з нею вихідні"),
    ("Самому прати, прибирати й платити за комуналку", "daily_living", "Самостійно вести побут",
     "Прибирає й пере, коли нагадують",
     "Сам(а) прибирає, пере й платить за комунальні послуги",
     "Три місяці поспіль платить вчасно без нагадувань",
     "Веде побут самостійно й допомагає з цим молодшим випускникам"),
    ("Зрозуміти, ким я хочу бути", "meaning", "Визначитися з професією та планами",
     "Побував(ла) на одній профорієнтаційній зустрічі",
     "Обрано дві-три цікаві професії, одну спробувано на практиці",
     "Є план на рік: навчання чи робота за обраним фахом",
     "Почато навчання чи роботу за обраним фахом"),
    ("Грати у футбол у справжній команді", "social_life", "Тренуватися в команді",
     "Сходив(ла) на одне тренування",
     "Щотижня тренується в команді",
     "Тренується щотижня й грає в матчах",
     "Грає за команду й допомагає тренувати молодших"),
    ("Отримати житло, яке мені належить як сироті", "housing", "Стати на квартирний облік і отримати житло",
     "Зібрано документи для квартирного обліку",
     "Поставлено на облік, є рішення про соціальне житло",
     "Отримано ключі від соціального житла",
     "Переїхав(ла) у соціальне житло й облаштувався(лася)"),
    ("Закінчити школу й мати атестат", "work_education", "Здобути повну загальну середню освіту",
     "Записався(лася) до вечірньої чи дистанційної школи",
     "Навчається без тривалих пропусків, складає заліки",
     "Склав(ла) усі заліки семестру вчасно",
     "Отримано атестат"),
]
_FAMILY_WISHES = [  # the last field: only for displaced families (True), only for others (False), any (None)
    ("Щоб діти ходили до школи щодня", "child_wellbeing", "Регулярне відвідування школи",
     "Діти пропускають без поважних причин до тижня на місяць",
     "Місяць без пропусків без поважних причин",
     "Два місяці без пропусків, мама щотижня на звʼязку з класним керівником",
     "Без пропусків увесь семестр, оцінки покращилися", None),
    ("Оформити допомогу на дітей", "finances", "Отримувати допомогу на дітей",
     "Зібрано документи для заяви",
     "Заяву подано, допомогу призначено",
     "Допомога надходить щомісяця",
     "Оформлено всі виплати, на які сімʼя має право", None),
    ("Знайти роботу, щоб утримувати сімʼю", "work_education", "Працевлаштуватися",
     "Стала на облік у центрі зайнятості",
     "Працює хоча б неповний день",
     "Працює повний день за договором",
     "Працює за договором і підвищила кваліфікацію", None),
    ("Переїхати з гуртожитку в нормальне житло", "housing", "Переїхати з місця тимчасового проживання",
     "Знайдено кілька варіантів житла, домовленості немає",
     "Сімʼя орендує житло за договором",
     "Живе в орендованому житлі, три місяці платить вчасно",
     "Має житло на довгий строк і облаштувала його", True),
    ("Менше кричати на дітей", "parenting", "Спокійне спілкування з дітьми",
     "Помічає, коли зривається, але зриви бувають щодня",
     "Зриви трапляються не частіше ніж раз на тиждень",
     "Зривів майже немає, використовує нові способи заспокоїтися",
     "Спокійно розвʼязує суперечки з дітьми й ділиться досвідом у батьківській групі", None),
    ("Щоб у хаті було тепло взимку", "housing", "Підготувати житло до зими",
     "Подано заявку на ремонт чи паливо",
     "Вікна утеплено, є опалення або паливо",
     "Житло утеплено, паливо є на всю зиму",
     "Тепло всю зиму, оформлено субсидію", False),
    ("Відновити документи, які загубилися під час евакуації", "legal_documents", "Відновити документи сімʼї",
     "Подано заяви на відновлення документів",
     "Відновлено паспорти й свідоцтва про народження дітей",
     "Відновлено всі документи, оформлено довідку ВПО",
     "Усі документи є, сімʼя сама знає, куди звертатися", True),
    ("Щоб молодший пішов у садочок", "child_wellbeing", "Влаштувати дитину до садочка",
     "Дитину записано в електронну чергу",
     "Дитина відвідує садочок",
     "Дитина ходить до садочка регулярно й адаптувалася",
     "Дитина ходить до садочка, а мама вийшла на роботу", None),
    ("Розрахуватися з боргами за комуналку", "finances", "Погасити борг за комунальні послуги",
     "Складено графік погашення боргу",
     "Платежі йдуть за графіком, нового боргу немає",
     "Половину боргу погашено",
     "Борг погашено повністю", False),
    ("Щоб чоловік кинув пити", "substance_use", "Батько лікується від алкогольної залежності",
     "Батько погодився на консультацію нарколога",
     "Батько лікується, вдома не пʼє",
     "Три місяці без алкоголю",
     "Пів року без алкоголю, відвідує групу підтримки", None),
    ("Щоб донька не боялася сирен і спала спокійно", "child_wellbeing", "Психологічна підтримка дитини",
     "Дитину записано до психолога",
     "Дитина відвідує психолога й більшість ночей спить спокійно",
     "Страхи рідко заважають дитині спати й гратися",
     "Дитина спокійна, ходить на гурток, має друзів", None),
    ("Проводити більше часу з дітьми", "parenting", "Спільний час із дітьми",
     "Спільний час буває рідше, ніж раз на тиждень",
     "Щонайменше дві години спільного дозвілля щотижня",
     "Щодня є спільний час: читання, ігри чи прогулянка",
     "Є сімейні традиції, яких діти чекають щотижня", None),
    ("Підлікуватися, щоб були сили на дітей", "physical_health", "Пройти лікування",
     "Записалася до лікаря",
     "Пройшла обстеження й почала лікування",
     "Завершила курс лікування",
     "Завершила лікування й регулярно проходить огляди", None),
    ("Мати знайомих на новому місці", "social_life", "Соціальні звʼязки в новій громаді",
     "Знає про місцеві групи підтримки",
     "Щомісяця відвідує групу чи центр громади",
     "Має знайомих, до яких може звернутися по допомогу",
     "Бере участь у житті громади й допомагає іншим переселенцям", True),
    ("Щоб у дітей був теплий одяг і все для школи", "child_wellbeing", "Забезпечити дітей необхідним",
     "Складено список найнеобхіднішого",
     "Діти мають сезонний одяг і шкільне приладдя",
     "Усе необхідне є, сімʼя сама планує такі витрати",
     "Сімʼя забезпечує дітей сама, без допомоги", None),
    ("Помиритися з мамою, щоб вона допомагала з дітьми", "relationships", "Відновити підтримку бабусі",
     "Домовилися про зустріч",
     "Бабуся бачиться з онуками щонайменше двічі на місяць",
     "Бабуся регулярно допомагає з дітьми",
     "Стосунки теплі, бабуся — надійна підтримка сімʼї", None),
]
# Actions under a goal, by life domain: (what, who), who being the client, the worker or both.
_ACTIONS = {
    "housing": [("Переглянути оголошення й сходити на перегляди житла", "client"),
                ("Зʼясувати право на житло чи компенсацію оренди й допомогти подати заяву", "worker")],
    "finances": [("Скласти бюджет на місяць", "both"), ("Подати заяву на виплати через ЦНАП чи «Дію»", "client")],
    "work_education": [("Стати на облік у центрі зайнятості", "client"),
                       ("Знайти вакансії чи курси й домовитися про співбесіду", "worker")],
    "daily_living": [("Разом скласти список покупок і приготувати страву", "both"),
                     ("Скласти графік прибирання й оплати рахунків", "client")],
    "physical_health": [("Записатися до сімейного лікаря", "client"), ("Супроводити на перший прийом", "worker")],
    "mental_health": [("Записати на консультацію до психолога", "worker"), ("Вести щоденник настрою й сну", "client")],
    "relationships": [("Підготуватися до розмови з рідними", "both"),
                      ("Домовитися про зустріч і провести її", "client")],
    "social_life": [("Знайти гуртки й клуби поблизу", "worker"), ("Сходити на перше заняття", "client")],
    "safety": [("Скласти план безпеки", "both"), ("Дати контакти гарячої лінії та кризового центру", "worker")],
    "substance_use": [("Домовитися про консультацію нарколога", "worker"), ("Відвідати групу підтримки", "client")],
    "legal_documents": [("Зібрати копії документів і довідки", "worker"),
                        ("Записатися до ЦНАПу чи міграційної служби", "client")],
    "meaning": [("Пройти профорієнтаційний тест і обговорити результати", "both"),
                ("Поговорити з людьми, які працюють за цікавою професією", "client")],
    "parenting": [("Відвідати заняття групи для батьків", "client"),
                  ("Домовитися з психологом про консультацію для батьків", "worker")],
    "child_wellbeing": [("Зустрітися з класним керівником чи вихователем", "client"),
                        ("Допомогти оформити довідки й записати дитину", "worker")],
}
_CLIENT = {"care_leavers": "Молода людина", "family_support": "Мама (заявниця)", "idp_support": "Мама (заявниця)"}
_CLOSING_REASONS = {"goals_achieved": "Випадок закрито: решту цілей досягнуто не повністю (демо)",
                    "refused": "Клієнт відмовився від супроводу (демо)",
                    "moved_away": "Сімʼя переїхала; супровід не завершено (демо)",
                    "transferred": "Випадок передано іншій службі (демо)"}
_ABANDON_REASONS = ["Людина вирішила, що ця мета вже неважлива", "Мету замінено реалістичнішою",
                    "Послуга, від якої залежала мета, недоступна в громаді", "Обставини змінилися; мета втратила сенс",
                    "Людина обрала іншу мету, важливішу для неї зараз"]
_REVIEW_NOTES = [None, None, "Переглянуто разом на зустрічі (демо)", "Людина сама оцінила поступ (демо)",
                 "Обговорено, що заважає, і що допомогло (демо)"]
# CARe profile texts, in the young person's words.
_STRENGTHS = [("Я швидко вчуся, якщо мені цікаво", "learning"),
              ("Добре готую, друзі просять спекти пиріг", "practical_skills"),
              ("Вмію домовлятися, мене слухають молодші", "communication"),
              ("Не здаюся, коли важко, — доводжу справу до кінця", "perseverance"),
              ("Граю у футбол за команду коледжу", "sport"),
              ("Гарно малюю, роблю листівки на замовлення", "creativity"),
              ("Допомагаю молодшим з уроками", "caring"),
              ("Руки золоті: лагоджу велосипеди й телефони", "practical_skills"),
              ("Люблю тварин, волонтерю в притулку", "caring"),
              ("Вмію заробити: підробляв(ла) на будові й у кавʼярні", "responsibility"),
              ("Співаю, виступав(ла) на концертах", "creativity"),
              ("Ніколи не запізнююся, на мене можна покластися", "responsibility"),
              ("Можу розсмішити будь-кого, навіть коли погано", "humour"),
              ("Молюся, і це мені допомагає", "faith")]
_SUPPORTS = ["Колишня вихователька з інтернату", "Наставниця з програми наставництва", "Старший брат",
             "Тітка із сусіднього села", "Подруга з коледжу", "Тренер футбольної команди", "Священник парафії",
             "Сусідка по гуртожитку"]
_ACHIEVEMENTS = ["Закінчив(ла) 9 класів і вступив(ла) до ліцею", "Сам(а) відкрив(ла) картку в банку",
                 "Пів року працював(ла) офіціантом", "Виграв(ла) районні змагання з бігу",
                 "Уперше сам(а) заплатив(ла) за кімнату", "Допоміг(ла) молодшому братові вступити до школи"]
_NEXT_FIRST = ["Наступна зустріч через тиждень: разом перетворимо перше бажання на ціль",
               "У четвер разом сходимо до ЦНАПу, потім складемо план",
               "Зустрінемося в понеділок, обговоримо цілі й хто що робить"]
_NEXT_LATER = ["Перегляд цілей на наступній зустрічі, приблизно за два місяці",
               "До наступної зустрічі — сходити на співбесіду; фахівець нагадає напередодні",
               "Зустріч із наставницею наступного тижня; перегляд плану за два місяці",
               "Разом переглянемо бюджет за місяць і цілі"]
_WORKER_NOTES = [None, None, "Приходить вчасно, охоче розповідає про плани", "Втомлений вигляд, говорить про безсоння",
                 "Поки що потребує супроводу до установ", "Помітно впевненіше, ніж на минулій зустрічі"]


@dataclass
class DemoSummary:
    persons: int
    households: int
    cases: int
    assessments: int
    corrections: int
    services: int = 0
    closed: int = 0
    goals: int = 0
    goal_reviews: int = 0
    events: int = 0
    shelter_stays: int = 0
    eisss_entries: int = 0


def build_demo(path, *, seed: int = 2026, households: int = 240, care_leavers: int = 60,
               today: date | None = None) -> DemoSummary:
    """Write a synthetic database at ``path`` (which must not hold a workbench yet)."""
    rng = random.Random(seed)
    plans = random.Random(f"{seed}/plans")  # a second stream, so plans leave the families' data as they were
    today = today or date.today()
    db = open_db(path, migrate=True)
    instrument = load_builtin("family_needs_assessment")
    profile = load_builtin("care_profile")
    with write_transaction(db):
        for username, name, role, teams in USERS:
            add_user(db, ADMINISTRATOR, username=username, display_name=name, role=role, teams=teams)
        for username, *_ in USERS:
            set_password(db, ADMINISTRATOR, username, DEMO_PASSWORD)
    summary = DemoSummary(0, households, 0, 0, 0)
    for _ in range(households):
        with write_transaction(db):
            _family_case(rng, plans, db, instrument, today, summary)
    for _ in range(care_leavers):
        with write_transaction(db):
            _care_leaver_case(rng, plans, db, profile, today, summary)
    summary.events, summary.shelter_stays = _activity(random.Random(f"{seed}/activity"), db, today)
    _openings(random.Random(f"{seed}/openings"), db)
    summary.eisss_entries = _eisss_entries(random.Random(f"{seed}/eisss"), db, today)
    _accompaniment_services(random.Random(f"{seed}/accompaniment"), db, today)
    summary.services = len(records.services(db, HEAD, with_subject=False))
    summary.goals = len(records.goals(db, HEAD))
    summary.goal_reviews = len(records.goal_reviews(db, HEAD))
    summary.closed = sum(case_state(db, HEAD, case["id"])["status"] == "closed" for case in cases_held(db, HEAD))
    db.conn.close()
    return summary


def _accompaniment_services(rng, db, today) -> None:
    """The social-accompaniment service a case in accompaniment receives: on the day it starts, then every
    3–5 weeks while it lasts, and on the day it closes (a case still open gets no visit dated today: that would
    date every open case's last contact to the day the demo is made), recorded by the case's worker now (a
    stream of its own, after everything else, so the rest of the data stay as they were)."""
    from .analysis.frames import accompaniment_cycles

    cycles = accompaniment_cycles(db, HEAD)
    cycles = cycles[cycles["accompaniment_started_on"].notna()]
    with write_transaction(db):
        for cycle in cycles.itertuples():
            worker = case_state(db, HEAD, cycle.case_id)["worker"]
            day, last = cycle.accompaniment_started_on.date(), cycle.closed_on.date() if pd.notna(cycle.closed_on) \
                else today
            while day < last:
                record_service_on(db, worker, cycle.case_id, "social_accompaniment", rng.choice([45, 60, 90]),
                                  on=day, today=today)
                day += timedelta(days=rng.randint(21, 35))
            if pd.notna(cycle.closed_on):  # an open case's last visit is the last one due: none is made up today
                record_service_on(db, worker, cycle.case_id, "social_accompaniment", rng.choice([45, 60, 90]),
                                  on=last, today=today)


def _eisss_entries(rng, db, today) -> int:
    """Enter most acts into ЄІССС (as the module says), as the case's worker now; returns how many."""
    entered = 0
    with write_transaction(db):
        for case in cases_held(db, HEAD):
            worker = case_state(db, HEAD, case["id"])["worker"]
            for act in case_acts(db, HEAD, case["id"], today=today):
                draw = rng.random()
                if draw < 0.03 or (act["due_on"] >= today and draw < 0.5):  # a few forgotten; the latest half still to do
                    continue
                on = act["made_on"] if draw < 0.5 else act["due_on"] if draw < 0.93 else \
                    act["due_on"] + timedelta(days=rng.randint(1, 6))
                record_eisss_entry(db, worker, assessment_id=act["first_id"], entered_on=min(on, today), today=today)
                entered += 1
    return entered


def _openings(rng, db) -> None:
    """Who opened which record (a stream of its own, so the data stay as they were): each worker their own
    cases, now and then; the head of centre a few; the audit log records each opening."""
    from .store.audit import record_opening

    from .store.guard import may

    for case in cases_held(db, HEAD):
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            if may(db, case["worker"], "case.read", case["id"]):  # a deactivated worker opens nothing
                record_opening(db, case["worker"], opened=rng.choice(["case", "plan"]), record=case["id"])
        if rng.random() < 0.1:
            record_opening(db, HEAD, opened="case", record=case["id"])


def _family_case(rng, plans, db, instrument, today, summary):
    programme = "family_support" if rng.random() < 0.55 else "idp_support"
    worker = rng.choice(CASE_MANAGERS)
    opened = today - timedelta(days=rng.randint(40, 460))
    family = _family_name(rng)
    members, children = _household_members(rng, family, opened)
    community, settlement = rng.choice(_COMMUNITIES)
    urgent = rng.random() < 0.06
    channel = rng.choices(["application", "referral", "notification"], [0.5, 0.35, 0.15])[0]
    case_id = intake(
        db, worker, programme=programme, members=members,
        category="idp" if programme == "idp_support" else "family_difficult_circumstances",
        consent_given_on=opened, consent_purposes=["data_processing"] + (["research"] if rng.random() < 0.7 else []),
        intake_channel=channel, intake_on=opened,
        referred_by=rng.choice(_REFERRERS) if channel != "application" else None,
        contacts={"phone": f"+380 {rng.randint(50, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
                           f"{rng.randint(10, 99)}",
                  "actual_community": community, "actual_settlement": settlement,
                  "registered_settlement": rng.choice(_FROM) if programme == "idp_support" else settlement},
        idp_certificate={"number": f"{rng.randint(1000, 9999)}-{rng.randint(10**9, 10**10 - 1)}",
                         "issued_on": opened - timedelta(days=rng.randint(30, 900))}
        if programme == "idp_support" else None,
        urgent_note="Загроза здоровʼю дитини (демо)" if urgent else None, today=today)
    summary.cases += 1
    summary.persons += len(members)
    children = _registered_children(db, worker, case_id)
    saved, rate = _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today, urgent)
    summary.assessments += len(saved)
    for n, (assessment_id, answers, assessed_on, author) in enumerate(saved):
        if rng.random() < 0.05:
            answers = dict(answers, conclusion_text=answers["conclusion_text"] + " (уточнено)")
            newer = correct_assessment(db, author, assessment_id=assessment_id, instrument=instrument,
                                       answers=answers, reason="Уточнено висновок після розмови з сімʼєю",
                                       assessed_on=assessed_on, today=today)
            saved[n] = (newer, answers, assessed_on, author)
            summary.corrections += 1
    wishes = [w for w in _FAMILY_WISHES if w[7] in (None, programme == "idp_support")]
    wishes = [w[:7] for w in plans.sample(wishes, k=plans.choice([1, 2, 2, 3]))]
    plan = _Plan(plans, db, case_id, programme, today, wishes, worse=rate > 0) if saved else None
    _case_path(rng, db, case_id, saved, opened, programme, today, plan)
    if rng.random() < 0.02:
        applicant = household_members(db, HEAD, get_case(db, HEAD, case_id)["household_id"])[0]
        withdraw_consent(db, _supervisor(db, case_id), applicant["id"], withdrawn_on=today - timedelta(days=rng.randint(0, 20)),
                         note="Письмова заява про відкликання згоди (демо)", today=today)


def _care_leaver_case(rng, plans, db, profile, today, summary):
    worker = rng.choice(CASE_MANAGERS)
    opened = today - timedelta(days=rng.randint(20, 400))
    sex = rng.choice(["female", "male"])
    member = {"family_name": _family_name(rng, sex), "given_name": _given(rng, sex), "sex": sex,
              "birth_date": opened - timedelta(days=rng.randint(16 * 365, 23 * 365))}
    # Four in five also agree to the pseudonymised research use (decided by position, not a random draw,
    # so the seed's streams and the planted data stay as they were).
    purposes = ["data_processing"] + (["research"] if summary.cases % 5 else [])
    case_id = intake(db, worker, programme="care_leavers", members=[member], category="care_leaver",
                     consent_given_on=opened, consent_purposes=purposes,
                     intake_channel=rng.choice(["application", "referral"]), intake_on=opened, today=today)
    summary.cases += 1
    summary.persons += 1
    saved, worse, wishes = _care_profiles(rng, db, case_id, profile, opened, today)
    summary.assessments += len(saved)
    plan = _Plan(plans, db, case_id, "care_leavers", today, wishes, worse=worse) if saved else None
    _case_path(rng, db, case_id, saved, opened, "care_leavers", today, plan)


def _care_profiles(rng, db, case_id, profile, opened, today):
    """The CARe personal profile soon after intake and every ~2 months, quality of life following a latent level."""
    worse = rng.random() < 0.15
    rate = -abs(rng.gauss(0.15, 0.06)) if worse else _QOL_RATE + rng.gauss(0, 0.08)
    items = [i.name for i in profile.scored_items("quality_of_life")]
    baseline = {i: min(3.8, max(1.2, rng.gauss(2.4, 0.55))) for i in items}
    wishes = rng.sample(_CARE_WISHES, k=rng.choice([1, 2, 2, 3, 3]))
    strengths = rng.sample(_STRENGTHS, k=rng.choice([1, 2, 2, 3]))
    supports = rng.sample(_SUPPORTS, k=rng.choice([0, 1, 1, 2]))
    achievement = rng.choice(_ACHIEVEMENTS) if rng.random() < 0.6 else None
    priority = rng.choice(["first", "second", "third"][:len(wishes)] + [None])
    dropout_after = rng.choice([1, 2]) if rng.random() < 0.15 else 99
    late = rng.random() < 0.2
    when = opened + timedelta(days=rng.randint(8, 20) if late else rng.randint(0, 4))
    saved, visit = [], 0
    while when <= today and visit < min(dropout_after, 6):
        answers = {"meeting_date": when,
                   "filled_with": rng.choices(["together", "person_alone", "worker_from_conversation"], [6, 1, 1])[0],
                   "personal_strengths": "; ".join(s for s, _ in strengths),
                   "strength_areas": sorted({a for _, a in strengths}),
                   "next_step": rng.choice(_NEXT_LATER if visit else _NEXT_FIRST)}
        for item, level in baseline.items():
            answers[item] = str(min(5, max(1, round(level + rate * visit + rng.gauss(0, 0.5)))))
        for n, (wish, domain, *_) in enumerate(wishes, start=1):
            answers[f"wish_{n}"], answers[f"wish_{n}_domain"] = wish, domain
        optional = {"supports": "; ".join(supports), "achievements": achievement, "priority_wish": priority,
                    "worker_notes": rng.choice(_WORKER_NOTES)}
        answers.update({k: v for k, v in optional.items() if v})
        author = case_state(db, HEAD, case_id)["worker"]
        assessment_id = save_assessment(db, author, case_id=case_id, instrument=profile, answers=answers,
                                        assessed_on=when, today=today,
                                        purpose=_purpose("care_leavers", case_id, visit))
        saved.append((assessment_id, answers, when, author))
        visit += 1
        when += timedelta(days=rng.randint(50, 75))
    return saved, worse, wishes


def _purpose(programme: str, case_id: int, visit: int) -> str:
    """The first assessment is a needs assessment, later ones reviews; in a quarter of IDP families a
    follow-up is done to determine a child's status as affected by war."""
    if visit == 0:
        return "needs_assessment"
    if programme == "idp_support" and visit == 1 and case_id % 4 == 0:
        return "child_war_status"
    return "review"


def _family_name(rng, sex="male") -> str:
    name = rng.choice(_STEMS) + rng.choice(_ENDINGS)
    if sex == "female" and name.endswith("ський"):
        name = name[:-5] + "ська"
    return name


def _given(rng, sex) -> str:
    return rng.choice(_FEMALE_GIVEN if sex == "female" else _MALE_GIVEN)


def _household_members(rng, family, opened):
    """The applicant, maybe a partner and a grandparent, and one to four children."""
    adults = [("female", "applicant")] + ([("male", "spouse")] if rng.random() < 0.6 else [])
    if rng.random() < 0.2:
        adults.append(("female", "grandparent"))
    members, children = [], []
    for sex, relation in adults:
        age_days = rng.randint(60 * 365, 72 * 365) if relation == "grandparent" else rng.randint(22 * 365, 50 * 365)
        members.append({"family_name": _family_name(rng, sex) if relation == "grandparent" else family,
                        "given_name": _given(rng, sex), "birth_date": opened - timedelta(days=age_days),
                        "sex": sex, "relation": relation})
    parent = f"{members[0]['family_name']} {members[0]['given_name']}"
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 4])):
        sex = rng.choice(["female", "male"])
        age = rng.randint(0, 17)
        name = _given(rng, sex)
        members.append({"family_name": family, "given_name": name, "sex": sex, "relation": "child",
                        "birth_date": opened - timedelta(days=age * 365 + rng.randint(0, 360)),
                        "consent_given_by": f"законний представник: {parent}"})
        children.append((name, age))
    return members, children


def _assessments(rng, db, worker, case_id, instrument, programme, opened, children, today, urgent):
    """Baseline and follow-ups every ~2 months, following the planted trajectories."""
    rate = _RATE[programme] + rng.gauss(0, 0.08)
    if rng.random() < 0.15:
        rate = abs(rate) * 0.6 + 0.1  # gets worse
    baseline = {d.name: min(2.8, max(0.6, rng.gauss(1.8, 0.45))) for d in instrument.domains()}
    dropout_after = rng.choice([1, 2]) if rng.random() < 0.15 else 99
    late = rng.random() < 0.2 and not urgent
    when = opened + timedelta(days=rng.randint(8, 25) if late else rng.randint(0, 1 if urgent else 4))
    saved, visit = [], 0
    while when <= today and visit < min(dropout_after, 5):
        latent = {d: v + rate * visit for d, v in baseline.items()}
        answers = _answers(rng, instrument, latent, children, when, visit, urgent)
        author = case_state(db, HEAD, case_id)["worker"]
        assessment_id = save_assessment(db, author, case_id=case_id, instrument=instrument, answers=answers,
                                        assessed_on=when, today=today, purpose=_purpose(programme, case_id, visit))
        saved.append((assessment_id, answers, when, author))
        visit += 1
        when += timedelta(days=rng.randint(50, 75))
    return saved, rate


def _case_path(rng, db, case_id, saved, opened, programme, today, plan=None):
    """Walk the case through the lifecycle along its assessments, with services on the way."""
    def act(day, fn, *args, **kwargs):
        if day <= today:
            fn(db, case_state(db, HEAD, case_id)["worker"], case_id, *args, on=day, today=today, **kwargs)
            return True
        return False

    if not saved:
        return
    first = saved[0][2]
    act(first, move_case, "assessment")
    act(first, record_service_on, "home_visit", 90)
    plan_day = first + timedelta(days=rng.randint(2, 7))
    if not act(plan_day, move_case, "plan"):
        return
    signed = plan.start(saved[0], plan_day) if plan else None
    # Accompaniment begins once the plan is signed off, where the rules ask for that.
    begin = plan_day + timedelta(days=rng.randint(1, 5))
    if plan and "plan_signed_off" in case_cycle.rules().get("accompaniment", ()):
        if signed is None and begin <= today:
            plan.sign(begin)
        begin = max(begin, signed or begin)
    if not act(begin, move_case, "accompaniment"):
        return
    if programme == "idp_support":
        for _ in range(rng.randint(1, 3)):
            act(plan_day + timedelta(days=rng.randint(3, 40)), record_service_on, "humanitarian_aid", None)
    if programme == "care_leavers":
        for _ in range(rng.randint(1, 3)):
            act(plan_day + timedelta(days=rng.randint(3, 50)), record_service_on, "social_adaptation",
                rng.choice([60, 90, 120]))
    for _ in range(rng.randint(1, 4)):
        act(plan_day + timedelta(days=rng.randint(5, 60)), record_service_on, "consultation", rng.choice([30, 45, 60]))
    if rng.random() < 0.3:
        day = plan_day + timedelta(days=rng.randint(5, 30))
        if day <= today:
            service = record_service(db, case_state(db, HEAD, case_id)["worker"], case_id, service_type="referral",
                                     provided_on=day, referral_to=rng.choice(_REFERRERS), today=today)
            outcome_day = day + timedelta(days=rng.randint(5, 30))
            if outcome_day <= today:
                record_referral_outcome(db, _supervisor(db, case_id), service, today=today, on=outcome_day,
                                        outcome=rng.choice(["received", "received", "declined_by_provider",
                                                            "declined_by_client"]))
    if rng.random() < 0.1:
        act(plan_day + timedelta(days=rng.randint(1, 20)), record_service_on, "mobile_team_visit", 120)
    if rng.random() < 0.08:
        current = case_state(db, HEAD, case_id)["worker"]
        day = plan_day + timedelta(days=rng.randint(10, 40))
        picked = rng.choice([w for w in CASE_MANAGERS if w != current])  # drawn as before, so the stream stays
        colleague = picked if TEAM_OF[picked] == TEAM_OF[current] else next(
            w for w in CASE_MANAGERS if w != current and TEAM_OF[w] == TEAM_OF[current])
        if day <= today:  # a supervisor hands a case over, inside the team
            transfer_case(db, SUPERVISOR_OF[current], case_id, to_worker=colleague, on=day, today=today,
                          reason="Перерозподіл навантаження (демо)")
    for _, _, day, _ in saved[1:]:
        if max(day, date.fromisoformat(case_state(db, HEAD, case_id)["last_event_on"])) > today:
            break
        day = max(day, date.fromisoformat(case_state(db, HEAD, case_id)["last_event_on"]))
        state = case_state(db, HEAD, case_id)
        started = state["accompaniment_started_on"]
        if started and not state["extension_months"] and (day - date.fromisoformat(started)).days > 150 \
                and rng.random() < 0.75:
            act(day, extend_accompaniment, months=rng.choice([3, 6]), reason="Складний випадок (демо)")
        if plan:  # the goals are reviewed first: a case review needs one since the planning
            plan.review(day)
        act(day, move_case, "review")
        act(day, record_service_on, "home_visit", 60)
        act(day, move_case, "accompaniment")
    last_day = max(saved[-1][2], date.fromisoformat(case_state(db, HEAD, case_id)["last_event_on"]))
    if len(saved) <= 2 and last_day + timedelta(days=90) < today:
        day = last_day + timedelta(days=rng.randint(20, 60))
        reason = rng.choice(["refused", "moved_away", "moved_away", "transferred"])
        act(day, close_case, reason=reason, goals=_closing_outcomes(db, case_id, reason))
    elif len(saved) >= 4 and rng.random() < 0.6:
        day = last_day + timedelta(days=rng.randint(3, 14))
        act(day, close_case, reason="goals_achieved", goals=_closing_outcomes(db, case_id, "goals_achieved"))


def _closing_outcomes(db, case_id, reason) -> dict:
    """What becomes of each open goal when the case closes: achieved if last reviewed at 0 or above and the
    goals were reached, else abandoned with the closing's reason."""
    outcomes = {}
    for goal in case_goals(db, HEAD, case_id):
        if goal["status"] != "open":
            continue
        if reason == "goals_achieved" and goal["reviews"] and goal["reviews"][-1]["level"] >= 0:
            outcomes[goal["id"]] = {"kind": "achieved"}
        else:
            outcomes[goal["id"]] = {"kind": "abandoned", "reason": _CLOSING_REASONS[reason]}
    return outcomes


class _Plan:
    """A case's support plan in the demo: goals from the client's wishes, actions, sign-offs, reviews.

    Its own random stream decides everything; the GAS level of goal g at its k-th review follows
    ``−1 + offset_g + rate_g · k + noise``, rate_g around the programme's planted rate.
    """

    def __init__(self, rng, db, case_id, programme, today, wishes, worse=False):
        self.rng, self.db, self.case_id, self.programme, self.today = rng, db, case_id, programme, today
        self.wishes, self.worse = wishes, worse
        self.goals = []  # [goal_id, offset, rate, reviews so far, open]

    def _worker(self):
        return case_state(self.db, HEAD, self.case_id)["worker"]

    def start(self, first, day):
        """The plan on ``day``: a goal from each wish, its actions, and the supervisor's sign-offs."""
        rng, worker = self.rng, self._worker()
        assessment_id, _, assessed_on, _ = first
        who = {"client": _CLIENT[self.programme], "worker": _WORKER_NAMES[worker],
               "both": f"{_CLIENT[self.programme]} разом із фахівцем"}
        for wish, domain, title, *levels in self.wishes:
            weight = rng.choice([2, 2, 1.5, 3]) if rng.random() < 0.25 else None
            goal_id = add_goal(
                self.db, worker, self.case_id, wish=wish, title=title, domain=domain, set_on=day,
                target_date=day + timedelta(days=rng.randint(90, 180)), source_assessment_id=assessment_id,
                levels=[_MUCH_WORSE.format(title=title), *levels], weight=weight, today=self.today)
            for what, whom in rng.sample(_ACTIONS[domain], k=rng.choice([1, 2])):
                add_action(self.db, worker, goal_id, what=what, who=who[whom],
                           due_on=day + timedelta(days=rng.randint(10, 60)), today=self.today)
            rate = rng.gauss(-0.1, 0.2) if self.worse else _GOAL_RATE[self.programme] + rng.gauss(0, 0.2)
            self.goals.append([goal_id, rng.gauss(0, _GOAL_SPREAD), rate, 0, True])
        signed = None
        if rng.random() < 0.85:
            signed = min(day + timedelta(days=rng.randint(0, 4)), self.today)
            sign_off(self.db, _supervisor(self.db, self.case_id), self.case_id, kind="plan", on=signed, today=self.today,
                     note=rng.choice([None, "Цілі реалістичні, сформульовані словами клієнта (демо)"]))
        if rng.random() < 0.85:
            concluded = min(assessed_on + timedelta(days=rng.randint(1, 5)), self.today)
            sign_off(self.db, _supervisor(self.db, self.case_id), self.case_id, kind="assessment",
                     assessment_id=assessment_id, on=concluded, today=self.today)
        return signed

    def sign(self, day):
        """The supervisor signs off the plan on ``day`` (a plan the demo's draw left unsigned, where the rules
        need a signed plan before accompaniment)."""
        sign_off(self.db, _supervisor(self.db, self.case_id), self.case_id, kind="plan", on=day, today=self.today)

    def review(self, day):
        """Review every open goal on ``day``; mark due actions done; close some goals."""
        rng, worker = self.rng, self._worker()
        saved = {g["id"]: g for g in case_goals(self.db, HEAD, self.case_id)}  # each goal's actions, done or not
        for goal in self.goals:
            goal_id, offset, rate, k, is_open = goal
            if not is_open:
                continue
            for action in saved[goal_id]["actions"]:
                if action["done_on"] is None and action["due_on"] <= day.isoformat() and rng.random() < 0.75:
                    done = max(date.fromisoformat(action["due_on"]) - timedelta(days=rng.randint(0, 10)),
                               date.fromisoformat(saved[goal_id]["set_on"]))
                    complete_action(self.db, worker, action["id"], done_on=done, today=self.today)
            goal[3] = k = k + 1
            level = min(2, max(-2, round(_GOAL_START + offset + rate * k + rng.gauss(0, _GOAL_NOISE))))
            review_goal(self.db, worker, goal_id, level=level, reviewed_on=day, note=rng.choice(_REVIEW_NOTES),
                        today=self.today)
            achieved = level >= 1 and rng.random() < 0.5
            abandoned = not achieved and rng.random() < 0.035
            reason = rng.choice(_ABANDON_REASONS) if abandoned else None
            # While accompaniment goes on the plan keeps a goal in force (the rules ask for one): the last
            # open goal is resolved when the case closes.
            if sum(g[4] for g in self.goals) == 1:
                continue
            if achieved:
                close_goal(self.db, worker, goal_id, kind="achieved", on=day, today=self.today)
                goal[4] = False
            elif abandoned:
                close_goal(self.db, worker, goal_id, kind="abandoned", on=day, reason=reason, today=self.today)
                goal[4] = False



def record_service_on(db, actor, case_id, service_type, duration, *, on, today):
    """``record_service`` in the shape the demo's ``act`` helper calls."""
    return record_service(db, actor, case_id, service_type=service_type, provided_on=on,
                          duration_minutes=duration, today=today)


def _level(rng, latent: float) -> str:
    return str(min(3, max(0, round(latent + rng.gauss(0, 0.45)))))


def _answers(rng, instrument, latent, children, when, visit, urgent=False) -> dict:
    urgent = urgent and visit == 0
    answers = {
        "visit_date": when, "urgent": "yes" if urgent else "no",
        "problem_duration": rng.choice(["under_1_month", "months_1_6", "months_6_12", "over_1_year"]),
        "household_size": 1 + len(children) + rng.randint(0, 2),
        "income_per_person": round(rng.uniform(1500, 9000), 2),
        "income_sources": rng.sample(["wages", "pension", "social_assistance", "idp_allowance", "child_benefit",
                                      "irregular_work"], k=rng.randint(1, 3)),
        "awareness": rng.choice(["full", "partial", "none"]),
        "readiness": rng.choice(["ready", "ready", "partial", "refuses"]),
        "conclusion_text": "Висновок за результатами візиту (демо).",
    }
    if urgent:
        answers["urgent_details"] = "Загроза здоровʼю дитини; повідомлено службу у справах дітей (демо)."
    for domain in ("parenting_capacity", "family_environment"):
        for item in instrument.scored_items(domain):
            answers[item.name] = _level(rng, latent[domain])
    need = sum(latent.values()) / len(latent)
    answers["in_difficult_circumstances"] = "yes" if need >= 1.2 else "no"
    if need >= 1.2:
        answers["case_complexity"] = "complex" if need >= 2 else "simple"
    # Each child as registered on the case (``(person id, given name, date of birth)``, see
    # ``_registered_children``), linked to the person; a child 18 or older on the visit day is no longer
    # rated as a child (the levels are drawn all the same, so the random stream does not depend on it).
    answers["child"] = [
        dict({"child_person": person_id, "child_name": name, "child_birth_date": born},
             **{i.name: _level(rng, latent["child_development"]) for i in instrument.scored_items("child_development")})
        for person_id, name, born in children]
    answers["child"] = [c for c in answers["child"] if _age(c["child_birth_date"], when) < 18]
    if not answers["child"]:
        del answers["child"]
    return answers


def _registered_children(db, actor, case_id) -> list[tuple[int, str, date]]:
    """The case's members registered as children at intake, as ``(person id, given name, date of birth)``."""
    case = get_case(db, actor, case_id)
    return [(m["id"], m["given_name"], date.fromisoformat(m["birth_date"]))
            for m in household_members(db, actor, case["household_id"]) if m["relation"] == "child"]


# --- group and project work, and temporary shelter (a third random stream) ----------------------

_PROJECTS = ["Разом сильніші (демо)", "Батьківська школа (демо)", "Громада поруч (демо)", "Зимова підтримка (демо)"]
_PLACES = ["Центр соціальних служб, зала", "Бібліотека на Лісовій", "Школа №3", "Старостат с. Гаї",
           "Пункт незламності", "Будинок культури"]
_SHELTERS = ["Гуртожиток на Лісовій (демо)", "Модульне містечко (демо)", "Прихисток при парафії (демо)"]
# event type: (events a month, participants low–high, share of children, share of IDPs)
_EVENT_PLAN = {"group_session": (3, 6, 15, 0.3, 0.3), "awareness_campaign": (1, 20, 120, 0.2, 0.2),
               "training": (1, 8, 25, 0.0, 0.1), "humanitarian_aid_distribution": (2, 25, 90, 0.35, 0.7),
               "mobile_team_trip": (2, 3, 12, 0.3, 0.4)}


def _activity(rng, db, today):
    """Two years of the events log and stays in temporary shelters for a third of IDP families; returns
    how many event rows (a correction is a row) and stays it recorded.

    Events grow by about a quarter from the year before to the last year, so the period report's
    "same period last year" has something to compare; about 3% of events are corrected."""
    start, events, stays = today - timedelta(days=730), 0, 0
    for kind, (per_month, low, high, children, idps) in _EVENT_PLAN.items():
        day = start
        while True:
            growth = 1.25 if day > today - timedelta(days=365) else 1.0
            day += timedelta(days=max(1, round(rng.expovariate(per_month * growth / 30.4))))
            if day > today:
                break
            n = rng.randint(low, high)
            fields = dict(held_on=day, event_type=kind, project=rng.choice(_PROJECTS), place=rng.choice(_PLACES),
                          participants=n, children=round(n * children * rng.uniform(0.5, 1.5)) if children else 0,
                          idps=min(n, round(n * idps * rng.uniform(0.6, 1.3))),
                          staff=rng.sample(CASE_MANAGERS, rng.randint(1, 2)), today=today)
            fields["children"] = min(n, fields["children"])
            event_id = record_event(db, rng.choice(CASE_MANAGERS), **fields)
            events += 1
            if rng.random() < 0.03:
                fields["participants"] = n + rng.randint(1, 5)
                correct_event(db, SUPERVISOR, event_id, reason="Дораховано учасників за реєстраційним листом (демо)",
                              **fields)
                events += 1
    for case in cases_held(db, HEAD):
        if case["programme"] != "idp_support" or rng.random() >= 0.35:
            continue
        case_id, household_id = case["id"], get_case(db, HEAD, case["id"])["household_id"]
        arrived = max(date.fromisoformat(case["opened_on"]) - timedelta(days=rng.randint(0, 60)),
                      today - timedelta(days=900))
        left = arrived + timedelta(days=rng.randint(30, 330))
        shelter = rng.choice(_SHELTERS)
        supervisor = _supervisor(db, case_id)
        for member in household_members(db, HEAD, household_id):
            came = max(arrived, date.fromisoformat(member["birth_date"]))  # a baby born in the shelter
            if came > left:
                continue
            stay = record_stay(db, supervisor, member["id"], shelter=shelter, from_on=came, case_id=case_id,
                               today=today)
            stays += 1
            if left <= today:
                end_stay(db, supervisor, stay, to_on=left, today=today)
    return events, stays


def _supervisor(db, case_id) -> str:
    """The supervisor of the team of the case's worker now."""
    return SUPERVISOR_OF[case_state(db, HEAD, case_id)["worker"]]
