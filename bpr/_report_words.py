"""The words of the HTML report (:mod:`bpr.report`) in English and Persian.

Texts of the page are keyed by their English wording (:data:`FA` holds the Persian); metrics
have a label that names their statistic, and a definition; the assumptions the stages write
are recognised by :data:`ASSUMPTIONS` and written again for a reader in either language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Keys are the English texts; each maps to its Persian translation.

FA: Mapping[str, str] = {
    # sections
    "Analysis of": "تحلیل فرایند",
    "Contents": "فهرست",
    "At a glance": "در یک نگاه",
    "Key figures": "شاخص‌های اصلی",
    "The process as it is": "فرایند در وضع موجود",
    "How well the model reproduces the log": "میزان بازتولید رویدادنگار توسط مدل",
    "Length": "طول فرایند",
    "Definitions": "تعریف‌ها",
    "By": "به تفکیک",
    "Undocumented steps and transitions": "گام‌ها و گذارهای مستندنشده",
    "Undocumented steps": "گام‌های مستندنشده",
    "Undocumented transitions": "گذارهای مستندنشده",
    "Skipped documented steps": "گام‌های مستندِ انجام‌نشده",
    "Redesign proposals": "پیشنهادهای بازطراحی",
    "Steps to review": "گام‌هایی که باید بررسی شوند",
    "As-is and to-be": "وضع موجود و وضع مطلوب",
    "Simulation": "شبیه‌سازی",
    "Data repairs and assumptions": "اصلاح داده‌ها و فرض‌ها",
    "Data repairs": "اصلاح داده‌ها",
    "Columns read": "ستون‌های خوانده‌شده",
    "Assumptions": "فرض‌ها",
    "Glossary of names in the files": "واژه‌نامه نام‌های به‌کاررفته در پرونده‌ها",
    # the data
    "Observed in": "مشاهده‌شده در",
    "cases and": "پرونده و",
    "events, from": "رویداد، از",
    "to": "تا",
    "Business calendar:": "تقویم کاری:",
    "No business calendar was chosen: business-time figures are left out.": (
        "تقویم کاری انتخاب نشد: شاخص‌های زمان کاری محاسبه نشدند."
    ),
    "Figures from the log are observed; figures of the as-is and to-be models and of the "
    "simulation are estimates.": (
        "شاخص‌های رویدادنگار مشاهده‌شده‌اند؛ شاخص‌های مدل‌های وضع موجود و مطلوب و شبیه‌سازی برآورد هستند."
    ),
    # column heads and words
    "figure": "شاخص",
    "value": "مقدار",
    "metric": "سنجه",
    "observed in the log": "مشاهده‌شده در رویدادنگار",
    "as-is model (estimate)": "مدل وضع موجود (برآورد)",
    "to-be model (estimate)": "مدل وضع مطلوب (برآورد)",
    "as-is, simulated": "وضع موجود، شبیه‌سازی",
    "to-be, simulated": "وضع مطلوب، شبیه‌سازی",
    "change": "تغییر",
    "95% interval of the change": "بازه اطمینان ۹۵٪ تغییر",
    "activity": "فعالیت",
    "events": "رویدادها",
    "cases": "پرونده‌ها",
    "share of cases": "سهم پرونده‌ها",
    "share of time": "سهم زمان",
    "from": "از",
    "step": "گام",
    "mandatory": "الزامی",
    "yes": "بله",
    "no": "خیر",
    "unknown": "نامشخص",
    "change proposed": "تغییر پیشنهادی",
    "steps changed": "گام‌های تغییریافته",
    "why": "دلیل",
    "why, and what it rests on": "دلیل، و آنچه بر آن استوار است",
    "evidence": "شواهد",
    "effect of this change alone (estimate)": "اثر همین تغییر به‌تنهایی (برآورد)",
    "status": "وضعیت",
    "field": "ویژگی",
    "steps without it": "گام‌های فاقد آن",
    "repair": "اصلاح",
    "count": "تعداد",
    "detail": "جزئیات",
    "role": "نقش",
    "column": "ستون",
    "where": "کجا",
    "assumption": "فرض",
    "name": "نام",
    "meaning": "معنا",
    "what": "چه",
    "advice": "توصیه",
    "days": "روز",
    "h": "ساعت",
    "of": "از",
    "steps": "گام",
    # sentences
    "No repairs were needed.": "اصلاحی لازم نبود.",
    "No undocumented step.": "گام مستندنشده‌ای نیست.",
    "No undocumented transition.": "گذار مستندنشده‌ای نیست.",
    "No case skips a documented step.": "هیچ پرونده‌ای گام مستندی را جا نینداخته است.",
    "No written procedure was given, so the log could not be compared with one.": (
        "روال مکتوبی داده نشد، پس رویدادنگار با روالی مقایسه نشد."
    ),
    "To find the steps practice adds to the procedure, give the procedure with": (
        "برای یافتن گام‌هایی که در عمل به روال افزوده شده‌اند، روال را با این گزینه بدهید:"
    ),
    "(a BPMN, PNML or JSON model, or a text file with one step name per line).": (
        "(مدل BPMN، PNML یا JSON، یا پرونده متنی با نام یک گام در هر سطر)."
    ),
    "the written procedure covers": "روال مکتوب پوشش می‌دهد",
    "of events; alignment fitness": "از رویدادها را؛ تطابق هم‌ترازی",
    "No change was proposed.": "هیچ تغییری پیشنهاد نشد.",
    "The heuristics act only on what is known about the steps, and for this process these "
    "fields are unknown:": (
        "قواعد بازطراحی فقط بر پایه آنچه از گام‌ها معلوم است عمل می‌کنند، و در این فرایند این "
        "ویژگی‌ها نامشخص‌اند:"
    ),
    "Give them in an annotation table, one row per activity with the columns": (
        "آن‌ها را در جدول حاشیه‌نویسی بدهید، یک سطر برای هر فعالیت با ستون‌های"
    ),
    "and pass it with": "و آن را با این گزینه بدهید:",
    "An annotation table to fill in was written:": "جدول حاشیه‌نویسی برای تکمیل نوشته شد:",
    "Every heuristic looked at every step: none found a change that improves the process "
    "under the objective's weights.": (
        "همه قواعد بازطراحی همه گام‌ها را بررسی کردند: هیچ‌یک تغییری نیافت که فرایند را با "
        "وزن‌های هدف بهتر کند."
    ),
    "Nothing to review: every step the log shows is in the written procedure, and no "
    "heuristic lacked a field it needs.": (
        "موردی برای بررسی نیست: هر گامی که رویدادنگار نشان می‌دهد در روال مکتوب هست و هیچ قاعده "
        "بازطراحی‌ای ویژگی لازمی را کم نداشت."
    ),
    "What the redesign did not act on: it changes nothing it does not know enough about.": (
        "آنچه بازطراحی به آن دست نزد: چیزی را که به‌اندازه کافی درباره‌اش نمی‌داند تغییر نمی‌دهد."
    ),
    "finding": "یافته",
    "executions per case": "اجرا در هر پرونده",
    "time per case, mean": "زمان در هر پرونده، میانگین",
    "what to do": "اقدام پیشنهادی",
    "none": "هیچ",
    "The simulation was not run (it was switched off).": "شبیه‌سازی اجرا نشد (خاموش شده بود).",
    "The simulation was not run: the log has no times, so no step's duration is known and "
    "simulated times would show only assumed defaults.": "شبیه‌سازی اجرا نشد: رویدادنگار زمان "
    "ندارد، پس مدت هیچ گامی معلوم نیست و زمان‌های شبیه‌سازی‌شده فقط پیش‌فرض‌های فرضی را نشان "
    "می‌دادند.",
    "A log with the time of each event gives them.": "رویدادنگاری با زمان هر رویداد آن‌ها را می‌دهد.",
    "Run the analysis without": "تحلیل را بدون گزینه",
    "to see the effect of the redesign on times, with 95% confidence intervals.": (
        "اجرا کنید تا اثر بازطراحی بر زمان‌ها با بازه اطمینان ۹۵٪ دیده شود."
    ),
    "cases per run,": "پرونده در هر اجرا،",
    "runs on common random numbers; means over runs.": (
        "اجرا با اعداد تصادفی مشترک؛ میانگین اجراها."
    ),
    "changes proposed,": "تغییر پیشنهاد شد،",
    "applied in the to-be,": "در وضع مطلوب اعمال شد،",
    "need a legal change.": "نیازمند تغییر قانون است.",
    "activities of the log are not in the written procedure.": (
        "فعالیت رویدادنگار در روال مکتوب نیست."
    ),
    "Observed figures are means over the cases of the log; estimates are the expected values "
    "of a model over its paths.": (
        "شاخص‌های مشاهده‌شده میانگین پرونده‌های رویدادنگارند؛ برآوردها امید ریاضی مدل روی "
        "مسیرهای آن هستند."
    ),
    "Made with bpr": "ساخته‌شده با bpr",
    "seed": "بذر تصادفی",
    "not applicable to a model": "برای مدل معنا ندارد",
    "unknown:": "نامشخص:",
    "not given for": "داده نشده برای",
    "no duration is known for some steps": "مدت برخی گام‌ها معلوم نیست",
    "a loop can repeat without limit": "حلقه‌ای می‌تواند بی‌حد تکرار شود",
    "the log has no start times": "رویدادنگار زمان شروع ندارد",
    "no business calendar": "بدون تقویم کاری",
    # statuses of proposals
    "applied": "اعمال شد",
    "not applied: needs a legal change": "اعمال نشد: نیازمند تغییر قانون",
    "not applied: no gain on the weighted objective": "اعمال نشد: بهبودی در هدف وزن‌دار ندارد",
    "not applied: the applied changes already give its effect": (
        "اعمال نشد: تغییرهای اعمال‌شده اثر آن را دارند"
    ),
    "not applied: another applied change changes the same step": (
        "اعمال نشد: تغییر اعمال‌شده دیگری همین گام را تغییر می‌دهد"
    ),
    "not applied: the step is locked by a constraint": "اعمال نشد: گام با یک قید قفل شده است",
    # sources of evidence
    "annotation table": "جدول حاشیه‌نویسی",
    "log column": "ستون رویدادنگار",
    "label classifier": "دسته‌بند برچسب‌ها",
    "written procedure": "روال مکتوب",
    "times in the log": "زمان‌های رویدادنگار",
    "the model": "مدل",
    "confidence": "اطمینان",
    "in hours": "به ساعت",
    "within tolerance": "در حد مجاز",
    "beyond tolerance": "بیرون از حد مجاز",
    "verdict": "داوری",
    "figures of the model are further from the log than their tolerance:": (
        "شاخص مدل بیش از حد مجاز از رویدادنگار فاصله دارند:"
    ),
    "The model reproduces the log within every tolerance.": (
        "مدل رویدادنگار را در حد مجاز همه شاخص‌ها بازتولید می‌کند."
    ),
    "its estimates for those figures are less sure.": (
        "برآوردهای آن برای این شاخص‌ها کمتر مطمئن است."
    ),
    "change of": "تغییر",
    # where assumptions come from
    "length observed in the log": "طول مشاهده‌شده در رویدادنگار",
    "length of the as-is model": "طول مدل وضع موجود",
    "length of the to-be model": "طول مدل وضع مطلوب",
    "redesign": "بازطراحی",
    "gaps": "شکاف‌ها",
    "simulation of the as-is": "شبیه‌سازی وضع موجود",
    "simulation of the to-be": "شبیه‌سازی وضع مطلوب",
    # summary figures (keys of Analysis.summary())
    "activities": "فعالیت‌ها",
    "variants": "مسیرهای متمایز",
    "steps per case": "گام در هر پرونده، مشاهده‌شده",
    "visits per case": "مراجعه حضوری در هر پرونده، مشاهده‌شده",
    "cycle time (median)": "زمان چرخه، میانه، مشاهده‌شده",
    "undocumented activities": "فعالیت‌های مستندنشده",
    "undocumented transitions": "گذارهای مستندنشده",
    "documented share of events": "سهم رویدادهای مستند",
    "fitness to the procedure": "تطابق با روال مکتوب",
    "changes proposed": "تغییرهای پیشنهادی",
    "changes applied": "تغییرهای اعمال‌شده",
    "steps, as-is model": "گام در هر پرونده، مدل وضع موجود (برآورد)",
    "steps, to-be model": "گام در هر پرونده، مدل وضع مطلوب (برآورد)",
    "visits, as-is model": "مراجعه حضوری، مدل وضع موجود (برآورد)",
    "visits, to-be model": "مراجعه حضوری، مدل وضع مطلوب (برآورد)",
    "cycle time, as-is simulated": "زمان چرخه، میانگین، شبیه‌سازی وضع موجود (برآورد)",
    "cycle time, to-be simulated": "زمان چرخه، میانگین، شبیه‌سازی وضع مطلوب (برآورد)",
}
# The summary's figures as an English reader reads them (the keys stay the API's).
EN_SUMMARY: Mapping[str, str] = {
    "steps per case": "steps per case, observed",
    "visits per case": "visits to an office per case, observed",
    "cycle time (median)": "cycle time, median, observed",
    "documented share of events": "share of events in the written procedure",
    "fitness to the procedure": "fitness to the written procedure",
    "steps, as-is model": "steps per case, as-is model (estimate)",
    "steps, to-be model": "steps per case, to-be model (estimate)",
    "visits, as-is model": "visits per case, as-is model (estimate)",
    "visits, to-be model": "visits per case, to-be model (estimate)",
    "cycle time, as-is simulated": "cycle time, mean, as-is simulated (estimate)",
    "cycle time, to-be simulated": "cycle time, mean, to-be simulated (estimate)",
}

# Each metric: its label (with its statistic) and its definition, in English and Persian.
METRICS: Mapping[str, tuple[str, str]] = {
    "steps": ("steps per case", "گام در هر پرونده"),
    "steps_min": ("fewest steps in a case", "کمترین گام در یک پرونده"),
    "steps_max": ("most steps in a case", "بیشترین گام در یک پرونده"),
    "visits": ("visits to an office per case", "مراجعه حضوری در هر پرونده"),
    "handoffs": ("handoffs per case", "دست‌به‌دست شدن در هر پرونده"),
    "agencies": ("agencies per case", "دستگاه در هر پرونده"),
    "documents": ("documents the citizen brings", "مدارکی که شهروند می‌آورد"),
    "inquiries": ("inquiries per case", "استعلام در هر پرونده"),
    "paper_inquiries": ("paper inquiries the citizen carries", "استعلام کاغذی به دست شهروند"),
    "rework": ("repeated steps per case", "گام تکراری در هر پرونده"),
    "procedures": ("procedures with the citizen", "مراحل مواجهه با شهروند"),
    "cycle_time": ("cycle time, median", "زمان چرخه، میانه"),
    "cycle_time_median": ("cycle time, median", "زمان چرخه، میانه"),
    "cycle_time_mean": ("cycle time, mean", "زمان چرخه، میانگین"),
    "cycle_time_p90": ("cycle time, 90th percentile", "زمان چرخه، صدک ۹۰"),
    "working_time": ("working time per case, mean", "زمان کار در هر پرونده، میانگین"),
    "waiting_time": ("waiting time per case, mean", "زمان انتظار در هر پرونده، میانگین"),
    "travel_time": ("citizen's travel time per case, mean", "زمان رفت‌وآمد شهروند، میانگین"),
    "waiting_share": ("share of the cycle time spent waiting", "سهم انتظار از زمان چرخه"),
    "cycle_time_business": ("business cycle time, median", "زمان چرخه در وقت کاری، میانه"),
    "cycle_time_business_mean": (
        "business cycle time, mean",
        "زمان چرخه در وقت کاری، میانگین",
    ),
    "days": ("days to deliver (Doing Business), mean", "روز تا تحویل (روش Doing Business)"),
    "burden": ("citizen's time burden per case, mean", "بار زمانی بر شهروند در هر پرونده"),
    "burden_cost": (
        "cost of the citizen's burden per case, mean",
        "هزینه بار زمانی شهروند در هر پرونده، میانگین",
    ),
    "variants": ("distinct paths", "مسیرهای متمایز"),
    "cases": ("cases", "پرونده‌ها"),
}
HEADLINE_LABELS: Mapping[str, tuple[str, str]] = {
    "visits": ("Visits to an office, per case", "مراجعه حضوری به اداره، در هر پرونده"),
    "steps": ("Steps, per case", "گام‌ها، در هر پرونده"),
    "cycle_time_mean": (
        "Days from request to outcome, mean",
        "روز از درخواست تا نتیجه، میانگین",
    ),
    "documents": ("Documents the citizen brings", "مدارکی که شهروند می‌آورد"),
}
DEFINITIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("steps", "steps_min", "steps_max"),
        "Step executions per case. In the log: the mean, fewest and most over its cases; in a "
        "model: the expected value over its paths, and the fewest and most steps a path takes "
        "(no most when a loop can repeat without limit).",
        "تعداد اجرای گام‌ها در هر پرونده. در رویدادنگار: میانگین، کمترین و بیشترین روی "
        "پرونده‌ها؛ در مدل: امید ریاضی روی مسیرها، و کمترین و بیشترین گام یک مسیر (وقتی "
        "حلقه‌ای بی‌حد تکرار شود، بیشترینی نیست).",
    ),
    (
        ("visits",),
        "Trips the citizen makes to an office: consecutive steps where the citizen must be "
        "present at the same place count as one trip (in the log, also on the same day).",
        "سفرهای شهروند به اداره: گام‌های پیاپی که شهروند باید در یک مکان حاضر باشد یک سفر "
        "شمرده می‌شوند (در رویدادنگار، در همان روز).",
    ),
    (
        ("handoffs", "agencies"),
        "Times the case passes from one agency or actor to another, and distinct agencies a "
        "case touches.",
        "دفعاتی که پرونده از دستگاه یا انجام‌دهنده‌ای به دیگری می‌رود، و دستگاه‌های متمایزی "
        "که پرونده از آن‌ها می‌گذرد.",
    ),
    (
        ("documents",),
        "Distinct documents the citizen must bring that no earlier step of the service produces.",
        "مدارک متمایزی که شهروند باید بیاورد و هیچ گام پیشین خدمت آن را صادر نمی‌کند.",
    ),
    (
        ("inquiries", "paper_inquiries"),
        "Steps that check a fact with another agency; paper inquiries are those the citizen "
        "carries by hand.",
        "گام‌هایی که واقعیتی را از دستگاه دیگر استعلام می‌کنند؛ استعلام کاغذی آن است که "
        "شهروند به دست می‌برد.",
    ),
    (
        ("rework",),
        "Executions of a step beyond its first in the same case.",
        "اجرای یک گام بیش از بار نخست در همان پرونده.",
    ),
    (
        ("procedures", "days"),
        "World Bank Doing Business: steps where the citizen deals with an office, and calendar "
        "days with each such procedure taking at least a day (half a day online).",
        "روش Doing Business بانک جهانی: گام‌هایی که شهروند با اداره سروکار دارد، و روزهای "
        "تقویمی با دست‌کم یک روز برای هر مرحله (نیم روز برای مرحله برخط).",
    ),
    (
        ("cycle_time", "cycle_time_mean", "cycle_time_p90"),
        "Time from the first to the last event of a case: median, mean and 90th percentile "
        "(nine cases in ten take less).",
        "زمان از نخستین تا آخرین رویداد پرونده: میانه، میانگین و صدک ۹۰ (نه پرونده از ده "
        "کوتاه‌ترند).",
    ),
    (
        ("working_time", "waiting_share"),
        "Time spent working on the case (it needs start times), and the share of the cycle "
        "time spent waiting.",
        "زمان صرف‌شده برای کار روی پرونده (نیازمند زمان شروع)، و سهم انتظار از زمان چرخه.",
    ),
    (
        ("cycle_time_business", "cycle_time_business_mean"),
        "Cycle time counted in the working time of the business calendar only.",
        "زمان چرخه که فقط در وقت کاری تقویم کاری شمرده می‌شود.",
    ),
    (
        ("burden",),
        "The citizen's time cost per case after the EU Standard Cost Model: travel and "
        "queueing for each visit, and the time to obtain each document.",
        "هزینه زمانی شهروند در هر پرونده به روش مدل هزینه استاندارد اتحادیه اروپا: رفت‌وآمد و "
        "صف برای هر مراجعه، و زمان تهیه هر مدرک.",
    ),
    (
        ("burden_cost",),
        "The burden in money, at the tariff given (money per hour of the citizen's time); "
        "unknown without a tariff.",
        "بار زمانی به پول، با نرخ داده‌شده (پول به ازای هر ساعت از وقت شهروند)؛ بدون نرخ "
        "نامشخص است.",
    ),
    (
        ("variants", "cases"),
        "Distinct sequences of steps, and the number of cases.",
        "دنباله‌های متمایز گام‌ها، و تعداد پرونده‌ها.",
    ),
)

# The figures of a model's fidelity to its log (bpr.Fidelity.summary), by kind.
FIDELITY: Mapping[str, tuple[str, str]] = {
    "share": ("share of cases, furthest from the log", "سهم پرونده‌ها، دورترین از رویدادنگار"),
    "executions": (
        "executions per case, furthest from the log",
        "اجرا در هر پرونده، دورترین از رویدادنگار",
    ),
    "steps": ("steps per case", "گام در هر پرونده"),
    "rework": ("repeated steps per case", "گام تکراری در هر پرونده"),
    "cycle_time_mean": ("cycle time, mean", "زمان چرخه، میانگین"),
    "cycle_time_median": ("cycle time, median", "زمان چرخه، میانه"),
}
# The effects of a change, shortly: each metric with its statistic.
IMPACT: Mapping[str, tuple[str, str]] = {
    "visits": ("visits", "مراجعه حضوری"),
    "steps": ("steps", "گام"),
    "handoffs": ("handoffs", "دست‌به‌دست شدن"),
    "documents": ("documents", "مدارک"),
    "cycle_time": ("cycle time, mean", "زمان چرخه، میانگین"),
}
# A finding of the redesign: what it is, and what the analyst can do (English, Persian).
FINDINGS: Mapping[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "undocumented": (
        ("not in the written procedure", "در روال مکتوب نیست"),
        (
            "Ask the agency whether a law or regulation requires it, before changing anything.",
            "پیش از هر تغییری از دستگاه بپرسید آیا قانون یا مقرره‌ای آن را لازم می‌داند.",
        ),
    ),
    "missing_fields": (
        (
            "{fields} unknown, so these steps were not looked at for: {heuristics}",
            "{fields} نامشخص است، پس این گام‌ها برای این تغییرها بررسی نشدند: {heuristics}",
        ),
        (
            "Give these steps' {fields} in the annotation table.",
            "{fields} این گام‌ها را در جدول حاشیه‌نویسی بدهید.",
        ),
    ),
}
NOT_APPLIED: Mapping[str, str] = {
    "legal_change": "not applied: needs a legal change",
    "no_gain": "not applied: no gain on the weighted objective",
    "dominated": "not applied: the applied changes already give its effect",
    "conflict": "not applied: another applied change changes the same step",
    "locked": "not applied: the step is locked by a constraint",
}
EVIDENCE_SOURCES: Mapping[str, str] = {
    "annotation": "annotation table",
    "log_attribute": "log column",
    "classifier": "label classifier",
    "procedure": "written procedure",
    "log_time": "times in the log",
    "model": "the model",
}
REPAIRS_FA: Mapping[str, str] = {
    "no timestamps: events kept in file order": (
        "بدون زمان: رویدادها به ترتیب پرونده نگه داشته شدند"
    ),
    "rows without case dropped": "سطرهای بدون شناسه پرونده حذف شدند",
    "rows without activity dropped": "سطرهای بدون فعالیت حذف شدند",
    "rows without timestamp dropped": "سطرهای بدون زمان حذف شدند",
    "unparseable timestamps dropped": "زمان‌های ناخوانا حذف شدند",
    "unparseable start times cleared": "زمان‌های شروع ناخوانا پاک شدند",
    "start times after completion cleared": "زمان‌های شروعِ پس از پایان پاک شدند",
    "exact duplicate events removed": "رویدادهای کاملاً تکراری حذف شدند",
    "exact duplicate events kept": "رویدادهای کاملاً تکراری نگه داشته شدند",
    "labels merged by normalisation": "برچسب‌ها با یکسان‌سازی ادغام شدند",
    "events re-sorted within a case": "رویدادها در پرونده دوباره مرتب شدند",
    "unpaired start events dropped": "رویدادهای شروعِ بی‌جفت حذف شدند",
    "events with other lifecycle transitions dropped": "رویدادهای با گذار چرخه عمر دیگر حذف شدند",
}
ROLES: Mapping[str, tuple[str, str]] = {
    "case": ("case", "پرونده"),
    "activity": ("activity", "فعالیت"),
    "timestamp": ("time (completion)", "زمان پایان"),
    "start": ("start time", "زمان شروع"),
    "resource": ("who did it", "انجام‌دهنده"),
    "agency": ("agency", "دستگاه"),
    "channel": ("channel", "مجرا"),
}
WEEKDAYS_FA: Mapping[str, str] = {
    "saturday": "شنبه",
    "sunday": "یکشنبه",
    "monday": "دوشنبه",
    "tuesday": "سه‌شنبه",
    "wednesday": "چهارشنبه",
    "thursday": "پنجشنبه",
    "friday": "جمعه",
}
CALENDARS_FA: Mapping[str, str] = {
    "Iranian week, fixed Jalali holidays (religious holidays not included)": (
        "هفته کاری ایران با تعطیلات رسمی ثابت شمسی (بدون تعطیلات مذهبی)"
    ),
    "Monday-to-Friday week": "هفته دوشنبه تا جمعه",
}


# Every assumption a stage writes, recognised by its pattern and written for a reader in each
# language; ``{name}`` takes the named group, written by the function of _PARTS when it has one.
ASSUMPTIONS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), en, fa)
    for pattern, en, fa in (
        (
            r"^steps typed per activity as discover types them",
            "Steps are typed per activity: from the annotation table first, then the log's "
            "columns, then the label classifier.",
            "نوع گام‌ها برای هر فعالیت تعیین شد: نخست از جدول حاشیه‌نویسی، سپس از ستون‌های "
            "رویدادنگار، سپس با دسته‌بند برچسب‌ها.",
        ),
        (
            r"^calendar days in (?P<zone>[^;]+); no business calendar was chosen",
            "Calendar days are counted in the {zone} time zone. No business calendar was "
            "chosen, so the business cycle times are unknown (no working week is assumed).",
            "روزهای تقویمی در منطقه زمانی {zone} شمرده شد. تقویم کاری انتخاب نشد، پس زمان چرخه "
            "در وقت کاری نامشخص است (هیچ هفته کاری فرض نشد).",
        ),
        (
            r"^calendar days in (?P<zone>[^;]+); business time on the ",
            "Calendar days are counted in the {zone} time zone, and business time on the "
            "business calendar named at the top of the report.",
            "روزهای تقویمی در منطقه زمانی {zone} شمرده شد، و وقت کاری بر پایه تقویم کاری "
            "که در آغاز گزارش آمده است.",
        ),
        (
            r"^burden cost unknown: no tariff",
            "The burden has no cost: no tariff (money per hour of the citizen's time) was given.",
            "هزینه بار زمانی نامشخص است: نرخی (پول به ازای هر ساعت از وقت شهروند) داده نشد.",
        ),
        (
            r"^burden cost = burden in hours × (?P<tariff>\S+) (?P<currency>.+) per hour$",
            "The burden's cost is its hours at {tariff} {currency} per hour.",
            "هزینه بار زمانی، ساعت‌های آن به نرخ {tariff} {currency} در ساعت است.",
        ),
        (
            r"^burden = visits × \((?P<travel>\S+) travel \+ (?P<queue>\S+) queue\) \+ "
            r"documents × (?P<obtain>\S+) to obtain",
            "The citizen's burden counts {travel} of travel and {queue} of queueing per visit, "
            "and {obtain} to obtain each document (EU Standard Cost Model).",
            "بار زمانی شهروند برای هر مراجعه {travel} رفت‌وآمد و {queue} صف، و برای تهیه هر "
            "مدرک {obtain} می‌شمارد (مدل هزینه استاندارد اتحادیه اروپا).",
        ),
        (
            r"^the log has no times \(control-flow only\)",
            "The log has no times: cycle time, business time, working time, waiting share and "
            "days are unknown, and a visit is a run of steps at one place.",
            "رویدادنگار زمان ندارد: زمان چرخه، زمان کاری، زمان کار، سهم انتظار و روزها نامشخص‌اند "
            "و هر مراجعه یک رشته گام پیاپی در یک مکان است.",
        ),
        (
            r"^parallel blocks whose branches the log interleaves run one branch after another",
            "Steps the log shows in any order (a parallel block of the discovered model) are "
            "simulated one after another, as the log timed them.",
            "گام‌هایی که رویدادنگار به هر ترتیبی نشان می‌دهد (یک بلوک موازی مدل کشف‌شده) مانند "
            "زمان‌بندی رویدادنگار، یکی پس از دیگری شبیه‌سازی شدند.",
        ),
        (
            r"^the log has no start times",
            "The log has no start times: working time and the waiting share are unknown.",
            "رویدادنگار زمان شروع ندارد: زمان کار و سهم انتظار نامشخص است.",
        ),
        (
            r"^split .*: branch probabilities from observed flow frequencies$",
            "The probability of each branch of a decision is how often the log takes it.",
            "احتمال هر شاخه تصمیم برابر با بسامد آن در رویدادنگار است.",
        ),
        (
            r"^split .*: (?P<missing>\d+) of (?P<branches>\d+) branches have no probability; "
            r"assumed equally likely",
            "Where {missing} of {branches} branches of a decision have no probability, they are "
            "assumed equally likely.",
            "هر جا {missing} شاخه از {branches} شاخه تصمیم احتمال ندارند، هم‌احتمال فرض شدند.",
        ),
        (
            r"^(?P<what>cycle|working) time unknown: (?P<count>\d+) steps have no duration",
            "The {what} time is unknown: {count} steps have no duration.",
            "زمان {what} نامشخص است: {count} گام مدت ندارند.",
        ),
        (
            r"^median and 90th percentile of the cycle time read on a grid",
            "The median and 90th percentile of the cycle time are read on a fine grid (to about a "
            "thousandth of their value); means are exact.",
            "میانه و صدک ۹۰ زمان چرخه روی شبکه‌ای ریز خوانده شد (با دقت حدود یک‌هزارم مقدار)؛ "
            "میانگین‌ها دقیق‌اند.",
        ),
        (
            r"^a duration distribution had more than \d+ values and was binned",
            "Long duration distributions were grouped into bins: medians and 90th percentiles "
            "are approximate, means exact.",
            "توزیع‌های بلند مدت در بازه‌ها گروه‌بندی شدند: میانه و صدک ۹۰ تقریبی و میانگین دقیق است.",
        ),
        (
            r"^(?P<count>\d+) start events: a case starts at each with equal probability",
            "The model has {count} start events: a case starts at each with equal probability.",
            "مدل {count} رویداد آغاز دارد: پرونده با احتمال برابر از هر یک آغاز می‌شود.",
        ),
        (
            r"^arrivals: a Poisson process with the log's rate, one case every (?P<gap>\S+)",
            "Cases arrive at random at the log's rate, one every {gap} on average.",
            "پرونده‌ها به‌طور تصادفی با نرخ رویدادنگار می‌رسند، به‌طور میانگین یکی در هر {gap}.",
        ),
        (
            r"^arrivals: a Poisson process, one case every (?P<gap>\S+)",
            "Cases arrive at random, one every {gap} on average (no rate was given).",
            "پرونده‌ها به‌طور تصادفی می‌رسند، به‌طور میانگین یکی در هر {gap} (نرخی داده نشد).",
        ),
        (
            r"^citizens travel (?P<office>\S+) to an office and (?P<counter>\S+) to a counter "
            r"office",
            "A citizen travels {office} to an office and {counter} to a counter office.",
            "شهروند تا اداره {office} و تا دفتر پیشخوان {counter} در راه است.",
        ),
        (
            r"^no calendar: staff and offices work around the clock",
            "The simulation has no calendar: staff and offices work around the clock.",
            "شبیه‌سازی تقویم ندارد: کارکنان و اداره‌ها شبانه‌روزی کار می‌کنند.",
        ),
        (
            r"^log activities that match no step are left out: (?P<steps>.+)$",
            "Activities of the log that match no step of the model are left out: {steps}.",
            "فعالیت‌هایی از رویدادنگار که با هیچ گام مدل جور نیستند کنار گذاشته شدند: {steps}.",
        ),
        (
            r"^pools the as-is also has keep its staff",
            "Staff pools that the as-is also has keep their size.",
            "گروه‌های کارکنانی که در وضع موجود هم هستند اندازه خود را نگه می‌دارند.",
        ),
        (
            r"^simulated time starts on (?P<start>.+) UTC",
            "Simulated time starts on {start} (UTC).",
            "زمان شبیه‌سازی از {start} آغاز می‌شود.",
        ),
        (
            r"^system steps take (?P<seconds>[\d.]+) s: (?P<steps>.+)$",
            "System steps take {seconds} s: {steps}.",
            "گام‌های سامانه‌ای {seconds} ثانیه طول می‌کشند: {steps}.",
        ),
        (
            r"^durations: a (?P<law>\w+) with the observed median and mean working time: "
            r"(?P<steps>.+)$",
            "Durations follow a distribution with the observed median and mean working time: "
            "{steps}.",
            "مدت‌ها از توزیعی با میانه و میانگین مشاهده‌شده زمان کار پیروی می‌کنند: {steps}.",
        ),
        (
            r"^no duration known: (?P<mean>\S+) on average: (?P<steps>.+)$",
            "No duration is known: {mean} on average is assumed for {steps}.",
            "مدتی معلوم نیست: به‌طور میانگین {mean} فرض شد برای {steps}.",
        ),
        (
            r"^time shares are shares of (?P<basis>\w+) time$",
            "Time shares of undocumented steps are shares of {basis} time.",
            "سهم زمان گام‌های مستندنشده سهم از زمان {basis} است.",
        ),
        (
            r"^the as-is (?P<metric>.+) is unknown \(.*\), so the objective leaves it out$",
            "The as-is {metric} is unknown, so the redesign's objective leaves it out.",
            "{metric} وضع موجود نامشخص است، پس هدف بازطراحی آن را کنار می‌گذارد.",
        ),
        (
            r"^objective weights: (?P<weights>.+)$",
            "The redesign weighs the metrics: {weights}.",
            "وزن سنجه‌ها در هدف بازطراحی: {weights}.",
        ),
    )
)
FA_WORDS = {
    "cycle": "چرخه",
    "working": "کار",
    "whole days": "تمام روز",
    "waiting": "انتظار",
}
