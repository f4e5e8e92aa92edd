"""Demo applications (申报) to the national programme (seed 001), run by load_demo after the
programmes and users exist; idempotent.

The four colleges the BNU consortium supports (seed 000) were selected in 2022, so their
applications are real and recorded as selected, with the workflow's history. The seed dates the
recommendation (materials due 2022-02-28); the dates of review, visit and selection are
illustrative and their comments say so. 阿坝师范学院's 申报书 is filled in by code on the
system's template and imported through the 申报书 importer; every figure and text in it is
invented, marked 示例, and the record is flagged is_demo.
"""

import datetime as dt
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from imports.importers.application_form import ApplicationFormImporter
from imports.workbook import Workbook
from programmes.demo.regions import region
from programmes.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Programme,
)
from programmes.services import application_move
from schools.models import Institution

# (college, province, prefecture as the seeds write it)
SELECTED_2022 = [
    ("青海师范大学", "青海省", "西宁市"),
    ("阜阳师范大学", "安徽省", "阜阳市"),
    ("阿坝师范学院", "四川省", "阿坝州"),
    ("西昌民族幼儿师范高等专科学校", "四川省", "凉山州"),
]
# (status, when, comment): after the province's recommendation, the ministry's steps.
STEPS = [
    (ApplicationStatus.REVIEWED, dt.date(2022, 3, 10), "材料审核通过（日期为示例）。"),
    (ApplicationStatus.SITE_VISIT, dt.date(2022, 3, 20), "专家实地考察（日期为示例）。"),
    (
        ApplicationStatus.SELECTED,
        dt.date(2022, 3, 31),
        "确定为重点支持院校，由北京师范大学组团重点支持（日期为示例）。",
    ),
]
RECOMMENDED_ON = dt.date(2022, 2, 28)  # seed 001 §三(三): materials due by this date

# 阿坝师范学院's demo 申报书: every number and text below is invented (示例).
DEMO_SCHOOL = "阿坝师范学院"
DEMO_COVER = {
    "申报学校": DEMO_SCHOOL,
    "学校负责人": "示例负责人",
    "推荐单位": "四川省教育厅",
    "申报日期": "2022-02-25",
}
DEMO_TEACHERS = {  # category: (all full-time teachers, of whom in normal majors)
    "35岁及以下": (180, 80),
    "36—45岁": (250, 110),
    "46—55岁": (140, 60),
    "56岁及以上": (30, 10),
    "博士研究生": (48, 20),
    "硕士研究生": (402, 180),
    "本科及以下": (150, 60),
    "正高级": (45, 18),
    "副高级": (165, 72),
    "中级": (270, 120),
    "初级及未定级": (120, 50),
}
DEMO_STUDENTS = {
    "全日制在校生总数": 12000,
    "其中：本科生": 10800,
    "其中：专科生": 1200,
    "其中：硕士研究生": 0,
    "其中：博士研究生": 0,
    "其中：师范类专业在校生": 6500,
}
DEMO_MAJORS = [
    ["小学教育", "040107", "本科", 2013, 1500, "省级", "第二级", "示例：藏汉双语师资培养方向"],
    ["学前教育", "040106", "本科", 2013, 1400, "否", "未认证", "示例"],
    ["汉语言文学", "050101", "本科", 2013, 1200, "否", "未认证", "示例"],
    ["数学与应用数学", "070101", "本科", 2014, 1000, "否", "未认证", "示例"],
    ["英语", "050201", "本科", 2015, 800, "否", "未认证", "示例"],
    ["学前教育", "570102K", "专科", 2008, 600, "否", "未认证", "示例"],
]
# year: enrolled, of them local, main sources, graduates, employed, teaching, of them rural
DEMO_YEARS = {
    2016: [1450, 1230, "示例：四川省（阿坝州、甘孜州、凉山州）", 1180, 1080, 760, 470],
    2017: [1500, 1280, "示例：四川省（阿坝州、甘孜州）", 1210, 1110, 790, 490],
    2018: [1560, 1330, "示例：四川省（阿坝州、甘孜州）", 1260, 1160, 820, 510],
    2019: [1620, 1380, "示例：四川省（阿坝州、凉山州）", 1300, 1190, 850, 530],
    2020: [1680, 1420, "示例：四川省（甘孜州、凉山州）", 1350, 1230, 880, 550],
    2021: [1720, 1460, "示例：四川省（阿坝州、甘孜州、凉山州）", 1400, 1280, 910, 570],
}
DEMO_KEY_COUNTIES = {2016: 300, 2017: 315, 2018: 330, 2019: 345, 2020: 360, 2021: 380}
DEMO_MEASURES = [
    [
        "地市级",
        1,
        "阿坝藏族羌族自治州人民政府（示例）",
        "经费投入",
        "【示例】2022—2025 年每年安排专项经费，支持学校师范类专业和实训平台建设。",
        300,
        "是",
    ],
    [
        "地市级",
        2,
        "阿坝藏族羌族自治州人民政府（示例）",
        "基础教育教师队伍建设合作计划",
        "【示例】州内 13 个县（市）与学校共建县域教师发展中心，每年选派骨干教师到校研修。",
        None,
        "是",
    ],
    [
        "省级",
        1,
        "四川省教育厅（示例）",
        "政策支持",
        "【示例】在学科建设、研究生教育等方面对学校给予倾斜支持。",
        None,
        "是",
    ],
    [
        "省级",
        2,
        "四川省教育厅（示例）",
        "协调机制",
        "【示例】建立省、州、校三方协调机制，每年召开一次推进会。",
        None,
        "是",
    ],
]
_DEMO_NOTE = "（本段为演示数据，内容虚构，并非学校真实申报材料。）"
DEMO_TEXTS = {
    "一、学校基本情况": "【示例】学校地处汶川县，是民族地区培养基础教育师资的本科院校。"
    + _DEMO_NOTE,
    "二、1. 师范类学科专业情况": "【示例】师范类专业覆盖学前、小学和中学主要学科。" + _DEMO_NOTE,
    "二、2. 师范类专业学生情况": "【示例】毕业生主要在州内及周边民族地区中小学任教。" + _DEMO_NOTE,
    "二、3. 师范类专业教师情况": "【示例】高级职称、博士学位教师占比偏低。" + _DEMO_NOTE,
    "二、4. 服务基础教育情况": "【示例】承担州内中小学教师培训和送教下乡。" + _DEMO_NOTE,
    "三、学校“十四五”发展规划": "【示例】建设特色鲜明的高水平师范学院。" + _DEMO_NOTE,
    "四、学校提质计划实施方案": "【示例】依托组团帮扶，重点提升师资队伍和学科专业水平。"
    + _DEMO_NOTE,
    "五、地方支持措施": "【示例】地市级、省级措施见「地方支持措施」表。" + _DEMO_NOTE,
    "六、认为重要的其他情况或支撑材料": "【示例】无。" + _DEMO_NOTE,
}


