"""One demo user per role, on the BNU consortium (seed 000) and Guangdong (seed 004)."""

from django.contrib.auth.hashers import make_password

from accounts.models import Role
from accounts.services import user_ensure_with_affiliation
from pairings.models import Consortium
from schools.models import Institution

DEMO_PASSWORD = "xtzt-demo-2026"  # noqa: S105 — documented in the README; demo data only

# (username, full name, institution, role, in the BNU consortium?, what the role is for)
DEMO_USERS = [
    ("admin", "系统管理员", None, None, False, "管理员：管理后台、导入、用户管理"),
    (
        "bnu_coordinator",
        "北师大组团办公室",
        "北京师范大学",
        Role.COORDINATOR,
        True,
        "牵头高校协调人（北京师范大学组团）",
    ),
    (
        "ahnu_contact",
        "安徽师大联系人",
        "安徽师范大学",
        Role.CONTACT,
        False,
        "参与帮扶高校联系人（安徽师范大学）",
    ),
    (
        "fynu_contact",
        "阜阳师大联系人",
        "阜阳师范大学",
        Role.CONTACT,
        False,
        "重点支持院校联系人（阜阳师范大学）",
    ),
    (
        "fynu_info",
        "阜阳师大信息员",
        "阜阳师范大学",
        Role.INFORMATION_OFFICER,
        False,
        "重点支持院校信息员（阜阳师范大学）",
    ),
    (
        "scnu_contact",
        "华南师大联系人",
        "华南师范大学",
        Role.CONTACT,
        False,
        "广东全口径结对帮扶支援高校联系人（华南师范大学，报送本单位季度报告）",
    ),
    (
        "anhui_edu",
        "安徽省教育厅",
        "安徽省教育厅",
        Role.PROVINCIAL_OFFICER,
        False,
        "省级教育行政部门（安徽省，只读）",
    ),
    (
        "guangdong_edu",
        "广东省教育厅",
        "广东省教育厅",
        Role.PROVINCIAL_OFFICER,
        False,
        "省级教育行政部门（广东省，只读）",
    ),
    (
        "jiangxi_edu",
        "江西省教育厅",
        "江西省教育厅",
        Role.PROVINCIAL_OFFICER,
        False,
        "省级教育行政部门（江西省，编发《工作动态》）",
    ),
    (
        "jxnu_info",
        "江西师大信息员",
        "江西师范大学",
        Role.INFORMATION_OFFICER,
        False,
        "联盟牵头高校信息员（江西师范大学，报送工作动态）",
    ),
    (
        "shantou_edu",
        "汕头市教育局",
        "汕头市教育局",
        Role.CONTACT,
        False,
        "被考核单位（广东省汕头市教育局：结对受援方，查看已发布的本单位考核结果）",
    ),
    (
        "bnu_expert",
        "专家委员会专家",
        "北京师范大学",
        Role.EXPERT,
        True,
        "专家委员会专家（北京师范大学组团）",
    ),
]


def build_users() -> None:
    bnu_consortium = Consortium.objects.get(name="北京师范大学组团")
    institutions = {
        i.name: i for i in Institution.objects.filter(name__in=[u[2] for u in DEMO_USERS if u[2]])
    }
    password_hash = make_password(DEMO_PASSWORD)
    for username, full_name, institution_name, role, in_bnu, _purpose in DEMO_USERS:
        user_ensure_with_affiliation(
            username=username,
            password_hash=password_hash,
            full_name=full_name,
            institution=institutions[institution_name] if institution_name else None,
            role=role,
            consortium=bnu_consortium if in_bnu else None,
            is_superuser=username == "admin",
        )