def build_applications() -> None:
    programme = Programme.objects.get(slug="national")
    phase = programme.phases.get(number=1)
    admin = get_user_model().objects.get(username="admin")
    for name, province_name, prefecture_name in SELECTED_2022:
        institution = Institution.objects.get(name=name)
        if Application.objects.filter(
            programme=programme, phase=phase, institution=institution
        ).exists():
            continue
        department = Institution.objects.get(name=f"{province_name}教育厅")
        application = Application(
            programme=programme,
            phase=phase,
            institution=institution,
            province=region(province_name),
            prefecture=region(province_name, prefecture_name),
            recommended_by=department,
        )
        application.full_clean()
        application.save()
        event = ApplicationEvent.objects.create(
            application=application,
            to_status=ApplicationStatus.RECOMMENDED,
            comment=f"{department.name}推荐（教师厅函〔2022〕2号）。",
        )
        _date(event, RECOMMENDED_ON)
        for status, on, comment in STEPS:
            application_move(user=admin, application=application, to_status=status, comment=comment)
            _date(application.events.order_by("-pk").first(), on)
    _import_demo_form(programme.pk, phase.pk, admin)


def _date(event: ApplicationEvent | None, on: dt.date) -> None:
    """Backdate a history row (its time is set on creation) to the day it stands for."""
    assert event is not None
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    ApplicationEvent.objects.filter(pk=event.pk).update(at=at)


def _import_demo_form(programme_pk: int, phase_pk: int, user: Any) -> None:
    if ApplicationDocument.objects.filter(
        application__institution__name=DEMO_SCHOOL, application__programme_id=programme_pk
    ).exists():
        return
    importer = ApplicationFormImporter(
        {"programme": programme_pk, "phase": phase_pk, "is_demo": True}, user=user
    )
    data = _filled(importer.template())
    with Workbook(io.BytesIO(data), name="阿坝师范学院申报书（示例）.xlsx") as book:
        check = importer.check(book)
    if not check.ok:
        raise RuntimeError("; ".join(str(p) for p in check.problems))
    importer.apply()


def _rows(sheet: Worksheet, column: int = 1) -> dict[str, int]:
    """The template's row of each label in `column`."""
    return {
        str(cell.value): cell.row
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column)
        if cell.value is not None and cell.row is not None
    }


def _put(sheet: Worksheet, row: int, values: list[Any], first_column: int = 1) -> None:
    for offset, value in enumerate(values):
        sheet.cell(row=row, column=first_column + offset, value=value)


def _filled(template: bytes) -> bytes:
    """The template as the college would fill it, with the demo figures."""
    book = load_workbook(io.BytesIO(template))
    labels = _rows(book["封面"])
    for label, value in DEMO_COVER.items():
        _put(book["封面"], labels[label], [value], 2)
    labels = _rows(book["教师结构"], column=2)
    for label, counts in DEMO_TEACHERS.items():
        _put(book["教师结构"], labels[label], list(counts), 3)
    labels = _rows(book["在校生"])
    for label, number in DEMO_STUDENTS.items():
        _put(book["在校生"], labels[label], [number], 2)
    for offset, major in enumerate(DEMO_MAJORS):
        _put(book["师范类专业"], 3 + offset, major)
    labels = _rows(book["招生就业"])
    for year, figures in DEMO_YEARS.items():
        regions = "示例：州内各县" if year % 2 else "示例：阿坝州、甘孜州"
        _put(book["招生就业"], labels[str(year)], [*figures, regions, DEMO_KEY_COUNTIES[year]], 2)
        book["招生就业"].cell(row=labels[str(year)], column=11, value="教育（示例）")
    for offset, measure in enumerate(DEMO_MEASURES):
        _put(book["地方支持措施"], 3 + offset, measure)
    labels = _rows(book["文字材料"])
    for label, text in DEMO_TEXTS.items():
        _put(book["文字材料"], labels[label], [text], 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
